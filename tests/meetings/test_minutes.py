"""Minutes: entries per item, optimistic locking, approval and read-only approved minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from meetings import selectors, services
from meetings.models import AgendaItem, Decision, Meeting, Minutes
from partnership.locking import ConflictError

from ..factories import PersonFactory
from .factories import AgendaItemFactory, MeetingFactory, approve_minutes, held_meeting


@pytest.fixture
def minutes(registry):
    meeting = held_meeting(body=registry.partners_meeting, items=2)
    return services.minutes_start(meeting=meeting)


def test_starting_minutes_opens_an_entry_per_item(minutes):
    meeting = minutes.meeting
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_DRAFT
    assert minutes.entries.count() == 2
    assert services.minutes_start(meeting=meeting) == minutes  # idempotent
    item = AgendaItemFactory(meeting=meeting, title="Eventuelt: Arendalsuka")
    assert item.minutes_entry.minutes == minutes


def test_minutes_of_a_notice_sent_meeting_that_has_begun_mark_it_held(registry):
    meeting = held_meeting(body=registry.partners_meeting)
    # held_meeting already marked it; build one that is only "notice sent" but has begun.
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.NOTICE_SENT)
    services.minutes_start(meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_DRAFT


def test_two_people_editing_the_same_entry_second_save_is_refused_and_nothing_lost(minutes):
    alice, bob = PersonFactory(full_name="Alice Ås"), PersonFactory(full_name="Bob Berg")
    entry = minutes.entries.first()
    opened_by_both = entry.version

    services.minutes_entry_save(
        entry=entry,
        summary="Alice sitt referat",
        decision_text="Vedtatt.",
        version=opened_by_both,
        by=alice,
    )
    with pytest.raises(ConflictError) as exc:
        services.minutes_entry_save(
            entry=entry,
            summary="Bob sitt referat",
            decision_text="Utsatt.",
            version=opened_by_both,
            by=bob,
        )
    conflict = exc.value
    assert conflict.current == {"summary": "Alice sitt referat", "decision_text": "Vedtatt."}
    assert conflict.yours == {"summary": "Bob sitt referat", "decision_text": "Utsatt."}
    assert conflict.updated_by == alice
    assert conflict.current_version == opened_by_both + 1
    assert conflict.message.startswith("Alice Ås lagret en endring")
    entry.refresh_from_db()
    assert entry.summary == "Alice sitt referat"
    # Bob merges and saves against the version he has now seen.
    entry = services.minutes_entry_save(
        entry=entry,
        summary="Alice og Bob",
        decision_text="Vedtatt.",
        version=conflict.current_version,
        by=bob,
    )
    assert (entry.summary, entry.version) == ("Alice og Bob", opened_by_both + 2)
    assert entry.history.count() == 3


def test_different_entries_do_not_conflict(minutes):
    first, second = minutes.entries.all()
    services.minutes_entry_save(entry=first, summary="En", decision_text="", version=first.version)
    services.minutes_entry_save(
        entry=second, summary="To", decision_text="", version=second.version
    )


def test_notes_use_the_minutes_version(minutes):
    services.minutes_save(minutes=minutes, notes="Neste møte 12. juni.", version=minutes.version)
    with pytest.raises(ConflictError) as exc:
        services.minutes_save(minutes=minutes, notes="Min tekst", version=minutes.version)
    assert exc.value.current == {"notes": "Neste møte 12. juni."}
    assert exc.value.yours == {"notes": "Min tekst"}


def test_approval_by_circulation_records_decisions_and_locks_the_minutes(minutes, secretariat):
    decision_entry, info_entry = minutes.entries.order_by("agenda_item__position")
    AgendaItem.objects.filter(pk=info_entry.agenda_item_id).update(kind=AgendaItem.Kind.INFORMATION)
    services.minutes_entry_save(
        entry=decision_entry,
        summary="Drøftet.",
        decision_text="Budsjettet for 2031 vedtas.",
        version=1,
    )
    services.minutes_entry_save(
        entry=info_entry, summary="Orientering tatt til etterretning.", decision_text="", version=1
    )
    approved = approve_minutes(minutes=minutes, how=Minutes.ApprovedHow.CIRCULATION, by=secretariat)
    assert (approved.status, approved.approved_by, approved.approved_at_meeting) == (
        Minutes.Status.APPROVED,
        secretariat,
        None,
    )
    meeting = approved.meeting
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_APPROVED

    decision = Decision.objects.get()
    assert decision.text == "Budsjettet for 2031 vedtas."
    assert decision.agenda_item_id == decision_entry.agenda_item_id
    assert decision.decided_on == meeting.local_date
    assert not decision.made_under_delegation

    message = "Referatet er godkjent og kan ikke endres. Rettelser gjøres med et nytt vedtak."
    decision_entry.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.minutes_entry_save(
            entry=decision_entry,
            summary="Endret",
            decision_text="Endret",
            version=decision_entry.version,
        )
    assert exc.value.messages == [message]
    with pytest.raises(ValidationError, match="Referatet er godkjent"):
        services.minutes_save(minutes=approved, notes="x", version=approved.version)
    with pytest.raises(ValidationError, match="Referatet er godkjent"):
        approve_minutes(minutes=approved, how=Minutes.ApprovedHow.CIRCULATION)
    with pytest.raises(ValidationError, match="Referatet er godkjent"):
        services.follow_up_create(
            minutes_entry=decision_entry,
            what="Følg opp",
            due_on=dt.date(2031, 1, 1),
            responsible_body=meeting.body,
        )
    decision_entry.refresh_from_db()
    assert decision_entry.summary == "Drøftet."


def test_approval_by_next_meeting_needs_a_later_meeting_of_the_body(minutes, registry):
    earlier = MeetingFactory(
        body=registry.partners_meeting, starts_at=minutes.meeting.starts_at - dt.timedelta(days=60)
    )
    other_body = MeetingFactory(body=registry.leaders_meeting)
    next_meeting = MeetingFactory(body=registry.partners_meeting)
    with pytest.raises(ValidationError) as exc:
        approve_minutes(minutes=minutes, how=Minutes.ApprovedHow.NEXT_MEETING)
    assert "approved_at_meeting" in exc.value.message_dict
    for wrong in (earlier, other_body):
        with pytest.raises(ValidationError, match="senere møte i samme organ"):
            approve_minutes(minutes=minutes, how=Minutes.ApprovedHow.NEXT_MEETING, at_meeting=wrong)
    approved = approve_minutes(
        minutes=minutes, how=Minutes.ApprovedHow.NEXT_MEETING, at_meeting=next_meeting
    )
    assert approved.approved_at_meeting == next_meeting


def test_minutes_selector_and_awaiting_approval(minutes):
    loaded = selectors.minutes_for_meeting(meeting=minutes.meeting)
    assert [e.agenda_item.number for e in loaded.entries.all()] == [1, 2]
    assert list(selectors.minutes_awaiting_approval(older_than_days=3)) == [minutes]
    assert list(selectors.minutes_awaiting_approval(older_than_days=30)) == []
