"""Grants and their final reports, repayments and closing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership import formats
from partnership.actors import acting_person
from partnership.locking import ConflictError
from partnership.models import Person

from .. import notifications
from ..models import (
    ZERO,
    Application,
    Grant,
    GrantReport,
    GrantReportLine,
)
from ._common import _money, _now


# --- Grants and final reports -------------------------------------------------------------------
def _lock_grant(grant: Grant) -> Grant:
    return (
        Grant.objects.select_for_update(of=("self",))
        .select_related("application__call")
        .get(pk=grant.pk)
    )


def _lock_report(application: Application) -> GrantReport:
    grant = _lock_grant(application.grant)
    report, _created = GrantReport.objects.select_for_update().get_or_create(grant=grant)
    return report


@transaction.atomic
def grant_pay_out(
    *, grant: Grant, paid_out_on: dt.date | None = None, by: Person | None = None
) -> Grant:
    grant = _lock_grant(grant)
    if not grant.can_move_to(Grant.Status.PAID_OUT) or grant.status == Grant.Status.REPORT_DUE:
        raise ValidationError(_("Tilskuddet kan ikke registreres som utbetalt nå."))
    paid_out_on = paid_out_on or timezone.localdate()
    if paid_out_on > timezone.localdate():
        raise ValidationError({"paid_out_on": _("Utbetalingsdatoen kan ikke være frem i tid.")})
    grant.status = Grant.Status.PAID_OUT
    grant.paid_out_on = paid_out_on
    grant.updated_at = _now()
    grant.save()
    return grant


@transaction.atomic
def grant_cancel(*, grant: Grant, note: str, by: Person | None = None) -> Grant:
    grant = _lock_grant(grant)
    if not grant.can_move_to(Grant.Status.CANCELLED):
        raise ValidationError(_("Tilskuddet kan ikke annulleres nå."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Begrunn hvorfor tilskuddet annulleres.")})
    if grant.status == Grant.Status.PAID_OUT:
        # Paid money that is cancelled must come back.
        grant.status = Grant.Status.TO_BE_REPAID
        grant.repayment_amount = grant.amount
    else:
        grant.status = Grant.Status.CANCELLED
    grant.note = note.strip()
    grant.updated_at = _now()
    grant.save()
    return grant


@transaction.atomic
def grant_record_repayment(
    *,
    grant: Grant,
    repaid_on: dt.date,
    amount: Decimal,
    note: str = "",
    by: Person | None = None,
) -> Grant:
    """Record the money that came back (date and amount) and close the grant. Less than what
    was due needs a note saying why (a waiver by the Partnermøte, say); more is refused."""
    grant = _lock_grant(grant)
    if grant.status != Grant.Status.TO_BE_REPAID:
        raise ValidationError(_("Tilskuddet har ikke noe som skal betales tilbake."))
    errors: dict[str, str] = {}
    if repaid_on > timezone.localdate():
        errors["repaid_on"] = _("Datoen kan ikke være frem i tid.")
    elif grant.paid_out_on and repaid_on < grant.paid_out_on:
        errors["repaid_on"] = _("Datoen kan ikke være før tilskuddet ble utbetalt (%(date)s).") % {
            "date": formats.date(grant.paid_out_on)
        }
    if amount <= 0:
        errors["amount"] = _("Beløpet må være større enn null.")
    elif amount > grant.repayment_amount:
        errors["amount"] = _("Beløpet er mer enn det som skal betales tilbake (%(due)s).") % {
            "due": formats.money(grant.repayment_amount)
        }
    elif amount < grant.repayment_amount and not (note or "").strip():
        errors["note"] = _(
            "Det er betalt tilbake mindre enn %(due)s. Forklar hvorfor resten ikke skal betales."
        ) % {"due": formats.money(grant.repayment_amount)}
    if errors:
        raise ValidationError(errors)
    grant.repaid_on = repaid_on
    grant.repaid_amount = amount
    if (note or "").strip():
        grant.note = "\n\n".join(part for part in (grant.note, note.strip()) if part)
    grant.status = Grant.Status.CLOSED
    grant.updated_at = _now()
    grant.save()
    return grant


@transaction.atomic
def grant_close(*, grant: Grant, by: Person | None = None) -> Grant:
    grant = _lock_grant(grant)
    if grant.status == Grant.Status.TO_BE_REPAID:
        raise ValidationError(
            _("Registrer tilbakebetalingen (dato og beløp); da avsluttes tilskuddet.")
        )
    if not grant.can_move_to(Grant.Status.CLOSED):
        raise ValidationError(_("Tilskuddet kan avsluttes når sluttrapporten er godkjent."))
    grant.status = Grant.Status.CLOSED
    grant.updated_at = _now()
    grant.save()
    return grant


REPORT_TEXT_FIELDS = ("what_was_done", "participation", "reach_count", "reach_description")


@transaction.atomic
def grant_report_save(
    *,
    grant: Grant,
    by: Person | None = None,
    version: int | None = None,
    lines: Mapping[int, tuple[Any, str]] | None = None,
    **values,
) -> GrantReport:
    """Save the final report as a draft. ``lines`` maps budget line ids to (spent, comment)."""
    unknown = set(values) - set(REPORT_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    report = _lock_report(grant.application)
    grant = report.grant
    if grant.status not in (Grant.Status.AWARDED, Grant.Status.PAID_OUT):
        raise ValidationError(_("Sluttrapporten kan ikke endres nå."))
    if not report.is_editable:
        raise ValidationError(_("Sluttrapporten er sendt inn og kan ikke endres."))
    if version is not None and int(version) != report.version:
        raise ConflictError(
            current_version=report.version,
            updated_by=report.updated_by,
            updated_at=report.updated_at,
        )
    errors: dict[str, str] = {}
    for name, value in values.items():
        if name == "reach_count":
            if value in (None, ""):
                value = None
            else:
                try:
                    value = int(value)
                    if value < 0:
                        raise ValueError
                except (TypeError, ValueError):
                    errors[name] = _("Skriv et helt tall, null eller mer.")
                    continue
        else:
            value = (value or "").strip()
        setattr(report, name, value)
    budget = {line.pk: line for line in grant.application.budget_lines.all()}
    parsed: dict[int, tuple[Decimal, str]] = {}
    for line_id, (spent, comment) in (lines or {}).items():
        line_id = int(line_id)
        if line_id not in budget:
            raise ValidationError(_("Ukjent budsjettlinje."))
        try:
            amount = _money(spent, f"spent_{line_id}")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
            continue
        if amount is not None and amount < 0:
            errors[f"spent_{line_id}"] = _("Brukt beløp kan ikke være negativt.")
            continue
        if amount is not None:
            parsed[line_id] = (amount, (comment or "").strip()[:300])
    if errors:
        raise ValidationError(errors)
    report.version += 1
    report.updated_by = acting_person(by)
    report.updated_at = _now()
    report.full_clean(exclude=["updated_by", "submitted_by", "approved_by"])
    report.save()
    for line_id, (amount, comment) in parsed.items():
        GrantReportLine.objects.update_or_create(
            report=report,
            budget_line=budget[line_id],
            defaults={"spent": amount, "comment": comment},
        )
    return report


def report_checklist(report: GrantReport) -> list[tuple[str, str]]:
    missing = []
    if not report.what_was_done.strip():
        missing.append(("what_was_done", _("Beskriv hva som ble gjort.")))
    if not report.participation.strip():
        missing.append(("participation", _("Beskriv hvordan barn og unge medvirket.")))
    if report.reach_count is None:
        missing.append(("reach_count", _("Oppgi omtrent hvor mange prosjektet nådde.")))
    budget_ids = set(report.grant.application.budget_lines.values_list("pk", flat=True))
    reported = set(report.lines.values_list("budget_line_id", flat=True))
    if budget_ids - reported:
        missing.append(("lines", _("Før opp hva som ble brukt på hver budsjettlinje.")))
    return missing


def spent_total(report: GrantReport, lines: Iterable[GrantReportLine] | None = None) -> Decimal:
    """What the report says was spent in all. ``lines``: the report's lines when already loaded
    (summed here instead of in the database)."""
    if lines is None:
        return report.lines.aggregate(s=Sum("spent"))["s"] or ZERO
    return sum((line.spent for line in lines), ZERO)


def unspent(report: GrantReport, *, spent: Decimal | None = None) -> Decimal:
    """Grant money not used: the grant minus what was spent beyond the own contribution.
    ``spent``: the report's ``spent_total`` when already known."""
    grant = report.grant
    own = grant.application.own_contribution or ZERO
    if spent is None:
        spent = spent_total(report)
    used_of_grant = max(spent - own, ZERO)
    return max(grant.amount - used_of_grant, ZERO)


