"""Issue 11 §4: members report absence (melde forfall) from the meeting page or from the link
in their notice e-mail, until the meeting starts; the secretariat sees it on the attendance
form and calls in the deputy, who gets a notice. One e-mail per person per change."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from meetings import absence, notifications, services
from meetings.models import Attendance
from partnership import outbox
from partnership.models import Membership, OutboxMessage

from ..factories import MembershipFactory, PersonFactory
from .factories import MeetingFactory, in_days

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def meeting(registry, partner_rep):
    return MeetingFactory(body=registry.partners_meeting, starts_at=in_days(10))


@pytest.fixture
def deputy(registry, meeting):
    person = PersonFactory(full_name="Vera Vara")
    MembershipFactory(
        person=person,
        body=registry.partners_meeting,
        partner=registry.partner,
        role=Membership.Role.DEPUTY,
        starts_on=meeting.local_date - dt.timedelta(days=30),
    )
    return person


def _rows(kind, person=None):
    rows = OutboxMessage.objects.filter(kind=kind)
    return rows.filter(recipient=person) if person else rows


def test_the_notice_carries_a_personal_absence_link_that_works_without_signing_in(
    client, meeting, partner_rep, deputy
):
    notifications.send_notice(meeting=meeting)
    body = OutboxMessage.objects.get(
        kind=notifications.Kind.MEETING_NOTICE, recipient=partner_rep
    ).body_text
    link = re.search(r"https?://\S+/moter/forfall/\S+/", body).group()
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)  # not signed in
    assert page.status_code == 200
    assert partner_rep.full_name in page.text and "Meld forfall" in page.text
    assert not Attendance.objects.exists()  # a GET changes nothing
    done = client.post("/" + path, {"note": "Syk"})
    assert done.status_code == 200 and "Forfallet er meldt" in done.text
    record = Attendance.objects.get(person=partner_rep)
    assert (record.status, record.note) == (Attendance.Status.ABSENT_WITH_NOTICE, "Syk")
    # A second click sends no second receipt.
    client.post("/" + path, {"note": "Syk"})
    assert _rows(absence.Kind.ABSENCE_RECEIPT, partner_rep).count() == 1
    # The deputy's own link is the deputy's, not the member's.
    deputy_body = OutboxMessage.objects.get(
        kind=notifications.Kind.MEETING_NOTICE, recipient=deputy
    ).body_text
    assert re.search(r"/moter/forfall/\S+/", deputy_body).group() not in body


def test_a_tampered_or_foreign_link_is_refused_clearly(client, meeting, partner_rep):
    token = absence.token_for(meeting, partner_rep)
    bad = client.get(reverse("meetings:absence_link", args=[token[:-2] + "xx"]))
    assert bad.status_code == 400 and "Lenken er ugyldig" in bad.text
    other = client.get(
        reverse("meetings:absence_link", args=["not-a-token-at-all-but-long-enough"])
    )
    assert other.status_code == 400
    # Someone with no seat in the body cannot report through a valid link.
    stranger = PersonFactory()
    page = client.post(
        reverse("meetings:absence_link", args=[absence.token_for(meeting, stranger)])
    )
    assert page.status_code == 400 and "ikke medlem eller vara" in page.text
    assert not Attendance.objects.exists()


def test_absence_after_the_meeting_started_is_refused(client, meeting, partner_rep):
    url = reverse("meetings:absence_link", args=[absence.token_for(meeting, partner_rep)])
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=5)):
        page = client.get(url)
        assert "Møtet har begynt" in page.text
        refused = client.post(url)
    assert refused.status_code == 400 and "Møtet har begynt" in refused.text
    assert not Attendance.objects.exists()


def test_report_and_withdraw_from_the_meeting_page(client, login, meeting, partner_rep):
    login(partner_rep)
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert 'id="absence-heading"' in page.text
    assert (
        client.post(
            reverse("meetings:absence_report", args=[meeting.pk]), {"note": "På reise"}
        ).status_code
        == 302
    )
    assert Attendance.objects.get(person=partner_rep).status == "absent_with_notice"
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert "Trekk forfallet" in page.text
    assert client.post(reverse("meetings:absence_withdraw", args=[meeting.pk])).status_code == 302
    assert not Attendance.objects.exists()
    kinds = _rows(absence.Kind.ABSENCE_RECEIPT, partner_rep).values_list("subject", flat=True)
    assert len(kinds) == 2 and any("trukket" in s for s in kinds)


def test_the_secretariat_sees_the_absence_and_calls_in_the_deputy_once(
    client, login, meeting, partner_rep, deputy, secretariat
):
    absence.report(meeting=meeting, person=partner_rep, note="Syk")
    login(secretariat)
    url = reverse("meetings:attendance", args=[meeting.pk])
    page = client.get(url).text
    row = page.split(f'id="att-{partner_rep.pk}"')[1].split("</tr>")[0]
    assert '<option value="absent_with_notice" selected>' in row and 'value="Syk"' in row
    data = {
        f"status-{partner_rep.pk}": "deputy_attending",
        f"deputy-{partner_rep.pk}": deputy.pk,
        f"note-{partner_rep.pk}": "Syk",
    }
    assert client.post(url, data, **HTMX).status_code == 200
    assert _rows(absence.Kind.DEPUTY_CALLED_IN, deputy).count() == 1
    body = _rows(absence.Kind.DEPUTY_CALLED_IN, deputy).get().body_text
    assert partner_rep.full_name in body and "vara" in body
    # Saved again (or the outbox task run twice): still one e-mail.
    assert client.post(url, data, **HTMX).status_code == 200
    outbox.dispatch_due()
    outbox.dispatch_due()
    assert _rows(absence.Kind.DEPUTY_CALLED_IN, deputy).count() == 1


def test_no_deputy_notice_for_a_meeting_that_has_begun(
    client, login, meeting, partner_rep, deputy, secretariat
):
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=30)):
        services.attendance_record_sheet(
            meeting=meeting,
            rows=[
                services.SheetRow(
                    person_id=partner_rep.pk, status="deputy_attending", deputy_id=deputy.pk
                )
            ],
        )
    assert not _rows(absence.Kind.DEPUTY_CALLED_IN).exists()
