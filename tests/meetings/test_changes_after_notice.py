"""Changes after the notice (issue 11 §3): items added after the notice are marked as
tilleggssaker and sent in a supplementary notice; a noticed meeting that is moved or cancelled
e-mails everyone who got the notice once per change, with an updated .ics.

Each test would have failed before: nothing marked the items, there was no supplementary
notice, and moving or cancelling a noticed meeting e-mailed nobody.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import notifications, services
from meetings.models import OSLO, AgendaItem, Meeting
from meetings.notifications import Kind
from partnership import outbox
from partnership.models import Membership, OutboxMessage, today
from tests import querycounts

from ..factories import MembershipFactory, PersonFactory
from .factories import AgendaItemFactory, MeetingFactory, in_days

Status = OutboxMessage.Status


def rows(kind: str):
    return OutboxMessage.objects.filter(kind=kind)


def per_person(kind: str) -> dict[int, int]:
    counts: dict[int, int] = {}
    for pk in rows(kind).values_list("recipient_id", flat=True):
        counts[pk] = counts.get(pk, 0) + 1
    return counts


def local(moment: dt.datetime) -> str:
    return moment.astimezone(OSLO).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def deputy(registry):
    person = PersonFactory(email="vara@example.org")
    MembershipFactory(
        person=person,
        body=registry.partners_meeting,
        partner=registry.partner,
        role=Membership.Role.DEPUTY,
        starts_on=today() - dt.timedelta(days=30),
    )
    return person


@pytest.fixture
def noticed(registry, partner_rep, deputy, secretariat):
    """A Partnermøte in 20 days whose notice went out through the portal."""
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20), place="Oslo")
    AgendaItemFactory(meeting=meeting, title="Budsjett")
    return notifications.send_notice(meeting=meeting, by=secretariat)


def notified(meeting: Meeting) -> set[int]:
    return set(
        OutboxMessage.objects.filter(
            idempotency_key__startswith=f"meeting_notice:meeting:{meeting.pk}:"
        ).values_list("recipient_id", flat=True)
    )


def attachment_of(row: OutboxMessage) -> outbox.Attachment:
    return outbox._render_attachment(row.attachment, row.language, {})


# --- Items added after the notice -------------------------------------------------------------
def test_items_added_after_the_notice_are_marked(registry, secretariat):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20))
    before = services.agenda_item_create(meeting=meeting, title="Budsjett")
    meeting = notifications.send_notice(meeting=meeting, by=secretariat)
    after = services.agenda_item_create(meeting=meeting, title="AU-delegasjonens rapport")
    assert before.added_after_notice_at is None
    assert after.added_after_notice_at is not None
    assert services.supplement_items(meeting) == [after]


def test_the_meeting_page_marks_the_added_item_and_offers_the_supplement(
    client, login, noticed, secretariat, partner_rep
):
    services.agenda_item_create(meeting=noticed, title="Studietur")
    login(secretariat)
    response = client.get(reverse("meetings:meeting_detail", args=[noticed.pk]))
    assert response.status_code == 200
    assert "Tilleggssak" in response.text
    assert 'data-confirm="supplement-dialog"' in response.text
    recipients = len(notifications.notice_recipients(noticed))
    assert f"sendes på e-post til {recipients} medlemmer og varamedlemmer" in response.text
    login(partner_rep)  # a member sees the mark, not the action
    response = client.get(reverse("meetings:meeting_detail", args=[noticed.pk]))
    assert "Tilleggssak" in response.text
    assert "supplement-dialog" not in response.text


# --- The supplementary notice -----------------------------------------------------------------
def test_supplement_is_refused_without_changes(noticed, secretariat):
    with pytest.raises(ValidationError, match="ingen endringer"):
        notifications.send_supplement(meeting=noticed, by=secretariat)
    assert not rows(Kind.MEETING_SUPPLEMENT).exists()


def test_supplement_goes_once_per_person_with_the_new_items_and_the_pdf(
    noticed, secretariat, partner_rep, deputy, django_capture_on_commit_callbacks
):
    services.agenda_item_create(meeting=noticed, title="Studietur til Bergen")
    with django_capture_on_commit_callbacks(execute=True):
        meeting, count = notifications.send_supplement(meeting=noticed, by=secretariat)
    recipients = {r.person.pk for r in notifications.notice_recipients(meeting)}
    assert {partner_rep.pk, deputy.pk} <= recipients
    assert count == len(recipients)
    assert per_person(Kind.MEETING_SUPPLEMENT) == dict.fromkeys(recipients, 1)
    row = rows(Kind.MEETING_SUPPLEMENT).get(recipient=deputy)
    assert "Studietur til Bergen" in row.body_text and "Budsjett" not in row.body_text
    assert row.subject.startswith("Tilleggsinnkalling:")
    assert row.attachment["renderer"].endswith("notice_pdf_attachment")
    sent = [m for m in mail.outbox if m.subject.startswith("Tilleggsinnkalling")]
    assert len(sent) == len(recipients)
    assert sent[0].attachments[0][1].startswith(b"%PDF")
    # The same items are not sent twice.
    with pytest.raises(ValidationError):
        notifications.send_supplement(meeting=meeting, by=secretariat)
    # A later item makes a second supplement with that item only.
    services.agenda_item_create(meeting=meeting, title="Partnerpottsøknad")
    notifications.send_supplement(meeting=meeting, by=secretariat)
    assert per_person(Kind.MEETING_SUPPLEMENT) == dict.fromkeys(recipients, 2)
    latest = rows(Kind.MEETING_SUPPLEMENT).filter(recipient=deputy).order_by("pk").last()
    assert "Partnerpottsøknad" in latest.body_text
    assert "Studietur til Bergen" not in latest.body_text


def test_supplement_is_refused_for_a_meeting_without_a_notice(registry, secretariat):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20))
    AgendaItemFactory(meeting=meeting)
    with pytest.raises(ValidationError, match="innkalt"):
        notifications.send_supplement(meeting=meeting, by=secretariat)


def test_supplement_view(client, login, noticed, secretariat, partner_rep):
    url = reverse("meetings:meeting_send_supplement", args=[noticed.pk])
    login(secretariat)
    response = client.post(url)  # nothing added: refused on the meeting page, no 500
    assert response.status_code == 400
    assert "ingen endringer å sende" in response.text
    services.agenda_item_create(meeting=noticed, title="Studietur")
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("meetings:meeting_detail", args=[noticed.pk])
    count = len(notifications.notice_recipients(noticed))
    assert f"Tilleggsinnkallingen er sendt til {count} personer." in response.text
    assert client.get(url).status_code == 405
    login(partner_rep)
    assert client.post(url).status_code == 403


def test_supplement_messages_are_translated(client, login, noticed, secretariat):
    secretariat.preferred_language = "en"
    secretariat.save()
    login(secretariat)
    response = client.post(
        reverse("meetings:meeting_send_supplement", args=[noticed.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "ingen endringer" not in response.text


# --- Moved ------------------------------------------------------------------------------------
def test_moving_a_noticed_meeting_emails_everyone_who_got_the_notice_once(
    noticed, secretariat, django_capture_on_commit_callbacks
):
    sequence = noticed.sequence
    starts = noticed.starts_at + dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_move(
            meeting=noticed, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
        )
    people = notified(meeting)
    assert people and per_person(Kind.MEETING_CHANGED) == dict.fromkeys(people, 1)
    assert len([m for m in mail.outbox if m.subject.startswith("Endret:")]) == len(people)
    # The task running twice (a retry, a second worker) adds nothing.
    for _ in range(2):
        assert (
            notifications.send_meeting_change(
                meeting_id=meeting.pk, sequence=meeting.sequence, change="changed"
            )
            == 0
        )
    assert per_person(Kind.MEETING_CHANGED) == dict.fromkeys(people, 1)
    # The .ics: the same UID, a higher SEQUENCE, the new time.
    row = rows(Kind.MEETING_CHANGED).first()
    ics = attachment_of(row)
    assert ics.filename.endswith(".ics") and ics.mimetype == "text/calendar"
    cal = Calendar.from_ical(ics.content)
    assert str(cal["method"]) == "PUBLISH"
    (event,) = cal.walk("VEVENT")
    assert str(event["uid"]) == str(meeting.uid)
    assert int(event["sequence"]) > sequence
    assert event.decoded("dtstart") == starts.astimezone(OSLO)
    # A second move is a second change: one more e-mail each.
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, place="Bergen")
    assert per_person(Kind.MEETING_CHANGED) == dict.fromkeys(people, 2)


def test_moving_a_meeting_without_a_notice_emails_nobody(
    registry, secretariat, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_move(
            meeting=meeting, starts_at=in_days(21), ends_at=in_days(21) + dt.timedelta(hours=1)
        )
        services.meeting_cancel(meeting=meeting, reason="Utsatt")
    assert not OutboxMessage.objects.filter(
        kind__in=(Kind.MEETING_CHANGED, Kind.MEETING_CANCELLED)
    ).exists()


def test_a_rolled_back_move_emails_nobody(noticed, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.meeting_move(
            meeting=noticed, starts_at=in_days(22), ends_at=in_days(22) + dt.timedelta(hours=1)
        )
        raise RuntimeError
    assert callbacks == []
    assert not rows(Kind.MEETING_CHANGED).exists()


def test_moving_into_the_past_is_refused(noticed):
    with pytest.raises(ValidationError, match="har vært"):
        services.meeting_move(
            meeting=noticed, starts_at=in_days(-1), ends_at=in_days(-1) + dt.timedelta(hours=1)
        )
    with pytest.raises(ValidationError, match="har vært"):
        services.meeting_update(
            meeting=noticed, starts_at=in_days(-1), ends_at=in_days(-1) + dt.timedelta(hours=1)
        )
    noticed.refresh_from_db()
    assert noticed.starts_at > timezone.now()


def test_move_view_says_who_is_emailed_and_refuses_the_past(
    client, login, noticed, secretariat, django_capture_on_commit_callbacks
):
    url = reverse("meetings:meeting_move", args=[noticed.pk])
    login(secretariat)
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-confirm="move-dialog"' in response.text
    assert f"de {len(notifications.change_recipients(noticed))} som er kalt inn" in response.text
    past = in_days(-2)
    response = client.post(
        url, {"starts_at": local(past), "ends_at": local(past + dt.timedelta(hours=1))}
    )
    assert response.status_code == 400
    assert "har vært" in response.text
    new = in_days(25)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"starts_at": local(new), "ends_at": local(new + dt.timedelta(hours=1))}
        )
    assert response.status_code == 302
    assert per_person(Kind.MEETING_CHANGED) == dict.fromkeys(notified(noticed), 1)


# --- Cancelled --------------------------------------------------------------------------------
def test_cancelling_a_noticed_meeting_sends_one_cancellation_each_with_method_cancel(
    noticed, secretariat, django_capture_on_commit_callbacks
):
    sequence = noticed.sequence
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_cancel(meeting=noticed, reason="For få deltakere")
    people = notified(meeting)
    assert per_person(Kind.MEETING_CANCELLED) == dict.fromkeys(people, 1)
    assert (
        notifications.send_meeting_change(
            meeting_id=meeting.pk, sequence=meeting.sequence, change="cancelled"
        )
        == 0
    )
    assert per_person(Kind.MEETING_CANCELLED) == dict.fromkeys(people, 1)
    row = rows(Kind.MEETING_CANCELLED).first()
    assert "For få deltakere" in row.body_text
    cal = Calendar.from_ical(attachment_of(row).content)
    assert str(cal["method"]) == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == str(meeting.uid)
    assert int(event["sequence"]) > sequence
    # Cancelling again is refused with a message.
    with pytest.raises(ValidationError, match="allerede avlyst"):
        services.meeting_cancel(meeting=meeting, reason="Igjen")
    assert per_person(Kind.MEETING_CANCELLED) == dict.fromkeys(people, 1)


def test_cancel_view_confirms_and_a_second_cancel_is_a_message(client, login, noticed, secretariat):
    url = reverse("meetings:meeting_cancel", args=[noticed.pk])
    login(secretariat)
    response = client.get(url)
    assert 'data-confirm="cancel-dialog"' in response.text
    assert "e-post om avlysningen" in response.text
    assert client.post(url, {"reason": "Sykdom"}).status_code == 302
    response = client.post(url, {"reason": "Sykdom"})
    assert response.status_code == 400
    assert "allerede avlyst" in response.text


def test_a_change_reaches_a_member_who_joined_after_a_notice_sent_outside_the_portal(
    registry, partner_rep, secretariat, django_capture_on_commit_callbacks
):
    """A notice sent by e-mail (no outbox rows): those the notice goes to now are told."""
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(10))
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.NOTICE_SENT, notice_sent_at=timezone.now()
    )
    meeting.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, reason="Avlyst")
    assert partner_rep.pk in per_person(Kind.MEETING_CANCELLED)


@time_machine.travel(dt.datetime(2026, 10, 1, 9, 0, tzinfo=OSLO), tick=False)
def test_supplement_too_late_once_the_meeting_began(registry, secretariat):
    meeting = MeetingFactory(
        body=registry.partners_meeting, starts_at=dt.datetime(2026, 10, 2, 10, 0, tzinfo=OSLO)
    )
    meeting = notifications.send_notice(meeting=meeting, by=secretariat)
    services.agenda_item_create(meeting=meeting, title="Sent")
    with (
        time_machine.travel(dt.datetime(2026, 10, 2, 11, 0, tzinfo=OSLO), tick=False),
        pytest.raises(ValidationError, match="for sent"),
    ):
        notifications.send_supplement(meeting=meeting, by=secretariat)


# --- Query count ------------------------------------------------------------------------------
def test_the_noticed_meeting_page_runs_constant_queries(client, login, registry, secretariat):
    """The manager's page of a noticed meeting with items added after the notice (the
    supplementary-notice dialog counts them and the people it goes to): 2 and 30 items and
    members."""
    now = timezone.now()
    meeting = Meeting.objects.create(
        body=registry.partners_meeting,
        starts_at=now + dt.timedelta(days=30),
        ends_at=now + dt.timedelta(days=30, hours=2),
        status=Meeting.Status.NOTICE_SENT,
        notice_sent_at=now,
    )
    numbers = iter(range(1000, 2000))

    def make(k):
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    meeting=meeting,
                    body=meeting.body,
                    year=meeting.local_date.year,
                    number=next(numbers),
                    position=next(numbers),
                    title=f"Tilleggssak {n}",
                    added_after_notice_at=now,
                )
                for n in range(k)
            ]
        )
        for _ in range(k):
            MembershipFactory(
                person=PersonFactory(),
                body=meeting.body,
                partner=registry.partner,
                starts_on=today() - dt.timedelta(days=1),
            )

    login(secretariat)
    querycounts.assert_constant_queries(
        client,
        reverse("meetings:meeting_detail", args=[meeting.pk]),
        querycounts.topped_up(make),
        # 10 of a planned meeting (test_query_counts) + the new items + the invitees, less
        # the later meetings to defer to (read only for an open proposal; there is none)
        pinned=11,
        sizes=(2, 30),
    )


def test_a_new_notice_after_a_reinstatement_holds_the_added_items(noticed, secretariat):
    item = services.agenda_item_create(meeting=noticed, title="Studietur")
    meeting = services.meeting_cancel(meeting=noticed, reason="Utsatt")
    meeting = services.meeting_reinstate(meeting=meeting)
    meeting = notifications.send_notice(meeting=meeting, by=secretariat)
    item.refresh_from_db()
    assert item.added_after_notice_at is None
    assert services.supplement_items(meeting) == []


@pytest.mark.parametrize(
    ("now", "before", "after"),
    [
        # Moved across the start of summer time (28 March 2027): 10:00 stays 10:00.
        (
            dt.datetime(2027, 3, 1, 9, 0, tzinfo=OSLO),
            dt.datetime(2027, 3, 23, 10, 0, tzinfo=OSLO),
            dt.datetime(2027, 4, 6, 10, 0, tzinfo=OSLO),
        ),
        # And across its end (31 October 2027).
        (
            dt.datetime(2027, 10, 1, 9, 0, tzinfo=OSLO),
            dt.datetime(2027, 10, 26, 10, 0, tzinfo=OSLO),
            dt.datetime(2027, 11, 9, 10, 0, tzinfo=OSLO),
        ),
    ],
)
def test_the_change_email_says_when_the_meeting_was_and_is_across_daylight_saving(
    registry,
    partner_rep,
    deputy,
    secretariat,
    django_capture_on_commit_callbacks,
    now,
    before,
    after,
):
    """The change e-mail states the old time beside the new (issue 11: it did not say the
    old time), in the recipient's language, and the .ics keeps the wall-clock time in Oslo
    when the move crosses a daylight-saving change."""
    with time_machine.travel(now, tick=False):
        meeting = MeetingFactory(
            body=registry.partners_meeting,
            starts_at=before,
            ends_at=before + dt.timedelta(hours=2),
        )
        AgendaItemFactory(meeting=meeting, title="Budsjett")
        meeting = notifications.send_notice(meeting=meeting, by=secretariat)
        deputy.preferred_language = "en"
        deputy.save(update_fields=["preferred_language"])
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_move(
                meeting=meeting, starts_at=after, ends_at=after + dt.timedelta(hours=2)
            )
    row = rows(Kind.MEETING_CHANGED).filter(recipient=partner_rep).get()
    assert "Tidligere tid: " in row.body_text
    old_line = row.body_text.split("Tidligere tid: ")[1].splitlines()[0]
    assert "kl. 10:00–12:00" in old_line and str(before.day) in old_line
    new_line = row.body_text.split("Tid: ")[1].splitlines()[0]
    assert "kl. 10:00–12:00" in new_line and str(after.day) in new_line
    assert "Tidligere tid" in row.body_html
    english = rows(Kind.MEETING_CHANGED).filter(recipient=deputy).get()
    assert "Previous time: " in english.body_text
    (event,) = Calendar.from_ical(attachment_of(row).content).walk("VEVENT")
    assert event.decoded("dtstart") == after
    assert event.decoded("dtstart").astimezone(OSLO).hour == 10
    # A change that is not a move (the place) does not claim an earlier time.
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=Meeting.objects.get(pk=meeting.pk), place="Bergen")
    latest = rows(Kind.MEETING_CHANGED).filter(recipient=partner_rep).order_by("-pk").first()
    assert "Tidligere tid" not in latest.body_text
