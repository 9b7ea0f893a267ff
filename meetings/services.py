"""Writes of consequence for meetings, agendas, minutes and the decision register.

Keyword-only, transactional, no request: a view, a Celery task and a management
command share them. Each validates with translated messages, calls
``full_clean`` and leaves nothing half-saved (one ``transaction.atomic``).

Rows that two people can race for are locked: the number series
(``AgendaCounter``), a meeting while its status or time changes, minutes and
their entries while they are saved (with optimistic versions on top, so a
stale save is refused instead of silently overwriting), a proposal while it
is handled.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from partnership import formats as portal_formats
from partnership.actors import acting_person
from partnership.locking import ConflictError
from partnership.models import Body, Membership, Person

from . import seeds, uploads
from .models import (
    OSLO,
    AgendaAttachment,
    AgendaCounter,
    AgendaItem,
    AgendaTemplate,
    AgendaTemplateItem,
    Attendance,
    Decision,
    DocumentVersion,
    FollowUp,
    GoverningDocument,
    Meeting,
    MeetingSettings,
    Minutes,
    MinutesEntry,
    Proposal,
    StepAside,
    local_year,
)
from .selectors import VOTING_ROLES, proposal_deadline

# Stored texts the portal writes itself (report items) are in the default language,
# whoever triggered them.
STORED_LANGUAGE = "nb"


# --- Small helpers ----------------------------------------------------------------------------
def _save(obj, *, by=None, **kwargs) -> None:
    """Save, with ``by`` as the author of the history record when given."""
    if acting_person(by) is not None:
        obj._history_user = by
    obj.save(**kwargs)


def _require_aware(**values: dt.datetime | None) -> None:
    errors = {
        name: _("Oppgi tidspunktet med tidssone.")
        for name, value in values.items()
        if value is not None and timezone.is_naive(value)
    }
    if errors:
        raise ValidationError(errors)


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)


def _refuse_if_closed(meeting: Meeting) -> None:
    """Agenda, attendance and minutes of a cancelled meeting or approved minutes are read-only."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("Møtet er avlyst. Gjenoppta det før du endrer det."))
    if meeting.status == Meeting.Status.MINUTES_APPROVED:
        raise ValidationError(
            _("Referatet er godkjent og kan ikke endres. Rettelser gjøres med et nytt vedtak.")
        )


def _next_number(*, body: Body, year: int, series: str) -> int:
    """The next number in the body's series for the year; call inside a transaction.

    The counter row is created if missing (``ON CONFLICT DO NOTHING``, so two
    first creations do not collide) and then locked until the transaction ends.
    """
    AgendaCounter.objects.bulk_create(
        [AgendaCounter(body=body, year=year, series=series)], ignore_conflicts=True
    )
    counter = AgendaCounter.objects.select_for_update().get(body=body, year=year, series=series)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


# --- Settings ---------------------------------------------------------------------------------
@transaction.atomic
def meeting_settings_update(
    *,
    body: Body,
    proposal_deadline_days: int,
    notice_days: int,
    minutes_reminder_days: int,
    quorum_fraction,
) -> MeetingSettings:
    obj = MeetingSettings.objects.select_for_update().get(
        pk=MeetingSettings.objects.for_body(body).pk
    )
    obj.proposal_deadline_days = proposal_deadline_days
    obj.notice_days = notice_days
    obj.minutes_reminder_days = minutes_reminder_days
    obj.quorum_fraction = quorum_fraction
    obj.full_clean()
    obj.save()
    return obj


# --- Meetings ---------------------------------------------------------------------------------
WORKING_GROUP_KINDS = (
    Meeting.Kind.START_UP,
    Meeting.Kind.BEFORE_PARTNER_MEETING,
    Meeting.Kind.REPORTING,
)
# Changes a calendar shows; each bumps the iCal SEQUENCE.
CALENDAR_FIELDS = ("title", "kind", "starts_at", "ends_at", "place", "video_url")


def _validate_meeting(meeting: Meeting) -> None:
    _require_aware(starts_at=meeting.starts_at, ends_at=meeting.ends_at)
    errors: dict[str, Any] = {}
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = _("Møtet kan ikke slutte før det begynner.")
    if meeting.kind in WORKING_GROUP_KINDS and meeting.body.kind != Body.Kind.WORKING_GROUP:
        errors["kind"] = _("Denne møtetypen er for arbeidsgrupper.")
    if meeting.kind == Meeting.Kind.GROUP_LEADERS and meeting.body.kind != Body.Kind.GROUP_LEADERS:
        errors["kind"] = _("Gruppeledermøter holdes av Gruppeledermøtet.")
    if errors:
        raise ValidationError(errors)
    meeting.full_clean()


