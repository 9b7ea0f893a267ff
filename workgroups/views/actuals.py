"""Budget against actuals: per working group and for the whole partnership, with a chart (an
SVG image with a table alternative on the page) and xlsx/csv exports."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from partnership import xlsx
from partnership.models import BudgetYear

from .. import access, actuals, charts, export, selectors

SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _budget_year(year: int) -> BudgetYear:
    budget_year = BudgetYear.objects.filter(year=year).first()
    if budget_year is None:
        raise Http404
    return budget_year


def _svg(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="image/svg+xml")
    # pygal styles its SVG inline; as an image it runs no scripts, and this policy says so.
    response["Content-Security-Policy"] = SVG_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _download(content, *, fmt: str, name: str) -> HttpResponse:
    return xlsx.download(content, fmt=fmt, name=name)


def _fmt(fmt: str) -> str:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return fmt


# --- One working group ------------------------------------------------------------------------
@require_GET
def group_actuals(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    group = access.accounts_group_for_user(request.user, pk)
    budget_year = _budget_year(year)
    figures = actuals.group_actuals(group, budget_year)
    return render(
        request,
        "workgroups/actuals.html",
        {"group": group, "budget_year": budget_year, "actuals": figures},
    )


@require_GET
def group_actuals_chart(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    group = access.accounts_group_for_user(request.user, pk)
    budget_year = _budget_year(year)
    figures = actuals.group_actuals(group, budget_year)
    title = _("Brukt hittil mot bevilget, %(group)s %(year)s") % {
        "group": group.name,
        "year": year,
    }
    return _svg(charts.group_chart(figures, title))


@require_GET
def group_actuals_export(request: HttpRequest, pk: int, year: int, fmt: str) -> HttpResponse:
    group = access.accounts_group_for_user(request.user, pk)
    fmt = _fmt(fmt)
    budget_year = _budget_year(year)
    figures = actuals.group_actuals(group, budget_year)
    name = f"regnskap-{group.short_name.lower()}-{year}"
    if fmt == "csv":
        return _download(export.csv_text(figures), fmt=fmt, name=name)
    entries = selectors.group_entries(group, budget_year)
    return _download(export.workbook(figures, entries=entries), fmt=fmt, name=name)


# --- The whole partnership --------------------------------------------------------------------
@require_GET
def partnership_actuals(request: HttpRequest, year: int) -> HttpResponse:
    access.require_partnership_actuals_reader(request.user)
    budget_year = _budget_year(year)
    figures = actuals.partnership_actuals(budget_year)
    return render(
        request,
        "workgroups/actuals.html",
        {"group": None, "budget_year": budget_year, "actuals": figures},
    )


@require_GET
def partnership_actuals_chart(request: HttpRequest, year: int) -> HttpResponse:
    access.require_partnership_actuals_reader(request.user)
    figures = actuals.partnership_actuals(_budget_year(year))
    title = _("Bevilget og brukt per post, %(year)s") % {"year": year}
    return _svg(charts.partnership_chart(figures, title))


@require_GET
def partnership_actuals_export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    access.require_partnership_actuals_reader(request.user)
    fmt = _fmt(fmt)
    figures = actuals.partnership_actuals(_budget_year(year))
    name = f"budsjett-mot-regnskap-{year}"
    if fmt == "csv":
        return _download(export.csv_text(figures), fmt=fmt, name=name)
    return _download(export.workbook(figures), fmt=fmt, name=name)
