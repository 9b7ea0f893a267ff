"""Budget against actuals (issue 13 §3): per working group and for the whole partnership, by
line and by month: allocated, committed, spent, remaining and a simple forecast for the year.

What counts is what counts against an allocation (``AccountEntry.COUNTED``): entries within it
or approved over it, reversals included. "Committed" is counted but not yet paid; "spent" is
paid. The forecast is the pace so far carried to the year's end (used ÷ months gone × 12) for
the year under way, and what was used for a year that is over. All sums are Decimal; totals
are summed from the rows shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone

from partnership import budget_selectors
from partnership.models import Body, BudgetLine, BudgetYear

from .models import AccountEntry, AccountTotal

ZERO = Decimal("0.00")
MONTHS = range(1, 13)


@dataclass(frozen=True)
class MonthRow:
    month: int
    committed: Decimal
    spent: Decimal
    cumulative: Decimal  # committed + spent, from January to this month

    @property
    def used(self) -> Decimal:
        return self.committed + self.spent

    @property
    def first_day(self) -> dt.date:
        return dt.date(2000, self.month, 1)


@dataclass(frozen=True)
class LineRow:
    label: str
    allocated: Decimal
    committed: Decimal | None  # None: not recorded in the portal (kept by the secretariat)
    spent: Decimal | None
    group: Body | None = None

    @property
    def used(self) -> Decimal | None:
        if self.committed is None:
            return None
        return self.committed + self.spent

    @property
    def remaining(self) -> Decimal | None:
        return None if self.used is None else self.allocated - self.used


@dataclass(frozen=True)
class Actuals:
    year: int
    allocated: Decimal
    months: list[MonthRow]
    lines: list[LineRow]
    forecast: Decimal

    @property
    def committed(self) -> Decimal:
        return sum((m.committed for m in self.months), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((m.spent for m in self.months), ZERO)

    @property
    def used(self) -> Decimal:
        return self.committed + self.spent

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.used

    @property
    def months_left(self) -> list[tuple[MonthRow, Decimal]]:
        """Each month with what was left of the allocation at its end."""
        return [(m, self.allocated - m.cumulative) for m in self.months]


def forecast(used: Decimal, year: int, today: dt.date | None = None) -> Decimal:
    """The pace so far carried to the year's end; what was used, once the year is over."""
    today = today or timezone.localdate()
    if year != today.year:
        return used
    months_gone = Decimal(today.month - 1) + Decimal(today.day) / Decimal(31)
    if months_gone <= 0:
        return used
    return (used / months_gone * 12).quantize(ZERO, rounding=ROUND_HALF_UP)


def _counted_totals(key: str, **where) -> list[tuple]:
    """``(key, month, paid, total)`` of the counted entries: one grouped query that gives
    both a page's months and its lines, over the entries' running totals (``AccountTotal``,
    a few hundred rows a year) rather than the entries themselves."""
    rows = (
        AccountTotal.objects.filter(approval__in=AccountEntry.COUNTED, **where)
        .values_list(key, "month", "status")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return [
        (k, month, status == AccountEntry.Status.PAID, total) for k, month, status, total in rows
    ]


def _months(totals: list[tuple]) -> list[MonthRow]:
    """By month, from ``_counted_totals``."""
    committed = dict.fromkeys(MONTHS, ZERO)
    spent = dict.fromkeys(MONTHS, ZERO)
    for _key, month, paid, total in totals:
        target = spent if paid else committed
        target[month] += total
    result, running = [], ZERO
    for month in MONTHS:
        running += committed[month] + spent[month]
        result.append(MonthRow(month, committed[month], spent[month], running))
    return result


def _by_key(totals: list[tuple]) -> dict:
    """``{key: [committed, spent]}`` from ``_counted_totals``."""
    out: dict = {}
    for key, _month, paid, total in totals:
        pair = out.setdefault(key, [ZERO, ZERO])
        pair[1 if paid else 0] += total
    return out


def group_actuals(group: Body, budget_year: BudgetYear) -> Actuals:
    allocated = budget_selectors.group_allocation(budget_year.pk, group.pk)
    totals = _counted_totals("category", working_group=group, budget_year=budget_year)
    months = _months(totals)
    lines = _by_key(totals)
    line_rows = [
        LineRow(str(AccountEntry.Category(c).label), ZERO, pair[0], pair[1])
        for c, pair in sorted(lines.items())
    ]
    used = sum((m.used for m in months), ZERO)
    return Actuals(budget_year.year, allocated, months, line_rows, forecast(used, budget_year.year))


def partnership_actuals(budget_year: BudgetYear) -> Actuals:
    """Every allocation line of the budget in force; the groups' lines with their accounts."""
    version = budget_selectors.version_in_force(budget_year.year)
    lines = budget_selectors.lines_of(version) if version else []
    totals = _counted_totals("working_group_id", budget_year=budget_year)
    used = _by_key(totals)
    rows = []
    for line in lines:
        if line.kind not in BudgetLine.ALLOCATION_KINDS:
            continue
        if line.kind == BudgetLine.Kind.GROUP_BASE:
            rows.append(
                LineRow(
                    line.label,
                    line.amount,
                    *used.get(line.working_group_id, (ZERO, ZERO)),
                    group=line.working_group,
                )
            )
        else:
            rows.append(LineRow(line.label, line.amount, None, None))
    months = _months(totals)
    allocated = sum((r.allocated for r in rows), ZERO)
    total_used = sum((m.used for m in months), ZERO)
    return Actuals(
        budget_year.year, allocated, months, rows, forecast(total_used, budget_year.year)
    )