@transaction.atomic
def meeting_create(
    *,
    body: Body,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    kind: str = Meeting.Kind.ORDINARY,
    title: str = "",
    place: str = "",
    video_url: str = "",
    created_by: Person | None = None,
    suggested: bool = False,
    plan_slot: str = "",
) -> Meeting:
    """Plan a meeting. Delegated decisions waiting for this body's next meeting (R3) are
    put on its agenda as report items.

    Overlapping meetings of the same body are allowed (``selectors.meeting_overlaps`` gives
    the form its warning).
    """
    meeting = Meeting(
        body=body,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        video_url=video_url.strip(),
        suggested=suggested,
        plan_slot=plan_slot,
        created_by=acting_person(created_by),
    )
    _validate_meeting(meeting)
    _save(meeting, by=created_by)
    MeetingSettings.objects.for_body(body)
    _attach_pending_reports(meeting)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: Person | None = None, **fields) -> Meeting:
    """Change a meeting that has not taken place; calendar changes bump the iCal SEQUENCE."""
    unknown = set(fields) - set(CALENDAR_FIELDS)
    if unknown:
        raise TypeError(f"meeting_update() got unexpected fields: {sorted(unknown)}")
    meeting = _lock_meeting(meeting)
    if not meeting.is_upcoming:
        raise ValidationError(
            _("Et møte med status «%(status)s» kan ikke endres.")
            % {"status": meeting.get_status_display()}
        )
    for name in ("title", "place", "video_url"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    changed = [name for name, value in fields.items() if getattr(meeting, name) != value]
    for name in changed:
        setattr(meeting, name, fields[name])
    if not changed:
        return meeting
    _validate_meeting(meeting)
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    _save(meeting, by=by)
    return meeting


@transaction.atomic
def meeting_move(
    *, meeting: Meeting, starts_at: dt.datetime, ends_at: dt.datetime, by: Person | None = None
) -> Meeting:
    """Give a (suggested) meeting another time; a moved suggestion counts as confirmed."""
    meeting = meeting_update(meeting=meeting, by=by, starts_at=starts_at, ends_at=ends_at)
    if meeting.suggested:
        meeting = meeting_confirm(meeting=meeting, by=by)
    return meeting


@transaction.atomic
def meeting_confirm(*, meeting: Meeting, by: Person | None = None) -> Meeting:
    """The body's leader confirms a meeting the year plan suggested (R5)."""
    meeting = _lock_meeting(meeting)
    if not meeting.suggested:
        return meeting
    if not meeting.is_upcoming:
        raise ValidationError(_("Bare planlagte møter kan bekreftes."))
    meeting.suggested = False
    meeting.sequence += 1  # TENTATIVE → CONFIRMED in calendars
    meeting.updated_at = timezone.now()
    _save(meeting, by=by)
    return meeting


def _transition(meeting: Meeting, status: str, *, by=None) -> Meeting:
    """Move a locked meeting along its life cycle (``Meeting.TRANSITIONS``)."""
    if not meeting.can_move_to(status):
        raise ValidationError(
            _("Et møte med status «%(current)s» kan ikke få status «%(new)s».")
            % {"current": meeting.get_status_display(), "new": Meeting.Status(status).label}
        )
    meeting.status = status
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    _save(meeting, by=by)
    return meeting


@transaction.atomic
def meeting_send_notice(*, meeting: Meeting, by: Person | None = None) -> Meeting:
    """Mark the notice as sent (the e-mail itself goes through the outbox)."""
    meeting = _lock_meeting(meeting)
    if meeting.starts_at <= timezone.now():
        raise ValidationError(
            _("Møtet begynte %(when)s. Det er for sent å sende innkalling.")
            % {"when": portal_formats.datetime(meeting.starts_at)}
        )
    meeting.notice_sent_at = timezone.now()
    return _transition(meeting, Meeting.Status.NOTICE_SENT, by=by)


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, by: Person | None = None) -> Meeting:
    meeting = _lock_meeting(meeting)
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Møtet kan ikke registreres som avholdt før det har begynt."))
    return _transition(meeting, Meeting.Status.HELD, by=by)


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str = "", by: Person | None = None) -> Meeting:
    """Cancel a meeting that has not been held. Reports of delegated decisions on its agenda
    go to the body's next meeting (or wait for it) so none is lost."""
    meeting = _lock_meeting(meeting)
    meeting.cancellation_reason = reason.strip()
    meeting = _transition(meeting, Meeting.Status.CANCELLED, by=by)
    _requeue_reports(meeting)
    return meeting


@transaction.atomic
def meeting_reinstate(*, meeting: Meeting, by: Person | None = None) -> Meeting:
    """Undo a cancellation of a meeting that has not yet begun."""
    meeting = _lock_meeting(meeting)
    if meeting.starts_at <= timezone.now():
        raise ValidationError(_("Møtet har allerede begynt og kan ikke gjenopptas."))
    meeting.cancellation_reason = ""
    return _transition(meeting, Meeting.Status.PLANNED, by=by)


# --- Agenda -----------------------------------------------------------------------------------
ITEM_FIELDS = (
    "kind",
    "title",
    "background",
    "proposed_decision",
    "responsible",
    "exempt",
    "legal_basis",
)


def _validate_item(item: AgendaItem) -> None:
    item.title = (item.title or "").strip()
    item.legal_basis = (item.legal_basis or "").strip()
    if item.exempt and not item.legal_basis:
        raise ValidationError(
            {
                "legal_basis": _(
                    "Oppgi hjemmel for å unnta saken fra offentlighet, for eksempel «offl. § 14»."
                )
            }
        )
    item.full_clean()


