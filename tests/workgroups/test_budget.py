"""The yearly budget (issue 13 §1): versions, the sum rule, adoption by a decision, revisions
with their differences, conflicts, and the money field."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.models import Decision
from partnership import budget_selectors, budget_services
from partnership.budget_models import BudgetLine, BudgetVersion, state_grant_for
from partnership.forms_money import parse_amount
from partnership.locking import ConflictError
from workgroups import services

from ..meetings.factories import held_meeting

D = Decimal
Kind = BudgetLine.Kind


def _draft(year=2026) -> BudgetVersion:
    return budget_services.budget_year_create(year=year)


def _add(version, kind, amount, *, title="", group=None) -> BudgetLine:
    version.refresh_from_db()
    return budget_services.budget_line_save(
        version=version,
        kind=kind,
        amount=D(amount),
        title=title,
        working_group=group,
        expected_lock_version=version.lock_version,
    )


def _adopted(registry, year=2026) -> BudgetVersion:
    version = _draft(year)
    _add(version, Kind.GROUP_BASE, "300000", group=registry.wg_local)
    _add(version, Kind.PARTNERPOT, "500000", title="Partnerpotten")
    budget_services.budget_propose(version=version)
    services.budget_adopt(version=version, meeting=held_meeting(body=registry.partners_meeting))
    version.refresh_from_db()
    return version


# --- R11 and the first draft --------------------------------------------------------------------
def test_a_new_year_starts_with_the_state_grant(db):
    assert state_grant_for(2022) == D("1500000.00")
    assert state_grant_for(2025) == D("2000000.00")
    version = _draft(2022)
    (line,) = version.lines.all()
    assert (line.kind, line.amount) == (Kind.STATE_GRANT, D("1500000.00"))
    assert version.status == BudgetVersion.Status.DRAFT
    with pytest.raises(ValidationError, match="allerede et budsjett for 2022"):
        _draft(2022)


# --- The sum rule -----------------------------------------------------------------------------
def test_allocations_beyond_the_funds_are_refused_with_the_amount_over(db, registry):
    version = _draft()
    _add(version, Kind.GROUP_BASE, "1200000", group=registry.wg_local)
    with pytest.raises(ValidationError) as exc:
        _add(version, Kind.SECRETARIAT, "800000.50")
    assert "0,50" in exc.value.message_dict["amount"][0]
    assert not version.lines.filter(kind=Kind.SECRETARIAT).exists()  # nothing half-saved
    _add(version, Kind.SECRETARIAT, "600000")
    totals = budget_selectors.version_totals(version)
    assert totals.allocated == D("1800000.00") and totals.near_limit
    assert totals.percent == D("90.0")
    # Removing income that the allocations need is refused too.
    income = version.lines.get(kind=Kind.STATE_GRANT)
    version.refresh_from_db()
    with pytest.raises(ValidationError, match="høyere enn årets midler"):
        budget_services.budget_line_delete(line=income, expected_lock_version=version.lock_version)
    assert version.lines.filter(kind=Kind.STATE_GRANT).exists()


def test_lines_are_checked(db, registry):
    version = _draft()
    with pytest.raises(ValidationError) as exc:
        _add(version, Kind.GROUP_BASE, "1000")
    assert "working_group" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _add(version, Kind.GROUP_BASE, "1000", group=registry.partners_meeting)
    with pytest.raises(ValidationError):
        _add(version, Kind.MEASURE, "1000")  # a measure needs its name
    with pytest.raises(ValidationError):
        _add(version, Kind.MEASURE, "-1", title="Tiltak")
    _add(version, Kind.GROUP_BASE, "1000", group=registry.wg_local)
    with pytest.raises(ValidationError, match="allerede en grunnbevilgning"):
        _add(version, Kind.GROUP_BASE, "1000", group=registry.wg_local)
    with pytest.raises(TypeError):
        budget_services.budget_line_save(
            version=version, kind=Kind.COMMON_COSTS, amount=10.5, expected_lock_version=0
        )


# --- Status, adoption, revisions ----------------------------------------------------------------
def test_adoption_by_a_partner_meeting_decision(db, registry):
    version = _adopted(registry)
    assert version.status == BudgetVersion.Status.ADOPTED
    decision = Decision.objects.get()
    assert decision.concerns == version
    assert not decision.made_under_delegation
    assert "vedtar budsjettet for 2026" in decision.text
    assert version.adopted_on == decision.decided_on
    # An adopted version is no longer changed.
    with pytest.raises(ValidationError, match="Bare et utkast"):
        _add(version, Kind.COMMON_COSTS, "1000")


def test_the_au_adopts_under_delegation_and_others_cannot(db, registry):
    version = _draft()
    with pytest.raises(ValidationError, match="Bare et foreslått"):
        services.budget_adopt(version=version, meeting=held_meeting(body=registry.partners_meeting))
    budget_services.budget_propose(version=version)
    with pytest.raises(ValidationError) as exc:
        services.budget_adopt(version=version, meeting=held_meeting(body=registry.leaders_meeting))
    assert "meeting" in exc.value.message_dict
    decision = services.budget_adopt(
        version=version, meeting=held_meeting(body=registry.working_committee)
    )
    assert decision.made_under_delegation and decision.report_to == registry.partners_meeting


def test_a_revision_is_a_new_version_and_the_old_stays_readable(db, registry):
    first = _adopted(registry)
    draft = budget_services.budget_revise(budget_year=first.budget_year, note="Mer til tiltak")
    assert (draft.number, draft.based_on, draft.status) == (2, first, "draft")
    with pytest.raises(ValidationError, match="allerede et budsjettutkast"):
        budget_services.budget_revise(budget_year=first.budget_year)
    base = draft.lines.get(kind=Kind.GROUP_BASE)
    draft.refresh_from_db()
    budget_services.budget_line_save(
        version=draft,
        line=base,
        kind=Kind.GROUP_BASE,
        working_group=registry.wg_local,
        amount=D("350000"),
        expected_lock_version=draft.lock_version,
    )
    _add(draft, Kind.MEASURE, "25000", title="Skolestartkampanje")
    draft.lines.get(kind=Kind.PARTNERPOT).delete()
    rows = {
        row.label: (row.before, row.after, row.kind)
        for row in budget_selectors.diff(
            budget_selectors.lines_of(first), budget_selectors.lines_of(draft)
        )
    }
    assert rows == {
        f"Grunnbevilgning til arbeidsgruppe: {registry.wg_local.name}": (
            D("300000.00"),
            D("350000.00"),
            "changed",
        ),
        "Felles tiltak: Skolestartkampanje": (None, D("25000.00"), "added"),
        "Partnerpotten: Partnerpotten": (D("500000.00"), None, "removed"),
    }
    budget_services.budget_propose(version=draft)
    services.budget_adopt(version=draft, meeting=held_meeting(body=registry.partners_meeting))
    first.refresh_from_db()
    assert first.status == BudgetVersion.Status.SUPERSEDED
    assert first.lines.get(kind=Kind.GROUP_BASE).amount == D("300000.00")  # unchanged
    assert Decision.objects.count() == 2
    assert budget_selectors.version_in_force(2026) == draft


def test_withdraw_and_wrong_moves(db):
    version = _draft()
    with pytest.raises(ValidationError, match="kan ikke gå fra"):
        budget_services.budget_withdraw(version=version)
    budget_services.budget_propose(version=version)
    with pytest.raises(ValidationError, match="Bare et utkast"):
        _add(version, Kind.COMMON_COSTS, "1000")
    budget_services.budget_withdraw(version=version)
    version.refresh_from_db()
    assert version.status == "draft"


def test_a_stale_page_is_told_and_nothing_is_lost(db):
    version = _draft()
    stale = version.lock_version
    _add(version, Kind.COMMON_COSTS, "1000")
    with pytest.raises(ConflictError):
        budget_services.budget_line_save(
            version=version, kind=Kind.SECRETARIAT, amount=D("5"), expected_lock_version=stale
        )
    assert not version.lines.filter(kind=Kind.SECRETARIAT).exists()


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_the_same_draft_at_once(registry):
    """Both read lock version N; the row lock serialises them and the second is told."""
    version = _draft()
    lock = version.lock_version
    barrier = threading.Barrier(2)
    outcomes = []

    def save(amount):
        try:
            barrier.wait()
            budget_services.budget_line_save(
                version=version,
                kind=Kind.COMMON_COSTS,
                title=f"Post {amount}",
                amount=D(amount),
                expected_lock_version=lock,
            )
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=save, args=(a,)) for a in ("1000", "2000")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert version.lines.filter(kind=Kind.COMMON_COSTS).count() == 1


# --- Totals are the sum of their lines (hypothesis) ---------------------------------------------
amounts = st.decimals(min_value=0, max_value=D("99999999.99"), places=2, allow_nan=False)


@given(st.lists(st.tuples(st.sampled_from(Kind.values), amounts), max_size=30))
@settings(max_examples=200, deadline=None)
def test_totals_are_the_sums_of_the_lines(rows):
    lines = [BudgetLine(kind=kind, amount=amount) for kind, amount in rows]
    totals = budget_selectors.totals_of(lines)
    income = sum((a for k, a in rows if k in BudgetLine.INCOME_KINDS), D(0))
    allocated = sum((a for k, a in rows if k in BudgetLine.ALLOCATION_KINDS), D(0))
    assert isinstance(totals.income, Decimal) and isinstance(totals.allocated, Decimal)
    assert totals.income == income and totals.allocated == allocated
    assert totals.remaining == income - allocated
    assert sum((x.amount for x in totals.income_lines + totals.allocation_lines), D(0)) == (
        income + allocated
    )


# --- The money field ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1500", "1500.00"),
        ("1500,50", "1500.50"),
        ("1 500,50", "1500.50"),
        ("1\u00a0500,5", "1500.50"),
        ("1 500 000 kr", "1500000.00"),
        ("1500.50", "1500.50"),
    ],
)
def test_norwegian_amounts_are_accepted(text, amount):
    assert parse_amount(text) == D(amount)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.500,50", "ikke punktum"),
        ("1.500", "ikke punktum"),
        ("1.500.000", "ikke punktum"),
        ("mange kroner", "Skriv et beløp i kroner"),
        ("15 00", "Skriv et beløp i kroner"),
        ("12,345", "høyst to desimaler"),
        ("0", "større enn null"),
        ("-5", "ikke være negativt"),
        ("99999999999", "for stort"),
    ],
)
def test_bad_amounts_are_refused_clearly(text, message):
    with pytest.raises(forms.ValidationError, match=message):
        parse_amount(text)


@given(st.decimals(min_value=D("0.01"), max_value=D("999999999.99"), places=2))
def test_a_shown_amount_reads_back(amount):
    from partnership import formats

    assert parse_amount(formats.money(amount)) == amount
