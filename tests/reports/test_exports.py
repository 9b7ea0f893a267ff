"""Exports (issue 14 §3), read back with openpyxl and csv: one sheet per table, real numbers and
dates with Norwegian formats, headers in the reader's language, filters, an empty filter giving
headers and a note, and only what each role may see (another partner's draft, exempt items,
the conflicted reader's recommendation)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from partnerpot import services as partnerpot_services
from partnerpot.models import Application
from reports import exports
from workgroups import services as workgroups_services

from ..partnerpot.factories import (
    assessed_application,
    at_meeting,
    draft_application,
    on_agenda,
    open_call,
)
from ..workgroups.factories import adopted_budget
from .factories_briefing import held_period

pytestmark = pytest.mark.django_db

SHEETS = ["Vedtak", "Saker", "Søknader", "Tilskudd", "Regnskap", "Kjennetegn – verdier"]


def _xlsx(client, **params):
    response = client.get(reverse("reports:export_download"), {"format": "xlsx", **params})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.content))


def _csv(client, entity, **params):
    response = client.get(
        reverse("reports:export_download"), {"format": "csv", "entity": entity, **params}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def _column(sheet, header) -> list:
    headers = [c.value for c in sheet[1]]
    index = headers.index(header)
    return [row[index].value for row in sheet.iter_rows(min_row=2)]


@pytest.fixture
def world(registry, secretariat, partner_rep, admin):
    """A held Partnermøte (an exempt item and decision on it), FUG's draft application, Udir's
    submitted one assessed by the admin (the secretariat persona acts for Udir: conflicted),
    and an account entry of the local working group."""
    period = held_period(body=registry.partners_meeting, by=secretariat)
    call = open_call(by=secretariat)
    draft = draft_application(
        call=call, applicant=registry.partner, by=partner_rep, title="FUG sitt utkast"
    )
    udir = assessed_application(
        call=call, applicant=registry.udir, by=secretariat, assessor=admin, title="Udir-søknad"
    )
    return {"period": period, "draft": draft, "udir": udir, "call": call}


def test_one_sheet_per_table_with_norwegian_formats(login, world, secretariat):
    book = _xlsx(login(secretariat))
    assert book.sheetnames == SHEETS
    decisions = book["Vedtak"]
    assert [c.value for c in decisions[1]][:3] == ["Vedtak", "Vedtaksdato", "Organ"]
    titles = _column(decisions, "Tittel")
    assert "Kartlegging av skolemiljøet" in titles
    date_cell = decisions["B2"]
    assert isinstance(date_cell.value, dt.datetime) and date_cell.number_format == "dd.mm.yyyy"
    applications = book["Søknader"]
    refs = _column(applications, "Referanse")
    row = refs.index(world["udir"].reference) + 2
    headers = [c.value for c in applications[1]]
    amount = applications.cell(row=row, column=headers.index("Omsøkt beløp") + 1)
    assert Decimal(str(amount.value)) == Decimal("100000") and amount.number_format.endswith('"kr"')


def test_headers_in_the_readers_language(login, world, secretariat):
    secretariat.preferred_language = "en"
    secretariat.save()
    book = _xlsx(login(secretariat))
    assert book.sheetnames == [
        "Decisions",
        "Items",
        "Applications",
        "Grant",
        "Accounts",
        "Indicators – values",
    ]


def test_csv_is_norwegian(login, world, secretariat):
    rows = _csv(login(secretariat), "applications")
    assert rows[0][:3] == ["Referanse", "Søker", "Prosjekttittel"]
    udir = next(r for r in rows if r[0] == world["udir"].reference)
    assert "100000,00" in udir
    decisions = _csv(login(secretariat), "decisions")
    assert any(cell.count(".") == 2 and len(cell) == 10 for cell in decisions[1])  # dd.mm.yyyy


def test_filters_by_year_and_body(login, world, secretariat, registry):
    client = login(secretariat)
    book = _xlsx(client, year="2001")
    sheet = book["Vedtak"]
    assert sheet.max_row == 2
    assert "Ingen rader passer filteret" in sheet["A2"].value
    rows = _csv(client, "decisions", year="2001")
    assert rows[0][0] == "Vedtak" and "Ingen rader passer filteret" in rows[1][0]
    book = _xlsx(client, body=str(registry.wg_local.pk))
    assert "Kartlegging av skolemiljøet" not in _column(book["Vedtak"], "Tittel")


def test_bad_filters_are_refused_on_the_page(login, world, secretariat):
    client = login(secretariat)
    response = client.get(reverse("reports:export_download"), {"format": "csv", "year": "x"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Velg én tabell for CSV" in body and "heltall" in body
    assert client.get(reverse("reports:export_page")).status_code == 200


def test_a_partner_never_sees_another_partners_draft(login, world, partner_rep, wg_leader):
    own = _column(_xlsx(login(partner_rep))["Søknader"], "Prosjekttittel")
    assert "FUG sitt utkast" in own and "Udir-søknad" not in own
    # wg_leader acts for NIF: neither FUG's draft nor Udir's application.
    others = _xlsx(login(wg_leader))["Søknader"]
    assert "Ingen rader passer filteret" in others["A2"].value


def test_exempt_items_only_for_those_who_may_see_them(
    login, world, secretariat, partner_rep, ministry_observer, user
):
    exempt_title = "Personalsak hemmelig"
    # The secretariat and the Partnermøte's members see the exempt item and its decision.
    for person in (secretariat, partner_rep):
        book = _xlsx(login(person))
        assert exempt_title in _column(book["Saker"], "Tittel")
        assert "Hemmelig vedtak" in _column(book["Vedtak"], "Tittel")
    # The ministry observer and a person with no seat: the decisions they may see, no exempt.
    for person in (ministry_observer, user):
        book = _xlsx(login(person))
        decisions = _column(book["Vedtak"], "Tittel")
        assert "Kartlegging av skolemiljøet" in decisions and "Hemmelig vedtak" not in decisions
        assert exempt_title not in [v for v in _column(book["Saker"], "Tittel") if v]


def test_a_conflicted_person_never_sees_the_recommendation(login, world, secretariat, admin):
    # The secretariat persona acts for Udir: conflicted on Udir's application.
    sheet = _xlsx(login(secretariat))["Søknader"]
    refs = _column(sheet, "Referanse")
    row = refs.index(world["udir"].reference)
    assert _column(sheet, "Innstilling")[row] is None
    assert _column(sheet, "Foreslått beløp")[row] is None
    sheet = _xlsx(login(admin))["Søknader"]
    assert _column(sheet, "Innstilling")[refs.index(world["udir"].reference)] == "Innvilges"


def test_no_one_but_the_secretariat_has_the_recommendation_column(login, world, partner_rep):
    headers = [c.value for c in _xlsx(login(partner_rep))["Søknader"][1]]
    assert "Innstilling" not in headers


def test_accounts_only_for_the_groups_people(login, registry, wg_member, finance_lead, partner_rep):
    year = timezone.localdate().year
    adopted_budget(registry, year=year, local="10000")
    workgroups_services.entry_record(
        working_group=registry.wg_local,
        date=dt.date(year, 3, 1),
        description="Reise til Bergen",
        amount=Decimal("1234.50"),
        category="travel",
        status="committed",
        by=finance_lead,
    )
    member = _xlsx(login(wg_member))["Regnskap"]
    assert "Reise til Bergen" in _column(member, "Beskrivelse")
    amounts = _column(member, "Beløp")
    assert Decimal(str(amounts[0])) == Decimal("1234.50")
    assert _column(member, "Arbeidsgruppe") == [registry.wg_local.name]
    outsider = _xlsx(login(partner_rep))["Regnskap"]
    assert "Reise til Bergen" not in _column(outsider, "Beskrivelse")
    # The year filter on the budget year.
    assert "Ingen rader" in _xlsx(login(wg_member), year=str(year - 1))["Regnskap"]["A2"].value


def test_an_indicator_table_would_be_one_registration():
    """The registry is the one place a table is added: the page and both formats follow."""
    keys = [s.key for s in exports.sources()]
    assert keys == [
        "decisions",
        "agenda_items",
        "applications",
        "grants",
        "accounts",
        "indicator_values",
    ]
    assert [k for k, _label in exports.entity_choices()] == keys


def test_grants_for_the_applicants_people_and_the_secretariat(
    login, registry, secretariat, partner_rep, admin, wg_leader
):
    call = open_call(envelope="150000", max_per_application="100000", by=secretariat)
    fug = assessed_application(
        call=call, applicant=registry.partner, by=partner_rep, assessor=secretariat
    )
    on_agenda(call=call, applications=[fug], by=secretariat)
    with at_meeting(call.deciding_meeting):
        fug = partnerpot_services.application_decide(
            application=fug,
            outcome=Application.Status.PARTLY_GRANTED,
            amount="80 000",
            reason="Høye reisekostnader.",
            by=admin,
        )
    for person in (secretariat, partner_rep):
        sheet = _xlsx(login(person))["Tilskudd"]
        assert _column(sheet, "Referanse") == [fug.reference]
        amount = sheet.cell(row=2, column=4)
        assert Decimal(str(amount.value)) == Decimal("80000")
        assert amount.number_format.endswith('"kr"')
    assert "Ingen rader" in _xlsx(login(wg_leader))["Tilskudd"]["A2"].value


def test_indicator_values_only_for_the_dashboards_readers(registry, secretariat, wg_member):
    """Issue 14 §3: indicator values in the export, as the dashboard shows them: its readers
    get them, working-group members (who do not read the dashboard) an empty sheet."""
    import datetime as dt
    from decimal import Decimal

    from partnership import services_indicators
    from partnership.models import today
    from reports import exports

    from ..partnership.indicator_fixtures import adopted_set, by_unit

    indicator = by_unit(adopted_set(registry), "count")
    services_indicators.value_add(
        indicator=indicator, measured_on=today() - dt.timedelta(days=5), value=Decimal(42)
    )
    sheet = exports.indicator_values_sheet(secretariat, exports.Filters())
    rows = list(sheet.rows)
    assert [r[0] for r in rows] == [indicator.code] and rows[0][3] == Decimal(42)
    assert list(exports.indicator_values_sheet(wg_member, exports.Filters()).rows) == []