@transaction.atomic
def agenda_item_create(
    *,
    meeting: Meeting,
    title: str,
    kind: str = AgendaItem.Kind.DECISION,
    background: str = "",
    proposed_decision: str = "",
    responsible: Person | None = None,
    exempt: bool = False,
    legal_basis: str = "",
    created_by: Person | None = None,
) -> AgendaItem:
    """Put an item on the agenda with the body's next number for the meeting's year.

    The number comes from the locked counter row, so items created at the same time
    get unique, gapless numbers ("PM-sak 7/2026").
    """
    meeting = _lock_meeting(meeting)
    _refuse_if_closed(meeting)
    year = local_year(meeting.starts_at)
    item = AgendaItem(
        meeting=meeting,
        body=meeting.body,
        year=year,
        number=0,
        kind=kind,
        title=title,
        background=background,
        proposed_decision=proposed_decision,
        responsible=responsible,
        exempt=exempt,
        legal_basis=legal_basis,
        created_by=acting_person(created_by),
    )
    # Validate before taking a number: a refused item uses none (the rollback would undo it anyway).
    _validate_item(item)
    item.number = _next_number(
        body=meeting.body, year=year, series=AgendaCounter.Series.AGENDA_ITEM
    )
    item.position = (meeting.agenda_items.aggregate(m=Max("position"))["m"] or 0) + 1
    item.validate_constraints()
    _save(item, by=created_by)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None:
        MinutesEntry.objects.create(minutes=minutes, agenda_item=item)
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, by: Person | None = None, **fields) -> AgendaItem:
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"agenda_item_update() got unexpected fields: {sorted(unknown)}")
    meeting = _lock_meeting(item.meeting)
    _refuse_if_closed(meeting)
    item = AgendaItem.objects.select_related("body").get(pk=item.pk)
    for name, value in fields.items():
        setattr(item, name, value)
    _validate_item(item)
    _save(item, by=by)
    return item


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, item_ids: Sequence[int], by: Person | None = None) -> None:
    """Set the order of the agenda; ``item_ids`` must name every item of the meeting once."""
    meeting = _lock_meeting(meeting)
    _refuse_if_closed(meeting)
    items = {i.pk: i for i in meeting.agenda_items.all()}
    if len(item_ids) != len(set(item_ids)) or set(item_ids) != set(items):
        raise ValidationError(
            _("Rekkefølgen må inneholde alle sakene på sakslisten, én gang hver.")
        )
    for position, pk in enumerate(item_ids, start=1):
        items[pk].position = position
    AgendaItem.objects.bulk_update(items.values(), ["position"])


# --- Agenda templates -------------------------------------------------------------------------
@transaction.atomic
def seed_agenda_templates() -> int:
    """Create the templates of the working-group guide (002) that are missing; idempotent."""
    return seeds.seed_agenda_templates(AgendaTemplate, AgendaTemplateItem)


def _lock_template(template: AgendaTemplate) -> AgendaTemplate:
    """Lock the template while its items are added or reordered, so positions stay distinct."""
    return AgendaTemplate.objects.select_for_update().get(pk=template.pk)


@transaction.atomic
def agenda_template_create(
    *, meeting_kind: str, name: str, description: str = ""
) -> AgendaTemplate:
    """A template for a kind of meeting that has none (one template per kind)."""
    taken = ValidationError(
        {"meeting_kind": _("Det finnes allerede en saksliste-mal for denne møtetypen.")}
    )
    if AgendaTemplate.objects.filter(meeting_kind=meeting_kind).exists():
        raise taken
    template = AgendaTemplate(
        meeting_kind=meeting_kind, name=name.strip(), description=description.strip()
    )
    template.full_clean()
    try:
        with transaction.atomic():  # two people creating the same kind at once: one wins
            template.save()
    except IntegrityError:
        raise taken from None
    return template


