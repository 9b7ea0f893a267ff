"""Indicators of goal attainment (issue 12 §4, §5): the set adopted by the Ledermøte, values
only against indicators in force and only in their unit's shape, status against target in
both directions, and evaluation snapshots that later values never change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings import services as meeting_services
from partnership import services_indicators
from partnership.models import (
    EvaluationSnapshot,
    Goal,
    Indicator,
    IndicatorEvaluation,
    IndicatorSet,
    IndicatorValue,
    today,
)
from partnership.selectors_indicators import assess

from ..meetings.factories import held_meeting
from .indicator_fixtures import adopted_set, agreement_period, by_unit, leaders_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicators(registry):
    return adopted_set(registry)


def _day(days_ago: int = 10) -> dt.date:
    return today() - dt.timedelta(days=days_ago)


def _value(indicator, **kwargs):
    return services_indicators.value_add(
        indicator=indicator, measured_on=kwargs.pop("measured_on", _day()), **kwargs
    )


# --- The set ---------------------------------------------------------------------------------------
def test_adoption_needs_a_leaders_decision_and_supersedes_the_version_in_force(registry):
    first = adopted_set(registry)
    assert first.status == IndicatorSet.Status.ADOPTED
    assert [d.title for d in services_indicators.adopting_decisions(first)] == [
        "Kjennetegn vedtatt"
    ]
    draft = services_indicators.indicator_set_draft(title="Revidert")
    assert draft.indicators.count() == first.indicators.count()  # copied
    with pytest.raises(ValidationError):
        services_indicators.indicator_set_adopt(indicator_set=draft, decision_pk=None)
    # A decision of another body is refused (the Ledermøte adopts the indicators, R12).
    other = meeting_services.decision_record(
        meeting=held_meeting(body=registry.partners_meeting), text="Annet.", title="Annet"
    )
    with pytest.raises(ValidationError) as exc:
        services_indicators.indicator_set_adopt(indicator_set=draft, decision_pk=other.pk)
    assert "decision" in exc.value.error_dict
    services_indicators.indicator_set_adopt(
        indicator_set=draft, decision_pk=leaders_decision(registry, title="Ny versjon").pk
    )
    first.refresh_from_db()
    draft.refresh_from_db()
    assert (first.status, draft.status) == ("superseded", "adopted")


def test_adopted_versions_are_not_edited(indicators):
    indicator = indicators.indicators.first()
    with pytest.raises(ValidationError, match="Vedtatte versjoner"):
        services_indicators.indicator_save(
            indicator_set=indicators, indicator=indicator, name="Nytt navn"
        )


def test_values_only_against_indicators_in_force(registry, indicators):
    draft = services_indicators.indicator_set_draft(title="Utkast")
    draft_indicator = draft.indicators.get(code=by_unit(indicators, "count").code)
    with pytest.raises(ValidationError) as exc:
        _value(draft_indicator, value=Decimal(3))
    assert "indicator" in exc.value.error_dict
    assert "ikke i kraft" in str(exc.value)
    _value(by_unit(indicators, "count"), value=Decimal(3))
    assert IndicatorValue.objects.count() == 1


# --- Bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("unit", "kwargs", "field", "text"),
    [
        ("count", {"value": None}, "value", "tall"),
        ("count", {"value": Decimal("2.5")}, "value", "helt tall"),
        ("percent", {"value": Decimal(120)}, "value", "0 og 100"),
        ("scale", {"value": Decimal(6)}, "value", "1 til 5"),
        ("qualitative", {"value": Decimal(1)}, "value", "status"),
        ("qualitative", {"status": "blue"}, "status", "grønn"),
        ("percent", {"value": Decimal(50), "status": "red"}, "status", "kvalitative"),
    ],
)
def test_a_value_that_does_not_fit_the_unit_is_refused(indicators, unit, kwargs, field, text):
    with pytest.raises(ValidationError) as exc:
        _value(by_unit(indicators, unit), **kwargs)
    assert text in " ".join(exc.value.message_dict[field])
    assert not IndicatorValue.objects.exists()


def test_a_date_outside_the_agreement_period_or_in_the_future_is_refused(indicators):
    period = agreement_period()
    for day, text in (
        (period.starts_on - dt.timedelta(days=1), "utenfor avtaleperioden"),
        (today() + dt.timedelta(days=1), "fram i tid"),
    ):
        with pytest.raises(ValidationError) as exc:
            _value(by_unit(indicators, "count"), value=Decimal(1), measured_on=day)
        assert text in exc.value.message_dict["measured_on"][0]


def test_one_value_per_indicator_and_date(indicators):
    indicator = by_unit(indicators, "count")
    _value(indicator, value=Decimal(1))
    with pytest.raises(ValidationError, match="allerede en verdi"):
        _value(indicator, value=Decimal(2))


@pytest.mark.parametrize(
    ("unit", "value", "status"),
    [
        ("percent", Decimal(120), ""),
        ("scale", Decimal(6), ""),
        ("scale", Decimal("2.5"), ""),
        ("count", Decimal(-1), ""),
        ("count", None, "red"),
        ("qualitative", Decimal(1), ""),
        ("qualitative", None, ""),
    ],
)
def test_the_database_refuses_a_value_of_the_wrong_shape(indicators, unit, value, status):
    indicator = by_unit(indicators, unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            indicator=indicator, unit=unit, measured_on=_day(), value=value, status=status
        )


def test_the_database_refuses_targets_outside_the_scale(indicators):
    indicator = by_unit(indicators, "percent")
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(pk=indicator.pk).update(target_4y=Decimal(101))


# --- Status against target -------------------------------------------------------------------------
def _indicator(direction: str, baseline, target, unit="count") -> Indicator:
    return Indicator(
        unit=unit, direction=direction, baseline=Decimal(baseline), target_2y=Decimal(target)
    )


def _reading(value, unit="count") -> IndicatorValue:
    return IndicatorValue(unit=unit, value=Decimal(value), measured_on=_day())


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "value", "level"),
    [
        ("higher", 10, 20, 25, "met"),
        ("higher", 10, 20, 20, "met"),
        ("higher", 10, 20, 15, "progress"),
        ("higher", 10, 20, 10, "behind"),
        ("higher", 10, 20, 5, "behind"),
        ("lower", 30, 20, 15, "met"),
        ("lower", 30, 20, 20, "met"),
        ("lower", 30, 20, 25, "progress"),
        ("lower", 30, 20, 30, "behind"),
        ("lower", 30, 20, 35, "behind"),
    ],
)
def test_status_against_target_in_both_directions(direction, baseline, target, value, level):
    indicator = _indicator(direction, baseline, target)
    result = assess(indicator, _reading(value), target=indicator.target_2y)
    assert result.level == level
    assert result.text


def test_status_without_values_or_target_and_for_qualitative():
    indicator = _indicator("higher", 1, 2)
    assert assess(indicator, None, target=Decimal(2)).level == "no_data"
    assert assess(indicator, _reading(3), target=None).level == "no_target"
    qualitative = Indicator(unit="qualitative", direction="higher")
    reading = IndicatorValue(unit="qualitative", status="amber")
    assert assess(qualitative, reading, target=None).level == "amber"


def test_evaluation_points_are_two_and_four_years_into_the_agreement():
    period = agreement_period()
    points = services_indicators.evaluation_points(period)
    assert [(p.years, p.on) for p in points] == [
        (2, period.starts_on.replace(year=period.starts_on.year + 2)),
        (4, period.starts_on.replace(year=period.starts_on.year + 4)),
    ]
    assert services_indicators.next_evaluation_point(period).years == 4


# --- Evaluation snapshots ----------------------------------------------------------------------------
def test_an_evaluation_snapshot_is_not_changed_by_later_values(registry, indicators):
    count = by_unit(indicators, "count")
    goal = count.goal
    _value(count, value=Decimal(12), measured_on=_day(40))
    _value(count, value=Decimal(18), measured_on=_day(20))
    evaluation = services_indicators.evaluation_create(
        goal=goal, point=2, assessment="God utvikling.", evaluated_on=_day(15)
    )
    rows = list(evaluation.snapshot.all())
    row = next(r for r in rows if r.code == count.code)
    assert (row.value, row.measured_on, row.target, row.assessment) == (
        Decimal(18),
        _day(20),
        Decimal(20),
        "progress",
    )
    # Later values, an edit of the value and a new version of the set change nothing.
    _value(count, value=Decimal(40), measured_on=_day(5))
    IndicatorValue.objects.filter(indicator=count, measured_on=_day(20)).update(value=Decimal(1))
    row.refresh_from_db()
    assert (row.value, row.measured_on, row.assessment) == (Decimal(18), _day(20), "progress")
    assert EvaluationSnapshot.objects.filter(evaluation=evaluation).count() == len(rows)
    # Adopted by the Ledermøte; then it is not edited.
    decision = leaders_decision(registry, title="Evaluering vedtatt")
    services_indicators.evaluation_adopt(evaluation=evaluation, decision_pk=decision.pk)
    evaluation.refresh_from_db()
    assert evaluation.status == IndicatorEvaluation.Status.ADOPTED
    with pytest.raises(ValidationError):
        services_indicators.evaluation_update(evaluation=evaluation, assessment="Ny tekst")


def test_one_evaluation_per_goal_and_point(indicators):
    goal = Goal.objects.get(number=1)
    services_indicators.evaluation_create(goal=goal, point=2, assessment="x", evaluated_on=_day())
    with pytest.raises(ValidationError):
        services_indicators.evaluation_create(
            goal=goal, point=2, assessment="y", evaluated_on=_day()
        )
