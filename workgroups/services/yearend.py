"""The year-end: the working groups' reports (R5) and closing a budget year.

Closing a year locks its entries (no entry can be recorded, changed, booked or reversed in it
any more), and carries the groups' proposed base allocations from their approved reports into
next year's draft budget (made if there is none). What was left unspent per line is shown by
``workgroups.actuals`` on the year's pages.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership import budget_services
from partnership.actors import acting_person
from partnership.locking import ConflictError
from partnership.models import Body, BudgetLine, BudgetVersion, BudgetYear, Person

from ..models import AccountEntry, YearEndReport

Status = YearEndReport.Status


def _lock(report: YearEndReport, *, expected_lock_version: int | None = None) -> YearEndReport:
    locked = (
        YearEndReport.objects.select_for_update(of=("self",))
        .select_related("budget_year", "working_group", "updated_by")
        .get(pk=report.pk)
    )
    if expected_lock_version is not None and locked.lock_version != expected_lock_version:
        raise ConflictError(
            current_version=locked.lock_version,
            updated_by=locked.updated_by,
            updated_at=locked.updated_at,
        )
    return locked


def _touch(report: YearEndReport, by: Person | None, *fields: str) -> None:
    report.lock_version += 1
    report.updated_by = acting_person(by)
    report.updated_at = timezone.now()
    report.save(update_fields=["lock_version", "updated_by", "updated_at", *fields])


def report_for(*, working_group: Body, budget_year: BudgetYear) -> YearEndReport:
    """The group's report for the year, started as an empty draft the first time."""
    report, _created = YearEndReport.objects.get_or_create(
        working_group=working_group, budget_year=budget_year
    )
    return report


@transaction.atomic
def report_save(
    *,
    report: YearEndReport,
    expected_lock_version: int,
    activities: str,
    deviations: str,
    proposals: str,
    proposed_allocation: Decimal | None,
    by: Person | None = None,
) -> YearEndReport:
    if isinstance(proposed_allocation, float):
        raise TypeError("amounts are Decimal")
    report = _lock(report, expected_lock_version=expected_lock_version)
    if report.status != Status.DRAFT:
        raise ValidationError(_("Rapporten er sendt inn og kan ikke endres."))
    report.activities = (activities or "").strip()
    report.deviations = (deviations or "").strip()
    report.proposals = (proposals or "").strip()
    report.proposed_allocation = proposed_allocation
    report.full_clean()
    _touch(report, by, "activities", "deviations", "proposals", "proposed_allocation")
    return report


@transaction.atomic
def report_submit(*, report: YearEndReport, by: Person | None = None) -> YearEndReport:
    """The leader sends the report to the secretariat."""
    report = _lock(report)
    if report.status != Status.DRAFT:
        raise ValidationError(_("Rapporten er allerede sendt inn."))
    missing = [
        label
        for label, value in (
            (_("hva ble gjort"), report.activities),
            (_("forslag til neste år"), report.proposals),
        )
        if not value
    ]
    if missing:
        raise ValidationError(
            _("Fyll ut før du sender inn: %(parts)s.") % {"parts": ", ".join(missing)}
        )
    report.status = Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = acting_person(by)
    _touch(report, by, "status", "submitted_at", "submitted_by")
    return report


@transaction.atomic
def report_review(
    *, report: YearEndReport, approve: bool, comment: str = "", by: Person | None = None
) -> YearEndReport:
    """The secretariat approves the report, or sends it back to draft with a comment."""
    report = _lock(report)
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("Bare en innsendt rapport kan godkjennes eller sendes tilbake."))
    if approve:
        report.status = Status.APPROVED
        report.approved_at = timezone.now()
        report.approved_by = acting_person(by)
        report.return_comment = ""
    else:
        if not (comment or "").strip():
            raise ValidationError({"comment": _("Skriv hva som må rettes.")})
        report.status = Status.DRAFT
        report.return_comment = comment.strip()
    _touch(report, by, "status", "approved_at", "approved_by", "return_comment")
    return report


@transaction.atomic
def year_close(*, budget_year: BudgetYear, by: Person | None = None) -> BudgetVersion:
    """Close the year and carry the approved reports' proposals into next year's draft.

    Refused while an entry waits for approval or a group's report is not approved. Returns
    next year's draft budget.
    """
    budget_year = BudgetYear.objects.select_for_update().get(pk=budget_year.pk)
    if budget_year.is_closed:
        raise ValidationError(_("Året er allerede avsluttet."))
    if AccountEntry.objects.filter(
        budget_year=budget_year, approval=AccountEntry.Approval.PENDING
    ).exists():
        raise ValidationError(_("Noen utgifter venter fortsatt på godkjenning."))
    groups = list(Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("name"))
    reports = {
        r.working_group_id: r
        for r in YearEndReport.objects.filter(budget_year=budget_year, status=Status.APPROVED)
    }
    missing = [g.name for g in groups if g.pk not in reports]
    if missing:
        raise ValidationError(
            _("Årsrapporten er ikke godkjent for: %(groups)s.") % {"groups": ", ".join(missing)}
        )
    budget_year.closed_at = timezone.now()
    budget_year.save(update_fields=["closed_at"])

    next_year = BudgetYear.objects.filter(year=budget_year.year + 1).first()
    if next_year is None:
        draft = budget_services.budget_year_create(year=budget_year.year + 1, by=by)
    else:
        draft = next_year.versions.filter(status=BudgetVersion.Status.DRAFT).first()
        if draft is None:
            return next_year.versions.order_by("-number").first()
    for group in groups:
        proposed = reports[group.pk].proposed_allocation
        if proposed is None:
            continue
        draft.refresh_from_db()
        line = draft.lines.filter(kind=BudgetLine.Kind.GROUP_BASE, working_group=group).first()
        budget_services.budget_line_save(
            version=draft,
            line=line,
            kind=BudgetLine.Kind.GROUP_BASE,
            working_group=group,
            amount=proposed,
            expected_lock_version=draft.lock_version,
            by=by,
        )
    draft.refresh_from_db()
    return draft
