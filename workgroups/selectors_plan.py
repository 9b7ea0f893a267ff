"""Reads for the action plan's working level (issue 12 §2, §3, §5): a measure's plans and
activities, the activity list, and what the leaders' dashboard shows of them: each measure's
activity against its target frequency, and children's and young people's participation.

Every function here costs a constant number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from meetings.access import is_secretariat
from partnership.models import Goal, Measure, Period
from partnership.roles import roles_for

from .models import Activity, MeasurePlan, PlannedActivity
from .models.plan import PARTICIPATION_GOAL_NUMBER

# The action plan's first year, where a period of several years starts counting (2022–2025).
DEFAULT_PLAN_START = 2022


def activities_for_measure(measure: Measure):
    return Activity.objects.filter(measure=measure).order_by("-date", "-pk")


def plans_for_measure(measure: Measure):
    """The measure's plans, newest year first, each with its lines' titles and progress (what
    the measure's working page lists): two queries whatever the count."""
    items = PlannedActivity.objects.only("plan_id", "title", "progress").order_by(
        "month", "position", "pk"
    )
    return (
        MeasurePlan.objects.filter(measure=measure)
        .only("pk", "measure_id", "year", "status")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("-year")
    )


def plan_items(plan: MeasurePlan):
    return (
        plan.items.select_related(
            "responsible_partner", "responsible_person", "activity", "budget_line"
        )
        .order_by("month", "position", "pk")
        .all()
    )


def readable_group_ids(user) -> set[int] | None:
    """The working groups whose measures ``user`` reads; None: every measure."""
    if is_secretariat(user):
        return None
    roles = roles_for(user)
    if roles.is_partner_leader or roles.is_partner_representative or roles.is_ministry_observer:
        return None
    return set(roles.working_group_ids)


def activities_for_user(user):
    """Every activity the user may read, newest first (with its measure)."""
    qs = Activity.objects.select_related("measure").order_by("-date", "-pk")
    groups = readable_group_ids(user)
    if groups is not None:
        qs = qs.filter(measure__responsible_group_id__in=groups)
    return qs


def measures_with_work(user):
    """The common measures with their responsible group, for the activity list's overview."""
    qs = Measure.objects.select_related("responsible_group").order_by("position", "name")
    groups = readable_group_ids(user)
    if groups is not None:
        qs = qs.filter(responsible_group_id__in=groups)
    return qs


# --- For the leaders' dashboard ------------------------------------------------------------------------
@dataclass(frozen=True)
class Frequency:
    measure: MeasureName
    done: int
    target: int | None  # None: as needed
    first_year: int
    last_year: int

    @property
    def span_text(self) -> str:
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.done >= self.target

    @property
    def text(self) -> str:
        """ "Faglig forum: 1 av 2 i 2026"."""
        if self.target is None:
            return _("%(measure)s: %(done)s i %(span)s (etter behov)") % {
                "measure": self.measure.name,
                "done": self.done,
                "span": self.span_text,
            }
        return _("%(measure)s: %(done)s av %(target)s i %(span)s") % {
            "measure": self.measure.name,
            "done": self.done,
            "target": self.target,
            "span": self.span_text,
        }


def _window(year: int, years: int, start: int) -> tuple[int, int]:
    """The period of ``years`` years that holds ``year``, counted from the plan's start."""
    if years <= 1:
        return year, year
    first = start + ((year - start) // years) * years
    return first, first + years - 1


@dataclass(frozen=True)
class Participation:
    year: int
    activities: int  # all activities in the year
    participating: int  # those that say how children and young people took part
    under_goal: int  # activities under the participation sub-goal

    @property
    def share(self) -> int | None:
        if not self.activities:
            return None
        return round(100 * self.participating / self.activities)


class MeasureName(NamedTuple):
    """What the activity overview shows of a measure: its name, linked by its pk."""

    pk: int
    name: str


def _overview_sql() -> str:
    """Every measure, in the plan's order, with whether it serves the participation
    sub-goal, its activities counted per year between two dates (with how many say how
    children and young people took part: not blank) and the action plan's first day: one
    statement, written out because the ORM version (three querysets, one with an ``Exists``)
    cost more in Python than PostgreSQL took to run it (make bench). Table names come from
    the models; values are parameters."""
    activity, measure = Activity._meta.db_table, Measure._meta.db_table
    goal, period = Goal._meta.db_table, Period._meta.db_table
    measure_goals = Measure.sub_goals.through._meta.db_table
    return f"""
WITH counted AS (
    SELECT measure_id, EXTRACT(YEAR FROM date)::integer AS year, COUNT(*) AS n,
           COUNT(*) FILTER (WHERE youth_participation !~ %(blank)s) AS participating
      FROM {activity}
     WHERE date >= %(first)s AND date <= %(last)s
     GROUP BY 1, 2
)
SELECT m.id, m.name, m.status, m.target_count, m.target_period_years,
       EXISTS (SELECT 1 FROM {measure_goals} mg JOIN {goal} g ON g.id = mg.goal_id
                WHERE mg.measure_id = m.id AND g.number = %(goal)s),
       c.year, c.n, c.participating,
       (SELECT MIN(starts_on) FROM {period} WHERE kind = %(plan)s)
  FROM {measure} m LEFT JOIN counted c ON c.measure_id = m.id
 ORDER BY m.position, m.name, m.id, c.year
"""  # noqa: S608


# A target period is one to four years (``measure_target_period_1_to_4``): every window that
# holds a year lies within three years either side of it.
_LONGEST_PERIOD = 4


def activity_overview(year: int) -> tuple[list[Frequency], Participation]:
    """What the dashboard and the annual report show of the year's activity: each measure
    that runs (not ended) with its activities in the target period holding ``year`` (a
    measure done every second year counts both years of its period, counted from the action
    plan's start) against its target count, and the year's participation of children and
    young people (how many activities, how many say how they took part, how many fall under
    the participation sub-goal). One query whatever the number of measures and activities."""
    span = _LONGEST_PERIOD - 1
    with connection.cursor() as cursor:
        cursor.execute(
            _overview_sql(),
            {
                "blank": r"^\s*$",
                "first": dt.date(year - span, 1, 1),
                "last": dt.date(year + span, 12, 31),
                "goal": PARTICIPATION_GOAL_NUMBER,
                "plan": Period.Kind.ACTION_PLAN.value,
            },
        )
        rows = cursor.fetchall()
    start = rows[0][9].year if rows and rows[0][9] else DEFAULT_PLAN_START
    measures: dict[int, tuple] = {}  # pk -> (name, status, target, period years)
    counts: dict[tuple[int, int], int] = {}
    activities = participating = in_goal = 0
    for pk, name, status, target, years, under_goal, on, n, took_part, _start in rows:
        measures.setdefault(pk, (name, status, target, years))
        if on is None:
            continue
        counts[(pk, on)] = n
        if on == year:
            activities += n
            participating += took_part
            in_goal += n if under_goal else 0
    frequencies = []
    for pk, (name, status, target, years) in measures.items():
        if status == Measure.Status.ENDED:
            continue
        first, last = _window(year, years, start)
        frequencies.append(
            Frequency(
                measure=MeasureName(pk, name),
                done=sum(counts.get((pk, y), 0) for y in range(first, last + 1)),
                target=target,
                first_year=first,
                last_year=last,
            )
        )
    participation = Participation(
        year=year, activities=activities, participating=participating, under_goal=in_goal
    )
    return frequencies, participation


def participating_activities(year: int) -> list[Activity]:
    """The year's activities that say how children and young people took part, with their
    measure, in date order (the annual report lists them)."""
    return list(
        Activity.objects.filter(date__year=year)
        .exclude(youth_participation__regex=r"^\s*$")
        .select_related("measure")
        .only("date", "title", "youth_participation", "measure__name")
        .order_by("date", "pk")
    )
