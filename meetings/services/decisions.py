"""The decision register: numbered decisions, what they concern, and the delegation reports (R3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partnership.actors import acting_person
from partnership.models import Person

from ..models import (
    AgendaCounter,
    AgendaItem,
    Decision,
    Meeting,
)
from ._common import STORED_LANGUAGE, _lock_meeting, _next_number, _save
from .agenda import agenda_item_create


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
