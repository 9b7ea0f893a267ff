"""E-mails and reminders for Partnerpotten and study visits, written to the outbox.

Every function here except ``schedule_reminders`` is called by ``partnerpot.services`` inside
the transaction of the change it tells about, so the e-mail exists exactly when the change does
(a rollback leaves no row). Messages are composed in each recipient's language
(``partnership.outbox.compose``); PDFs are attached when the e-mail is sent
(``@outbox.attachment_renderer``).

Who gets what (the "applicant people" of an application are those who sit in the Partnermøte for
the applicant partner today, plus whoever submitted it):

- ``call_published``: every partner representative (active Partnermøte membership) is told
  the call is open, at ``opens_at`` (now if it is open already).
- ``call_deadline_moved``: the deadline can only be extended. Opening notices not yet sent are
  written again with the new deadline; people acting for partners with drafts in the call are
  told the new deadline; deadline reminders for the old deadline that are still pending are
  cancelled. Deadline reminders are not kept as future rows: the beat job computes them from
  the current deadline (their key carries it), so the moved deadline gets its own reminders.
- ``call_cancelled``: pending messages about the call are cancelled; people acting for partners
  with drafts, and the applicant people of submitted applications, are told.
- ``application_submitted``: the receipt with a PDF copy of the application, to the applicant
  people. ``application_withdrawn``: the secretariat, if the application had been submitted.
- ``info_requested``: the applicant people get the message, the reply-by date, the reopened
  sections and a link to the reply page. ``info_request_answered``: the secretariat.
- ``application_decided``: the decision e-mail (in each recipient's language) with the
  decision letter attached (in the applicant's written standard, ``letter_language``), to the
  applicant people; the letter is stored on the pdf queue once the transaction commits.
- ``report_submitted``: the secretariat. ``report_feedback``: the applicant people.
- ``study_visit_submitted``: the secretariat. ``study_visit_decided``: people acting for the
  proposing partners.

Reminders (``schedule_reminders``, beat every five minutes, idempotent by key):

- a call's deadline 7 days and 1 day ahead, to people acting for partners with drafts in it;
- an information request not answered by its reply-by date: the applicant people and the
  secretariat, once;
- a grant's final report due within 14 days (applicant people) and overdue (applicant people
  and the secretariat), once per due date.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.models import OSLO
from meetings.notifications import secretariat_people
from partnership import outbox, timeutils
from partnership.formats import money
from partnership.models import (
    Body,
    Membership,
    OutboxMessage,
    PartnerGroupObjectPermission,
    PartnerUserObjectPermission,
    Person,
)

from .access import ACT_FOR_PARTNER
from .models import Application, Call, Grant, GrantReport, InfoRequest, StudyVisit
from .pdf import letter_filename, letter_pdf, letter_pdf_task, receipt_filename, receipt_pdf


class Kind(models.TextChoices):
    """The kinds of e-mail of Partnerpotten and study visits (registered in ``apps.py``)."""

    CALL_OPENED = "call_opened", gettext_lazy("Ny utlysning i Partnerpotten er åpen")
    CALL_DEADLINE = "call_deadline", gettext_lazy("Søknadsfristen nærmer seg for et søknadsutkast")
    APPLICATION_RECEIPT = "application_receipt", gettext_lazy("Kvittering for innsendt søknad")
    INFO_REQUESTED = "info_requested", gettext_lazy("Sekretariatet ber om mer informasjon")
    INFO_REQUEST_UNANSWERED = (
        "info_request_unanswered",
        gettext_lazy("Ubesvart forespørsel om mer informasjon"),
    )
    GRANT_DECISION = "grant_decision", gettext_lazy("Vedtak om tilskudd fra Partnerpotten")
    GRANT_REPORT_DUE = "grant_report_due", gettext_lazy("Frist for sluttrapport nærmer seg")
    GRANT_REPORT_OVERDUE = (
        "grant_report_overdue",
        gettext_lazy("Sluttrapport som har passert fristen"),
    )
    GRANT_REPORT_FEEDBACK = "grant_report_feedback", gettext_lazy("Svar på sluttrapport")
    STUDY_VISIT_DECISION = "study_visit_decision", gettext_lazy("Vedtak om studiebesøk")
    CALL_CHANGED = "call_changed", gettext_lazy("Endret søknadsfrist i Partnerpotten")
    CALL_CANCELLED = "call_cancelled", gettext_lazy("Avlyst utlysning i Partnerpotten")
    APPLICATION_WITHDRAWN = "application_withdrawn", gettext_lazy("Søknad som er trukket")
    INFO_REQUEST_ANSWERED = (
        "info_request_answered",
        gettext_lazy("Svar på forespørsel om mer informasjon"),
    )
    GRANT_REPORT_SUBMITTED = "grant_report_submitted", gettext_lazy("Innsendt sluttrapport")
    STUDY_VISIT_SUBMITTED = "study_visit_submitted", gettext_lazy("Nytt forslag om studiebesøk")


# Formal messages about one's own application cannot be turned off: a receipt, a request with
# a deadline, a decision, the answer to a report, and a call that is cancelled.
MANDATORY_KINDS = frozenset(
    {
        Kind.APPLICATION_RECEIPT,
        Kind.INFO_REQUESTED,
        Kind.GRANT_DECISION,
        Kind.GRANT_REPORT_FEEDBACK,
        Kind.STUDY_VISIT_DECISION,
        Kind.CALL_CANCELLED,
    }
)
logger = logging.getLogger(__name__)

# Reminders before a call's deadline, in days; the nearest one that applies is sent.
CALL_DEADLINE_REMINDER_DAYS = (7, 1)
REPORT_DUE_REMINDER_DAYS = 14
# Reminders that follow a calendar day (reply-by dates, report deadlines) go out from this hour
# (Oslo), not at night.
REMINDER_HOUR = 7
# Nothing is reminded of that fell due longer ago than this (after an outage, or when the
# feature is switched on, old requests and reports do not flood anyone's inbox).
LOOKBACK = dt.timedelta(days=30)

# Messages without a kind of their own use the nearest existing one (the profile page lets
# people turn optional kinds off). Kept here so new kinds can be switched in one place.
KIND_CALL_EXTENDED = Kind.CALL_CHANGED
KIND_CALL_CANCELLED_DRAFTS = Kind.CALL_CANCELLED
KIND_CALL_CANCELLED_SUBMITTED = Kind.CALL_CANCELLED
KIND_WITHDRAWN = Kind.APPLICATION_WITHDRAWN
KIND_INFO_ANSWERED = Kind.INFO_REQUEST_ANSWERED
KIND_REPORT_SUBMITTED = Kind.GRANT_REPORT_SUBMITTED
KIND_VISIT_SUBMITTED = Kind.STUDY_VISIT_SUBMITTED

TEMPLATES = "partnerpot/email/"


# --- Formatting -------------------------------------------------------------------------------
def format_datetime(moment: dt.datetime) -> str:
    """ "1. mars 2026 kl. 12:00" in the active language, Oslo time."""
    local = timezone.localtime(moment, OSLO)
    return _("%(date)s kl. %(time)s") % {
        "date": formats.date_format(local, "j. F Y"),
        "time": formats.time_format(local, "H:i"),
    }


def format_date(day: dt.date | dt.datetime) -> str:
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day, OSLO).date()
    return formats.date_format(day, "j. F Y")


class Lazy:
    """A value rendered when the template is, so in the recipient's language."""

    def __init__(self, func: Callable[[], object]):
        self.func = func

    def __str__(self) -> str:
        return str(self.func())


