"""Query counts of the applicants' lists and pages stay the same as the data grows: "our
applications" (and the overview's latest five) with 2 and 20 applications, one application's
page with 2 and 20 budget lines, co-applicants, files and information requests.

Rows are written with ``bulk_create`` (what the pages show does not depend on how the rows
were written). A count that grows with the data is an N+1; the failure prints the SQL of both
runs. The counts are pinned too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from itertools import count

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerpot.models import (
    Application,
    ApplicationFile,
    BudgetLine,
    CoApplicant,
    InfoRequest,
)
from tests import querycounts
from tests.partnerpot.factories import open_call, submitted_application
from tests.querycounts import topped_up as _topped_up

pytestmark = pytest.mark.django_db
SMALL, LARGE = 2, 20
assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(SMALL, LARGE))
_numbers = count(1000)


@pytest.fixture
def call(secretariat):
    return open_call(by=secretariat)


def _applications(call, partner, k: int) -> None:
    """Drafts, submitted ones and ones waiting for an answer (with their open request)."""
    now = timezone.now()
    rows = []
    for _ in range(k):
        n = next(_numbers)
        status = [
            Application.Status.DRAFT,
            Application.Status.SUBMITTED,
            Application.Status.INFO_REQUESTED,
        ][n % 3]
        rows.append(
            Application(
                call=call,
                applicant=partner,
                year=call.year,
                number=n,
                title=f"Prosjekt {n}",
                requested_amount=Decimal("50000"),
                status=status,
                submitted_at=None if status == Application.Status.DRAFT else now,
            )
        )
    made = Application.objects.bulk_create(rows)
    InfoRequest.objects.bulk_create(
        [
            InfoRequest(
                application=a,
                sections=["participation"],
                message="Utdyp.",
                reply_by=timezone.localdate() + dt.timedelta(days=7),
            )
            for a in made
            if a.status == Application.Status.INFO_REQUESTED
        ]
    )


@pytest.mark.parametrize(("name", "pinned"), [("my_applications", 4), ("home", 6)])
def test_our_applications(name, pinned, client, login, registry, partner_rep, call):
    login(partner_rep)
    assert_constant_queries(
        client,
        reverse(f"partnerpot:{name}"),
        _topped_up(lambda k: _applications(call, registry.partner, k)),
        pinned=pinned,
    )


def test_application_detail(client, login, registry, partner_rep, call):
    application = submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    BudgetLine.objects.filter(application=application).delete()
    partners = [registry.other_partner, registry.kd, registry.udir]

    def make(k: int) -> None:
        for _ in range(k):
            n = next(_numbers)
            BudgetLine.objects.create(
                application=application,
                position=n,
                category=BudgetLine.Category.OTHER,
                description=f"Linje {n}",
                amount=Decimal("1000"),
            )
            if n % 2:
                CoApplicant.objects.create(
                    application=application, kind=CoApplicant.Kind.SCHOOL, name=f"Skole {n}"
                )
            elif partners:
                CoApplicant.objects.create(
                    application=application, kind=CoApplicant.Kind.PARTNER, partner=partners.pop()
                )
            ApplicationFile.objects.create(
                application=application,
                file=f"partnerpot/{application.pk}/{n}.pdf",
                original_name=f"vedlegg-{n}.pdf",
                content_type="application/pdf",
                size=100,
                sha256="0" * 64,
            )
            InfoRequest.objects.create(
                application=application,
                sections=["budget"],
                message=f"Spørsmål {n}",
                reply_by=timezone.localdate(),
                answer="Svar",
                answered_at=timezone.now(),
            )

    login(partner_rep)
    assert_constant_queries(
        client,
        reverse("partnerpot:application_detail", args=[application.pk]),
        _topped_up(make),
        pinned=7,
    )
