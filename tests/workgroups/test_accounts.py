"""Working-group accounts (issue 13 §2): entries against the allocation, over-allocation
pending approval, booking and reversing entries, vouchers, own contributions, the closed
year, and two finance leads racing for the last of the allocation (real threads)."""

from __future__ import annotations

import datetime as dt
import io
import threading
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from partnership import services_plan
from partnership.models import BudgetYear, Measure
from workgroups import actuals, export, selectors, services
from workgroups.models import AccountEntry

from .factories import adopted_budget, pdf

D = Decimal
Approval = AccountEntry.Approval
YEAR = timezone.localdate().year
DAY = dt.date(YEAR, 3, 1)


def _spend(group, amount, *, status="committed", by=None, day=DAY):
    return services.entry_record(
        working_group=group,
        date=day,
        description=f"Utgift {amount}",
        amount=D(amount),
        category="travel",
        status=status,
        by=by,
    )


def test_within_the_allocation_counts_and_over_it_waits(db, registry, finance_lead):
    adopted_budget(registry, year=YEAR, local="10000")
    group = registry.wg_local
    first = _spend(group, "9000", by=finance_lead)
    assert first.approval == Approval.NOT_NEEDED
    second = _spend(group, "1000.01")
    assert second.approval == Approval.PENDING  # 1 øre over
    budget_year = BudgetYear.objects.get(year=YEAR)
    assert services.money_left(working_group=group, budget_year=budget_year) == D("1000.00")
    services.entry_decide(entry=second, approve=True)
    assert services.money_left(working_group=group, budget_year=budget_year) == D("-0.01")
    third = _spend(group, "5")
    services.entry_decide(entry=third, approve=False)
    entries = selectors.group_entries(group, budget_year)
    totals = selectors.totals_of(entries, D("10000"))
    assert totals.used == D("10000.01") and totals.pending == 0


def test_bad_entries_are_refused(db, registry):
    adopted_budget(registry, year=YEAR)
    group = registry.wg_local
    for amount in ("0", "-5"):
        with pytest.raises(ValidationError):
            _spend(group, amount)
    with pytest.raises(ValidationError, match="ikke noe budsjett"):
        _spend(group, "5", day=dt.date(YEAR + 5, 1, 1))
    with pytest.raises(TypeError):
        services.entry_record(
            working_group=group, date=DAY, description="x", amount=1.5, category="travel"
        )
    with pytest.raises(ValidationError):
        _spend(registry.partners_meeting, "5")
    BudgetYear.objects.filter(year=YEAR).update(closed_at=timezone.now())
    with pytest.raises(ValidationError, match="avsluttet"):
        _spend(group, "5")
    assert not AccountEntry.objects.exists()


def test_booked_entries_are_corrected_only_by_reversal(db, registry, secretariat):
    adopted_budget(registry, year=YEAR)
    entry = _spend(registry.wg_local, "2500")
    with pytest.raises(ValidationError, match="Bare betalte"):
        services.entry_book(entry=entry, by=secretariat)
    services.entry_set_status(entry=entry, status="invoiced")
    services.entry_set_status(entry=entry, status="paid")
    with pytest.raises(ValidationError, match="bilag"):
        services.entry_book(entry=entry, by=secretariat)
    services.voucher_add(entry=entry, file=pdf())
    with pytest.raises(ValidationError, match="kan endres direkte"):
        services.entry_reverse(entry=entry, reason="Feil beløp")
    services.entry_book(entry=entry, by=secretariat)
    entry.refresh_from_db()
    with pytest.raises(ValidationError, match="bokført"):
        services.entry_update(
            entry=entry,
            expected_lock_version=entry.lock_version,
            date=DAY,
            description="Endret",
            amount=D("1"),
            category="travel",
        )
    with pytest.raises(ValidationError, match="bokført"):
        services.entry_delete(entry=entry)
    with pytest.raises(ValidationError, match="bokført"):
        services.voucher_add(entry=entry, file=pdf())
    reversal = services.entry_reverse(entry=entry, reason="Feil beløp", by=secretariat)
    assert reversal.amount == D("-2500.00") and reversal.reverses == entry
    with pytest.raises(ValidationError, match="allerede tilbakeført"):
        services.entry_reverse(entry=entry, reason="Igjen")
    assert services.counted_total(
        working_group_id=registry.wg_local.pk, budget_year_id=entry.budget_year_id
    ) == D("0.00")
    entry.refresh_from_db()
    assert entry.amount == D("2500.00") and entry.description == "Utgift 2500"


