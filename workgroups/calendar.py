"""Activities under the action plan's measures in the partner calendar and the iCal feed
(meetings.extensions, ``settings.CALENDAR_DEADLINE_SOURCES``).

An activity shows to those who read its measure's work (workgroups.access): its title, its
measure and where; never how children and young people took part, outcomes, files or links
(the feed is sent outside the portal). Two queries.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from meetings.extensions import CalendarDeadline
from meetings.models import OSLO
from partnership.viewhelpers import UrlPatterns

from . import selectors_plan
from .models import Activity
from .models.plan import COUNTY_CHOICES

UID_DOMAIN = "partnerskap-mot-mobbing"
# An activity is a day; shown at 09:00 so it lands on that day in every calendar.
ACTIVITY_TIME = dt.time(9, 0)


def activities(*, user, start: dt.datetime | None, end: dt.datetime | None):
    if not user.is_authenticated:
        return []
    rows = Activity.objects.all()
    groups = selectors_plan.readable_group_ids(user)
    if groups is not None:
        rows = rows.filter(measure__responsible_group_id__in=groups)
    if start is not None:
        rows = rows.filter(date__gte=start.astimezone(OSLO).date())
    if end is not None:
        rows = rows.filter(date__lte=end.astimezone(OSLO).date())
    counties = dict(COUNTY_CHOICES)
    urls = UrlPatterns()
    found = []
    # Named rows of what the entry shows, no instances; extra_deadlines sorts them.
    for pk, title, day, county, place, measure in rows.order_by().values_list(
        "pk", "title", "date", "county", "place", "measure__name"
    ):
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
