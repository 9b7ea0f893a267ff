"""Study visits (R9): applied for, approved by the Partnermøte, reported."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from meetings import services as meeting_services
from meetings.models import AgendaItem, Meeting
from partnership import formats
from partnership.actors import acting_person
from partnership.locking import ConflictError
from partnership.models import Body, Partner, Person

from .. import notifications
from ..models import (
    StudyVisit,
)
from ._common import STORED_LANGUAGE, _money, _now

# --- Study visits (R9) --------------------------------------------------------------------------
VISIT_FIELDS = (
    "title",
    "destination",
    "purpose",
    "participants",
    "starts_on",
    "ends_on",
    "budget",
    "on_request",
)


def _clean_visit(visit: StudyVisit, values: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}
    for name, value in values.items():
        if name not in VISIT_FIELDS:
            raise TypeError(f"unknown field {name!r}")
        if name == "budget":
            try:
                value = _money(value, "budget")
            except ValidationError as exc:
                errors.update({k: v[0] for k, v in exc.message_dict.items()})
                continue
            if value is None:
                errors["budget"] = _("Oppgi et budsjett.")
                continue
            if value < 0:
                errors["budget"] = _("Budsjettet kan ikke være negativt.")
                continue
        elif isinstance(value, str):
            value = value.strip()
        elif name in ("starts_on", "ends_on"):
            value = value or None
        setattr(visit, name, value)
    if errors:
        raise ValidationError(errors)
    visit.full_clean(exclude=["created_by", "partners"])


@transaction.atomic
def study_visit_create(
    *, partners: Sequence[Partner], by: Person | None = None, **values
) -> StudyVisit:
    if not partners:
        raise ValidationError({"partners": _("Velg minst én partner som foreslår besøket.")})
    visit = StudyVisit(created_by=acting_person(by))
    _clean_visit(visit, values)
    visit.save()
    visit.partners.set(partners)
    return visit


def _lock_visit(visit: StudyVisit) -> StudyVisit:
    return StudyVisit.objects.select_for_update().get(pk=visit.pk)


@transaction.atomic
def study_visit_update(
    *,
    visit: StudyVisit,
    by: Person | None = None,
    version: int | None = None,
    partners: Sequence[Partner] | None = None,
    **values,
) -> StudyVisit:
    visit = _lock_visit(visit)
    if visit.status not in (StudyVisit.Status.DRAFT, StudyVisit.Status.SUBMITTED):
        raise ValidationError(_("Forslaget kan ikke endres etter at det er satt på sakslisten."))
    if version is not None and int(version) != visit.version:
        raise ConflictError(current_version=visit.version, updated_by=None, updated_at=None)
    _clean_visit(visit, values)
    visit.version += 1
    visit.save()
    if partners is not None:
        if not partners:
            raise ValidationError({"partners": _("Velg minst én partner som foreslår besøket.")})
        visit.partners.set(partners)
    return visit


@transaction.atomic
def study_visit_submit(*, visit: StudyVisit, by: Person | None = None) -> StudyVisit:
    visit = _lock_visit(visit)
    if visit.status != StudyVisit.Status.DRAFT:
        raise ValidationError(_("Forslaget er allerede sendt."))
    visit.status = StudyVisit.Status.SUBMITTED
    visit.submitted_at = _now()
    visit.save()
    notifications.study_visit_submitted(visit=visit)
    return visit


@transaction.atomic
def study_visit_withdraw(*, visit: StudyVisit, by: Person | None = None) -> StudyVisit:
    visit = _lock_visit(visit)
    if visit.status not in (
        StudyVisit.Status.DRAFT,
        StudyVisit.Status.SUBMITTED,
        StudyVisit.Status.ON_AGENDA,
    ):
        raise ValidationError(_("Forslaget kan ikke trekkes etter at det er vedtatt."))
    visit.status = StudyVisit.Status.WITHDRAWN
    visit.save()
    return visit


@transaction.atomic
def study_visit_put_on_agenda(
    *, visit: StudyVisit, meeting: Meeting, by: Person | None = None
) -> AgendaItem:
    visit = _lock_visit(visit)
    if visit.status != StudyVisit.Status.SUBMITTED:
        raise ValidationError(_("Bare foreslåtte studiebesøk kan settes på sakslisten."))
    if meeting.body.kind != Body.Kind.PARTNERS:
        raise ValidationError({"meeting": _("Bare partnermøtet kan vedta studiebesøk.")})
    with override(STORED_LANGUAGE):
        title = _("Studiebesøk: %(title)s") % {"title": visit.title}
        background = "\n".join(
            [
                _("Reisemål: %(destination)s") % {"destination": visit.destination},
                _("Budsjett: %(budget)s") % {"budget": formats.money(visit.budget)},
                _("Foreslått av: %(partners)s")
                % {"partners": ", ".join(p.short_name for p in visit.partners.all())},
                "",
                visit.purpose,
            ]
        )
    item = meeting_services.agenda_item_create(
        meeting=meeting,
        title=title[:300],
        kind=AgendaItem.Kind.DECISION,
        background=background,
        created_by=by,
    )
    visit.deciding_meeting = meeting
    visit.agenda_item = item
    visit.status = StudyVisit.Status.ON_AGENDA
    visit.save()
    return item


@transaction.atomic
def study_visit_decide(
    *,
    visit: StudyVisit,
    approved: bool,
    reason: str,
    amount=None,
    by: Person | None = None,
) -> StudyVisit:
    visit = _lock_visit(visit)
    if visit.status != StudyVisit.Status.ON_AGENDA or visit.agenda_item_id is None:
        raise ValidationError(
            _("Studiebesøket må stå på sakslisten til partnermøtet før det kan vedtas.")
        )
    meeting = visit.deciding_meeting
    if meeting.body.kind != Body.Kind.PARTNERS:
        raise ValidationError(_("Bare partnermøtet kan vedta studiebesøk."))
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Begrunn vedtaket.")
    value = None
    if approved:
        try:
            value = _money(amount, "amount")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
        if value is None and "amount" not in errors:
            value = visit.budget
        elif value is not None and value < 0:
            errors["amount"] = _("Beløpet kan ikke være negativt.")
    if errors:
        raise ValidationError(errors)
    with override(STORED_LANGUAGE):
        if approved:
            text = _(
                "Partnermøtet vedtar studiebesøket «%(title)s» til %(destination)s med en ramme på %(amount)s."
            ) % {
                "title": visit.title,
                "destination": visit.destination,
                "amount": formats.money(value),
            }
        else:
            text = _("Partnermøtet avslår forslaget om studiebesøket «%(title)s».") % {
                "title": visit.title
            }
        text += "\n" + _("Begrunnelse: %(reason)s") % {"reason": reason}
    decision = meeting_services.decision_record(
        meeting=meeting,
        agenda_item=visit.agenda_item,
        text=text,
        concerns=visit,
        recorded_by=by,
    )
    visit.decision = decision
    visit.status = StudyVisit.Status.APPROVED if approved else StudyVisit.Status.REJECTED
    visit.approved_amount = value if approved else None
    visit.decision_reason = reason
    visit.save()
    notifications.study_visit_decided(visit=visit)
    return visit


@transaction.atomic
def study_visit_report(*, visit: StudyVisit, report: str, by: Person | None = None) -> StudyVisit:
    visit = _lock_visit(visit)
    if visit.status not in (StudyVisit.Status.APPROVED, StudyVisit.Status.REPORTED):
        raise ValidationError(_("Bare vedtatte studiebesøk kan rapporteres."))
    if not (report or "").strip():
        raise ValidationError({"report": _("Skriv en kort rapport fra besøket.")})
    visit.report = report.strip()
    visit.status = StudyVisit.Status.REPORTED
    visit.reported_at = _now()
    visit.save()
    return visit
