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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .models import StepAside


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


# --- Conflicts of interest: what a conflicted reader does not see -------------------------------
# A person who is conflicted on an agenda item (inhabil) sees that the item exists and that they
# step aside, and later the decision; never the proposed decision, which for a Partnerpott
# application is the secretariat's recommendation (issue 10 §2). Meetings knows its own
# step-asides; a higher app that puts items on agendas registers a source that names the people
# conflicted on its items (``register_conflict_source`` in its ``AppConfig.ready()``).
ConflictSource = Callable[..., Mapping[int, Iterable[int]]]
_conflict_sources: list[ConflictSource] = []


def register_conflict_source(source: ConflictSource) -> ConflictSource:
    """``source(*, item_ids) -> {item_id: person ids conflicted on it}``, a constant number of
    queries for any number of items."""
    if source not in _conflict_sources:
        _conflict_sources.append(source)
    return source


def conflicted_people(
    item_ids: Iterable[int], *, step_asides: Iterable[tuple[int, int]] | None = None
) -> dict[int, frozenset[int]]:
    """For each of the items, the people who may not read its proposed decision.
    ``step_asides``: the items' (item id, person id) step-asides when the caller has them."""
    ids = set(item_ids)
    found: dict[int, set[int]] = {pk: set() for pk in ids}
    if not ids:
        return {}
    if step_asides is None:
        step_asides = StepAside.objects.filter(agenda_item_id__in=ids).values_list(
            "agenda_item_id", "person_id"
        )
    for item_id, person_id in step_asides:
        found[item_id].add(person_id)
    for source in _conflict_sources:
        for item_id, people in source(item_ids=ids).items():
            if item_id in found:
                found[item_id].update(people)
    return {pk: frozenset(people) for pk, people in found.items() if people}


def withheld_item_ids(*, person_id: int | None, conflicts: Mapping[int, frozenset[int]]):
    """The items whose proposed decision ``person_id`` may not read."""
    if person_id is None:
        return frozenset()
    return frozenset(item for item, people in conflicts.items() if person_id in people)
