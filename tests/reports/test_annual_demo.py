"""The annual report's demo data (``manage.py seed_demo`` → reports.demo_annual.seed)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports import demo_annual as demo
from reports.models import AnnualReport, ReportRun
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()


def test_last_years_report_has_texts_and_a_version(seeded):
    year = timezone.localdate().year - 1
    report = AnnualReport.objects.get(year=year)
    assert "Skolestartkampanjen" in report.highlights and report.foreword.startswith("<p>")
    run = report.runs.get()
    assert run.status == ReportRun.Status.DONE and run.version == 1 and run.page_count > 3
    assert f"årsrapport {year}" in seeded


def test_seeding_again_changes_nothing(seeded):
    before = list(ReportRun.objects.values_list("pk", "file"))
    demo.seed()
    assert list(ReportRun.objects.values_list("pk", "file")) == before