def when(moment: dt.datetime) -> Lazy:
    return Lazy(lambda: format_datetime(moment))


def on(day: dt.date) -> Lazy:
    return Lazy(lambda: format_date(day))


def _url(viewname: str, *args, fallback: str = "") -> str:
    return outbox.absolute_url(viewname, *args, fallback=fallback)


def call_url(call) -> str:
    return _url("partnerpot:call_detail", call.pk)


def application_url(application) -> str:
    return _url("partnerpot:application_detail", application.pk)


def grant_url(grant) -> str:
    return _url("partnerpot:grant_detail", grant.pk, fallback=application_url(grant.application))


def report_url(grant) -> str:
    """The final-report page, where the applicant's people write and submit it."""
    return _url("partnerpot:grant_report", grant.pk, fallback=grant_url(grant))


def visit_url(visit) -> str:
    return _url("partnerpot:study_visit_detail", visit.pk)


# --- Who --------------------------------------------------------------------------------------
def _sorted(people: Iterable[Person]) -> list[Person]:
    """Active people with an address, each once (the first copy of a person wins), by name."""
    unique: dict[int, Person] = {}
    for p in people:
        if p is not None and p.is_active and p.email:
            unique.setdefault(p.pk, p)
    return sorted(unique.values(), key=lambda p: (p.full_name, p.pk))


