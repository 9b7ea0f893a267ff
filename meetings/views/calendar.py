"""The partner calendar (month and list), the year wheel, and the iCal subscription."""

from __future__ import annotations

import calendar as cal
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from partnership.models import Body

from .. import access, ical, selectors
from ..forms import CalendarFilterForm
from ..models import OSLO, Meeting, MeetingSettings, Proposal
from .common import done, int_param

# Deadlines come before their meeting (proposals, notices) or after it (approved minutes):
# look this far around the shown period for the meetings they belong to.
DEADLINE_LOOKAHEAD = dt.timedelta(days=120)
MINUTES_LOOKBACK = dt.timedelta(days=120)
MINUTES_PENDING = (Meeting.Status.NOTICE_SENT, Meeting.Status.HELD, Meeting.Status.MINUTES_DRAFT)


@dataclass
class Entry:
    """One line in the calendar: a meeting or a deadline."""

    kind: str  # "meeting", "proposal_deadline", "notice", "follow_up"
    day: dt.date
    label: str
    url: str
    meeting: Meeting | None = None
    at: dt.datetime | None = None
    body: Body | None = None


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


def _month(request: HttpRequest) -> tuple[int, int]:
    """The month asked for; a bad or missing ?year=&month= gives the current month."""
    today = timezone.localdate()
    year = int_param(request, "year", lo=2000, hi=2100)
    month = int_param(request, "month", lo=1, hi=12)
    if year is None or month is None:
        return today.year, today.month
    return year, month


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=OSLO)


def calendar_entries(
    *, user, first: dt.date, last: dt.date, body: Body | None = None
) -> list[Entry]:
    """Meetings and deadlines the user may see between two days (inclusive), in time order.

    Deadlines: proposals (Partnermøte, Gruppeledermøte), and for those who manage the body,
    when the notice is due and when the minutes should be approved (the body's settings);
    the user's own follow-up items. Three queries however many meetings: the meetings (with
    each body's settings), the bodies the user manages, and the user's follow-ups.
    """
    start, end = _midnight(first), _midnight(last + dt.timedelta(days=1))

    def default(name):
        return Value(MeetingSettings._meta.get_field(name).default)

    meetings = selectors.calendar_meetings(
        user=user, start=start - MINUTES_LOOKBACK, end=end + DEADLINE_LOOKAHEAD, body=body
    ).annotate(
        proposal_days=Coalesce(
            F("body__meeting_settings__proposal_deadline_days"),
            default("proposal_deadline_days"),
        ),
        notice_days=Coalesce(F("body__meeting_settings__notice_days"), default("notice_days")),
        minutes_days=Coalesce(
            F("body__meeting_settings__minutes_reminder_days"), default("minutes_reminder_days")
        ),
    )
    managed = set(access.bodies_managed_by(user).values_list("pk", flat=True))
    entries: list[Entry] = []
    for meeting in meetings:
        url = reverse("meetings:meeting_detail", args=[meeting.pk])
        local_start = meeting.starts_at.astimezone(OSLO)
        if meeting.starts_at < end and meeting.ends_at > start:
            entries.append(
                Entry(
                    "meeting",
                    local_start.date(),
                    meeting.display_title,
                    url,
                    meeting,
                    local_start,
                    meeting.body,
                )
            )
        if meeting.body_id in managed and meeting.status in MINUTES_PENDING:
            due = (meeting.starts_at + dt.timedelta(days=meeting.minutes_days)).astimezone(OSLO)
            if first <= due.date() <= last and meeting.starts_at < timezone.now():
                entries.append(
                    Entry(
                        "minutes",
                        due.date(),
                        _("Referatet bør være godkjent: %(meeting)s")
                        % {"meeting": meeting.display_title},
                        reverse("meetings:minutes", args=[meeting.pk]),
                        meeting,
                        None,
                        meeting.body,
                    )
                )
        if not meeting.is_upcoming:
            continue
        if meeting.body.kind in Proposal.TARGET_BODY_KINDS:
            deadline = (meeting.starts_at - dt.timedelta(days=meeting.proposal_days)).astimezone(
                OSLO
            )
            if first <= deadline.date() <= last:
                entries.append(
                    Entry(
                        "proposal_deadline",
                        deadline.date(),
                        _("Frist for saksforslag: %(meeting)s")
                        % {"meeting": meeting.display_title},
                        url,
                        meeting,
                        deadline,
                        meeting.body,
                    )
                )
        if meeting.body_id in managed and meeting.notice_sent_at is None:
            notice = (meeting.starts_at - dt.timedelta(days=meeting.notice_days)).astimezone(OSLO)
            if first <= notice.date() <= last:
                entries.append(
                    Entry(
                        "notice",
                        notice.date(),
                        _("Innkalling sendes: %(meeting)s") % {"meeting": meeting.display_title},
                        url,
                        meeting,
                        None,
                        meeting.body,
                    )
                )
    if user.is_authenticated and body is None:
        follow_ups = selectors.my_follow_ups(user).filter(due_on__gte=first, due_on__lte=last)
        url = reverse("meetings:my_follow_ups")
        for follow_up in follow_ups:
            entries.append(
                Entry(
                    "follow_up",
                    follow_up.due_on,
                    _("Frist for oppfølging: %(what)s") % {"what": str(follow_up)},
                    url,
                )
            )
    order = {"meeting": 0, "proposal_deadline": 1, "notice": 2, "minutes": 3, "follow_up": 4}
    entries.sort(key=lambda e: (e.day, e.at is None, e.at or start, order[e.kind]))
    return entries


