"""A working-group leader updates a measure plan's progress in a browser (issue 12 §3): from
the measure's page to its plan, a line marked done and linked to the activity it became; a
second, stale form is told that someone else saved, and keeps what was written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partnership import services_plan
from partnership.models import Measure
from workgroups.models import PlannedActivity
from workgroups.services import plan as plan_services

from ..factories import PeriodFactory
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_working_group_leader_updates_a_measure_plans_progress(
    page, live_server, registry, wg_leader
):
    PeriodFactory()
    services_plan.goals_seed()
    services_plan.measures_seed()
    measure = Measure.objects.get(name="Faglig forum")
    activity = plan_services.activity_save(
        measure=measure,
        title="Faglig forum om digital mobbing",
        date=dt.date(2025, 3, 18),
        county="Vestland",
        format="hybrid",
    )
    plan = plan_services.plan_create(measure=measure, year=2025)
    plan = plan_services.plan_save(
        plan=plan,
        expected_version=plan.version,
        items=[
            {"pk": None, "title": "Vårseminar", "month": 3},
            {"pk": None, "title": "Høstseminar", "month": 10},
        ],
    )
    spring = plan.items.get(title="Vårseminar")
    sign_in_with_cookie(page, live_server, wg_leader)
    page.goto(reverse("workgroups:measure_work", args=[measure.pk]))
    axe_check(page)
    page.get_by_role("link", name="Tiltaksplan 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiltaksplan 2025: Faglig forum")
    axe_check(page)
    row = page.get_by_role("form", name="Framdrift for Vårseminar")
    row.get_by_label("Framdrift").select_option(label="Gjennomført")
    row.get_by_label("Kommentar").fill("Godt oppmøte, 145 deltakere")
    row.get_by_label("Gjennomført som aktivitet").select_option(index=1)
    row.get_by_role("button", name="Lagre framdriften").click()
    expect(page.get_by_text("Framdriften er lagret.")).to_be_visible()
    spring.refresh_from_db()
    assert spring.progress == PlannedActivity.Progress.DONE
    assert spring.activity == activity
    expect(page.get_by_role("link", name="Faglig forum om digital mobbing")).to_be_visible()
    # Someone else saves while this page is open: the next save is told, and nothing is lost.
    autumn = plan.items.get(title="Høstseminar")
    plan.refresh_from_db()
    plan_services.progress_update(
        item=autumn, expected_version=plan.version, progress="in_progress", comment="Annen"
    )
    row = page.get_by_role("form", name="Framdrift for Høstseminar")
    row.get_by_label("Framdrift").select_option(label="Droppet")
    row.get_by_label("Kommentar").fill("Min kommentar")
    row.get_by_role("button", name="Lagre framdriften").click()
    expect(page.get_by_role("alert").filter(has_text="mens du arbeidet")).to_be_visible()
    expect(
        page.get_by_role("form", name="Framdrift for Høstseminar").get_by_label("Kommentar")
    ).to_have_value("Min kommentar")
    axe_check(page)
    autumn.refresh_from_db()
    assert autumn.progress == "in_progress"
