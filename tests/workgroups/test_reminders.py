"""Year-end reminders through the outbox (issue 13 §4): before the reporting meeting and from
1 December, to the leader and the finance lead of groups whose report is not submitted; once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from meetings.models import Meeting
from partnership.models import BudgetYear, OutboxMessage
from workgroups import notifications, services

from ..meetings.factories import MeetingFactory
from .factories import adopted_budget

YEAR = timezone.localdate().year
KIND = "year_end_report_due"


def _at(month, day):
    return timezone.make_aware(dt.datetime(YEAR, month, day, 9, 0))


def test_reminders_before_the_reporting_meeting_and_the_year_end(
    db, registry, wg_leader, finance_lead, wg_member
):
    adopted_budget(registry, year=YEAR)
    # Before December and with no reporting meeting near: nothing.
    assert notifications.schedule_reminders(now=_at(12, 1) - dt.timedelta(days=1)) == 0
    MeetingFactory(
        body=registry.wg_local,
        kind=Meeting.Kind.REPORTING,
        starts_at=_at(12, 20),
        ends_at=_at(12, 20) + dt.timedelta(hours=2),
    )
    # Ten days before the meeting, in December: both reasons, to the leader and the finance
    # lead (not the member); once.
    assert notifications.schedule_reminders(now=_at(12, 10)) == 4
    assert notifications.schedule_reminders(now=_at(12, 10)) == 0
    rows = OutboxMessage.objects.filter(kind=KIND)
    assert set(rows.values_list("to_email", flat=True)) == {wg_leader.email, finance_lead.email}
    assert "er ikke sendt inn ennå" in rows.first().body_text
    # A submitted report stops the reminders.
    report = services.report_for(
        working_group=registry.wg_local, budget_year=BudgetYear.objects.get(year=YEAR)
    )
    services.report_save(
        report=report,
        expected_lock_version=report.lock_version,
        activities="Gjort",
        deviations="",
        proposals="Mer",
        proposed_allocation=None,
    )
    services.report_submit(report=report)
    OutboxMessage.objects.filter(kind=KIND).delete()
    assert notifications.schedule_reminders(now=_at(12, 11)) == 0
