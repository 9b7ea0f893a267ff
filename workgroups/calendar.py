"""Activities under the action plan's measures in the partner calendar and the iCal feed
(meetings.extensions, ``settings.CALENDAR_DEADLINE_SOURCES``).

An activity shows to those who read its measure's work (workgroups.access): its title, its
measure and where; never how children and young people took part, outcomes, files or links
(the feed is sent outside the portal). One query.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils.translation import gettext as _

from meetings.extensions import CalendarDeadline
from meetings.models import OSLO
from partnership.models import Measure
from partnership.viewhelpers import UrlPatterns

from . import selectors_plan
from .models import Activity
from .models.plan import COUNTY_CHOICES

UID_DOMAIN = "partnerskap-mot-mobbing"
# An activity is a day; shown at 09:00 so it lands on that day in every calendar.
ACTIVITY_TIME = dt.time(9, 0)


def _activities_sql() -> str:
    """The activities (with their measure's name) between two optional days, of the measures
    of the given working groups unless ``%(every_group)s``: written out, as the other calendar
    sources are, because the queryset cost more to build than PostgreSQL took to run it on
    every calendar page (make bench). Table names come from the models; values are
    parameters."""
    activity, measure = Activity._meta.db_table, Measure._meta.db_table
    return f"""
SELECT a.id, a.title, a.date, a.county, a.place, m.name
  FROM {activity} a JOIN {measure} m ON m.id = a.measure_id
 WHERE (%(every_group)s OR m.responsible_group_id = ANY(%(groups)s))
   AND (%(first)s::date IS NULL OR a.date >= %(first)s::date)
   AND (%(last)s::date IS NULL OR a.date <= %(last)s::date)
"""  # noqa: S608


def activities(*, user, start: dt.datetime | None, end: dt.datetime | None):
    if not user.is_authenticated:
        return []
    groups = selectors_plan.readable_group_ids(user)
    params = {
        "every_group": groups is None,
        "groups": sorted(groups or ()),
        "first": start.astimezone(OSLO).date() if start is not None else None,
        "last": end.astimezone(OSLO).date() if end is not None else None,
    }
    with connection.cursor() as cursor:
        cursor.execute(_activities_sql(), params)
        rows = cursor.fetchall()
    counties = dict(COUNTY_CHOICES)
    urls = UrlPatterns()
    found = []
    # What the entry shows, no instances; extra_deadlines sorts them.
    for pk, title, day, county, place, measure in rows:
        at = dt.datetime.combine(day, ACTIVITY_TIME, tzinfo=OSLO)
        if (start is not None and at < start) or (end is not None and at >= end):
            continue
        where = place or counties.get(county, county)
        found.append(
            CalendarDeadline(
                kind="plan_activity",
                at=at,
                label=_("%(measure)s: %(title)s (%(where)s)")
                % {"measure": measure, "title": title, "where": where},
                url=urls("workgroups:activity_detail", pk),
                uid=f"workgroups-activity-{pk}@{UID_DOMAIN}",
                sequence=day.toordinal() % 100000,
            )
        )
    return found
