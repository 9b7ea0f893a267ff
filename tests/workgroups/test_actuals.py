"""Budget against actuals (issue 13 §3): figures by line and month, the forecast, the SVG chart,
the xlsx and csv read back against the data, access, and query counts at two sizes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from functools import partial

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from partnership.models import BudgetYear
from workgroups import actuals, services

from .. import querycounts
from .factories import adopted_budget

D = Decimal
YEAR = timezone.localdate().year
assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(3, 30))


def _spend(group, month, amount, status="paid"):
    return services.entry_record(
        working_group=group,
        date=dt.date(YEAR, month, 10),
        description=f"Post {month} {amount}",
        amount=D(amount),
        category="travel" if month % 2 else "materials",
        status=status,
    )


def _data(registry):
    adopted_budget(registry, year=YEAR, local="10000", national="20000")
    _spend(registry.wg_local, 1, "1000.10")
    _spend(registry.wg_local, 1, "500", status="committed")
    _spend(registry.wg_local, 3, "2000.25")
    _spend(registry.wg_national, 2, "7000")
    over = _spend(registry.wg_local, 4, "9000")  # over the allocation: pending, not counted
    assert over.approval == "pending"
    return BudgetYear.objects.get(year=YEAR)


def test_group_figures_by_month_and_line(db, registry):
    budget_year = _data(registry)
    figures = actuals.group_actuals(registry.wg_local, budget_year)
    assert figures.allocated == D("10000.00")
    assert (figures.committed, figures.spent) == (D("500.00"), D("3000.35"))
    assert figures.months[0].used == D("1500.10")
    assert figures.months[2].cumulative == D("3500.35")
    assert figures.months[11].cumulative == figures.used
    assert figures.remaining == D("6499.65")
    assert sum((line.used for line in figures.lines), D(0)) == figures.used


def test_partnership_figures_by_line(db, registry):
    budget_year = _data(registry)
    figures = actuals.partnership_actuals(budget_year)
    by_group = {row.group: row for row in figures.lines if row.group}
    assert by_group[registry.wg_national].used == D("7000.00")
    assert by_group[registry.wg_local].remaining == D("6499.65")
    assert figures.used == D("10500.35")


def test_forecast_carries_the_pace_to_the_year_end():
    assert actuals.forecast(D("6000"), 2026, dt.date(2026, 7, 1)) == D("11935.83")
    assert actuals.forecast(D("6000"), 2025, dt.date(2026, 7, 1)) == D("6000")


def test_exports_read_back(client, db, registry, finance_lead):
    _data(registry)
    client.force_login(finance_lead)
    url = reverse(
        "workgroups:group_actuals_export",
        kwargs={"pk": registry.wg_local.pk, "year": YEAR, "fmt": "xlsx"},
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Per måned", "Per post", "Sammendrag", "Poster"]
    months = book["Per måned"]
    assert months["A1"].value == "Måned" and months["A2"].value == "Januar"
    assert D(str(months["B2"].value)) == D("500.00") and months["B2"].number_format.endswith('"kr"')
    assert D(str(months["C2"].value)) == D("1000.10")
    entries = book["Poster"]
    dates = [row[0].value for row in entries.iter_rows(min_row=2)]
    assert all(isinstance(d, dt.datetime) for d in dates)
    assert sum(D(str(row[8].value)) for row in entries.iter_rows(min_row=2)) == D("12500.35")
    response = client.get(url.replace(".xlsx", ".csv"))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][:3] == ["Januar", "500,00", "1000,10"]
    assert rows[-1][0] == "Sum" and rows[-1][3] == "3500,35"
    assert client.get(url.replace(".xlsx", ".pdf")).status_code == 404


def test_charts_are_svg_without_scripts(client, db, registry, secretariat):
    _data(registry)
    client.force_login(secretariat)
    for url in (
        reverse(
            "workgroups:group_actuals_chart", kwargs={"pk": registry.wg_local.pk, "year": YEAR}
        ),
        reverse("workgroups:partnership_actuals_chart", kwargs={"year": YEAR}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert b"<svg" in response.content and b"<script" not in response.content
        assert "script-src" not in response["Content-Security-Policy"]
        # An image is never interactive: no tooltip texts, no hover or animation rules; the
        # series' colours stay.
        for screen_only in (b"<desc", b"<title>", b":hover", b".tooltip", b"transition"):
            assert screen_only not in response.content
        assert b"#0062ba" in response.content and b"text-anchor" in response.content


def test_who_reads_the_partnership_view(client, db, registry, partner_leader, wg_member, user):
    _data(registry)
    url = reverse("workgroups:partnership_actuals", kwargs={"year": YEAR})
    client.force_login(partner_leader)
    page = client.get(url)
    assert page.status_code == 200 and "Føres ikke i portalen" not in page.content.decode()
    client.force_login(wg_member)
    assert client.get(url).status_code == 403
    group_url = reverse(
        "workgroups:group_actuals", kwargs={"pk": registry.wg_local.pk, "year": YEAR}
    )
    assert client.get(group_url).status_code == 200
    client.force_login(partner_leader)
    assert client.get(group_url).status_code == 404


def test_actuals_pages_queries_do_not_grow(client, db, registry, secretariat):
    adopted_budget(registry, year=YEAR, local="900000", national="900000")

    def make(k):
        for i in range(k):
            _spend(registry.wg_local if i % 2 else registry.wg_national, 1 + i % 12, "10")

    grow = querycounts.topped_up(make)
    client.force_login(secretariat)
    assert_constant_queries(
        client,
        reverse("workgroups:group_actuals", kwargs={"pk": registry.wg_local.pk, "year": YEAR}),
        grow,
        pinned=PINNED_GROUP,
    )
    assert_constant_queries(
        client,
        reverse("workgroups:partnership_actuals", kwargs={"year": YEAR}),
        grow,
        pinned=PINNED_PARTNERSHIP,
    )


# One grouped query gives both the months and the lines (it was two).
PINNED_GROUP = 6
PINNED_PARTNERSHIP = 6
