"""axe-core (WCAG 2.1 A/AA) on every page of the portal, for the roles that see it.

The list of our pages is checked against the URL resolver: a new page in
``partnership.views`` (or a later app) that is not swept here fails the test.
Django's own admin is not swept (it is Django's, used only by administrators).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partnership.models import Membership

from ..urlmap import all_routes
from .conftest import axe_check
from .helpers import sign_in_with_cookie
from .test_accessibility_dashboard import DASHBOARD_NOT_PAGES, DASHBOARD_PAGES
from .test_accessibility_partnerpot import PARTNERPOT_NOT_PAGES, PARTNERPOT_PAGES
from .test_accessibility_plan import PLAN_NOT_PAGES, PLAN_PAGES
from .test_accessibility_plan_activities import OWN_WORK_NOT_PAGES, OWN_WORK_PAGES
from .test_accessibility_reports_briefing import REPORTS_BRIEFING_ROUTES
from .test_accessibility_workgroups import WORKGROUPS_ROUTES
from .test_reports_journey import ANNUAL_NOT_PAGES, ANNUAL_PAGES

pytestmark = pytest.mark.django_db(transaction=True)

# URL names that are not pages (POST-only actions, JSON, language switch).
NOT_PAGES = {"healthz", "set_language", "membership_add", "membership_end", "invitation_revoke"}
PORTAL_MODULES = ("partnership.", "meetings.", "workgroups.", "partnerpot.", "reports.")


def _pages(registry, secretariat, invitation_token) -> dict[str, str]:
    membership = Membership.objects.filter(body=registry.secretariat).first()
    return {
        "home": reverse("home"),
        "accessibility": reverse("accessibility"),
        "partner_list": reverse("partner_list"),
        "partner_create": reverse("partner_create"),
        "partner_detail": reverse("partner_detail", args=[registry.partner.pk]),
        "partner_edit": reverse("partner_edit", args=[registry.partner.pk]),
        "person_list": reverse("person_list"),
        "person_detail": reverse("person_detail", args=[secretariat.pk]),
        "profile": reverse("profile"),
        "body_list": reverse("body_list"),
        "body_detail": reverse("body_detail", args=[registry.wg_local.pk]),
        "membership_edit": reverse("membership_edit", args=[membership.pk]),
        "invitation_list": reverse("invitation_list"),
        "invitation_accept": reverse("invitation_accept", args=[invitation_token]),
        "history": reverse("history"),
    }


ALLAUTH_PAGES = [
    "mfa_index",
    "mfa_generate_recovery_codes",
    "usersessions_list",
    "account_email",
    "account_change_password",
]
ANONYMOUS_ALLAUTH_PAGES = ["account_login", "account_reset_password"]


def test_every_portal_page_is_swept():
    swept = set(_PAGE_NAMES) | NOT_PAGES | set(MEETINGS_PAGES) | MEETINGS_NOT_PAGES
    # Partnerpotten's pages are swept in tests/e2e/test_accessibility_partnerpot.py.
    swept |= PARTNERPOT_PAGES | PARTNERPOT_NOT_PAGES
    # The economy's pages are found from the resolver in test_accessibility_workgroups.py.
    swept |= WORKGROUPS_ROUTES
    # The action plan's pages (issue 12): tests/e2e/test_accessibility_plan.py.
    swept |= set(PLAN_PAGES) | PLAN_NOT_PAGES
    # The leaders' dashboard and the indicators: tests/e2e/test_accessibility_dashboard.py.
    swept |= set(DASHBOARD_PAGES) | DASHBOARD_NOT_PAGES
    # Partners' own work (issue 12 §6): tests/e2e/test_accessibility_plan_activities.py.
    swept |= OWN_WORK_PAGES | OWN_WORK_NOT_PAGES
    # The annual report (issue 14 §1): tests/e2e/test_reports_journey.py.
    swept |= ANNUAL_PAGES | ANNUAL_NOT_PAGES
    # The ministries' briefing and the exports (issue 14 §2, §3): found from the resolver in
    # test_accessibility_reports_briefing.py (the POST-only actions and the PDF are not pages).
    swept |= REPORTS_BRIEFING_ROUTES
    ours = {r.name for r in all_routes() if r.name and r.callback_module.startswith(PORTAL_MODULES)}
    missing = sorted(ours - swept)
    assert not missing, (
        f"Pages without an axe-core check in tests/e2e/test_accessibility*.py: {missing}"
    )


_PAGE_NAMES = [
    "home",
    "accessibility",
    "partner_list",
    "partner_create",
    "partner_detail",
    "partner_edit",
    "person_list",
    "person_detail",
    "profile",
    "body_list",
    "body_detail",
    "membership_edit",
    "invitation_list",
    "invitation_accept",
    "history",
]


def test_axe_on_every_page_as_secretariat(page, live_server, registry, secretariat):
    from partnership import services

    _invitation, token = services.invitation_create(
        invited_by=secretariat, email="axe@example.org", full_name="Axel Axe"
    )
    pages = _pages(registry, secretariat, token)
    assert sorted(pages) == sorted(_PAGE_NAMES)
    anonymous_only = {"invitation_accept"}
    sign_in_with_cookie(page, live_server, secretariat)
    for name, url in pages.items():
        if name in anonymous_only:
            continue
        response = page.goto(url)
        assert response.status == 200, f"{name} {url} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        axe_check(page)
    for name in ALLAUTH_PAGES:
        response = page.goto(reverse(name))
        assert response.status == 200, f"{name} answered {response.status}"
        axe_check(page)
    page.context.clear_cookies()
    for url in [pages["invitation_accept"], reverse("accessibility")] + [
        reverse(n) for n in ANONYMOUS_ALLAUTH_PAGES
    ]:
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        axe_check(page)


@pytest.mark.parametrize("role", ["partner_rep", "wg_leader", "ministry_observer", "user"])
def test_axe_on_pages_as_other_roles(page, live_server, request, registry, role):
    person = request.getfixturevalue(role)
    sign_in_with_cookie(page, live_server, person)
    for url in [
        reverse("home"),
        reverse("partner_list"),
        reverse("body_list"),
        reverse("body_detail", args=[registry.wg_local.pk]),
        reverse("person_list"),
        reverse("profile"),
    ]:
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        axe_check(page)


@pytest.mark.parametrize("language", ["nn", "en"])
def test_axe_in_nynorsk_and_english(page, live_server, registry, partner_rep, language):
    sign_in_with_cookie(page, live_server, partner_rep)
    page.goto(reverse("home"))
    page.get_by_label("Språk").select_option(language)
    page.get_by_role("button", name="Bytt språk").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    axe_check(page)


def test_csp_allows_the_portal_itself(browser, live_server, partner_rep):
    """Without bypass_csp: the portal's own CSS and JS load under its CSP, no violations."""
    context = browser.new_context(base_url=live_server.url, locale="nb-NO")
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    sign_in_with_cookie(page, live_server, partner_rep)
    page.goto(reverse("home"))
    page.goto(reverse("partner_list"))
    page.get_by_role("searchbox").first.fill("Foreldre")
    page.wait_for_timeout(600)
    # Designsystemet's CSS is applied (not blocked): buttons get its class styling.
    assert page.evaluate("getComputedStyle(document.body).fontFamily")
    context.close()
    assert not violations, violations


