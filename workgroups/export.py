"""Budget against actuals as a spreadsheet (xlsx) and as csv, written by the portal's one
spreadsheet writer (``partnership.xlsx``).

xlsx: one sheet per view (by month, by line, and for a group its entries), real numbers in the
portal's money format and real dates, headers in the reader's language, text a spreadsheet
would take for a formula kept as text. csv: the by-month view, Norwegian style (semicolons,
decimal comma, no thousands separator) with a byte-order mark so spreadsheets read UTF-8.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats as django_formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from partnership import xlsx
from partnership.xlsx import Column, Sheet

from .actuals import Actuals
from .models import AccountEntry

XLSX_CONTENT_TYPE = xlsx.XLSX_CONTENT_TYPE


def _month_name(month: int) -> str:
    return capfirst(django_formats.date_format(dt.date(2000, month, 1), "F"))


def _month_rows(actuals: Actuals) -> list[list]:
    rows = [
        [
            _month_name(m.month),
            m.committed,
            m.spent,
            m.used,
            m.cumulative,
            actuals.allocated - m.cumulative,
        ]
        for m in actuals.months
    ]
    rows.append(
        [_("Sum"), actuals.committed, actuals.spent, actuals.used, actuals.used, actuals.remaining]
    )
    return rows


def _month_sheet(actuals: Actuals) -> Sheet:
    return Sheet(
        _("Per måned"),
        [
            Column(_("Måned"), width=14),
            Column(_("Forpliktet"), "money", 16),
            Column(_("Betalt"), "money", 16),
            Column(_("Brukt i måneden"), "money", 18),
            Column(_("Brukt hittil"), "money", 16),
            Column(_("Igjen"), "money", 16),
        ],
        _month_rows(actuals),
    )


def entry_columns() -> list[Column]:
    """The columns of a working group's account entries (shared with the reports' export)."""
    return [
        Column(_("Dato"), "date", 12),
        Column(_("Beskrivelse"), width=40),
        Column(_("Kategori"), width=20),
        Column(_("Tiltak"), width=24),
        Column(_("Leverandør"), width=24),
        Column(_("Status"), width=12),
        Column(_("Godkjenning"), width=24),
        Column(_("Bokført"), width=10),
        Column(_("Beløp"), "money", 16),
    ]


def entry_row(e: AccountEntry) -> list:
    return [
        e.date,
        e.description,
        e.get_category_display(),
        e.measure_label,
        e.supplier,
        e.get_status_display(),
        e.get_approval_display(),
        _("Ja") if e.is_booked else _("Nei"),
        e.amount,
    ]


def workbook(actuals: Actuals, *, entries: list[AccountEntry] | None = None) -> bytes:
    line_rows = [
        [row.label, row.allocated, row.committed, row.spent, row.remaining] for row in actuals.lines
    ]
    line_rows.append(
        [_("Sum"), sum((r.allocated for r in actuals.lines), 0) or None, None, None, None]
    )
    sheets = [
        _month_sheet(actuals),
        Sheet(
            _("Per post"),
            [
                Column(_("Post"), width=44),
                Column(_("Bevilget"), "money", 16),
                Column(_("Forpliktet"), "money", 16),
                Column(_("Betalt"), "money", 16),
                Column(_("Igjen"), "money", 16),
            ],
            line_rows,
        ),
        Sheet(
            _("Sammendrag"),
            [Column(_("Nøkkeltall"), width=24), Column(_("Beløp"), "money", 18)],
            [
                [_("Bevilget"), actuals.allocated],
                [_("Forpliktet"), actuals.committed],
                [_("Betalt"), actuals.spent],
                [_("Igjen"), actuals.remaining],
                [_("Prognose for året"), actuals.forecast],
            ],
        ),
    ]
    if entries is not None:
        sheets.append(Sheet(_("Poster"), entry_columns(), [entry_row(e) for e in entries]))
    return xlsx.workbook(sheets)


def csv_text(actuals: Actuals) -> str:
    return xlsx.csv_text(_month_sheet(actuals))