def _active(qs: QuerySet[Person]) -> list[Person]:
    return list(qs.filter(is_active=True).order_by("full_name", "pk"))


def partner_representatives(partner_ids: Iterable[int] | None = None) -> list[Person]:
    """People seated in a Partnermøte today (for ``partner_ids`` only, when given)."""
    memberships = Membership.objects.active_on().filter(body__kind=Body.Kind.PARTNERS)
    if partner_ids is not None:
        memberships = memberships.filter(partner_id__in=list(partner_ids))
    return _active(Person.objects.filter(pk__in=memberships.values("person_id")))


def acting_people(partner_ids: Iterable[int]) -> list[Person]:
    """Everyone who may act for one of the partners (``partnerpot.access``: the
    ``act_for_partner`` permission, directly or through the partner's group)."""

    ids = list(partner_ids)
    if not ids:
        return []
    direct = PartnerUserObjectPermission.objects.filter(
        content_object_id__in=ids, **ACT_FOR_PARTNER
    ).values("user_id")
    groups = PartnerGroupObjectPermission.objects.filter(
        content_object_id__in=ids, **ACT_FOR_PARTNER
    ).values("group_id")
    return _active(Person.objects.filter(Q(pk__in=direct) | Q(groups__in=groups)).distinct())


def applicant_people(application) -> list[Person]:
    """Those who act for the applicant partner and sit in the Partnermøte for it, and the
    person who submitted the application."""
    people = partner_representatives([application.applicant_id])
    if application.submitted_by_id:
        people.append(application.submitted_by)
    return _sorted(people)


# --- Composing --------------------------------------------------------------------------------
def _draft(
    *,
    kind: str,
    key: str,
    person: Person,
    template: str,
    context: dict,
    subject: Callable[[], str],
    due_at: dt.datetime | None = None,
    attachment: dict | None = None,
) -> outbox.Draft:
    return outbox.compose(
        kind=kind,
        idempotency_key=key,
        template=TEMPLATES + template,
        context={**context, "person": person},
        subject=subject,
        recipient=person,
        due_at=due_at,
        attachment=attachment,
    )


def _send(
    people: Iterable[Person],
    *,
    kind: str,
    key: str,
    template: str,
    context: dict,
    subject: Callable[[], str],
    due_at: dt.datetime | None = None,
    attachment: dict | None = None,
) -> int:
    """One message per person; ``key`` is completed with ``:person:<pk>``."""
    drafts = [
        _draft(
            kind=kind,
            key=f"{key}:person:{person.pk}",
            person=person,
            template=template,
            context=context,
            subject=subject,
            due_at=due_at,
            attachment=attachment,
        )
        for person in _sorted(people)
    ]
    return outbox.enqueue(drafts)


def _application_context(application, **extra) -> dict:
    return {
        "application": application,
        "reference": application.reference,
        "call": application.call,
        "applicant": application.applicant,
        "application_url": application_url(application),
        **extra,
    }


def _section_labels(application, sections: Iterable[str]) -> Lazy:
    labels = dict(application.Section.choices)
    return Lazy(lambda: ", ".join(str(labels.get(s, s)) for s in sections))


# --- Attachments, made when the e-mail is sent ---------------------------------------------------
@outbox.attachment_renderer
def receipt_pdf_attachment(*, application_id: int, language: str) -> outbox.Attachment | None:
    """The receipt PDF (a copy of the submitted application) in the recipient's language."""

    application = Application.objects.select_related("call").filter(pk=application_id).first()
    if application is None:
        return None
    return outbox.Attachment(
        receipt_filename(application),
        receipt_pdf(application=application, language=language),
        "application/pdf",
    )


@outbox.attachment_renderer
def letter_pdf_attachment(*, application_id: int, language: str) -> outbox.Attachment | None:
    """The decision letter, always in the applicant's written standard (``letter_language``),
    whatever the recipient's language; the stored copy when it has been made."""

    application = Application.objects.select_related("call").filter(pk=application_id).first()
    if application is None or not application.is_decided:
        return None
    content = None
    if application.letter_pdf:
        try:
            with application.letter_pdf.open("rb") as stored:
                content = stored.read()
        except OSError:
            content = None
    if content is None:
        content = letter_pdf(application=application)
    return outbox.Attachment(letter_filename(application), content, "application/pdf")


