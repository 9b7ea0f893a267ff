"""Bench data for the action plan's working level (issue 12's benchmark): the plan's common
measures topped up to 20, each with a responsible working group, 2,000 activities spread over
them and over the last ten years (100 a measure, two to four partners each), and this year's
measure plan for every measure with six planned activities. Bulk-loaded (no history rows).

Called from ``run.py``'s ``seed`` after the indicators.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

MEASURES = 20
ACTIVITIES = 2_000
YEARS = 10
PLANNED_PER_MEASURE = 6


def seed_plan_work(*, measures: int = MEASURES, activities: int = ACTIVITIES) -> None:
    from partnership import services_plan
    from partnership.models import Body, Goal, Measure, Partner, today
    from workgroups.models import Activity, MeasurePlan, PlannedActivity
    from workgroups.models.plan import COUNTIES

    groups = list(Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("pk"))
    made = services_plan.measures_seed()
    sub_goals = list(Goal.objects.filter(kind=Goal.Kind.SUB).order_by("number"))
    extra = [
        Measure(
            name=f"Bench-tiltak {i + 1}",
            category=("local", "national", "support")[i % 3],
            description="Et felles tiltak i benchmark-dataene.",
            target_count=(i % 4) or None,
            target_period_years=1 + i % 2,
            position=len(made) + i + 1,
        )
        for i in range(measures - len(made))
    ]
    made += Measure.objects.bulk_create(extra)
    for i, measure in enumerate(made):
        measure.responsible_group = groups[i % len(groups)]
    Measure.objects.bulk_update(made, ["responsible_group"])
    Through = Measure.sub_goals.through
    Through.objects.bulk_create(
        [
            Through(measure_id=m.pk, goal_id=sub_goals[i % len(sub_goals)].pk)
            for i, m in enumerate(made)
        ],
        ignore_conflicts=True,
    )

    day = today()
    partner_ids = list(Partner.objects.order_by("pk").values_list("pk", flat=True))
    rows = []
    for i in range(activities):
        measure = made[i % len(made)]
        days_ago = (i * 37) % (YEARS * 365)
        rows.append(
            Activity(
                measure=measure,
                title=f"Bench-aktivitet {i + 1}: {measure.name}",
                date=day - dt.timedelta(days=days_ago),
                county=COUNTIES[i % len(COUNTIES)],
                place="Bench",
                format=("physical", "digital", "hybrid")[i % 3],
                participant_count=20 + i % 180,
                youth_participation="Elevrådet deltok." if i % 4 == 0 else "",
                outcomes="Erfaringer delt.",
            )
        )
    activity_rows = Activity.objects.bulk_create(rows, batch_size=2000)
    Link = Activity.partners.through
    Link.objects.bulk_create(
        [
            Link(activity_id=a.pk, partner_id=partner_ids[(i + k * 7) % len(partner_ids)])
            for i, a in enumerate(activity_rows)
            for k in range(2 + i % 3)
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )

    plans = MeasurePlan.objects.bulk_create(
        [MeasurePlan(measure=m, year=day.year, note="Bench-plan.") for m in made]
    )
    progress = ("done", "done", "in_progress", "not_started", "not_started", "dropped")
    PlannedActivity.objects.bulk_create(
        [
            PlannedActivity(
                plan=plan,
                title=f"Planlagt aktivitet {k + 1}",
                month=1 + (k * 2) % 12,
                responsible_partner_id=partner_ids[(i + k) % len(partner_ids)],
                resource_amount=Decimal(10_000 * (k + 1)),
                progress=progress[k % len(progress)],
            )
            for i, plan in enumerate(plans)
            for k in range(PLANNED_PER_MEASURE)
        ]
    )
