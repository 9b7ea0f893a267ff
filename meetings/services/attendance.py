"""Attendance and step-asides (conflicts of interest) at a meeting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnership.models import Body, Membership, Person

from .. import absence
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


@dataclass(frozen=True)
class SheetRow:
    """One row of the attendance form as posted: "" as status leaves the person unrecorded."""

    person_id: int
    status: str
    deputy_id: int | None = None
    note: str = ""


class AttendanceRefused(ValidationError):
    """The attendance form had rows that cannot be saved; nothing was saved.
    ``row_errors``: person id (None: the form as a whole) → field → messages."""

    def __init__(self, row_errors: dict):
        self.row_errors = row_errors
        messages = [m for fields in row_errors.values() for ms in fields.values() for m in ms]
        super().__init__(messages)


@transaction.atomic
def attendance_record_sheet(
    *, meeting: Meeting, rows: list[SheetRow], by: Person | None = None
) -> list[Attendance]:
    """Save the whole attendance form at once (issue 11 §5): every row is checked first (a
    person who is neither a member nor a deputy of the body on the day, nor already recorded,
    is refused; "absent, deputy attends" needs a deputy of the member's own partner), then all
    are written in one transaction, or none."""
    meeting = _lock_meeting(meeting)
    _refuse_if_closed(meeting)
    day = meeting.local_date
    seats: dict[int, Membership] = {}
    for seat in Membership.objects.active_on(day).filter(body=meeting.body).order_by("pk"):
        current = seats.get(seat.person_id)
        if current is None or (current.role not in VOTING_ROLES and seat.role in VOTING_ROLES):
            seats[seat.person_id] = seat
    recorded = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting)}
    before_deputy = {pid: a.deputy_id for pid, a in recorded.items()}
    deputies = {
        pid: seat.partner_id for pid, seat in seats.items() if seat.role == Membership.Role.DEPUTY
    }
    errors: dict = {}
    valid = set(Attendance.Status.values)
    for row in rows:
        problems: dict[str, list[str]] = {}
        seat = seats.get(row.person_id)
        if seat is None and row.person_id not in recorded:
            problems["general"] = [_("Personen er ikke medlem eller vara i organet på møtedagen.")]
        elif row.status and row.status not in valid:
            problems["status"] = [_("Velg et gyldig oppmøte.")]
        elif row.status == Attendance.Status.DEPUTY_ATTENDING:
            partner_id = seat.partner_id if seat else None
            if row.deputy_id is None:
                problems["deputy"] = [_("Oppgi hvem som møter som vara.")]
            elif row.deputy_id == row.person_id or deputies.get(row.deputy_id, -1) != partner_id:
                problems["deputy"] = [_("Velg en vara for samme partner.")]
        if len(row.note) > 300:
            problems["note"] = [_("Merknaden kan ha høyst 300 tegn.")]
        if problems:
            errors[row.person_id] = problems
    if errors:
        raise AttendanceRefused(errors)
    saved, called = [], []
    for row in rows:
        if not row.status:
            continue
        attendance = recorded.get(row.person_id) or Attendance(
            meeting=meeting, person_id=row.person_id
        )
        seat = seats.get(row.person_id)
        attendance.membership = seat
        attendance.status = row.status
        attendance.deputy_id = (
            row.deputy_id if row.status == Attendance.Status.DEPUTY_ATTENDING else None
        )
        attendance.note = row.note.strip()
        attendance.save()
        saved.append(attendance)
        if attendance.deputy_id and (before_deputy.get(row.person_id) != attendance.deputy_id):
            called.append(attendance)
    # A deputy newly called in for a meeting still ahead gets the notice (issue 11 §4).
    absence.call_in_deputies(meeting=meeting, called=called)
    return saved


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
