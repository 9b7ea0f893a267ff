"""Budget against actuals as a spreadsheet (xlsx, openpyxl) and as csv.

xlsx: one sheet per view (by month, by line, and for a group its entries), real numbers in the
portal's money format and real dates, headers in the reader's language, text a spreadsheet
would take for a formula kept as text. csv: the by-month view, Norwegian style (semicolons,
decimal comma, no thousands separator) with a byte-order mark so spreadsheets read UTF-8.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils import formats as django_formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from partnership import formats

from .actuals import Actuals
from .models import AccountEntry

MONEY_FORMAT = formats.XLSX_MONEY_FORMAT
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@")


def _month_name(month: int) -> str:
    return capfirst(django_formats.date_format(dt.date(2000, month, 1), "F"))


def _sheet(workbook, title: str, headers: list[str], rows: list[list], money_columns=(), widths=()):
    sheet = workbook.create_sheet(title[:31])
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"
            if cell.column in money_columns:
                cell.number_format = MONEY_FORMAT
            if isinstance(cell.value, dt.date):
                cell.number_format = "dd.mm.yyyy"
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


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


def _month_headers() -> list[str]:
    return [
        _("Måned"),
        _("Forpliktet"),
        _("Betalt"),
        _("Brukt i måneden"),
        _("Brukt hittil"),
        _("Igjen"),
    ]


def workbook(actuals: Actuals, *, entries: list[AccountEntry] | None = None) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _sheet(
        book,
        _("Per måned"),
        _month_headers(),
        _month_rows(actuals),
        (2, 3, 4, 5, 6),
        (14, 16, 16, 18, 16, 16),
    )
    line_rows = [
        [row.label, row.allocated, row.committed, row.spent, row.remaining] for row in actuals.lines
    ]
    line_rows.append(
        [_("Sum"), sum((r.allocated for r in actuals.lines), 0) or None, None, None, None]
    )
    _sheet(
        book,
        _("Per post"),
        [_("Post"), _("Bevilget"), _("Forpliktet"), _("Betalt"), _("Igjen")],
        line_rows,
        (2, 3, 4, 5),
        (44, 16, 16, 16, 16),
    )
    _sheet(
        book,
        _("Sammendrag"),
        [_("Nøkkeltall"), _("Beløp")],
        [
            [_("Bevilget"), actuals.allocated],
            [_("Forpliktet"), actuals.committed],
            [_("Betalt"), actuals.spent],
            [_("Igjen"), actuals.remaining],
            [_("Prognose for året"), actuals.forecast],
        ],
        (2,),
        (24, 18),
    )
    if entries is not None:
        _sheet(
            book,
            _("Poster"),
            [
                _("Dato"),
                _("Beskrivelse"),
                _("Kategori"),
                _("Tiltak"),
                _("Leverandør"),
                _("Status"),
                _("Godkjenning"),
                _("Bokført"),
                _("Beløp"),
            ],
            [
                [
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
                for e in entries
            ],
            (9,),
            (12, 40, 20, 24, 24, 12, 24, 10, 16),
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_amount(value) -> str:
    if value is None:
        return ""
    return f"{value:.2f}".replace(".", ",")


def csv_text(actuals: Actuals) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(_month_headers())
    for row in _month_rows(actuals):
        label, *amounts = row
        writer.writerow([label, *(_csv_amount(a) for a in amounts)])
    return buffer.getvalue()
