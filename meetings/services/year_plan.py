"""The year plan (årshjul): the year's meetings generated from each body's rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnership.models import Body, Person

from ..models import (
    OSLO,
    Meeting,
)
from .meetings import meeting_create

# --- Year planning (årshjul) ------------------------------------------------------------------
# Months of a body's meetings when it meets n times a year: spread out, none in July.
MONTHS_BY_COUNT = {
    1: (6,),
    2: (4, 10),
    3: (2, 6, 10),
    4: (3, 6, 9, 11),
    5: (2, 4, 6, 9, 11),
    6: (1, 3, 5, 6, 9, 11),
}
# Per body kind: required meetings when the body does not say, weekday (Mon=0), nth weekday
# of the month, start and length.
DEFAULT_MEETINGS_PER_YEAR = {Body.Kind.LEADERS: 2, Body.Kind.PARTNERS: 4}  # R1, R2
SLOT_SHAPE = {
    Body.Kind.LEADERS: (3, 2, dt.time(12, 0), dt.timedelta(hours=3)),
    Body.Kind.PARTNERS: (2, 2, dt.time(10, 0), dt.timedelta(hours=5)),
    Body.Kind.WORKING_COMMITTEE: (1, 3, dt.time(13, 0), dt.timedelta(hours=2)),
    Body.Kind.GROUP_LEADERS: (1, 1, dt.time(13, 0), dt.timedelta(hours=2)),
}
DEFAULT_SHAPE = (1, 2, dt.time(10, 0), dt.timedelta(hours=2))
FAGLIG_FORUM_MONTHS = (5, 10)  # R9: twice a year, hosted by the Partnermøte
# Third Thursday: the Ledermøte has the second.
FAGLIG_FORUM_SHAPE = (3, 3, dt.time(10, 0), dt.timedelta(hours=5, minutes=30))
# Working groups: second Tuesday 10–12; the national group in the afternoon, so someone in
# both groups is not asked to be in two places at once.
WORKING_GROUP_SHAPE = (1, 2, dt.time(10, 0), dt.timedelta(hours=2))
NATIONAL_GROUP_START = dt.time(13, 0)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _at(day: dt.date, start: dt.time, length: dt.timedelta) -> tuple[dt.datetime, dt.datetime]:
    starts = dt.datetime.combine(day, start, tzinfo=OSLO)
    # Add the length in local wall time, then normalise (zoneinfo handles the DST switch).
    ends = (starts.replace(tzinfo=None) + length).replace(tzinfo=OSLO)
    return starts, ends


def _months(count: int) -> tuple[int, ...]:
    if count in MONTHS_BY_COUNT:
        return MONTHS_BY_COUNT[count]
    return tuple(sorted({min(12, 1 + (i * 12) // count) for i in range(count)}))


def _year_slots(*, year: int, body: Body) -> list[dict]:
    """The meetings a body should have in a year (R1, R2, R5, R9), as meeting_create kwargs."""
    slots: list[dict] = []
    if body.kind == Body.Kind.WORKING_GROUP:
        weekday, n, start, length = WORKING_GROUP_SHAPE
        if body.level == Body.Level.NATIONAL:
            start = NATIONAL_GROUP_START
        s, e = _at(_nth_weekday(year, 1, weekday, n), start, length)
        slots.append(
            {
                "kind": Meeting.Kind.START_UP,
                "starts_at": s,
                "ends_at": e,
                "plan_slot": f"{year}:start_up",
            }
        )
        # One before each Partnermøte, a week ahead (R5).
        partner_meetings = (
            Meeting.objects.filter(
                body__kind=Body.Kind.PARTNERS, kind=Meeting.Kind.ORDINARY, starts_at__year=year
            )
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("starts_at")
        )
        for pm in partner_meetings:
            day = pm.local_date - dt.timedelta(days=7)
            if day.year != year:
                continue
            s, e = _at(day, start, length)
            slots.append(
                {
                    "kind": Meeting.Kind.BEFORE_PARTNER_MEETING,
                    "starts_at": s,
                    "ends_at": e,
                    "plan_slot": f"{year}:before_partner_meeting:{pm.uid}",
                }
            )
        s, e = _at(_nth_weekday(year, 12, weekday, n), start, length)
        slots.append(
            {
                "kind": Meeting.Kind.REPORTING,
                "starts_at": s,
                "ends_at": e,
                "plan_slot": f"{year}:reporting",
            }
        )
        for slot in slots:
            slot["suggested"] = True
        return slots

    count = body.required_meetings_per_year or DEFAULT_MEETINGS_PER_YEAR.get(body.kind, 0)
    kind = (
        Meeting.Kind.GROUP_LEADERS
        if body.kind == Body.Kind.GROUP_LEADERS
        else Meeting.Kind.ORDINARY
    )
    weekday, n, start, length = SLOT_SHAPE.get(body.kind, DEFAULT_SHAPE)
    for i, month in enumerate(_months(count) if count else (), start=1):
        s, e = _at(_nth_weekday(year, month, weekday, n), start, length)
        slots.append(
            {"kind": kind, "starts_at": s, "ends_at": e, "plan_slot": f"{year}:{kind}:{i}"}
        )
    if body.kind == Body.Kind.PARTNERS:
        weekday, n, start, length = FAGLIG_FORUM_SHAPE
        for i, month in enumerate(FAGLIG_FORUM_MONTHS, start=1):
            s, e = _at(_nth_weekday(year, month, weekday, n), start, length)
            slots.append(
                {
                    "kind": Meeting.Kind.FAGLIG_FORUM,
                    "starts_at": s,
                    "ends_at": e,
                    "plan_slot": f"{year}:faglig_forum:{i}",
                }
            )
    return slots


@transaction.atomic
def generate_year(*, year: int, body: Body, created_by: Person | None = None) -> list[Meeting]:
    """Create the year's required meetings for a body; returns those created.

    Ledermøte 2 (R1), Partnermøte 4 plus Faglig forum 2 (R2, R9), other bodies their
    ``required_meetings_per_year``. Working groups get suggested meetings (R5): start-up in
    January, one a week before each Partnermøte (generate the Partnermøte first), reporting in
    December, for their leaders to confirm or move. Running it again creates nothing twice:
    each meeting fills a named slot, even after it has been moved or cancelled.
    """
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Oppgi et gyldig år.")})
    body = Body.objects.select_for_update().get(pk=body.pk)  # one generation per body at a time
    slots = _year_slots(year=year, body=body)
    taken = set(
        Meeting.objects.filter(
            body=body, plan_slot__in=[s["plan_slot"] for s in slots]
        ).values_list("plan_slot", flat=True)
    )
    return [
        meeting_create(body=body, created_by=created_by, **slot)
        for slot in sorted(slots, key=lambda s: s["starts_at"])
        if slot["plan_slot"] not in taken
    ]


def bulk_generate_year(
    *, year: int, bodies: Iterable[Body], created_by: Person | None = None
) -> list[Meeting]:
    """Generate a year for several bodies, Partnermøte first (working groups plan around it)."""
    ordered = sorted(
        bodies,
        key=lambda b: (b.kind != Body.Kind.PARTNERS, b.kind == Body.Kind.WORKING_GROUP, b.pk),
    )
    created: list[Meeting] = []
    for body in ordered:
        created += generate_year(year=year, body=body, created_by=created_by)
    return created
