"""Partnerpotten's dates in the partner calendar and the iCal feed (meetings.extensions).

Published calls show their deadline to everyone signed in; a grant's final-report deadline
shows to the people of the partner that got it and to the secretariat. One query.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils.translation import gettext as _

from meetings.access import is_secretariat
from meetings.extensions import CalendarDeadline
from meetings.models import OSLO
from partnership.viewhelpers import UrlPatterns

from . import access
from .models import Application, Call, Grant

UID_DOMAIN = "partnerskap-mot-mobbing"
# A report deadline is a day; shown at noon so it lands on that day in every calendar.
REPORT_DUE_TIME = dt.time(12, 0)


_CALL, _GRANT = 1, 2


def _deadlines_sql() -> str:
    """Published calls (and cancelled ones that had been published, so calendars drop them)
    closing in [start, end), and awarded or paid-out grants whose final report is due in
    [first, last) for the given partners (all for the secretariat): one statement, without
    bounds when they are NULL (the iCal feed). Written out: two querysets cost more to build
    and compile than PostgreSQL took to run them, on every calendar page (make bench). Table
    names come from the models; values are parameters."""
    call, grant = Call._meta.db_table, Grant._meta.db_table
    application = Application._meta.db_table
    return f"""
SELECT {_CALL} AS part, c.id, c.title, c.closes_at, c.status, c.uid, c.sequence,
       NULL::integer, NULL::integer, NULL::date
  FROM {call} c
 WHERE (c.status = %(published)s OR (c.status = %(cancelled)s AND c.published_at IS NOT NULL))
   AND (%(start)s::timestamptz IS NULL OR c.closes_at >= %(start)s::timestamptz)
   AND (%(end)s::timestamptz IS NULL OR c.closes_at < %(end)s::timestamptz)
UNION ALL
SELECT {_GRANT}, g.id, a.title, NULL, NULL, NULL, NULL, a.year, a.number, g.report_due_on
  FROM {grant} g JOIN {application} a ON a.id = g.application_id
 WHERE g.status = ANY(%(grant_statuses)s)
   AND (%(every_partner)s OR a.applicant_id = ANY(%(partners)s))
   AND (%(first)s::date IS NULL OR g.report_due_on >= %(first)s::date)
   AND (%(last)s::date IS NULL OR g.report_due_on < %(last)s::date)
"""  # noqa: S608


def deadlines(*, user, start: dt.datetime | None, end: dt.datetime | None):
    if not user.is_authenticated:
        return []
    params = {
        "published": Call.Status.PUBLISHED.value,
        "cancelled": Call.Status.CANCELLED.value,
        "start": start,
        "end": end,
        "grant_statuses": [Grant.Status.AWARDED.value, Grant.Status.PAID_OUT.value],
        "every_partner": is_secretariat(user),
        "partners": sorted(access.acting_partner_ids(user)),
        # A report is due on a day: the days whose noon can fall in [start, end).
        "first": start.astimezone(OSLO).date() if start is not None else None,
        "last": end.astimezone(OSLO).date() + dt.timedelta(days=1) if end is not None else None,
    }
    urls = UrlPatterns()
    found: list[CalendarDeadline] = []
    with connection.cursor() as cursor:
        cursor.execute(_deadlines_sql(), params)
        rows = cursor.fetchall()
    for part, pk, title, closes_at, status, uid, sequence, year, number, due_on in rows:
        if part == _CALL:
            found.append(
                CalendarDeadline(
                    kind="call_deadline",
                    at=closes_at,
                    label=_("Søknadsfrist: %(title)s") % {"title": title},
                    url=urls("partnerpot:call_detail", pk),
                    uid=f"partnerpot-call-{uid}@{UID_DOMAIN}",
                    sequence=sequence,
                    cancelled=status == Call.Status.CANCELLED,
                )
            )
            continue
        at = dt.datetime.combine(due_on, REPORT_DUE_TIME, tzinfo=OSLO)
        if (start is not None and at < start) or (end is not None and at >= end):
            continue
        found.append(
            CalendarDeadline(
                kind="grant_report_due",
                at=at,
                label=_("Sluttrapport: %(ref)s %(title)s")
                % {"ref": Application.reference_of(year, number), "title": title},
                url=urls("partnerpot:grant_detail", pk),
                uid=f"partnerpot-grant-{pk}-report@{UID_DOMAIN}",
                sequence=due_on.toordinal() % 100000,
            )
        )
    return found