# --- Calls ------------------------------------------------------------------------------------
def _call_key(call) -> str:
    return f"partnerpot:call:{call.pk}:"


def _opened_drafts(call, people: Iterable[Person], now: dt.datetime) -> list[outbox.Draft]:
    due_at = max(call.opens_at, now)
    return [
        _draft(
            kind=Kind.CALL_OPENED,
            key=f"{_call_key(call)}opened:s{call.sequence}:person:{person.pk}",
            person=person,
            template="call_opened",
            context={
                "call": call,
                "opens_at": when(call.opens_at),
                "closes_at": when(call.closes_at),
                "max_amount": money(call.max_per_application),
                "envelope": money(call.envelope),
                "call_url": call_url(call),
            },
            subject=lambda: _("Ny utlysning i Partnerpotten: %(title)s") % {"title": call.title},
            due_at=due_at,
        )
        for person in _sorted(people)
    ]


def call_published(*, call) -> None:
    """Every partner representative is told when the call opens (at ``opens_at``)."""
    outbox.enqueue(_opened_drafts(call, partner_representatives(), timezone.now()))


def _draft_partner_ids(call) -> set[int]:

    return set(
        call.applications.filter(status=Application.Status.DRAFT).values_list(
            "applicant_id", flat=True
        )
    )


def call_deadline_moved(*, call) -> None:
    """The deadline was extended (``call_update``): opening notices still waiting are written
    again with the new deadline, pending reminders for the old deadline are cancelled (the beat
    job makes new ones from the new deadline), and people working on drafts are told."""
    prefix = f"{_call_key(call)}opened:"
    waiting = list(
        OutboxMessage.objects.filter(
            idempotency_key__startswith=prefix,
            status=OutboxMessage.Status.PENDING,
            recipient__isnull=False,
        ).values_list("recipient_id", flat=True)
    )
    outbox.cancel_pending(key_prefix=prefix, reason="deadline moved")
    outbox.cancel_pending(key_prefix=f"{_call_key(call)}deadline:", reason="deadline moved")
    if waiting:
        outbox.enqueue(_opened_drafts(call, Person.objects.filter(pk__in=waiting), timezone.now()))
    if not call.is_open():
        return
    _send(
        acting_people(_draft_partner_ids(call)),
        kind=KIND_CALL_EXTENDED,
        key=f"{_call_key(call)}extended:s{call.sequence}",
        template="call_extended",
        context={"call": call, "closes_at": when(call.closes_at), "call_url": call_url(call)},
        subject=lambda: (
            _("Ny søknadsfrist for %(title)s: %(date)s")
            % {"title": call.title, "date": format_datetime(call.closes_at)}
        ),
    )


def call_cancelled(*, call) -> None:
    """Pending messages about the call are cancelled; people with drafts in it, and the
    applicant people of submitted applications, are told."""

    outbox.cancel_pending(key_prefix=_call_key(call), reason="call cancelled")
    applications = list(
        call.applications.exclude(status=Application.Status.WITHDRAWN).select_related(
            "applicant", "submitted_by", "call"
        )
    )
    mine: dict[int, tuple[Person, list]] = {}
    by_partner: dict[int, list[Person]] = {}
    for application in applications:
        if application.is_draft:
            if application.applicant_id not in by_partner:
                by_partner[application.applicant_id] = acting_people([application.applicant_id])
            people = by_partner[application.applicant_id]
        else:
            people = applicant_people(application)
        for person in people:
            mine.setdefault(person.pk, (person, []))[1].append(application)
    drafts = []
    for person, own in mine.values():
        submitted = any(not a.is_draft for a in own)
        drafts.append(
            _draft(
                kind=KIND_CALL_CANCELLED_SUBMITTED if submitted else KIND_CALL_CANCELLED_DRAFTS,
                key=f"{_call_key(call)}cancelled:person:{person.pk}",
                person=person,
                template="call_cancelled",
                context={"call": call, "applications": own, "call_url": call_url(call)},
                subject=lambda: _("Utlysningen %(title)s er avlyst") % {"title": call.title},
            )
        )
    outbox.enqueue(drafts)