# --- Meetings (issue 3) ------------------------------------------------------------------------
# Downloads, the iCal feed and POST-only actions are not pages; their results (htmx fragments)
# are checked in tests/e2e/test_meetings_journey.py.
MEETINGS_NOT_PAGES = {
    f"meetings:{name}"
    for name in (
        "meeting_confirm",
        "meeting_reinstate",
        "notice_pdf",
        "minutes_pdf",
        "meeting_ics",
        "agenda_item_add",
        "agenda_template_apply",
        "agenda_item_move",
        "attachment_download",
        "attachment_delete",
        "proposal_handle",
        "proposal_withdraw",
        "step_aside_add",
        "step_aside_remove",
        "minutes_start",
        "minutes_approve",
        "minutes_entry_save",
        "follow_up_create",
        "follow_up_status",
        "calendar_subscription_revoke",
        "calendar_feed",
        "minutes_notes_save",
        "agenda_template_item_add",
        "agenda_template_item_move",
        "agenda_template_item_remove",
        "absence_report",
        "absence_withdraw",
        # POST only; its dialog on the meeting page is checked in test_meetings_changes.py.
        "meeting_send_supplement",
    )
}


def _absence_link(m) -> str:
    """A member's link from the notice (the page is public: the token is the key)."""
    from meetings import absence
    from partnership.models import Person

    member = Person.objects.filter(memberships__body=m["pm"].body).first()
    return reverse("meetings:absence_link", args=[absence.token_for(m["pm"], member)])


def _meetings_world(registry, personas) -> dict:
    """The authorization matrix's meetings objects (tests/meetings/matrix.py)."""
    from ..meetings.matrix import add_objects

    ctx = {"registry": registry, "personas": personas, "objects": {}}
    add_objects(ctx)
    return ctx["meetings"]


