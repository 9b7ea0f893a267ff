"""Meeting e-mails: the notice (issue 3 §3) and the reminders (§7), through the outbox.

These tests run the services in-process; tests/celery/ runs the same path with a real
worker and Redis.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from meetings import notifications, services
from meetings.models import OSLO, AgendaItem, Meeting
from meetings.notifications import Kind as MeetingKind
from partnership import outbox
from partnership.models import Membership, OutboxMessage, Person, today

from ..factories import MembershipFactory, PersonFactory
from .factories import AgendaItemFactory, MeetingFactory, approve_minutes, held_meeting, in_days

Status = OutboxMessage.Status


def rows(kind: str | None = None):
    qs = OutboxMessage.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def recipients(kind: str | None = None) -> set[str]:
    return set(rows(kind).values_list("to_email", flat=True))


def seat(body, role=Membership.Role.MEMBER, *, partner, starts_on=None, ends_on=None, **person):
    p = PersonFactory(**person)
    MembershipFactory(
        person=p,
        body=body,
        partner=partner,
        role=role,
        starts_on=starts_on or today() - dt.timedelta(days=30),
        ends_on=ends_on,
    )
    return p


# --- The notice -------------------------------------------------------------------------------
@pytest.fixture
def wg_meeting(registry):
    return MeetingFactory(body=registry.wg_local, starts_at=in_days(20), place="Møterom 3")


def test_notice_goes_to_everyone_seated_on_the_meeting_date_and_the_secretariat_on_copy(
    registry, wg_meeting, wg_member, wg_leader, finance_lead, secretariat
):
    p = registry.partner
    deputy = seat(registry.wg_local, Membership.Role.DEPUTY, partner=p, email="vara@example.org")
    observer = seat(registry.wg_local, Membership.Role.OBSERVER, partner=p, email="obs@example.org")
    seat(  # left the group before the meeting
        registry.wg_local,
        partner=p,
        email="gikk-ut@example.org",
        ends_on=today() + dt.timedelta(days=5),
    )
    seat(  # joins after the meeting
        registry.wg_local,
        partner=p,
        email="senere@example.org",
        starts_on=today() + dt.timedelta(days=25),
    )
    inactive = seat(registry.wg_local, partner=p, email="inaktiv@example.org")
    Person.objects.filter(pk=inactive.pk).update(is_active=False)

    meeting = notifications.send_notice(meeting=wg_meeting, by=wg_leader)

    assert meeting.status == Meeting.Status.NOTICE_SENT
    assert recipients(MeetingKind.MEETING_NOTICE) == {
        wg_member.email,
        wg_leader.email,
        finance_lead.email,
        deputy.email,
        observer.email,
        secretariat.email,
    }
    copy = rows().get(to_email=secretariat.email)
    assert copy.subject.startswith("Kopi av innkalling: ")
    assert "Kopi til sekretariatet." in copy.body_text
    member = rows().get(to_email=wg_member.email)
    assert member.subject == (
        f"Innkalling: {meeting.display_title} {notifications._date(meeting.starts_at)}"
    )
    assert "Hei, Mona Medlem!" in member.body_text
    assert set(rows().values_list("status", flat=True)) == {Status.PENDING}


def test_no_secretariat_copy_for_other_bodies(registry, partner_rep, secretariat):
    meeting = MeetingFactory(body=registry.partners_meeting)
    notifications.send_notice(meeting=meeting, by=secretariat)
    assert recipients() == {partner_rep.email}


def test_the_notice_lists_the_agenda_with_exempt_items_by_title_and_legal_basis(
    registry, wg_meeting, wg_member, secretariat
):
    AgendaItemFactory(
        meeting=wg_meeting, title="Budsjett 2027", proposed_decision="Budsjettet vedtas."
    )
    AgendaItemFactory(
        meeting=wg_meeting,
        title="Personalsak",
        kind=AgendaItem.Kind.INFORMATION,
        proposed_decision="Hemmelig forslag",
        background="Hemmelig bakgrunn",
        exempt=True,
        legal_basis="offl. § 25",
    )
    notifications.send_notice(meeting=wg_meeting, by=secretariat)
    message = rows().get(to_email=wg_member.email)
    url = f"http://localhost:8000/moter/{wg_meeting.pk}/"
    for part in (message.body_text, message.body_html):
        assert "AG-L-sak 1/" in part
        assert "Budsjett 2027" in part
        assert "Budsjettet vedtas." in part
        assert "Personalsak" in part
        assert "Unntatt offentlighet, offl. § 25" in part
        assert "Hemmelig" not in part
        assert url in part
        assert "Møterom 3" in part
    assert '<html lang="nb">' in message.body_html
    assert message.attachment["renderer"] == "meetings.notifications.notice_pdf_attachment"


def test_a_notice_for_a_meeting_in_the_past_is_refused_and_nothing_is_queued(
    registry, wg_member, secretariat
):
    with time_machine.travel(timezone.now() - dt.timedelta(days=10)):
        meeting = MeetingFactory(body=registry.wg_local, starts_at=in_days(5))
    with pytest.raises(ValidationError) as exc:
        notifications.send_notice(meeting=meeting, by=secretariat)
    assert "Det er for sent å sende innkalling" in exc.value.messages[0]
    assert not rows().exists()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_a_second_notice_is_refused(registry, wg_meeting, wg_member, secretariat):
    notifications.send_notice(meeting=wg_meeting, by=secretariat)
    count = rows().count()
    with pytest.raises(ValidationError):
        notifications.send_notice(meeting=wg_meeting, by=secretariat)
    assert rows().count() == count


def test_nothing_is_queued_or_sent_when_the_transaction_rolls_back(
    registry, wg_meeting, wg_member, secretariat, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notifications.send_notice(meeting=wg_meeting, by=secretariat)
        assert rows().exists()
        raise RuntimeError
    assert callbacks == []
    assert not rows().exists()
    assert mail.outbox == []
    wg_meeting.refresh_from_db()
    assert wg_meeting.status == Meeting.Status.PLANNED


def test_the_notice_is_sent_on_commit_with_text_html_and_the_pdf(
    registry, wg_meeting, wg_member, wg_leader, secretariat, django_capture_on_commit_callbacks
):
    AgendaItemFactory(meeting=wg_meeting, title="Årshjul")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.send_notice(meeting=wg_meeting, by=secretariat)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [wg_member.email, wg_leader.email, secretariat.email]
    )
    message = next(m for m in mail.outbox if m.to == [wg_member.email])
    assert "Årshjul" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Årshjul" in html
    (filename, content, pdf_type), *_ = message.attachments
    assert pdf_type == "application/pdf" and content.startswith(b"%PDF")
    assert filename.startswith("innkalling-ag-l-") and filename.endswith(".pdf")
    assert set(rows().values_list("status", flat=True)) == {Status.SENT}


def test_an_nn_recipient_gets_the_notice_in_nynorsk(
    registry, wg_meeting, wg_member, secretariat, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=wg_member.pk).update(preferred_language="nn")
    AgendaItemFactory(
        meeting=wg_meeting, title="Unnateken sak", exempt=True, legal_basis="offl. § 14"
    )
    with django_capture_on_commit_callbacks(execute=True):
        notifications.send_notice(meeting=wg_meeting, by=secretariat)
    row = rows().get(to_email=wg_member.email)
    assert row.language == "nn"
    with translation.override("nn"):
        expected_subject = translation.gettext("Innkalling: %(meeting)s %(date)s") % {
            "meeting": wg_meeting.display_title,
            "date": notifications._date(wg_meeting.starts_at),
        }
    message = next(m for m in mail.outbox if m.to == [wg_member.email])
    html, _mimetype = message.alternatives[0]
    assert message.subject == expected_subject
    assert message.extra_headers["Content-Language"] == "nn"
    assert '<html lang="nn">' in html
    for part in (message.body, html):
        assert "Stad:" in part  # "Sted" in bokmål
        assert "Saksdokument, vedlegg og oppdateringar finn du på møtesida:" in part
        assert "Unnateke offentlegheit, offl. § 14" in part
    # The bokmål reader's copy stays in bokmål.
    nb = next(m for m in mail.outbox if m.to == [secretariat.email])
    assert "Sted:" in nb.body


# --- Reminders --------------------------------------------------------------------------------
def at(days: float, hour: int = 9) -> dt.datetime:
    """Oslo wall time ``days`` from today at ``hour``."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO)