# --- Applications -----------------------------------------------------------------------------
def _app_key(application) -> str:
    return f"partnerpot:application:{application.pk}:"


def application_submitted(*, application) -> None:
    """The receipt, with a PDF copy of the application, to the applicant people."""
    _send(
        applicant_people(application),
        kind=Kind.APPLICATION_RECEIPT,
        key=f"{_app_key(application)}receipt",
        template="receipt",
        context=_application_context(
            application,
            submitted_at=when(application.submitted_at),
            submitted_by=application.submitted_by,
            requested=money(application.requested_amount),
            deadline=when(application.call.closes_at),
        ),
        subject=lambda: (
            _("Kvittering: søknad %(ref)s er sendt inn") % {"ref": application.reference}
        ),
        attachment=outbox.attachment_spec(receipt_pdf_attachment, application_id=application.pk),
    )


def application_withdrawn(*, application) -> None:
    """The secretariat is told when an application it had received is withdrawn."""
    if application.submitted_at is None:
        return
    outbox.cancel_pending(key_prefix=f"partnerpot:inforequest:app{application.pk}:")
    _send(
        secretariat_people(),
        kind=KIND_WITHDRAWN,
        key=f"{_app_key(application)}withdrawn",
        template="withdrawn",
        context=_application_context(
            application,
            withdrawn_at=when(application.withdrawn_at or timezone.now()),
            withdrawn_by=application.withdrawn_by,
            reason=application.withdrawal_reason,
        ),
        subject=lambda: (
            _("Søknad %(ref)s fra %(applicant)s er trukket")
            % {"ref": application.reference, "applicant": application.applicant.short_name}
        ),
    )


def _info_key(info_request) -> str:
    # The application's id is in the key, so a withdrawal can cancel what is pending.
    return f"partnerpot:inforequest:app{info_request.application_id}:{info_request.pk}:"


def info_requested(*, info_request) -> None:
    """The applicant people get the secretariat's message, the reply-by date, the reopened
    sections and a link to the reply page."""
    application = info_request.application
    _send(
        applicant_people(application),
        kind=Kind.INFO_REQUESTED,
        key=f"{_info_key(info_request)}requested",
        template="info_requested",
        context=_application_context(
            application,
            info_request=info_request,
            reply_by=on(info_request.reply_by),
            sections=_section_labels(application, info_request.sections),
            reply_url=_url(
                "partnerpot:info_reply", application.pk, fallback=application_url(application)
            ),
        ),
        subject=lambda: (
            _("Søknad %(ref)s: sekretariatet ber om mer informasjon innen %(date)s")
            % {"ref": application.reference, "date": format_date(info_request.reply_by)}
        ),
    )


def info_request_answered(*, info_request) -> None:
    """The secretariat is told the applicant has answered (and reminders stop)."""
    application = info_request.application
    outbox.cancel_pending(key_prefix=f"{_info_key(info_request)}unanswered", reason="answered")
    _send(
        secretariat_people(),
        kind=KIND_INFO_ANSWERED,
        key=f"{_info_key(info_request)}answered",
        template="info_answered",
        context=_application_context(
            application,
            info_request=info_request,
            answered_by=info_request.answered_by,
            answered_at=when(info_request.answered_at or timezone.now()),
        ),
        subject=lambda: _("Søknad %(ref)s: søkeren har svart") % {"ref": application.reference},
    )


def _outcome_label(application) -> Lazy:
    return Lazy(application.get_status_display)


def _queue_letter(application_id: int) -> None:
    """Hand the letter to the pdf queue (on commit). A broker that is down must not turn a
    committed decision into an error: the letter is made when the e-mail is sent anyway."""
    try:
        letter_pdf_task.apply_async(kwargs={"application_id": application_id})
    except Exception:  # the broker, or an eager task that failed
        logger.warning(
            "Could not queue the letter of application %s", application_id, exc_info=True
        )


