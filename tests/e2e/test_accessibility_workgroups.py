"""axe-core (WCAG 2.1 A/AA) on every page of the economy (budgets, accounts, budget against
actuals, year-end reports), found from the URL resolver: each ``workgroups:`` route that the
authorization matrix (tests/workgroups/matrix.py) opens with a 200 on GET for the
secretariat, a finance lead or a group leader is visited as that role with the matrix's
objects, and every HTML answer is checked (downloads, charts and POST-only actions are
answered otherwise and checked by their own tests). So a new economy page is swept without
being listed: ``WORKGROUPS_ROUTES`` is what tests/e2e/test_accessibility.py counts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from ..partnership.test_authorization_matrix import EXPECTED, URL_KWARGS, _matrix_ctx
from ..urlmap import all_routes, build_url
from ..workgroups import matrix as workgroups_matrix
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)

WORKGROUPS_ROUTES = {r.name for r in all_routes() if r.name and r.name.startswith("workgroups:")}
ROLES_TRIED = ("secretariat", "finance_lead", "wg_leader")


def test_axe_on_every_economy_page(page, live_server, registry, personas):
    ctx = _matrix_ctx(registry, personas)
    workgroups_matrix.add_objects(ctx)
    ctx["url_kwargs"] = URL_KWARGS
    checked = 0
    current = None
    for route in all_routes():
        if route.name not in WORKGROUPS_ROUTES:
            continue
        expected = EXPECTED[route.key]
        role = next((r for r in ROLES_TRIED if expected.get(r) == 200), None)
        if role is None:
            continue
        if role != current:
            page.context.clear_cookies()
            sign_in_with_cookie(page, live_server, personas[role])
            current = role
        url = build_url(route, ctx)
        try:
            response = page.goto(url)
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                continue  # a voucher, an export: a download, not a page
            raise
        assert response.status == 200, f"{route.name} {url} answered {response.status} to {role}"
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        axe_check(page)
        checked += 1
    assert checked >= 8, checked  # budgets, versions, forms, accounts, actuals, year-end