def keys(kind: str) -> list[str]:
    return sorted(rows(kind).values_list("idempotency_key", flat=True))


def test_notice_due_reminds_the_secretariat_and_the_groups_leader(
    registry, secretariat, wg_leader, ministry_observer
):
    pm = MeetingFactory(body=registry.partners_meeting, starts_at=at(5))  # notice due 7 days before
    wg = MeetingFactory(body=registry.wg_local, starts_at=at(3))
    MeetingFactory(body=registry.partners_meeting, starts_at=at(12))  # not yet
    sent = MeetingFactory(body=registry.partners_meeting, starts_at=at(4))
    services.meeting_send_notice(meeting=sent)
    state_leader = seat(
        registry.state_group, Membership.Role.LEADER, partner=registry.kd, email="kd@example.org"
    )
    state = MeetingFactory(body=registry.state_group, starts_at=at(2))

    assert notifications.schedule_reminders() == 4
    due = rows(MeetingKind.NOTICE_DUE)
    assert set(due.values_list("to_email", "subject")) == {
        (
            secretariat.email,
            f"Påminnelse: send innkalling til {pm.display_title} {notifications._date(pm.starts_at)}",
        ),
        (
            secretariat.email,
            f"Påminnelse: send innkalling til {wg.display_title} {notifications._date(wg.starts_at)}",
        ),
        (
            wg_leader.email,
            f"Påminnelse: send innkalling til {wg.display_title} {notifications._date(wg.starts_at)}",
        ),
        # R7: the state group's meetings are its own business; the secretariat is not told.
        (
            state_leader.email,
            f"Påminnelse: send innkalling til {state.display_title} {notifications._date(state.starts_at)}",
        ),
    }
    assert notifications.schedule_reminders() == 0
    assert due.count() == 4


