"""The annual report's action-plan sections (issue 14 §1): the goals' indicators against their
targets with the dashboard's charts as vector SVG, and the common measures against their target
frequency with the year's participation of children and young people; read back from the PDF."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from partnership import services_indicators, services_plan
from partnership.models import today
from reports import annual, annual_pdf
from workgroups.models import Activity

from ..partnership.indicator_fixtures import adopted_set, by_unit

pytestmark = pytest.mark.django_db


def test_goals_and_measures_sections_read_back(registry):
    services_plan.goals_seed()
    measures = {m.name: m for m in services_plan.measures_seed()}
    indicator_set = adopted_set(registry)
    count = by_unit(indicator_set, "count")
    year = today().year
    for months_back, value in ((2, 10), (1, 14)):
        services_indicators.value_add(
            indicator=count,
            measured_on=today() - dt.timedelta(days=30 * months_back),
            value=Decimal(value),
        )
    forum = measures["Faglig forum"]
    Activity.objects.create(
        measure=forum,
        title="Faglig forum om digital mobbing",
        date=today() - dt.timedelta(days=3),
        county="Oslo",
        format="physical",
        youth_participation="Ungdomspanelet ledet samtalen.",
    )
    gathered = annual.gather(year)
    goals = gathered.sections_by_key["goals"]
    indicators = [row for g in goals["goals"] for row in g["indicators"]]
    row = next(r for r in indicators if r["block"].indicator.pk == count.pk)
    assert row["latest"].value == Decimal("14") and row["svg"].startswith("<svg")
    measures_section = gathered.sections_by_key["measures"]
    forum_row = next(f for f in measures_section["frequencies"] if f.measure == forum)
    assert (forum_row.done, forum_row.target) == (1, 2)

    pdf = annual_pdf.report_pdf(year=year, language="nb").pdf
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Mål og kjennetegn" in text and count.name in text
    assert "Felles tiltak og aktiviteter" in text and "Faglig forum" in text
    assert "Ungdomspanelet ledet samtalen." in text
    assert "Barn og unge medvirket i 1 av 1 aktivitet" in text
