"""Meetings and their life: settings, create, update, move, confirm, notice, held, cancel."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership import formats as portal_formats
from partnership.actors import acting_person
from partnership.models import Body, Person

from ..models import (
    OSLO,
    AgendaItem,
    Meeting,
    MeetingSettings,
)
from ._common import _lock_meeting, _require_aware, _save
from .decisions import _attach_pending_reports, _requeue_reports

# A notice recorded after the fact is dated at noon on the day it went out.
NOTICE_NOON = dt.time(12, 0)

# --- Changes after the notice (issue 11 §3) ---------------------------------------------------
# Sent once the change is committed, when a meeting whose notice went out is changed in a way a
# calendar shows (``CHANGED``) or cancelled (``CANCELLED``). Arguments: ``meeting_id``,
# ``sequence`` (the meeting's iCal SEQUENCE after the change: one e-mail per person per change)
# and ``change``. ``meetings.notifications`` listens and queues the e-mails to everyone who got
# the notice; the services cannot import it (it imports them).
meeting_changed = Signal()
CHANGED = "changed"
CANCELLED = "cancelled"


def _announce(meeting: Meeting, change: str, **extra) -> None:
    """``extra``: ``previous_starts_at`` and ``previous_ends_at`` (ISO 8601) when a meeting
    was moved, so the e-mail can say when it was before."""
    transaction.on_commit(
        partial(
            meeting_changed.send,
            sender=Meeting,
            meeting_id=meeting.pk,
            sequence=meeting.sequence,
            change=change,
            **extra,
        )
    )


def _noticed(meeting: Meeting) -> bool:
    """The portal sent the notice and the meeting has not been held: its invitees must hear
    of a change."""
    return meeting.status == Meeting.Status.NOTICE_SENT and meeting.notice_sent_at is not None


def _refuse_past(starts_at: dt.datetime) -> None:
    if starts_at <= timezone.now():
        raise ValidationError(
            {"starts_at": _("Et møte kan ikke flyttes til et tidspunkt som har vært.")}
        )


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
    previous = {
        "previous_starts_at": meeting.starts_at.isoformat(),
        "previous_ends_at": meeting.ends_at.isoformat(),
    }
    for name in changed:
        setattr(meeting, name, fields[name])
    if not changed:
        return meeting
    if "starts_at" in changed and _noticed(meeting):
        _refuse_past(meeting.starts_at)
    _validate_meeting(meeting)
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    _save(meeting, by=by)
    if _noticed(meeting):
        moved = {"starts_at", "ends_at"} & set(changed)
        _announce(meeting, CHANGED, **(previous if moved else {}))
    return meeting


@transaction.atomic
def meeting_move(
    *, meeting: Meeting, starts_at: dt.datetime, ends_at: dt.datetime, by: Person | None = None
) -> Meeting:
    """Give a (suggested) meeting another time; a moved suggestion counts as confirmed. Not
    into the past (a meeting held earlier is recorded, not moved)."""
    _refuse_past(starts_at)
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
    # A new notice (a cancelled meeting called again) holds the whole agenda: nothing on it is
    # a tilleggssak any more, and no supplement is owed for what it lists.
    meeting.agenda_items.filter(added_after_notice_at__isnull=False).update(
        added_after_notice_at=None
    )
    meeting.supplement_sent_at = None
    return _transition(meeting, Meeting.Status.NOTICE_SENT, by=by)


def supplement_items(meeting: Meeting) -> list[AgendaItem]:
    """The items added after the notice that no supplementary notice has announced yet."""
    qs = meeting.agenda_items.filter(added_after_notice_at__isnull=False)
    if meeting.supplement_sent_at is not None:
        qs = qs.filter(added_after_notice_at__gt=meeting.supplement_sent_at)
    return list(qs.select_related("body").order_by("position", "number"))


@transaction.atomic
def meeting_send_supplement(
    *, meeting: Meeting, by: Person | None = None
) -> tuple[Meeting, list[AgendaItem]]:
    """Record a supplementary notice (tilleggsinnkalling) of the items added since the notice
    or the last supplement (the e-mails go through the outbox: ``notifications``). Refused when
    the notice has not been sent, the meeting has begun, or nothing has been added."""
    meeting = _lock_meeting(meeting)
    if meeting.status != Meeting.Status.NOTICE_SENT:
        raise ValidationError(
            _("Tilleggsinnkalling kan bare sendes for et møte som er innkalt og ikke holdt.")
        )
    now = timezone.now()
    if meeting.starts_at <= now:
        raise ValidationError(
            _("Møtet begynte %(when)s. Det er for sent å sende tilleggsinnkalling.")
            % {"when": portal_formats.datetime(meeting.starts_at)}
        )
    items = supplement_items(meeting)
    if not items:
        raise ValidationError(
            _(
                "Ingen saker er lagt til siden innkallingen eller den forrige "
                "tilleggsinnkallingen, så det er ingen endringer å sende."
            )
        )
    meeting.supplement_sent_at = now
    meeting.supplements_sent += 1
    meeting.updated_at = now
    _save(meeting, by=by)
    return meeting, items


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, by: Person | None = None) -> Meeting:
    meeting = _lock_meeting(meeting)
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Møtet kan ikke registreres som avholdt før det har begynt."))
    return _transition(meeting, Meeting.Status.HELD, by=by)


@transaction.atomic
def meeting_record_held(
    *, meeting: Meeting, notice_sent_on: dt.date | None = None, by: Person | None = None
) -> Meeting:
    """Record a meeting that was held although the portal did not call it: the notice went out
    by e-mail on ``notice_sent_on`` (a meeting from before the portal, or one entered after
    it was held). Then attendance, minutes and decisions follow as for any held meeting.
    A meeting whose notice the portal sent is simply marked held."""
    meeting = _lock_meeting(meeting)
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Møtet kan ikke registreres som avholdt før det har begynt."))
    if meeting.status == Meeting.Status.PLANNED:
        if notice_sent_on is None:
            raise ValidationError({"notice_sent_on": _("Oppgi datoen innkallingen ble sendt.")})
        if notice_sent_on > meeting.local_date:
            raise ValidationError(
                {"notice_sent_on": _("Innkallingen kan ikke være sendt etter møtedagen.")}
            )
        meeting.notice_sent_at = dt.datetime.combine(notice_sent_on, NOTICE_NOON, tzinfo=OSLO)
        meeting.notice_sent_outside = True
        meeting = _transition(meeting, Meeting.Status.NOTICE_SENT, by=by)
    if meeting.status != Meeting.Status.NOTICE_SENT:
        raise ValidationError(
            _("Møtet har status «%(status)s» og kan ikke registreres som avholdt.")
            % {"status": meeting.get_status_display()}
        )
    return _transition(meeting, Meeting.Status.HELD, by=by)


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str = "", by: Person | None = None) -> Meeting:
    """Cancel a meeting that has not been held. Reports of delegated decisions on its agenda
    go to the body's next meeting (or wait for it) so none is lost."""
    meeting = _lock_meeting(meeting)
    if meeting.is_cancelled:
        raise ValidationError(_("Møtet er allerede avlyst."))
    noticed = _noticed(meeting)
    meeting.cancellation_reason = reason.strip()
    meeting = _transition(meeting, Meeting.Status.CANCELLED, by=by)
    _requeue_reports(meeting)
    if noticed:
        _announce(meeting, CANCELLED)
    return meeting


@transaction.atomic
def meeting_reinstate(*, meeting: Meeting, by: Person | None = None) -> Meeting:
    """Undo a cancellation of a meeting that has not yet begun."""
    meeting = _lock_meeting(meeting)
    if meeting.starts_at <= timezone.now():
        raise ValidationError(_("Møtet har allerede begynt og kan ikke gjenopptas."))
    meeting.cancellation_reason = ""
    return _transition(meeting, Meeting.Status.PLANNED, by=by)
