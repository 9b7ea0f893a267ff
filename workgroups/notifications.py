"""Reminders about the working groups' year-end reports (R5), written to the outbox.

``schedule_reminders`` (beat, daily) reminds each group's leader and finance lead whose report
for the year is not yet submitted: two weeks before the group's reporting meeting, and from
1 December before the year ends. Each reminder has its idempotency key (group, year, reason,
person), so running the job again, or on several beats, sends it once.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.models import Meeting
from partnership import formats, outbox
from partnership.models import Body, BudgetYear, Membership, Person

from .models import YearEndReport

REMINDER_DAYS = 14
YEAR_END_REMINDER_FROM = (12, 1)  # month, day


class Kind(models.TextChoices):
    YEAR_END_REPORT_DUE = (
        "year_end_report_due",
        gettext_lazy("Påminnelse om arbeidsgruppens årsrapport"),
    )


def _writers(group: Body, today: dt.date) -> list[Person]:
    return list(
        Person.objects.filter(
            pk__in=Membership.objects.active_on(today)
            .filter(body=group, role__in=[Membership.Role.LEADER, Membership.Role.FINANCE_LEAD])
            .values("person_id"),
            is_active=True,
        ).order_by("pk")
    )


def schedule_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue the year-end reminders that are due; returns how many were new."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    budget_year = BudgetYear.objects.filter(year=today.year, closed_at__isnull=True).first()
    if budget_year is None:
        return 0
    done = set(
        YearEndReport.objects.filter(budget_year=budget_year)
        .exclude(status=YearEndReport.Status.DRAFT)
        .values_list("working_group_id", flat=True)
    )
    groups = Body.objects.filter(kind=Body.Kind.WORKING_GROUP).exclude(pk__in=done)
    drafts = []
    for group in groups.order_by("pk"):
        reasons = []
        meeting = (
            Meeting.objects.filter(
                body=group,
                kind=Meeting.Kind.REPORTING,
                starts_at__gt=now,
                starts_at__lte=now + dt.timedelta(days=REMINDER_DAYS),
            )
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("starts_at")
            .first()
        )
        if meeting is not None:
            reasons.append((f"meeting:{meeting.pk}", meeting))
        if (today.month, today.day) >= YEAR_END_REMINDER_FROM:
            reasons.append(("year-end", None))
        if not reasons:
            continue
        people = _writers(group, today)
        keys = {
            f"workgroups:year-end:{group.pk}:{today.year}:{reason}:{person.pk}": (person, meeting)
            for reason, meeting in reasons
            for person in people
        }
        for key in sorted(set(keys) - outbox.existing_keys(keys)):
            person, meeting = keys[key]
            drafts.append(
                outbox.compose(
                    kind=Kind.YEAR_END_REPORT_DUE,
                    idempotency_key=key,
                    template="workgroups/email/year_end_reminder",
                    context={
                        "group": group.name,
                        "year": today.year,
                        "meeting_when": formats.datetime(meeting.starts_at) if meeting else "",
                        "report_url": outbox.absolute_url(
                            "workgroups:year_end_report", group.pk, today.year
                        ),
                    },
                    subject=lambda group=group, year=today.year: (
                        _("Påminnelse: årsrapport %(year)s for %(group)s")
                        % {"year": year, "group": group.name}
                    ),
                    recipient=person,
                )
            )
    return outbox.enqueue(drafts) if drafts else 0