def test_proposal_deadline_reminds_working_group_leaders_three_days_before(
    registry, wg_leader, wg_member, secretariat
):
    national_leader = seat(
        registry.wg_national,
        Membership.Role.LEADER,
        partner=registry.partner,
        email="n@example.org",
    )
    soon = MeetingFactory(body=registry.partners_meeting, starts_at=at(16))  # deadline in 2 days
    MeetingFactory(body=registry.partners_meeting, starts_at=at(30))  # deadline in 16 days
    MeetingFactory(body=registry.partners_meeting, starts_at=at(10))  # deadline passed
    MeetingFactory(body=registry.working_committee, starts_at=at(16))  # takes no proposals

    notifications.schedule_reminders()
    reminders = rows(MeetingKind.PROPOSAL_DEADLINE)
    assert set(reminders.values_list("to_email", flat=True)) == {
        wg_leader.email,
        national_leader.email,
    }
    message = reminders.get(to_email=wg_leader.email)
    assert soon.display_title in message.body_text
    assert "/moter/forslag/ny/" in message.body_text
    assert (
        "Du får denne e-posten fordi varselet «Fristen for saksforslag nærmer seg» er slått på"
        in message.body_text
    )
    assert "http://localhost:8000/profil/" in message.body_html
    notifications.schedule_reminders()
    assert reminders.count() == 2


def test_minutes_not_approved_after_the_bodys_number_of_days(registry, secretariat, wg_leader):
    old_pm = held_meeting(body=registry.partners_meeting, days_ago=20)
    held_meeting(body=registry.partners_meeting, days_ago=5)  # 14 days have not passed
    approved = held_meeting(body=registry.partners_meeting, days_ago=21)
    services.minutes_start(meeting=approved)
    approve_minutes(minutes=approved.minutes, how="circulation")
    wg = held_meeting(body=registry.wg_local, days_ago=16)
    held_meeting(body=registry.wg_local, days_ago=60)  # before the look-back window

    notifications.schedule_reminders()
    got = set(rows(MeetingKind.MINUTES_NOT_APPROVED).values_list("to_email", "idempotency_key"))
    assert got == {
        (secretariat.email, f"minutes_not_approved:meeting:{old_pm.pk}:person:{secretariat.pk}"),
        (secretariat.email, f"minutes_not_approved:meeting:{wg.pk}:person:{secretariat.pk}"),
        (wg_leader.email, f"minutes_not_approved:meeting:{wg.pk}:person:{wg_leader.pk}"),
    }
    assert notifications.schedule_reminders() == 0


@pytest.fixture
def entry(registry):
    meeting = held_meeting(body=registry.wg_local, items=1, days_ago=2)
    return services.minutes_start(meeting=meeting).entries.get()


