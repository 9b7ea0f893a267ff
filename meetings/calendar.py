"""The partner calendar's content: the meetings and deadlines a user sees in a period (the
deadline engine), and the year wheel's geometry. Reads only; the views in views/calendar.py
parse the request and render.

Deadlines: proposals (Partnermøte, Gruppeledermøte), and for those who manage the body, when
the notice is due and when the minutes should be approved (the body's settings); the user's
own follow-up items; and what other apps add (``extensions.extra_deadlines``).
"""

from __future__ import annotations

import calendar as cal
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership import timeutils
from partnership.models import Body
from partnership.roles import cached_for_user
from partnership.viewhelpers import UrlPatterns

from . import access, selectors
from .extensions import CalendarDeadline, extra_deadlines
from .models import OSLO, Meeting, MeetingSettings, Proposal

# Deadlines come before their meeting (proposals, notices) or after it (approved minutes):
# look this far around the shown period for the meetings they belong to.
DEADLINE_LOOKAHEAD = dt.timedelta(days=120)
MINUTES_LOOKBACK = dt.timedelta(days=120)
MINUTES_PENDING = (Meeting.Status.NOTICE_SENT, Meeting.Status.HELD, Meeting.Status.MINUTES_DRAFT)


CALENDAR_FIELDS = (
    "pk", "body_id", "kind", "title", "starts_at", "ends_at", "status", "suggested",
    "notice_sent_at", "body__name", "body__short_name", "body__kind",
)  # fmt: skip


@dataclass
class Entry:
    """One line in the calendar: a meeting or a deadline."""

    # "meeting", "proposal_deadline", "notice", "minutes", "follow_up", or "extra" (a
    # deadline from another app through ``extensions.extra_deadlines``; see ``deadline``)
    kind: str
    day: dt.date
    label: str
    url: str
    meeting: CalendarMeeting | None = None
    at: dt.datetime | None = None
    body: CalendarBody | None = None
    deadline: CalendarDeadline | None = None

    @property
    def cancelled(self) -> bool:
        if self.kind == "meeting":
            return self.meeting.is_cancelled
        return self.deadline is not None and self.deadline.cancelled


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=OSLO)


ONE_DAY = dt.timedelta(days=1)
# Deadlines are judged exactly in Python; SQL only narrows the rows, with this much slack
# either side (daylight saving time, the day boundary in Oslo).
SLACK = dt.timedelta(days=2)
ENTRY_ORDER = {
    "meeting": 0,
    "proposal_deadline": 1,
    "notice": 2,
    "minutes": 3,
    "follow_up": 4,
    "extra": 5,
}


def calendar_bodies(user) -> tuple:
    """The bodies whose meetings the user sees (a subquery, for the queries that need it) and
    the ids of those they manage: the access rules' answers, once per request."""
    return cached_for_user(
        user,
        "calendar-bodies",
        lambda: (
            access.bodies_visible_to(user).values("pk"),
            frozenset(access.bodies_managed_by(user).values_list("pk", flat=True)),
        ),
    )


@dataclass(frozen=True)
class CalendarBody:
    """What the calendar shows of a meeting's body."""

    pk: int
    name: str
    short_name: str
    kind: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class CalendarMeeting:
    """A meeting as the calendar reads it (``_calendar_meetings``): the columns its entries
    show and its deadlines need, with the body's settings (defaults where it has none)."""

    pk: int
    body_id: int
    kind: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    suggested: bool
    notice_sent_at: dt.datetime | None
    body: CalendarBody
    proposal_days: int
    notice_days: int
    minutes_days: int

    @property
    def display_title(self) -> str:
        return Meeting.title_of(self.title, self.kind, self.body.name)

    @property
    def is_upcoming(self) -> bool:
        return self.status in Meeting.UPCOMING_STATUSES

    @property
    def is_cancelled(self) -> bool:
        return self.status == Meeting.Status.CANCELLED


