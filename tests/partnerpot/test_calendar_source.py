"""Partnerpotten's dates in the partner calendar (``partnerpot.calendar.deadlines``, registered
in ``settings.CALENDAR_DEADLINE_SOURCES``): call deadlines for everyone signed in, final-report
deadlines for the applicant's people and the secretariat only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from meetings.extensions import extra_deadlines
from meetings.models import OSLO
from partnerpot import calendar, services
from partnerpot.models import Application

from .factories import assessed_application, at_meeting, on_agenda, open_call

pytestmark = pytest.mark.django_db


def _window(days_before: int = 1, days_after: int = 400):
    now = timezone.now()
    return now - dt.timedelta(days=days_before), now + dt.timedelta(days=days_after)


def _kinds(items, kind):
    return [item for item in items if item.kind == kind]


def test_the_source_is_registered():
    assert "partnerpot.calendar.deadlines" in settings.CALENDAR_DEADLINE_SOURCES


def test_published_call_deadlines_show_to_everyone_signed_in(
    registry, user, partner_rep, secretariat
):
    call = open_call(by=secretariat, title="Partnerpotten våren")
    start, end = _window()
    for person in (user, partner_rep, secretariat):
        (deadline,) = _kinds(calendar.deadlines(user=person, start=start, end=end), "call_deadline")
        assert deadline.at == call.closes_at
        assert deadline.label == "Søknadsfrist: Partnerpotten våren"
        assert deadline.url == reverse("partnerpot:call_detail", kwargs={"pk": call.pk})
        assert deadline.uid == f"partnerpot-call-{call.uid}@{calendar.UID_DOMAIN}"
        assert deadline.sequence == call.sequence
        assert not deadline.cancelled
    assert calendar.deadlines(user=AnonymousUser(), start=start, end=end) == []
    # Through the meetings app's extension point too.
    assert any(d.kind == "call_deadline" for d in extra_deadlines(user=user, start=start, end=end))


def test_draft_calls_do_not_show(registry, user, secretariat):
    open_call(by=secretariat)  # adopts the criteria
    now = timezone.now()
    services.call_create(
        year=now.year,
        title="Ikke publisert",
        opens_at=now,
        closes_at=now + dt.timedelta(days=30),
        envelope=100000,
        max_per_application=50000,
        created_by=secretariat,
    )
    start, end = _window()
    for person in (user, secretariat):
        labels = [d.label for d in calendar.deadlines(user=person, start=start, end=end)]
        assert "Søknadsfrist: Ikke publisert" not in labels
        assert len(labels) == 1


def test_a_cancelled_call_comes_out_cancelled_with_a_new_sequence(registry, user, secretariat):
    call = open_call(by=secretariat)
    sequence = call.sequence
    call = services.call_cancel(call=call, by=secretariat)
    (deadline,) = calendar.deadlines(user=user, start=None, end=None)
    assert deadline.cancelled
    assert deadline.sequence > sequence
    assert deadline.uid == f"partnerpot-call-{call.uid}@{calendar.UID_DOMAIN}"


def test_a_moved_deadline_keeps_its_uid_and_raises_the_sequence(registry, user, secretariat):
    call = open_call(by=secretariat)
    (before,) = calendar.deadlines(user=user, start=None, end=None)
    call = services.call_update(
        call=call, closes_at=call.closes_at + dt.timedelta(days=5), by=secretariat
    )
    (after,) = calendar.deadlines(user=user, start=None, end=None)
    assert after.uid == before.uid
    assert after.sequence > before.sequence
    assert after.at == call.closes_at


def test_the_window_is_start_inclusive_end_exclusive(registry, user, secretariat):
    call = open_call(by=secretariat)
    assert calendar.deadlines(user=user, start=call.closes_at, end=None)
    assert not calendar.deadlines(user=user, start=None, end=call.closes_at)
    assert calendar.deadlines(user=user, start=None, end=call.closes_at + dt.timedelta(seconds=1))


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


def _report_deadlines(person, grant):
    start = timezone.now()
    end = dt.datetime.combine(grant.report_due_on, dt.time(23), tzinfo=OSLO)
    return _kinds(calendar.deadlines(user=person, start=start, end=end), "grant_report_due")


def test_report_deadlines_only_for_the_applicants_people_and_the_secretariat(
    grant, partner_rep, partner_leader, wg_leader, user, ministry_observer, secretariat, admin
):
    application = grant.application
    for person in (partner_rep, partner_leader, secretariat, admin):
        (deadline,) = _report_deadlines(person, grant)
        assert deadline.at == dt.datetime.combine(
            grant.report_due_on, calendar.REPORT_DUE_TIME, tzinfo=OSLO
        )
        assert deadline.at.astimezone(OSLO).date() == grant.report_due_on
        assert application.reference in deadline.label and application.title in deadline.label
        assert deadline.url == reverse("partnerpot:grant_detail", kwargs={"pk": grant.pk})
        assert deadline.uid == f"partnerpot-grant-{grant.pk}-report@{calendar.UID_DOMAIN}"
    for person in (wg_leader, user, ministry_observer):
        assert _report_deadlines(person, grant) == []


def test_report_deadline_window_and_submitted_reports(grant, partner_rep, secretariat):
    due = grant.report_due_on
    on_day = dt.datetime.combine(due, dt.time(0), tzinfo=OSLO)
    after = on_day + dt.timedelta(days=1)
    found = calendar.deadlines(user=partner_rep, start=on_day, end=after)
    assert [d.kind for d in found] == ["grant_report_due"]
    # The day before or after: not in the window.
    assert not calendar.deadlines(user=partner_rep, start=after, end=after + dt.timedelta(days=1))
    assert not calendar.deadlines(user=partner_rep, start=on_day - dt.timedelta(days=1), end=on_day)
    # Once the report is in, the deadline leaves the calendar.
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
    assert calendar.deadlines(user=partner_rep, start=on_day, end=after) == []


def test_the_source_costs_a_constant_number_of_queries(
    registry, grant, partner_rep, secretariat, django_assert_max_num_queries
):
    for title in ("En", "To", "Tre"):
        open_call(by=secretariat, title=title)
    partner_rep = type(partner_rep).objects.get(pk=partner_rep.pk)  # no cached permissions
    with django_assert_max_num_queries(6):
        found = calendar.deadlines(user=partner_rep, start=None, end=None)
    assert len(_kinds(found, "call_deadline")) == 4
    assert len(_kinds(found, "grant_report_due")) == 1
