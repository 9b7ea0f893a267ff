"""The demo budgets (``manage.py seed_demo`` → workgroups.demo.seed)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from partnership import budget_selectors
from partnership.budget_models import BudgetLine, BudgetVersion
from partnership.demo import DEMO_LOGINS_BY_KEY
from partnership.models import OwnWork, Person
from tests.conftest import shared_data
from workgroups.models import AccountEntry, Activity, MeasurePlan, PlannedActivity, Voucher

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()


def test_this_years_budget_is_adopted_and_revised(seeded):
    year = timezone.localdate().year
    current = budget_selectors.version_in_force(year)
    assert current.number == 2 and current.based_on.status == BudgetVersion.Status.SUPERSEDED
    totals = budget_selectors.version_totals(current)
    assert totals.income == 2_000_000 and totals.allocated <= totals.income
    partnerpot = budget_selectors.allocation_line(year, BudgetLine.Kind.PARTNERPOT)
    assert partnerpot.amount >= 800_000  # this year's call envelope
    diff = budget_selectors.diff(
        budget_selectors.lines_of(current.based_on), budget_selectors.lines_of(current)
    )
    assert len(diff) == 2
    assert budget_selectors.version_in_force(year - 1) is not None


def test_second_run_changes_nothing_and_the_pages_show(seeded, client):
    before = BudgetVersion.objects.count(), BudgetLine.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert (BudgetVersion.objects.count(), BudgetLine.objects.count()) == before
    finance_lead = Person.objects.get(email=DEMO_LOGINS_BY_KEY["finance_lead"].email)
    client.force_login(finance_lead)
    page = client.get(reverse("workgroups:budget_list"))
    assert page.status_code == 200
    assert "Versjon 2" in page.content.decode()


def test_this_years_accounts_and_the_finance_lead_can_record_at_once(seeded, client):
    year = timezone.localdate().year
    entries = AccountEntry.objects.filter(budget_year__year=year)
    assert entries.filter(booked_at__isnull=False).count() >= 2
    assert entries.filter(approval=AccountEntry.Approval.PENDING).count() == 1
    assert Voucher.objects.filter(entry__budget_year__year=year).exists()
    assert entries.values("working_group").distinct().count() == 2
    finance_lead = Person.objects.get(email=DEMO_LOGINS_BY_KEY["finance_lead"].email)
    group = finance_lead.memberships.get(role="finance_lead").body
    client.force_login(finance_lead)
    url = reverse("workgroups:group_accounts", kwargs={"pk": group.pk, "year": year})
    page = client.get(url)
    assert "Registrer en utgift" in page.content.decode()
    response = client.post(
        url,
        {
            "date": timezone.localdate().isoformat(),
            "description": "Kaffe til møtet",
            "amount": "450",
            "category": "meetings",
            "status": "paid",
        },
    )
    assert response.status_code == 302


def test_last_year_is_closed_with_approved_year_end_reports(seeded, client):
    """Issue 13's demo data: last year closed, with each group's booked entries and its
    approved year-end report; the secretariat's report page for a group opens."""
    from partnership.models import Body, BudgetYear
    from workgroups.models import YearEndReport

    last = BudgetYear.objects.get(year=timezone.localdate().year - 1)
    assert last.is_closed
    groups = Body.objects.filter(kind=Body.Kind.WORKING_GROUP)
    reports = YearEndReport.objects.filter(budget_year=last)
    assert reports.count() == groups.count() >= 2
    assert set(reports.values_list("status", flat=True)) == {YearEndReport.Status.APPROVED}
    entries = AccountEntry.objects.filter(budget_year=last)
    assert entries.count() == 3 * groups.count()
    assert not entries.filter(booked_at__isnull=True).exists()
    assert Voucher.objects.filter(entry__budget_year=last).count() == entries.count()


def test_the_action_plans_working_level_is_seeded(seeded):
    year = timezone.localdate().year
    plans = MeasurePlan.objects.filter(year=year).select_related("measure__responsible_group")
    assert {p.measure.name for p in plans} == {"Faglig forum", "Arendalsuka"}
    assert len({p.measure.responsible_group_id for p in plans}) == 2
    assert PlannedActivity.objects.filter(progress="done", activity__isnull=False).count() == 3
    assert PlannedActivity.objects.exclude(progress="done").exists()
    past = Activity.objects.filter(date__lt=timezone.localdate())
    assert past.filter(measure__name="Faglig forum").count() == 2
    assert past.filter(measure__name="Arendalsuka").count() == 1
    assert OwnWork.objects.values("partner").distinct().count() == 3
    # Seeding again changes nothing.
    call_command("seed_demo", stdout=StringIO())
    assert MeasurePlan.objects.filter(year=year).count() == 2
    assert Activity.objects.count() == 3
