"""Journeys on the leaders' dashboard (issue 12 §5): a partner leader reads the dashboard and
drills down to a goal and an indicator's values; the charts have text alternatives; the
secretariat imports values from a file with one bad row, fixes it and imports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partnership.models import IndicatorValue, today

from ..partnership.indicator_fixtures import by_unit
from .conftest import axe_check
from .helpers import sign_in_with_cookie
from .test_accessibility_dashboard import world

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_partner_leader_reads_the_dashboard_and_drills_down(
    page, live_server, registry, partner_leader
):
    w = world(registry)
    indicator = w["indicator"]
    sign_in_with_cookie(page, live_server, partner_leader)
    page.goto("/")
    page.get_by_role("link", name="Styringstavle").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Styringstavle for Ledermøtet")
    expect(page.get_by_text("Neste evalueringspunkt")).to_be_visible()
    # One goal at a time: the indicator's goal is opened from its summary line (unless it is
    # the one open already).
    opener = page.get_by_role(
        "link", name=f"Vis kjennetegnene og diagrammene for «{indicator.goal.title}»"
    )
    if opener.count():
        opener.click()
    expect(page.locator(f"#indicator-{indicator.pk}")).to_be_visible()
    axe_check(page)
    # Every chart is an image with its one-sentence summary as the text alternative, shown
    # as the caption too, and its numbers in a table.
    charts = page.locator("figure.rp-chart img")
    expect(charts.first).to_be_visible()
    for image in charts.all():
        assert image.get_attribute("alt")
    article = page.locator(f"article:has(#indicator-{indicator.pk})")
    alt = article.locator("figure img").get_attribute("alt")
    assert alt.startswith(f"{indicator.name} gikk fra 11")
    expect(article.locator("figcaption")).to_have_text(alt)
    chart = article.locator("figure img")
    chart.scroll_into_view_if_needed()  # the charts load lazily
    expect(chart).to_have_js_property("complete", True)
    assert chart.evaluate("i => i.naturalWidth") > 0  # the SVG image rendered
    article.get_by_text("Tallene i diagrammet som tabell").click()
    table = page.get_by_role("table", name=f"Siste verdier: {indicator.name}")
    expect(table.get_by_role("row")).to_have_count(1 + 3)
    # Drill down: the goal, then the indicator and its values.
    page.get_by_role("link", name=str(indicator.goal)).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(indicator.goal))
    page.get_by_role("link", name=f"{indicator.code} {indicator.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{indicator.code} {indicator.name}")
    expect(page.get_by_role("table", name="Verdier").get_by_role("row")).to_have_count(1 + 3)
    expect(page.get_by_role("link", name="Registrer verdi")).to_have_count(0)
    for image in page.locator("img").all():
        assert image.get_attribute("alt"), "an image without a text alternative"
    axe_check(page)


def _csv(rows: list[str]) -> dict:
    return {
        "name": "verdier.csv",
        "mimeType": "text/csv",
        "buffer": ("\n".join(["Kode;Dato;Verdi;Status", *rows]) + "\n").encode("utf-8"),
    }


def test_the_secretariat_imports_values_with_a_bad_row_fixes_it_and_imports(
    page, live_server, registry, secretariat
):
    w = world(registry)
    percent = by_unit(w["set"], "percent").code
    scale = by_unit(w["set"], "scale").code
    day = (today() - dt.timedelta(days=10)).strftime("%d.%m.%Y")
    before = IndicatorValue.objects.count()
    sign_in_with_cookie(page, live_server, secretariat)
    page.goto(reverse("reports:values"))
    page.get_by_role("link", name="Importer verdier").click()
    page.get_by_label("Fil (CSV eller Excel)").set_input_files(
        _csv([f"{percent};{day};120;", f"{scale};{day};4;"])
    )
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    expect(page.get_by_text("1 rad har feil. Ingenting er lagret.")).to_be_visible()
    expect(page.get_by_text("En prosent må være mellom 0 og 100.")).to_be_visible()
    expect(page.get_by_role("button", name="Importer verdiene")).to_have_count(0)
    axe_check(page)
    assert IndicatorValue.objects.count() == before
    page.get_by_label("Fil (CSV eller Excel)").set_input_files(
        _csv([f"{percent};{day};45,5;", f"{scale};{day};4;"])
    )
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    expect(page.get_by_text("2 rader er klare til import.")).to_be_visible()
    page.get_by_role("button", name="Importer verdiene").click()
    expect(page.get_by_text("2 verdier er importert.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verdier for kjennetegnene")
    assert IndicatorValue.objects.count() == before + 2
