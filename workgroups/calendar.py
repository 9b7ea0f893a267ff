"""Activities under the action plan's measures in the partner calendar and the iCal feed
(meetings.extensions, ``settings.CALENDAR_DEADLINE_SOURCES``).

An activity shows to those who read its measure's work (workgroups.access): its title, its
measure and where; never how children and young people took part, outcomes, files or links
(the feed is sent outside the portal). Two queries.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from meetings.extensions import CalendarDeadline
from meetings.models import OSLO

from . import selectors_plan

UID_DOMAIN = "partnerskap-mot-mobbing"
# An activity is a day; shown at 09:00 so it lands on that day in every calendar.
ACTIVITY_TIME = dt.time(9, 0)


def activities(*, user, start: dt.datetime | None, end: dt.datetime | None):
    if not user.is_authenticated:
        return []
    rows = selectors_plan.activities_for_user(user)
    if start is not None:
        rows = rows.filter(date__gte=start.astimezone(OSLO).date())
    if end is not None:
        rows = rows.filter(date__lte=end.astimezone(OSLO).date())
    found = []
    for activity in rows.only("pk", "title", "date", "county", "place", "measure__name"):
        at = dt.datetime.combine(activity.date, ACTIVITY_TIME, tzinfo=OSLO)
        if (start is not None and at < start) or (end is not None and at >= end):
            continue
        where = activity.place or activity.get_county_display()
        found.append(
            CalendarDeadline(
                kind="plan_activity",
                at=at,
                label=_("%(measure)s: %(title)s (%(where)s)")
                % {"measure": activity.measure.name, "title": activity.title, "where": where},
                url=reverse("workgroups:activity_detail", kwargs={"pk": activity.pk}),
                uid=f"workgroups-activity-{activity.pk}@{UID_DOMAIN}",
                sequence=activity.date.toordinal() % 100000,
            )
        )
    return found
