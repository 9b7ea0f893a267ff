"""The meetings app's lists run the same number of queries with 2 rows as with 30: the
meeting list, "Mine forslag", "Mine oppfølgingspunkter", the governing documents and one
document's page, the year plan, and the agenda templates (list, page, item form).

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

from meetings import services
from meetings.models import (
    AgendaItem,
    AgendaTemplate,
    AgendaTemplateItem,
    Decision,
    DocumentVersion,
    FollowUp,
    GoverningDocument,
    Meeting,
    Minutes,
    MinutesEntry,
    Proposal,
)
from tests import querycounts
from tests.querycounts import topped_up as _topped_up

SMALL, LARGE = 2, 30
assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(SMALL, LARGE))
_numbers = count(1)


def _meeting(body, *, days: float, **extra) -> Meeting:
    starts = timezone.now() + dt.timedelta(days=days)
    return Meeting.objects.create(
        body=body, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), **extra
    )


def _items(meeting: Meeting, k: int, **extra) -> list[AgendaItem]:
    year = meeting.local_date.year
    return AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                body=meeting.body,
                year=year,
                number=(n := next(_numbers)),
                position=n,
                title=f"Sak {n}",
                **extra,
            )
            for _ in range(k)
        ]
    )


# --- Meetings ----------------------------------------------------------------------------------
@pytest.mark.parametrize("when", ["upcoming", "past"])
def test_meeting_list(when, client, login, registry, secretariat):
    sign = 1 if when == "upcoming" else -1
    kinds = [Meeting.Kind.ORDINARY, Meeting.Kind.START_UP, Meeting.Kind.REPORTING]

    def make(k):
        rows = []
        for _ in range(k):
            i = next(_numbers)
            starts = timezone.now() + sign * dt.timedelta(days=1 + i % 300, hours=i % 7)
            rows.append(
                Meeting(
                    # Titles made from the body and the kind (the body is read for each row).
                    body=registry.wg_local if i % 2 else registry.partners_meeting,
                    kind=kinds[i % 3],
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=1),
                    suggested=i % 4 == 0,
                )
            )
        Meeting.objects.bulk_create(rows)

    login(secretariat)
    assert_constant_queries(
        client,
        reverse("meetings:meeting_list"),
        _topped_up(make),
        pinned=6,
        params={"when": when},
    )


def test_year_plan(client, login, registry, wg_leader):
    def make(k):
        Meeting.objects.bulk_create(
            [
                Meeting(
                    body=registry.wg_local,
                    kind=Meeting.Kind.BEFORE_PARTNER_MEETING,
                    starts_at=(s := timezone.now() + dt.timedelta(days=10 + next(_numbers))),
                    ends_at=s + dt.timedelta(hours=1),
                    suggested=True,
                )
                for _ in range(k)
            ]
        )

    login(wg_leader)
    assert_constant_queries(client, reverse("meetings:year_plan"), _topped_up(make), pinned=4)


def test_year_plan_for_the_secretariat(client, login, registry, secretariat):
    def make(k):
        Meeting.objects.bulk_create(
            [
                Meeting(
                    body=registry.wg_national if n % 2 else registry.wg_local,
                    kind=Meeting.Kind.START_UP,
                    starts_at=(s := timezone.now() + dt.timedelta(days=10 + next(_numbers))),
                    ends_at=s + dt.timedelta(hours=1),
                    suggested=True,
                )
                for n in range(k)
            ]
        )

    login(secretariat)
    assert_constant_queries(client, reverse("meetings:year_plan"), _topped_up(make), pinned=6)


# --- Proposals ---------------------------------------------------------------------------------
def test_my_proposals(client, login, registry, wg_member):
    meeting = _meeting(registry.partners_meeting, days=30)
    later = _meeting(registry.partners_meeting, days=60, kind=Meeting.Kind.EXTRAORDINARY)

    def make(k):
        items = _items(meeting, k)
        Proposal.objects.bulk_create(
            [
                Proposal(
                    proposed_by=wg_member,
                    on_behalf_of=registry.wg_local if n % 2 else None,
                    target_body=meeting.body,
                    target_meeting=later if n % 3 == 0 else meeting,
                    title=f"Forslag {n}",
                    status=(
                        Proposal.Status.ACCEPTED
                        if n % 2
                        else (Proposal.Status.RETURNED if n % 3 == 0 else Proposal.Status.SUBMITTED)
                    ),
                    return_reason="Hører hjemme i AU." if n % 3 == 0 and not n % 2 else "",
                    agenda_item=items[n] if n % 2 else None,
                )
                for n in range(k)
            ]
        )

    login(wg_member)
    assert_constant_queries(client, reverse("meetings:my_proposals"), _topped_up(make), pinned=4)


# --- Follow-ups --------------------------------------------------------------------------------
def test_my_follow_ups(client, login, registry, partner_rep):
    held = _meeting(registry.partners_meeting, days=-10, kind=Meeting.Kind.EXTRAORDINARY)
    minutes = Minutes.objects.create(meeting=held)

    def make(k):
        items = _items(held, k)
        entries = MinutesEntry.objects.bulk_create(
            [MinutesEntry(minutes=minutes, agenda_item=item) for item in items]
        )
        FollowUp.objects.bulk_create(
            [
                FollowUp(
                    minutes_entry=entry,
                    what=f"Følg opp {n}",
                    # By name, or through the Partnermøte the representative sits in.
                    responsible_person=partner_rep if n % 2 else None,
                    responsible_body=None if n % 2 else registry.partners_meeting,
                    due_on=dt.date(2030, 1, 1) + dt.timedelta(days=n),
                    status=FollowUp.Status.DONE if n % 5 == 0 else FollowUp.Status.OPEN,
                )
                for n, entry in enumerate(entries)
            ]
        )

    login(partner_rep)
    assert_constant_queries(
        client,
        reverse("meetings:my_follow_ups"),
        _topped_up(make),
        pinned=3,
        params={"alle": "1"},
    )


# --- Governing documents -----------------------------------------------------------------------
def _decisions(meeting: Meeting, k: int) -> list[Decision]:
    return Decision.objects.bulk_create(
        [
            Decision(
                body=meeting.body,
                meeting=meeting,
                year=2026,
                number=next(_numbers),
                decided_on=dt.date(2026, 3, 1),
                title="Vedtak",
                text="Vedtatt.",
            )
            for _ in range(k)
        ]
    )


def test_document_list(client, login, registry, user):
    held = _meeting(registry.partners_meeting, days=-10)

    def make(k):
        documents = GoverningDocument.objects.bulk_create(
            [
                GoverningDocument(
                    key=f"dokument-{(n := next(_numbers))}",
                    title=f"Dokument {n}",
                    responsible_body=registry.partners_meeting,
                    position=n,
                )
                for _ in range(k)
            ]
        )
        decisions = _decisions(held, k)
        DocumentVersion.objects.bulk_create(
            [
                DocumentVersion(
                    document=document,
                    number=number,
                    text=f"Versjon {number}",
                    adopted_by=decisions[n] if number == 1 and n % 2 else None,
                )
                for n, document in enumerate(documents)
                for number in (1, 2)
            ]
        )

    login(user)
    assert_constant_queries(client, reverse("meetings:document_list"), _topped_up(make), pinned=4)


def test_document_detail(client, login, registry, user, secretariat):
    held = _meeting(registry.partners_meeting, days=-10)
    document = GoverningDocument.objects.create(
        key="prinsipper", title="Prinsipper", responsible_body=registry.partners_meeting
    )

    def make(k):
        decisions = _decisions(held, k)
        start = document.versions.count()
        DocumentVersion.objects.bulk_create(
            [
                DocumentVersion(
                    document=document,
                    number=start + n + 1,
                    text=f"Tekst {start + n}",
                    created_by=secretariat,
                    change_note="Endret" if n % 2 else "",
                    adopted_by=decisions[n] if n % 3 == 0 else None,
                )
                for n in range(k)
            ]
        )

    login(user)
    assert_constant_queries(
        client, reverse("meetings:document_detail", args=[document.pk]), _topped_up(make), pinned=4
    )


# --- Agenda templates --------------------------------------------------------------------------
@pytest.fixture
def templates(db) -> list[AgendaTemplate]:
    services.seed_agenda_templates()
    return list(AgendaTemplate.objects.order_by("meeting_kind"))


def _template_items(templates: list[AgendaTemplate]):
    def make(k):
        AgendaTemplateItem.objects.bulk_create(
            [
                AgendaTemplateItem(
                    template=templates[n % len(templates)],
                    position=100 + next(_numbers),
                    title=f"Punkt {n}",
                    kind="information" if n % 2 else "decision",
                    background="Bakgrunn." if n % 3 == 0 else "",
                )
                for n in range(k)
            ]
        )

    return _topped_up(make)


def test_agenda_template_list(client, login, secretariat, templates):
    login(secretariat)
    assert_constant_queries(
        client, reverse("meetings:agenda_template_list"), _template_items(templates), pinned=3
    )


def test_agenda_template_detail(client, login, secretariat, templates):
    template = templates[0]
    login(secretariat)
    assert_constant_queries(
        client,
        reverse("meetings:agenda_template_detail", args=[template.pk]),
        _template_items([template]),
        pinned=4,
    )


def test_agenda_template_item_form(client, login, secretariat, templates):
    template = templates[0]
    item = template.items.first()
    login(secretariat)
    assert_constant_queries(
        client,
        reverse("meetings:agenda_template_item_edit", args=[item.pk]),
        _template_items([template]),
        pinned=5,
    )