@transaction.atomic
def agenda_template_update(
    *, template: AgendaTemplate, name: str, description: str = ""
) -> AgendaTemplate:
    """Rename the template or change its description (its meeting kind stays)."""
    template = _lock_template(template)
    template.name = name.strip()
    template.description = description.strip()
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def agenda_template_item_add(
    *,
    template: AgendaTemplate,
    title: str,
    kind: str = AgendaItem.Kind.DECISION,
    background: str = "",
) -> AgendaTemplateItem:
    """Add an item at the end of the template."""
    template = _lock_template(template)
    position = (template.items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = AgendaTemplateItem(
        template=template, title=title.strip(), kind=kind, background=background, position=position
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_template_item_update(
    *, item: AgendaTemplateItem, title: str, kind: str, background: str = ""
) -> AgendaTemplateItem:
    item.title = title.strip()
    item.kind = kind
    item.background = background
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_template_item_remove(*, item: AgendaTemplateItem) -> None:
    item.delete()


@transaction.atomic
def agenda_template_item_move(*, item: AgendaTemplateItem, direction: str) -> AgendaTemplateItem:
    """Move an item one place ``"up"`` or ``"down"`` in its template.

    The template is locked and its items renumbered 1..n, so two people moving items at the
    same time cannot leave two items on one position. At the top (or bottom) nothing moves.
    """
    if direction not in ("up", "down"):
        raise ValidationError(_("Ukjent retning."))
    template = _lock_template(item.template)
    items = list(template.items.order_by("position", "pk"))
    ids = [i.pk for i in items]
    if item.pk not in ids:
        raise ValidationError(_("Punktet er fjernet fra malen."))
    i = ids.index(item.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]
    changed = []
    for position, row in enumerate(items, start=1):
        if row.position != position:
            row.position = position
            changed.append(row)
    AgendaTemplateItem.objects.bulk_update(changed, ["position"])
    return next(row for row in items if row.pk == item.pk)


@transaction.atomic
def agenda_template_apply(
    *, meeting: Meeting, template: AgendaTemplate | None = None, by: Person | None = None
) -> list[AgendaItem]:
    """Add the template's items to the agenda (default: the template for the meeting's kind).

    Items whose title is already on the agenda are skipped, so applying twice adds nothing.
    """
    if template is None:
        template = AgendaTemplate.objects.filter(meeting_kind=meeting.kind).first()
        if template is None:
            raise ValidationError(_("Det finnes ingen saksliste-mal for denne møtetypen."))
    existing = {t.casefold() for t in meeting.agenda_items.values_list("title", flat=True)}
    created = []
    for template_item in template.items.order_by("position", "pk"):
        if template_item.title.casefold() in existing:
            continue
        created.append(
            agenda_item_create(
                meeting=meeting,
                title=template_item.title,
                kind=template_item.kind,
                background=template_item.background,
                created_by=by,
            )
        )
    return created


# --- Proposals --------------------------------------------------------------------------------
def _check_open_meeting_for_proposals(meeting: Meeting, field: str = "target_meeting") -> None:
    if meeting.body.kind not in Proposal.TARGET_BODY_KINDS:
        raise ValidationError(
            {field: _("Saksforslag sendes til Partnermøtet eller Gruppeledermøtet.")}
        )
    if not meeting.is_upcoming or meeting.starts_at <= timezone.now():
        raise ValidationError({field: _("Møtet er ikke lenger åpent for saksforslag.")})


@transaction.atomic
def proposal_submit(
    *,
    proposed_by: Person,
    target_meeting: Meeting,
    title: str,
    background: str = "",
    proposed_decision: str = "",
    on_behalf_of: Body | None = None,
) -> Proposal:
    """Propose an item for a Partnermøte or Gruppeledermøte, before the body's deadline.

    The deadline (``proposal_deadline_days`` before the meeting) is judged by server time.
    """
    meeting = Meeting.objects.select_related("body").get(pk=target_meeting.pk)
    _check_open_meeting_for_proposals(meeting)
    deadline = proposal_deadline(meeting)
    if timezone.now() > deadline:
        raise ValidationError(
            {
                "target_meeting": _("Fristen for saksforslag til dette møtet gikk ut %(deadline)s.")
                % {"deadline": portal_formats.datetime(deadline)}
            }
        )
    if on_behalf_of is not None and not (
        Membership.objects.active_on().filter(person=proposed_by, body=on_behalf_of).exists()
    ):
        raise ValidationError(
            {"on_behalf_of": _("Du kan bare foreslå saker på vegne av organer du er medlem av.")}
        )
    proposal = Proposal(
        proposed_by=proposed_by,
        on_behalf_of=on_behalf_of,
        target_body=meeting.body,
        target_meeting=meeting,
        title=title.strip(),
        background=background,
        proposed_decision=proposed_decision,
    )
    proposal.full_clean()
    proposal.save()
    return proposal


def _lock_open_proposal(proposal: Proposal) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in Proposal.OPEN_STATUSES:
        raise ValidationError(
            _("Forslaget er allerede behandlet (%(status)s).")
            % {"status": proposal.get_status_display()}
        )
    return proposal


def _handled(proposal: Proposal, status: str, by) -> None:
    proposal.status = status
    proposal.handled_by = acting_person(by)
    proposal.handled_at = timezone.now()
    proposal.full_clean()
    proposal.save()


@transaction.atomic
def proposal_accept(
    *,
    proposal: Proposal,
    by: Person | None = None,
    meeting: Meeting | None = None,
    kind: str = AgendaItem.Kind.DECISION,
) -> Proposal:
    """Put the proposal on an agenda (its target meeting unless another is given)."""
    proposal = _lock_open_proposal(proposal)
    meeting = Meeting.objects.select_related("body").get(pk=(meeting or proposal.target_meeting).pk)
    if meeting.body_id != proposal.target_body_id:
        raise ValidationError(
            {"meeting": _("Velg et møte i %(body)s.") % {"body": proposal.target_body}}
        )
    if not meeting.is_upcoming:
        raise ValidationError({"meeting": _("Møtet er ikke lenger åpent for nye saker.")})
    item = agenda_item_create(
        meeting=meeting,
        kind=kind,
        title=proposal.title,
        background=proposal.background,
        proposed_decision=proposal.proposed_decision,
        responsible=proposal.proposed_by,
        created_by=by,
    )
    proposal.agenda_item = item
    proposal.target_meeting = meeting
    _handled(proposal, Proposal.Status.ACCEPTED, by)
    return proposal


@transaction.atomic
def proposal_return(*, proposal: Proposal, reason: str, by: Person | None = None) -> Proposal:
    if not reason.strip():
        raise ValidationError({"return_reason": _("Skriv hvorfor forslaget returneres.")})
    proposal = _lock_open_proposal(proposal)
    proposal.return_reason = reason.strip()
    _handled(proposal, Proposal.Status.RETURNED, by)
    return proposal


@transaction.atomic
def proposal_defer(
    *, proposal: Proposal, to_meeting: Meeting, by: Person | None = None
) -> Proposal:
    """Move the proposal to a later meeting of the same body; it stays open there."""
    proposal = _lock_open_proposal(proposal)
    to_meeting = Meeting.objects.select_related("body").get(pk=to_meeting.pk)
    if to_meeting.body_id != proposal.target_body_id:
        raise ValidationError(
            {"to_meeting": _("Velg et møte i %(body)s.") % {"body": proposal.target_body}}
        )
    if not to_meeting.is_upcoming or to_meeting.starts_at <= proposal.target_meeting.starts_at:
        raise ValidationError({"to_meeting": _("Velg et senere, planlagt møte.")})
    if proposal.original_meeting_id is None:
        proposal.original_meeting_id = proposal.target_meeting_id
    proposal.target_meeting = to_meeting
    _handled(proposal, Proposal.Status.DEFERRED, by)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by: Person | None = None) -> Proposal:
    proposal = _lock_open_proposal(proposal)
    _handled(proposal, Proposal.Status.WITHDRAWN, by)
    return proposal


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


# --- Minutes ----------------------------------------------------------------------------------
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
    *, minutes: Minutes, how: str, by: Person | None = None, at_meeting: Meeting | None = None
) -> Minutes:
    """Approve the minutes (by the next meeting or by circulation); they are read-only after.

    Every decision item whose entry has a decision text and no decision in the register yet
    gets one, so the register is complete when the minutes are.
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


# --- Decisions --------------------------------------------------------------------------------
def _concerns_fields(concerns) -> dict[str, Any]:
    if concerns is None:
        return {"concerns_type": None, "concerns_id": None}
    if concerns.pk is None:
        raise ValueError("concerns must be saved")
    return {
        "concerns_type": ContentType.objects.get_for_model(concerns),
        "concerns_id": concerns.pk,
    }


def _decision_create(
    *,
    meeting: Meeting,
    text: str,
    title: str = "",
    agenda_item: AgendaItem | None = None,
    decided_on: dt.date | None = None,
    concerns=None,
    made_under_delegation: bool = False,
    recorded_by: Person | None = None,
) -> Decision:
    body = meeting.body
    errors: dict[str, str] = {}
    if not (text or "").strip():
        errors["text"] = _("Vedtaket må ha en tekst.")
    if meeting.is_cancelled:
        errors["meeting"] = _("Møtet er avlyst og kan ikke ha vedtak.")
    elif meeting.starts_at > timezone.now():
        errors["meeting"] = _("Møtet er ikke holdt ennå.")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        errors["agenda_item"] = _("Saken hører til et annet møte.")
    if made_under_delegation and body.delegated_from_id is None:
        errors["made_under_delegation"] = _("%(body)s har ikke delegert myndighet.") % {
            "body": body
        }
    if errors:
        raise ValidationError(errors)
    decided_on = decided_on or meeting.local_date
    decision = Decision(
        body=body,
        meeting=meeting,
        agenda_item=agenda_item,
        decided_on=decided_on,
        year=decided_on.year,
        number=0,
        title=(title or "").strip(),
        text=text.strip(),
        made_under_delegation=made_under_delegation,
        recorded_by=acting_person(recorded_by),
        **_concerns_fields(concerns),
    )
    decision.full_clean(exclude=["number"])
    decision.number = _next_number(
        body=body, year=decided_on.year, series=AgendaCounter.Series.DECISION
    )
    decision.validate_constraints()
    if made_under_delegation:
        decision.report_to_id = body.delegated_from_id
    _save(decision, by=recorded_by)
    if made_under_delegation:
        _attach_report(decision)
    return decision


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    text: str,
    title: str = "",
    agenda_item: AgendaItem | None = None,
    decided_on: dt.date | None = None,
    concerns=None,
    made_under_delegation: bool = False,
    recorded_by: Person | None = None,
) -> Decision:
    """Enter a decision in the register with the body's next number for the year.

    ``concerns`` is any saved object the decision adopts or is about. A decision of the AU
    under delegated authority (R3) is reported to the next meeting of the body it holds
    the authority from: a report item is added to that meeting's agenda, or, if none is
    planned yet, the report waits and is added when that meeting is created.
    """
    meeting = _lock_meeting(meeting)
    if agenda_item is not None and not title:
        title = agenda_item.title
    return _decision_create(
        meeting=meeting,
        text=text,
        title=title,
        agenda_item=agenda_item,
        decided_on=decided_on,
        concerns=concerns,
        made_under_delegation=made_under_delegation,
        recorded_by=recorded_by,
    )


@transaction.atomic
def decision_link(*, decision: Decision, concerns) -> Decision:
    """Let a decision concern an object (for apps that adopt things after the fact)."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    fields = _concerns_fields(concerns)
    if decision.concerns_id is not None and (
        decision.concerns_type_id != fields["concerns_type"].pk
        or decision.concerns_id != fields["concerns_id"]
    ):
        raise ValidationError(_("Vedtaket gjelder allerede noe annet."))
    decision.concerns_type = fields["concerns_type"]
    decision.concerns_id = fields["concerns_id"]
    decision.save(update_fields=["concerns_type", "concerns_id"])
    return decision


