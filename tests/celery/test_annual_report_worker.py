"""The annual report on a real Celery worker consuming the PDF queue (issue 14 §1, §4): the
request is handed over on commit, the worker builds the PDF with WeasyPrint and stores it as a
version; a second request while the first runs gives the same job; a worker killed mid-report
leaves the run retryable (marked failed by the stale check), never stuck in "running", and the
retry on a new worker makes the version."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from reports import services_annual, tasks_annual
from reports.models import ReportRun

from ..reports.factories import YEAR, agreement_period
from .conftest import wait_for

pytestmark = [pytest.mark.xdist_group("celery"), pytest.mark.django_db(transaction=True)]

TIMEOUT = 90  # seconds: WeasyPrint in a worker on a loaded CI machine


def _status(run_id: int) -> str:
    return ReportRun.objects.get(pk=run_id).status


def test_the_worker_builds_the_report_and_a_second_request_gives_the_same_job(
    cluster, secretariat, tmp_path
):
    agreement_period()
    media = tmp_path / "media"
    cluster.worker(queues="pdf", MEDIA_ROOT=str(media))
    run, created = services_annual.run_request(year=YEAR, by=secretariat)
    again, created_again = services_annual.run_request(year=YEAR, by=secretariat)
    assert created and not created_again and again.pk == run.pk
    wait_for(lambda: _status(run.pk) == ReportRun.Status.DONE, TIMEOUT, "the PDF", cluster.logs)
    run.refresh_from_db()
    path = media / run.file
    assert path.exists(), cluster.logs()
    reader = PdfReader(str(path))
    assert len(reader.pages) == run.page_count and run.page_count > 3
    assert str(YEAR) in (reader.metadata.title or "")
    assert ReportRun.objects.filter(report=run.report).count() == 1
    # No temporary file is left beside the version.
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def _connect_kwargs() -> dict:
    """A second connection to the test database (this process's own settings)."""
    from django.db import connection

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return params


def _blocked_on_a_lock(cursor) -> bool:
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_report_leaves_the_run_retryable(cluster, secretariat, tmp_path):
    """Deterministic: once the run is running, this test holds its row lock from a second
    connection, so the worker's next progress or final update waits; the worker is killed
    (kill -9) while it waits. Nothing in the application knows about the test."""
    import psycopg

    agreement_period()
    media = tmp_path / "media"
    worker = cluster.worker(queues="pdf", MEDIA_ROOT=str(media))
    run, _ = services_annual.run_request(year=YEAR, by=secretariat)
    wait_for(lambda: _status(run.pk) == ReportRun.Status.RUNNING, TIMEOUT, "the run", cluster.logs)
    with psycopg.connect(**_connect_kwargs()) as lock:
        with lock.cursor() as cursor:
            cursor.execute(
                "SELECT status FROM reports_reportrun WHERE id = %s FOR UPDATE", [run.pk]
            )
            assert cursor.fetchone()[0] == ReportRun.Status.RUNNING
            with (
                psycopg.connect(**_connect_kwargs(), autocommit=True) as watch,
                watch.cursor() as watching,
            ):
                wait_for(
                    lambda: _blocked_on_a_lock(watching),
                    TIMEOUT,
                    "the worker to wait for the row",
                    cluster.logs,
                )
            cluster.kill(worker)
        lock.rollback()
    assert _status(run.pk) == ReportRun.Status.RUNNING  # what a dead worker leaves behind
    # The stale check (beat, or opening the page) after the heartbeat has gone quiet.
    later = ReportRun.objects.get(pk=run.pk).heartbeat_at + tasks_annual.STALE_AFTER
    assert tasks_annual.mark_stale_runs(now=later + dt.timedelta(seconds=1)) == 1
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED and run.retry_allowed
    assert not list(media.rglob("*.pdf"))  # nothing half-written is left as a version
    retry, created = services_annual.run_request(year=YEAR, by=secretariat)
    assert created and retry.version == run.version + 1
    cluster.worker(queues="pdf", MEDIA_ROOT=str(media))
    wait_for(lambda: _status(retry.pk) == ReportRun.Status.DONE, TIMEOUT, "the retry", cluster.logs)
    assert len(list(media.rglob("*.pdf"))) == 1
