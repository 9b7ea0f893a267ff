"""Data for the reports tests: a Partnermøte held ten days ago with decisions, an exempt item,
a flagged application; every row made through the apps' services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import time_machine

from meetings import services as meetings_services
from meetings.models import AgendaItem, Decision, Meeting

from ..meetings.factories import MeetingFactory, in_days


@dataclass
class Period:
    meeting: Meeting
    public_item: AgendaItem
    quiet_item: AgendaItem
    exempt_item: AgendaItem
    decision: Decision
    exempt_decision: Decision
    start: dt.date
    end: dt.date


def held_period(*, body, by=None, days_ago: int = 10) -> Period:
    """A meeting of ``body`` held ``days_ago`` days ago with three items (one exempt) and two
    decisions (one on the exempt item); the period runs from 30 days ago to today."""
    starts_at = in_days(-days_ago)
    with time_machine.travel(starts_at - dt.timedelta(days=14)):
        meeting = MeetingFactory(body=body, starts_at=starts_at)
        public_item = meetings_services.agenda_item_create(
            meeting=meeting,
            title="Skolemiljøet i kommunene",
            proposed_decision="Partnermøtet ber om en kartlegging.",
        )
        quiet_item = meetings_services.agenda_item_create(
            meeting=meeting, title="Innkjøp av kaffe", proposed_decision="Kaffe kjøpes inn."
        )
        exempt_item = meetings_services.agenda_item_create(
            meeting=meeting,
            title="Personalsak hemmelig",
            proposed_decision="Hemmelig forslag.",
            exempt=True,
            legal_basis="offl. § 25",
        )
        meeting = meetings_services.meeting_send_notice(meeting=meeting)
    meeting = meetings_services.meeting_mark_held(meeting=meeting)
    decision = meetings_services.decision_record(
        meeting=meeting,
        agenda_item=public_item,
        title="Kartlegging av skolemiljøet",
        text="Partnermøtet ber sekretariatet kartlegge skolemiljøarbeidet.",
        decided_on=starts_at.date(),
        recorded_by=by,
    )
    exempt_decision = meetings_services.decision_record(
        meeting=meeting,
        agenda_item=exempt_item,
        title="Hemmelig vedtak",
        text="Dette vedtaket er unntatt offentlighet.",
        decided_on=starts_at.date(),
        recorded_by=by,
    )
    today = in_days(0).date()
    return Period(
        meeting=meeting,
        public_item=public_item,
        quiet_item=quiet_item,
        exempt_item=exempt_item,
        decision=decision,
        exempt_decision=exempt_decision,
        start=today - dt.timedelta(days=30),
        end=today,
    )
