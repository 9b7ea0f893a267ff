"""Partnerpotten's services: the life cycle, the checklist, deadlines, the envelope, conflicts."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from meetings import selectors as meeting_selectors
from meetings.models import Decision, StepAside
from partnerpot import services
from partnerpot.models import Application, Call, Grant, GrantReport
from tests.factories import AffiliationFactory, MembershipFactory, PersonFactory
from tests.partnerpot.factories import (
    after_deadline,
    assessed_application,
    at_meeting,
    complete_application,
    draft_application,
    on_agenda,
    open_call,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def test_whole_life_cycle(registry, partner_rep, secretariat):
    call = open_call(by=secretariat)
    assert [c.text for c in call.criteria.all()][1] == "Barn og unge medvirker i prosjektet."
    application = assessed_application(
        call=call, applicant=registry.partner, by=partner_rep, assessor=secretariat
    )
    assert application.status == Application.Status.ASSESSED
    assert application.reference == f"PP-{call.year}-1"
    on_agenda(call=call, applications=[application], by=secretariat)
    assert application.status == Application.Status.ON_AGENDA
    item = application.agenda_item
    assert item.meeting == call.deciding_meeting
    # The partner's representative sits in the Partnermøte and is conflicted: steps aside.
    assert StepAside.objects.filter(agenda_item=item, person=partner_rep).exists()
    with at_meeting(call.deciding_meeting):
        application = services.application_decide(
            application=application,
            outcome=Application.Status.PARTLY_GRANTED,
            amount="80000",
            conditions="Rapport innen fristen.",
            reason="Godt prosjekt, men høye reisekostnader.",
            by=secretariat,
        )
    decision = application.decision
    assert decision.concerns == application
    assert "80\u00a0000,00\u00a0kr" in decision.text
    assert application.granted_amount == Decimal("80000.00")
    grant = application.grant
    assert grant.status == Grant.Status.AWARDED
    grant = services.grant_pay_out(grant=grant, by=secretariat)
    lines = {line.pk: ("30000", "") for line in application.budget_lines.all()}
    services.grant_report_save(
        grant=grant,
        by=partner_rep,
        what_was_done="Tre samlinger.",
        participation="Elevrådene ledet.",
        reach_count=300,
        lines=lines,
    )
    report = services.grant_report_submit(grant=grant, by=partner_rep)
    assert report.status == GrantReport.Status.SUBMITTED
    report = services.grant_report_approve(grant=grant, by=secretariat)
    grant.refresh_from_db()
    # 60 000 spent, 20 000 of it own contribution: 40 000 of the 80 000 grant used.
    assert grant.status == Grant.Status.TO_BE_REPAID
    assert grant.repayment_amount == Decimal("40000.00")
    with pytest.raises(ValidationError, match="Registrer tilbakebetalingen"):
        services.grant_close(grant=grant, by=secretariat)
    grant = services.grant_record_repayment(
        grant=grant, repaid_on=timezone.localdate(), amount=Decimal("40000"), by=secretariat
    )
    assert grant.status == Grant.Status.CLOSED
    assert grant.repaid_amount == Decimal("40000.00")


def test_checklist_lists_what_is_missing_and_submission_refuses(registry, partner_rep):
    call = open_call()
    application = draft_application(call=call, applicant=registry.partner, by=partner_rep)
    fields = {field for _s, field, _m in services.checklist(application)}
    assert {"title", "participation", "budget_lines", "requested_amount"} <= fields
    with pytest.raises(ValidationError):
        services.application_submit(application=application, by=partner_rep)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_budget_must_add_up(registry, partner_rep):
    call = open_call()
    application = complete_application(call=call, applicant=registry.partner, by=partner_rep)
    services.application_save(application=application, by=partner_rep, requested_amount="90000")
    application.refresh_from_db()
    messages = [m for _s, f, m in services.checklist(application) if f == "budget_lines"]
    assert messages and "Summene må være like" in messages[0]


@pytest.mark.parametrize("amount", ["0", "-5", "200000.01", "abc", "1,005"])
def test_requested_amount_bad_values(registry, partner_rep, amount):
    call = open_call(max_per_application="200000")
    application = draft_application(call=call, applicant=registry.partner, by=partner_rep)
    with pytest.raises(ValidationError) as exc:
        services.application_save(application=application, by=partner_rep, requested_amount=amount)
    assert "requested_amount" in exc.value.message_dict


def test_submission_after_deadline_is_refused(registry, partner_rep):
    call = open_call()
    application = complete_application(call=call, applicant=registry.partner, by=partner_rep)
    with after_deadline(call), pytest.raises(ValidationError) as exc:
        services.application_submit(application=application, by=partner_rep)
    assert "Søknadsfristen gikk ut" in str(exc.value)


def test_double_submit_gives_one_submission(registry, partner_rep):
    call = open_call()
    application = complete_application(call=call, applicant=registry.partner, by=partner_rep)
    services.application_submit(application=application, by=partner_rep)
    with pytest.raises(services.AlreadySubmitted):
        services.application_submit(application=application, by=partner_rep)


def test_stale_version_is_a_conflict(registry, partner_rep):
    call = open_call()
    application = draft_application(call=call, applicant=registry.partner, by=partner_rep)
    services.application_save(application=application, by=partner_rep, version=1, title="A")
    with pytest.raises(services.ConflictError):
        services.application_save(application=application, by=partner_rep, version=1, title="B")


def test_info_request_reopens_only_named_sections(registry, partner_rep, secretariat):
    call = open_call()
    application = submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    services.info_request_create(
        application=application,
        sections=["budget"],
        message="Forklar reisekostnadene.",
        reply_by=dt.date.today() + dt.timedelta(days=7),
        by=secretariat,
    )
    application.refresh_from_db()
    services.application_save(application=application, by=partner_rep, own_contribution="20000")
    with pytest.raises(ValidationError):
        services.application_save(application=application, by=partner_rep, title="Nytt navn")
    services.info_request_answer(application=application, answer="Se budsjettet.", by=partner_rep)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.reopened_sections == []


def test_grant_beyond_envelope_is_refused_with_what_remains(registry, partner_rep, secretariat):
    call = open_call(envelope="150000", max_per_application="100000")
    first = assessed_application(call=call, applicant=registry.partner, by=partner_rep)
    second = assessed_application(call=call, applicant=registry.other_partner)
    on_agenda(call=call, applications=[first, second])
    with at_meeting(call.deciding_meeting):
        services.application_decide(
            application=first, outcome="granted", reason="Godt.", by=secretariat
        )
        with pytest.raises(ValidationError) as exc:
            services.application_decide(
                application=second, outcome="granted", reason="Godt.", by=secretariat
            )
    assert "50\u00a0000,00\u00a0kr igjen" in exc.value.message_dict["amount"][0]
    second.refresh_from_db()
    assert second.status == Application.Status.ON_AGENDA
    assert not Decision.objects.filter(partnerpot_application=second).exists()


@pytest.mark.django_db(transaction=True)
def test_parallel_decisions_never_exceed_the_envelope(registry):
    call = open_call(envelope="150000", max_per_application="100000")
    first = assessed_application(call=call, applicant=registry.partner)
    second = assessed_application(call=call, applicant=registry.other_partner)
    on_agenda(call=call, applications=[first, second])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(application):
        try:
            barrier.wait(timeout=10)
            services.application_decide(application=application, outcome="granted", reason="Ok.")
            outcomes.append("granted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    with at_meeting(call.deciding_meeting):
        threads = [threading.Thread(target=decide, args=(a,)) for a in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert sorted(outcomes) == ["granted", "refused"]
    assert services.granted_total(Call.objects.get(pk=call.pk)) == Decimal("100000.00")


def test_conflicted_members_step_aside_and_leave_the_quorum(registry, partner_rep, secretariat):
    # A second representative of a co-applicant partner also sits in the Partnermøte.
    other_rep = PersonFactory(full_name="Ola Annen", email="ola@example.org")
    AffiliationFactory(person=other_rep, partner=registry.other_partner)
    MembershipFactory(
        person=other_rep, body=registry.partners_meeting, partner=registry.other_partner
    )
    neutral = PersonFactory(full_name="Nina Nøytral", email="nina@example.org")
    AffiliationFactory(person=neutral, partner=registry.kd)
    MembershipFactory(person=neutral, body=registry.partners_meeting, partner=registry.kd)
    call = open_call()
    application = complete_application(call=call, applicant=registry.partner, by=partner_rep)
    services.co_applicant_add(
        application=application, kind="partner", partner=registry.other_partner, by=partner_rep
    )
    services.co_applicant_add(
        application=application, kind="school", name="Bergen skole", by=partner_rep
    )
    services.application_submit(application=application, by=partner_rep)
    assert services.conflicted_person_ids(application) >= {partner_rep.pk, other_rep.pk}
    assert neutral.pk not in services.conflicted_person_ids(application)
    services.assessment_save(
        application=application,
        by=secretariat,
        is_complete=True,
        recommendation="reject",
        recommendation_text="Utenfor kriteriene.",
    )
    on_agenda(call=call, applications=[application])
    item = application.agenda_item
    aside = set(StepAside.objects.filter(agenda_item=item).values_list("person_id", flat=True))
    assert aside == {partner_rep.pk, other_rep.pk}
    quorum = meeting_selectors.quorum(meeting=item.meeting, agenda_item=item)
    assert quorum.stepped_aside == 2
    assert quorum.voting_members == 1  # only the neutral member counts on this item


def test_only_the_partner_meeting_decides(registry, secretariat):
    from tests.meetings.factories import MeetingFactory, in_days

    au_meeting = MeetingFactory(body=registry.working_committee, starts_at=in_days(60))
    with pytest.raises(ValidationError) as exc:
        open_call(meeting=au_meeting)
    assert "deciding_meeting" in exc.value.message_dict


def test_withdraw_until_decision(registry, partner_rep):
    call = open_call()
    application = submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    services.application_withdraw(application=application, reason="Feil utlysning", by=partner_rep)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_call_cannot_open_for_new_drafts_after_deadline(registry, partner_rep):
    call = open_call()
    with (
        time_machine.travel(call.closes_at + dt.timedelta(seconds=1)),
        pytest.raises(ValidationError),
    ):
        services.application_create(call=call, applicant=registry.partner, by=partner_rep)


def test_application_transition_table():
    """Every status is in the table; decided and withdrawn are final; a decision comes only
    from the agenda; withdrawal is possible until the decision (Application.WITHDRAWABLE)."""
    status = Application.Status
    table = Application.TRANSITIONS
    assert set(table) == set(status.values)
    for final in (*Application.DECIDED, status.WITHDRAWN):
        assert table[final] == frozenset()
    for source, targets in table.items():
        assert targets <= set(status.values)
        assert (status.WITHDRAWN in targets) == (source in Application.WITHDRAWABLE)
        if source != status.ON_AGENDA:
            assert not targets & set(Application.DECIDED)


def test_a_status_change_outside_the_table_is_refused(registry, partner_rep):
    application = draft_application(call=open_call(), applicant=registry.partner, by=partner_rep)
    with pytest.raises(ValidationError) as refused:
        services.move_to(application, Application.Status.GRANTED)
    assert "kan ikke gå fra «Utkast» til «Innvilget»" in str(refused.value)
    assert application.status == Application.Status.DRAFT


def test_calls_stay_within_the_partnerpott_line_of_the_adopted_budget(registry):
    """The calls of a year together never exceed the year's Partnerpott allocation in the
    adopted budget (issue 13 §1); without an adopted budget nothing is checked."""
    from partnership.budget_models import BudgetLine, BudgetVersion, BudgetYear

    year = dt.date.today().year
    open_call(envelope="500000", year=year)  # no budget yet: accepted
    budget_year = BudgetYear.objects.create(year=year)
    version = BudgetVersion.objects.create(
        budget_year=budget_year, number=1, status="adopted", adopted_on=dt.date.today()
    )
    BudgetLine.objects.create(
        version=version, kind=BudgetLine.Kind.PARTNERPOT, amount=Decimal("600000")
    )
    with pytest.raises(ValidationError) as refused:
        open_call(envelope="200000", max_per_application="50000", year=year, title="Våren")
    message = " ".join(refused.value.message_dict["envelope"])
    assert "100 000,00 kr igjen" in message.replace("\xa0", " ")
    assert Call.objects.filter(year=year).count() == 1  # nothing half-saved
    fits = open_call(envelope="100000", max_per_application="50000", year=year, title="Våren")
    assert fits.envelope == Decimal("100000")
