"""Calls for applications (utlysninger) and their assessment criteria."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership import budget_selectors, formats
from partnership.actors import acting_person
from partnership.budget_models import BudgetLine
from partnership.models import Body, Person

from .. import notifications
from ..criteria import (
    criteria_from_text,
    criteria_in_force,
)
from ..models import (
    CRITERIA_DOCUMENT_KEY,
    ZERO,
    Application,
    Call,
    Criterion,
)
from ._common import _now

# --- Calls --------------------------------------------------------------------------------------
CALL_FIELDS = (
    "year",
    "title",
    "description",
    "opens_at",
    "closes_at",
    "envelope",
    "max_per_application",
    "deciding_meeting",
    "criteria_version",
    "appeal_text",
)
# Once published, applicants rely on the rest; the deadline may only be extended.
PUBLISHED_CALL_FIELDS = (
    "title",
    "description",
    "closes_at",
    "deciding_meeting",
    "envelope",
    "appeal_text",
)


def _validate_call(call: Call, *, publishing: bool = False) -> None:
    errors: dict[str, str] = {}
    for name in ("opens_at", "closes_at"):
        value = getattr(call, name)
        if value is not None and timezone.is_naive(value):
            raise ValueError(f"{name} must be aware")
    meeting = call.deciding_meeting
    if meeting is not None:
        if meeting.body.kind != Body.Kind.PARTNERS:
            # R2: only the Partnermøte decides Partnerpott grants.
            errors["deciding_meeting"] = _(
                "Bare partnermøtet kan vedta tilskudd fra Partnerpotten."
            )
        elif call.closes_at and meeting.starts_at <= call.closes_at:
            errors["deciding_meeting"] = _("Partnermøtet som vedtar, må være etter søknadsfristen.")
        elif meeting.is_cancelled:
            errors["deciding_meeting"] = _("Møtet er avlyst.")
    if call.criteria_version_id is not None:
        version = call.criteria_version
        if version.document.key != CRITERIA_DOCUMENT_KEY:
            errors["criteria_version"] = _("Velg en versjon av «Kriterier for Partnerpotten».")
        elif publishing and not version.is_adopted:
            errors["criteria_version"] = _(
                "Kriteriene må være vedtatt av partnermøtet før utlysningen publiseres."
            )
    envelope_error = _over_the_budget(call)
    if envelope_error:
        errors["envelope"] = envelope_error
    if publishing:
        if call.criteria_version_id is None:
            errors.setdefault(
                "criteria_version",
                _(
                    "Utlysningen må vise til kriteriene som gjelder. Partnermøtet må vedta dem først."
                ),
            )
        if meeting is None:
            errors.setdefault("deciding_meeting", _("Velg partnermøtet som skal vedta søknadene."))
        if call.closes_at and call.closes_at <= _now():
            errors["closes_at"] = _("Søknadsfristen har passert.")
        if call.pk and not call.criteria.exists():
            errors["__all__"] = _("Utlysningen har ingen kriterier å vurdere søknadene etter.")
    if errors:
        raise ValidationError(errors)
    call.full_clean(exclude=["created_by"])


def _over_the_budget(call: Call) -> str:
    """The calls of a year together stay within the Partnerpott line of that year's adopted
    budget (issue 13 §1), when there is one. The line's row is locked, so two calls saved at
    once are checked one after the other. An empty string when the envelope fits."""
    if call.envelope is None or not call.year:
        return ""
    line = budget_selectors.allocation_line(call.year, BudgetLine.Kind.PARTNERPOT)
    if line is None:
        return ""
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    others = Call.objects.filter(year=call.year).exclude(pk=call.pk).exclude(
        status=Call.Status.CANCELLED
    ).aggregate(total=Sum("envelope"))["total"] or Decimal("0")
    if others + call.envelope <= line.amount:
        return ""
    return _(
        "Rammen går over Partnerpotten i budsjettet for %(year)s (%(line)s). Andre "
        "utlysninger dette året har %(others)s, så det er %(left)s igjen."
    ) % {
        "year": call.year,
        "line": formats.money(line.amount),
        "others": formats.money(others),
        "left": formats.money(max(line.amount - others, Decimal("0"))),
    }


def _copy_criteria(call: Call) -> None:
    if call.criteria_version_id is None or call.criteria.exists():
        return
    texts = criteria_from_text(call.criteria_version.text)
    Criterion.objects.bulk_create(
        [Criterion(call=call, position=n, text=text) for n, text in enumerate(texts, start=1)]
    )


@transaction.atomic
def call_create(*, created_by: Person | None = None, **fields) -> Call:
    """A draft call. The criteria default to the version in force and are copied onto the
    call as the list the assessment scores."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if "criteria_version" not in fields:
        fields["criteria_version"] = criteria_in_force()
    call = Call(created_by=acting_person(created_by), **fields)
    _validate_call(call)
    call.save()
    _copy_criteria(call)
    return call


