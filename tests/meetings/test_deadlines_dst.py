"""Issue 11 §7: "N days before" is calendar days in Europe/Oslo at the same wall-clock time,
across both daylight-saving changes (last Sunday of March and of October)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from meetings import selectors
from meetings.calendar import calendar_entries
from meetings.models import OSLO
from partnership import timeutils
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("meeting_at", "deadline_at"),
    [
        # Summer time ends on 25 October 2026: 14 × 24 h would give 11:00.
        (
            dt.datetime(2026, 11, 10, 10, 0, tzinfo=OSLO),
            dt.datetime(2026, 10, 27, 10, 0, tzinfo=OSLO),
        ),
        # Summer time begins on 28 March 2027: 14 × 24 h would give 09:00.
        (dt.datetime(2027, 4, 6, 10, 0, tzinfo=OSLO), dt.datetime(2027, 3, 23, 10, 0, tzinfo=OSLO)),
    ],
)
def test_days_before_keeps_the_wall_clock(meeting_at, deadline_at):
    assert timeutils.days_before(meeting_at, 14) == deadline_at
    assert timeutils.days_before(meeting_at, 14).astimezone(OSLO).hour == 10
    assert timeutils.days_after(deadline_at, 14) == meeting_at


def test_a_time_that_does_not_exist_moves_forward():
    # 02:30 does not exist on 28 March 2027 in Oslo.
    moment = timeutils.days_before(dt.datetime(2027, 3, 29, 2, 30, tzinfo=OSLO), 1)
    assert moment.astimezone(OSLO).replace(tzinfo=None) == dt.datetime(2027, 3, 28, 3, 30)


@pytest.mark.parametrize(
    ("meeting_at", "deadline_at"),
    [
        (
            dt.datetime(2026, 11, 10, 10, 0, tzinfo=OSLO),
            dt.datetime(2026, 10, 27, 10, 0, tzinfo=OSLO),
        ),
        (dt.datetime(2027, 4, 6, 10, 0, tzinfo=OSLO), dt.datetime(2027, 3, 23, 10, 0, tzinfo=OSLO)),
    ],
)
def test_the_proposal_deadline_is_the_same_in_python_sql_and_the_calendar(
    registry, secretariat, meeting_at, deadline_at
):
    with time_machine.travel(meeting_at - dt.timedelta(days=60)):
        meeting = MeetingFactory(
            body=registry.partners_meeting,
            starts_at=meeting_at,
            ends_at=meeting_at + dt.timedelta(hours=2),
        )
    assert selectors.proposal_deadline(meeting) == deadline_at
    with time_machine.travel(deadline_at - dt.timedelta(minutes=30)):
        (open_meeting,) = selectors.meetings_open_for_proposals()
        assert open_meeting.proposal_deadline == deadline_at
        entries = calendar_entries(
            user=secretariat, first=deadline_at.date(), last=deadline_at.date()
        )
        (entry,) = [e for e in entries if e.kind == "proposal_deadline"]
        assert entry.at == deadline_at
    with time_machine.travel(deadline_at + dt.timedelta(minutes=30)):
        assert not selectors.meetings_open_for_proposals().exists()
