""" "N days before" as people mean it: calendar days in Europe/Oslo at the same wall-clock
time, across daylight-saving changes (DESIGN.md §5; issue 11 §7).

A Partnermøte on 10 November at 10:00 with a 14-day proposal deadline closes proposals on
27 October at 10:00 Oslo time, although summer time ended in between (14 × 24 hours would give
11:00). In Python: ``days_before`` / ``days_after``; in SQL, for deadlines computed per row:
``oslo_days_before`` / ``oslo_days_after`` (PostgreSQL does the same wall-clock arithmetic).

A wall-clock time that does not exist on the target day (02:30 on the last Sunday of March) is
read as the moment one hour later would be; one that exists twice (02:30 on the last Sunday of
October) as the first of the two.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField, Func

OSLO = ZoneInfo("Europe/Oslo")


def _shift(moment: dt.datetime, days: int) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: deadlines are computed from aware datetimes only")
    wall = moment.astimezone(OSLO).replace(tzinfo=None) + dt.timedelta(days=days)
    # Round trip through UTC: a non-existent wall time moves forward, an ambiguous one takes
    # the first occurrence (fold=0).
    return wall.replace(tzinfo=OSLO).astimezone(dt.UTC).astimezone(OSLO)


def days_before(moment: dt.datetime, days: int) -> dt.datetime:
    return _shift(moment, -days)


def days_after(moment: dt.datetime, days: int) -> dt.datetime:
    return _shift(moment, days)


class _OsloDays(Func):
    """``((field AT TIME ZONE 'Europe/Oslo') ± days * INTERVAL '1 day') AT TIME ZONE
    'Europe/Oslo'``: the arithmetic on the wall clock, back to a timestamptz."""

    output_field = DateTimeField()
    sign = "-"

    def __init__(self, field, days, **extra):
        super().__init__(field, days, **extra)
        self.template = "((%(expressions)s)) AT TIME ZONE 'Europe/Oslo'"
        self.arg_joiner = f" AT TIME ZONE 'Europe/Oslo') {self.sign} (INTERVAL '1 day' * "


class oslo_days_before(_OsloDays):  # noqa: N801 - reads like the Python function
    sign = "-"


class oslo_days_after(_OsloDays):  # noqa: N801
    sign = "+"
