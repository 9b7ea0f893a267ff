"""Partnerpotten's reminders (issue 4 §8), made by ``notifications.schedule_reminders`` (the
beat task ``partnerpot.tasks.schedule_reminders``): thresholds, recipients, idempotency and
opted-out optional notifications.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from meetings.models import OSLO
from partnerpot import notifications, services, tasks
from partnerpot.models import Application
from partnerpot.notifications import Kind
from partnership import outbox
from partnership.models import OutboxMessage

from .factories import (
    assessed_application,
    at_meeting,
    draft_application,
    on_agenda,
    open_call,
    submitted_application,
)

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


def rows(kind: str):
    return OutboxMessage.objects.filter(kind=kind)


def recipients(kind: str) -> set[str]:
    return set(rows(kind).values_list("to_email", flat=True))


def emails(*people) -> set[str]:
    return {p.email for p in people}


def oslo(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO)


def run(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return notifications.schedule_reminders()


# --- Call deadlines ---------------------------------------------------------------------------
@pytest.fixture
def call_with_draft(registry, partner_rep, partner_leader, wg_leader, secretariat):
    """An open call (deadline in 20 days) with a FUG draft and a submitted NIF application."""
    call = open_call(by=secretariat)
    draft = draft_application(call=call, applicant=registry.partner, by=partner_rep, title="Utkast")
    submitted_application(call=call, applicant=registry.other_partner, by=wg_leader)
    return call, draft


def test_call_deadline_reminders_seven_days_and_one_day_before(
    call_with_draft, partner_rep, partner_leader, wg_leader
):
    call, draft = call_with_draft
    assert run(call.closes_at - dt.timedelta(days=8)) == 0
    assert not rows(Kind.CALL_DEADLINE).exists()

    assert run(call.closes_at - dt.timedelta(days=6, hours=23)) == 2
    # Everyone acting for the partner with a draft; nobody for NIF, whose application is in.
    assert recipients(Kind.CALL_DEADLINE) == emails(partner_rep, partner_leader)
    row = rows(Kind.CALL_DEADLINE).get(to_email=partner_rep.email)
    assert ":deadline:7d:" in row.idempotency_key
    assert draft.reference in row.body_text
    assert call.title in row.subject
    assert notifications.format_datetime(call.closes_at) in row.body_text

    # Again, and from a second beat: nothing new.
    assert run(call.closes_at - dt.timedelta(days=6)) == 0
    assert run(call.closes_at - dt.timedelta(days=2)) == 0
    assert rows(Kind.CALL_DEADLINE).count() == 2

    assert run(call.closes_at - dt.timedelta(hours=20)) == 2
    assert run(call.closes_at - dt.timedelta(hours=2)) == 0
    keys = sorted(rows(Kind.CALL_DEADLINE).values_list("idempotency_key", flat=True))
    assert sum(":deadline:1d:" in k for k in keys) == 2

    # After the deadline: nothing.
    assert run(call.closes_at + dt.timedelta(hours=1)) == 0


def test_only_the_nearest_threshold_is_sent(call_with_draft, partner_rep, partner_leader):
    call, _draft = call_with_draft
    assert run(call.closes_at - dt.timedelta(hours=12)) == 2
    keys = rows(Kind.CALL_DEADLINE).values_list("idempotency_key", flat=True)
    assert all(":deadline:1d:" in k for k in keys)


def test_no_reminder_without_drafts_or_for_cancelled_calls(
    registry, call_with_draft, partner_rep, secretariat
):
    call, draft = call_with_draft
    services.application_withdraw(application=draft, by=partner_rep)
    assert run(call.closes_at - dt.timedelta(days=3)) == 0
    other = open_call(by=secretariat, title="Ekstra runde")
    draft_application(call=other, applicant=registry.partner, by=partner_rep)
    services.call_cancel(call=other, by=secretariat)
    assert run(other.closes_at - dt.timedelta(days=3)) == 0
    assert not rows(Kind.CALL_DEADLINE).exclude(idempotency_key__contains=":cancelled:").exists()


def test_a_moved_deadline_gets_new_reminders(call_with_draft, partner_rep, secretariat):
    call, _draft = call_with_draft
    with time_machine.travel(call.closes_at - dt.timedelta(days=6), tick=False):
        assert notifications.schedule_reminders() == 2
        call = services.call_update(
            call=call, closes_at=call.closes_at + dt.timedelta(days=10), by=secretariat
        )
    # 16 days left: no reminder until the new deadline is 7 days away.
    assert run(call.closes_at - dt.timedelta(days=8)) == 0
    assert run(call.closes_at - dt.timedelta(days=6)) == 2
    assert rows(Kind.CALL_DEADLINE).filter(idempotency_key__contains=":deadline:7d:").count() == 4


def test_an_optional_reminder_turned_off_is_suppressed(
    call_with_draft, partner_rep, partner_leader
):
    call, _draft = call_with_draft
    outbox.notification_preferences_update(
        person=partner_leader, enabled={Kind.CALL_DEADLINE: False}
    )
    assert run(call.closes_at - dt.timedelta(days=5)) == 2
    assert rows(Kind.CALL_DEADLINE).get(to_email=partner_leader.email).status == Status.SUPPRESSED
    assert rows(Kind.CALL_DEADLINE).get(to_email=partner_rep.email).status == Status.PENDING


def test_the_beat_task_calls_the_scheduler(call_with_draft):
    call, _draft = call_with_draft
    with time_machine.travel(call.closes_at - dt.timedelta(days=5), tick=False):
        assert tasks.schedule_reminders() == 2
        assert tasks.schedule_reminders() == 0


# --- Unanswered information requests ----------------------------------------------------------
@pytest.fixture
def info_request(registry, partner_rep, secretariat):
    call = open_call(by=secretariat)
    application = submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    return services.info_request_create(
        application=application,
        sections=["budget"],
        message="Forklar budsjettet.",
        reply_by=timezone.localdate() + dt.timedelta(days=5),
        by=secretariat,
    )


def test_an_unanswered_request_reminds_applicant_and_secretariat_once(
    info_request, partner_rep, partner_leader, secretariat
):
    reply_by = info_request.reply_by
    assert run(oslo(reply_by, hour=20)) == 0  # the reply-by day itself is still in time
    day_after = reply_by + dt.timedelta(days=1)
    assert run(oslo(day_after, hour=3)) == 0  # not at night
    assert run(oslo(day_after, hour=8)) == 2
    assert recipients(Kind.INFO_REQUEST_UNANSWERED) == emails(partner_rep, secretariat)
    applicant_row = rows(Kind.INFO_REQUEST_UNANSWERED).get(to_email=partner_rep.email)
    secretariat_row = rows(Kind.INFO_REQUEST_UNANSWERED).get(to_email=secretariat.email)
    reference = info_request.application.reference
    assert reference in applicant_row.subject and reference in secretariat_row.subject
    assert "Forklar budsjettet." in applicant_row.body_text
    assert "Søknaden blir ikke behandlet før dere har svart." in applicant_row.body_text
    assert "har ikke svart" in secretariat_row.body_text
    # Once: the following days add nothing.
    assert run(oslo(day_after + dt.timedelta(days=1), hour=8)) == 0
    assert run(oslo(day_after + dt.timedelta(days=6), hour=8)) == 0


def test_an_answered_request_is_not_reminded(info_request, partner_rep):
    services.info_request_answer(
        application=info_request.application, answer="Her er svaret.", by=partner_rep
    )
    assert run(oslo(info_request.reply_by + dt.timedelta(days=2))) == 0


# --- Final reports ----------------------------------------------------------------------------
@pytest.fixture
def grant(registry, partner_rep, secretariat):
    call = open_call(by=secretariat)
    application = assessed_application(
        call=call, applicant=registry.partner, by=partner_rep, assessor=secretariat
    )
    on_agenda(call=call, applications=[application], by=secretariat)
    with at_meeting(call.deciding_meeting):
        application = services.application_decide(
            application=application,
            outcome=Application.Status.GRANTED,
            reason="Godt prosjekt.",
            by=secretariat,
        )
    return application.grant


def test_report_due_in_fourteen_days_and_overdue(grant, partner_rep, partner_leader, secretariat):
    due = grant.report_due_on
    assert run(oslo(due - dt.timedelta(days=15))) == 0
    assert run(oslo(due - dt.timedelta(days=14))) == 1
    assert recipients(Kind.GRANT_REPORT_DUE) == emails(partner_rep)
    row = rows(Kind.GRANT_REPORT_DUE).get()
    assert grant.application.reference in row.subject
    assert notifications.format_date(due) in row.body_text
    assert run(oslo(due)) == 0  # still the same due date: once

    assert run(oslo(due + dt.timedelta(days=1), hour=6)) == 0  # not before 07:00
    assert run(oslo(due + dt.timedelta(days=1))) == 2
    assert recipients(Kind.GRANT_REPORT_OVERDUE) == emails(partner_rep, secretariat)
    applicant_row = rows(Kind.GRANT_REPORT_OVERDUE).get(to_email=partner_rep.email)
    secretariat_row = rows(Kind.GRANT_REPORT_OVERDUE).get(to_email=secretariat.email)
    assert "Send den inn så snart som mulig" in applicant_row.body_text
    assert "har ikke sendt inn sluttrapporten" in secretariat_row.body_text
    assert run(oslo(due + dt.timedelta(days=5))) == 0


def test_no_report_reminders_after_submission_or_long_after(grant, partner_rep, secretariat):
    due = grant.report_due_on
    # Long past the due date (an outage, or the feature switched on late): nothing.
    assert run(oslo(due + notifications.LOOKBACK + dt.timedelta(days=1))) == 0
    grant = services.grant_pay_out(grant=grant, by=secretariat)
    services.grant_report_save(
        grant=grant,
        by=partner_rep,
        what_was_done="Tre samlinger.",
        participation="Elevrådene ledet.",
        reach_count=300,
        reach_description="Elever",
        lines={line.pk: ("60000", "") for line in grant.application.budget_lines.all()},
    )
    services.grant_report_submit(grant=grant, by=partner_rep)
    assert run(oslo(due - dt.timedelta(days=3))) == 0
    assert run(oslo(due + dt.timedelta(days=3))) == 0


def test_reminders_follow_the_recipients_language(info_request, partner_rep):
    from partnership.models import Person

    Person.objects.filter(pk=partner_rep.pk).update(preferred_language="nn")
    run(oslo(info_request.reply_by + dt.timedelta(days=1)))
    row = rows(Kind.INFO_REQUEST_UNANSWERED).get(to_email=partner_rep.email)
    assert row.language == "nn"
    assert '<html lang="nn">' in row.body_html
