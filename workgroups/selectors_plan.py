"""Reads for the action plan's working level (issue 12 §2, §3, §5): a measure's plans and
activities, the activity list, and what the leaders' dashboard shows of them: each measure's
activity against its target frequency, and children's and young people's participation.

Every function here costs a constant number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch
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
    """The measure's plans, newest year first, each with its lines and their people: four
    queries whatever the count."""
    items = PlannedActivity.objects.select_related(
        "responsible_partner", "responsible_person", "activity", "budget_line"
    ).order_by("month", "position", "pk")
    return (
        MeasurePlan.objects.filter(measure=measure)
        .select_related("updated_by")
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


def frequency_against_target(year: int) -> list[Frequency]:
    """Each measure that runs (not ended) with its activities in the target period holding
    ``year`` (a measure done every second year counts both years of its period) against its
    target count. Three queries, whatever the number of measures and activities."""
    start = _plan_start_year()
    measures = list(
        Measure.objects.exclude(status=Measure.Status.ENDED).order_by("position", "name")
    )
    windows = {m.pk: _window(year, m.target_period_years, start) for m in measures}
    first_year = min((w[0] for w in windows.values()), default=year)
    last_year = max((w[1] for w in windows.values()), default=year)
    counts: dict[tuple[int, int], int] = {}
    rows = (
        Activity.objects.filter(
            measure__in=list(windows),
            date__gte=dt.date(first_year, 1, 1),
            date__lte=dt.date(last_year, 12, 31),
        )
        .values_list("measure_id", "date__year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for measure_id, activity_year, n in rows:
        counts[(measure_id, activity_year)] = n
    result = []
    for measure in measures:
        first, last = windows[measure.pk]
        done = sum(counts.get((measure.pk, y), 0) for y in range(first, last + 1))
        result.append(
            Frequency(
                measure=measure,
                done=done,
                target=measure.target_count,
                first_year=first,
                last_year=last,
            )
        )
    return result


@dataclass(frozen=True)
class Participation:
    year: int
    activities: int  # all activities in the year
    with_participation: list[Activity]  # those that say how children and young people took part
    under_goal: int  # activities under the participation sub-goal

    @property
    def share(self) -> int | None:
        if not self.activities:
            return None
        return round(100 * len(self.with_participation) / self.activities)


def participation_summary(year: int) -> Participation:
    """The year's activities in which children and young people took part (those that say
    how), with their measure: two queries."""
    goal_measures = set(
        Measure.objects.filter(sub_goals__number=PARTICIPATION_GOAL_NUMBER).values_list(
            "pk", flat=True
        )
    )
    rows = list(
        Activity.objects.filter(date__year=year).select_related("measure").order_by("date", "pk")
    )
    return Participation(
        year=year,
        activities=len(rows),
        with_participation=[a for a in rows if a.youth_participation.strip()],
        under_goal=sum(1 for a in rows if a.measure_id in goal_measures),
    )
