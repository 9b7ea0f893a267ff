"""Meetings: creation, validation, the status life cycle and the iCal identity."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings import selectors, services
from meetings.models import Meeting, MeetingSettings

from .factories import MeetingFactory, held_meeting, in_days, oslo


def test_meeting_that_ends_before_it_starts_is_refused_on_the_end_field(registry):
    starts = in_days(10)
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            body=registry.partners_meeting, starts_at=starts, ends_at=starts - dt.timedelta(hours=1)
        )
    assert exc.value.message_dict["ends_at"] == ["Møtet kan ikke slutte før det begynner."]
    assert not Meeting.objects.exists()


def test_database_refuses_a_meeting_ending_before_it_starts(registry):
    starts = in_days(10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(body=registry.partners_meeting, starts_at=starts, ends_at=starts)


def test_naive_datetimes_are_refused(registry):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            body=registry.partners_meeting,
            starts_at=dt.datetime(2030, 3, 1, 10),
            ends_at=dt.datetime(2030, 3, 1, 12),
        )
    assert set(exc.value.message_dict) == {"starts_at", "ends_at"}


def test_working_group_meeting_kinds_only_for_working_groups(registry):
    with pytest.raises(ValidationError) as exc:
        MeetingFactory(body=registry.partners_meeting, kind=Meeting.Kind.START_UP)
    assert "kind" in exc.value.message_dict
    assert MeetingFactory(body=registry.wg_local, kind=Meeting.Kind.START_UP).pk


def test_new_meeting_gets_settings_with_defaults_and_a_title_from_body_and_kind(registry):
    meeting = MeetingFactory(body=registry.wg_local, kind=Meeting.Kind.REPORTING)
    settings = MeetingSettings.objects.get(body=registry.wg_local)
    assert (
        settings.proposal_deadline_days,
        settings.notice_days,
        settings.minutes_reminder_days,
    ) == (14, 7, 14)
    assert str(settings.quorum_fraction) == "0.50"
    assert meeting.display_title == "Rapporteringsmøte – Arbeidsgruppe lokalt nivå"
    assert MeetingFactory(body=registry.partners_meeting).display_title == "Partnermøtet"
    assert MeetingFactory(
        body=registry.partners_meeting, title="Strategisamling"
    ).display_title == ("Strategisamling")


def test_edits_keep_the_uid_and_bump_the_sequence(registry, secretariat):
    meeting = MeetingFactory(body=registry.partners_meeting)
    uid = meeting.uid
    assert meeting.sequence == 0
    meeting = services.meeting_update(meeting=meeting, by=secretariat, place="Bufdir, Oslo")
    assert (meeting.uid, meeting.sequence) == (uid, 1)
    meeting = services.meeting_update(meeting=meeting, place="Bufdir, Oslo")  # no change
    assert meeting.sequence == 1
    new_start = meeting.starts_at + dt.timedelta(days=1)
    meeting = services.meeting_move(
        meeting=meeting, starts_at=new_start, ends_at=new_start + dt.timedelta(hours=3)
    )
    assert (meeting.uid, meeting.sequence) == (uid, 2)
    meeting = services.meeting_send_notice(meeting=meeting)
    assert meeting.sequence == 3
    meeting = services.meeting_cancel(meeting=meeting, reason="For få påmeldte")
    assert (meeting.uid, meeting.sequence, meeting.status) == (uid, 4, Meeting.Status.CANCELLED)
    assert meeting.history.count() == 5  # created + four changes


def test_history_records_who_changed_the_meeting(registry, secretariat):
    meeting = MeetingFactory(body=registry.partners_meeting, created_by=secretariat)
    services.meeting_update(meeting=meeting, by=secretariat, title="Nytt navn")
    assert meeting.history.latest().history_user == secretariat


def test_status_life_cycle(registry, secretariat):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(5))
    with pytest.raises(ValidationError, match="Referat kan skrives når møtet er avholdt"):
        services.minutes_start(meeting=meeting)
    meeting = services.meeting_send_notice(meeting=meeting, by=secretariat)
    assert meeting.status == Meeting.Status.NOTICE_SENT
    assert meeting.notice_sent_at is not None
    with pytest.raises(ValidationError, match="før det har begynt"):
        services.meeting_mark_held(meeting=meeting)
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=5)):
        meeting = services.meeting_mark_held(meeting=meeting)
        assert meeting.status == Meeting.Status.HELD
        with pytest.raises(ValidationError, match="«Avholdt» kan ikke få status «Avlyst»"):
            services.meeting_cancel(meeting=meeting)
        with pytest.raises(ValidationError, match="kan ikke endres"):
            services.meeting_update(meeting=meeting, place="Et annet sted")


def test_notice_for_a_meeting_in_the_past_is_refused(registry):
    with time_machine.travel(in_days(-30)):
        meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20))
    with pytest.raises(ValidationError) as exc:
        services.meeting_send_notice(meeting=meeting)
    assert "Det er for sent å sende innkalling" in exc.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    assert meeting.notice_sent_at is None


def test_cancel_and_reinstate(registry):
    meeting = MeetingFactory(body=registry.partners_meeting)
    meeting = services.meeting_cancel(meeting=meeting, reason="Kolliderer med Arendalsuka")
    assert meeting.cancellation_reason == "Kolliderer med Arendalsuka"
    with pytest.raises(ValidationError, match="kan ikke endres"):
        services.meeting_update(meeting=meeting, place="Arendal")
    meeting = services.meeting_reinstate(meeting=meeting)
    assert (meeting.status, meeting.cancellation_reason) == (Meeting.Status.PLANNED, "")


def test_overlapping_meetings_of_a_body_are_found_for_a_warning(registry):
    first = MeetingFactory(body=registry.partners_meeting, starts_at=oslo(2031, 3, 4, 10))
    MeetingFactory(body=registry.leaders_meeting, starts_at=oslo(2031, 3, 4, 10))  # another body
    overlaps = selectors.meeting_overlaps(
        body=registry.partners_meeting, starts_at=oslo(2031, 3, 4, 11), ends_at=oslo(2031, 3, 4, 13)
    )
    assert list(overlaps) == [first]
    assert not selectors.meeting_overlaps(
        body=registry.partners_meeting, starts_at=oslo(2031, 3, 4, 12), ends_at=oslo(2031, 3, 4, 13)
    ).exists()
    assert not selectors.meeting_overlaps(
        body=registry.partners_meeting,
        starts_at=first.starts_at,
        ends_at=first.ends_at,
        exclude=first,
    ).exists()


def test_held_meeting_helper(registry):
    meeting = held_meeting(body=registry.partners_meeting, items=2)
    assert meeting.status == Meeting.Status.HELD
    assert meeting.agenda_items.count() == 2
