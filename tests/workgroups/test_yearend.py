"""The year-end (issue 13 §4): the group's report (draft, submitted by the leader, approved by
the secretariat), its PDF read back, and closing a year (entries locked, proposals carried
into next year's draft)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from partnership.budget_models import BudgetLine
from partnership.models import BudgetYear
from workgroups import pdf, services
from workgroups.models import YearEndReport

from .factories import adopted_budget

D = Decimal
YEAR = timezone.localdate().year


def _approved_reports(registry, budget_year, by):
    for group, amount in ((registry.wg_local, D("250000")), (registry.wg_national, None)):
        report = services.report_for(working_group=group, budget_year=budget_year)
        services.report_save(
            report=report,
            expected_lock_version=report.lock_version,
            activities="Skolestartkampanjen ble gjennomført i 40 skoler.",
            deviations="",
            proposals="Flere skoler neste år.",
            proposed_allocation=amount,
        )
        services.report_submit(report=report)
        services.report_review(report=report, approve=True, by=by)


def test_report_flow_and_pdf(db, registry, secretariat):
    adopted_budget(registry, year=YEAR)
    budget_year = BudgetYear.objects.get(year=YEAR)
    services.entry_record(
        working_group=registry.wg_local,
        date=dt.date(YEAR, 2, 1),
        description="Reise",
        amount=D("1234.50"),
        category="travel",
        status="paid",
    )
    report = services.report_for(working_group=registry.wg_local, budget_year=budget_year)
    with pytest.raises(ValidationError, match="Fyll ut"):
        services.report_submit(report=report)
    services.report_save(
        report=report,
        expected_lock_version=report.lock_version,
        activities="Kampanje i 40 skoler",
        deviations="Konferansen ble flyttet.",
        proposals="Flere skoler",
        proposed_allocation=D("12000"),
    )
    services.report_submit(report=report)
    with pytest.raises(ValidationError, match="Skriv hva som må rettes"):
        services.report_review(report=report, approve=False, comment="")
    services.report_review(report=report, approve=False, comment="Mangler tall.")
    report.refresh_from_db()
    assert report.status == YearEndReport.Status.DRAFT and report.return_comment
    services.report_submit(report=report)
    services.report_review(report=report, approve=True, by=secretariat)
    report.refresh_from_db()
    assert report.status == YearEndReport.Status.APPROVED
    content = pdf.year_end_pdf(report=report)
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Kampanje i 40 skoler" in text
    assert "1 234,50 kr" in text.replace("\xa0", " ")
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b"pdfuaid" in xmp and catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "nb"


def test_only_the_leader_submits(client, db, registry, finance_lead, wg_leader):
    adopted_budget(registry, year=YEAR)
    report = services.report_for(
        working_group=registry.wg_local, budget_year=BudgetYear.objects.get(year=YEAR)
    )
    services.report_save(
        report=report,
        expected_lock_version=report.lock_version,
        activities="Gjort",
        deviations="",
        proposals="Mer",
        proposed_allocation=None,
    )
    url = reverse("workgroups:year_end_submit", kwargs={"pk": registry.wg_local.pk, "year": YEAR})
    client.force_login(finance_lead)
    assert client.post(url).status_code == 403
    client.force_login(wg_leader)
    assert client.post(url).status_code == 302
    report.refresh_from_db()
    assert report.status == YearEndReport.Status.SUBMITTED


def test_closing_a_year_locks_it_and_carries_the_proposals(db, registry, secretariat):
    adopted_budget(registry, year=YEAR)
    budget_year = BudgetYear.objects.get(year=YEAR)
    with pytest.raises(ValidationError, match="ikke godkjent"):
        services.year_close(budget_year=budget_year)
    pending = services.entry_record(
        working_group=registry.wg_local,
        date=dt.date(YEAR, 2, 1),
        description="For mye",
        amount=D("99999"),
        category="travel",
    )
    _approved_reports(registry, budget_year, secretariat)
    with pytest.raises(ValidationError, match="venter fortsatt"):
        services.year_close(budget_year=budget_year)
    services.entry_decide(entry=pending, approve=False)
    draft = services.year_close(budget_year=budget_year, by=secretariat)
    budget_year.refresh_from_db()
    assert budget_year.is_closed
    assert draft.budget_year.year == YEAR + 1 and draft.status == "draft"
    base = draft.lines.get(kind=BudgetLine.Kind.GROUP_BASE)
    assert (base.working_group, base.amount) == (registry.wg_local, D("250000.00"))
    with pytest.raises(ValidationError, match="avsluttet"):
        services.entry_record(
            working_group=registry.wg_local,
            date=dt.date(YEAR, 3, 1),
            description="Etter avslutning",
            amount=D("1"),
            category="travel",
        )
    with pytest.raises(ValidationError, match="låst"):
        services.entry_set_status(entry=pending, status="paid")
    with pytest.raises(ValidationError, match="allerede avsluttet"):
        services.year_close(budget_year=budget_year)


def test_pages(client, db, registry, finance_lead, secretariat):
    adopted_budget(registry, year=YEAR)
    client.force_login(finance_lead)
    url = reverse("workgroups:year_end_report", kwargs={"pk": registry.wg_local.pk, "year": YEAR})
    page = client.get(url)
    assert page.status_code == 200 and "Lagre utkastet" in page.content.decode()
    response = client.post(
        url,
        {
            "lock_version": page.context["report"].lock_version,
            "activities": "Gjort",
            "deviations": "",
            "proposals": "Mer",
            "proposed_allocation": "1.500,50",
        },
    )
    assert response.status_code == 400 and "ikke punktum" in response.content.decode()
    pdf_response = client.get(
        reverse("workgroups:year_end_pdf", kwargs={"pk": registry.wg_local.pk, "year": YEAR})
    )
    assert pdf_response.content.startswith(b"%PDF")
    client.force_login(secretariat)
    page = client.get(reverse("workgroups:year_close", kwargs={"year": YEAR}))
    assert page.status_code == 200 and "Ikke brukt per post" in page.content.decode()
