"""The demo data for Partnerpotten (``manage.py seed_demo`` → partnerpot.demo.seed): the rounds,
grants and study visits exist, the demo logins have something to do, and a second run
changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Decision, DocumentVersion, Meeting, Minutes, StepAside
from partnerpot import selectors, services
from partnerpot.models import (
    Application,
    Call,
    Grant,
    GrantReport,
    InfoRequest,
    StudyVisit,
)
from partnership.demo import DEMO_LOGINS_BY_KEY
from partnership.models import Person
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db

MODELS = (
    Call,
    Application,
    Grant,
    GrantReport,
    InfoRequest,
    StudyVisit,
    Decision,
    AgendaItem,
    Meeting,
    DocumentVersion,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _login(key: str) -> Person:
    return Person.objects.get(email=DEMO_LOGINS_BY_KEY[key].email)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """``seed_demo`` once for the module (it takes a while); each test's writes roll back."""
    with shared_data(django_db_blocker):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()


def test_second_run_duplicates_nothing(seeded):
    before = _counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert "Partnerpotten" in out.getvalue()


def test_criteria_in_force_adopted_by_a_held_partner_meeting(seeded):
    version = services.criteria_in_force()
    assert version is not None
    decision = version.adopted_by
    assert decision.body.kind == "partners"
    assert decision.meeting.starts_at < timezone.now()
    assert decision.concerns == version
    assert len(services.criteria_from_text(version.text)) >= 4
    assert decision.meeting.minutes.status == Minutes.Status.APPROVED


def test_this_years_call_is_open_with_applications_in_three_states(seeded):
    year = timezone.localdate().year
    call = Call.objects.get(year=year, title=f"Partnerpotten {year}")
    assert call.is_open()
    assert call.deciding_meeting.starts_at > call.closes_at > timezone.now()
    assert call.criteria.count() >= 4
    by_status = {a.applicant.short_name: a for a in call.applications.select_related("applicant")}
    draft = by_status["Demo-FNN"]
    assert draft.status == Application.Status.DRAFT
    assert services.checklist(draft)  # gaps to fill in
    assert by_status["Demo-ERN"].status == Application.Status.SUBMITTED
    assert not services.checklist(by_status["Demo-ERN"])
    asked = by_status["Demo-KNV"]
    assert asked.status == Application.Status.INFO_REQUESTED
    assert asked.info_requests.filter(answered_at__isnull=True).exists()


def test_last_years_call_was_decided_at_a_held_partner_meeting(seeded):
    year = timezone.localdate().year - 1
    call = Call.objects.get(title=f"Partnerpotten {year}")
    assert call.closes_at < timezone.now()
    meeting = call.deciding_meeting
    assert meeting.body.kind == "partners"
    assert meeting.starts_at > call.closes_at
    assert meeting.minutes.status == Minutes.Status.APPROVED
    outcomes = {a.applicant.short_name: a for a in call.applications.select_related("applicant")}
    assert outcomes["Demo-KNV"].status == Application.Status.GRANTED
    assert outcomes["Demo-FNN"].status == Application.Status.PARTLY_GRANTED
    assert outcomes["Demo-LFS"].status == Application.Status.REJECTED
    for application in outcomes.values():
        assert application.submitted_at < call.closes_at
        assert application.decision.meeting == meeting
        assert application.decision.concerns == application
    assert services.granted_total(call) <= call.envelope
    # Conflicted representatives stepped aside on their partner's item.
    rep = _login("partner_rep")
    assert StepAside.objects.filter(
        agenda_item=outcomes["Demo-FNN"].agenda_item, person=rep
    ).exists()
    closed = outcomes["Demo-KNV"].grant
    assert closed.status == Grant.Status.CLOSED
    assert closed.report.status == GrantReport.Status.APPROVED
    due = outcomes["Demo-FNN"].grant
    assert due.status == Grant.Status.PAID_OUT
    assert due.report_due_on > timezone.localdate()
    assert due.report.status == GrantReport.Status.DRAFT


def test_study_visits(seeded):
    approved = StudyVisit.objects.get(status=StudyVisit.Status.APPROVED)
    assert approved.decision.concerns == approved
    assert approved.decision.meeting.starts_at < timezone.now()
    proposal = StudyVisit.objects.get(status=StudyVisit.Status.SUBMITTED)
    assert proposal.on_request
    assert {p.short_name for p in proposal.partners.all()} == {"Demo-FNN", "Demo-KNV"}


def test_demo_logins_have_something_to_do(seeded, client):
    rep = _login("partner_rep")
    ours = list(selectors.our_applications(rep))
    assert any(a.status == Application.Status.DRAFT for a in ours)  # their own draft
    assert any(
        getattr(a, "grant", None) and a.grant.status == Grant.Status.PAID_OUT for a in ours
    )  # a final report to write
    client.force_login(rep)
    response = client.get(reverse("partnerpot:study_visit_list"))
    assert response.status_code == 200
    assert "Reykjavik" in response.content.decode()

    leader = _login("group_leader")
    assert any(
        a.status == Application.Status.INFO_REQUESTED for a in selectors.our_applications(leader)
    )
    finance = _login("finance_lead")
    approved = StudyVisit.objects.get(status=StudyVisit.Status.APPROVED)
    client.force_login(finance)
    response = client.get(reverse("partnerpot:study_visit_detail", args=[approved.pk]))
    assert reverse("partnerpot:study_visit_report", args=[approved.pk]) in response.content.decode()
