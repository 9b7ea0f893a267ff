"""Indicator values in and out of spreadsheets (issue 12 §4): CSV and XLSX read with tablib,
checked row by row before anything is saved, and exported to xlsx and csv.

Reading: the upload has already passed the portal's upload checks (size, type judged from the
bytes, zip bombs: ``partnership.uploads.check_upload`` and ``partnership.safezip``). tablib
reads the first sheet (values, not formulas); openpyxl looks at the same sheet once more,
read-only, to find formulas, which are refused (their cached results may be stale, and an
import should carry numbers someone typed or copied). Excel date serials (a date column holding
a number) are refused with the date they probably mean, so nobody imports 1.1.1900 by accident.

The header row may be in Norwegian bokmål, nynorsk or English (the export's headers in any of
the portal's languages read back).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
from django.conf import settings
from django.core import signing
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from tablib.formats._xlsx import XLSXFormat

from . import formats, safezip
from .models import Indicator, IndicatorValue
from .models_indicators import RagStatus, Unit
from .selectors_indicators import indicators_in_force
from .services_indicators import CleanRow, agreement_periods, number_problem, period_problem

MAX_ROWS = 5000
EXCEL_EPOCH = dt.date(1899, 12, 30)
FORMULA_START = ("=", "+", "@")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The file's columns: key → header (translated). "name", "unit" and "entered_by" are in the
# export for people to read; an import ignores them.
COLUMNS = {
    "code": gettext_lazy("Kode"),
    "name": gettext_lazy("Kjennetegn"),
    "unit": gettext_lazy("Enhet"),
    "date": gettext_lazy("Dato"),
    "value": gettext_lazy("Verdi"),
    "status": gettext_lazy("Status"),
    "narrative": gettext_lazy("Vurdering"),
    "source": gettext_lazy("Kilde"),
    "entered_by": gettext_lazy("Registrert av"),
}
REQUIRED = ("code", "date")
IGNORED = ("name", "unit", "entered_by")
EXPORT_COLUMNS = ("code", "name", "unit", "date", "value", "status", "narrative", "source")


def _norm(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


def _in_every_language(lazy) -> set[str]:
    found = {_norm(lazy)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(_norm(str(lazy)))
    return found


def _header_map() -> dict[str, str]:
    names = {}
    for key, label in COLUMNS.items():
        names[key] = key
        for text in _in_every_language(label):
            names[text] = key
    return names


def _status_map() -> dict[str, str]:
    names = {}
    for member in RagStatus:
        names[member.value] = member.value
        for text in _in_every_language(member.label):
            names[text] = member.value
    return names


class FileProblem(Exception):
    """The file as a whole cannot be read (no rows, wrong columns, not a spreadsheet)."""


@dataclass
class RowReport:
    line: int
    cells: dict
    errors: list[str] = field(default_factory=list)
    clean: CleanRow | None = None


@dataclass
class Preview:
    rows: list[RowReport]
    file_errors: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[RowReport]:
        return [r for r in self.rows if r.errors]

    @property
    def is_clean(self) -> bool:
        return not self.file_errors and bool(self.rows) and not self.bad_rows

    @property
    def clean_rows(self) -> list[CleanRow]:
        return [r.clean for r in self.rows if r.clean is not None]


# --- Reading -----------------------------------------------------------------------------------
def _read_csv(data: bytes) -> tuple[tablib.Dataset, set]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(_("CSV-filen må være lagret som UTF-8.")) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    dataset = tablib.Dataset()
    try:
        dataset.load(io.StringIO(text), format="csv", delimiter=delimiter)
    except (tablib.InvalidDimensions, csv.Error):
        raise FileProblem(_("En rad har flere kolonner enn overskriftsraden.")) from None
    formulas = {
        (line, column)
        for line, row in enumerate(dataset, start=2)
        for column, value in enumerate(row)
        if isinstance(value, str)
        and value.strip().startswith(FORMULA_START)
        and not re.fullmatch(r"\+\d[\d\s.,]*", value.strip())
    }
    return dataset, formulas


def _read_xlsx(data: bytes) -> tuple[tablib.Dataset, set]:
    try:
        safezip.open_checked(io.BytesIO(data)).close()
    except safezip.UnsafeArchive:
        raise FileProblem(_("Regnearket kan ikke leses.")) from None
    dataset = tablib.Dataset()
    try:
        dataset.load(io.BytesIO(data), format="xlsx")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except tablib.InvalidDimensions:
        raise FileProblem(_("En rad har flere kolonner enn overskriftsraden.")) from None
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise FileProblem(_("Regnearket kan ikke leses.")) from None
    formulas = set()
    try:
        for line, row in enumerate(workbook.active.iter_rows(min_row=2), start=2):
            for column, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f":
                    formulas.add((line, column))
            if line > MAX_ROWS + 1:
                break
    finally:
        workbook.close()
    return dataset, formulas


def read(data: bytes, content_type: str) -> tuple[tablib.Dataset, set]:
    if content_type == XLSX_CONTENT_TYPE:
        return _read_xlsx(data)
    return _read_csv(data)


# --- Cells -------------------------------------------------------------------------------------
def _excel_date(serial: float) -> dt.date | None:
    try:
        return EXCEL_EPOCH + dt.timedelta(days=int(serial))
    except (OverflowError, ValueError):
        return None


def _date(cell) -> tuple[dt.date | None, str | None]:
    if isinstance(cell, dt.datetime):
        return cell.date(), None
    if isinstance(cell, dt.date):
        return cell, None
    serial = None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        serial = cell
    text = str(cell or "").strip()
    if serial is None and re.fullmatch(r"\d{4,6}(\.\d+)?", text):
        serial = float(text)
    if serial is not None:
        meant = _excel_date(serial)
        return None, _(
            "Datoen står som et Excel-serienummer (%(serial)s, trolig %(date)s). Formater "
            "cellen som dato, eller skriv datoen som %(date)s."
        ) % {"serial": text or serial, "date": formats.date(meant) if meant else "?"}
    if not text:
        return None, _("Datoen mangler.")
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%d.%m.%y"):
        try:
            return dt.datetime.strptime(text, pattern).date(), None  # noqa: DTZ007 - a date
        except ValueError:
            continue
    return None, _("«%(text)s» er ikke en dato. Skriv datoen som 31.12.2025 eller 2025-12-31.") % {
        "text": text[:40]
    }


def parse_number(cell, unit: str) -> tuple[Decimal | None, str | None]:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None, None
    if isinstance(cell, bool):
        return None, _("Verdien må være et tall.")
    if isinstance(cell, int | float | Decimal):
        try:
            return Decimal(str(cell)), None
        except InvalidOperation:
            return None, _("Verdien må være et tall.")
    text = str(cell).strip().replace("\u00a0", "").replace(" ", "")
    if unit == Unit.PERCENT:
        text = text.rstrip("%")
    if unit == Unit.NOK:
        text = re.sub(r"(?i)(kr\.?|nok)$", "", text)
    if re.fullmatch(r"-?\d+([.,]\d+)?", text):
        return Decimal(text.replace(",", ".")), None
    return None, _("«%(text)s» er ikke et tall.") % {"text": str(cell).strip()[:40]}


def _text(cell) -> str:
    if cell is None:
        return ""
    return str(cell).strip()


# --- The preview ---------------------------------------------------------------------------------
def _columns(headers) -> dict[str, int]:
    known = _header_map()
    found: dict[str, int] = {}
    unknown = []
    for index, header in enumerate(headers or []):
        if header is None or not str(header).strip():
            continue
        key = known.get(_norm(header))
        if key is None:
            unknown.append(str(header).strip())
        elif key in found:
            raise FileProblem(_("Kolonnen «%(name)s» står to ganger.") % {"name": header})
        else:
            found[key] = index
    problems = []
    expected = ", ".join(str(COLUMNS[k]) for k in ("code", "date", "value", "status"))
    if unknown:
        problems.append(
            _("Ukjente kolonner: %(names)s. Filen skal ha kolonnene %(expected)s.")
            % {"names": ", ".join(f"«{u[:40]}»" for u in unknown[:5]), "expected": expected}
        )
    missing = [str(COLUMNS[k]) for k in REQUIRED if k not in found]
    if "value" not in found and "status" not in found:
        missing.append(f"{COLUMNS['value']}/{COLUMNS['status']}")
    if missing:
        problems.append(
            _("Kolonner mangler: %(names)s. Filen skal ha kolonnene %(expected)s.")
            % {"names": ", ".join(missing), "expected": expected}
        )
    if problems:
        raise FileProblem(" ".join(problems))
    return found


def preview(data: bytes, content_type: str) -> Preview:
    """Read and check every row; nothing is saved."""
    try:
        dataset, formulas = read(data, content_type)
        columns = _columns(dataset.headers)
    except FileProblem as exc:
        return Preview(rows=[], file_errors=[str(exc)])
    rows = [row for row in dataset if any(_text(c) for c in row)]
    if not rows:
        return Preview(rows=[], file_errors=[_("Filen har ingen rader med verdier.")])
    if len(dataset) > MAX_ROWS:
        return Preview(
            rows=[],
            file_errors=[_("Filen har mer enn %(max)s rader. Del den opp.") % {"max": MAX_ROWS}],
        )
    indicators = {i.code.casefold(): i for i in indicators_in_force()}
    existing = set(
        IndicatorValue.objects.filter(indicator__in=list(indicators.values())).values_list(
            "indicator_id", "measured_on"
        )
    )
    periods = agreement_periods()
    statuses = _status_map()
    headers = {index: key for key, index in columns.items()}
    seen: dict[tuple, int] = {}
    reports = []
    for line, row in enumerate(dataset, start=2):
        if not any(_text(c) for c in row):
            continue
        cells = {key: row[index] for key, index in columns.items() if key not in IGNORED}
        report = RowReport(line=line, cells={k: _text(v) for k, v in cells.items()})
        reports.append(report)
        errors = report.errors
        formula_columns = sorted(
            str(COLUMNS[headers[c]]) for (ln, c) in formulas if ln == line and c in headers
        )
        if formula_columns:
            errors.append(
                _("Formel i %(columns)s: skriv inn selve verdien i stedet for en formel.")
                % {"columns": ", ".join(formula_columns)}
            )
            continue
        code = _text(cells.get("code"))
        indicator: Indicator | None = indicators.get(code.casefold())
        if not code:
            errors.append(_("Koden for kjennetegnet mangler."))
        elif indicator is None:
            errors.append(
                _("Ukjent kjennetegn «%(code)s»: ingen kjennetegn i kraft har den koden.")
                % {"code": code[:40]}
            )
        measured_on, problem = _date(cells.get("date"))
        if problem:
            errors.append(problem)
        elif measured_on is not None:
            problem = period_problem(measured_on, periods)
            if problem:
                errors.append(problem)
        if indicator is None:
            continue
        value, status = None, ""
        raw_status = _text(cells.get("status"))
        if indicator.unit == Unit.QUALITATIVE:
            status = statuses.get(_norm(raw_status), "")
            if not status:
                errors.append(
                    _("Status må være grønn, gul eller rød for «%(code)s».") % {"code": code}
                )
            if _text(cells.get("value")):
                errors.append(_("Et kvalitativt kjennetegn får en status, ikke et tall."))
        else:
            value, problem = parse_number(cells.get("value"), indicator.unit)
            if problem:
                errors.append(problem)
            elif value is None:
                errors.append(_("Verdien mangler."))
            else:
                problem = number_problem(indicator.unit, value)
                if problem:
                    errors.append(problem)
            if raw_status:
                errors.append(_("Status brukes bare for kvalitative kjennetegn."))
        if measured_on is not None:
            key = (indicator.pk, measured_on)
            if key in seen:
                errors.append(_("Samme kjennetegn og dato som rad %(line)s.") % {"line": seen[key]})
            else:
                seen[key] = line
            if key in existing:
                errors.append(_("Kjennetegnet har allerede en verdi for denne datoen."))
        if not errors:
            report.clean = CleanRow(
                indicator=indicator,
                measured_on=measured_on,
                value=value,
                status=status,
                narrative=_text(cells.get("narrative"))[:5000],
                source_note=_text(cells.get("source"))[:300],
            )
    return Preview(rows=reports)


# --- Carrying a clean preview to the confirmation ------------------------------------------------
SALT = "partnership.indicator_import"


def sign_rows(rows: list[CleanRow]) -> str:
    return signing.dumps(
        [
            [
                r.indicator.pk,
                r.measured_on.isoformat(),
                None if r.value is None else str(r.value),
                r.status,
                r.narrative,
                r.source_note,
            ]
            for r in rows
        ],
        salt=SALT,
        compress=True,
    )


def unsign_rows(token: str, *, max_age: int = 3600) -> list[CleanRow]:
    """The rows of a preview, checked again against what holds now (``ValidationError``s are
    the service's; a bad or old token is ``signing.BadSignature``)."""
    data = signing.loads(token, salt=SALT, max_age=max_age)
    indicators = {i.pk: i for i in indicators_in_force().filter(pk__in={r[0] for r in data})}
    rows = []
    for pk, day, value, status, narrative, source in data:
        indicator = indicators.get(pk)
        if indicator is None:
            raise signing.BadSignature("indicator no longer in force")
        rows.append(
            CleanRow(
                indicator=indicator,
                measured_on=dt.date.fromisoformat(day),
                value=None if value is None else Decimal(value),
                status=status,
                narrative=narrative,
                source_note=source,
            )
        )
    return rows


# --- Export --------------------------------------------------------------------------------------
def _dataset(values) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=[str(COLUMNS[k]).capitalize() for k in EXPORT_COLUMNS])
    dataset.title = _("Verdier")
    for row in values:
        dataset.append(
            [
                row.indicator.code,
                row.indicator.name,
                str(Unit(row.unit).label),
                row.measured_on,
                row.value,
                str(RagStatus(row.status).label) if row.status else "",
                row.narrative,
                row.source_note,
            ]
        )
    return dataset


def export_xlsx(values) -> bytes:
    """Real numbers and dates, headers in the reader's language, formula-like text kept as
    text."""
    workbook = Workbook()
    sheet = workbook.active
    dataset = _dataset(values)
    sheet.title = str(dataset.title)
    XLSXFormat.dset_sheet(dataset, sheet)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
            elif isinstance(cell.value, dt.date | dt.datetime):
                cell.number_format = "dd.mm.yyyy"
    for letter, width in zip("ABCDEFGH", (10, 40, 14, 12, 14, 10, 50, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_csv(values) -> bytes:
    """Norwegian style: semicolons, decimal comma, dates as 31.12.2025, a byte-order mark."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    dataset = _dataset(values)
    writer.writerow(dataset.headers)
    for row in dataset:
        writer.writerow(
            [
                cell.strftime("%d.%m.%Y")
                if isinstance(cell, dt.date)
                else (str(cell).replace(".", ",") if isinstance(cell, Decimal) else cell)
                for cell in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
