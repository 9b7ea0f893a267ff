"""Bench data for the leaders' dashboard: the plan's goals, an adopted indicator set of 50
indicators spread over the sub-goals and 10 years of monthly values each (6,000 rows),
bulk-loaded (no history rows).

Called from ``run.py``'s ``seed`` after Partnerpotten's data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

INDICATORS = 50
YEARS = 10
UNITS = ("percent", "count", "scale", "nok", "qualitative")


def _month(day: dt.date, months_ago: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_ago
    return dt.date(index // 12, index % 12 + 1, 1)


def seed_indicators(*, indicators: int = INDICATORS, years: int = YEARS) -> None:
    from partnership import services_plan
    from partnership.models import Goal, Indicator, IndicatorSet, IndicatorValue, today

    services_plan.goals_seed()
    goals = list(Goal.objects.filter(kind=Goal.Kind.SUB).order_by("number"))
    day = today()
    start = _month(day, years * 12 - 1)
    indicator_set = IndicatorSet.objects.create(
        version=1,
        title="Kjennetegn på måloppnåelse",
        status=IndicatorSet.Status.ADOPTED,
        adopted_on=start,
    )
    numbers = {
        "percent": (Decimal(40), Decimal(50), Decimal(60)),
        "count": (Decimal(100), Decimal(150), Decimal(200)),
        "scale": (Decimal(2), Decimal(3), Decimal(4)),
        "nok": (Decimal(100000), Decimal(200000), Decimal(300000)),
        "qualitative": (None, None, None),
    }
    rows = []
    for i in range(indicators):
        unit = UNITS[i % len(UNITS)]
        baseline, two, four = numbers[unit]
        rows.append(
            Indicator(
                indicator_set=indicator_set,
                goal=goals[i % len(goals)],
                code=f"{goals[i % len(goals)].number}.{i + 1}",
                name=f"Bench-kjennetegn {i + 1}",
                definition="Hva som måles, og hvordan.",
                unit=unit,
                data_source="Bench",
                direction="lower" if i % 7 == 3 else "higher",
                baseline=baseline,
                baseline_on=start if baseline is not None else None,
                target_2y=two,
                target_4y=four,
                position=i,
            )
        )
    made = Indicator.objects.bulk_create(rows)
    values = []
    for indicator in made:
        for m in range(years * 12):
            measured_on = _month(day, m)
            if indicator.unit == "qualitative":
                values.append(
                    IndicatorValue(
                        indicator=indicator,
                        unit=indicator.unit,
                        measured_on=measured_on,
                        status=("green", "amber", "red")[m % 3],
                    )
                )
                continue
            low, high = indicator.baseline, indicator.target_4y
            value = low + (high - low) * Decimal(m % 12) / 12
            if indicator.unit in ("count", "scale"):
                value = value.quantize(Decimal(1))
            values.append(
                IndicatorValue(
                    indicator=indicator,
                    unit=indicator.unit,
                    measured_on=measured_on,
                    value=value.quantize(Decimal("0.01")),
                )
            )
    IndicatorValue.objects.bulk_create(values, batch_size=5000)
