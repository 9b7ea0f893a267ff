"""Query counts of more Partnerpotten pages stay the same as the data grows: the application's
form (a draft, and one reopened by an information request), the secretariat's assessment page,
the list of grants, a grant's page, the final report, the list of calls, a call's page for
applicants and a study visit's page, each with 2 and 20 budget lines, co-applicants, files,
criteria, report lines, grants, calls, applications or proposing partners.

Rows are written with ``bulk_create`` where the services would only make the suite slow (what
the pages show does not depend on how the rows were written). A count that grows with the data
is an N+1; the failure prints the SQL of both runs. The counts are pinned too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from itertools import count

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Decision
from partnerpot import services
from partnerpot.models import (
    Application,
    ApplicationFile,
    Assessment,
    BudgetLine,
    Call,
    CoApplicant,
    Criterion,
    CriterionScore,
    Grant,
    GrantReport,
    GrantReportLine,
    InfoRequest,
    StudyVisit,
)
from tests import querycounts
from tests.factories import PartnerFactory
from tests.meetings.factories import held_meeting
from tests.partnerpot.factories import (
    assessed_application,
    complete_application,
    open_call,
    submitted_application,
)
from tests.partnerpot.matrix_applicant import granted_application
from tests.querycounts import topped_up as _topped_up

pytestmark = pytest.mark.django_db
SMALL, LARGE = 2, 20
assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(SMALL, LARGE))
_numbers = count(1000)


@pytest.fixture
def call(secretariat):
    return open_call(envelope="5000000", max_per_application="200000", by=secretariat)


# --- What an application holds ----------------------------------------------------------------
def _files(application: Application, k: int, purpose=ApplicationFile.Purpose.APPLICATION):
    rows = []
    for _ in range(k):
        n = next(_numbers)
        rows.append(
            ApplicationFile(
                application=application,
                purpose=purpose,
                file=f"partnerpot/{application.pk}/{n}.pdf",
                original_name=f"vedlegg-{n}.pdf",
                content_type="application/pdf",
                size=100,
                sha256="0" * 64,
            )
        )
    ApplicationFile.objects.bulk_create(rows)


def _budget_lines(application: Application, k: int) -> list[BudgetLine]:
    rows = []
    for _ in range(k):
        n = next(_numbers)
        rows.append(
            BudgetLine(
                application=application,
                position=n,
                category=BudgetLine.Category.OTHER,
                description=f"Linje {n}",
                amount=Decimal("1000"),
            )
        )
    return BudgetLine.objects.bulk_create(rows)


def _contents(application: Application, k: int) -> None:
    """``k`` budget lines, co-applicants (every other one a partner of its own), files and
    answered information requests."""
    _budget_lines(application, k)
    co = []
    for _ in range(k):
        n = next(_numbers)
        if n % 2:
            co.append(
                CoApplicant(
                    application=application, kind=CoApplicant.Kind.SCHOOL, name=f"Skole {n}"
                )
            )
        else:
            co.append(
                CoApplicant(
                    application=application, kind=CoApplicant.Kind.PARTNER, partner=PartnerFactory()
                )
            )
    CoApplicant.objects.bulk_create(co)
    _files(application, k)
    InfoRequest.objects.bulk_create(
        InfoRequest(
            application=application,
            sections=["budget", "participation"],
            message=f"Spørsmål {next(_numbers)}",
            reply_by=timezone.localdate(),
            answer="Svar",
            answered_at=timezone.now(),
        )
        for _ in range(k)
    )


# --- The application's form -------------------------------------------------------------------
@pytest.mark.parametrize(("state", "pinned"), [("draft", 7), ("info_requested", 7)])
def test_application_edit(state, pinned, client, login, registry, partner_rep, secretariat, call):
    if state == "draft":
        application = complete_application(call=call, applicant=registry.partner, by=partner_rep)
    else:
        application = submitted_application(call=call, applicant=registry.partner, by=partner_rep)
        # Only the participation section reopens: the budget and the partners are read-only.
        services.info_request_create(
            application=application,
            sections=["participation"],
            message="Utdyp medvirkningen.",
            reply_by=timezone.localdate() + dt.timedelta(days=7),
            by=secretariat,
        )
    login(partner_rep)
    assert_constant_queries(
        client,
        reverse("partnerpot:application_edit", args=[application.pk]),
        _topped_up(lambda k: _contents(application, k)),
        pinned=pinned,
    )


# --- The secretariat's assessment -------------------------------------------------------------
def test_assessment(client, login, registry, partner_rep, secretariat, call):
    """An assessed application (criteria scored), growing in everything the page shows:
    the application's contents, the call's criteria and their scores."""
    application = assessed_application(
        call=call, applicant=registry.partner, by=partner_rep, assessor=secretariat
    )
    assessment = Assessment.objects.get(application=application)

    def make(k: int) -> None:
        _contents(application, k)
        criteria = Criterion.objects.bulk_create(
            Criterion(call=call, position=n, text=f"Kriterium {n}")
            for n in (next(_numbers) for _ in range(k))
        )
        CriterionScore.objects.bulk_create(
            CriterionScore(assessment=assessment, criterion=c, score=3, comment="Greit.")
            for c in criteria
        )

    login(secretariat)
    assert_constant_queries(
        client,
        reverse("partnerpot:assessment", args=[application.pk]),
        _topped_up(make),
        pinned=11,
    )


# --- Grants: the grant's page and the final report --------------------------------------------
@pytest.fixture
def grant(call, registry, partner_rep, secretariat):
    return granted_application(
        call=call, applicant=registry.partner, by=partner_rep, secretariat=secretariat
    ).grant


def _report(grant, *, submit: bool) -> GrantReport:
    lines = {
        line.pk: (line.amount, "Som planlagt") for line in grant.application.budget_lines.all()
    }
    services.grant_report_save(
        grant=grant,
        version=1,
        lines=lines,
        what_was_done="Tre samlinger og en nettressurs.",
        participation="Elevrådet ledet samlingene.",
        reach_count=120,
        reach_description="Elever på 7. trinn",
    )
    if submit:
        services.grant_report_submit(grant=grant)
    return GrantReport.objects.get(grant=grant)


def _report_rows(grant, report: GrantReport):
    """Budget lines with what was spent on each, and files, on the application and the report."""

    def make(k: int) -> None:
        application = grant.application
        lines = _budget_lines(application, k)
        GrantReportLine.objects.bulk_create(
            GrantReportLine(report=report, budget_line=line, spent=Decimal("900"), comment="Litt")
            for line in lines
        )
        _files(application, k, purpose=ApplicationFile.Purpose.REPORT)
        _files(application, k)

    return _topped_up(make)


@pytest.mark.parametrize(("role", "pinned"), [("secretariat", 10), ("partner_rep", 9)])
def test_grant_detail(role, pinned, client, login, personas, grant):
    report = _report(grant, submit=True)
    login(personas[role])
    assert_constant_queries(
        client,
        reverse("partnerpot:grant_detail", args=[grant.pk]),
        _report_rows(grant, report),
        pinned=pinned,
    )


@pytest.mark.parametrize(("submit", "pinned"), [(False, 7), (True, 7)])
def test_grant_report(submit, pinned, client, login, partner_rep, grant):
    """The applicant's form (a draft) and the report once sent (read-only)."""
    report = _report(grant, submit=submit)
    login(partner_rep)
    assert_constant_queries(
        client,
        reverse("partnerpot:grant_report", args=[grant.pk]),
        _report_rows(grant, report),
        pinned=pinned,
    )