def test_vouchers_are_checked_by_content(db, registry):
    adopted_budget(registry, year=YEAR)
    entry = _spend(registry.wg_local, "100")
    renamed = SimpleUploadedFile("kvittering.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(ValidationError):
        services.voucher_add(entry=entry, file=renamed)
    assert not entry.vouchers.exists()
    voucher = services.voucher_add(entry=entry, file=pdf("bilag 1.pdf"))
    assert voucher.content_type == "application/pdf" and voucher.original_name == "bilag 1.pdf"


def test_own_contributions_are_apart_from_the_state_money(db, registry, finance_lead):
    adopted_budget(registry, year=YEAR, local="1000")
    contribution = services.contribution_record(
        working_group=registry.wg_local,
        partner=registry.other_partner,
        date=DAY,
        description="Planlegging av kampanjen",
        hours=D("12.5"),
        value=D("9000"),
        by=finance_lead,
    )
    assert contribution.pk
    budget_year = BudgetYear.objects.get(year=YEAR)
    assert services.money_left(working_group=registry.wg_local, budget_year=budget_year) == 1000
    with pytest.raises(ValidationError):
        services.contribution_record(
            working_group=registry.wg_local,
            partner=registry.udir,  # not in the group
            date=DAY,
            description="x",
            hours=D("1"),
            value=D("0"),
        )
    with pytest.raises(ValidationError):
        services.contribution_record(
            working_group=registry.wg_local,
            partner=registry.other_partner,
            date=DAY,
            description="Ingenting",
            hours=D("0"),
            value=D("0"),
        )


@pytest.mark.django_db(transaction=True)
def test_two_finance_leads_racing_for_the_last_of_the_allocation(registry):
    """Both see 1 000 kr left and spend it at once: one is within the allocation, the other
    waits for approval; never both counted."""
    adopted_budget(registry, year=YEAR, local="10000")
    _spend(registry.wg_local, "9000")
    barrier = threading.Barrier(4)
    results = []

    def spend():
        try:
            barrier.wait()
            results.append(_spend(registry.wg_local, "1000").approval)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=spend) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == sorted([Approval.NOT_NEEDED] + [Approval.PENDING] * 3)
    budget_year = BudgetYear.objects.get(year=YEAR)
    assert services.money_left(working_group=registry.wg_local, budget_year=budget_year) == 0


amounts = st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2)


@given(
    st.lists(
        st.tuples(
            amounts,
            st.sampled_from(AccountEntry.Status.values),
            st.sampled_from(AccountEntry.Approval.values),
        ),
        max_size=25,
    )
)
def test_account_totals_are_the_sums_of_the_rows(rows):
    entries = [AccountEntry(amount=a, status=s, approval=ap) for a, s, ap in rows]
    totals = selectors.totals_of(entries, D("50000.00"))
    counted = [a for a, _s, ap in rows if ap in AccountEntry.COUNTED]
    assert totals.used == sum(counted, D(0))
    assert totals.committed + totals.spent == totals.used
    assert totals.remaining == D("50000.00") - totals.used
    assert totals.pending == sum((a for a, _s, ap in rows if ap == "pending"), D(0))
    assert all(isinstance(x, Decimal) for x in (totals.used, totals.pending, totals.remaining))


def test_an_entry_names_a_common_measure_of_the_action_plan(db, registry, secretariat):
    """Issue 13 §2: the measure an expense belongs to is the action plan's common measure (a
    link, carried into a reversal and the export), else free text; an ended measure takes no
    new money."""
    services_plan.goals_seed()
    measures = {m.name: m for m in services_plan.measures_seed()}
    forum, arendal = measures["Faglig forum"], measures["Arendalsuka"]
    adopted_budget(registry, year=YEAR, local="10000")
    group = registry.wg_local
    entry = services.entry_record(
        working_group=group,
        date=DAY,
        description="Foredrag",
        amount=D("1000"),
        category="fees",
        common_measure=forum,
        status="paid",
    )
    assert entry.measure_label == "Faglig forum"
    services.voucher_add(entry=entry, file=pdf(), by=secretariat)
    services.entry_book(entry=entry, by=secretariat)
    reversal = services.entry_reverse(entry=entry, reason="Feil gruppe", by=secretariat)
    assert reversal.common_measure_id == forum.pk
    free = _spend(group, "200")
    assert free.common_measure is None and free.measure_label == ""
    rows = selectors.group_entries(group, entry.budget_year)
    assert [e.measure_label for e in rows if e.common_measure_id] == ["Faglig forum"] * 2
    book = openpyxl.load_workbook(
        io.BytesIO(export.workbook(actuals.group_actuals(group, entry.budget_year), entries=rows))
    )
    values = [cell.value for row in book[book.sheetnames[-1]].iter_rows() for cell in row]
    assert "Faglig forum" in values

    Measure.objects.filter(pk=arendal.pk).update(status="ended", ended_on=DAY)
    arendal.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.entry_record(
            working_group=group,
            date=DAY,
            description="Stand",
            amount=D("100"),
            category="other",
            common_measure=arendal,
        )
    assert "common_measure" in caught.value.error_dict


