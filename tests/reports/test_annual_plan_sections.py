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
    assert row["latest"].value == Decimal("14") and row["chart"].startswith(
        "data:image/svg+xml;base64,"
    )
    measures_section = gathered.sections_by_key["measures"]
    forum_row = next(f for f in measures_section["frequencies"] if f.measure.pk == forum.pk)
    assert (forum_row.done, forum_row.target) == (1, 2)

    pdf = annual_pdf.report_pdf(year=year, language="nb").pdf
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Mål og kjennetegn" in text and count.name in text
    assert "Felles tiltak og aktiviteter" in text and "Faglig forum" in text
    assert "Ungdomspanelet ledet samtalen." in text
    assert "Barn og unge medvirket i 1 av 1 aktivitet" in text


def test_the_partners_section_names_the_presentations_of_their_own_work(registry, secretariat):
    """Issue 14 §1: partners and their participation: meetings attended and the presentations
    of their own work at meetings held that year (R13); a presentation planned for a meeting
    not yet held is not counted."""
    import time_machine

    from meetings import presentations
    from meetings import services as meeting_services
    from meetings.models import OSLO, Meeting

    from ..meetings.factories import MeetingFactory, in_days

    starts_at = in_days(-10)
    year = starts_at.astimezone(OSLO).year
    with time_machine.travel(starts_at - dt.timedelta(days=20)):
        held = MeetingFactory(body=registry.leaders_meeting, starts_at=starts_at)
        presentations.presentation_assign(partner=registry.partner, meeting=held, by=secretariat)
        held = meeting_services.meeting_send_notice(meeting=held)
    held = meeting_services.meeting_mark_held(meeting=held)
    coming = MeetingFactory(body=registry.leaders_meeting, starts_at=in_days(30))
    presentations.presentation_assign(partner=registry.other_partner, meeting=coming)
    assert Meeting.objects.get(pk=held.pk).status in annual.HELD

    section = annual.gather(year).sections_by_key["partners"]
    rows = {row["name"]: row for row in section["partners"]}
    shown = rows[registry.partner.name]["presentations"]
    assert [(p["body"], p["at"]) for p in shown] == [("LM", held.starts_at)]
    assert rows[registry.other_partner.name]["presentations"] == []

    pdf = annual_pdf.report_pdf(year=year, language="nb").pdf
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Presenterte eget arbeid" in text
    assert f"LM {held.local_date.day}." in text
