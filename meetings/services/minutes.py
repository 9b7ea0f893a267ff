"""Minutes: started, written, approved; and the follow-up items they create."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from partnership.actors import acting_person
from partnership.locking import ConflictError
from partnership.models import Body, Person

from .. import selectors as meeting_selectors
from ..models import (
    AgendaItem,
    Attendance,
    Decision,
    FollowUp,
    Meeting,
    Minutes,
    MinutesEntry,
)
from ._common import _lock_meeting, _save
from .decisions import _decision_create
from .meetings import _transition


# --- Minutes ----------------------------------------------------------------------------------
class EmptyItemsNeedConfirmation(ValidationError):
    """Approval refused until the secretariat confirms that the items named are meant to
    stand without notes (an information item need not have any)."""

    def __init__(self, items: list[str]):
        super().__init__(items, code="confirm_empty")
        self.items = items


def minutes_gaps(minutes: Minutes) -> tuple[list[str], list[str]]:
    """What stands in the way of approving the minutes, as sentences:

    - blocking: no attendance recorded, a meeting that was not quorate, a decision item with
      neither a decision text in its entry nor a decision in the register;
    - empty: other items with no notes (the secretariat may approve after confirming).
    """
    meeting = minutes.meeting
    blocking: list[str] = []
    empty: list[str] = []
    quorum = meeting_selectors.quorum(meeting=meeting)
    # A body with no voting seats on the day (a data gap, not a meeting fact) cannot be judged.
    if quorum.voting_members and not Attendance.objects.filter(meeting=meeting).exists():
        blocking.append(_("Oppmøtet er ikke registrert."))
    elif quorum.voting_members and not quorum.quorate:
        blocking.append(
            _(
                "Møtet var ikke vedtaksført: %(present)s av %(voting)s stemmeberettigede "
                "møtte, og minst %(required)s må være til stede."
            )
            % {
                "present": quorum.present,
                "voting": quorum.voting_members,
                "required": quorum.required,
            }
        )
    entries = {e.agenda_item_id: e for e in minutes.entries.all()}
    decided = set(Decision.objects.filter(meeting=meeting).values_list("agenda_item_id", flat=True))
    for item in meeting.agenda_items.order_by("position", "number"):
        entry = entries.get(item.pk)
        notes = (entry.summary.strip() if entry else "") or (
            entry.decision_text.strip() if entry else ""
        )
        if item.kind == AgendaItem.Kind.DECISION:
            if not (entry and entry.decision_text.strip()) and item.pk not in decided:
                blocking.append(_("%(item)s er en vedtakssak uten vedtak.") % {"item": item.label})
        elif not notes:
            empty.append(_("%(item)s har ikke noe referat.") % {"item": item.label})
    return blocking, empty


@transaction.atomic
def minutes_start(*, meeting: Meeting, by: Person | None = None) -> Minutes:
    """Open the minutes of a meeting that has begun, with one entry per agenda item.

    The meeting moves to "minutes in draft" (through "held" if that was not recorded).
    Idempotent: the existing minutes are returned.
    """
    meeting = _lock_meeting(meeting)
    existing = Minutes.objects.filter(meeting=meeting).first()
    if existing is not None:
        return existing
    if meeting.status == Meeting.Status.NOTICE_SENT and meeting.starts_at <= timezone.now():
        meeting = _transition(meeting, Meeting.Status.HELD, by=by)
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(_("Referat kan skrives når møtet er avholdt."))
    _transition(meeting, Meeting.Status.MINUTES_DRAFT, by=by)
    minutes = Minutes(meeting=meeting, updated_by=acting_person(by))
    minutes.full_clean()
    _save(minutes, by=by)
    bulk_create_with_history(
        [
            MinutesEntry(minutes=minutes, agenda_item=item, updated_by=acting_person(by))
            for item in meeting.agenda_items.order_by("position", "number")
        ],
        MinutesEntry,
        default_user=acting_person(by),
    )
    return minutes


def _refuse_if_approved(minutes: Minutes) -> None:
    if minutes.is_approved:
        raise ValidationError(
            _("Referatet er godkjent og kan ikke endres. Rettelser gjøres med et nytt vedtak.")
        )


@transaction.atomic
def minutes_save(
    *, minutes: Minutes, notes: str, version: int, by: Person | None = None
) -> Minutes:
    """Save the minutes' general notes. ``version`` is the one the editor opened; an older
    one means someone saved in between, and ``ConflictError`` carries both texts."""
    locked = (
        Minutes.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=minutes.pk)
    )
    _refuse_if_approved(locked)
    if locked.version != version:
        raise ConflictError(
            current={"notes": locked.notes},
            yours={"notes": notes},
            current_version=locked.version,
            updated_by=locked.updated_by,
            updated_at=locked.updated_at,
        )
    locked.notes = notes
    locked.version += 1
    locked.updated_by = acting_person(by)
    locked.updated_at = timezone.now()
    locked.full_clean()
    _save(locked, by=by)
    return locked


@transaction.atomic
def minutes_entry_save(
    *, entry: MinutesEntry, summary: str, decision_text: str, version: int, by: Person | None = None
) -> MinutesEntry:
    """Save one item's summary and decision text, refused with ``ConflictError`` (carrying the
    current and your text) when someone saved the entry after ``version`` was read.

    Entries are versioned one by one, so two people writing different items do not collide.
    """
    locked = (
        MinutesEntry.objects.select_for_update(of=("self",))
        .select_related("minutes", "updated_by")
        .get(pk=entry.pk)
    )
    _refuse_if_approved(locked.minutes)
    if locked.version != version:
        raise ConflictError(
            current={"summary": locked.summary, "decision_text": locked.decision_text},
            yours={"summary": summary, "decision_text": decision_text},
            current_version=locked.version,
            updated_by=locked.updated_by,
            updated_at=locked.updated_at,
        )
    locked.summary = summary
    locked.decision_text = decision_text
    locked.version += 1
    locked.updated_by = acting_person(by)
    locked.updated_at = timezone.now()
    locked.full_clean()
    _save(locked, by=by)
    return locked


@transaction.atomic
def minutes_approve(
    *,
    minutes: Minutes,
    how: str,
    by: Person | None = None,
    at_meeting: Meeting | None = None,
    confirm_empty: bool = False,
) -> Minutes:
    """Approve the minutes (by the next meeting or by circulation); they are read-only after.

    Refused, with a list, while ``minutes_gaps`` finds something blocking; items without
    notes need ``confirm_empty`` (else ``EmptyItemsNeedConfirmation`` names them). Every
    decision item whose entry has a decision text and no decision in the register yet gets
    one, so the register is complete when the minutes are.
    """
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    _refuse_if_approved(minutes)
    meeting = _lock_meeting(minutes.meeting)
    if how not in Minutes.ApprovedHow.values:
        raise ValidationError({"approved_how": _("Velg hvordan referatet er godkjent.")})
    if how == Minutes.ApprovedHow.NEXT_MEETING:
        if at_meeting is None:
            raise ValidationError({"approved_at_meeting": _("Velg møtet som godkjente referatet.")})
        if (
            at_meeting.body_id != meeting.body_id
            or at_meeting.starts_at <= meeting.starts_at
            or at_meeting.is_cancelled
        ):
            raise ValidationError({"approved_at_meeting": _("Velg et senere møte i samme organ.")})
    else:
        at_meeting = None
    blocking, empty = minutes_gaps(minutes)
    if blocking:
        raise ValidationError(blocking)
    if empty and not confirm_empty:
        raise EmptyItemsNeedConfirmation(empty)
    now = timezone.now()
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_how = how
    minutes.approved_at = now
    minutes.approved_at_meeting = at_meeting
    minutes.approved_by = acting_person(by)
    minutes.full_clean()
    _save(minutes, by=by)

    delegated = (
        meeting.body.kind == Body.Kind.WORKING_COMMITTEE
        and meeting.body.delegated_from_id is not None
    )
    entries = (
        minutes.entries.select_related("agenda_item")
        .filter(agenda_item__kind=AgendaItem.Kind.DECISION)
        .exclude(decision_text="")
        .exclude(agenda_item__decisions__isnull=False)
        .order_by("agenda_item__position", "agenda_item__number")
    )
    for entry in entries:
        _decision_create(
            meeting=meeting,
            agenda_item=entry.agenda_item,
            text=entry.decision_text,
            title=entry.agenda_item.title,
            decided_on=meeting.local_date,
            made_under_delegation=delegated,
            recorded_by=by,
        )
    _transition(meeting, Meeting.Status.MINUTES_APPROVED, by=by)
    return minutes


# --- Follow-up items --------------------------------------------------------------------------
@transaction.atomic
def follow_up_create(
    *,
    minutes_entry: MinutesEntry,
    what: str,
    due_on: dt.date,
    responsible_person: Person | None = None,
    responsible_body: Body | None = None,
    created_by: Person | None = None,
) -> FollowUp:
    minutes = Minutes.objects.select_for_update().get(pk=minutes_entry.minutes_id)
    _refuse_if_approved(minutes)
    if responsible_person is None and responsible_body is None:
        raise ValidationError(
            {"responsible_person": _("Oppgi en ansvarlig person eller et ansvarlig organ.")}
        )
    follow_up = FollowUp(
        minutes_entry=minutes_entry,
        what=what.strip(),
        due_on=due_on,
        responsible_person=responsible_person,
        responsible_body=responsible_body,
        created_by=acting_person(created_by),
    )
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_up_update(
    *,
    follow_up: FollowUp,
    due_on: dt.date,
    responsible_person: Person | None = None,
    responsible_body: Body | None = None,
    by: Person | None = None,
) -> FollowUp:
    """New due date or responsible for an open item (allowed after the minutes are approved)."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status != FollowUp.Status.OPEN:
        raise ValidationError(_("Oppfølgingspunktet er lukket."))
    if responsible_person is None and responsible_body is None:
        raise ValidationError(
            {"responsible_person": _("Oppgi en ansvarlig person eller et ansvarlig organ.")}
        )
    follow_up.due_on = due_on
    follow_up.responsible_person = responsible_person
    follow_up.responsible_body = responsible_body
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_up_set_status(*, follow_up: FollowUp, status: str, by: Person | None = None) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if status not in FollowUp.Status.values:
        raise ValidationError({"status": _("Ukjent status.")})
    follow_up.status = status
    follow_up.completed_at = timezone.now() if status == FollowUp.Status.DONE else None
    follow_up.full_clean()
    follow_up.save()
    return follow_up
