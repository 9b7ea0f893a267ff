"""An adopted indicator set for the indicator tests (services, import, dashboard, matrix)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from meetings import services as meeting_services
from partnership import services_indicators, services_plan
from partnership.models import Goal, Period, today

from ..meetings.factories import held_meeting

UNITS = ("count", "percent", "nok", "scale", "qualitative")


def agreement_period() -> Period:
    """An agreement period that began three years ago and runs two more."""
    start = today().replace(month=1, day=1) - dt.timedelta(days=365 * 3)
    start = start.replace(month=1, day=1)
    period, _ = Period.objects.get_or_create(
        kind=Period.Kind.AGREEMENT,
        starts_on=start,
        defaults={"title": "Partnerskapsavtalen", "ends_on": start.replace(year=start.year + 5)},
    )
    return period


def leaders_decision(registry, *, title="Kjennetegn vedtatt"):
    meeting = held_meeting(body=registry.leaders_meeting)
    return meeting_services.decision_record(meeting=meeting, text=f"{title}.", title=title)


def indicator_fields(unit: str, goal: Goal, code: str, **extra) -> dict:
    start = agreement_period().starts_on
    numbers = {
        "count": (Decimal(10), Decimal(20), Decimal(30)),
        "percent": (Decimal(40), Decimal(50), Decimal(60)),
        "nok": (Decimal(1000), Decimal(2000), Decimal(3000)),
        "scale": (Decimal(2), Decimal(3), Decimal(4)),
        "qualitative": (None, None, None),
    }[unit]
    return {
        "goal": goal,
        "code": code,
        "name": f"Kjennetegn {code}",
        "definition": "Hva som måles.",
        "unit": unit,
        "data_source": "Elevundersøkelsen",
        "direction": "higher",
        "baseline": numbers[0],
        "baseline_on": start if numbers[0] is not None else None,
        "target_2y": numbers[1],
        "target_4y": numbers[2],
        **extra,
    }


def adopted_set(registry, *, per_unit: int = 1, adopt: bool = True):
    """The plan's goals, an agreement period and a set with ``per_unit`` indicators of each
    unit spread over the sub-goals, adopted by a Ledermøte decision."""
    services_plan.goals_seed()
    agreement_period()
    goals = list(Goal.objects.filter(kind=Goal.Kind.SUB).order_by("number"))
    draft = services_indicators.indicator_set_draft(title="Kjennetegn på måloppnåelse")
    n = 0
    for unit in UNITS:
        for _i in range(per_unit):
            n += 1
            goal = goals[n % len(goals)]
            services_indicators.indicator_save(
                indicator_set=draft,
                **indicator_fields(unit, goal, f"{goal.number}.{n}", position=n),
            )
    if adopt:
        decision = leaders_decision(registry)
        services_indicators.indicator_set_adopt(indicator_set=draft, decision_pk=decision.pk)
        draft.refresh_from_db()
    return draft


def by_unit(indicator_set, unit: str):
    return indicator_set.indicators.filter(unit=unit).order_by("position").first()