def _filter(request: HttpRequest) -> CalendarFilterForm:
    return CalendarFilterForm(request.GET or None, bodies=access.bodies_visible_to(request.user))


@require_GET
@vary_on_headers("HX-Request")
def calendar(request: HttpRequest) -> HttpResponse:
    """The partner calendar for a month: a grid (default) or a list (?view=list)."""
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
    context = {
        "form": form,
        "view": view,
        "year": year,
        "month": month,
        "month_start": month_start,
        "weeks": grid,
        "weekdays": weeks[0],
        "days": [(d, by_day[d]) for d in sorted(by_day) if first <= d <= last],
        "entry_count": len([e for e in entries if first <= e.day <= last]),
        "previous": previous,
        "following": following,
        "today": today,
        "body": body,
    }
    template = "meetings/calendar.html"
    if request.htmx:
        template += "#calendar"
    return render(request, template, context)


# --- The year wheel ------------------------------------------------------------------------------
WHEEL_CENTER = 200
WHEEL_OUTER = 190
WHEEL_INNER = 128
MARK_RADIUS = 108
MARK_STEP = 13  # marks on the same day stack inwards


def _point(radius: float, angle: float) -> tuple[str, str]:
    """A point on the circle (angle 0 at the top, clockwise), as SVG numbers.

    Strings, so templates do not localise them ("122,03" is not an SVG length).
    """
    return (
        f"{WHEEL_CENTER + radius * math.sin(angle):.2f}",
        f"{WHEEL_CENTER - radius * math.cos(angle):.2f}",
    )


def _segment(a0: float, a1: float) -> str:
    large = 1 if a1 - a0 > math.pi else 0
    ox0, oy0 = _point(WHEEL_OUTER, a0)
    ox1, oy1 = _point(WHEEL_OUTER, a1)
    ix1, iy1 = _point(WHEEL_INNER, a1)
    ix0, iy0 = _point(WHEEL_INNER, a0)
    return (
        f"M{ox0} {oy0} A{WHEEL_OUTER} {WHEEL_OUTER} 0 {large} 1 {ox1} {oy1} "
        f"L{ix1} {iy1} A{WHEEL_INNER} {WHEEL_INNER} 0 {large} 0 {ix0} {iy0} Z"
    )


def year_wheel_geometry(year: int, meetings: list[Meeting]) -> dict:
    """Month segments and meeting marks of a year wheel (an SVG drawn by the template)."""
    days_in_year = 366 if cal.isleap(year) else 365

    def angle(day: dt.date, fraction: float = 0.5) -> float:
        return 2 * math.pi * ((day.timetuple().tm_yday - 1 + fraction) / days_in_year)

    months = []
    for m in range(1, 13):
        first = dt.date(year, m, 1)
        last = dt.date(year, m, cal.monthrange(year, m)[1])
        a0, a1 = angle(first, 0), angle(last, 1)
        lx, ly = _point((WHEEL_OUTER + WHEEL_INNER) / 2, (a0 + a1) / 2)
        months.append({"number": m, "date": first, "path": _segment(a0, a1), "x": lx, "y": ly})
    stack: dict[dt.date, int] = defaultdict(int)
    marks = []
    for meeting in meetings:
        day = meeting.local_date
        if day.year != year:
            continue
        level = stack[day]
        stack[day] += 1
        x, y = _point(MARK_RADIUS - MARK_STEP * (level % 6), angle(day))
        marks.append({"meeting": meeting, "x": x, "y": y})
    today = timezone.localdate()
    now_line = None
    if today.year == year:
        x0, y0 = _point(WHEEL_INNER - 4, angle(today))
        x1, y1 = _point(WHEEL_OUTER + 4, angle(today))
        now_line = {"x0": x0, "y0": y0, "x1": x1, "y1": y1}
    return {"months": months, "marks": marks, "now": now_line, "center": str(WHEEL_CENTER)}


@require_GET
def year_wheel(request: HttpRequest) -> HttpResponse:
    """The year as a circle (årshjul), with the same meetings as a list by month."""
    year = int_param(request, "year", lo=2000, hi=2100) or timezone.localdate().year
    form = _filter(request)
    body = form.selected_body() if form.is_bound else None
    start = _midnight(dt.date(year, 1, 1))
    end = _midnight(dt.date(year + 1, 1, 1))
    meetings = list(selectors.calendar_meetings(user=request.user, start=start, end=end, body=body))
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