@transaction.atomic
def grant_report_submit(*, grant: Grant, by: Person | None = None) -> GrantReport:
    report = _lock_report(grant.application)
    grant = report.grant
    if not report.is_editable:
        raise ValidationError(_("Sluttrapporten er allerede sendt inn."))
    if grant.status != Grant.Status.PAID_OUT:
        raise ValidationError(_("Sluttrapporten kan sendes inn når tilskuddet er utbetalt."))
    missing = report_checklist(report)
    if missing:
        raise ValidationError([_("Sluttrapporten er ikke komplett:")] + [m for _f, m in missing])
    report.status = GrantReport.Status.SUBMITTED
    report.submitted_at = _now()
    report.submitted_by = acting_person(by)
    report.feedback = ""
    report.save()
    grant.status = Grant.Status.REPORT_DUE
    grant.updated_at = _now()
    grant.save()
    notifications.report_submitted(report=report)
    return report


@transaction.atomic
def grant_report_request_more(
    *, grant: Grant, feedback: str, by: Person | None = None
) -> GrantReport:
    report = _lock_report(grant.application)
    grant = report.grant
    if report.status != GrantReport.Status.SUBMITTED:
        raise ValidationError(_("Sluttrapporten er ikke til behandling."))
    if not (feedback or "").strip():
        raise ValidationError({"feedback": _("Skriv hva som mangler i rapporten.")})
    report.status = GrantReport.Status.MORE_REQUESTED
    report.feedback = feedback.strip()
    report.save()
    grant.status = Grant.Status.PAID_OUT
    grant.updated_at = _now()
    grant.save()
    notifications.report_feedback(report=report, approved=False)
    return report


@transaction.atomic
def grant_report_approve(*, grant: Grant, by: Person | None = None) -> GrantReport:
    """Approve the final report; unspent grant money is flagged for repayment."""
    report = _lock_report(grant.application)
    grant = report.grant
    if report.status != GrantReport.Status.SUBMITTED:
        raise ValidationError(_("Sluttrapporten er ikke til behandling."))
    report.status = GrantReport.Status.APPROVED
    report.approved_at = _now()
    report.approved_by = acting_person(by)
    report.save()
    left = unspent(report)
    if left > 0:
        grant.status = Grant.Status.TO_BE_REPAID
        grant.repayment_amount = left
    else:
        grant.status = Grant.Status.REPORT_APPROVED
    grant.updated_at = _now()
    grant.save()
    notifications.report_feedback(report=report, approved=True)
    return report
