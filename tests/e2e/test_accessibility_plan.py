"""The action plan's pages in a browser (issue 12 §1): axe-core (WCAG 2.1 A/AA) on each, the
figure's text alternatives, a partner leader drilling down from the figure to a measure, and
the secretariat told what is missing before a measure can be ended (R1).

``PLAN_PAGES`` and ``PLAN_NOT_PAGES`` are counted by ``test_every_portal_page_is_swept`` in
tests/e2e/test_accessibility.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partnership import services_plan
from partnership.models import Goal, Measure

from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)

PLAN_NOT_PAGES: set[str] = set()


def _plan() -> dict:
    services_plan.goals_seed()
    services_plan.measures_seed()
    return {
        "goal": Goal.objects.get(number=2),
        "measure": Measure.objects.get(name="Faglig forum"),
    }


PLAN_PAGES = {
    "plan_overview": lambda w: reverse("plan_overview"),
    "goal_detail": lambda w: reverse("goal_detail", args=[w["goal"].pk]),
    "goal_edit": lambda w: reverse("goal_edit", args=[w["goal"].pk]),
    "measure_detail": lambda w: reverse("measure_detail", args=[w["measure"].pk]),
    "measure_create": lambda w: reverse("measure_create"),
    "measure_edit": lambda w: reverse("measure_edit", args=[w["measure"].pk]),
    "measure_evaluate": lambda w: reverse("measure_evaluate", args=[w["measure"].pk]),
    "measure_end": lambda w: reverse("measure_end", args=[w["measure"].pk]),
}
READERS_PAGES = ("plan_overview", "goal_detail", "measure_detail")


def test_axe_on_every_plan_page_as_secretariat(page, live_server, registry, secretariat):
    world = _plan()
    sign_in_with_cookie(page, live_server, secretariat)
    for name, build in PLAN_PAGES.items():
        url = build(world)
        response = page.goto(url)
        assert response.status == 200, f"{name} {url} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        axe_check(page)
    # A refused ending shows its reasons on the page, and that page passes axe too.
    page.goto(PLAN_PAGES["measure_end"](world))
    page.get_by_role("button", name="Avvikle tiltaket").click()
    expect(page.get_by_text("Tiltaket er ikke evaluert.").first).to_be_visible()
    axe_check(page)


def test_a_partner_leader_reads_the_plan_and_drills_down_to_a_measure(
    page, live_server, registry, partner_leader
):
    world = _plan()
    sign_in_with_cookie(page, live_server, partner_leader)
    page.goto(reverse("plan_overview"))
    figure = page.locator("figure svg")
    # The figure names itself and describes itself; each box is a link with a name.
    expect(figure).to_have_attribute("aria-labelledby", "plan-figure-title")
    expect(figure.locator("desc")).to_have_count(1)
    assert figure.locator("a").count() == 1 + 3 + 6
    axe_check(page)
    figure.get_by_role("link", name="Faglig forum").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Faglig forum")
    expect(page.get_by_text("2 ganger i året")).to_be_visible()
    # No editing for a partner leader.
    expect(page.get_by_role("link", name="Endre tiltaket")).to_have_count(0)
    for name in READERS_PAGES:
        page.goto(PLAN_PAGES[name](world))
        axe_check(page)
