"""The secretariat's Partnerpotten lists run the same number of queries with 3 applications as
with 30: the pipeline (with and without filters), the call's page and the decision page.

Applications are written with ``bulk_create`` (what the pages show does not depend on how the
rows were written, and the services would make the suite slow). A third of them are Udir's, so
the secretariat persona is conflicted on some rows; every other one has an assessment. A count
that grows with the data is an N+1; the failure prints the SQL of both runs. The counts are
pinned too.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerpot.models import Application, Assessment, CoApplicant
from tests import querycounts
from tests.meetings.factories import AgendaItemFactory
from tests.partnerpot.factories import open_call

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 30
assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(SMALL, LARGE))
STATUSES = [
    Application.Status.SUBMITTED,
    Application.Status.ASSESSED,
    Application.Status.ON_AGENDA,
    Application.Status.INFO_REQUESTED,
    Application.Status.WITHDRAWN,
]


@pytest.fixture
def grow(registry, secretariat):
    call = open_call(envelope="5000000", max_per_application="200000", by=secretariat)
    item = AgendaItemFactory(meeting=call.deciding_meeting, title="Partnerpotten")
    made = {"n": 0}

    def grow(n: int):
        now = timezone.now()
        rows = []
        for i in range(made["n"], n):
            status = STATUSES[i % len(STATUSES)]
            rows.append(
                Application(
                    call=call,
                    applicant=registry.udir if i % 3 == 0 else registry.partner,
                    year=call.year,
                    number=1000 + i,
                    status=status,
                    title=f"Prosjekt {i}",
                    summary="Et prosjekt.",
                    sub_goals=["agenda"],
                    county="Vestland",
                    municipality="Vestland: Bergen",
                    requested_amount=Decimal("50000"),
                    own_contribution=Decimal("5000"),
                    submitted_at=now,
                    agenda_item=item if status == Application.Status.ON_AGENDA else None,
                )
            )
        created = Application.objects.bulk_create(rows)
        Assessment.objects.bulk_create(
            Assessment(
                application=a,
                is_complete=True,
                recommendation="grant",
                recommended_amount=Decimal("50000"),
                recommendation_text="Godt.",
            )
            for a in created[::2]
        )
        CoApplicant.objects.bulk_create(
            CoApplicant(application=a, kind="partner", partner=registry.other_partner)
            for a in created[1::4]
        )
        made["n"] = n

    grow.call = call
    return grow


def test_pipeline_queries_are_constant(login, secretariat, grow):
    # The list's count comes from the overview's counts: no COUNT(*) of its own.
    assert_constant_queries(login(secretariat), reverse("partnerpot:pipeline"), grow, pinned=5)


def test_filtered_pipeline_queries_are_constant(login, secretariat, grow):
    params = {"call": grow.call.pk, "status": "submitted"}
    assert_constant_queries(
        login(secretariat), reverse("partnerpot:pipeline"), grow, pinned=6, params=params
    )


@pytest.mark.parametrize(
    "params", [{}, {"status": "withdrawn"}, {"status": "submitted"}, {"call": "own"}]
)
def test_the_pipeline_counts_what_it_lists(login, secretariat, grow, registry, params):
    """The list's count is worked out from the per-call counts: it must be the number of
    applications the list has, a draft withdrawn before it was sent in left out (it is in
    neither), with and without filters."""
    from partnerpot import selectors

    grow(12)
    unsent = Application.objects.filter(call=grow.call).first()
    Application.objects.filter(pk=unsent.pk).update(
        status=Application.Status.WITHDRAWN, submitted_at=None
    )
    if params.get("call") == "own":
        params = {"call": grow.call.pk}
    client = login(secretariat)
    response = client.get(reverse("partnerpot:pipeline"), params)
    listed = selectors.pipeline_applications(
        user=secretariat,
        call=grow.call if "call" in params else None,
        status=params.get("status", ""),
    )
    assert response.context["page"].paginator.count == listed.count()
    assert unsent not in listed


def test_call_manage_queries_are_constant(login, secretariat, grow):
    url = reverse("partnerpot:call_manage", args=[grow.call.pk])
    assert_constant_queries(login(secretariat), url, grow, pinned=12)


def test_call_decide_queries_are_constant(login, secretariat, grow):
    url = reverse("partnerpot:call_decide", args=[grow.call.pk])
    assert_constant_queries(login(secretariat), url, grow, pinned=6)
