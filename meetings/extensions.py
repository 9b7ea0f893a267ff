"""Extension points through which higher apps add to the partner calendar.

``meetings`` must not import the apps above it (``partnerpot``, ``workgroups``), yet their
deadlines (a Partnerpott call's closing time, a report due date) belong in the partner
calendar and the iCal feed. Each dotted path in ``settings.CALENDAR_DEADLINE_SOURCES`` names a
callable ``source(*, user, start, end) -> Iterable[CalendarDeadline]`` that returns the
deadlines ``user`` may see with ``start <= at < end`` (either bound may be ``None``: open).
A source does its own access filtering and should cost a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class CalendarDeadline:
    """A dated deadline or event from another app, shown in the calendar and the iCal feed."""

    kind: str  # a short key used for styling and filtering, e.g. "call_deadline"
    at: dt.datetime  # aware
    label: str  # translated, shown as is
    url: str  # a path in the portal
    uid: str  # stable iCal UID, e.g. "partnerpot-call-12-closes@partnerskap"
    sequence: int = 0  # bump when ``at`` or ``label`` change, so calendars update
    cancelled: bool = False
    description: str = ""


@cache
def _sources() -> tuple:
    return tuple(import_string(path) for path in getattr(settings, "CALENDAR_DEADLINE_SOURCES", ()))


def extra_deadlines(
    *, user, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> list[CalendarDeadline]:
    """Every registered source's deadlines for ``user`` in ``[start, end)``, in time order."""
    found: list[CalendarDeadline] = []
    for source in _sources():
        found.extend(_checked(source(user=user, start=start, end=end)))
    found.sort(key=lambda d: (d.at, d.label))
    return found


def _checked(items: Iterable[CalendarDeadline]) -> Iterable[CalendarDeadline]:
    for item in items:
        if item.at.tzinfo is None:
            raise ValueError(f"naive datetime from a calendar source: {item!r}")
        yield item
