"""The annual report's Celery tasks: the generation on the PDF queue (``pdf.*`` is routed
there by CELERY_TASK_ROUTES; that worker recycles its children, max_tasks_per_child) and the
beat job that fails runs a killed worker left "running".

The PDF is written to a temporary name in the target folder and moved into place
(``os.replace``), so storage never holds a half-written file; on any error the run is
marked failed with a reason the secretariat can read, and retry is offered.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import annual_pdf
from .models_annual import ReportRun

logger = logging.getLogger(__name__)

# A run whose worker has not been heard from for longer than the hard time limit (and a
# margin) can no longer be running: its worker was killed.
STALE_AFTER = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
# A queued run that no worker took within this time (the broker lost it).
QUEUED_STALE_AFTER = dt.timedelta(hours=1)

INTERRUPTED = gettext_lazy("Lagingen ble avbrutt (arbeidsprosessen stoppet). Prøv igjen.")
NEVER_STARTED = gettext_lazy("Lagingen kom aldri i gang (jobben forsvant fra køen). Prøv igjen.")


def storage_name(run: ReportRun) -> str:
    return f"reports/annual/{run.report.year}/v{run.version}-{run.language}.pdf"


def store(name: str, data: bytes) -> str:
    """Write ``data`` under ``name``: to a temporary file beside it, then moved into place."""
    try:
        final = default_storage.path(name)
    except NotImplementedError:  # an object store: a put is all or nothing
        return default_storage.save(name, ContentFile(data))
    folder = os.path.dirname(final)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return name


def _claim(run_id: int) -> ReportRun | None:
    """Take the run (queued, or running when the broker delivered it again after a worker
    was lost); None when it is finished, failed or gone."""
    with transaction.atomic():
        run = (
            ReportRun.objects.select_for_update()
            .select_related("report")
            .filter(pk=run_id, status__in=ReportRun.ACTIVE)
            .first()
        )
        if run is None:
            return None
        now = timezone.now()
        run.status = ReportRun.Status.RUNNING
        run.started_at = now
        run.heartbeat_at = now
        run.progress = 5
        run.save(update_fields=["status", "started_at", "heartbeat_at", "progress"])
        return run


def _progress(run_id: int, percent: int) -> None:
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.RUNNING).update(
        progress=percent, heartbeat_at=timezone.now()
    )


def _reason(exc: BaseException, language: str) -> str:
    with translation.override(language):
        if isinstance(exc, SoftTimeLimitExceeded):
            return _(
                "Lagingen tok for lang tid (over %(minutes)s minutter) og ble stoppet. Prøv igjen."
            ) % {"minutes": settings.CELERY_TASK_SOFT_TIME_LIMIT // 60}
        if isinstance(exc, ValidationError):
            return " ".join(str(m) for m in exc.messages)
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        return _("PDF-en kunne ikke lages: %(error)s. Prøv igjen.") % {
            "error": f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        }


def _fail(run_id: int, reason: str) -> None:
    ReportRun.objects.filter(pk=run_id).update(
        status=ReportRun.Status.FAILED,
        failure_reason=reason,
        retry_allowed=True,
        finished_at=timezone.now(),
    )


@shared_task(
    name="pdf.reports.annual_report",
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    acks_late=True,
)
def annual_report_task(run_id: int) -> str | None:
    run = _claim(run_id)
    if run is None:
        logger.info("pdf.reports.annual_report: run %s is not waiting", run_id)
        return None
    name = storage_name(run)
    try:
        rendered = annual_pdf.report_pdf(
            year=run.report.year,
            report=run.report,
            language=run.language,
            progress=lambda percent: _progress(run_id, percent),
        )
        _progress(run_id, 90)
        store(name, rendered.pdf)
    except BaseException as exc:  # noqa: BLE001 - every failure is recorded on the run
        logger.exception("pdf.reports.annual_report: run %s failed", run_id)
        _fail(run_id, _reason(exc, run.language))
        if not isinstance(exc, Exception):
            raise
        return None
    updated = ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.RUNNING).update(
        status=ReportRun.Status.DONE,
        progress=100,
        file=name,
        page_count=rendered.pages,
        gather_seconds=rendered.gather_seconds,
        render_seconds=rendered.render_seconds,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    if not updated:  # marked failed by the stale check meanwhile: keep its verdict
        default_storage.delete(name)
        return None
    return name


@shared_task(name="reports.annual_stale_runs")
def annual_stale_runs() -> int:
    return mark_stale_runs()


def mark_stale_runs(now: dt.datetime | None = None) -> int:
    """Runs left behind by a killed worker (or lost from the queue) become failed and
    retryable. Run by beat and whenever the report's page is opened."""
    now = now or timezone.now()
    running = ReportRun.objects.filter(
        status=ReportRun.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    ).update(
        status=ReportRun.Status.FAILED,
        failure_reason=str(INTERRUPTED),
        retry_allowed=True,
        finished_at=now,
    )
    queued = ReportRun.objects.filter(
        status=ReportRun.Status.QUEUED, requested_at__lt=now - QUEUED_STALE_AFTER
    ).update(
        status=ReportRun.Status.FAILED,
        failure_reason=str(NEVER_STARTED),
        retry_allowed=True,
        finished_at=now,
    )
    return running + queued
