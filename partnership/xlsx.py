"""The one spreadsheet writer of the portal: xlsx through openpyxl and csv through the csv module.

Every export (Partnerpotten's call, the economy's budget against actuals, the reports app's
exports) describes its sheets as ``Sheet`` values (a title, typed ``Column``s and rows of
Python values) and lets this module write them, so that the conventions live in one place:

- real numbers and dates in the cells, shown the Norwegian way through ``number_format``
  (money ``1 500 000,00 kr``, dates ``dd.mm.yyyy``);
- bold, frozen headers in the reader's language (the caller translates them);
- text that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``) kept as text;
- a sheet with no rows holds its headers and a note saying so, never an error.

csv is Norwegian style too: semicolons, decimal comma without thousands separator, dates
``dd.mm.yyyy``, a byte-order mark so spreadsheet programs read UTF-8.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .formats import XLSX_MONEY_FORMAT

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@")
DATE_FORMAT = "dd.mm.yyyy"
DATETIME_FORMAT = "dd.mm.yyyy hh:mm"
NUMBER_FORMATS = {
    "money": XLSX_MONEY_FORMAT,
    "number": "#,##0.00",
    "integer": "0",
    "date": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
}
SHEET_TITLE_MAX = 31  # Excel's limit


@dataclass(frozen=True)
class Column:
    """A column: its (translated) header, the kind of value it holds (``text``, ``money``,
    ``number``, ``integer``, ``date``, ``datetime``, or ``auto``: each cell by its value, a
    ``Decimal`` as money, for label/value summaries) and its width in characters."""

    header: str
    kind: str = "text"
    width: int = 18

    def __post_init__(self):
        if self.kind not in ("text", "auto") and self.kind not in NUMBER_FORMATS:
            raise ValueError(self.kind)


@dataclass
class Sheet:
    """One sheet: ``rows`` are sequences of Python values in column order (``Decimal``,
    ``int``, ``date``, aware ``datetime``, ``str`` or ``None``). ``empty_note`` is written under
    the headers when there are no rows; ``bold_first_column`` for label/value summaries."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence] = field(default_factory=list)
    empty_note: str = ""
    bold_first_column: bool = False


def _cell_value(value):
    if isinstance(value, dt.datetime):
        # Spreadsheets have no time zones: the Oslo wall-clock time.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    return value


def _write_sheet(book: Workbook, sheet: Sheet) -> None:
    ws = book.create_sheet(sheet.title[:SHEET_TITLE_MAX])
    ws.append([str(c.header) for c in sheet.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    formats = [NUMBER_FORMATS.get(c.kind) for c in sheet.columns]
    count = 0
    for row in sheet.rows:
        count += 1
        ws.append([_cell_value(v) for v in row])
        for cell, number_format in zip(ws[ws.max_row], formats, strict=False):
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                # Text someone wrote is text, never a formula the spreadsheet runs.
                cell.data_type = "s"
            elif number_format and cell.value is not None:
                cell.number_format = number_format
            elif isinstance(cell.value, Decimal):
                cell.number_format = XLSX_MONEY_FORMAT
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
    if count == 0 and sheet.empty_note:
        ws.append([str(sheet.empty_note)])
        ws.cell(row=2, column=1).font = Font(italic=True)
    if sheet.bold_first_column:
        for cell in ws["A"]:
            cell.font = Font(bold=True)
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"


def workbook(sheets: Iterable[Sheet]) -> bytes:
    """An xlsx file with one sheet per ``Sheet``, in order."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_sheet(book, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_value(value, kind: str = "text") -> str:
    """One value as Norwegian csv text: ``1234,50``, ``03.12.2026``, ``03.12.2026 10:00``."""
    if value is None:
        return ""
    money_like = kind in ("money", "number") and isinstance(value, int)
    if isinstance(value, Decimal | float) or money_like:
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, dt.datetime):
        return _cell_value(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def csv_text(sheet: Sheet) -> str:
    """The sheet as csv (with a byte-order mark); no rows: the headers and the note."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(c.header) for c in sheet.columns])
    count = 0
    for row in sheet.rows:
        count += 1
        writer.writerow([csv_value(v, c.kind) for v, c in zip(row, sheet.columns, strict=False)])
    if count == 0 and sheet.empty_note:
        writer.writerow([str(sheet.empty_note)])
    return buffer.getvalue()


def download(content: bytes | str, *, fmt: str, name: str) -> HttpResponse:
    """An attachment response for an export: ``fmt`` is ``xlsx`` or ``csv``."""
    if fmt == "xlsx":
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    elif fmt == "csv":
        data = content.encode("utf-8") if isinstance(content, str) else content
        response = HttpResponse(data, content_type=CSV_CONTENT_TYPE)
    else:
        raise ValueError(fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
