"""Reads of the workgroups app that pages and reports share."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from meetings.models import Decision
from partnership import budget_selectors
from partnership.models import Body, BudgetVersion, BudgetYear

from .models import AccountEntry, AccountTotal, OwnContribution, Voucher

ZERO = Decimal("0.00")


def adopting_decisions(versions) -> dict[int, Decision]:
    """The decision that adopted each version (by version id), in one query."""
    ids = [v.pk for v in versions]
    if not ids:
        return {}
    decisions = Decision.objects.select_related("body").filter(
        concerns_type=ContentType.objects.get_for_model(BudgetVersion), concerns_id__in=ids
    )
    return {d.concerns_id: d for d in decisions}


@dataclass(frozen=True)
class AccountTotals:
    allocated: Decimal
    committed: Decimal  # counted, not yet paid
    spent: Decimal  # counted and paid (reversals included)
    pending: Decimal  # waiting for the secretariat's approval over the allocation
    entries: int = 0  # how many entries (all of them, counted or not)

    @property
    def used(self) -> Decimal:
        return self.committed + self.spent

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.used


def totals_of(entries: list[AccountEntry], allocated: Decimal) -> AccountTotals:
    """Summed in Python from the Decimal amounts of the entries shown: a total shown is always
    the sum of its rows."""
    counted = [e for e in entries if e.approval in AccountEntry.COUNTED]
    return AccountTotals(
        allocated=allocated,
        committed=sum((e.amount for e in counted if e.status != AccountEntry.Status.PAID), ZERO),
        spent=sum((e.amount for e in counted if e.status == AccountEntry.Status.PAID), ZERO),
        pending=sum(
            (e.amount for e in entries if e.approval == AccountEntry.Approval.PENDING), ZERO
        ),
        entries=len(entries),
    )


def group_totals(group: Body, budget_year: BudgetYear, allocated: Decimal) -> AccountTotals:
    """``totals_of`` for all the group's entries of the year, summed by PostgreSQL in one
    query (``numeric``: exact, no float) over the entries' running totals (``AccountTotal``),
    so the page can show one page of rows."""
    counted = Q(approval__in=AccountEntry.COUNTED)
    paid = Q(status=AccountEntry.Status.PAID)
    sums = AccountTotal.objects.filter(working_group=group, budget_year=budget_year).aggregate(
        committed=Coalesce(Sum("amount", filter=counted & ~paid), ZERO),
        spent=Coalesce(Sum("amount", filter=counted & paid), ZERO),
        pending=Coalesce(Sum("amount", filter=Q(approval=AccountEntry.Approval.PENDING)), ZERO),
        entries=Coalesce(Sum("entries"), 0),
    )
    return AccountTotals(allocated=allocated, **sums)


# What the accounts list shows of an entry.
LIST_COLUMNS = ("date", "description", "category", "status", "approval", "amount", "booked_at")


def group_entries_query(group: Body, budget_year: BudgetYear):
    """The group's entries of the year, newest first, with the columns the list shows (as
    named rows: the list writes them out and never needs a model instance). The
    vouchers are counted per row shown (a correlated subquery on the page's 50 rows) rather
    than by grouping the whole year before the page is cut."""
    vouchers = (
        Voucher.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        AccountEntry.objects.filter(working_group=group, budget_year=budget_year)
        .annotate(voucher_count=Coalesce(Subquery(vouchers), 0))
        .order_by("-date", "-pk")
        .values_list("pk", *LIST_COLUMNS, "voucher_count", named=True)
    )


def group_entries(group: Body, budget_year: BudgetYear) -> list[AccountEntry]:
    """All of them, with everything the export shows."""
    return list(
        AccountEntry.objects.filter(working_group=group, budget_year=budget_year)
        .annotate(voucher_count=Count("vouchers"))
        .select_related("reverses", "common_measure")
        .order_by("-date", "-pk")
    )


def group_contributions(group: Body, budget_year: BudgetYear) -> list[OwnContribution]:
    return list(
        OwnContribution.objects.filter(working_group=group, budget_year=budget_year)
        .select_related("partner")
        .order_by("-date", "-pk")
    )


def group_summaries(groups, budget_year: BudgetYear | None) -> list[dict]:
    """Allocated, used and remaining per group for a year (three queries for any number)."""
    groups = list(groups)
    if budget_year is None:
        return [{"group": g, "allocated": ZERO, "used": ZERO, "remaining": ZERO} for g in groups]
    allocations = budget_selectors.group_allocations(budget_year.pk)
    used = dict(
        AccountEntry.objects.filter(
            budget_year=budget_year,
            working_group__in=groups,
            approval__in=AccountEntry.COUNTED,
        )
        .values_list("working_group")
        .annotate(total=Sum("amount"))
        .values_list("working_group", "total")
    )
    rows = []
    for group in groups:
        allocated = allocations.get(group.pk, ZERO)
        spent = used.get(group.pk) or ZERO
        rows.append(
            {"group": group, "allocated": allocated, "used": spent, "remaining": allocated - spent}
        )
    return rows