def _calendar_meetings_sql(visible_sql: str, *, one_body: bool) -> str:
    """The visible meetings (``visible_sql``, the access rule's own query) near the period
    that have something in it: the meeting itself, its minutes due (bodies the user manages,
    the minutes not approved, the meeting begun), its proposal deadline (bodies that take
    proposals, upcoming meetings) or its notice due (bodies the user manages, upcoming, not
    yet sent), each day computed from the body's settings with ``SLACK`` either side (Python
    judges them exactly). Written out: the ORM's version (an annotation per setting, four
    conditions of expressions) cost more to build and compile than PostgreSQL took to run it
    (make bench). Table names come from the models; values are parameters."""
    meeting, body = Meeting._meta.db_table, Body._meta.db_table
    settings_table = MeetingSettings._meta.db_table
    only_body = "AND m.body_id = %(body)s" if one_body else ""
    return f"""
SELECT * FROM (
    SELECT m.id, m.body_id, m.kind, m.title, m.starts_at, m.ends_at, m.status, m.suggested,
           m.notice_sent_at, b.name, b.short_name, b.kind AS body_kind,
           COALESCE(s.proposal_deadline_days, %(proposal_days)s) AS proposal_days,
           COALESCE(s.notice_days, %(notice_days)s) AS notice_days,
           COALESCE(s.minutes_reminder_days, %(minutes_days)s) AS minutes_days
      FROM {meeting} m
      JOIN {body} b ON b.id = m.body_id
      LEFT JOIN {settings_table} s ON s.body_id = m.body_id
     WHERE m.body_id IN ({visible_sql}) {only_body}
       AND m.starts_at < %(window_end)s AND m.ends_at > %(window_start)s
) m
WHERE (m.starts_at < %(end)s AND m.ends_at > %(start)s)
   OR (m.body_id = ANY(%(managed)s) AND m.status = ANY(%(minutes_pending)s)
       AND m.starts_at < %(now)s
       AND m.starts_at + m.minutes_days * INTERVAL '1 day' >= %(slack_start)s
       AND m.starts_at + m.minutes_days * INTERVAL '1 day' < %(slack_end)s)
   OR (m.status = ANY(%(upcoming)s) AND m.body_kind = ANY(%(proposal_kinds)s)
       AND m.starts_at - m.proposal_days * INTERVAL '1 day' >= %(slack_start)s
       AND m.starts_at - m.proposal_days * INTERVAL '1 day' < %(slack_end)s)
   OR (m.status = ANY(%(upcoming)s) AND m.body_id = ANY(%(managed)s)
       AND m.notice_sent_at IS NULL
       AND m.starts_at - m.notice_days * INTERVAL '1 day' >= %(slack_start)s
       AND m.starts_at - m.notice_days * INTERVAL '1 day' < %(slack_end)s)
ORDER BY m.starts_at, m.id
"""  # noqa: S608


def _calendar_meetings(
    *, visible, managed, start: dt.datetime, end: dt.datetime, now: dt.datetime, body
) -> list[CalendarMeeting]:
    """The meetings of ``calendar_entries`` (see ``_calendar_meetings_sql``), as rows."""
    named = _named_sql(visible)  # the access rule's own query
    if named is None:
        return []
    visible_sql, visible_params = named
    default = {
        name: MeetingSettings._meta.get_field(field).default
        for name, field in (
            ("proposal_days", "proposal_deadline_days"),
            ("notice_days", "notice_days"),
            ("minutes_days", "minutes_reminder_days"),
        )
    }
    params = {
        **visible_params,
        **default,
        "body": body.pk if body is not None else None,
        "window_start": start - MINUTES_LOOKBACK,
        "window_end": end + DEADLINE_LOOKAHEAD,
        "start": start,
        "end": end,
        "slack_start": start - SLACK,
        "slack_end": end + SLACK,
        "now": now,
        "managed": sorted(managed),
        "minutes_pending": [str(s) for s in MINUTES_PENDING],
        "upcoming": [str(s) for s in Meeting.UPCOMING_STATUSES],
        "proposal_kinds": [str(k) for k in Proposal.TARGET_BODY_KINDS],
    }
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(_calendar_meetings_sql(visible_sql, one_body=body is not None), params)
        for row in cursor:
            (pk, body_id, kind, title, starts_at, ends_at, status, suggested, notice_sent_at,
             name, short_name, body_kind, proposal_days, notice_days, minutes_days) = row  # fmt: skip
            rows.append(
                CalendarMeeting(
                    pk,
                    body_id,
                    kind,
                    title,
                    starts_at,
                    ends_at,
                    status,
                    suggested,
                    notice_sent_at,
                    CalendarBody(body_id, name, short_name, body_kind),
                    proposal_days,
                    notice_days,
                    minutes_days,
                )  # fmt: skip
            )
    return rows


class NextMeeting(NamedTuple):
    """A meeting as the home page's card shows it (``next_meetings``)."""

    pk: int
    title: str
    kind: str
    starts_at: dt.datetime
    body_name: str

    @property
    def display_title(self) -> str:
        return Meeting.title_of(self.title, self.kind, self.body_name)


def _named_sql(queryset) -> tuple[str, dict] | None:
    """``queryset``'s compiled SQL with its placeholders named (``%(q_0)s`` ...) and their
    values, to put inside a written-out statement; ``None`` when it can match nothing (the
    bodies a signed-out visitor sees)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    names = [f"q_{i}" for i in range(len(params))]
    return sql % tuple(f"%({name})s" for name in names), dict(zip(names, params, strict=True))


def next_meetings(user, count: int = 5) -> list[NextMeeting]:
    """The next ``count`` meetings ``user`` may see that have not ended and are planned or
    called, in time order: one written-out statement (the home page's card; the queryset's
    visibility rule cost more to compile than to run, make bench)."""
    visible = _named_sql(access.bodies_visible_to(user).values("pk"))
    if visible is None:
        return []
    visible_sql, params = visible
    meeting, body = Meeting._meta.db_table, Body._meta.db_table
    sql = f"""
