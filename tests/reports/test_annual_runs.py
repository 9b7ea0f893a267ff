"""Generating the annual report (issue 14 §1, §4): the Celery task (run eagerly, as the test
settings do), failure with a readable reason and no file, retry, one job for duplicate
requests (also from two threads), a killed worker's run made retryable, bad input."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from reports import annual, annual_pdf, services_annual, tasks_annual
from reports.models import AnnualReport, ReportRun

from .factories import YEAR, agreement_period

pytestmark = pytest.mark.django_db


def _files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "reports"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def period(db):
    return agreement_period()


def _request(capture, **kwargs):
    with capture(execute=True):
        run, created = services_annual.run_request(year=YEAR, **kwargs)
    run.refresh_from_db()
    return run, created


def test_a_run_makes_a_stored_version(period, secretariat, django_capture_on_commit_callbacks):
    run, created = _request(django_capture_on_commit_callbacks, by=secretariat)
    assert created and run.status == ReportRun.Status.DONE and run.progress == 100
    assert run.page_count and run.page_count > 3
    assert run.gather_seconds is not None and run.render_seconds is not None
    assert default_storage.exists(run.file)
    assert [p.name for p in _files()] == ["v1-nb.pdf"]
    # Earlier versions stay: a second run is version 2 beside it
    second, _ = _request(django_capture_on_commit_callbacks, by=secretariat)
    assert second.version == 2 and len(_files()) == 2


def test_a_task_that_raises_leaves_no_file_and_a_reason(
    period, secretariat, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("Skrifttypen DejaVu mangler")

    monkeypatch.setattr(annual_pdf, "report_pdf", broken)
    run, _ = _request(django_capture_on_commit_callbacks, by=secretariat)
    assert run.status == ReportRun.Status.FAILED and run.retry_allowed
    assert "PDF-en kunne ikke lages" in run.failure_reason
    assert "Skrifttypen DejaVu mangler" in run.failure_reason
    assert not run.file and _files() == []
    # The retry succeeds once the cause is gone
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        retried, created = services_annual.run_retry(run=run, by=secretariat)
    retried.refresh_from_db()
    assert created and retried.version == 2 and retried.status == ReportRun.Status.DONE
    assert [p.name for p in _files()] == ["v2-nb.pdf"]


def test_a_failure_while_writing_leaves_no_half_written_file(
    period, secretariat, monkeypatch, django_capture_on_commit_callbacks
):
    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tasks_annual.os, "replace", disk_full)
    run, _ = _request(django_capture_on_commit_callbacks, by=secretariat)
    assert run.status == ReportRun.Status.FAILED
    assert "No space left on device" in run.failure_reason
    assert _files() == []  # neither the PDF nor its temporary file


def test_only_a_failed_run_is_retried(period, secretariat, django_capture_on_commit_callbacks):
    run, _ = _request(django_capture_on_commit_callbacks, by=secretariat)
    with pytest.raises(ValidationError, match="Bare en versjon som feilet"):
        services_annual.run_retry(run=run)


def test_duplicate_requests_give_one_job(period, secretariat, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks_annual.annual_report_task, "delay", queued.append)
    first, created = services_annual.run_request(year=YEAR, by=secretariat)
    second, created_again = services_annual.run_request(year=YEAR, by=secretariat)
    assert created and not created_again and first.pk == second.pk
    assert ReportRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_threads_asking_at_once_give_one_job(monkeypatch):
    agreement_period()
    AnnualReport.objects.create(year=YEAR)
    queued = []
    monkeypatch.setattr(tasks_annual.annual_report_task, "delay", queued.append)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def ask():
        try:
            barrier.wait(timeout=10)
            results.append(services_annual.run_request(year=YEAR))
        except Exception as exc:  # pragma: no cover - shown by the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert sorted(created for _run, created in results) == [False, True]
    assert len({run.pk for run, _ in results}) == 1
    assert ReportRun.objects.count() == 1 and len(queued) == 1


def test_the_database_refuses_a_second_active_run(period):
    report = AnnualReport.objects.create(year=YEAR)
    ReportRun.objects.create(report=report, version=1, language="nb")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRun.objects.create(report=report, version=2, language="nb", status="running")


def test_a_killed_workers_run_becomes_retryable(
    period, secretariat, client, login, monkeypatch, django_capture_on_commit_callbacks
):
    report = AnnualReport.objects.create(year=YEAR)
    long_ago = timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    run = ReportRun.objects.create(
        report=report,
        version=1,
        language="nb",
        status=ReportRun.Status.RUNNING,
        progress=40,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    # Still within the hard time limit: left alone
    fresh = ReportRun.objects.filter(pk=run.pk)
    fresh.update(heartbeat_at=timezone.now())
    assert services_annual.mark_stale_runs() == 0
    fresh.update(heartbeat_at=long_ago)
    # Opening the page runs the stale check
    login(secretariat)
    page = client.get(reverse("reports:annual_detail", args=[YEAR]))
    assert page.status_code == 200
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED and run.retry_allowed
    assert "avbrutt" in run.failure_reason
    content = page.content.decode()
    assert "avbrutt" in content and "Prøv versjon 1 igjen" in content
    assert 'hx-trigger="every 2s"' not in content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:annual_retry", args=[run.pk]))
    assert response.status_code == 302
    assert ReportRun.objects.get(version=2).status == ReportRun.Status.DONE


def test_the_beat_task_marks_stale_runs(period):
    report = AnnualReport.objects.create(year=YEAR)
    long_ago = timezone.now() - dt.timedelta(hours=2)
    ReportRun.objects.create(
        report=report, version=1, language="nb", status="queued", requested_at=long_ago
    )
    assert tasks_annual.annual_stale_runs.delay().get() == 1
    run = ReportRun.objects.get()
    assert run.status == "failed" and "kom aldri i gang" in run.failure_reason


def test_a_redelivered_task_finishes_the_run(period):
    """acks_late: a worker lost mid-run gets its message back; the task takes the run again."""
    report = AnnualReport.objects.create(year=YEAR)
    run = ReportRun.objects.create(
        report=report, version=1, language="nb", status="running", heartbeat_at=timezone.now()
    )
    assert tasks_annual.annual_report_task(run.pk) == tasks_annual.storage_name(run)
    run.refresh_from_db()
    assert run.status == "done"
    # A finished run is not made again
    assert tasks_annual.annual_report_task(run.pk) is None


def test_the_task_is_routed_to_the_pdf_queue_with_time_limits():
    from partnership.celery import app

    task = tasks_annual.annual_report_task
    assert task.name.startswith("pdf.")
    route = app.amqp.router.route({}, task.name)
    assert route["queue"].name == "pdf"
    assert task.soft_time_limit < task.time_limit
    assert settings.CELERY_WORKER_MAX_TASKS_PER_CHILD


# --- Bad input ---------------------------------------------------------------------------------
def test_pasted_script_is_sanitised(period):
    report = services_annual.report_save(
        year=YEAR,
        expected_lock_version=1,
        language="nn",
        foreword='<p onclick="x()">Hei <script>alert(1)</script><b>der</b></p><style>p{}</style>',
        summary='<a href="javascript:alert(1)">lenke</a>',
        highlights="",
        next_year="",
    )
    assert "<script" not in report.foreword and "onclick" not in report.foreword
    assert "<b>der</b>" in report.foreword and "<style" not in report.foreword
    assert "javascript" not in report.summary
    html = annual_pdf.report_html(
        gathered=annual.gather(YEAR, report),
        language="nn",
        for_pdf=False,
    )
    assert "alert(1)" not in html


def test_a_megabyte_of_text_is_refused_clearly(period, secretariat, client, login):
    login(secretariat)
    response = client.post(
        reverse("reports:annual_edit", args=[YEAR]),
        {
            "lock_version": 1,
            "language": "nb",
            "foreword": "x" * (1024 * 1024),
            "summary": "Kort",
            "highlights": "",
            "next_year": "",
        },
    )
    assert response.status_code == 400
    assert "Teksten er for lang (1024 kB). Største lengde er 100 kB." in response.content.decode()
    assert not AnnualReport.objects.filter(summary="Kort").exists()


def test_a_year_outside_the_agreement_period_is_refused(period, secretariat, client, login):
    with pytest.raises(ValidationError, match="2019 er utenfor avtaleperioden"):
        services_annual.run_request(year=2019)
    login(secretariat)
    for name in ("reports:annual_detail", "reports:annual_edit", "reports:annual_generate"):
        response = client.get(reverse(name, args=[2019]))
        assert response.status_code == 404
        assert "Velg et år fra 2021 til 2030" in response.content.decode()
    response = client.post(reverse("reports:annual_generate", args=[2019]))
    assert response.status_code == 404 and not ReportRun.objects.exists()


def test_no_agreement_period_at_all(db):
    with pytest.raises(ValidationError, match="ikke registrert noen avtaleperiode"):
        services_annual.check_year(YEAR)


# --- Pages -------------------------------------------------------------------------------------
def test_the_generator_is_the_secretariats(
    period, ministry_observer, wg_leader, user, client, login
):
    for person in (ministry_observer, wg_leader, user):
        login(person)
        for name in ("reports:annual_detail", "reports:annual_generate", "reports:annual_preview"):
            assert client.get(reverse(name, args=[YEAR])).status_code == 403
        assert client.post(reverse("reports:annual_generate", args=[YEAR])).status_code == 403
    assert not ReportRun.objects.exists()


def test_progress_download_and_headers(
    period, secretariat, client, login, monkeypatch, django_capture_on_commit_callbacks
):
    login(secretariat)
    queued = []
    monkeypatch.setattr(tasks_annual.annual_report_task, "delay", queued.append)
    confirm = client.get(reverse("reports:annual_generate", args=[YEAR]))
    assert confirm.status_code == 200 and "Ja, lag PDF-en" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:annual_generate", args=[YEAR]))
    assert response.status_code == 302 and len(queued) == 1
    panel = client.get(reverse("reports:annual_progress", args=[YEAR])).content.decode()
    assert 'hx-trigger="every 2s"' in panel and 'aria-live="polite"' in panel
    assert "I kø" in panel or "i kø" in panel
    # A second click while it waits: the same job
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:annual_generate", args=[YEAR]))
    assert len(queued) == 1
    tasks_annual.annual_report_task(queued[0])
    panel = client.get(reverse("reports:annual_progress", args=[YEAR])).content.decode()
    assert 'hx-trigger="every 2s"' not in panel and "er ferdig" in panel
    run = ReportRun.objects.get()
    download = client.get(reverse("reports:annual_download", args=[run.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "no-store" in download["Cache-Control"] and "private" in download["Cache-Control"]
    assert download["Content-Disposition"] == (
        f'attachment; filename="arsrapport-{YEAR}-nb-v1.pdf"'
    )
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_edit_and_preview(period, secretariat, client, login):
    login(secretariat)
    page = client.get(reverse("reports:annual_edit", args=[YEAR]))
    assert page.status_code == 200
    response = client.post(
        reverse("reports:annual_edit", args=[YEAR]),
        {
            "lock_version": 1,
            "language": "nb",
            "foreword": "<p>Vi ser tilbake på et godt år.</p><script>x</script>",
            "summary": "",
            "highlights": "",
            "next_year": "",
        },
    )
    assert response.status_code == 302
    preview = client.get(reverse("reports:annual_preview", args=[YEAR]))
    content = preview.content.decode()
    assert preview.status_code == 200
    assert "Vi ser tilbake på et godt år." in content and "<script>x" not in content
    assert "Innhold" in content and "Møter og vedtak" in content
    # A stale form is refused, the text kept
    response = client.post(
        reverse("reports:annual_edit", args=[YEAR]),
        {"lock_version": 1, "language": "nb", "foreword": "Eldre", "summary": ""},
    )
    assert response.status_code == 409 and "Eldre" in response.content.decode()