REPORT_MEETING_KINDS = (Meeting.Kind.ORDINARY, Meeting.Kind.EXTRAORDINARY)


def _next_report_meeting(body_id: int) -> Meeting | None:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("body")
        .filter(
            body_id=body_id,
            status__in=Meeting.UPCOMING_STATUSES,
            kind__in=REPORT_MEETING_KINDS,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at", "pk")
        .first()
    )


def _add_report_item(decision: Decision, meeting: Meeting) -> None:
    with translation.override(STORED_LANGUAGE):
        title = _("Melding om delegert vedtak: %(label)s %(title)s") % {
            "label": decision.label,
            "title": decision.title,
        }
    item = agenda_item_create(
        meeting=meeting,
        kind=AgendaItem.Kind.DELEGATED_REPORT,
        title=title.strip()[:300],
        background=decision.text,
        exempt=bool(decision.agenda_item_id and decision.agenda_item.exempt),
        legal_basis=decision.agenda_item.legal_basis if decision.agenda_item_id else "",
    )
    decision.report_item = item
    decision.save(update_fields=["report_item"])


def _attach_report(decision: Decision) -> None:
    meeting = _next_report_meeting(decision.report_to_id)
    if meeting is not None:
        _add_report_item(decision, meeting)


def _attach_pending_reports(meeting: Meeting) -> None:
    """A new meeting of a body picks up the delegated decisions waiting to be reported to it."""
    if (
        meeting.kind not in REPORT_MEETING_KINDS
        or not meeting.is_upcoming
        or meeting.starts_at <= timezone.now()
    ):
        return
    pending = list(
        Decision.objects.select_for_update(of=("self",))
        .select_related("body", "agenda_item")
        .filter(report_to=meeting.body, report_item__isnull=True)
        .order_by("decided_on", "year", "number")
    )
    for decision in pending:
        _add_report_item(decision, meeting)