def _grants(call, partner, k: int) -> None:
    """Granted applications with their grants in every follow-up status (some overdue), every
    other one with a final report."""
    now = timezone.now()
    today = timezone.localdate()
    statuses = list(Grant.Status)
    meeting = call.deciding_meeting
    decisions = Decision.objects.bulk_create(
        Decision(
            body_id=meeting.body_id,
            meeting=meeting,
            year=today.year,
            number=n,
            decided_on=today,
            title=f"Prosjekt {n}",
            text="Søknaden innvilges.",
        )
        for n in (next(_numbers) for _ in range(k))
    )
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            applicant=partner,
            year=call.year,
            number=d.number,
            title=d.title,
            requested_amount=Decimal("50000"),
            granted_amount=Decimal("50000"),
            status=Application.Status.GRANTED,
            submitted_at=now,
            decision=d,
        )
        for d in decisions
    )
    grants = []
    for a in applications:
        status = statuses[a.number % len(statuses)]
        grants.append(
            Grant(
                application=a,
                amount=Decimal("50000"),
                status=status,
                report_due_on=today + dt.timedelta(days=30 if a.number % 3 else -30),
                repayment_amount=Decimal("1000") if status == Grant.Status.TO_BE_REPAID else None,
            )
        )
    Grant.objects.bulk_create(grants)
    GrantReport.objects.bulk_create(
        GrantReport(grant=g, status=GrantReport.Status.SUBMITTED, submitted_at=now)
        for g in grants[::2]
    )