def test_the_pages_totals_from_the_database_equal_the_sums_of_all_rows(db, registry):
    """The accounts page shows 50 rows a page and totals for the whole year: PostgreSQL's sums
    must be what the rows add up to (counted, pending and refused entries, a reversal)."""
    adopted_budget(registry, year=YEAR, local="1000")
    group = registry.wg_local
    _spend(group, "400.10", status="paid")
    _spend(group, "300.05", status="invoiced")
    _spend(group, "900.00")  # over the allocation: pending
    refused = _spend(group, "700.00")
    services.entry_decide(entry=refused, approve=False)
    budget_year = BudgetYear.objects.get(year=YEAR)
    rows = selectors.group_entries(group, budget_year)
    assert len(rows) == 4
    expected = selectors.totals_of(rows, D("1000"))
    assert selectors.group_totals(group, budget_year, D("1000")) == expected
    assert (expected.spent, expected.committed) == (D("400.10"), D("300.05"))
    assert expected.pending == D("900.00")
    empty = selectors.group_totals(registry.wg_national, budget_year, D("5"))
    assert (empty.used, empty.pending, empty.remaining) == (D("0.00"), D("0.00"), D("5"))


def _totals_from_entries() -> dict:
    """What ``AccountTotal`` must hold: the entries summed by its key, from scratch."""
    from django.db.models import Count, Sum
    from django.db.models.functions import ExtractMonth

    rows = (
        AccountEntry.objects.annotate(month=ExtractMonth("date"))
        .values_list("budget_year", "working_group", "month", "category", "status", "approval")
        .annotate(amount=Sum("amount"), n=Count("pk"))
        .order_by()
    )
    return {tuple(r[:6]): (r[6], r[7]) for r in rows}


def _totals_kept() -> dict:
    from workgroups.models import AccountTotal

    rows = AccountTotal.objects.values_list(
        "budget_year",
        "working_group",
        "month",
        "category",
        "status",
        "approval",
        "amount",
        "entries",
    )
    return {tuple(r[:6]): (r[6], r[7]) for r in rows}


def test_the_running_totals_follow_every_kind_of_change(db, registry, secretariat):
    """``AccountTotal`` is kept by triggers: through the services (record, edit, status,
    approval, booking, reversal, deletion) and past them (bulk_create, update(), delete() of a
    queryset), it always equals the entries summed from scratch, and a key whose last entry
    went leaves no row behind."""
    from workgroups.models import AccountTotal

    adopted_budget(registry, year=YEAR, local="1000")
    group = registry.wg_local
    paid = _spend(group, "400.10", status="paid")
    edited = _spend(group, "300.05", status="invoiced")
    pending = _spend(group, "900.00")  # over the allocation: pending
    assert _totals_kept() == _totals_from_entries()
    edited = services.entry_update(
        entry=edited,
        expected_lock_version=edited.lock_version,
        date=dt.date(YEAR, 5, 2),  # another month
        description="Endret",
        amount=D("310.00"),
        category="fees",
    )
    services.entry_set_status(entry=edited, status="paid")
    services.entry_decide(entry=pending, approve=False)
    services.voucher_add(entry=paid, file=pdf())
    services.entry_book(entry=paid, by=secretariat)  # booking changes no summed column
    services.entry_reverse(entry=paid, reason="Feil beløp", by=secretariat)
    assert _totals_kept() == _totals_from_entries()
    deleted = _spend(registry.wg_local, "12.00", day=dt.date(YEAR, 11, 30))
    key_count = AccountTotal.objects.count()
    services.entry_delete(entry=deleted)
    assert AccountTotal.objects.count() == key_count - 1  # its key had no other entry
    budget_year = BudgetYear.objects.get(year=YEAR)
    AccountEntry.objects.bulk_create(
        AccountEntry(
            working_group=registry.wg_national,
            budget_year=budget_year,
            date=dt.date(YEAR, 1 + i % 12, 3),
            description=f"Masse {i}",
            amount=D("10.50"),
            category="other",
        )
        for i in range(30)
    )
    AccountEntry.objects.filter(working_group=registry.wg_national, date__month=2).update(
        status="paid"
    )
    AccountEntry.objects.filter(working_group=registry.wg_national, date__month=3).delete()
    assert _totals_kept() == _totals_from_entries()
    # And what the pages read from them is what the rows add up to
    rows = selectors.group_entries(group, budget_year)
    assert selectors.group_totals(group, budget_year, D("1000")) == selectors.totals_of(
        rows, D("1000")
    )