def _requeue_reports(meeting: Meeting) -> None:
    """Reports on a cancelled meeting's agenda go to the next meeting, or wait for one."""
    decisions = list(
        Decision.objects.select_for_update(of=("self",))
        .select_related("body", "agenda_item")
        .filter(report_item__meeting=meeting)
    )
    if not decisions:
        return
    Decision.objects.filter(pk__in=[d.pk for d in decisions]).update(report_item=None)
    for decision in decisions:
        decision.report_item = None
        _attach_report(decision)


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


# --- Governing documents (R12) ----------------------------------------------------------------
@transaction.atomic
def governing_documents_seed(
    *, leaders_body: Body | None = None, partners_body: Body | None = None
) -> int:
    """Create the eight attachments of the action plan §8 that are missing; idempotent.

    The responsible bodies default to the (first) Ledermøte and Partnermøte in the registry.
    """
    bodies = {
        Body.Kind.LEADERS: leaders_body
        or Body.objects.filter(kind=Body.Kind.LEADERS).order_by("pk").first(),
        Body.Kind.PARTNERS: partners_body
        or Body.objects.filter(kind=Body.Kind.PARTNERS).order_by("pk").first(),
    }
    missing = [kind.label for kind, body in bodies.items() if body is None]
    if missing:
        raise ValidationError(_("Registeret mangler %(bodies)s.") % {"bodies": ", ".join(missing)})
    created = 0
    for position, (key, title, kind) in enumerate(seeds.GOVERNING_DOCUMENTS, start=1):
        _doc, was_created = GoverningDocument.objects.get_or_create(
            key=key,
            defaults={"title": title, "responsible_body": bodies[kind], "position": position},
        )
        created += was_created
    return created


@transaction.atomic
def document_version_create(
    *,
    document: GoverningDocument,
    text: str,
    change_note: str = "",
    created_by: Person | None = None,
) -> DocumentVersion:
    """A new draft version; it is not in force until its responsible body adopts it."""
    document = GoverningDocument.objects.select_for_update().get(pk=document.pk)
    latest = document.versions.order_by("-number").first()
    if not text.strip():
        raise ValidationError({"text": _("Dokumentet må ha en tekst.")})
    if latest is not None and latest.text == text:
        raise ValidationError(
            {"text": _("Teksten er lik versjon %(number)s.") % {"number": latest.number}}
        )
    version = DocumentVersion(
        document=document,
        number=(latest.number if latest else 0) + 1,
        text=text,
        change_note=change_note.strip(),
        created_by=acting_person(created_by),
    )
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def document_version_adopt(*, version: DocumentVersion, decision: Decision) -> DocumentVersion:
    """Put a version in force by a decision of the document's responsible body (R12, must).

    The decision is linked to the version (``Decision.concerns``).
    """
    version = (
        DocumentVersion.objects.select_for_update(of=("self",))
        .select_related("document__responsible_body")
        .get(pk=version.pk)
    )
    document = version.document
    if version.adopted_by_id is not None:
        raise ValidationError(
            _("Versjon %(number)s er allerede vedtatt.") % {"number": version.number}
        )
    if decision.body_id != document.responsible_body_id:
        raise ValidationError(
            {
                "adopted_by": _(
                    "«%(document)s» vedtas av %(responsible)s. "
                    "Et vedtak i %(body)s kan ikke sette det i kraft."
                )
                % {
                    "document": document.title,
                    "responsible": document.responsible_body,
                    "body": decision.body,
                }
            }
        )
    decision_link(decision=decision, concerns=version)
    version.adopted_by = decision
    version.save(update_fields=["adopted_by"])
    return version