def test_follow_up_reminders_before_and_after_the_due_date(entry, registry, wg_member, wg_leader):
    def follow_up(what, due_in, **kwargs):
        return services.follow_up_create(
            minutes_entry=entry, what=what, due_on=today() + dt.timedelta(days=due_in), **kwargs
        )

    soon = follow_up("Send kriteriene på høring", 2, responsible_person=wg_member)
    late = follow_up("Lag årshjul", -1, responsible_body=registry.wg_local)
    follow_up("Senere", 10, responsible_person=wg_member)
    done = follow_up("Ferdig", 1, responsible_person=wg_member)
    services.follow_up_set_status(follow_up=done, status="done")

    with time_machine.travel(at(0, hour=8)):
        notifications.schedule_reminders()
    assert keys(MeetingKind.FOLLOW_UP_DUE) == [
        f"follow_up_due:followup:{soon.pk}:person:{wg_member.pk}:{soon.due_on:%Y%m%d}"
    ]
    # A body's item goes to the body's leader.
    assert keys(MeetingKind.FOLLOW_UP_OVERDUE) == [
        f"follow_up_overdue:followup:{late.pk}:person:{wg_leader.pk}:{late.due_on:%Y%m%d}"
    ]
    message = rows(MeetingKind.FOLLOW_UP_OVERDUE).get()
    assert "Lag årshjul" in message.body_text
    assert "http://localhost:8000/moter/oppfolging/" in message.body_text

    # A new due date is a new reminder; the same one is not sent twice.
    services.follow_up_update(
        follow_up=soon, due_on=today() + dt.timedelta(days=3), responsible_person=wg_member
    )
    with time_machine.travel(at(0, hour=8)):
        assert notifications.schedule_reminders() == 1
        assert notifications.schedule_reminders() == 0


def test_follow_up_reminders_wait_for_the_morning(entry, wg_member):
    services.follow_up_create(
        minutes_entry=entry,
        what="Noe",
        due_on=today() + dt.timedelta(days=1),
        responsible_person=wg_member,
    )
    with time_machine.travel(at(0, hour=3)):
        notifications.schedule_reminders()
    assert not rows(MeetingKind.FOLLOW_UP_DUE).exists()


def test_a_reminder_turned_off_is_kept_as_suppressed_and_never_sent(
    entry, wg_member, django_capture_on_commit_callbacks
):
    outbox.notification_preferences_update(
        person=wg_member, enabled={MeetingKind.FOLLOW_UP_DUE: False}
    )
    services.follow_up_create(
        minutes_entry=entry,
        what="Noe",
        due_on=today() + dt.timedelta(days=1),
        responsible_person=wg_member,
    )
    with time_machine.travel(at(0, hour=8)), django_capture_on_commit_callbacks(execute=True):
        notifications.schedule_reminders()
        outbox.dispatch_due()
    row = rows(MeetingKind.FOLLOW_UP_DUE).get()
    assert row.status == Status.SUPPRESSED
    assert mail.outbox == []

    # Turning it on again does not send the old reminder.
    outbox.notification_preferences_update(
        person=wg_member, enabled={MeetingKind.FOLLOW_UP_DUE: True}
    )
    with time_machine.travel(at(0, hour=8)):
        assert notifications.schedule_reminders() == 0
        outbox.dispatch_due()
    assert mail.outbox == []


def test_reminders_are_sent_in_the_recipients_language(
    registry, secretariat, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=secretariat.pk).update(preferred_language="nn")
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=at(5), place="Oslo")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.schedule_reminders()
    (message,) = mail.outbox
    html, _mimetype = message.alternatives[0]
    assert '<html lang="nn">' in html
    assert "Stad: Oslo" in message.body
    assert meeting.display_title in message.subject


def test_finding_due_reminders_costs_the_same_queries_for_more_meetings(
    registry, secretariat, wg_leader, wg_member
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n: int) -> None:
        for _ in range(n):
            MeetingFactory(body=registry.partners_meeting, starts_at=at(5))
            MeetingFactory(body=registry.wg_local, starts_at=at(3))
            MeetingFactory(body=registry.group_leaders, starts_at=at(16))
            meeting = held_meeting(body=registry.wg_national, days_ago=20, items=1)
            entry = services.minutes_start(meeting=meeting).entries.get()
            services.follow_up_create(
                minutes_entry=entry, what="Noe", due_on=today(), responsible_body=registry.wg_local
            )

    def count() -> int:
        with time_machine.travel(at(0, hour=8)), CaptureQueriesContext(connection) as ctx:
            candidates = notifications.due_reminders()
        return len(ctx.captured_queries), len(candidates)

    add(2)
    small, found_small = count()
    add(4)
    large, found_large = count()
    assert found_large > found_small
    assert small == large
