"""The leaders' dashboard (issue 12 §5): who reads it, what it shows (status against target,
charts with a text alternative and a table, the next evaluation point), the drill-down and the
print view, and its queries pinned for 5 and 50 indicators with ten years of monthly values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from partnership import services_indicators
from partnership.models import Goal, IndicatorSet, IndicatorValue, Period, today
from tests import querycounts

from ..partnership.indicator_fixtures import adopted_set, by_unit, indicator_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicators(registry):
    return adopted_set(registry)


def _month(months_ago: int) -> dt.date:
    day = today().replace(day=1)
    year, month = divmod(day.year * 12 + day.month - 1 - months_ago, 12)
    return dt.date(year, month + 1, 1)


def test_a_partner_leader_reads_the_dashboard_and_drills_down(client, partner_leader, indicators):
    count = by_unit(indicators, "count")
    for months_ago, value in ((3, 12), (2, 14), (1, 16)):
        services_indicators.value_add(
            indicator=count, measured_on=_month(months_ago), value=Decimal(value)
        )
    client.force_login(partner_leader)
    page = client.get(reverse("reports:dashboard"), {"mal": count.goal_id})
    assert page.status_code == 200
    html = page.content.decode()
    assert count.name in html
    assert "Neste evalueringspunkt" in html
    # The chart is an image whose text alternative is the one-sentence summary, and the
    # numbers are in a table as well.
    assert f'src="{reverse("reports:indicator_chart", args=[count.pk])}"' in html
    assert f'alt="{count.name} gikk fra 12' in html
    assert "Tallene i diagrammet som tabell" in html
    assert "Bedre enn utgangsverdien" in html  # 16 against the two-year target 20, baseline 10
    goal = client.get(reverse("reports:goal_indicators", args=[count.goal_id]))
    assert goal.status_code == 200 and count.name in goal.content.decode()
    detail = client.get(reverse("reports:indicator_detail", args=[count.pk]))
    assert detail.status_code == 200
    assert "Registrer verdi" not in detail.content.decode()  # readers do not enter values
    chart = client.get(reverse("reports:indicator_chart", args=[count.pk]))
    assert chart["Content-Type"] == "image/svg+xml"
    svg = chart.content.decode()
    assert "<script" not in svg
    assert "Mål etter 2 år" in svg and "Mål etter 4 år" in svg
    printed = client.get(reverse("reports:dashboard_print"))
    assert printed.status_code == 200
    assert '<details class="rp-table" open>' in printed.content.decode()


def test_status_and_qualitative_colours_on_the_dashboard(client, secretariat, indicators):
    services_indicators.value_add(
        indicator=by_unit(indicators, "qualitative"),
        measured_on=_month(1),
        status="red",
        narrative="For lite aktivitet.",
    )
    client.force_login(secretariat)
    goal = by_unit(indicators, "qualitative").goal_id
    html = client.get(reverse("reports:dashboard"), {"mal": goal}).content.decode()
    assert 'data-color="danger">Rød</span>' in html


def test_one_goal_at_a_time_with_the_others_summarised(client, secretariat, indicators):
    """The dashboard shows one goal's indicators with their charts; each other goal says how
    many of its indicators stand where and links to itself; the print view shows them all."""
    client.force_login(secretariat)
    goals = sorted({i.goal for i in indicators.indicators.all()}, key=lambda g: g.number)
    assert len(goals) >= 2
    first, second = goals[0], goals[1]
    in_second = indicators.indicators.filter(goal=second).first()
    html = client.get(reverse("reports:dashboard")).content.decode()
    # The first goal with indicators is open; the second is summarised with a link.
    assert f'href="?mal={second.pk}#goal-{second.pk}"' in html
    assert reverse("reports:indicator_detail", args=[in_second.pk]) not in html
    assert f"{indicators.indicators.filter(goal=second).count()} kjennetegn:" in html
    opened = client.get(reverse("reports:dashboard"), {"mal": second.pk}).content.decode()
    assert reverse("reports:indicator_detail", args=[in_second.pk]) in opened
    assert f'href="?mal={first.pk}#goal-{first.pk}"' in opened
    # An unknown goal gives the default, not an error.
    fallback = client.get(reverse("reports:dashboard"), {"mal": "999999"})
    assert fallback.status_code == 200 and f'href="?mal={second.pk}' in fallback.content.decode()
    printed = client.get(reverse("reports:dashboard_print")).content.decode()
    for indicator in indicators.indicators.all():
        assert indicator.name in printed


@pytest.mark.parametrize("role", ["partner_rep", "ministry_observer", "secretariat"])
def test_readers(client, personas, indicators, role):
    client.force_login(personas[role])
    assert client.get(reverse("reports:dashboard")).status_code == 200


def test_working_group_members_and_outsiders_are_refused(client, personas, indicators):
    indicator = indicators.indicators.first()
    client.force_login(personas["wg_member"])
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:indicator_detail", args=[indicator.pk])).status_code == 403
    client.force_login(personas["user"])
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:indicator_detail", args=[indicator.pk])).status_code == 404


def test_a_draft_is_the_secretariats(client, personas, indicators):
    draft = services_indicators.indicator_set_draft(title="Utkast")
    client.force_login(personas["partner_leader"])
    assert client.get(reverse("reports:indicator_set", args=[draft.pk])).status_code == 403
    client.force_login(personas["secretariat"])
    assert client.get(reverse("reports:indicator_set", args=[draft.pk])).status_code == 200


def test_the_secretariat_enters_a_value_and_bad_values_are_refused(client, secretariat, indicators):
    client.force_login(secretariat)
    percent = by_unit(indicators, "percent")
    url = reverse("reports:value_add", args=[percent.pk])
    day = _month(1).isoformat()
    for value, text in (("mange", "er ikke et tall"), ("120", "mellom 0 og 100")):
        response = client.post(url, {"measured_on": day, "value": value})
        assert response.status_code == 400
        assert text in response.content.decode()
    outside = (Period.objects.get().starts_on - dt.timedelta(days=1)).isoformat()
    response = client.post(url, {"measured_on": outside, "value": "50"})
    assert response.status_code == 400 and "utenfor avtaleperioden" in response.content.decode()
    response = client.post(url, {"measured_on": day, "value": "55,5"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get().value == Decimal("55.5")
    scale = by_unit(indicators, "scale")
    response = client.post(
        reverse("reports:value_add", args=[scale.pk]), {"measured_on": day, "value": "6"}
    )
    assert response.status_code == 400 and "1 til 5" in response.content.decode()


# --- Queries pinned: 5 and 50 indicators × 10 years of monthly values ---------------------------
def _grow_indicators(registry):
    state = {"set": None, "n": 0}
    goals = []

    def grow(n: int) -> None:
        if state["set"] is None:
            state["set"] = adopted_set(registry, per_unit=1, adopt=True)
            goals.extend(Goal.objects.filter(kind=Goal.Kind.SUB).order_by("number"))
            state["n"] = state["set"].indicators.count()
            _values(list(state["set"].indicators.all()))
        indicator_set = state["set"]
        new = []
        while state["n"] < n:
            state["n"] += 1
            goal = goals[state["n"] % len(goals)]
            fields = indicator_fields("percent", goal, f"x.{state['n']}", position=state["n"])
            # The set is adopted: rows are added directly (the services only edit drafts).
            new.append(indicator_set.indicators.create(**fields))
        _values(new)

    return grow


def _values(indicators) -> None:
    # Ten years back, beyond the agreement period: rows made directly, as history kept from
    # before the portal.
    rows = []
    for indicator in indicators:
        for month in range(120):
            day = _month(month)
            if indicator.unit == "qualitative":
                rows.append(
                    IndicatorValue(
                        indicator=indicator, unit=indicator.unit, measured_on=day, status="green"
                    )
                )
            else:
                number = {"scale": 3, "percent": 50, "count": 7, "nok": 1000}[indicator.unit]
                rows.append(
                    IndicatorValue(
                        indicator=indicator,
                        unit=indicator.unit,
                        measured_on=day,
                        value=Decimal(number),
                    )
                )
    IndicatorValue.objects.bulk_create(rows)


@pytest.mark.parametrize(
    ("url_name", "pinned"),
    [("reports:dashboard", 9), ("reports:dashboard_print", 9), ("reports:values", 4)],
)
def test_queries_are_constant_for_5_and_50_indicators(
    client, secretariat, registry, url_name, pinned
):
    client.force_login(secretariat)
    grow = _grow_indicators(registry)
    querycounts.assert_constant_queries(client, reverse(url_name), grow, pinned, sizes=(5, 50))
    assert IndicatorSet.objects.get().indicators.count() == 50
    assert IndicatorValue.objects.count() == 50 * 120


def test_the_activity_section_queries_do_not_grow_with_activities(client, secretariat, registry):
    """The measures against their target frequency, the year's participation and the partners
    yet to present (issue 12 §5-6): constant whether the year has 2 or 30 activities."""
    import datetime as dt

    from django.utils import timezone

    from partnership import services_plan
    from workgroups.models import Activity

    services_plan.goals_seed()
    measures = services_plan.measures_seed()
    _grow_indicators(registry)(5)
    today = timezone.localdate()

    def make(k):
        Activity.objects.bulk_create(
            [
                Activity(
                    measure=measures[n % len(measures)],
                    title=f"Aktivitet {n}",
                    date=today - dt.timedelta(days=n % 28),
                    county="oslo",
                    format="physical",
                    youth_participation="Elevrådet planla." if n % 2 else "",
                )
                for n in range(k)
            ]
        )

    client.force_login(secretariat)
    querycounts.assert_constant_queries(
        client, reverse("reports:dashboard"), querycounts.topped_up(make), 9, sizes=(2, 30)
    )
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "Faglig forum" in page and "Barn og unge medvirket i 15 av 30" in page


def test_the_board_without_a_set_in_force_and_with_a_goal_that_has_no_indicators(registry):
    """The board's one read of the set in force: none adopted yet (only a draft), then an
    adopted set read for a goal it has no indicator of, then for every goal."""
    from partnership import services_plan
    from reports import dashboard

    services_plan.goals_seed()
    draft = adopted_set(registry, adopt=False)
    board = dashboard.dashboard()
    assert board.indicator_set is None
    assert all(not block.indicators for block in board.goals)
    from ..partnership.indicator_fixtures import leaders_decision

    services_indicators.indicator_set_adopt(
        indicator_set=draft, decision_pk=leaders_decision(registry).pk
    )
    indicator_set = IndicatorSet.objects.get(pk=draft.pk)
    overall = Goal.objects.get(kind=Goal.Kind.OVERALL)  # the sets put indicators on sub-goals
    board = dashboard.dashboard(goal=overall)
    assert board.indicator_set == indicator_set and board.goals[0].indicators == []
    board = dashboard.dashboard()
    shown = [b.indicator for block in board.goals for b in block.indicators]
    assert [i.pk for i in shown] == list(
        indicator_set.indicators.order_by("goal__number", "position", "code").values_list(
            "pk", flat=True
        )
    )
    assert shown and all(i.indicator_set == indicator_set for i in shown)
