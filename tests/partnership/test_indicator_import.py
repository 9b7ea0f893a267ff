"""Importing indicator values from CSV and XLSX (issue 12 §4): a preview with every row's
problems, nothing saved until the file is clean, then all rows in one transaction; formulas
and Excel date serials refused per row; exports to xlsx (read back with openpyxl) and csv."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnership import services_indicators
from partnership.models import IndicatorValue, Period, today

from .indicator_fixtures import adopted_set, by_unit

pytestmark = pytest.mark.django_db

IMPORT_URL = "/styring/verdier/import/"


@pytest.fixture
def indicators(registry):
    return adopted_set(registry)


@pytest.fixture
def codes(indicators):
    return {unit: by_unit(indicators, unit).code for unit in indicator_import_units()}


def indicator_import_units():
    return ("count", "percent", "nok", "scale", "qualitative")


def _day(days_ago: int) -> str:
    return (today() - dt.timedelta(days=days_ago)).strftime("%d.%m.%Y")


def _csv(lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "verdier.csv", ("\n".join(lines) + "\n").encode("utf-8"), content_type="text/csv"
    )


def _xlsx(rows: list[list], *, name="verdier.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def _upload(client, file):
    return client.post(IMPORT_URL, {"file": file})


def _good_lines(codes) -> list[str]:
    return [
        "Kode;Dato;Verdi;Status;Vurdering;Kilde",
        f"{codes['count']};{_day(40)};12;;;Elevundersøkelsen",
        f"{codes['percent']};{_day(40)};55,5;;;",
        f"{codes['nok']};{_day(40)};1 250,00;;;Regnskap",
        f"{codes['scale']};{_day(40)};4;;;",
        f"{codes['qualitative']};{_day(40)};;Gul;Noe framgang;",
    ]


def test_a_good_file_is_previewed_then_imported_in_one_go(client, secretariat, codes):
    client.force_login(secretariat)
    response = _upload(client, _csv(_good_lines(codes)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "5 rader er klare til import" in html
    assert not IndicatorValue.objects.exists()  # nothing saved by the preview
    token = response.context["token"]
    response = client.post(reverse("reports:values_import_confirm"), {"rows": token})
    assert response.status_code == 302
    values = {v.indicator.code: v for v in IndicatorValue.objects.select_related("indicator")}
    assert values[codes["percent"]].value == Decimal("55.5")
    assert values[codes["nok"]].value == Decimal("1250")
    assert values[codes["qualitative"]].status == "amber"
    assert values[codes["qualitative"]].narrative == "Noe framgang"
    assert values[codes["count"]].entered_by == secretariat
    # Each imported row has its history row, by the person who imported it.
    assert IndicatorValue.history.filter(history_user=secretariat).count() == 5
    # The same file again: every row is already there; nothing is saved twice.
    again = client.post(reverse("reports:values_import_confirm"), {"rows": token})
    assert again.status_code == 400
    assert IndicatorValue.objects.count() == 5


def test_each_bad_row_is_shown_and_nothing_is_saved(client, secretariat, codes):
    client.force_login(secretariat)
    period = Period.objects.get()
    services_indicators.value_add(
        indicator=by_unit(services_indicators.set_in_force(), "count"),
        measured_on=today() - dt.timedelta(days=50),
        value=Decimal(3),
    )
    lines = [
        "Kode;Dato;Verdi;Status",
        f"{codes['count']};{_day(40)};mange;",  # text for a count
        f"{codes['percent']};{_day(40)};120;",  # 120 %
        f"{codes['scale']};{_day(40)};6;",  # 6 on a 1–5 scale
        f"{codes['count']};{(period.starts_on - dt.timedelta(days=1)).strftime('%d.%m.%Y')};3;",
        "9.99;" + _day(40) + ";3;",  # unknown indicator
        f"{codes['nok']};{_day(40)};100;",
        f"{codes['nok']};{_day(40)};200;",  # duplicate of the row above
        f"{codes['count']};{_day(50)};4;",  # already registered
        f"{codes['qualitative']};{_day(40)};;blå",
        f"{codes['percent']};{_day(30)};50;",  # fine
    ]
    response = _upload(client, _csv(lines))
    assert response.status_code == 400
    rows = {r.line: r.errors for r in response.context["preview"].rows}
    assert "«mange» er ikke et tall." in rows[2]
    assert any("0 og 100" in e for e in rows[3])
    assert any("1 til 5" in e for e in rows[4])
    assert any("utenfor avtaleperioden" in e for e in rows[5])
    assert any("Ukjent kjennetegn «9.99»" in e for e in rows[6])
    assert rows[7] == []
    assert any("Samme kjennetegn og dato som rad 7" in e for e in rows[8])
    assert any("allerede en verdi" in e for e in rows[9])
    assert any("grønn, gul eller rød" in e for e in rows[10])
    assert rows[11] == []
    html = response.content.decode()
    assert "8 rader har feil. Ingenting er lagret." in html
    assert response.context["token"] == ""
    assert IndicatorValue.objects.count() == 1


@pytest.mark.parametrize(
    ("lines", "text"),
    [
        (["Kode;Dato;Tall"], "Ukjente kolonner: «Tall»"),
        (["Indikator;Verdi", "1.1;3"], "Kolonner mangler: Kode, Dato"),
        (["Kode;Dato;Verdi"], "ingen rader"),
        (["Kode;Dato;Verdi", ";;"], "ingen rader"),
    ],
)
def test_wrong_columns_and_empty_files(client, secretariat, indicators, lines, text):
    client.force_login(secretariat)
    response = _upload(client, _csv(lines))
    assert response.status_code == 400
    assert text in " ".join(response.context["preview"].file_errors)


def test_an_empty_sheet_is_refused(client, secretariat, indicators):
    client.force_login(secretariat)
    response = _upload(client, _xlsx([]))
    assert response.status_code == 400
    assert response.context["preview"].file_errors


def test_a_file_that_is_no_spreadsheet_is_refused(client, secretariat, indicators):
    client.force_login(secretariat)
    pdf = SimpleUploadedFile("verdier.csv", b"%PDF-1.4\n%%EOF\n", content_type="text/csv")
    response = _upload(client, pdf)
    assert response.status_code == 400
    assert "CSV-fil eller et Excel-regneark" in response.content.decode()
    response = _upload(client, SimpleUploadedFile("tom.csv", b"", content_type="text/csv"))
    assert response.status_code == 400


def test_formulas_and_excel_date_serials_are_refused_per_row(client, secretariat, codes):
    client.force_login(secretariat)
    good_day = today() - dt.timedelta(days=40)
    serial = (good_day - dt.date(1899, 12, 30)).days
    response = _upload(
        client,
        _xlsx(
            [
                ["Code", "Date", "Value", "Status"],  # English headers read too
                [codes["count"], good_day, 5, None],
                [codes["percent"], good_day, "=40+5", None],
                [codes["scale"], serial, 3, None],
                [codes["nok"], good_day, 1500.5, None],
            ]
        ),
    )
    assert response.status_code == 400
    rows = {r.line: r.errors for r in response.context["preview"].rows}
    assert rows[2] == []
    assert any("Formel i Verdi" in e for e in rows[3])
    assert any("Excel-serienummer" in e and good_day.strftime("%Y") in e for e in rows[4])
    assert rows[5] == []
    assert not IndicatorValue.objects.exists()
    # Fixed (the date as a date, the number typed in) the same sheet imports.
    response = _upload(
        client,
        _xlsx(
            [
                ["Kode", "Dato", "Verdi", "Status"],
                [codes["count"], good_day, 5, None],
                [codes["percent"], good_day, 45, None],
                [codes["scale"], good_day, 3, None],
                [codes["nok"], good_day, 1500.5, None],
            ]
        ),
    )
    assert response.status_code == 200
    client.post(reverse("reports:values_import_confirm"), {"rows": response.context["token"]})
    assert IndicatorValue.objects.count() == 4


def test_a_tampered_confirmation_is_refused(client, secretariat, indicators):
    client.force_login(secretariat)
    response = client.post(reverse("reports:values_import_confirm"), {"rows": "x:y:z"})
    assert response.status_code == 400
    assert "utløpt eller ugyldig" in response.content.decode()


def test_the_xlsx_export_reads_back_with_real_numbers_and_dates(client, partner_leader, codes):
    count = by_unit(services_indicators.set_in_force(), "count")
    qualitative = by_unit(services_indicators.set_in_force(), "qualitative")
    day = today() - dt.timedelta(days=20)
    services_indicators.value_add(indicator=count, measured_on=day, value=Decimal(12))
    services_indicators.value_add(
        indicator=qualitative, measured_on=day, status="red", narrative="=HYPERLINK(x)"
    )
    partner_leader.preferred_language = "en"
    partner_leader.save(update_fields=["preferred_language"])
    client.force_login(partner_leader)
    response = client.get(reverse("reports:values_export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Code", "Indicator", "Unit", "Date", "Value")
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code[count.code][3] == dt.datetime.combine(day, dt.time())
    assert by_code[count.code][4] == 12
    assert by_code[qualitative.code][5] == "Red"
    narrative_cell = next(c for c in sheet[3] if c.value == "=HYPERLINK(x)")
    assert narrative_cell.data_type == "s"  # text that looks like a formula stays text
    partner_leader.preferred_language = "nb"
    partner_leader.save(update_fields=["preferred_language"])
    csv_response = client.get(reverse("reports:values_export", args=["csv"]))
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Kode;Kjennetegn;Enhet;Dato;Verdi")
    assert f"{count.code};" in text and day.strftime("%d.%m.%Y") in text
