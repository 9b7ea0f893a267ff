"""The leaders' dashboard and the indicators' pages in a browser (issue 12 §4, §5): axe-core
(WCAG 2.1 A/AA) on every page, including the import preview with its errors.

``DASHBOARD_PAGES`` and ``DASHBOARD_NOT_PAGES`` are counted by
``test_every_portal_page_is_swept`` in tests/e2e/test_accessibility.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partnership import services_indicators
from partnership.models import Goal, today

from ..partnership.indicator_fixtures import adopted_set, by_unit
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)

# Not pages: an SVG image, file downloads and the import's confirmation (a POST).
DASHBOARD_NOT_PAGES = {
    "reports:indicator_chart",
    "reports:values_export",
    "reports:values_import_confirm",
}


def world(registry) -> dict:
    indicator_set = adopted_set(registry)
    count = by_unit(indicator_set, "count")
    for days_ago, value in ((90, 11), (60, 14), (30, 17)):
        services_indicators.value_add(
            indicator=count, measured_on=today() - dt.timedelta(days=days_ago), value=Decimal(value)
        )
    services_indicators.value_add(
        indicator=by_unit(indicator_set, "qualitative"),
        measured_on=today() - dt.timedelta(days=30),
        status="amber",
        narrative="Noe framgang.",
    )
    goal = Goal.objects.get(number=count.goal.number)
    evaluation = services_indicators.evaluation_create(
        goal=goal, point=2, assessment="God utvikling.", evaluated_on=today()
    )
    draft = services_indicators.indicator_set_draft(title="Revisjon")
    return {
        "set": indicator_set,
        "indicator": count,
        "goal": goal,
        "evaluation": evaluation,
        "draft": draft,
        "draft_indicator": draft.indicators.first(),
    }


DASHBOARD_PAGES = {
    "reports:dashboard": lambda w: reverse("reports:dashboard"),
    "reports:dashboard_print": lambda w: reverse("reports:dashboard_print"),
    "reports:goal_indicators": lambda w: reverse("reports:goal_indicators", args=[w["goal"].pk]),
    "reports:indicator_detail": lambda w: reverse(
        "reports:indicator_detail", args=[w["indicator"].pk]
    ),
    "reports:indicator_edit": lambda w: reverse(
        "reports:indicator_edit", args=[w["draft_indicator"].pk]
    ),
    "reports:value_add": lambda w: reverse("reports:value_add", args=[w["indicator"].pk]),
    "reports:indicator_sets": lambda w: reverse("reports:indicator_sets"),
    "reports:indicator_set_create": lambda w: reverse("reports:indicator_set_create"),
    "reports:indicator_set": lambda w: reverse("reports:indicator_set", args=[w["draft"].pk]),
    "reports:indicator_set_adopt": lambda w: reverse(
        "reports:indicator_set_adopt", args=[w["draft"].pk]
    ),
    "reports:indicator_create": lambda w: reverse("reports:indicator_create", args=[w["draft"].pk]),
    "reports:values": lambda w: reverse("reports:values"),
    "reports:values_import": lambda w: reverse("reports:values_import"),
    "reports:evaluation_create": lambda w: reverse("reports:evaluation_create"),
    "reports:evaluation_detail": lambda w: reverse(
        "reports:evaluation_detail", args=[w["evaluation"].pk]
    ),
    "reports:evaluation_adopt": lambda w: reverse(
        "reports:evaluation_adopt", args=[w["evaluation"].pk]
    ),
    "reports:evaluation_edit": lambda w: reverse(
        "reports:evaluation_edit", args=[w["evaluation"].pk]
    ),
}


def test_axe_on_every_dashboard_page_as_secretariat(page, live_server, registry, secretariat):
    w = world(registry)
    sign_in_with_cookie(page, live_server, secretariat)
    for name, build in DASHBOARD_PAGES.items():
        url = build(w)
        response = page.goto(url)
        assert response.status == 200, f"{name} {url} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        axe_check(page)
    # A value form refused with its errors passes too.
    page.goto(DASHBOARD_PAGES["reports:value_add"](w))
    page.get_by_label("Verdi").fill("mange")
    page.get_by_role("button", name="Registrer verdien").click()
    expect(page.get_by_text("«mange» er ikke et tall.").first).to_be_visible()
    axe_check(page)
