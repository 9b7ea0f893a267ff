"""The annual report's rows in the authorization matrix (tests/partnership/test_authorization_matrix.py).

The generator is the secretariat's (and the admins'): everyone else signed in gets 403 on a
year's pages (the years are no secret). A stored version is an object: insiders without the
right get 403, a signed-in person with no seat anywhere 404. Objects: the report of 2025 (in
the matrix's agreement period, 2021–2025) with ``annual_done`` (version 1, stored) and
``annual_failed`` (version 2, retryable).
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from reports.models import AnnualReport, ReportRun

from ..authz import Redirect, expect

YEAR = 2025
NOT_ALLOWED = 405
MANAGERS = expect(signed_in=403, managers=200)
GET_ONLY = expect(signed_in=NOT_ALLOWED)
POST_ONLY = expect(signed_in=NOT_ALLOWED)
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
TO_DETAIL = Redirect(lambda ctx: reverse("reports:annual_detail", kwargs={"year": YEAR}))


def _r(ctx) -> dict:
    return ctx["reports_annual"]


def _year(ctx) -> dict:
    return {"year": YEAR}


def _stored(ctx) -> dict:
    """The test's media folder is per test: the stored file is put back where the row says."""
    run = _r(ctx)["annual_done"]
    if not default_storage.exists(run.file):
        default_storage.save(run.file, ContentFile(PDF))
    return {"pk": run.pk}


URL_KWARGS = {
    "reports:annual_detail": _year,
    "reports:annual_edit": _year,
    "reports:annual_preview": _year,
    "reports:annual_generate": _year,
    "reports:annual_progress": _year,
    "reports:annual_download": _stored,
    "reports:annual_retry": lambda ctx: {"pk": _r(ctx)["annual_failed"].pk},
}

EXPECTED = {
    "reports:annual_list": MANAGERS,
    "reports:annual_detail": MANAGERS,
    "reports:annual_edit": MANAGERS,
    "reports:annual_preview": MANAGERS,
    "reports:annual_generate": MANAGERS,
    "reports:annual_progress": MANAGERS,
    "reports:annual_download": expect(signed_in=403, user=404, managers=200),
    "reports:annual_retry": POST_ONLY,
}

POST_DATA = {
    "reports:annual_edit": lambda ctx: {
        "lock_version": AnnualReport.objects.get(year=YEAR).lock_version,
        "language": "nb",
        "foreword": "<p>Forord</p>",
        "summary": "",
        "highlights": "",
        "next_year": "",
    },
}

POST_EXPECTED = {
    "reports:annual_list": GET_ONLY,
    "reports:annual_detail": GET_ONLY,
    "reports:annual_edit": expect(signed_in=403, managers=TO_DETAIL),
    "reports:annual_preview": GET_ONLY,
    "reports:annual_generate": expect(signed_in=403, managers=TO_DETAIL),
    "reports:annual_progress": GET_ONLY,
    "reports:annual_download": GET_ONLY,
    "reports:annual_retry": expect(signed_in=403, user=404, managers=TO_DETAIL),
}


def add_objects(ctx: dict) -> None:
    report = AnnualReport.objects.create(year=YEAR, foreword="<p>Et godt år.</p>")
    done = ReportRun.objects.create(
        report=report,
        version=1,
        language="nb",
        status=ReportRun.Status.DONE,
        progress=100,
        file=f"reports/annual/{YEAR}/v1-nb.pdf",
        page_count=1,
    )
    failed = ReportRun.objects.create(
        report=report,
        version=2,
        language="nb",
        status=ReportRun.Status.FAILED,
        failure_reason="Avbrutt",
        retry_allowed=True,
    )
    ctx["reports_annual"] = {"report": report, "annual_done": done, "annual_failed": failed}