def application_decided(*, application) -> None:
    """The decision, with the letter attached (in the applicant's written standard), to the
    applicant people; the letter is stored on the pdf queue once the decision is committed."""
    decision = application.decision
    grant = getattr(application, "grant", None) if application.is_granted else None
    _send(
        applicant_people(application),
        kind=Kind.GRANT_DECISION,
        key=f"{_app_key(application)}decision:{application.decision_id}",
        template="decision",
        context=_application_context(
            application,
            outcome=_outcome_label(application),
            granted=application.is_granted,
            amount=money(application.granted_amount),
            requested=money(application.requested_amount),
            decision=decision,
            decided_on=on(decision.decided_on),
            grant=grant,
            report_due_on=on(grant.report_due_on) if grant else "",
            report_url=report_url(grant) if grant else "",
            letter_language=Lazy(application.get_letter_language_display),
        ),
        subject=lambda: (
            _("Vedtak om søknad %(ref)s: %(outcome)s")
            % {"ref": application.reference, "outcome": application.get_status_display().lower()}
        ),
        attachment=outbox.attachment_spec(letter_pdf_attachment, application_id=application.pk),
    )
    transaction.on_commit(partial(_queue_letter, application.pk))


# --- Final reports ----------------------------------------------------------------------------
def _grant_key(grant) -> str:
    return f"partnerpot:grant:{grant.pk}:"


def _stamp(moment: dt.datetime | None) -> str:
    return (moment or timezone.now()).strftime("%Y%m%d%H%M%S%f")


def report_submitted(*, report) -> None:
    """The secretariat is told a final report waits for them."""
    grant = report.grant
    application = grant.application
    outbox.cancel_pending(key_prefix=f"{_grant_key(grant)}report_", reason="report submitted")
    _send(
        secretariat_people(),
        kind=KIND_REPORT_SUBMITTED,
        key=f"{_grant_key(grant)}submitted:{_stamp(report.submitted_at)}",
        template="report_submitted",
        context=_application_context(
            application,
            grant=grant,
            report=report,
            submitted_by=report.submitted_by,
            grant_url=grant_url(grant),
        ),
        subject=lambda: _("Sluttrapport for %(ref)s er sendt inn") % {"ref": application.reference},
    )


def report_feedback(*, report, approved: bool) -> None:
    """The applicant people learn that the report is approved, or what more is needed."""
    grant = report.grant
    application = grant.application
    grant.refresh_from_db(fields=["status", "repayment_amount"])
    _send(
        applicant_people(application),
        kind=Kind.GRANT_REPORT_FEEDBACK,
        key=(
            f"{_grant_key(grant)}feedback:{'approved' if approved else 'more'}:"
            f"{_stamp(report.submitted_at)}"
        ),
        template="report_feedback",
        context=_application_context(
            application,
            grant=grant,
            report=report,
            approved=approved,
            feedback=report.feedback,
            repayment=money(grant.repayment_amount) if grant.repayment_amount else "",
            report_url=report_url(grant),
        ),
        subject=lambda: (
            (
                _("Sluttrapporten for %(ref)s er godkjent")
                if approved
                else _("Sluttrapporten for %(ref)s: sekretariatet ber om mer")
            )
            % {"ref": application.reference}
        ),
    )


# --- Study visits -----------------------------------------------------------------------------
def _visit_key(visit) -> str:
    return f"partnerpot:visit:{visit.pk}:"


def study_visit_submitted(*, visit) -> None:
    """The secretariat is told of a proposed study visit."""
    partners = list(visit.partners.all())
    _send(
        secretariat_people(),
        kind=KIND_VISIT_SUBMITTED,
        key=f"{_visit_key(visit)}submitted:{_stamp(visit.submitted_at)}",
        template="study_visit_submitted",
        context={
            "visit": visit,
            "partners": ", ".join(p.name for p in partners),
            "budget": money(visit.budget),
            "visit_url": visit_url(visit),
        },
        subject=lambda: _("Forslag om studiebesøk: %(title)s") % {"title": visit.title},
    )


def study_visit_decided(*, visit) -> None:
    """People acting for the proposing partners learn the Partnermøte's decision."""

    approved = visit.status == StudyVisit.Status.APPROVED
    partner_ids = list(visit.partners.values_list("pk", flat=True))
    _send(
        acting_people(partner_ids),
        kind=Kind.STUDY_VISIT_DECISION,
        key=f"{_visit_key(visit)}decision:{visit.decision_id}",
        template="study_visit_decided",
        context={
            "visit": visit,
            "approved": approved,
            "amount": money(visit.approved_amount) if approved else "",
            "reason": visit.decision_reason,
            "decision": visit.decision,
            "decided_on": on(visit.decision.decided_on) if visit.decision else "",
            "visit_url": visit_url(visit),
        },
        subject=lambda: (
            (
                _("Studiebesøket %(title)s er vedtatt")
                if approved
                else _("Forslaget om studiebesøket %(title)s er avslått")
            )
            % {"title": visit.title}
        ),
    )