@pytest.mark.parametrize(("role", "pinned"), [("secretariat", 4), ("partner_rep", 4)])
def test_grant_list(role, pinned, client, login, personas, registry, call):
    """The secretariat sees every grant, a partner's people their own."""
    login(personas[role])
    assert_constant_queries(
        client,
        reverse("partnerpot:grant_list"),
        _topped_up(lambda k: _grants(call, registry.partner, k)),
        pinned=pinned,
    )


# --- Calls ------------------------------------------------------------------------------------
def _calls(template: Call, k: int) -> None:
    """Open, upcoming, closed, draft and cancelled calls like ``template``."""
    now = timezone.now()
    day = dt.timedelta(days=1)
    kinds = [
        (Call.Status.PUBLISHED, now - day, now + 10 * day),
        (Call.Status.PUBLISHED, now + 5 * day, now + 30 * day),
        (Call.Status.PUBLISHED, now - 30 * day, now - 5 * day),
        (Call.Status.DRAFT, now + 5 * day, now + 30 * day),
        (Call.Status.CANCELLED, now - day, now + 10 * day),
    ]
    rows = []
    for _ in range(k):
        n = next(_numbers)
        status, opens_at, closes_at = kinds[n % len(kinds)]
        rows.append(
            Call(
                year=template.year,
                title=f"Utlysning {n}",
                description="Søk om midler.",
                criteria_version=template.criteria_version,
                opens_at=opens_at,
                closes_at=closes_at,
                envelope=Decimal("500000"),
                max_per_application=Decimal("100000"),
                deciding_meeting=template.deciding_meeting,
                status=status,
                published_at=None if status == Call.Status.DRAFT else now,
            )
        )
    Call.objects.bulk_create(rows)


@pytest.mark.parametrize(("role", "pinned"), [("secretariat", 3), ("partner_rep", 3)])
def test_call_list(role, pinned, client, login, personas, call):
    login(personas[role])
    assert_constant_queries(
        client,
        reverse("partnerpot:call_list"),
        _topped_up(lambda k: _calls(call, k)),
        pinned=pinned,
    )


def test_call_detail(client, login, registry, partner_rep, call):
    """The call's page for applicants: its criteria and our applications in it."""

    def make(k: int) -> None:
        Criterion.objects.bulk_create(
            Criterion(call=call, position=n, text=f"Kriterium {n}")
            for n in (next(_numbers) for _ in range(k))
        )
        now = timezone.now()
        statuses = [
            Application.Status.DRAFT,
            Application.Status.SUBMITTED,
            Application.Status.INFO_REQUESTED,
        ]
        made = Application.objects.bulk_create(
            Application(
                call=call,
                applicant=registry.partner,
                year=call.year,
                number=n,
                title=f"Prosjekt {n}",
                requested_amount=Decimal("50000"),
                status=statuses[n % 3],
                submitted_at=None if n % 3 == 0 else now,
            )
            for n in (next(_numbers) for _ in range(k))
        )
        InfoRequest.objects.bulk_create(
            InfoRequest(
                application=a,
                sections=["participation"],
                message="Utdyp.",
                reply_by=timezone.localdate() + dt.timedelta(days=7),
            )
            for a in made
            if a.status == Application.Status.INFO_REQUESTED
        )

    login(partner_rep)
    assert_constant_queries(
        client, reverse("partnerpot:call_detail", args=[call.pk]), _topped_up(make), pinned=9
    )


# --- Study visits -----------------------------------------------------------------------------
@pytest.mark.parametrize(("role", "pinned"), [("partner_rep", 8), ("secretariat", 8)])
def test_study_visit_detail(role, pinned, client, login, personas, registry, partner_rep):
    """An approved visit (on a held Partnermøte's agenda, with its decision) proposed by more
    and more partners."""
    visit = services.study_visit_create(
        partners=[registry.partner],
        by=partner_rep,
        title="Studiebesøk til Malmö",
        destination="Malmö",
        purpose="Lære av arbeidet mot digital mobbing.",
        participants="Fire partnerrepresentanter.",
        budget="40000",
    )
    visit = services.study_visit_submit(visit=visit, by=partner_rep)
    meeting = held_meeting(body=registry.partners_meeting, days_ago=3)
    services.study_visit_put_on_agenda(visit=visit, meeting=meeting)
    visit = services.study_visit_decide(
        visit=StudyVisit.objects.get(pk=visit.pk), approved=True, reason="Godt forslag."
    )

    def make(k: int) -> None:
        visit.partners.add(*PartnerFactory.create_batch(k))

    login(personas[role])
    assert_constant_queries(
        client,
        reverse("partnerpot:study_visit_detail", args=[visit.pk]),
        _topped_up(make),
        pinned=pinned,
    )
