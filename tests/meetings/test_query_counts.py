"""The calendar (month and list), the meeting page and the decision register run the same
number of queries with 2 rows as with 30.

Rows are written with ``bulk_create`` (what the pages show does not depend on how the rows
were written, and the services would make the suite slow). A count that grows with the data
is an N+1; the failure prints the SQL of both runs. The counts are pinned too.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from itertools import count

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import OSLO, AgendaItem, Decision, Meeting, Proposal, StepAside
from tests import querycounts
from tests.querycounts import topped_up as _topped_up

SMALL, LARGE = 2, 30
assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(SMALL, LARGE))
_numbers = count(1)


def _meetings(body, year: int, month: int, k: int, **extra) -> list[Meeting]:
    rows = []
    for _ in range(k):
        i = next(_numbers)
        starts = dt.datetime(year, month, 1 + i % 27, 9 + i % 8, tzinfo=OSLO)
        rows.append(
            Meeting(
                body=body,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=1),
                title=f"Møte {i}",
                status=(Meeting.Status.CANCELLED if i % 5 == 0 else Meeting.Status.PLANNED),
                cancellation_reason="Avlyst" if i % 5 == 0 else "",
                **extra,
            )
        )
    return Meeting.objects.bulk_create(rows)


@pytest.fixture
def next_year():
    return timezone.localdate().year + 1


@pytest.fixture
def no_extra_deadlines(settings):
    """The calendar's own queries: no other app's deadline sources (they count their own)."""
    from meetings import extensions

    settings.CALENDAR_DEADLINE_SOURCES = []
    extensions._sources.cache_clear()
    yield
    extensions._sources.cache_clear()


@pytest.mark.parametrize("view", ["month", "list"])
def test_calendar(view, client, login, registry, secretariat, next_year, no_extra_deadlines):
    def make(k):
        # Partnermøte meetings bring proposal deadlines, all of them notice dates.
        _meetings(registry.partners_meeting, next_year, 3, k)
        _meetings(registry.wg_local, next_year, 3, k)

    login(secretariat)
    assert_constant_queries(
        client,
        reverse("meetings:calendar"),
        _topped_up(make),
        pinned=6,
        params={"year": next_year, "month": 3, "view": view},
    )


def test_meeting_detail(client, login, registry, secretariat, partner_rep, wg_member):
    meeting = Meeting.objects.create(
        body=registry.partners_meeting,
        starts_at=timezone.now() + dt.timedelta(days=30),
        ends_at=timezone.now() + dt.timedelta(days=30, hours=2),
    )
    year = meeting.local_date.year

    def make(k):
        items = AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    meeting=meeting,
                    body=meeting.body,
                    year=year,
                    number=next(_numbers),
                    position=next(_numbers),
                    title=f"Sak {n}",
                    responsible=partner_rep,
                    exempt=n % 3 == 0,
                    legal_basis="offl. § 14" if n % 3 == 0 else "",
                )
                for n in range(k)
            ]
        )
        StepAside.objects.bulk_create(
            [StepAside(agenda_item=item, person=partner_rep, reason="Inhabil") for item in items]
        )
        Decision.objects.bulk_create(
            [
                Decision(
                    body=meeting.body,
                    meeting=meeting,
                    agenda_item=item,
                    year=year,
                    number=next(_numbers),
                    decided_on=meeting.local_date,
                    text="Vedtatt.",
                )
                for item in items
            ]
        )
        Proposal.objects.bulk_create(
            [
                Proposal(
                    proposed_by=wg_member,
                    on_behalf_of=registry.wg_local,
                    target_body=meeting.body,
                    target_meeting=meeting,
                    title=f"Forslag {n}",
                    status=Proposal.Status.ACCEPTED if n % 2 else Proposal.Status.SUBMITTED,
                    agenda_item=items[n] if n % 2 else None,
                )
                for n in range(k)
            ]
        )

    login(secretariat)
    assert_constant_queries(
        client,
        reverse("meetings:meeting_detail", args=[meeting.pk]),
        _topped_up(make),
        pinned=10,  # the templates and the suggested one in one query; the items' step-asides,
        # decisions and attachments in one; +1: the Partnerpott applications among the items
        # (conflicts, issue 10 §2)
    )


@pytest.mark.parametrize("q", ["", "budsjett"])
def test_decision_search(q, client, login, registry, user):
    starts = timezone.now() - dt.timedelta(days=10)
    meeting = Meeting.objects.create(
        body=registry.partners_meeting, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )

    def make(k):
        Decision.objects.bulk_create(
            [
                Decision(
                    body=meeting.body,
                    meeting=meeting,
                    year=2026,
                    number=next(_numbers),
                    decided_on=dt.date(2026, 3, 1),
                    title=f"Budsjett {n}",
                    text="Partnermøtet vedtar budsjettet.",
                )
                for n in range(k)
            ]
        )

    login(user)
    assert_constant_queries(
        client,
        reverse("meetings:decision_search"),
        _topped_up(make),
        pinned=5,
        params={"q": q} if q else None,
    )
