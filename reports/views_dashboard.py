"""The leaders' dashboard (issue 12 §5): per goal its indicators with trend charts, status
against target and the next evaluation point; a print view for A4; the drill-down to a goal
and to an indicator's values. Charts are SVG images on their own URL (see ``reports.charts``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from meetings import presentations
from partnership.selectors_indicators import format_number
from partnership.services_indicators import agreement_periods, evaluation_points
from partnership.services_indicators import current_agreement_period as current_period
from partnership.viewhelpers import page_of
from workgroups import selectors_plan

from . import access, charts, dashboard

SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
VALUES_PER_PAGE = 50


def _svg(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="image/svg+xml")
    # pygal styles its SVG inline; as an image it runs no scripts, and this policy says so.
    response["Content-Security-Policy"] = SVG_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _context(request, board: dashboard.Dashboard, **extra) -> dict:
    return {
        "board": board,
        "can_manage": access.can_manage(request.user),
        **extra,
    }


def _activity(context: dict) -> dict:
    """The measures against their target frequency, the year's participation of children and
    young people, and the partners that have not presented their own work (issue 12 §5-6):
    the whole dashboard's extra section, four queries whatever the numbers."""
    day = timezone.localdate()
    # The agreement period in force today, known already when the board's period is that one
    # (it may be the latest begun instead, and then the presentations look it up themselves).
    period = context["board"].period
    if period is not None and not period.starts_on <= day <= period.ends_on:
        period = None
    frequencies, participation = selectors_plan.activity_overview(day.year)
    context.update(
        year=day.year,
        frequencies=frequencies,
        participation=participation,
        not_presented=presentations.partner_names_not_presented(period),
    )
    return context


@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    access.require_reader(request.user)
    # One goal's indicators with their charts at a time (``?mal=<id>``, else the first goal
    # with indicators), so the first render stays cheap however many indicators there are
    # (fifty indicators' panels were most of the page's time, make bench); an unknown id gives
    # the first too.
    wanted = request.GET.get("mal", "")
    board = dashboard.dashboard(shown=int(wanted) if wanted.isdigit() else None)
    context = _context(request, board, selected_goal=board.shown_goal)
    return render(request, "reports/dashboard.html", _activity(context))


@require_GET
def dashboard_print(request: HttpRequest) -> HttpResponse:
    access.require_reader(request.user)
    board = dashboard.dashboard()
    return render(request, "reports/dashboard_print.html", _activity(_context(request, board)))


@require_GET
def goal_indicators(request: HttpRequest, pk: int) -> HttpResponse:
    goal = access.goal_for_reader(request.user, pk)
    board = dashboard.dashboard(goal=goal)
    return render(request, "reports/goal.html", _context(request, board, goal=goal))


@require_GET
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = access.indicator_for_user(request.user, pk)
    values = list(dashboard.indicator_values(indicator).order_by("measured_on"))
    points = evaluation_points(current_period(agreement_periods()))
    block = dashboard.indicator_block(indicator, values, points)
    page = page_of(request, list(reversed(block.rows)), VALUES_PER_PAGE)
    return render(
        request,
        "reports/indicator_detail.html",
        {
            "indicator": indicator,
            "block": block,
            "page": page,
            "points": points,
            "numbers": {
                name: format_number(indicator.unit, getattr(indicator, name))
                for name in ("baseline", "target_2y", "target_4y")
            },
            "can_manage": access.can_manage(request.user) and indicator.indicator_set.in_force,
        },
    )


@require_GET
def indicator_chart(request: HttpRequest, pk: int) -> HttpResponse:
    """The chart of an indicator: its latest values (the dashboard), or with ``?alle=1``
    every value (the indicator's page)."""
    indicator = access.indicator_for_user(request.user, pk)
    points = evaluation_points(current_period(agreement_periods()))
    if request.GET.get("alle"):
        values = list(dashboard.indicator_values(indicator).order_by("measured_on"))
    else:
        values = dashboard.recent_values([indicator])[indicator.pk]
    return _svg(charts.indicator_chart(indicator, values, points=points))
