"""Partnerpotten's spreadsheet exports (xlsx, openpyxl): real numbers and dates in the
portal's money format, headers in the reader's language, and text that a spreadsheet would
take for a formula kept as text."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from partnership import formats

from . import services
from .models import Application, Call, SubGoal

MONEY_FORMAT = formats.XLSX_MONEY_FORMAT
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def call_workbook(call: Call, applications: list[Application], conflicted: set[int]) -> bytes:
    """The call's submitted applications, with a summary sheet. The assessment columns stay
    empty for applications in ``conflicted`` (the reader may not see those assessments)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Søknader")[:31]
    headers = [
        _("Referanse"),
        _("Søker"),
        _("Prosjekttittel"),
        _("Status"),
        _("Omsøkt beløp"),
        _("Egeninnsats"),
        _("Innstilling"),
        _("Foreslått beløp"),
        _("Innvilget beløp"),
        _("Delmål"),
        _("Fylke"),
        _("Kommune"),
        _("Sendt inn"),
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    money_columns = (5, 6, 8, 9)
    for application in applications:
        assessment = None
        if application.pk not in conflicted:
            assessment = getattr(application, "assessment", None)
        submitted = application.submitted_at
        sheet.append(
            [
                application.reference,
                application.applicant.name,
                application.title,
                application.get_status_display(),
                application.requested_amount,
                application.own_contribution,
                assessment.get_recommendation_display() if assessment else None,
                assessment.recommended_amount if assessment else None,
                application.granted_amount,
                ", ".join(str(SubGoal(value).label) for value in application.sub_goals),
                application.county,
                application.municipality.split(": ", 1)[-1],
                timezone.localtime(submitted).replace(tzinfo=None) if submitted else None,
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                # Text the applicant wrote is text, never a formula the spreadsheet runs.
                cell.data_type = "s"
            if cell.column in money_columns:
                cell.number_format = MONEY_FORMAT
        row[12].number_format = "dd.mm.yyyy hh:mm"
    widths = (14, 30, 40, 24, 16, 16, 18, 16, 16, 40, 18, 22, 18)
    for letter, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"

    envelope = services.envelope_status(call)
    summary = workbook.create_sheet(_("Sammendrag")[:31])
    summary.append([_("Utlysning"), call.title])
    summary.append([_("År"), call.year])
    summary.append([_("Søknader sendt inn"), len(applications)])
    for label, key in (
        (_("Ramme"), "envelope"),
        (_("Omsøkt"), "applied"),
        (_("Innvilget"), "granted"),
        (_("Igjen av rammen"), "remaining"),
    ):
        summary.append([label, envelope[key]])
        summary.cell(row=summary.max_row, column=2).number_format = MONEY_FORMAT
    for cell in summary["A"]:
        cell.font = Font(bold=True)
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 40

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