SELECT m.id, m.title, m.kind, m.starts_at, b.name
  FROM {meeting} m JOIN {body} b ON b.id = m.body_id
 WHERE m.body_id IN ({visible_sql}) AND m.ends_at > %(now)s AND m.status = ANY(%(upcoming)s)
 ORDER BY m.starts_at, m.id
 LIMIT %(count)s
"""  # noqa: S608
    params.update(
        now=timezone.now(),
        upcoming=[str(s) for s in Meeting.UPCOMING_STATUSES],
        count=count,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [NextMeeting._make(row) for row in cursor.fetchall()]


def calendar_entries(
    *, user, first: dt.date, last: dt.date, body: Body | None = None
) -> list[Entry]:
    """Meetings and deadlines the user may see between two days (inclusive), in time order.

    Deadlines: proposals (Partnermøte, Gruppeledermøte), and for those who manage the body,
    when the notice is due and when the minutes should be approved (the body's settings);
    the user's own follow-up items; and what other apps add (``extensions.extra_deadlines``).
    Three queries however many meetings (plus what the extension sources cost): the bodies
    the user manages, the meetings that have something in the period (each deadline's day
    computed in SQL from the body's settings, so only those rows are loaded;
    ``_calendar_meetings``), and the user's follow-ups. An entry's ``meeting`` is a
    ``CalendarMeeting`` row, not a model instance.
    """
    start, end = midnight(first), midnight(last + ONE_DAY)
    now = timezone.now()

    visible, managed = calendar_bodies(user)
    meetings = _calendar_meetings(
        visible=visible,
        managed=managed,
        start=start,
        end=end,
        now=now,
        body=body,
    )
    url = UrlPatterns()
    entries: list[Entry] = []
    for meeting in meetings:
        detail_url = url("meetings:meeting_detail", meeting.pk)
        title = meeting.display_title
        if meeting.starts_at < end and meeting.ends_at > start:
            local_start = meeting.starts_at.astimezone(OSLO)
            entries.append(
                Entry(
                    "meeting",
                    local_start.date(),
                    title,
                    detail_url,
                    meeting,
                    local_start,
                    meeting.body,
                )
            )
        if meeting.body_id in managed and meeting.status in MINUTES_PENDING:
            due = timeutils.days_after(meeting.starts_at, meeting.minutes_days)
            if first <= due.date() <= last and meeting.starts_at < now:
                entries.append(
                    Entry(
                        "minutes",
                        due.date(),
                        _("Referatet bør være godkjent: %(meeting)s") % {"meeting": title},
                        url("meetings:minutes", meeting.pk),
                        meeting,
                        None,
                        meeting.body,
                    )
                )
        if not meeting.is_upcoming:
            continue
        if meeting.body.kind in Proposal.TARGET_BODY_KINDS:
            deadline = timeutils.days_before(meeting.starts_at, meeting.proposal_days)
            if first <= deadline.date() <= last:
                entries.append(
                    Entry(
                        "proposal_deadline",
                        deadline.date(),
                        _("Frist for saksforslag: %(meeting)s") % {"meeting": title},
                        detail_url,
                        meeting,
                        deadline,
                        meeting.body,
                    )
                )
        if meeting.body_id in managed and meeting.notice_sent_at is None:
            notice = timeutils.days_before(meeting.starts_at, meeting.notice_days)
            if first <= notice.date() <= last:
                entries.append(
                    Entry(
                        "notice",
                        notice.date(),
                        _("Innkalling sendes: %(meeting)s") % {"meeting": title},
                        detail_url,
                        meeting,
                        None,
                        meeting.body,
                    )
                )
    if user.is_authenticated and body is None:
        # Only the text and the day are shown: no joins.
        follow_ups = (
            selectors.open_follow_ups(user)
            .filter(due_on__gte=first, due_on__lte=last)
            .only("pk", "what", "due_on")
        )
        follow_ups_url = reverse("meetings:my_follow_ups")
        for follow_up in follow_ups:
            entries.append(
                Entry(
                    "follow_up",
                    follow_up.due_on,
                    _("Frist for oppfølging: %(what)s") % {"what": str(follow_up)},
                    follow_ups_url,
                )
            )
    if body is None:
        entries += _extra_entries(user=user, start=start, end=end)
    entries.sort(key=lambda e: (e.day, e.at is None, e.at or start, ENTRY_ORDER[e.kind]))
    return entries


def _extra_entries(*, user, start: dt.datetime, end: dt.datetime) -> list[Entry]:
    """Deadlines other apps add to the calendar (``settings.CALENDAR_DEADLINE_SOURCES``)."""
    entries = []
    for deadline in extra_deadlines(user=user, start=start, end=end):
        at = deadline.at.astimezone(OSLO)
        entries.append(
            Entry("extra", at.date(), deadline.label, deadline.url, at=at, deadline=deadline)
        )
    return entries


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
