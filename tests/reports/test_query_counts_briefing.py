"""Query counts of the briefing's list pages, pinned at two data sizes (no N+1): the list of
briefings, a briefing with its recipients, and the flag page with its candidates."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from django.urls import reverse

from meetings import services as meetings_services
from partnership.models import OutboxMessage
from reports.models import Briefing, PoliticalFlag

from .. import querycounts
from ..factories import PersonFactory
from ..meetings.factories import held_meeting, in_days

pytestmark = pytest.mark.django_db
assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(2, 20))


def test_the_briefing_list(login, secretariat):
    def make(k: int) -> None:
        first = Briefing.objects.count()
        for i in range(first, first + k):
            start = dt.date(2000 + i, 1, 1)
            Briefing.objects.create(period_start=start, period_end=start + dt.timedelta(days=90))

    assert_constant_queries(
        login(secretariat), reverse("reports:briefing_list"), querycounts.topped_up(make), 4
    )


def test_a_briefing_with_its_recipients(login, secretariat):
    briefing = Briefing.objects.create(
        period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 3, 31), status="sent"
    )

    def make(k: int) -> None:
        for _ in range(k):
            person = PersonFactory()
            OutboxMessage.objects.create(
                kind="reports_briefing",
                recipient=person,
                to_email=person.email,
                subject="Orientering",
                body_text="Tekst",
                idempotency_key=f"reports:briefing:{briefing.key}:{person.pk}",
            )

    url = reverse("reports:briefing_detail", args=[briefing.pk])
    assert_constant_queries(login(secretariat), url, querycounts.topped_up(make), 4)


def test_the_flag_page(login, registry, secretariat):
    meeting = held_meeting(body=registry.partners_meeting, days_ago=5)

    def make(k: int) -> None:
        for i in range(k):
            decision = meetings_services.decision_record(
                meeting=meeting, title=f"Vedtak {i}", text="Vedtatt."
            )
            if i % 2:
                PoliticalFlag.objects.create(decision=decision, note="Merk")

    today = in_days(0).date()
    params = {
        "period_start": (today - dt.timedelta(days=30)).isoformat(),
        "period_end": today.isoformat(),
    }
    assert_constant_queries(
        login(secretariat),
        reverse("reports:flag_list"),
        querycounts.topped_up(make),
        6,
        params,
    )
