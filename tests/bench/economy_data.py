"""Bench data for the economy (issue 13's benchmark): 10 working groups, a budget for each of
10 years (earlier years closed) and 100,000 expense lines spread over them, bulk-loaded.

Called from ``run.py``'s ``seed`` after Partnerpotten. The demo's two working groups are kept
and eight more are made (no members: the bench user of the secretariat reads them all). Plain
``bulk_create`` (no history rows, no vouchers); every entry is within its group's allocation,
so none waits for approval, and the paid entries of closed years are booked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

EXPENSES = 100_000
YEARS = 10
GROUPS = 10
STATE_GRANT = Decimal("20000000")
GROUP_BASE = Decimal("1000000")
PARTNERPOT = Decimal("5000000")
# (status, share out of 20): most money is paid; some invoiced or only committed.
STATUSES = ["paid"] * 14 + ["invoiced"] * 3 + ["committed"] * 3
CATEGORIES = ["travel", "meetings", "materials", "fees", "services", "other"]


def seed_economy(*, expenses: int = EXPENSES, years: int = YEARS, groups: int = GROUPS) -> dict:
    from django.utils import timezone

    from partnership.models import Body, BudgetLine, BudgetVersion, BudgetYear
    from workgroups.models import AccountEntry

    now = timezone.now()
    this_year = timezone.localdate().year
    working_groups = list(Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("pk"))
    for n in range(len(working_groups), groups):
        working_groups.append(
            Body.objects.create(
                name=f"Bench-arbeidsgruppe {n + 1:02d}",
                short_name=f"BAG{n + 1:02d}",
                kind=Body.Kind.WORKING_GROUP,
                level=Body.Level.LOCAL if n % 2 else Body.Level.NATIONAL,
                mandate="Arbeidsgruppe i benchmark-dataene.",
                term_years=2,
            )
        )
    first_year = this_year - years + 1
    budget_years = BudgetYear.objects.bulk_create(
        [
            BudgetYear(year=y, closed_at=now if y < this_year else None)
            for y in range(first_year, this_year + 1)
        ]
    )
    versions = BudgetVersion.objects.bulk_create(
        [
            BudgetVersion(
                budget_year=by,
                number=1,
                status="adopted",
                adopted_on=dt.date(by.year, 1, 15),
                note="Bench",
            )
            for by in budget_years
        ]
    )
    lines = []
    for version in versions:
        lines.append(BudgetLine(version=version, kind="state_grant", amount=STATE_GRANT))
        lines.append(
            BudgetLine(version=version, kind="partnerpot", title="Partnerpotten", amount=PARTNERPOT)
        )
        lines.extend(
            BudgetLine(
                version=version,
                kind="group_base",
                working_group=group,
                amount=GROUP_BASE,
                position=i,
            )
            for i, group in enumerate(working_groups)
        )
    BudgetLine.objects.bulk_create(lines, batch_size=2000)

    # Expenses: round-robin over years and groups, dates spread over the year (this year only
    # up to today), amounts 500–4,950 kr: a group-year's ~1,000 lines stay within its 1 MNOK.
    today = timezone.localdate()
    entries = []
    cells = [(by, g) for by in budget_years for g in working_groups]
    for i in range(expenses):
        budget_year, group = cells[i % len(cells)]
        last_day = today if budget_year.year == this_year else dt.date(budget_year.year, 12, 31)
        span = (last_day - dt.date(budget_year.year, 1, 1)).days
        day = dt.date(budget_year.year, 1, 1) + dt.timedelta(days=(i * 37) % (span + 1))
        status = STATUSES[i % len(STATUSES)]
        closed = budget_year.year < this_year
        entries.append(
            AccountEntry(
                working_group=group,
                budget_year=budget_year,
                date=day,
                description=f"Utgift {i:06d}: reise og møte",
                amount=Decimal(500 + (i * 7919) % 4451),
                category=CATEGORIES[i % len(CATEGORIES)],
                supplier=f"Leverandør {i % 97:02d}",
                status=status,
                booked_at=now if closed and status == "paid" else None,
            )
        )
    AccountEntry.objects.bulk_create(entries, batch_size=5000)
    return {"groups": len(working_groups), "budget_years": len(budget_years), "expenses": expenses}
