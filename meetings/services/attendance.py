"""Attendance and step-asides (conflicts of interest) at a meeting."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnership.models import Body, Membership, Person

from ..models import (
    AgendaItem,
    Attendance,
    Meeting,
    StepAside,
)
from ..selectors import VOTING_ROLES
from ._common import _lock_meeting, _refuse_if_closed


# --- Attendance -------------------------------------------------------------------------------
def _seat_on(person: Person, body: Body, day: dt.date) -> Membership | None:
    """The person's seat in the body on the day, a voting seat first."""
    seats = list(Membership.objects.active_on(day).filter(person=person, body=body))
    seats.sort(key=lambda m: (m.role not in VOTING_ROLES, m.pk))
    return seats[0] if seats else None


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    person: Person,
    status: str,
    deputy: Person | None = None,
    note: str = "",
    by: Person | None = None,
) -> Attendance:
    """Record (or change) one person's attendance; absence with notice may be recorded ahead."""
    meeting = _lock_meeting(meeting)
    _refuse_if_closed(meeting)
    if status == Attendance.Status.DEPUTY_ATTENDING and deputy is None:
        raise ValidationError({"deputy": _("Oppgi hvem som møter som vara.")})
    if status != Attendance.Status.DEPUTY_ATTENDING:
        deputy = None
    attendance = Attendance.objects.filter(meeting=meeting, person=person).first() or Attendance(
        meeting=meeting, person=person
    )
    attendance.membership = _seat_on(person, meeting.body, meeting.local_date)
    attendance.status = status
    attendance.deputy = deputy
    attendance.note = note.strip()
    attendance.full_clean()
    attendance.save()
    return attendance


@transaction.atomic
def step_aside_record(
    *, agenda_item: AgendaItem, person: Person, reason: str, by: Person | None = None
) -> StepAside:
    """Record that a person steps aside on an item (conflict of interest); they are left out of
    that item's quorum."""
    meeting = _lock_meeting(agenda_item.meeting)
    _refuse_if_closed(meeting)
    if not reason.strip():
        raise ValidationError({"reason": _("Oppgi grunnen til at personen fratrer.")})
    step = StepAside(agenda_item=agenda_item, person=person, reason=reason.strip())
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def step_aside_remove(*, step_aside: StepAside, by: Person | None = None) -> None:
    meeting = _lock_meeting(step_aside.agenda_item.meeting)
    _refuse_if_closed(meeting)
    step_aside.delete()
