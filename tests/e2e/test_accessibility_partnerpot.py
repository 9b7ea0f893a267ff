"""axe-core (WCAG 2.1 A/AA) on every Partnerpotten page, for the roles that see it, with the
objects in the states that change what a page shows.

The objects are the authorization matrix's (tests/partnerpot/matrix.py: drafts, submitted
applications, one with a request for more information, decided ones, grants awarded, paid out,
with a submitted and with an approved final report, study visits in each state), plus a few
more states made here. ``PARTNERPOT_PAGES`` and ``PARTNERPOT_NOT_PAGES`` are counted by
``test_every_portal_page_is_swept`` in tests/e2e/test_accessibility.py: a new Partnerpotten
URL that is in neither fails that test.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partnerpot import services
from partnerpot.models import Application

from ..partnerpot.factories import COMPLETE, complete_application, draft_application, open_call
from ..urlmap import all_routes
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)

# POST-only actions (their results are checked in the journey and below) and downloads.
PARTNERPOT_NOT_PAGES = {
    f"partnerpot:{name}"
    for name in (
        # Applicants
        "application_start",
        "budget_line_add",
        "budget_line_remove",
        "co_applicant_add",
        "co_applicant_remove",
        "file_add",
        "file_download",
        "file_remove",
        "receipt_pdf",
        "letter_pdf",
        # Secretariat
        "call_publish",
        "criterion_add",
        "criterion_edit",
        "criterion_remove",
        "call_agenda",
        "call_export",
        "application_decide",
        "grant_pay_out",
        "grant_close",
        "grant_record_repayment",
        "report_approve",
        "report_request_more",
        # Study visits
        "study_visit_submit",
    )
}

World = dict
Page = tuple[str, Callable[[World], str]]


def _url(name: str, key: str | None = None, query: str = "") -> Page:
    """A page: the URL name and how to build its URL from the world's object ``key``."""
    qualified = f"partnerpot:{name}"

    def build(world: World) -> str:
        args = [world[key].pk] if key else []
        return reverse(qualified, args=args) + query

    return qualified, build


# What the secretariat sees: its own pages in each state, and the applicants' pages it can read.
AS_SECRETARIAT: list[Page] = [
    _url("home"),
    _url("call_detail", "applicant_call"),
    _url("my_applications"),
    _url("application_detail", "applicant_submitted"),
    _url("application_detail", "applicant_decided"),
    _url("application_detail", "secretariat_on_agenda"),
    _url("grant_report", "secretariat_grant_report"),
    _url("call_list"),
    _url("call_create"),
    _url("call_edit", "secretariat_draft"),
    _url("call_edit", "secretariat_call"),
    _url("call_manage", "secretariat_draft"),
    _url("call_manage", "secretariat_open"),
    _url("call_manage", "secretariat_call"),
    _url("call_cancel", "secretariat_open"),
    _url("call_decide", "secretariat_call"),
    _url("call_decide", "secretariat_open"),
    _url("assessment", "secretariat_submitted"),
    _url("assessment", "applicant_info"),
    _url("assessment", "secretariat_on_agenda"),
    _url("info_request", "secretariat_submitted"),
    _url("info_request", "applicant_info"),
    _url("pipeline"),
    _url("pipeline", query="?status=submitted"),
    _url("grant_list"),
    _url("grant_list", query="?status=overdue"),
    _url("grant_detail", "secretariat_grant"),
    _url("grant_detail", "applicant_grant"),
    _url("grant_detail", "secretariat_grant_report"),
    _url("grant_detail", "secretariat_grant_done"),
    _url("grant_cancel", "secretariat_grant"),
    _url("study_visit_list"),
    _url("study_visit_create"),
    _url("study_visit_detail", "visits_submitted"),
    _url("study_visit_detail", "visits_on_agenda"),
    _url("study_visit_detail", "visits_approved"),
    _url("study_visit_agenda", "visits_submitted"),
    _url("study_visit_decide", "visits_on_agenda"),
]

# What a representative of the applicant (partner_rep acts for the FUG) sees.
AS_APPLICANT: list[Page] = [
    _url("home"),
    _url("call_detail", "applicant_call"),
    _url("call_detail", "secretariat_call"),
    _url("my_applications"),
    _url("application_detail", "incomplete"),
    _url("application_detail", "applicant_draft"),
    _url("application_detail", "applicant_submitted"),
    _url("application_detail", "applicant_info"),
    _url("application_detail", "applicant_decided"),
    _url("application_detail", "withdrawn"),
    _url("application_edit", "incomplete"),
    _url("application_edit", "applicant_draft"),
    _url("application_edit", "applicant_info"),  # only the reopened section can change
    _url("application_submit", "incomplete"),
    _url("application_submit", "applicant_draft"),
    _url("application_withdraw", "applicant_submitted"),
    _url("info_reply", "applicant_info"),
    _url("grant_report", "secretariat_grant"),  # awarded: a draft, not yet to submit
    _url("grant_report", "applicant_grant"),  # paid out: to write and submit
    _url("grant_report", "secretariat_grant_report"),  # submitted: read-only
    _url("grant_report", "secretariat_grant_done"),  # approved, unspent money to repay
    _url("call_list"),
    _url("grant_list"),
    _url("grant_detail", "applicant_grant"),
    _url("grant_detail", "secretariat_grant_done"),
    _url("study_visit_list"),
    _url("study_visit_create"),
    _url("study_visit_detail", "visits_draft"),
    _url("study_visit_detail", "visits_approved"),
    _url("study_visit_edit", "visits_draft"),
    _url("study_visit_withdraw", "visits_submitted"),
    _url("study_visit_report", "visits_approved"),
]

PARTNERPOT_PAGES = {name for name, _build in AS_SECRETARIAT + AS_APPLICANT}


