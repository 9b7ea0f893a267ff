"""The call's xlsx export, parsed back with openpyxl: the values, the totals, the number
formats, the conflicted viewer's empty assessment columns and text that looks like a formula."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from meetings.models import OSLO
from partnerpot import services
from partnerpot.models import Application
from tests.partnerpot.factories import assessed_application, at_meeting, on_agenda, open_call

pytestmark = pytest.mark.django_db

HEADERS = [
    "Referanse",
    "Søker",
    "Prosjekttittel",
    "Status",
    "Omsøkt beløp",
    "Egeninnsats",
    "Innstilling",
    "Foreslått beløp",
    "Innvilget beløp",
    "Delmål",
    "Fylke",
    "Kommune",
    "Sendt inn",
]


@pytest.fixture
def decided(registry, partner_rep, secretariat, admin):
    """FUG's application partly granted 80 000 of 100 000; Udir's (the secretariat persona is
    conflicted on it) on the agenda, with a recommendation made by the admin."""
    call = open_call(envelope="150000", max_per_application="100000", by=secretariat)
    fug = assessed_application(
        call=call, applicant=registry.partner, by=partner_rep, assessor=secretariat
    )
    udir = assessed_application(
        call=call,
        applicant=registry.udir,
        by=secretariat,
        assessor=admin,
        title='=HYPERLINK("https://example.org")',
    )
    on_agenda(call=call, applications=[fug, udir], by=secretariat)
    with at_meeting(call.deciding_meeting):
        fug = services.application_decide(
            application=fug,
            outcome=Application.Status.PARTLY_GRANTED,
            amount="80 000",
            reason="Høye reisekostnader.",
            by=admin,
        )
    return call, fug, udir


def _export(client, call):
    response = client.get(reverse("partnerpot:call_export", args=[call.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet) -> dict[str, dict]:
    header = [cell.value for cell in sheet[1]]
    return {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}


def test_export_values_and_totals(login, decided, secretariat):
    call, fug, udir = decided
    workbook = _export(login(secretariat), call)
    assert workbook.sheetnames == ["Søknader", "Sammendrag"]
    sheet = workbook["Søknader"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    rows = _rows(sheet)
    assert set(rows) == {fug.reference, udir.reference}

    row = rows[fug.reference]
    assert row["Søker"].value == "Foreldreutvalget for grunnopplæringen"
    assert row["Status"].value == "Delvis innvilget"
    assert Decimal(str(row["Omsøkt beløp"].value)) == Decimal("100000")
    assert Decimal(str(row["Egeninnsats"].value)) == Decimal("20000")
    assert row["Innstilling"].value == "Innvilges"
    assert Decimal(str(row["Foreslått beløp"].value)) == Decimal("100000")
    assert Decimal(str(row["Innvilget beløp"].value)) == Decimal("80000")
    assert "kr" in row["Innvilget beløp"].number_format
    assert row["Delmål"].value.startswith("Bidra til at barn og unge blir involvert")
    assert (row["Fylke"].value, row["Kommune"].value) == ("Vestland", "Bergen")
    submitted = fug.submitted_at.astimezone(OSLO).replace(tzinfo=None, microsecond=0)
    assert abs(row["Sendt inn"].value - submitted) < dt.timedelta(seconds=1)

    summary = {row[0].value: row[1] for row in workbook["Sammendrag"].iter_rows()}
    assert summary["Søknader sendt inn"].value == 2
    assert Decimal(str(summary["Ramme"].value)) == Decimal("150000")
    assert Decimal(str(summary["Omsøkt"].value)) == Decimal("200000")
    assert Decimal(str(summary["Innvilget"].value)) == Decimal("80000")
    assert Decimal(str(summary["Igjen av rammen"].value)) == Decimal("70000")
    assert "kr" in summary["Igjen av rammen"].number_format


def test_export_leaves_the_assessment_empty_for_a_conflicted_viewer(
    login, decided, secretariat, admin
):
    call, _fug, udir = decided
    rows = _rows(_export(login(secretariat), call)["Søknader"])
    assert rows[udir.reference]["Innstilling"].value is None
    assert rows[udir.reference]["Foreslått beløp"].value is None
    assert Decimal(str(rows[udir.reference]["Omsøkt beløp"].value)) == Decimal("100000")
    rows = _rows(_export(login(admin), call)["Søknader"])
    assert rows[udir.reference]["Innstilling"].value == "Innvilges"


def test_text_that_looks_like_a_formula_stays_text(login, decided, admin):
    call, _fug, udir = decided
    cell = _rows(_export(login(admin), call)["Søknader"])[udir.reference]["Prosjekttittel"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("https://example.org")'


def test_export_is_the_secretariats(login, decided, partner_rep, user):
    call, _fug, _udir = decided
    url = reverse("partnerpot:call_export", args=[call.pk])
    assert login(partner_rep).get(url).status_code == 403
    assert login(user).get(url).status_code == 403
