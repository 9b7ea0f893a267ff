"""The partner calendar (month and list), the year wheel, and the iCal subscription."""

from __future__ import annotations

import calendar as cal
import datetime as dt
from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from partnership import formats
from partnership.html import conditional_escape as escape
from partnership.html import format_html
from partnership.models import Body

from .. import access, ical, selectors
from ..calendar import (
    Day,
    Entry,
    calendar_bodies,
    calendar_entries,
    midnight,
    year_wheel_geometry,
)
from ..forms import CalendarFilterForm
from ..models import Meeting
from ..templatetags import meetings_tags
from .common import done, int_param


def _month(request: HttpRequest) -> tuple[int, int]:
    """The month asked for; a bad or missing ?year=&month= gives the current month."""
    today = timezone.localdate()
    year = int_param(request, "year", lo=2000, hi=2100)
    month = int_param(request, "month", lo=1, hi=12)
    if year is None or month is None:
        return today.year, today.month
    return year, month


def _filter(request: HttpRequest) -> CalendarFilterForm:
    visible, _managed = calendar_bodies(request.user)
    return CalendarFilterForm(request.GET or None, bodies=Body.objects.filter(pk__in=visible))


@require_GET
@vary_on_headers("HX-Request")
def calendar(request: HttpRequest) -> HttpResponse:
    """The partner calendar for a month: a grid (default) or a list (?view=list)."""
    template = "meetings/calendar.html"
    if request.htmx:
        template += "#calendar"
    return render(request, template, _calendar_context(request))


def _label_entries(entries: list[Entry]) -> None:
    """What each entry's link and list row show, worked out once in Python: a busy month has
    eighty entries, and an ``{% include %}`` and a few filters each cost more (make bench)."""
    cancelled, suggested = _("avlyst"), _("foreslått")
    colors = meetings_tags.STATUS_COLORS
    statuses = dict(Meeting.Status.choices)
    for entry in entries:
        meeting = entry.meeting if entry.kind == "meeting" else None
        entry.source = entry.deadline.kind if entry.deadline else ""
        entry.is_cancelled = entry.cancelled
        entry.time_label = formats.time(entry.at) if meeting else ""
        if entry.is_cancelled:
            entry.suffix = f" ({cancelled})"
        elif meeting is not None and meeting.suggested:
            entry.suffix = f" ({suggested})"
        else:
            entry.suffix = ""
        if meeting is not None:
            entry.span_label = f"{formats.time(meeting.starts_at)}–{formats.time(meeting.ends_at)}"
            entry.status_label = statuses.get(meeting.status, meeting.status)
            entry.status_color = colors.get(meeting.status, "neutral")
        else:
            entry.span_label = formats.time(entry.at) if entry.at else "–"
            entry.status_label = entry.status_color = ""


def _entry_link(entry: Entry, *, time: bool) -> str:
    """An entry's link, every value escaped (``conditional_escape``), as ``format_html``
    would write it: eighty of them a month, so the string is put together directly."""
    source = f' data-source="{escape(entry.source)}"' if entry.source else ""
    cancelled = ' data-cancelled="true"' if entry.is_cancelled else ""
    at = (
        f'<span class="portal-nowrap">{escape(entry.time_label)}</span> '
        if time and entry.time_label
        else ""
    )
    return (
        f'<a class="mt-entry ds-link" data-kind="{escape(entry.kind)}"{source}{cancelled} '
        f'href="{escape(entry.url)}">{at}{escape(entry.label)}{escape(entry.suffix)}</a>'
    )