def _world(registry, personas) -> World:
    """The authorization matrix's Partnerpotten objects and a few more states."""
    from ..partnerpot.matrix import add_objects

    ctx = {"registry": registry, "personas": personas, "objects": {}}
    add_objects(ctx)
    world = dict(ctx["partnerpot"])
    rep = personas["partner_rep"]
    call = world["applicant_call"]
    # A draft just started: everything on the checklist.
    world["incomplete"] = draft_application(call=call, applicant=registry.partner, by=rep)
    withdrawn = complete_application(call=call, applicant=registry.partner, by=rep)
    world["withdrawn"] = services.application_withdraw(
        application=services.application_submit(application=withdrawn, by=rep),
        reason="Prosjektet er utsatt.",
        by=rep,
    )
    # The secretariat's own partner (Udir) is a co-applicant: the secretariat is conflicted.
    conflicted = complete_application(call=call, applicant=registry.partner, by=rep)
    services.co_applicant_add(application=conflicted, kind="partner", partner=registry.udir, by=rep)
    world["conflicted"] = services.application_submit(application=conflicted, by=rep)
    return world


def _sweep(page, world: World, pages: list[Page]) -> None:
    for name, build in pages:
        url = build(world)
        response = page.goto(url)
        assert response.status == 200, f"{name} {url} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        axe_check(page)


def test_partnerpot_pages_are_declared():
    """Every Partnerpotten URL is a page swept here or a declared non-page, and no name is stale."""
    ours = {r.name for r in all_routes() if r.name and r.name.startswith("partnerpot:")}
    declared = PARTNERPOT_PAGES | PARTNERPOT_NOT_PAGES
    assert not PARTNERPOT_PAGES & PARTNERPOT_NOT_PAGES
    assert not ours - declared, f"Partnerpotten pages without an axe check: {ours - declared}"
    assert not declared - ours, f"Unknown Partnerpotten URL names: {declared - ours}"


def test_axe_on_partnerpot_pages_as_secretariat(page, live_server, registry, personas):
    world = _world(registry, personas)
    sign_in_with_cookie(page, live_server, personas["secretariat"])
    _sweep(page, world, AS_SECRETARIAT)

    # Conflicted: the assessment page says why it is closed (403).
    response = page.goto(reverse("partnerpot:assessment", args=[world["conflicted"].pk]))
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    axe_check(page)

    # Refused input: the error summary takes focus and passes axe.
    page.goto(reverse("partnerpot:call_create"))
    page.get_by_role("button", name="Lagre som utkast").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe_check(page)
    page.goto(reverse("partnerpot:info_request", args=[world["secretariat_submitted"].pk]))
    page.get_by_role("button", name="Send forespørselen").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe_check(page)
    # A decision without a reason, at the meeting (htmx: the row comes back with its errors).
    on_agenda = world["secretariat_on_agenda"]
    page.goto(reverse("partnerpot:call_decide", args=[world["secretariat_call"].pk]))
    row = page.locator(f"#decide-{on_agenda.pk}")
    row.get_by_label("Avslått").check()
    row.get_by_role("button", name="Registrer vedtaket").click()
    page.get_by_role("dialog").get_by_role("button", name="Ja, registrer vedtaket").click()
    expect(page.locator(f"#decide-{on_agenda.pk} [data-error-summary]")).to_be_focused()
    axe_check(page)
    on_agenda.refresh_from_db()
    assert on_agenda.status == Application.Status.ON_AGENDA


def test_axe_on_partnerpot_pages_as_applicant(page, live_server, registry, personas):
    world = _world(registry, personas)
    sign_in_with_cookie(page, live_server, personas["partner_rep"])
    _sweep(page, world, AS_APPLICANT)

    # Refused input in the form (htmx): the section comes back with its errors.
    draft = world["applicant_draft"]
    page.goto(reverse("partnerpot:application_edit", args=[draft.pk]))
    budget = page.locator("#section-budget")
    budget.get_by_label("Omsøkt beløp (kroner)").fill("mange penger")
    page.keyboard.press("Tab")  # saved on change (htmx)
    expect(page.locator("#section-budget [data-error-summary]")).to_be_focused()
    axe_check(page)
    lines = page.locator("#budget-lines")
    lines.get_by_role("button", name="Legg til budsjettlinje").click()
    expect(page.locator("#budget-lines [data-error-summary]")).to_be_focused()
    axe_check(page)
    # An answer to the secretariat without text; a final report submitted unconfirmed.
    page.goto(reverse("partnerpot:info_reply", args=[world["applicant_info"].pk]))
    page.get_by_role("button", name="Send svaret").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe_check(page)
    page.goto(reverse("partnerpot:grant_report", args=[world["applicant_grant"].pk]))
    page.get_by_role("button", name="Send inn sluttrapporten").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe_check(page)
    draft.refresh_from_db()
    assert draft.requested_amount == Decimal(COMPLETE["requested_amount"])


@pytest.mark.parametrize("language", ["nn", "en"])
def test_axe_on_a_partnerpot_page_in_nynorsk_and_english(
    page, live_server, registry, partner_rep, language
):
    """Only axe here: the translations are added at the end (tests/test_translations.py)."""
    call = open_call()
    draft = complete_application(call=call, applicant=registry.partner, by=partner_rep)
    sign_in_with_cookie(page, live_server, partner_rep)
    page.goto(reverse("partnerpot:home"))
    page.get_by_label("Språk").select_option(language)
    page.get_by_role("button", name="Bytt språk").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    for url in (
        reverse("partnerpot:application_edit", args=[draft.pk]),
        reverse("partnerpot:call_detail", args=[call.pk]),
    ):
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", language)
        axe_check(page)