def _lock_call(call: Call) -> Call:
    return (
        Call.objects.select_for_update(of=("self",))
        .select_related("deciding_meeting__body")
        .get(pk=call.pk)
    )


@transaction.atomic
def call_update(*, call: Call, by: Person | None = None, **fields) -> Call:
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    call = _lock_call(call)
    if call.status == Call.Status.CANCELLED:
        raise ValidationError(_("Utlysningen er avlyst og kan ikke endres."))
    if call.is_published:
        locked = set(fields) - set(PUBLISHED_CALL_FIELDS)
        changed = {name for name in locked if getattr(call, name) != fields[name]}
        if changed:
            raise ValidationError(
                {
                    name: _("Kan ikke endres etter at utlysningen er publisert.")
                    for name in sorted(changed)
                }
            )
        if "closes_at" in fields and fields["closes_at"] < call.closes_at:
            raise ValidationError(
                {
                    "closes_at": _(
                        "Søknadsfristen kan bare forlenges etter at utlysningen er publisert."
                    )
                }
            )
        if "envelope" in fields:
            granted = granted_total(call)
            if fields["envelope"] is not None and fields["envelope"] < granted:
                raise ValidationError(
                    {
                        "envelope": _(
                            "Rammen kan ikke være lavere enn det som er innvilget: %(sum)s."
                        )
                        % {"sum": formats.money(granted)}
                    }
                )
    old_closes = call.closes_at
    old_version = call.criteria_version_id
    for name, value in fields.items():
        setattr(call, name, value)
    _validate_call(call, publishing=False)
    if call.closes_at != old_closes or "title" in fields:
        call.sequence += 1
    call.save()
    if call.criteria_version_id != old_version and not call.is_published:
        call.criteria.all().delete()
        _copy_criteria(call)
    if call.is_published and call.closes_at != old_closes:
        notifications.call_deadline_moved(call=call)
    return call


@transaction.atomic
def criterion_add(*, call: Call, text: str, by: Person | None = None) -> Criterion:
    call = _lock_call(call)
    _refuse_if_criteria_locked(call)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Skriv kriteriet.")})
    position = (
        call.criteria.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    criterion = Criterion(call=call, position=position, text=text)
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_update(*, criterion: Criterion, text: str, by: Person | None = None) -> Criterion:
    _refuse_if_criteria_locked(_lock_call(criterion.call))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Skriv kriteriet.")})
    criterion.text = text
    criterion.full_clean()
    criterion.save(update_fields=["text"])
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: Criterion, by: Person | None = None) -> None:
    _refuse_if_criteria_locked(_lock_call(criterion.call))
    criterion.delete()


def _refuse_if_criteria_locked(call: Call) -> None:
    if call.status != Call.Status.DRAFT:
        raise ValidationError(_("Kriteriene kan bare endres før utlysningen publiseres."))


@transaction.atomic
def call_publish(*, call: Call, by: Person | None = None) -> Call:
    """Publish a complete call: it shows in the partner calendar and partner representatives
    are told when it opens."""
    call = _lock_call(call)
    if call.status != Call.Status.DRAFT:
        raise ValidationError(_("Utlysningen er allerede publisert."))
    _validate_call(call, publishing=True)
    call.status = Call.Status.PUBLISHED
    call.published_at = _now()
    call.sequence += 1
    call.save()
    notifications.call_published(call=call)
    return call


@transaction.atomic
def call_cancel(*, call: Call, by: Person | None = None) -> Call:
    call = _lock_call(call)
    if call.applications.filter(status__in=Application.DECIDED).exists():
        raise ValidationError(_("Utlysningen har vedtatte søknader og kan ikke avlyses."))
    if call.status == Call.Status.CANCELLED:
        return call
    call.status = Call.Status.CANCELLED
    call.sequence += 1
    call.save()
    notifications.call_cancelled(call=call)
    return call


def granted_total(call: Call) -> Decimal:
    return (
        call.applications.filter(status__in=Application.GRANTING).aggregate(
            s=Sum("granted_amount")
        )["s"]
        or ZERO
    )