def _month_rows(grid: list[list[Day]]) -> str:
    """The month's weeks as table rows, written once in Python (every value escaped by
    ``format_html``): six weeks of seven days, each with its date for screen readers and its
    entries as links, cost more through the template engine than the rest of the page."""
    week_label, today_label = _("Uke %(number)s"), _("i dag")
    html = []
    for week in grid:
        cells = []
        for day in week:
            classes = " ".join(
                c
                for c in ("" if day.in_month else "mt-other", "" if day.entries else "mt-empty")
                if c
            )
            entries = ""
            if day.entries:
                entries = format_html(
                    '<ul class="mt-entries">{}</ul>',
                    mark_safe(  # noqa: S308 - each link's values escaped by _entry_link
                        "".join(f"<li>{_entry_link(e, time=True)}</li>" for e in day.entries)
                    ),
                )
            cells.append(
                format_html(
                    '<td class="{}"{}><span class="mt-daynum"><span aria-hidden="true">{}</span>'
                    '<span class="ds-sr-only">{}{}</span></span>{}</td>',
                    classes,
                    mark_safe(' aria-current="date"') if day.is_today else "",  # noqa: S308
                    day.date.day,
                    formats.month_day(day.date),
                    f" ({today_label})" if day.is_today else "",
                    entries,
                )
            )
        html.append(
            format_html(
                '<tr><th scope="row" class="mt-week">{}</th>{}</tr>',
                week_label % {"number": week[0].date.isocalendar().week},
                mark_safe("".join(cells)),  # noqa: S308 - each cell built by format_html
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 - each row built by format_html


def _list_rows(days: list[tuple[dt.date, list[Entry]]]) -> str:
    """The list view's rows, written once in Python like the month's."""
    deadline = _("Frist")
    html = []
    for day, entries in days:
        day_label = capfirst(date_format(day, "D j. M"))
        for entry in entries:
            if entry.status_label:
                status = format_html(
                    '<span class="ds-tag" data-color="{}">{}</span>',
                    entry.status_color,
                    entry.status_label,
                )
            else:
                status = "–" if entry.kind == "meeting" else deadline
            html.append(
                format_html(
                    '<tr><th scope="row" class="portal-nowrap">{}</th>'
                    '<td class="portal-nowrap">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
                    day_label,
                    entry.span_label,
                    mark_safe(_entry_link(entry, time=False)),  # noqa: S308 - escaped there
                    (entry.body.short_name if entry.body else "") or "–",
                    status,
                )
            )
    return mark_safe("\n".join(html))  # noqa: S308 - each row built by format_html


def _calendar_context(request: HttpRequest) -> dict:
    year, month = _month(request)
    view = "list" if request.GET.get("view") == "list" else "month"
    form = _filter(request)
    body = form.selected_body() if form.is_bound else None
    weeks = cal.Calendar(firstweekday=0).monthdatescalendar(year, month)
    if view == "month":
        first, last = weeks[0][0], weeks[-1][-1]
    else:
        first, last = dt.date(year, month, 1), dt.date(year, month, cal.monthrange(year, month)[1])
    entries = calendar_entries(user=request.user, first=first, last=last, body=body)
    _label_entries(entries)
    today = timezone.localdate()
    by_day: dict[dt.date, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_day[entry.day].append(entry)
    grid = [
        [Day(d, d.month == month, d == today, by_day.get(d, [])) for d in week] for week in weeks
    ]
    month_start = dt.date(year, month, 1)
    previous = (month_start - dt.timedelta(days=1)).replace(day=1)
    following = (month_start + dt.timedelta(days=32)).replace(day=1)
    days = [(d, by_day[d]) for d in sorted(by_day) if first <= d <= last]
    return {
        "form": form,
        "view": view,
        "month_rows": _month_rows(grid) if view == "month" else "",
        "list_rows": _list_rows(days) if view == "list" else "",
        "year": year,
        "month": month,
        "month_start": month_start,
        "weeks": grid,
        "weekdays": weeks[0],
        "days": days,
        "entry_count": len([e for e in entries if first <= e.day <= last]),
        "previous": previous,
        "following": following,
        "today": today,
        "body": body,
    }


# --- The year wheel ------------------------------------------------------------------------------
@require_GET
def year_wheel(request: HttpRequest) -> HttpResponse:
    """The year as a circle (årshjul), with the same meetings as a list by month."""
    year = int_param(request, "year", lo=2000, hi=2100) or timezone.localdate().year
    form = _filter(request)
    body = form.selected_body() if form.is_bound else None
    start = midnight(dt.date(year, 1, 1))
    end = midnight(dt.date(year + 1, 1, 1))
    visible, _managed = calendar_bodies(request.user)
    meetings = list(
        selectors.calendar_meetings_of(body_ids=visible, start=start, end=end, body=body)
    )
    by_month: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        if meeting.local_date.year == year:
            by_month[meeting.local_date.month].append(meeting)
    kinds = sorted({m.body.kind for m in meetings})
    return render(
        request,
        "meetings/year_wheel.html",
        {
            "year": year,
            "form": form,
            "body": body,
            "wheel": year_wheel_geometry(year, meetings),
            "months": [(dt.date(year, m, 1), by_month.get(m, [])) for m in range(1, 13)],
            "count": sum(len(v) for v in by_month.values()),
            "legend": [(k, Body.Kind(k).label) for k in kinds],
            "previous": year - 1 if year > 2000 else None,
            "following": year + 1 if year < 2100 else None,
        },
    )


# --- iCal ------------------------------------------------------------------------------------------
def _ics(content: bytes, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Private data: never kept by shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk)
    return _ics(ical.meeting_ics(meeting, user=request.user), f"mote-{meeting.pk}.ics")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscription feed: no session, the token is the key; unknown or revoked → 404."""
    person = ical.person_for_token(token)
    return _ics(ical.feed_for(person))


@require_http_methods(["GET", "POST"])
def calendar_subscription(request: HttpRequest) -> HttpResponse:
    """Make (or make anew) the private subscription URL; it is shown once, on this answer."""
    # Signed in: the portal's middleware sends everyone else to sign-in.
    new_url = None
    if request.method == "POST":
        replaced = ical.active_token(request.user) is not None
        new_url = ical.feed_url(ical.token_create(person=request.user), request)
        message = (
            _("Du har fått en ny abonnementslenke. Den gamle virker ikke lenger.")
            if replaced
            else _("Abonnementslenken er laget.")
        )
    else:
        message = ""
    return render(
        request,
        "meetings/calendar_subscription.html",
        {
            "token": ical.active_token(request.user),
            "new_url": new_url,
            "message": message,
        },
    )


@require_POST
def calendar_subscription_revoke(request: HttpRequest) -> HttpResponse:
    revoked = ical.token_revoke(person=request.user)
    message = (
        _("Abonnementslenken er trukket tilbake og virker ikke lenger.")
        if revoked
        else _("Du hadde ingen abonnementslenke.")
    )
    return done(request, message, "meetings:calendar_subscription")
