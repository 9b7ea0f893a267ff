"""Partnerpotten's spreadsheet export (xlsx) of a call's applications, written by the portal's
one spreadsheet writer (``partnership.xlsx``: real numbers and dates in the portal's formats,
headers in the reader's language, text that looks like a formula kept as text)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from partnership import xlsx
from partnership.xlsx import Column, Sheet

from . import services
from .models import Application, Call, SubGoal

XLSX_CONTENT_TYPE = xlsx.XLSX_CONTENT_TYPE


def call_workbook(call: Call, applications: list[Application], conflicted: set[int]) -> bytes:
    """The call's submitted applications, with a summary sheet. The assessment columns stay
    empty for applications in ``conflicted`` (the reader may not see those assessments)."""
    columns = [
        Column(_("Referanse"), width=14),
        Column(_("Søker"), width=30),
        Column(_("Prosjekttittel"), width=40),
        Column(_("Status"), width=24),
        Column(_("Omsøkt beløp"), "money", 16),
        Column(_("Egeninnsats"), "money", 16),
        Column(_("Innstilling"), width=18),
        Column(_("Foreslått beløp"), "money", 16),
        Column(_("Innvilget beløp"), "money", 16),
        Column(_("Delmål"), width=40),
        Column(_("Fylke"), width=18),
        Column(_("Kommune"), width=22),
        Column(_("Sendt inn"), "datetime", 18),
    ]
    rows = []
    for application in applications:
        assessment = None
        if application.pk not in conflicted:
            assessment = getattr(application, "assessment", None)
        rows.append(
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
                application.submitted_at,
            ]
        )
    envelope = services.envelope_status(call)
    summary = [
        [_("År"), call.year],
        [_("Søknader sendt inn"), len(applications)],
        *(
            [label, envelope[key]]
            for label, key in (
                (_("Ramme"), "envelope"),
                (_("Omsøkt"), "applied"),
                (_("Innvilget"), "granted"),
                (_("Igjen av rammen"), "remaining"),
            )
        ),
    ]
    return xlsx.workbook(
        [
            Sheet(_("Søknader"), columns, rows),
            # A label/value sheet whose first row is the call itself.
            Sheet(
                _("Sammendrag"),
                [Column(_("Utlysning"), width=24), Column(call.title, "auto", 40)],
                summary,
                bold_first_column=True,
            ),
        ]
    )
