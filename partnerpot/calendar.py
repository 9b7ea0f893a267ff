"""Partnerpotten's dates in the partner calendar and the iCal feed (meetings.extensions).

Published calls show their deadline to everyone signed in; a grant's final-report deadline
shows to the people of the partner that got it and to the secretariat. Two queries.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from meetings.access import is_secretariat
from meetings.extensions import CalendarDeadline
from meetings.models import OSLO

from . import access
from .models import Call, Grant

UID_DOMAIN = "partnerskap-mot-mobbing"
# A report deadline is a day; shown at noon so it lands on that day in every calendar.
REPORT_DUE_TIME = dt.time(12, 0)


def deadlines(*, user, start: dt.datetime | None, end: dt.datetime | None):
    if not user.is_authenticated:
        return []
    found: list[CalendarDeadline] = []
    calls = Call.objects.filter(status__in=(Call.Status.PUBLISHED, Call.Status.CANCELLED))
    calls = calls.exclude(status=Call.Status.CANCELLED, published_at__isnull=True)
    if start is not None:
        calls = calls.filter(closes_at__gte=start)
    if end is not None:
        calls = calls.filter(closes_at__lt=end)
    for call in calls.only("pk", "title", "closes_at", "status", "uid", "sequence"):
        found.append(
            CalendarDeadline(
                kind="call_deadline",
                at=call.closes_at,
                label=_("Søknadsfrist: %(title)s") % {"title": call.title},
                url=reverse("partnerpot:call_detail", kwargs={"pk": call.pk}),
                uid=f"partnerpot-call-{call.uid}@{UID_DOMAIN}",
                sequence=call.sequence,
                cancelled=call.status == Call.Status.CANCELLED,
            )
        )
    grants = Grant.objects.filter(status__in=(Grant.Status.AWARDED, Grant.Status.PAID_OUT))
    if not is_secretariat(user):
        grants = grants.filter(application__applicant_id__in=access.acting_partner_ids(user))
    if start is not None:
        grants = grants.filter(report_due_on__gte=start.astimezone(OSLO).date())
    if end is not None:
        grants = grants.filter(report_due_on__lt=end.astimezone(OSLO).date() + dt.timedelta(days=1))
    for grant in grants.select_related("application__call").only(
        "pk",
        "report_due_on",
        "application__title",
        "application__year",
        "application__number",
        "application__call__year",
    ):
        at = dt.datetime.combine(grant.report_due_on, REPORT_DUE_TIME, tzinfo=OSLO)
        if (start is not None and at < start) or (end is not None and at >= end):
            continue
        found.append(
            CalendarDeadline(
                kind="grant_report_due",
                at=at,
                label=_("Sluttrapport: %(ref)s %(title)s")
                % {"ref": grant.application.reference, "title": grant.application.title},
                url=reverse("partnerpot:grant_detail", kwargs={"pk": grant.pk}),
                uid=f"partnerpot-grant-{grant.pk}-report@{UID_DOMAIN}",
                sequence=grant.report_due_on.toordinal() % 100000,
            )
        )
    return found
