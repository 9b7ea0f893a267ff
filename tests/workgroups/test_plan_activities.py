"""The action plan's working level (issue 12 §2, §3): activities, measure plans with progress,
their adoption through the decision register, access (§7), the bad input the issue names, the
dashboard's selectors and the pages' query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from meetings import services as meeting_services
from meetings.extensions import extra_deadlines
from partnership import services_plan
from partnership.locking import ConflictError
from partnership.models import Goal, Measure, Membership, Partner
from tests import querycounts
from workgroups import selectors_plan
from workgroups.models import Activity, MeasurePlan, PlannedActivity
from workgroups.services import plan as plan_services

from ..factories import MembershipFactory, PeriodFactory, PersonFactory
from ..meetings.factories import held_meeting

assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(2, 30))
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def work(registry):
    PeriodFactory()  # the agreement 2021–2025
    PeriodFactory(kind="action_plan", title="Handlingsplan", starts_on=dt.date(2022, 1, 1))
    services_plan.goals_seed()
    measures = {m.name: m for m in services_plan.measures_seed()}
    local = measures["Faglig forum"]  # sub-goals 1 and 3, the local group's
    youth = measures["Partnerkonferanser"]  # sub-goals 2 and 3: participation asked for
    national = measures["Arendalsuka"]
    assert local.responsible_group == registry.wg_local
    assert national.responsible_group == registry.wg_national
    return {"local": local, "youth": youth, "national": national, "measures": measures}


def _activity(measure: Measure, day=dt.date(2025, 3, 10), **extra) -> Activity:
    fields = {
        "title": "Faglig forum vår",
        "date": day,
        "county": "Oslo",
        "format": Activity.Format.PHYSICAL,
        **extra,
    }
    return plan_services.activity_save(measure=measure, **fields)


def _plan(measure: Measure, year=2025, items=("Vårseminar", "Høstseminar")) -> MeasurePlan:
    plan = plan_services.plan_create(measure=measure, year=year)
    return plan_services.plan_save(
        plan=plan,
        expected_version=plan.version,
        items=[{"pk": None, "title": t, "month": 3 + 6 * i} for i, t in enumerate(items)],
    )


# --- Activities ------------------------------------------------------------------------------------
def test_an_activity_is_recorded_with_partners_and_a_checked_file(work, registry):
    activity = plan_services.activity_save(
        measure=work["local"],
        partners=[registry.partner, registry.other_partner],
        file=SimpleUploadedFile("program.pdf", PDF, content_type="application/pdf"),
        title="Faglig forum",
        date=dt.date(2025, 4, 2),
        county="Vestland",
        place="Bergen",
        format="hybrid",
        participant_count=140,
        outcomes="Mange nye kontakter.",
    )
    assert activity.file_name == "program.pdf"
    assert activity.file_type == "application/pdf"
    assert set(activity.partners.all()) == {registry.partner, registry.other_partner}


def test_a_file_that_is_not_allowed_is_refused_and_nothing_is_saved(work):
    with pytest.raises(ValidationError) as exc:
        _activity(work["local"], file=SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 20))
    assert "file" in exc.value.message_dict
    assert not Activity.objects.exists()


def test_a_date_outside_the_agreement_period_is_refused(work):
    with pytest.raises(ValidationError) as exc:
        _activity(work["local"], day=dt.date(2019, 5, 1))
    assert "avtaleperioden" in exc.value.message_dict["date"][0]


def test_participation_is_required_under_the_participation_sub_goal(work):
    with pytest.raises(ValidationError) as exc:
        _activity(work["youth"], youth_participation="  ")
    assert "barn og unge" in exc.value.message_dict["youth_participation"][0]
    activity = _activity(work["youth"], youth_participation="Elevrådet holdt innledning.")
    assert activity.pk
    # Not asked under other sub-goals.
    assert _activity(work["local"]).youth_participation == ""


def test_no_activity_under_an_ended_measure(work):
    Measure.objects.filter(pk=work["local"].pk).update(
        status=Measure.Status.ENDED, ended_on=dt.date(2025, 1, 1)
    )
    with pytest.raises(ValidationError):
        _activity(work["local"])


# --- Measure plans ---------------------------------------------------------------------------------
def test_one_plan_per_measure_and_year(work):
    _plan(work["local"])
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_create(measure=work["local"], year=2025)
    assert "year" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasurePlan.objects.create(measure=work["local"], year=2025)


def test_progress_with_a_done_item_linked_to_its_activity(work):
    plan = _plan(work["local"])
    spring = plan.items.get(title="Vårseminar")
    activity = _activity(work["local"])
    plan_services.progress_update(
        item=spring,
        expected_version=plan.version,
        progress=PlannedActivity.Progress.DONE,
        comment="Godt oppmøte",
        activity=activity,
    )
    spring.refresh_from_db()
    assert spring.activity == activity and spring.progress_comment == "Godt oppmøte"
    plan.refresh_from_db()
    # Another measure's activity is refused; a line not done names no activity.
    other = _activity(work["national"], title="Arendalsuka")
    autumn = plan.items.get(title="Høstseminar")
    with pytest.raises(ValidationError):
        plan_services.progress_update(
            item=autumn, expected_version=plan.version, progress="done", activity=other
        )
    item = plan_services.progress_update(
        item=autumn, expected_version=plan.version, progress="dropped", activity=activity
    )
    assert item.activity is None


def test_two_people_changing_the_same_plan_the_second_is_told(work, wg_leader):
    plan = _plan(work["local"])
    opened = plan.version
    plan_services.plan_save(
        plan=plan,
        expected_version=opened,
        note="Første",
        items=[{"pk": i.pk, "title": i.title, "month": i.month} for i in plan.items.all()],
        by=wg_leader,
    )
    with pytest.raises(ConflictError) as exc:
        plan_services.plan_save(plan=plan, expected_version=opened, note="Andre", items=[])
    assert exc.value.updated_by == wg_leader
    plan.refresh_from_db()
    assert plan.note == "Første"
    with pytest.raises(ConflictError):
        plan_services.progress_update(
            item=plan.items.first(), expected_version=opened, progress="in_progress"
        )


def test_a_bad_line_refuses_the_whole_plan(work):
    plan = _plan(work["local"])
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_save(
            plan=plan,
            expected_version=plan.version,
            note="Ny",
            items=[
                {"pk": None, "title": "Ok", "month": 5},
                {"pk": None, "title": "Feil", "month": 13},
            ],
        )
    assert "items-1-month" in exc.value.message_dict
    assert plan.items.count() == 2
    plan.refresh_from_db()
    assert plan.note == ""


def test_resources_against_the_groups_allocation_line(work, registry):
    from partnership import budget_services
    from partnership.budget_models import BudgetLine

    version = budget_services.budget_year_create(year=2025)
    line = budget_services.budget_line_save(
        version=version,
        kind=BudgetLine.Kind.GROUP_BASE,
        working_group=registry.wg_local,
        amount=Decimal("300000"),
        expected_lock_version=version.lock_version,
    )
    other = budget_services.budget_line_save(
        version=version,
        kind=BudgetLine.Kind.GROUP_BASE,
        working_group=registry.wg_national,
        amount=Decimal("300000"),
        expected_lock_version=version.lock_version + 1,
    )
    plan = plan_services.plan_create(measure=work["local"], year=2025)
    plan = plan_services.plan_save(
        plan=plan,
        expected_version=plan.version,
        items=[
            {
                "pk": None,
                "title": "Leie",
                "month": 3,
                "resource_amount": Decimal("25000.50"),
                "budget_line": line,
            }
        ],
    )
    assert plan.items.get().budget_line == line
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_save(
            plan=plan,
            expected_version=plan.version,
            items=[{"pk": None, "title": "Annen", "month": 4, "budget_line": other}],
        )
    assert "items-0-budget_line" in exc.value.message_dict


def test_adoption_through_a_partnermote_decision(work, registry):
    plan = _plan(work["local"])
    decision = meeting_services.decision_record(
        meeting=held_meeting(body=registry.partners_meeting),
        text="Tiltaksplanen for Faglig forum vedtas.",
        title="Tiltaksplan Faglig forum",
    )
    assert decision.pk in [d.pk for d in plan_services.linkable_decisions(plan)]
    plan = plan_services.plan_adopt(
        plan=plan, expected_version=plan.version, decision_pk=decision.pk
    )
    assert plan.is_adopted and plan.adopted_on
    assert [d.pk for d in plan_services.adopting_decisions(plan)] == [decision.pk]
    with pytest.raises(ValidationError):
        plan_services.plan_adopt(plan=plan, expected_version=plan.version, decision_pk=decision.pk)


def test_a_ledermote_decision_does_not_adopt_a_plan(work, registry):
    plan = _plan(work["local"])
    decision = meeting_services.decision_record(
        meeting=held_meeting(body=registry.leaders_meeting), text="Noe annet.", title="Annet"
    )
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_adopt(plan=plan, expected_version=plan.version, decision_pk=decision.pk)
    assert "decision" in exc.value.message_dict
    plan.refresh_from_db()
    assert not plan.is_adopted


# --- Selectors for the dashboard -------------------------------------------------------------------
def test_frequency_against_target(work, django_assert_num_queries):
    _activity(work["local"], day=dt.date(2025, 3, 1))
    _activity(work["local"], day=dt.date(2024, 3, 1))
    visits = work["measures"]["Studiebesøk"]  # once every second year
    _activity(visits, day=dt.date(2024, 9, 1), title="Studiebesøk Stockholm")
    with django_assert_num_queries(OVERVIEW_QUERIES):
        rows = {f.measure.name: f for f in selectors_plan.activity_overview(2025)[0]}
    assert rows["Faglig forum"].done == 1 and rows["Faglig forum"].target == 2
    assert rows["Faglig forum"].text == "Faglig forum: 1 av 2 i 2025"
    assert not rows["Faglig forum"].met
    # 2024–2025 is one period of two years, counted from the plan's start in 2022.
    assert (rows["Studiebesøk"].first_year, rows["Studiebesøk"].last_year) == (2024, 2025)
    assert rows["Studiebesøk"].done == 1 and rows["Studiebesøk"].met
    assert rows["Partnerkonferanser"].target is None and rows["Partnerkonferanser"].met is None


def test_frequency_queries_are_constant(work, django_assert_num_queries):
    for i in range(30):
        _activity(work["local"], day=dt.date(2025, 1, 1) + dt.timedelta(days=i))
    with django_assert_num_queries(OVERVIEW_QUERIES):
        selectors_plan.activity_overview(2025)


def test_participation_summary(work, django_assert_num_queries):
    _activity(work["youth"], youth_participation="Ungdomspanel")
    _activity(work["local"])
    _activity(work["local"], youth_participation="Elever som medarrangører")
    _activity(work["local"], day=dt.date(2024, 5, 1), youth_participation="I fjor")
    with django_assert_num_queries(OVERVIEW_QUERIES):
        _frequencies, summary = selectors_plan.activity_overview(2025)
    assert summary.activities == 3
    assert summary.participating == 2
    assert summary.under_goal == 1
    assert summary.share == 67
    listed = selectors_plan.participating_activities(2025)
    # The same day: in the order they were recorded.
    assert [a.youth_participation for a in listed] == ["Ungdomspanel", "Elever som medarrangører"]


OVERVIEW_QUERIES = 1


# --- Access ----------------------------------------------------------------------------------------
def test_another_groups_leader_gets_404(work, registry, client):
    leader = PersonFactory(full_name="Nina Nasjonal", email="nina@example.org")
    MembershipFactory(
        person=leader,
        body=registry.wg_national,
        partner=registry.partner,
        role=Membership.Role.LEADER,
    )
    plan = _plan(work["local"])
    activity = _activity(work["local"])
    client.force_login(leader)
    for url in (
        reverse("workgroups:plan_detail", args=[plan.pk]),
        reverse("workgroups:plan_edit", args=[plan.pk]),
        reverse("workgroups:activity_edit", args=[activity.pk]),
        reverse("workgroups:measure_work", args=[work["local"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("workgroups:progress_update", args=[plan.items.first().pk]), {})
    assert response.status_code == 404
    # Their own group's measure: they edit.
    assert (
        client.get(reverse("workgroups:activity_create", args=[work["national"].pk])).status_code
        == 200
    )


# --- Pages -----------------------------------------------------------------------------------------
def test_the_leader_updates_progress_on_the_page(work, wg_leader, client):
    plan = _plan(work["local"])
    item = plan.items.get(title="Vårseminar")
    client.force_login(wg_leader)
    url = reverse("workgroups:plan_detail", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="item-{item.pk}-progress"' in page.content.decode()
    response = client.post(
        reverse("workgroups:progress_update", args=[item.pk]),
        {
            f"item-{item.pk}-version": plan.version,
            f"item-{item.pk}-progress": "in_progress",
            f"item-{item.pk}-comment": "Program klart",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.progress == "in_progress"
    # The same form again (an old version): the second is told, nothing is lost.
    response = client.post(
        reverse("workgroups:progress_update", args=[item.pk]),
        {
            f"item-{item.pk}-version": plan.version,
            f"item-{item.pk}-progress": "done",
            f"item-{item.pk}-comment": "Min kommentar",
        },
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "mens du arbeidet" in text and "Min kommentar" in text
    item.refresh_from_db()
    assert item.progress == "in_progress"


def test_the_plan_form_adds_a_line_and_ignores_the_blank_row(work, wg_leader, client):
    plan = _plan(work["local"], items=("Vårseminar",))
    item = plan.items.get()
    client.force_login(wg_leader)
    url = reverse("workgroups:plan_edit", args=[plan.pk])
    assert client.get(url).status_code == 200
    data = {
        "version": plan.version,
        "note": "Oppdatert",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "1",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "60",
        "items-0-id": item.pk,
        "items-0-title": "Vårseminar",
        "items-0-month": "4",
        "items-0-resource_amount": "25 000,50",
        "items-0-progress": "in_progress",
        "items-1-title": "Høstseminar",
        "items-1-month": "10",
        "items-1-progress": "not_started",
        "items-2-title": "",
        "items-2-month": "1",
        "items-2-progress": "not_started",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(plan.items.values_list("title", "month")) == [
        ("Vårseminar", 4),
        ("Høstseminar", 10),
    ]
    assert plan.items.get(title="Vårseminar").resource_amount == Decimal("25000.50")
    # The same form again: told, with what was written kept.
    data["note"] = "Min versjon"
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Min versjon" in response.content.decode()


def test_a_money_field_with_a_thousands_point_is_refused_on_the_form(work, wg_leader, client):
    plan = _plan(work["local"], items=("Vårseminar",))
    client.force_login(wg_leader)
    response = client.post(
        reverse("workgroups:plan_edit", args=[plan.pk]),
        {
            "version": plan.version,
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "1",
            "items-0-id": plan.items.get().pk,
            "items-0-title": "Vårseminar",
            "items-0-month": "4",
            "items-0-resource_amount": "1.500,50",
            "items-0-progress": "in_progress",
        },
    )
    assert response.status_code == 400
    assert 'href="#id_items-0-resource_amount"' in response.content.decode()


def test_the_activity_form_asks_for_participation_and_links_the_error(work, wg_leader, client):
    # Partnerkonferanser belongs to the local group too, under the participation sub-goal.
    assert work["youth"].responsible_group_id == work["local"].responsible_group_id
    client.force_login(wg_leader)
    url = reverse("workgroups:activity_create", args=[work["youth"].pk])
    response = client.post(
        url,
        {
            "title": "Regional konferanse",
            "date": "2025-06-01",
            "county": "Agder",
            "format": "physical",
        },
    )
    assert response.status_code == 400
    assert 'href="#id_youth_participation"' in response.content.decode()
    response = client.post(
        url,
        {
            "title": "Regional konferanse",
            "date": "2019-06-01",
            "county": "Agder",
            "format": "physical",
            "youth_participation": "Ungdomsrådet deltok",
        },
    )
    assert response.status_code == 400
    assert "avtaleperioden" in response.content.decode()


def test_the_measure_page_and_the_activity_list_queries_are_constant(work, wg_leader, client):
    client.force_login(wg_leader)
    measure = work["local"]
    counter = {"n": 0}

    def make(k):
        for _ in range(k):
            counter["n"] += 1
            n = counter["n"]
            activity = _activity(measure, day=dt.date(2025, 1, 1) + dt.timedelta(days=n % 300))
            activity.partners.set(Partner.objects.all()[:2])
            year = 2000 + n
            plan = plan_services.plan_create(measure=measure, year=year)
            plan_services.plan_save(
                plan=plan,
                expected_version=plan.version,
                items=[{"pk": None, "title": f"Linje {n}", "month": 1 + n % 12}],
            )

    grow = querycounts.topped_up(make)
    assert_constant_queries(
        client,
        reverse("workgroups:measure_work", args=[measure.pk]),
        grow,
        pinned=MEASURE_PAGE_QUERIES,
    )


def test_the_activity_list_queries_are_constant(work, wg_leader, client):
    client.force_login(wg_leader)
    measure = work["local"]

    def make(k):
        for i in range(k):
            _activity(measure, day=dt.date(2025, 1, 1) + dt.timedelta(days=i))

    assert_constant_queries(
        client,
        reverse("workgroups:activity_list"),
        querycounts.topped_up(make),
        pinned=LIST_QUERIES,
    )


MEASURE_PAGE_QUERIES = 7
LIST_QUERIES = 4


def test_goal_two_is_the_participation_goal(work):
    assert Goal.objects.get(number=2).title == "Barn og unge involvert"


# --- The partner calendar and the iCal feed --------------------------------------------------------
def test_activities_in_the_calendar_for_their_readers_only(work, wg_member, user):
    activity = _activity(
        work["local"],
        youth_participation="Navngitte elever fra 7B deltok",
        outcomes="Intern vurdering",
        place="Bergen",
    )
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    found = [
        d
        for d in extra_deadlines(user=wg_member, start=start, end=end)
        if d.kind == "plan_activity"
    ]
    assert [d.url for d in found] == [reverse("workgroups:activity_detail", args=[activity.pk])]
    assert found[0].label == "Faglig forum: Faglig forum vår (Bergen)"
    assert "7B" not in found[0].label + found[0].description
    assert not [
        d for d in extra_deadlines(user=user, start=start, end=end) if d.kind == "plan_activity"
    ]