# --- Reminders --------------------------------------------------------------------------------
@dataclass
class Candidate:
    """A reminder that is due, before it is rendered."""

    kind: str
    key: str
    person: Person
    template: str
    context: dict
    subject: Callable[[], str]


class Audience:
    """The secretariat and each partner's people, looked up once per run."""

    def __init__(self):
        self._secretariat: list[Person] | None = None
        self._acting: dict[int, list[Person]] = {}
        self._reps: dict[int, list[Person]] = {}

    def secretariat(self) -> list[Person]:
        if self._secretariat is None:
            self._secretariat = secretariat_people()
        return self._secretariat

    def acting(self, partner_id: int) -> list[Person]:
        if partner_id not in self._acting:
            self._acting[partner_id] = acting_people([partner_id])
        return self._acting[partner_id]

    def applicant_people(self, application) -> list[Person]:
        partner_id = application.applicant_id
        if partner_id not in self._reps:
            self._reps[partner_id] = partner_representatives([partner_id])
        people = list(self._reps[partner_id])
        if application.submitted_by_id:
            people.append(application.submitted_by)
        return _sorted(people)


def _threshold(closes_at: dt.datetime, now: dt.datetime) -> int | None:
    """The nearest reminder threshold (in days) the time left falls within: "7 days before"
    is calendar days in Oslo at the same wall-clock time (``timeutils``), across DST."""
    for days in sorted(CALL_DEADLINE_REMINDER_DAYS):
        if timeutils.days_before(closes_at, days) <= now:
            return days
    return None


def _call_deadlines(now: dt.datetime, audience: Audience) -> Iterable[Candidate]:
    """Open calls whose deadline is within 7 days (then within 1 day): to everyone acting for
    a partner with a draft in the call, listing their drafts."""

    longest = dt.timedelta(days=max(CALL_DEADLINE_REMINDER_DAYS))
    calls = Call.objects.filter(
        status=Call.Status.PUBLISHED,
        opens_at__lte=now,
        closes_at__gt=now,
        # An hour more than the longest threshold: a DST change in between; ``_threshold`` decides.
        closes_at__lte=now + longest + dt.timedelta(hours=1),
    )
    for call in calls:
        days = _threshold(call.closes_at, now)
        if days is None:
            continue
        drafts = list(
            call.applications.filter(status=Application.Status.DRAFT)
            .select_related("applicant", "call")
            .order_by("pk")
        )
        people: dict[int, tuple[Person, list]] = {}
        for application in drafts:
            for person in audience.acting(application.applicant_id):
                people.setdefault(person.pk, (person, []))[1].append(application)
        for person, own in people.values():
            yield Candidate(
                kind=Kind.CALL_DEADLINE,
                key=(
                    f"{_call_key(call)}deadline:{days}d:{call.closes_at:%Y%m%d%H%M}"
                    f":person:{person.pk}"
                ),
                person=person,
                template="call_deadline",
                context={
                    "call": call,
                    "closes_at": when(call.closes_at),
                    "days": days,
                    "applications": own,
                    "call_url": call_url(call),
                },
                subject=lambda c=call: (
                    _("Søknadsfristen for %(title)s er %(date)s")
                    % {"title": c.title, "date": format_datetime(c.closes_at)}
                ),
            )