# --- Year planning (årshjul) ------------------------------------------------------------------
# Months of a body's meetings when it meets n times a year: spread out, none in July.
MONTHS_BY_COUNT = {
    1: (6,),
    2: (4, 10),
    3: (2, 6, 10),
    4: (3, 6, 9, 11),
    5: (2, 4, 6, 9, 11),
    6: (1, 3, 5, 6, 9, 11),
}
# Per body kind: required meetings when the body does not say, weekday (Mon=0), nth weekday
# of the month, start and length.
DEFAULT_MEETINGS_PER_YEAR = {Body.Kind.LEADERS: 2, Body.Kind.PARTNERS: 4}  # R1, R2
SLOT_SHAPE = {
    Body.Kind.LEADERS: (3, 2, dt.time(12, 0), dt.timedelta(hours=3)),
    Body.Kind.PARTNERS: (2, 2, dt.time(10, 0), dt.timedelta(hours=5)),
    Body.Kind.WORKING_COMMITTEE: (1, 3, dt.time(13, 0), dt.timedelta(hours=2)),
    Body.Kind.GROUP_LEADERS: (1, 1, dt.time(13, 0), dt.timedelta(hours=2)),
}
DEFAULT_SHAPE = (1, 2, dt.time(10, 0), dt.timedelta(hours=2))
FAGLIG_FORUM_MONTHS = (5, 10)  # R9: twice a year, hosted by the Partnermøte
# Third Thursday: the Ledermøte has the second.
FAGLIG_FORUM_SHAPE = (3, 3, dt.time(10, 0), dt.timedelta(hours=5, minutes=30))
# Working groups: second Tuesday 10–12; the national group in the afternoon, so someone in
# both groups is not asked to be in two places at once.
WORKING_GROUP_SHAPE = (1, 2, dt.time(10, 0), dt.timedelta(hours=2))
NATIONAL_GROUP_START = dt.time(13, 0)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _at(day: dt.date, start: dt.time, length: dt.timedelta) -> tuple[dt.datetime, dt.datetime]:
    starts = dt.datetime.combine(day, start, tzinfo=OSLO)
    # Add the length in local wall time, then normalise (zoneinfo handles the DST switch).
    ends = (starts.replace(tzinfo=None) + length).replace(tzinfo=OSLO)
    return starts, ends


