"""axe-core (WCAG 2.1 A/AA) on every page of the ministries' briefing and the exports, found
from the URL resolver: each of their ``reports:`` routes that the authorization matrix
(tests/reports/matrix.py) opens with a 200 on GET for the secretariat or the ministry observer
is visited as that role with the matrix's objects, and every HTML answer is checked (the PDF
is a download). The flag page is shown with a period holding an agenda item and a decision, so
its forms are checked too; the export page also with its errors."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from ..partnership.test_authorization_matrix import EXPECTED, URL_KWARGS, _matrix_ctx
from ..reports import matrix as reports_matrix
from ..reports.factories_briefing import held_period
from ..urlmap import all_routes, build_url
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)

REPORTS_BRIEFING_ROUTES = {
    r.name
    for r in all_routes()
    if r.name
    and r.name.startswith("reports:")
    and r.callback_module.startswith(("reports.views_briefing", "reports.views_exports"))
}
ROLES_TRIED = ("secretariat", "ministry_observer")


def test_axe_on_every_briefing_and_export_page(page, live_server, registry, personas):
    ctx = _matrix_ctx(registry, personas)
    reports_matrix.add_objects(ctx)
    ctx["url_kwargs"] = URL_KWARGS
    period = held_period(body=registry.partners_meeting, by=personas["secretariat"])
    checked = 0
    current = None
    for route in all_routes():
        if route.name not in REPORTS_BRIEFING_ROUTES:
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
                continue  # the briefing's PDF
            raise
        assert response.status == 200, f"{route.name} {url} answered {response.status} to {role}"
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        axe_check(page)
        checked += 1
    assert checked >= 5, checked  # list, create, detail, flags, exports

    page.context.clear_cookies()
    sign_in_with_cookie(page, live_server, personas["secretariat"])
    query = f"?period_start={period.start.isoformat()}&period_end={period.end.isoformat()}"
    page.goto(live_server.url + reverse("reports:flag_list") + query)
    page.get_by_role("heading", name="Vedtak", exact=True).wait_for()
    assert page.get_by_label("Merknad til departementene").count() >= 2
    axe_check(page)
    # The export form's errors, and the create form's.
    page.goto(live_server.url + reverse("reports:export_download") + "?format=csv&year=x")
    page.locator(".ds-validation-message").first.wait_for()
    axe_check(page)
    page.goto(live_server.url + reverse("reports:briefing_create"))
    page.get_by_label("Fra og med").fill("2026-03-31")
    page.get_by_label("Til og med").fill("2026-01-01")
    page.get_by_role("button", name="Lag og send orienteringen").click()
    page.locator(".ds-validation-message").first.wait_for()
    axe_check(page)
