"""Reads of the budget frame that pages, exports and other apps share: a version's lines and
totals (with the 90 % warning), the differences between two versions, and the year's
version in force.

Totals are summed in Python from the Decimal amounts of the lines the page shows, so a total
shown is always the sum of the lines shown (the hypothesis tests hold it to that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .budget_models import ZERO, BudgetLine, BudgetVersion, BudgetYear

# From this share of the funds allocated, the pages warn (the 90 % rule).
WARNING_SHARE = Decimal("0.90")


@dataclass(frozen=True)
class Totals:
    income_lines: list[BudgetLine]
    allocation_lines: list[BudgetLine]
    income: Decimal
    allocated: Decimal
    remaining: Decimal
    share: Decimal | None  # allocated / income, None without income

    @property
    def percent(self) -> Decimal | None:
        return None if self.share is None else (self.share * 100).quantize(Decimal("0.1"))

    @property
    def near_limit(self) -> bool:
        return self.share is not None and WARNING_SHARE <= self.share <= 1

    @property
    def over(self) -> Decimal:
        return max(self.allocated - self.income, ZERO)


def totals_of(lines: list[BudgetLine]) -> Totals:
    income_lines = [line for line in lines if line.kind in BudgetLine.INCOME_KINDS]
    allocation_lines = [line for line in lines if line.kind in BudgetLine.ALLOCATION_KINDS]
    income = sum((line.amount for line in income_lines), ZERO)
    allocated = sum((line.amount for line in allocation_lines), ZERO)
    share = (allocated / income) if income > 0 else None
    return Totals(
        income_lines=income_lines,
        allocation_lines=allocation_lines,
        income=income,
        allocated=allocated,
        remaining=income - allocated,
        share=share,
    )


def lines_of(version: BudgetVersion) -> list[BudgetLine]:
    return list(version.lines.select_related("working_group").order_by("position", "pk"))


def version_totals(version: BudgetVersion) -> Totals:
    return totals_of(lines_of(version))


@dataclass(frozen=True)
class DiffRow:
    label: str
    before: Decimal | None
    after: Decimal | None

    @property
    def change(self) -> Decimal:
        return (self.after or ZERO) - (self.before or ZERO)

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"


@dataclass(frozen=True)
class Diff:
    rows: list[DiffRow] = field(default_factory=list)

    @property
    def allocation_change(self) -> Decimal:
        return sum((row.change for row in self.rows), ZERO)


def diff(before: list[BudgetLine], after: list[BudgetLine]) -> list[DiffRow]:
    """The lines that differ between two versions: added, removed or with a new amount."""
    old = {line.key: line for line in before}
    new = {line.key: line for line in after}
    rows = []
    for key, line in new.items():
        previous = old.get(key)
        if previous is None:
            rows.append(DiffRow(line.label, None, line.amount))
        elif previous.amount != line.amount:
            rows.append(DiffRow(line.label, previous.amount, line.amount))
    for key, line in old.items():
        if key not in new:
            rows.append(DiffRow(line.label, line.amount, None))
    return rows


def budget_years():
    """Every year with its versions, newest year first (two queries)."""
    return BudgetYear.objects.prefetch_related("versions").order_by("-year")


def version_in_force(year: int) -> BudgetVersion | None:
    return (
        BudgetVersion.objects.select_related("budget_year")
        .filter(budget_year__year=year, status=BudgetVersion.Status.ADOPTED)
        .first()
    )


def allocation_line(year: int, kind: str) -> BudgetLine | None:
    """The adopted budget's line of one kind for a year (e.g. the Partnerpott envelope)."""
    return (
        BudgetLine.objects.filter(
            version__budget_year__year=year,
            version__status=BudgetVersion.Status.ADOPTED,
            kind=kind,
        )
        .order_by("position", "pk")
        .first()
    )


def group_allocations(year_id: int) -> dict[int, Decimal]:
    """Each working group's base allocation in the year's budget in force (by body id)."""
    rows = (
        BudgetLine.objects.filter(
            version__budget_year_id=year_id,
            version__status=BudgetVersion.Status.ADOPTED,
            kind=BudgetLine.Kind.GROUP_BASE,
        )
        .order_by()
        .values_list("working_group_id", "amount")
    )
    return dict(rows)


def group_allocation(year_id: int, group_id: int) -> Decimal:
    return group_allocations(year_id).get(group_id, ZERO)
