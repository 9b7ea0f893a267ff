"""The demo indicators (``manage.py seed_demo`` → reports.demo.seed): the set adopted by a
Ledermøte, a year and a half of values, the latest of one indicator amber and one red, and
the dashboard a demo partner leader sees."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from partnership import services_indicators
from partnership.demo import DEMO_LOGINS_BY_KEY
from partnership.models import Goal, IndicatorSet, IndicatorValue, Person
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()


def test_the_indicator_set_is_adopted_with_a_year_and_a_half_of_values(seeded):
    current = services_indicators.set_in_force()
    assert current is not None and current.status == IndicatorSet.Status.ADOPTED
    assert services_indicators.adopting_decisions(current)
    values = IndicatorValue.objects.filter(indicator__indicator_set=current)
    assert values.count() == 18 * current.indicators.count()
    latest = {
        v.indicator.code: v.status
        for v in values.filter(unit="qualitative")
        .select_related("indicator")
        .order_by("indicator_id", "-measured_on")
        .distinct("indicator_id")
    }
    assert sorted(latest.values()) == ["amber", "red"]


def test_seeding_again_changes_nothing(seeded):
    before = IndicatorValue.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert IndicatorValue.objects.count() == before
    assert IndicatorSet.objects.count() == 1


def test_the_demo_partner_leader_reads_the_dashboard(client, seeded):
    leader = Person.objects.get(email=DEMO_LOGINS_BY_KEY["partner_leader"].email)
    client.force_login(leader)
    # One goal at a time: every goal's indicators are reached from the dashboard.
    html = client.get(reverse("reports:dashboard")).content.decode()
    goals = Goal.objects.filter(indicators__isnull=False).distinct()
    pages = [html] + [
        client.get(reverse("reports:dashboard"), {"mal": goal.pk}).content.decode()
        for goal in goals
    ]
    everything = "".join(pages)
    assert "Elever som opplever mobbing" in everything
    assert 'data-color="danger">Rød</span>' in everything
    assert 'data-color="warning">Gul</span>' in everything
