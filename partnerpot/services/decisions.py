"""The Partnermøte's decision on each application: grants, refusals, and the decision letters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import override

from meetings import services as meeting_services
from partnership import formats
from partnership.models import Body, Person

from .. import notifications
from ..models import (
    ZERO,
    Application,
    Call,
    Grant,
)
from ._common import DEFAULT_REPORT_MONTHS_AFTER_END, STORED_LANGUAGE, Status, _money, move_to
from .applications import _lock_application, _touch
from .calls import _lock_call, granted_total


# --- Decision ---------------------------------------------------------------------------------
class Outcome:
    GRANTED = Status.GRANTED
    PARTLY_GRANTED = Status.PARTLY_GRANTED
    REJECTED = Status.REJECTED
    ALL = (GRANTED, PARTLY_GRANTED, REJECTED)


def _decision_text(application: Application) -> str:
    values = {
        "ref": application.reference,
        "applicant": application.applicant.name,
        "title": application.title,
        "amount": formats.money(application.granted_amount),
        "requested": formats.money(application.requested_amount),
    }
    with override(STORED_LANGUAGE):
        if application.status == Status.REJECTED:
            text = (
                _(
                    "Partnermøtet avslår søknad %(ref)s fra %(applicant)s om tilskudd til «%(title)s»."
                )
                % values
            )
        elif application.status == Status.PARTLY_GRANTED:
            text = (
                _(
                    "Partnermøtet innvilger delvis søknad %(ref)s fra %(applicant)s om tilskudd til "
                    "«%(title)s» med %(amount)s (omsøkt %(requested)s)."
                )
                % values
            )
        else:
            text = (
                _(
                    "Partnermøtet innvilger søknad %(ref)s fra %(applicant)s om tilskudd til «%(title)s» "
                    "med %(amount)s."
                )
                % values
            )
        if application.conditions:
            text += "\n" + _("Vilkår: %(conditions)s") % {"conditions": application.conditions}
        text += "\n" + _("Begrunnelse: %(reason)s") % {"reason": application.decision_reason}
    return text


def report_due_date(application: Application, decided_on: dt.date) -> dt.date:
    """Three months after the project ends; without an end date, a year after the decision."""
    if application.ends_on:
        due = _months_later(application.ends_on, DEFAULT_REPORT_MONTHS_AFTER_END)
        return max(due, decided_on + dt.timedelta(days=30))
    return _months_later(decided_on, 12)


def _months_later(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's 28th when that day does not exist."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return dt.date(year, month, 28)


@transaction.atomic
def application_decide(
    *,
    application: Application,
    outcome: str,
    amount=None,
    conditions: str = "",
    reason: str = "",
    by: Person | None = None,
) -> Application:
    """Record the Partnermøte's decision on an application in the register.

    The call row is locked first, so two decisions saved at the same moment are taken one
    after the other and the second sees the first's money: the total granted never exceeds
    the envelope. "Granted" gives the amount applied for; "partly granted" less; "rejected"
    nothing. A granted application gets a ``Grant``; the decision letter is written in the
    applicant's language and sent.
    """
    call = _lock_call(application.call)
    application = _lock_application(application)
    if application.status != Status.ON_AGENDA or application.agenda_item_id is None:
        if application.is_decided:
            raise ValidationError(_("Søknaden er allerede vedtatt."))
        raise ValidationError(
            _("Søknaden må stå på sakslisten til partnermøtet før den kan vedtas.")
        )
    meeting = call.deciding_meeting
    if meeting is None or meeting.body.kind != Body.Kind.PARTNERS:
        raise ValidationError(_("Bare partnermøtet kan vedta tilskudd fra Partnerpotten."))
    errors: dict[str, str] = {}
    if outcome not in Outcome.ALL:
        raise ValidationError({"outcome": _("Velg et utfall.")})
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Begrunn vedtaket.")
    requested = application.requested_amount
    granted = ZERO
    if outcome == Outcome.GRANTED:
        granted = requested
    elif outcome == Outcome.PARTLY_GRANTED:
        try:
            granted = _money(amount, "amount")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
            granted = None
        if granted is None:
            errors.setdefault("amount", _("Oppgi beløpet som innvilges."))
        elif granted <= 0:
            errors["amount"] = _("Beløpet må være større enn null. Velg «avslått» for å gi null.")
        elif granted >= requested:
            errors["amount"] = _(
                "Delvis innvilgelse må være lavere enn omsøkt beløp (%(requested)s)."
            ) % {"requested": formats.money(requested)}
    if granted and not errors:
        already = granted_total(call)
        remaining = call.envelope - already
        if granted > remaining:
            errors["amount"] = _(
                "Beløpet går over rammen. Det er %(remaining)s igjen av rammen på %(envelope)s."
            ) % {"remaining": formats.money(remaining), "envelope": formats.money(call.envelope)}
    if errors:
        raise ValidationError(errors)
    move_to(application, outcome)
    application.granted_amount = granted
    application.conditions = (conditions or "").strip() if outcome != Outcome.REJECTED else ""
    application.decision_reason = reason
    item = application.agenda_item
    decision = meeting_services.decision_record(
        meeting=meeting,
        agenda_item=item,
        title=item.title,
        text=_decision_text(application),
        concerns=application,
        recorded_by=by,
    )
    application.decision = decision
    _touch(application, by)
    application.full_clean(exclude=["created_by", "updated_by", "submitted_by", "withdrawn_by"])
    application.save()
    if application.is_granted:
        Grant.objects.create(
            application=application,
            amount=granted,
            report_due_on=report_due_date(application, decision.decided_on),
        )
    notifications.application_decided(application=application)
    return application


def envelope_status(call: Call) -> dict[str, Decimal]:
    """Envelope, granted so far, remaining, and applied for (submitted and not withdrawn)."""
    sums = call.applications.aggregate(
        granted=Sum("granted_amount", filter=Q(status__in=Application.GRANTING)),
        applied=Sum("requested_amount", filter=~Q(status__in=(Status.DRAFT, Status.WITHDRAWN))),
    )
    granted = sums["granted"] or ZERO
    return {
        "envelope": call.envelope,
        "granted": granted,
        "remaining": call.envelope - granted,
        "applied": sums["applied"] or ZERO,
    }
