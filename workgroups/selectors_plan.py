"""Reads for the action plan's working level (issue 12 §2, §3, §5): a measure's plans and
activities, the activity list, and what the leaders' dashboard shows of them: each measure's
activity against its target frequency, and children's and young people's participation.

Every function here costs a constant number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from meetings.access import is_secretariat
from partnership.models import Measure, Period
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
    measure: Measure
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


def _plan_start_year() -> int:
    first = (
        Period.objects.filter(kind=Period.Kind.ACTION_PLAN)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )
    return first.year if first else DEFAULT_PLAN_START


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


def activity_overview(year: int) -> tuple[list[Frequency], Participation]:
    """What the dashboard and the annual report show of the year's activity: each measure
    that runs (not ended) with its activities in the target period holding ``year`` (a
    measure done every second year counts both years of its period) against its target
    count, and the year's participation of children and young people (how many activities,
    how many say how they took part, how many fall under the participation sub-goal).
    Three queries whatever the number of measures and activities: the plan's start, the
    measures, and the activities counted per measure and year."""
    start = _plan_start_year()
    under_goal = Exists(
        Measure.sub_goals.through.objects.filter(
            measure_id=OuterRef("pk"), goal__number=PARTICIPATION_GOAL_NUMBER
        )
    )
    measures = list(
        Measure.objects.only("name", "status", "target_count", "target_period_years")
        .annotate(under_goal=under_goal)
        .order_by("position", "name")
    )
    running = [m for m in measures if m.status != Measure.Status.ENDED]
    windows = {m.pk: _window(year, m.target_period_years, start) for m in running}
    first_year = min((w[0] for w in windows.values()), default=year)
    last_year = max((w[1] for w in windows.values()), default=year)
    rows = (
        Activity.objects.filter(
            date__gte=dt.date(min(first_year, year), 1, 1),
            date__lte=dt.date(max(last_year, year), 12, 31),
        )
        .values_list("measure_id", "date__year")
        .annotate(
            n=Count("pk"),
            participating=Count("pk", filter=~Q(youth_participation__regex=r"^\s*$")),
        )
        .order_by()
    )
    counts: dict[tuple[int, int], int] = {}
    goal_measures = {m.pk for m in measures if m.under_goal}
    activities = participating = in_goal = 0
    for measure_id, activity_year, n, took_part in rows:
        counts[(measure_id, activity_year)] = n
        if activity_year == year:
            activities += n
            participating += took_part
            in_goal += n if measure_id in goal_measures else 0
    frequencies = []
    for measure in running:
        first, last = windows[measure.pk]
        done = sum(counts.get((measure.pk, y), 0) for y in range(first, last + 1))
        frequencies.append(
            Frequency(
                measure=measure,
                done=done,
                target=measure.target_count,
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