MEETINGS_PAGES = {
    "meetings:meeting_list": lambda m: reverse("meetings:meeting_list"),
    "meetings:meeting_create": lambda m: reverse("meetings:meeting_create"),
    "meetings:year_plan": lambda m: reverse("meetings:year_plan"),
    "meetings:meeting_detail": lambda m: reverse("meetings:meeting_detail", args=[m["pm"].pk]),
    "meetings:meeting_edit": lambda m: reverse("meetings:meeting_edit", args=[m["pm"].pk]),
    "meetings:meeting_move": lambda m: reverse("meetings:meeting_move", args=[m["wg"].pk]),
    "meetings:meeting_send_notice": lambda m: reverse(
        "meetings:meeting_send_notice", args=[m["pm"].pk]
    ),
    "meetings:meeting_cancel": lambda m: reverse("meetings:meeting_cancel", args=[m["pm"].pk]),
    "meetings:meeting_record_held": lambda m: reverse(
        "meetings:meeting_record_held", args=[m["past_planned"].pk]
    ),
    "meetings:agenda_item_edit": lambda m: reverse(
        "meetings:agenda_item_edit", args=[m["item"].pk]
    ),
    # An agenda item's upload form as a page of its own (the page without JavaScript).
    "meetings:attachment_upload": lambda m: reverse(
        "meetings:attachment_upload", args=[m["item"].pk]
    ),
    "meetings:my_proposals": lambda m: reverse("meetings:my_proposals"),
    "meetings:proposal_create": lambda m: reverse("meetings:proposal_create"),
    "meetings:attendance": lambda m: reverse("meetings:attendance", args=[m["pm"].pk]),
    "meetings:absence_link": _absence_link,
    "meetings:minutes": lambda m: reverse("meetings:minutes", args=[m["held"].pk]),
    "meetings:my_follow_ups": lambda m: reverse("meetings:my_follow_ups") + "?alle=1",
    "meetings:calendar": lambda m: reverse("meetings:calendar"),
    "meetings:year_wheel": lambda m: reverse("meetings:year_wheel"),
    "meetings:calendar_subscription": lambda m: reverse("meetings:calendar_subscription"),
    "meetings:decision_search": lambda m: reverse("meetings:decision_search"),
    "meetings:decision_detail": lambda m: reverse(
        "meetings:decision_detail", args=[m["decision"].pk]
    ),
    "meetings:document_list": lambda m: reverse("meetings:document_list"),
    "meetings:document_detail": lambda m: reverse(
        "meetings:document_detail", args=[m["document"].pk]
    ),
    "meetings:document_version_create": lambda m: reverse(
        "meetings:document_version_create", args=[m["document"].pk]
    ),
    "meetings:document_diff": lambda m: reverse("meetings:document_diff", args=[m["document"].pk]),
    "meetings:document_version_adopt": lambda m: reverse(
        "meetings:document_version_adopt", args=[m["version"].pk]
    ),
    "meetings:agenda_template_list": lambda m: reverse("meetings:agenda_template_list"),
    "meetings:agenda_template_detail": lambda m: reverse(
        "meetings:agenda_template_detail", args=[m["template"].pk]
    ),
    # The template page with one item's form open (the page without JavaScript).
    "meetings:agenda_template_item_edit": lambda m: reverse(
        "meetings:agenda_template_item_edit", args=[m["template_item"].pk]
    ),
}
# What a partner representative sees of the same pages (no management forms).
MEETINGS_PAGES_FOR_MEMBERS = [
    "meetings:meeting_list",
    "meetings:meeting_detail",
    "meetings:minutes",
    "meetings:proposal_create",
    "meetings:my_follow_ups",
    "meetings:calendar",
    "meetings:year_wheel",
    "meetings:calendar_subscription",
    "meetings:decision_detail",
]


def test_axe_on_meetings_pages(page, live_server, registry, personas):
    world = _meetings_world(registry, personas)
    sign_in_with_cookie(page, live_server, personas["secretariat"])
    for name, url_of in MEETINGS_PAGES.items():
        url = url_of(world)
        response = page.goto(url)
        assert response.status == 200, f"{name} {url} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        axe_check(page)
    # The calendar's list view and a month with a meeting; the wheel's next year.
    pm = world["pm"]
    for url in (
        reverse("meetings:calendar") + f"?year={pm.local_date.year}&month={pm.local_date.month}",
        reverse("meetings:calendar") + "?view=list",
        reverse("meetings:year_wheel") + f"?year={pm.local_date.year}",
    ):
        page.goto(url)
        axe_check(page)
    page.context.clear_cookies()
    sign_in_with_cookie(page, live_server, personas["partner_rep"])
    for name in MEETINGS_PAGES_FOR_MEMBERS:
        response = page.goto(MEETINGS_PAGES[name](world))
        assert response.status == 200, f"{name} answered {response.status}"
        axe_check(page)


def test_invitations_table_fits_at_1280_px(page, live_server, registry, secretariat):
    """Issue 11 §9: at 1,280 px the invitations table cut off its "withdraw" button. The
    table must fit its box (nothing to scroll sideways) with the button fully visible."""
    from partnership import services

    for n in range(3):
        services.invitation_create(
            invited_by=secretariat,
            email=f"en.ganske.lang.adresse.{n}@kommune-med-langt-navn.example.org",
            full_name=f"Kari Nordmann-Johansen {n}",
            partner=registry.partner,
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_with_cookie(page, live_server, secretariat)
    page.goto(reverse("invitation_list"))
    wrap = page.locator(".portal-table-wrap")
    overflow = wrap.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 0, f"the table is {overflow} px wider than its box"
    button = page.get_by_role("button", name="Trekk tilbake").first
    box, frame = button.bounding_box(), wrap.bounding_box()
    assert box["x"] + box["width"] <= frame["x"] + frame["width"]
    axe_check(page)
