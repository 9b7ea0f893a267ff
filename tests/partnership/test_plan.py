"""The action plan's goals and common measures (issue 12 §1): the plan's seed, the services'
refusals (R1: no ending without an evaluation and a Ledermøte decision), the R4 check of two
measures per working group, and the pages (the accessible figure, the forms, query counts)."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from meetings import services as meeting_services
from partnership import services_plan
from partnership.governance import governance_checks
from partnership.models import Body, Goal, Measure, MeasureEvaluation, today
from tests import querycounts

from ..meetings.factories import held_meeting

assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(2, 30))


@pytest.fixture
def plan(registry):
    goals = services_plan.goals_seed()
    measures = services_plan.measures_seed()
    return {
        "overall": goals[0],
        "subs": goals[1:],
        "measures": {m.name: m for m in measures},
        "registry": registry,
    }


def _evaluate(measure: Measure, **kwargs) -> MeasureEvaluation:
    return services_plan.measure_evaluation_add(
        measure=measure,
        evaluated_on=kwargs.get("evaluated_on", today() - dt.timedelta(days=30)),
        assessment="Få deltakere de siste to årene.",
        recommendation=MeasureEvaluation.Recommendation.END,
    )


def _decision(body: Body, concerns=None):
    meeting = held_meeting(body=body)
    return meeting_services.decision_record(
        meeting=meeting, text="Tiltaket avvikles.", title="Avvikling", concerns=concerns
    )


# --- The seed ------------------------------------------------------------------------------------
def test_the_plan_seed_holds_the_goals_and_measures_of_000(plan):
    assert plan["overall"].is_overall
    assert plan["overall"].text.startswith("Alle barn og unge skal ha et godt barnehage-")
    assert [g.number for g in plan["subs"]] == [1, 2, 3]
    assert set(plan["measures"]) == {
        "Faglig forum",
        "Partnerkonferanser",
        "World Anti-Bullying Forum",
        "Arendalsuka",
        "Partnerpotten",
        "Studiebesøk",
    }
    forum = plan["measures"]["Faglig forum"]
    assert (forum.target_count, forum.target_period_years) == (2, 1)
    assert forum.responsible_group == plan["registry"].wg_local
    visits = plan["measures"]["Studiebesøk"]
    assert (visits.target_count, visits.target_period_years) == (1, 2)
    # Seeding again changes nothing.
    assert len(services_plan.measures_seed()) == 6
    assert Goal.objects.count() == 4


def test_only_one_overall_goal_and_numbers_fit_the_kind(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.create(kind=Goal.Kind.OVERALL, number=0, title="To", text="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.create(kind=Goal.Kind.SUB, number=0, title="Feil", text="x")


def test_ended_status_needs_a_date_in_the_database(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.filter(pk=plan["measures"]["Arendalsuka"].pk).update(status="ended")


# --- Measures ------------------------------------------------------------------------------------
def test_a_measure_serves_sub_goals_and_belongs_to_a_working_group(plan):
    registry = plan["registry"]
    fields = {
        "name": "Ungdomspanel",
        "category": Measure.Category.LOCAL,
        "description": "Et panel av ungdommer.",
    }
    with pytest.raises(ValidationError) as exc:
        services_plan.measure_create(sub_goals=[plan["overall"]], **fields)
    assert "sub_goals" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services_plan.measure_create(
            sub_goals=plan["subs"][:1], responsible_group=registry.partners_meeting, **fields
        )
    assert "responsible_group" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services_plan.measure_create(sub_goals=[], **fields)
    measure = services_plan.measure_create(sub_goals=plan["subs"][1:2], **fields)
    assert list(measure.sub_goals.all()) == [plan["subs"][1]]


def test_an_edit_does_not_end_a_measure(plan):
    measure = plan["measures"]["Arendalsuka"]
    with pytest.raises(ValidationError) as exc:
        services_plan.measure_update(measure=measure, status=Measure.Status.ENDED)
    assert "Ledermøtet" in str(exc.value)
    measure.refresh_from_db()
    assert measure.status == Measure.Status.ACTIVE


def test_an_evaluation_puts_the_measure_under_evaluation(plan):
    measure = plan["measures"]["Arendalsuka"]
    _evaluate(measure)
    measure.refresh_from_db()
    assert measure.status == Measure.Status.UNDER_EVALUATION
    with pytest.raises(ValidationError):
        _evaluate(measure, evaluated_on=today() + dt.timedelta(days=1))


# --- R1: ending a measure ------------------------------------------------------------------------
def test_ending_without_evaluation_and_decision_is_refused_with_both_reasons(plan):
    measure = plan["measures"]["Arendalsuka"]
    with pytest.raises(ValidationError) as exc:
        services_plan.measure_end(measure=measure)
    text = " ".join(exc.value.messages)
    assert "ikke evaluert" in text
    assert "Ledermøtet har ikke vedtatt" in text
    measure.refresh_from_db()
    assert measure.status == Measure.Status.ACTIVE


def test_ending_with_an_evaluation_but_no_leaders_decision_is_refused(plan):
    measure = plan["measures"]["Arendalsuka"]
    _evaluate(measure)
    # A Partnermøte decision about the measure is not the Ledermøte's.
    _decision(plan["registry"].partners_meeting, concerns=measure)
    with pytest.raises(ValidationError) as exc:
        services_plan.measure_end(measure=measure)
    assert exc.value.messages == [
        "Ledermøtet har ikke vedtatt å avvikle tiltaket. Velg Ledermøtets vedtak om avvikling."
    ]


def test_ending_with_a_leaders_decision_but_no_evaluation_is_refused_and_unlinked(plan):
    measure = plan["measures"]["Arendalsuka"]
    decision = _decision(plan["registry"].leaders_meeting)
    with pytest.raises(ValidationError) as exc:
        services_plan.measure_end(measure=measure, decision_pk=decision.pk)
    assert exc.value.messages == ["Tiltaket er ikke evaluert. Registrer en evaluering først."]
    decision.refresh_from_db()
    assert decision.concerns_id is None  # nothing half-saved


def test_ending_after_evaluation_and_leaders_decision(plan):
    measure = plan["measures"]["Arendalsuka"]
    _evaluate(measure)
    decision = _decision(plan["registry"].leaders_meeting)
    ended = services_plan.measure_end(measure=measure, decision_pk=decision.pk, ended_on=today())
    assert ended.status == Measure.Status.ENDED
    assert ended.ended_on == today()
    decision.refresh_from_db()
    assert decision.concerns == measure
    assert [d.pk for d in services_plan.ending_decisions(measure)] == [decision.pk]
    with pytest.raises(ValidationError):
        services_plan.measure_end(measure=measure)
    with pytest.raises(ValidationError):
        services_plan.measure_update(measure=ended, status=Measure.Status.ACTIVE)


def test_a_decision_of_another_body_cannot_be_linked(plan):
    measure = plan["measures"]["Arendalsuka"]
    _evaluate(measure)
    decision = _decision(plan["registry"].partners_meeting)
    with pytest.raises(ValidationError) as exc:
        services_plan.measure_end(measure=measure, decision_pk=decision.pk)
    assert "decision" in exc.value.error_dict


# --- R4: two measures per working group -------------------------------------------------------------
def _measure_check():
    return {c.key: c for c in governance_checks()}["measures_per_group"]


def test_each_working_group_is_responsible_for_two_measures(plan):
    registry = plan["registry"]
    assert _measure_check().passed, _measure_check().problems
    services_plan.measure_update(
        measure=plan["measures"]["Arendalsuka"], responsible_group=registry.wg_local
    )
    problems = _measure_check().problems
    assert any("Arbeidsgruppe lokalt nivå har ansvar for 3" in p for p in problems), problems
    assert any("nasjonalt nivå har ansvar for 1" in p for p in problems), problems


def test_a_group_without_measures_shows(registry):
    problems = _measure_check().problems
    assert any("ikke ansvar for noe felles tiltak" in p for p in problems)


# --- Pages ---------------------------------------------------------------------------------------
def test_the_plan_page_draws_an_accessible_figure_with_a_text_list(plan, login, client, user):
    login(user)
    response = client.get(reverse("plan_overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<title id="plan-figure-title">' in html
    assert '<desc id="plan-figure-desc">' in html
    forum = plan["measures"]["Faglig forum"]
    # Every node is a link; the list after the figure links the same pages.
    assert html.count(f'href="{reverse("measure_detail", args=[forum.pk])}"') >= 3
    assert html.count(f'href="{reverse("goal_detail", args=[plan["subs"][0].pk])}"') >= 2
    assert "Mål og tiltak som liste" in html
    assert "Nytt felles tiltak" not in html  # only the secretariat adds measures


def test_the_end_page_says_what_is_missing(plan, login, client, secretariat):
    login(secretariat)
    measure = plan["measures"]["Arendalsuka"]
    url = reverse("measure_end", args=[measure.pk])
    html = client.get(url).content.decode()
    assert "Tiltaket er ikke evaluert" in html
    response = client.post(url, {"ended_on": today().isoformat()})
    assert response.status_code == 400
    assert "Ledermøtet har ikke vedtatt" in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == Measure.Status.ACTIVE


def test_the_secretariat_evaluates_and_ends_a_measure_through_the_pages(
    plan, login, client, secretariat
):
    login(secretariat)
    measure = plan["measures"]["Arendalsuka"]
    response = client.post(
        reverse("measure_evaluate", args=[measure.pk]),
        {
            "evaluated_on": (today() - dt.timedelta(days=3)).isoformat(),
            "assessment": "Lite effekt.",
            "recommendation": "end",
        },
    )
    assert response.status_code == 302
    decision = _decision(plan["registry"].leaders_meeting)
    page = client.get(reverse("measure_end", args=[measure.pk])).content.decode()
    assert decision.label in page  # offered in the list of the Ledermøte's decisions
    response = client.post(
        reverse("measure_end", args=[measure.pk]),
        {"decision": decision.pk, "ended_on": today().isoformat()},
    )
    assert response.status_code == 302
    detail = client.get(reverse("measure_detail", args=[measure.pk])).content.decode()
    assert "Avviklet" in detail
    assert decision.label in detail


def test_bad_input_on_the_measure_form_is_shown_not_saved(plan, login, client, secretariat):
    login(secretariat)
    response = client.post(
        reverse("measure_create"),
        {
            "name": "Faglig forum",  # taken
            "category": "local",
            "description": "",
            "target_count": "0",
            "target_period_years": "9",
            "status": "active",
            "position": "1",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Et tiltak med dette navnet finnes allerede." in html
    assert "Velg minst ett delmål tiltaket støtter." in html
    assert Measure.objects.count() == 6


def test_the_plan_page_runs_the_same_queries_for_few_and_many_measures(plan, login, client, user):
    login(user)
    subs = plan["subs"]
    made = {"n": 0}

    def make(k: int) -> None:
        for _ in range(k):
            made["n"] += 1
            measure = Measure.objects.create(
                name=f"Tiltak {made['n']}", category="local", description="Et tiltak."
            )
            measure.sub_goals.set(subs[: 1 + made["n"] % 3])

    assert_constant_queries(
        client, reverse("plan_overview"), querycounts.topped_up(make), pinned=PLAN_QUERIES
    )


PLAN_QUERIES = 6
