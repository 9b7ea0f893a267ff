"""Writes of the annual report (issue 14 §1, §4): the narrative sections, asking for a
generation (one job per report at a time), retrying a failed one and marking runs a killed
worker left behind as failed ("interrupted") so they can be retried.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership.locking import ConflictError

from . import annual
from .models_annual import NARRATIVE_FIELDS, NARRATIVE_MAX_BYTES, AnnualReport, ReportRun
from .tasks_annual import annual_report_task, mark_stale_runs  # noqa: F401

logger = logging.getLogger(__name__)


def check_year(year: int) -> None:
    """Refuse a year outside the agreement period, saying which years there are."""
    if annual.in_agreement_period(year):
        return
    years = annual.agreement_years()
    if years:
        raise ValidationError(
            _("%(year)s er utenfor avtaleperioden. Velg et år fra %(first)s til %(last)s.")
            % {"year": year, "first": min(years), "last": max(years)},
            code="outside_period",
        )
    raise ValidationError(
        _("Det er ikke registrert noen avtaleperiode, så det kan ikke lages årsrapport."),
        code="outside_period",
    )


def report_for(year: int) -> AnnualReport:
    check_year(year)
    report, _created = AnnualReport.objects.get_or_create(year=year)
    return report


def report_save(
    *,
    year: int,
    expected_lock_version: int,
    by=None,
    language: str,
    **texts: str,
) -> AnnualReport:
    """Save the narrative sections (sanitised by the model); text over the limit is refused."""
    unknown = set(texts) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TypeError(f"unknown sections {unknown}")
    too_long = {
        name: ValidationError(
            _("Teksten er for lang (%(size)s kB). Største lengde er %(max)s kB.")
            % {
                "size": len((value or "").encode("utf-8")) // 1024,
                "max": NARRATIVE_MAX_BYTES // 1024,
            },
            code="too_long",
        )
        for name, value in texts.items()
        if len((value or "").encode("utf-8")) > NARRATIVE_MAX_BYTES
    }
    if too_long:
        raise ValidationError(too_long)
    report_for(year)
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(year=year)
        if report.lock_version != expected_lock_version:
            raise ConflictError(
                current_version=report.lock_version,
                updated_by=report.updated_by,
                updated_at=report.updated_at,
            )
        for name, value in texts.items():
            setattr(report, name, value or "")
        report.language = language
        report.lock_version += 1
        report.updated_by = by
        report.updated_at = timezone.now()
        report.save()
    return report


def run_request(*, year: int, by=None) -> tuple[ReportRun, bool]:
    """Ask for a new version of the year's PDF. Returns (run, created): while a run is
    queued or running, that run (a second request gives the same job)."""
    report = report_for(year)
    try:
        with transaction.atomic():
            report = AnnualReport.objects.select_for_update().get(pk=report.pk)
            active = report.runs.filter(status__in=ReportRun.ACTIVE).first()
            if active is not None:
                return active, False
            last = report.runs.aggregate(n=Max("version"))["n"] or 0
            run = ReportRun.objects.create(
                report=report,
                version=last + 1,
                language=report.language,
                requested_by=by,
            )
            transaction.on_commit(lambda: _queue(annual_report_task, run.pk))
            return run, True
    except IntegrityError:
        # The partial unique constraint: another request made the job meanwhile.
        return report.runs.get(status__in=ReportRun.ACTIVE), False


def _queue(task, run_id: int) -> None:
    try:
        task.delay(run_id)
    except Exception:  # the broker is away: the stale check fails the run, retry is offered
        logger.exception("reports: could not queue the annual report run %s", run_id)


def run_retry(*, run: ReportRun, by=None) -> tuple[ReportRun, bool]:
    """A failed run is tried again as a new version."""
    if run.status != ReportRun.Status.FAILED:
        raise ValidationError(_("Bare en versjon som feilet kan prøves på nytt."))
    return run_request(year=run.report.year, by=by)