def _months(count: int) -> tuple[int, ...]:
    if count in MONTHS_BY_COUNT:
        return MONTHS_BY_COUNT[count]
    return tuple(sorted({min(12, 1 + (i * 12) // count) for i in range(count)}))


def _year_slots(*, year: int, body: Body) -> list[dict]:
    """The meetings a body should have in a year (R1, R2, R5, R9), as meeting_create kwargs."""
    slots: list[dict] = []
    if body.kind == Body.Kind.WORKING_GROUP:
        weekday, n, start, length = WORKING_GROUP_SHAPE
        if body.level == Body.Level.NATIONAL:
            start = NATIONAL_GROUP_START
        s, e = _at(_nth_weekday(year, 1, weekday, n), start, length)
        slots.append(
            {
                "kind": Meeting.Kind.START_UP,
                "starts_at": s,
                "ends_at": e,
                "plan_slot": f"{year}:start_up",
            }
        )
        # One before each Partnermøte, a week ahead (R5).
        partner_meetings = (
            Meeting.objects.filter(
                body__kind=Body.Kind.PARTNERS, kind=Meeting.Kind.ORDINARY, starts_at__year=year
            )
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("starts_at")
        )
        for pm in partner_meetings:
            day = pm.local_date - dt.timedelta(days=7)
            if day.year != year:
                continue
            s, e = _at(day, start, length)
            slots.append(
                {
                    "kind": Meeting.Kind.BEFORE_PARTNER_MEETING,
                    "starts_at": s,
                    "ends_at": e,
                    "plan_slot": f"{year}:before_partner_meeting:{pm.uid}",
                }
            )
        s, e = _at(_nth_weekday(year, 12, weekday, n), start, length)
        slots.append(
            {
                "kind": Meeting.Kind.REPORTING,
                "starts_at": s,
                "ends_at": e,
                "plan_slot": f"{year}:reporting",
            }
        )
        for slot in slots:
            slot["suggested"] = True
        return slots

    count = body.required_meetings_per_year or DEFAULT_MEETINGS_PER_YEAR.get(body.kind, 0)
    kind = (
        Meeting.Kind.GROUP_LEADERS
        if body.kind == Body.Kind.GROUP_LEADERS
        else Meeting.Kind.ORDINARY
    )
    weekday, n, start, length = SLOT_SHAPE.get(body.kind, DEFAULT_SHAPE)
    for i, month in enumerate(_months(count) if count else (), start=1):
        s, e = _at(_nth_weekday(year, month, weekday, n), start, length)
        slots.append(
            {"kind": kind, "starts_at": s, "ends_at": e, "plan_slot": f"{year}:{kind}:{i}"}
        )
    if body.kind == Body.Kind.PARTNERS:
        weekday, n, start, length = FAGLIG_FORUM_SHAPE
        for i, month in enumerate(FAGLIG_FORUM_MONTHS, start=1):
            s, e = _at(_nth_weekday(year, month, weekday, n), start, length)
            slots.append(
                {
                    "kind": Meeting.Kind.FAGLIG_FORUM,
                    "starts_at": s,
                    "ends_at": e,
                    "plan_slot": f"{year}:faglig_forum:{i}",
                }
            )
    return slots


@transaction.atomic
def generate_year(*, year: int, body: Body, created_by: Person | None = None) -> list[Meeting]:
    """Create the year's required meetings for a body; returns those created.

    Ledermøte 2 (R1), Partnermøte 4 plus Faglig forum 2 (R2, R9), other bodies their
    ``required_meetings_per_year``. Working groups get suggested meetings (R5): start-up in
    January, one a week before each Partnermøte (generate the Partnermøte first), reporting in
    December, for their leaders to confirm or move. Running it again creates nothing twice:
    each meeting fills a named slot, even after it has been moved or cancelled.
    """
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Oppgi et gyldig år.")})
    body = Body.objects.select_for_update().get(pk=body.pk)  # one generation per body at a time
    slots = _year_slots(year=year, body=body)
    taken = set(
        Meeting.objects.filter(
            body=body, plan_slot__in=[s["plan_slot"] for s in slots]
        ).values_list("plan_slot", flat=True)
    )
    return [
        meeting_create(body=body, created_by=created_by, **slot)
        for slot in sorted(slots, key=lambda s: s["starts_at"])
        if slot["plan_slot"] not in taken
    ]


def bulk_generate_year(
    *, year: int, bodies: Iterable[Body], created_by: Person | None = None
) -> list[Meeting]:
    """Generate a year for several bodies, Partnermøte first (working groups plan around it)."""
    ordered = sorted(
        bodies,
        key=lambda b: (b.kind != Body.Kind.PARTNERS, b.kind == Body.Kind.WORKING_GROUP, b.pk),
    )
    created: list[Meeting] = []
    for body in ordered:
        created += generate_year(year=year, body=body, created_by=created_by)
    return created


# --- Attachments to agenda items --------------------------------------------------------------
logger = logging.getLogger(__name__)


def attachment_add(
    *,
    item: AgendaItem,
    file,
    uploaded_by: Person | None = None,
    exempt: bool = False,
    legal_basis: str = "",
) -> AgendaAttachment:
    """Attach ``file`` (an UploadedFile) to an agenda item.

    Refused, with nothing saved: no file, a file over ``ATTACHMENT_MAX_BYTES``, a type outside
    the allow-list (judged by content), an exempt file without legal basis, an item of a
    cancelled meeting or of a meeting whose minutes are approved. The file is written by the
    storage when the row is saved, in the same transaction; if the transaction fails the
    stored file is deleted again.
    """
    upload = uploads.check_upload(file)
    legal_basis = (legal_basis or "").strip()
    if exempt and not legal_basis:
        raise ValidationError(
            {
                "legal_basis": _(
                    "Oppgi hjemmel for å unnta vedlegget fra offentlighet, "
                    "for eksempel «offl. § 14»."
                )
            }
        )
    attachment = AgendaAttachment(
        agenda_item=item,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=acting_person(uploaded_by),
        exempt=exempt,
        legal_basis=legal_basis,
    )
    storage = AgendaAttachment._meta.get_field("file").storage
    stored: list[str] = []
    try:
        with transaction.atomic():
            meeting = _lock_meeting(item.meeting)
            _refuse_if_closed(meeting)
            if not AgendaItem.objects.filter(pk=item.pk, meeting=meeting).exists():
                raise ValidationError(_("Saken finnes ikke lenger."))
            attachment.full_clean(exclude=["file"])
            attachment.file.save(upload.original_name, file, save=False)
            stored.append(attachment.file.name)
            attachment.save()
    except BaseException:
        for name in stored:
            uploads.delete_stored(storage, name)
        raise
    return attachment


def attachment_remove(*, attachment: AgendaAttachment, by: Person | None = None) -> None:
    """Remove an attachment; the stored file is deleted once the removal is committed."""
    with transaction.atomic():
        meeting = _lock_meeting(attachment.agenda_item.meeting)
        _refuse_if_closed(meeting)
        name = attachment.file.name
        storage = attachment.file.storage
        AgendaAttachment.objects.filter(pk=attachment.pk).delete()
        transaction.on_commit(lambda: uploads.delete_stored(storage, name))
