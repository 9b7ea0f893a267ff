"""Issue 11 §4 in the browser: a member reports absence from the link in their own notice
e-mail (signed out), with the keyboard; the secretariat sees it on the attendance page; an
altered link gets a clear page, never a 500; and a signed-in member reports absence from
the meeting page behind its confirmation dialog. axe-core on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from meetings import notifications
from meetings.absence import Kind as AbsenceKind
from meetings.models import Attendance
from meetings.notifications import Kind
from partnership.models import OutboxMessage

from ..meetings.factories import AgendaItemFactory, MeetingFactory, in_days
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"https?://[^\s]+/moter/forfall/[^\s/]+/")


def _noticed_meeting(registry, secretariat):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(10), place="Oslo")
    AgendaItemFactory(meeting=meeting, title="Budsjett")
    return notifications.send_notice(meeting=meeting, by=secretariat)


def test_a_member_reports_absence_from_the_link_in_the_notice_email(
    page, browser, live_server, registry, secretariat, partner_rep
):
    meeting = _noticed_meeting(registry, secretariat)
    notice = OutboxMessage.objects.get(kind=Kind.MEETING_NOTICE, recipient=partner_rep)
    (url,) = set(LINK.findall(notice.body_text))
    path = re.sub(r"^https?://[^/]+", "", url)

    # Signed out, from the e-mail: the page says whose absence from which meeting.
    page.goto(path)
    expect(page.get_by_role("heading", name="Meld forfall")).to_be_visible()
    expect(
        page.get_by_text(f"Denne lenken gjelder forfall for {partner_rep.full_name}")
    ).to_be_visible()
    axe_check(page)
    assert not Attendance.objects.filter(meeting=meeting, person=partner_rep).exists()  # GET
    page.get_by_label("Merknad til sekretariatet").fill("Sykdom")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Meld forfall")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".ds-alert[role=status]")).to_contain_text("Forfallet er meldt")
    axe_check(page)
    row = Attendance.objects.get(meeting=meeting, person=partner_rep)
    assert row.status == Attendance.Status.ABSENT_WITH_NOTICE and row.note == "Sykdom"
    assert (
        OutboxMessage.objects.filter(
            recipient=partner_rep, kind=AbsenceKind.ABSENCE_RECEIPT
        ).count()
        == 1
    )

    # The secretariat sees it on the attendance page, prefilled.
    secretariat_page = browser.new_context(
        base_url=live_server.url, locale="nb-NO", bypass_csp=True
    ).new_page()
    sign_in_with_cookie(secretariat_page, live_server, secretariat)
    secretariat_page.goto(f"/moter/{meeting.pk}/oppmote/")
    expect(secretariat_page.get_by_label(f"Oppmøte for {partner_rep}")).to_have_value(
        Attendance.Status.ABSENT_WITH_NOTICE
    )
    axe_check(secretariat_page)
    secretariat_page.context.close()

    # An altered link: a clear page with status 400, nothing changed.
    response = page.goto(path[:-3] + "xx/")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Lenken er ugyldig eller for gammel")
    axe_check(page)


def test_a_signed_in_member_reports_absence_from_the_meeting_page_behind_the_dialog(
    page, live_server, registry, secretariat, partner_rep
):
    meeting = _noticed_meeting(registry, secretariat)
    sign_in_with_cookie(page, live_server, partner_rep)
    page.goto(f"/moter/{meeting.pk}/")
    report = page.get_by_role("button", name="Meld forfall")
    report.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Sekretariatet får beskjed og kaller inn vara")
    axe_check(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert not Attendance.objects.filter(meeting=meeting, person=partner_rep).exists()
    report.focus()
    page.keyboard.press("Enter")
    yes = dialog.get_by_role("button", name="Ja, meld forfall")
    yes.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Forfallet er meldt.")).to_be_visible()
    axe_check(page)
    assert (
        Attendance.objects.get(meeting=meeting, person=partner_rep).status
        == Attendance.Status.ABSENT_WITH_NOTICE
    )
