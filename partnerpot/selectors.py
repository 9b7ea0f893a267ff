"""Reads for Partnerpotten that views, reports and exports share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Decision
from partnership import formats

from . import access
from .models import (
    ZERO,
    Application,
    ApplicationTotal,
    Call,
    CoApplicant,
    Grant,
    GrantReport,
    InfoRequest,
    StudyVisit,
)

Status = Application.Status


def open_calls(*, now: dt.datetime | None = None) -> QuerySet[Call]:
    now = now or timezone.now()
    return Call.objects.filter(
        status=Call.Status.PUBLISHED, opens_at__lte=now, closes_at__gt=now
    ).order_by("closes_at")


def calls_visible_to(user) -> QuerySet[Call]:
    return (
        Call.objects.filter(access.visible_calls_q(user))
        .select_related("deciding_meeting__body", "criteria_version__document")
        .order_by("-closes_at", "-pk")
    )


def calls_grouped(user, *, now: dt.datetime | None = None) -> dict[str, list[Call]]:
    """The calls ``user`` sees, grouped: open (closing first), upcoming (opening first),
    closed, and for the secretariat drafts and cancelled ones."""
    now = now or timezone.now()
    groups: dict[str, list[Call]] = {
        "open": [],
        "upcoming": [],
        "closed": [],
        "draft": [],
        "cancelled": [],
    }
    for call in calls_visible_to(user):
        if call.status == Call.Status.DRAFT:
            groups["draft"].append(call)
        elif call.status == Call.Status.CANCELLED:
            groups["cancelled"].append(call)
        elif call.is_open(now):
            groups["open"].append(call)
        elif call.opens_at > now:
            groups["upcoming"].append(call)
        else:
            groups["closed"].append(call)
    groups["open"].sort(key=lambda c: c.closes_at)
    groups["upcoming"].sort(key=lambda c: c.opens_at)
    return groups


def applications_visible_to(user) -> QuerySet[Application]:
    return Application.objects.filter(access.visible_applications_q(user)).select_related(
        "call", "applicant"
    )


# What a list row of our applications shows and what next_step() reads: the long texts
# (summary, participation, activities, the report's texts...) stay in the database.
OUR_APPLICATIONS_LIST_FIELDS = (
    "id",
    "call_id",
    "applicant_id",
    "year",
    "number",
    "status",
    "title",
    "requested_amount",
    "created_at",
    "call__id",
    "call__year",
    "call__title",
    "call__closes_at",
    "applicant__id",
    "applicant__short_name",
    "grant__id",
    "grant__application_id",
    "grant__status",
    "grant__report_due_on",
    "grant__report__id",
    "grant__report__grant_id",
    "grant__report__status",
)


def our_applications(user, *, for_list: bool = False) -> QuerySet[Application]:
    """The applications of the partners ``user`` acts for, newest first, with what the next
    step needs (the grant and its report, the open information request). ``for_list``: only
    the fields a list row and next_step() use."""
    qs = (
        Application.objects.filter(applicant_id__in=access.acting_partner_ids(user))
        .select_related("call", "applicant", "grant__report")
        .order_by("-created_at", "-pk")
    )
    open_requests = InfoRequest.objects.filter(answered_at__isnull=True)
    if for_list:
        # The open request's reply-by date in the same query (there is at most one).
        return qs.only(*OUR_APPLICATIONS_LIST_FIELDS).annotate(
            open_reply_by=Subquery(
                open_requests.filter(application=OuterRef("pk"))
                .order_by("-requested_at")
                .values("reply_by")[:1]
            )
        )
    return qs.prefetch_related(
        Prefetch("info_requests", queryset=open_requests, to_attr="open_requests")
    )


def next_step(application: Application, *, now: dt.datetime | None = None) -> str:
    """What the applicant should do next (or what they are waiting for), in one sentence."""
    now = now or timezone.now()
    call = application.call
    if application.status == Status.DRAFT:
        if now >= call.closes_at:
            return _("Søknadsfristen har gått ut. Utkastet kan ikke sendes inn.")
        return _("Fullfør og send inn søknaden før fristen.")
    if application.status == Status.INFO_REQUESTED:
        if hasattr(application, "open_reply_by"):  # our_applications(for_list=True)
            reply_by = application.open_reply_by
        else:
            requests = getattr(application, "open_requests", None)
            if requests is None:
                requests = list(application.info_requests.filter(answered_at__isnull=True))
            reply_by = requests[0].reply_by if requests else None
        if reply_by is not None:
            return _("Svar sekretariatet innen %(date)s.") % {"date": formats.date(reply_by)}
        return _("Svar sekretariatet.")
    if application.status in (Status.SUBMITTED, Status.ASSESSED):
        return _("Sekretariatet vurderer søknaden.")
    if application.status == Status.ON_AGENDA:
        return _("Partnermøtet behandler søknaden.")
    if application.status == Status.REJECTED:
        return _("Søknaden er avslått. Se vedtaksbrevet.")
    if application.status == Status.WITHDRAWN:
        return _("Søknaden er trukket.")
    grant = getattr(application, "grant", None)
    if grant is None:
        return ""
    report = getattr(grant, "report", None)
    if grant.status == Grant.Status.AWARDED:
        return _("Tilskuddet blir utbetalt.")
    if grant.status == Grant.Status.PAID_OUT:
        if report is not None and report.status == GrantReport.Status.MORE_REQUESTED:
            return _("Sekretariatet ber om mer i sluttrapporten.")
        return _("Send sluttrapport innen %(date)s.") % {"date": formats.date(grant.report_due_on)}
    if grant.status == Grant.Status.REPORT_DUE:
        return _("Sekretariatet behandler sluttrapporten.")
    if grant.status == Grant.Status.TO_BE_REPAID:
        return _("Ubrukte midler skal betales tilbake.")
    return _("Ferdig.")


@dataclass
class PipelineRow:
    call: Call
    counts: dict[str, int] = field(default_factory=dict)
    requested: dict[str, Decimal] = field(default_factory=dict)
    granted: Decimal = ZERO
    # Per status, the applications the secretariat's list shows (``pipeline_applications``:
    # a draft withdrawn before it was sent in is not one of them).
    listed: dict[str, int] = field(default_factory=dict)

    @property
    def applied(self) -> Decimal:
        return sum(
            (v for k, v in self.requested.items() if k not in (Status.DRAFT, Status.WITHDRAWN)),
            ZERO,
        )

    @property
    def remaining(self) -> Decimal:
        return self.call.envelope - self.granted


PIPELINE_STATUSES = [s for s in Status if s != Status.DRAFT]


def pipeline(*, calls: QuerySet[Call] | None = None) -> list[PipelineRow]:
    """Counts and sums per call and status (drafts left out: they are the partners' own),
    from the running totals the database keeps (``ApplicationTotal``). Two queries however
    many applications."""
    calls = list(calls if calls is not None else Call.objects.exclude(status=Call.Status.DRAFT))
    rows = {call.pk: PipelineRow(call=call) for call in calls}
    totals = ApplicationTotal.objects.filter(call_id__in=rows).values_list(
        "call_id", "status", "unsent", "applications", "requested", "granted"
    )
    for call_id, status, unsent, n, requested, granted in totals:
        row = rows[call_id]
        row.counts[status] = row.counts.get(status, 0) + n
        row.listed[status] = row.listed.get(status, 0) + (0 if unsent else n)
        row.requested[status] = row.requested.get(status, ZERO) + requested
        if status in Application.GRANTING:
            row.granted += granted
    return list(rows.values())


# What a row of the pipeline's list shows, read as named rows: the long texts stay in the
# database, and no Application, call, partner or assessment instance is built per row.
PIPELINE_LIST_FIELDS = (
    "pk",
    "applicant_id",
    "year",
    "number",
    "status",
    "title",
    "requested_amount",
    "submitted_at",
    "applicant__short_name",
    "assessment__id",
    "assessment__recommendation",
    "assessment__recommended_amount",
)


def pipeline_list_count(rows: list[PipelineRow], *, call: Call | None, status: str) -> int:
    """How many applications ``pipeline_applications(call=, status=)`` lists, from the
    overview's counts (no second count of the table). Every application is in a call the
    overview has: applications are made only to published calls, and a call never goes back
    to draft (``services.calls``)."""
    return sum(
        n
        for row in rows
        if call is None or row.call.pk == call.pk
        for s, n in row.listed.items()
        if not status or s == status
    )


def pipeline_applications(
    *, user, call: Call | None = None, status: str = "", for_list: bool = False
) -> QuerySet[Application]:
    """Submitted applications for the secretariat's lists, oldest submission first.
    ``for_list``: named rows of the fields a row of the pipeline's list shows
    (``PIPELINE_LIST_FIELDS``)."""
    qs = (
        Application.objects.exclude(status=Status.DRAFT)
        .exclude(status=Status.WITHDRAWN, submitted_at__isnull=True)
        .select_related("call", "applicant", "assessment")
        .order_by("submitted_at", "pk")
    )
    fields = PIPELINE_LIST_FIELDS
    if for_list:
        partners = access.acting_partner_ids(user)
        if partners:
            # What conflicted_ids() would ask in a query of its own.
            qs = qs.annotate(
                pp_co_conflicted=Exists(
                    CoApplicant.objects.filter(application=OuterRef("pk"), partner_id__in=partners)
                )
            )
            fields = (*fields, "pp_co_conflicted")
    if call is not None:
        qs = qs.filter(call=call)
    if status:
        qs = qs.filter(status=status)
    if for_list:
        qs = qs.values_list(*fields, named=True)
    return qs


def conflicted_ids(user, applications) -> set[int]:
    """Which of ``applications`` ``user`` is conflicted on (one query)."""
    partners = access.acting_partner_ids(user)
    if not partners:
        return set()
    own = {a.pk for a in applications if a.applicant_id in partners}
    if all(hasattr(a, "pp_co_conflicted") for a in applications):
        # pipeline_applications(for_list=True) has asked already.
        return own | {a.pk for a in applications if a.pp_co_conflicted}
    ids = [a.pk for a in applications]
    co = set(
        Application.objects.filter(pk__in=ids, co_applicants__partner_id__in=partners).values_list(
            "pk", flat=True
        )
    )
    return own | co


def grants_for_followup() -> QuerySet[Grant]:
    return Grant.objects.select_related(
        "application__call", "application__applicant", "report"
    ).order_by("report_due_on", "pk")


def study_visits_visible_to(user) -> QuerySet[StudyVisit]:
    return (
        StudyVisit.objects.filter(access.visible_study_visits_q(user))
        .prefetch_related("partners")
        .select_related("deciding_meeting__body", "decision__body")
        .order_by("-created_at", "-pk")
    )


def call_status_counts(call: Call) -> dict[str, int]:
    return dict(call.applications.values_list("status").annotate(n=Count("pk")).order_by())


# Study visits: one every second year (R9).
YEARS_BETWEEN_VISITS = 2


def last_approved_visit_decision() -> Decision | None:
    """The register entry of the latest study visit the Partnermøte approved (reported ones
    too), with the visit."""
    return (
        Decision.objects.filter(
            study_visit__status__in=(StudyVisit.Status.APPROVED, StudyVisit.Status.REPORTED),
        )
        .select_related("body", "study_visit")
        .order_by("-decided_on", "-pk")
        .first()
    )


def study_visit_rhythm(today: dt.date) -> dict:
    """Whether a study visit is due this year (R9: every second year), from the last one the
    Partnermøte approved; shown to the secretariat on the study-visit list."""
    decision = last_approved_visit_decision()
    if decision is None:
        return {"last_decision": None, "due": True, "next_year": today.year}
    next_year = decision.decided_on.year + YEARS_BETWEEN_VISITS
    return {
        "last_decision": decision,
        "last_visit": decision.study_visit,
        "due": next_year <= today.year,
        "next_year": next_year,
    }
