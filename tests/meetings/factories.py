"""Factories for the meetings app; rows are created through ``meetings.services``.

Meetings are made in Europe/Oslo wall time. ``held_meeting`` travels back in time
to send the notice before the meeting, as it would have happened.
"""

from __future__ import annotations

import datetime as dt

import factory
import time_machine
from django.utils import timezone

from meetings import services
from meetings.models import OSLO, AgendaItem, Meeting
from partnership.models import Person

from ..factories import BodyFactory


def oslo(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=OSLO)


def in_days(days: float, hour: int = 10) -> dt.datetime:
    """A time ``days`` from now at ``hour`` o'clock in Oslo."""
    day = (timezone.now() + dt.timedelta(days=days)).astimezone(OSLO).date()
    return dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    kind = Meeting.Kind.ORDINARY
    starts_at = factory.LazyFunction(lambda: in_days(30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    place = "Utdanningsdirektoratet, Schweigaards gate 15, Oslo"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.meeting_create(**kwargs)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    kind = AgendaItem.Kind.DECISION
    title = factory.Sequence(lambda n: f"Sak nummer {n}")
    background = "Bakgrunn for saken."
    proposed_decision = "Forslaget vedtas."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.agenda_item_create(**kwargs)


def held_meeting(*, body, days_ago: float = 7, items: int = 0, **kwargs) -> Meeting:
    """A meeting that began ``days_ago`` days ago, with its notice sent two weeks before it
    and marked as held; ``items`` agenda items were put on it before the notice."""
    starts_at = in_days(-days_ago)
    with time_machine.travel(starts_at - dt.timedelta(days=14)):
        meeting = MeetingFactory(body=body, starts_at=starts_at, **kwargs)
        for _ in range(items):
            AgendaItemFactory(meeting=meeting)
        meeting = services.meeting_send_notice(meeting=meeting)
    return services.meeting_mark_held(meeting=meeting)


def everyone_present(meeting: Meeting) -> None:
    """Attendance for a quorate meeting: every voting member present (what minutes need
    before they can be approved)."""
    from meetings.selectors import VOTING_ROLES
    from partnership.models import Membership

    for person_id in (
        Membership.objects.active_on(meeting.local_date)
        .filter(body_id=meeting.body_id, role__in=VOTING_ROLES)
        .values_list("person_id", flat=True)
        .distinct()
    ):
        services.attendance_record(
            meeting=meeting, person=Person.objects.get(pk=person_id), status="present"
        )


def approve_minutes(*, minutes, confirm_empty: bool = True, **kwargs):
    """Approve minutes the way a test means it: everyone present, every decision item with a
    decision (its proposed decision, as adopted), empty items confirmed."""
    if not minutes.meeting.attendances.exists():
        everyone_present(minutes.meeting)
    for entry in minutes.entries.select_related("agenda_item").filter(
        agenda_item__kind=AgendaItem.Kind.DECISION, decision_text="", agenda_item__decisions=None
    ):
        services.minutes_entry_save(
            entry=entry,
            summary=entry.summary,
            decision_text=entry.agenda_item.proposed_decision or "Vedtatt som foreslått.",
            version=entry.version,
        )
    return services.minutes_approve(minutes=minutes, confirm_empty=confirm_empty, **kwargs)
