"""A noticed meeting is moved in a real browser (issue 11 §3): the secretariat confirms in the
dialog with the keyboard alone, and every member gets one change e-mail (the outbox rows).
axe-core on the meeting page with its supplementary-notice dialog and on the move page.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from meetings import notifications, services
from meetings.models import OSLO, Meeting
from meetings.notifications import Kind
from partnership.models import OutboxMessage

from ..meetings.factories import AgendaItemFactory, MeetingFactory, in_days
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def local(moment: dt.datetime) -> str:
    return moment.astimezone(OSLO).strftime("%Y-%m-%dT%H:%M")


def test_secretariat_moves_a_noticed_meeting_and_each_member_gets_one_email(
    page, live_server, registry, secretariat, partner_rep
):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20), place="Oslo")
    AgendaItemFactory(meeting=meeting, title="Budsjett")
    meeting = notifications.send_notice(meeting=meeting, by=secretariat)
    services.agenda_item_create(meeting=meeting, title="Rapport fra AU-delegasjonen")
    invited = set(
        OutboxMessage.objects.filter(kind=Kind.MEETING_NOTICE).values_list(
            "recipient_id", flat=True
        )
    )
    assert partner_rep.pk in invited

    sign_in_with_cookie(page, live_server, secretariat)
    page.goto(f"/moter/{meeting.pk}/")
    expect(page.get_by_text("Tilleggssak", exact=True)).to_be_visible()
    page.get_by_role("button", name="Send tilleggsinnkalling").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("1 ny sak")
    axe_check(page)
    page.keyboard.press("Escape")  # dismissed: nothing is sent
    expect(dialog).to_be_hidden()
    assert not OutboxMessage.objects.filter(kind=Kind.MEETING_SUPPLEMENT).exists()

    page.get_by_role("link", name="Flytt møtet").click()
    expect(page.get_by_role("heading", name="Flytt møtet")).to_be_visible()
    expect(page.get_by_text(re.compile(r"som er kalt inn, en e-post om endringen"))).to_be_visible()
    axe_check(page)
    new_start = in_days(22)
    page.get_by_label("Ny start").fill(local(new_start))
    page.get_by_label("Ny slutt").fill(local(new_start + dt.timedelta(hours=2)))
    page.get_by_label("Ny slutt").press("Enter")  # submit with the keyboard: the dialog opens
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("får en e-post om endringen")
    expect(dialog.get_by_role("button", name="Avbryt")).to_be_focused()
    axe_check(page)
    page.keyboard.press("Shift+Tab")  # from "Avbryt" to "Flytt møtet"
    expect(dialog.get_by_role("button", name="Flytt møtet")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Møtet er flyttet til")).to_be_visible()
    axe_check(page)

    meeting.refresh_from_db()
    assert meeting.starts_at == new_start.replace(second=0, microsecond=0)
    assert meeting.status == Meeting.Status.NOTICE_SENT
    changed = list(
        OutboxMessage.objects.filter(kind=Kind.MEETING_CHANGED).values_list(
            "recipient_id", flat=True
        )
    )
    assert sorted(changed) == sorted(invited)  # one each, nobody twice