def _unanswered_requests(today: dt.date, audience: Audience) -> Iterable[Candidate]:
    """Information requests still open after their reply-by day: the applicant people and
    the secretariat, once."""

    requests = InfoRequest.objects.filter(
        answered_at__isnull=True,
        application__status=Application.Status.INFO_REQUESTED,
        reply_by__lt=today,
        reply_by__gte=today - LOOKBACK,
    ).select_related("application__call", "application__applicant", "application__submitted_by")
    for info_request in requests:
        application = info_request.application
        context = _application_context(
            application,
            info_request=info_request,
            reply_by=on(info_request.reply_by),
            sections=_section_labels(application, info_request.sections),
            reply_url=_url(
                "partnerpot:info_reply", application.pk, fallback=application_url(application)
            ),
        )
        applicant_ids = set()
        for person in audience.applicant_people(application):
            applicant_ids.add(person.pk)
            yield Candidate(
                kind=Kind.INFO_REQUEST_UNANSWERED,
                key=f"{_info_key(info_request)}unanswered:person:{person.pk}",
                person=person,
                template="info_unanswered",
                context={**context, "for_secretariat": False},
                subject=lambda a=application, r=info_request: (
                    _("Påminnelse: svar på forespørselen om søknad %(ref)s (frist %(date)s)")
                    % {"ref": a.reference, "date": format_date(r.reply_by)}
                ),
            )
        for person in audience.secretariat():
            if person.pk in applicant_ids:
                continue
            yield Candidate(
                kind=Kind.INFO_REQUEST_UNANSWERED,
                key=f"{_info_key(info_request)}unanswered:person:{person.pk}",
                person=person,
                template="info_unanswered",
                context={**context, "for_secretariat": True},
                subject=lambda a=application, r=info_request: (
                    _("Søknad %(ref)s: ikke svart innen %(date)s")
                    % {"ref": a.reference, "date": format_date(r.reply_by)}
                ),
            )


def _reports(today: dt.date, audience: Audience) -> Iterable[Candidate]:
    """Final reports not submitted: due within 14 days (the applicant people), overdue (the
    applicant people and the secretariat), each once per due date."""

    grants = (
        Grant.objects.filter(
            status__in=(Grant.Status.AWARDED, Grant.Status.PAID_OUT),
            report_due_on__gte=today - LOOKBACK,
            report_due_on__lte=today + dt.timedelta(days=REPORT_DUE_REMINDER_DAYS),
        )
        .exclude(report__status__in=(GrantReport.Status.SUBMITTED, GrantReport.Status.APPROVED))
        .select_related("application__call", "application__applicant", "application__submitted_by")
    )
    for grant in grants:
        application = grant.application
        overdue = grant.report_due_on < today
        kind = Kind.GRANT_REPORT_OVERDUE if overdue else Kind.GRANT_REPORT_DUE
        step = "report_overdue" if overdue else "report_due"
        context = _application_context(
            application,
            grant=grant,
            report_due_on=on(grant.report_due_on),
            grant_url=grant_url(grant),
            report_url=report_url(grant),
        )
        people = [(p, False) for p in audience.applicant_people(application)]
        if overdue:
            seen = {p.pk for p, _s in people}
            people += [(p, True) for p in audience.secretariat() if p.pk not in seen]
        for person, for_secretariat in people:
            if overdue:

                def subject(a=application, g=grant) -> str:
                    return _("Sluttrapporten for %(ref)s skulle vært sendt %(date)s") % {
                        "ref": a.reference,
                        "date": format_date(g.report_due_on),
                    }
            else:

                def subject(a=application, g=grant) -> str:
                    return _("Frist for sluttrapport for %(ref)s: %(date)s") % {
                        "ref": a.reference,
                        "date": format_date(g.report_due_on),
                    }

            yield Candidate(
                kind=kind,
                key=f"{_grant_key(grant)}{step}:{grant.report_due_on:%Y%m%d}:person:{person.pk}",
                person=person,
                template=step,
                context={**context, "for_secretariat": for_secretariat},
                subject=subject,
            )


def due_reminders(*, now: dt.datetime | None = None) -> list[Candidate]:
    now = now or timezone.now()
    audience = Audience()
    found = list(_call_deadlines(now, audience))
    local = now.astimezone(OSLO)
    if local.hour >= REMINDER_HOUR:
        today = local.date()
        found += [*_unanswered_requests(today, audience), *_reports(today, audience)]
    return found


def schedule_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue every reminder that is due and not queued before; returns how many were new.

    Idempotent: each reminder's key names the object, the threshold or due date and the
    recipient, so a second run, or two beats at once, add nothing. Only new ones are rendered.
    """
    candidates = due_reminders(now=now)
    seen = outbox.existing_keys(c.key for c in candidates)
    drafts = []
    for c in candidates:
        if c.key in seen:
            continue
        seen.add(c.key)
        drafts.append(
            _draft(
                kind=c.kind,
                key=c.key,
                person=c.person,
                template=c.template,
                context=c.context,
                subject=c.subject,
            )
        )
    return outbox.enqueue(drafts)
