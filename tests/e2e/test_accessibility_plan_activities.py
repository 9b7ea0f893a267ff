"""Partners' own work in a browser (issue 12 §6): axe-core on the page (with its add form and
confirmation dialog) and on the edit form; the removal asks first. The working level's pages
(measure plans and activities, under workgroups:) are swept by
tests/e2e/test_accessibility_workgroups.py from the authorization matrix.

``OWN_WORK_PAGES`` and ``OWN_WORK_NOT_PAGES`` are counted by ``test_every_portal_page_is_swept``
in tests/e2e/test_accessibility.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partnership import services_own_work
from partnership.models import OwnWork

from ..meetings.factories import MeetingFactory, in_days
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)

OWN_WORK_PAGES = {"own_work", "own_work_edit", "meetings:presentation_plan"}
OWN_WORK_NOT_PAGES = {"own_work_delete", "own_work_file"}  # a POST behind the dialog; a download


def test_axe_on_the_own_work_pages_and_the_removal_asks_first(
    page, live_server, registry, partner_leader
):
    work = services_own_work.own_work_save(
        partner=registry.partner,
        kind="routine",
        title="Rutine mot mobbing og trakassering",
        description="Slik varsler og følger vi opp.",
        target_group="Ansatte og frivillige",
    )
    sign_in_with_cookie(page, live_server, partner_leader)
    page.goto(reverse("own_work", args=[registry.partner.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    axe_check(page)
    # An empty add form: the errors are listed and linked, and the page still passes.
    page.get_by_role("button", name="Legg til", exact=True).click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    axe_check(page)
    page.goto(reverse("own_work_edit", args=[work.pk]))
    axe_check(page)
    page.goto(reverse("own_work", args=[registry.partner.pk]))
    page.get_by_role("button", name="Fjern Rutine mot mobbing og trakassering").click()
    dialog = page.get_by_role("dialog", name="Fjerne arbeidet?")
    expect(dialog).to_be_visible()
    axe_check(page)
    dialog.get_by_role("button", name="Fjern").click()
    expect(page.get_by_text("Arbeidet er fjernet fra siden.")).to_be_visible()
    assert not OwnWork.objects.exists()


def test_axe_on_the_presentation_plan(page, live_server, registry, secretariat):
    MeetingFactory(body=registry.leaders_meeting, starts_at=in_days(30))
    sign_in_with_cookie(page, live_server, secretariat)
    page.goto(reverse("meetings:presentation_plan"))
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    axe_check(page)
    page.get_by_label("Partner").select_option(label=registry.partner.name)
    page.get_by_label("Ledermøte").select_option(index=1)
    page.get_by_role("button", name="Sett opp og legg på sakslisten").click()
    expect(page.get_by_text("Presentasjonen er satt opp og lagt på sakslisten.")).to_be_visible()
    expect(
        page.get_by_role("region", name="Satt opp på kommende møter").get_by_role(
            "link", name=registry.partner.name, exact=True
        )
    ).to_be_visible()
    axe_check(page)
