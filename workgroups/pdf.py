"""The year-end report as PDF/UA-1 (WeasyPrint, through meetings.pdf like the other PDFs)."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meetings.models import OSLO
from meetings.pdf import _render, _w3c

from . import actuals
from .models import YearEndReport


def year_end_pdf(*, report: YearEndReport, language: str = "nb") -> bytes:
    report = YearEndReport.objects.select_related(
        "working_group", "budget_year", "submitted_by", "approved_by"
    ).get(pk=report.pk)
    figures = actuals.group_actuals(report.working_group, report.budget_year)
    with translation.override(language), timezone.override(OSLO):
        title = str(report)
        context = {
            "document_title": title,
            "description": _("Arbeidsgruppens årsrapport med regnskap"),
            "created": _w3c(report.approved_at or report.submitted_at or timezone.now()),
            "masthead_sub": report.working_group.name,
            "report": report,
            "actuals": figures,
        }
    return _render(template_name="workgroups/pdf/year_end.html", context=context, language=language)


def year_end_filename(report: YearEndReport) -> str:
    return f"arsrapport-{report.working_group.short_name.lower()}-{report.budget_year.year}.pdf"
