"""The ministries' briefing (issue 14 §2, R7).

The secretariat flags agenda items, decisions and applications as being of political interest,
with a short note (``flag_set``, ``flag_remove``; the candidates of a period are listed by
``flag_candidates``). A briefing for a period (meetings held and their decisions, the flagged
matters, upcoming meetings) is requested on demand or by beat once a quarter
(``briefing_request``, ``quarterly_briefing``) and made by a task on the PDF queue
(``briefing_task``): one PDF/UA-1, stored, and one e-mail with the PDF to each member of the
state actors' group, through the outbox.

Exactly once per recipient and period: the ``Briefing`` row is unique per period, the task
works under a row lock and does nothing once the briefing is sent, and every e-mail's
idempotency key names the period and the recipient, so two beat ticks, two requests or a task
run twice (``acks_late`` after a lost worker) give one e-mail each.

What the recipients may see (R7): the state group's own meetings are not part of the briefing
(its members hold them); an exempt agenda item, or a decision on one, is in the briefing only
when every recipient may read it (a member of its body, or the secretariat), else it is left
out and counted; applications appear only once submitted, and never with the secretariat's
assessment.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings import access as meetings_access
from meetings.models import OSLO, AgendaItem, Decision, Meeting
from meetings.pdf import _render, _short_date, _w3c
from partnerpot import access as partnerpot_access
from partnerpot.models import Application
from partnership import outbox
from partnership.models import Body, Membership, OutboxMessage, Person

from .models_briefing import Briefing, PoliticalFlag

logger = logging.getLogger(__name__)

HELD_STATUSES = (
    Meeting.Status.HELD,
    Meeting.Status.MINUTES_DRAFT,
    Meeting.Status.MINUTES_APPROVED,
)
UPCOMING_DAYS = 92  # about a quarter ahead
MAX_PERIOD_DAYS = 366
EARLIEST_YEAR = 2000


class Kind(models.TextChoices):
    BRIEFING = "reports_briefing", gettext_lazy("Orientering til departementene")


# --- Periods ----------------------------------------------------------------------------------
def today() -> dt.date:
    return timezone.localdate(timezone=OSLO)


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end_month = first_month + 2
    next_month = dt.date(day.year + (end_month == 12), end_month % 12 + 1, 1)
    return start, next_month - dt.timedelta(days=1)


def previous_quarter(day: dt.date) -> tuple[dt.date, dt.date]:
    start, _end = quarter_of(day)
    return quarter_of(start - dt.timedelta(days=1))


def validate_period(start: dt.date, end: dt.date, *, day: dt.date | None = None) -> None:
    """A period must run forwards, start no later than today, and last at most a year."""
    day = day or today()
    if end < start:
        raise ValidationError(
            {"period_end": _("Perioden må slutte samme dag som eller etter at den starter.")}
        )
    if start > day:
        raise ValidationError(
            {
                "period_start": _(
                    "Perioden kan ikke starte fram i tid. Velg en periode som har begynt."
                )
            }
        )
    if start.year < EARLIEST_YEAR:
        raise ValidationError({"period_start": _("Velg en periode etter år 2000.")})
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ValidationError({"period_end": _("En orientering kan dekke høyst ett år.")})


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=OSLO)


# --- Flags ------------------------------------------------------------------------------------
def _require_secretariat(user) -> None:
    if not meetings_access.is_secretariat(user):
        raise ValidationError(_("Bare sekretariatet kan merke saker av politisk interesse."))


@transaction.atomic
def flag_set(*, target, note: str, by) -> PoliticalFlag:
    """Flag ``target`` (an agenda item, a decision or a submitted application, fetched through
    its app's access function) with ``note``; an existing flag gets the new note."""
    _require_secretariat(by)
    note = " ".join((note or "").split())
    kind = {AgendaItem: "agenda_item", Decision: "decision", Application: "application"}.get(
        type(target)
    )
    if kind is None:
        raise ValueError(target)
    if kind == "application" and target.submitted_at is None:
        raise ValidationError(_("Bare innsendte søknader kan merkes."))
    existing = PoliticalFlag.objects.select_for_update().filter(**{kind: target}).first()
    flag = existing or PoliticalFlag(**{kind: target})
    flag.note = note
    if existing is None:
        flag.flagged_by = by
        flag.flagged_at = timezone.now()
    flag.full_clean(validate_unique=False, validate_constraints=False)
    flag.save()
    return flag


@transaction.atomic
def flag_remove(*, flag: PoliticalFlag, by) -> None:
    _require_secretariat(by)
    flag.delete()


def _in_period_q(start: dt.date, end: dt.date) -> Q:
    return (
        Q(agenda_item__meeting__starts_at__gte=_day_start(start))
        & Q(agenda_item__meeting__starts_at__lt=_day_start(end + dt.timedelta(days=1)))
        | Q(decision__decided_on__gte=start, decision__decided_on__lte=end)
        | Q(application__submitted_at__gte=_day_start(start))
        & Q(application__submitted_at__lt=_day_start(end + dt.timedelta(days=1)))
    )


def flags_for_period(start: dt.date, end: dt.date):
    """Flags on matters of the period (the item's meeting, the decision's date, the
    application's submission), or set during it."""
    return (
        PoliticalFlag.objects.filter(
            _in_period_q(start, end)
            | Q(flagged_at__gte=_day_start(start))
            & Q(flagged_at__lt=_day_start(end + dt.timedelta(days=1)))
        )
        .select_related(
            "agenda_item__body",
            "agenda_item__meeting",
            "decision__body",
            "decision__agenda_item",
            "application__applicant",
            "flagged_by",
        )
        .order_by("flagged_at", "pk")
    )


@dataclass
class Candidates:
    """What the secretariat may flag in a period, each with its flag (or None)."""

    agenda_items: list
    decisions: list
    applications: list


def flag_candidates(user, *, start: dt.date, end: dt.date) -> Candidates:
    """The period's agenda items and decisions the user sees (meetings.access) and the
    applications submitted in it, with their flags; a constant number of queries."""
    begin, stop = _day_start(start), _day_start(end + dt.timedelta(days=1))
    items = list(
        AgendaItem.objects.filter(
            meetings_access.visible_meetings_q(user, "meeting__"),
            meeting__starts_at__gte=begin,
            meeting__starts_at__lt=stop,
        )
        .exclude(meeting__body__kind=Body.Kind.STATE_GROUP)
        .select_related("body", "meeting")
        .order_by("meeting__starts_at", "position", "number")
    )
    decisions = list(
        Decision.objects.filter(
            meetings_access.visible_decisions_q(user), decided_on__gte=start, decided_on__lte=end
        )
        .exclude(body__kind=Body.Kind.STATE_GROUP)
        .select_related("body", "agenda_item")
        .order_by("decided_on", "number")
    )
    applications = list(
        Application.objects.filter(
            partnerpot_access.visible_applications_q(user),
            submitted_at__gte=begin,
            submitted_at__lt=stop,
        )
        .select_related("applicant")
        .order_by("submitted_at")
    )
    flags = PoliticalFlag.objects.filter(
        Q(agenda_item__in=[i.pk for i in items])
        | Q(decision__in=[d.pk for d in decisions])
        | Q(application__in=[a.pk for a in applications])
    )
    by_target = {(f.kind, getattr(f, f"{f.kind}_id")): f for f in flags}
    for kind, rows in (
        ("agenda_item", items),
        ("decision", decisions),
        ("application", applications),
    ):
        for row in rows:
            row.political_flag = by_target.get((kind, row.pk))
    return Candidates(agenda_items=items, decisions=decisions, applications=applications)


# --- Who receives it, and what they may see ---------------------------------------------------
def recipients(day: dt.date | None = None) -> list[Person]:
    """The active members of the state actors' group(s) (R7), each once."""
    day = day or today()
    return list(
        Person.objects.filter(
            is_active=True,
            pk__in=Membership.objects.active_on(day)
            .filter(body__kind=Body.Kind.STATE_GROUP)
            .values("person_id"),
        ).order_by("full_name", "pk")
    )


@dataclass(frozen=True)
class Audience:
    """What every recipient may read: exempt matters of these bodies (all of them when
    ``all_bodies``)."""

    exempt_body_ids: frozenset[int] = frozenset()
    all_bodies: bool = False

    def may_see(self, body_id: int, exempt: bool) -> bool:
        return not exempt or self.all_bodies or body_id in self.exempt_body_ids


def audience_of(people: list[Person]) -> Audience:
    """The intersection of the recipients' rights to exempt matters (meetings.access): a
    body's exempt items are for its members and the secretariat."""
    if not people:
        return Audience()
    if all(meetings_access.is_secretariat(p) for p in people):
        return Audience(all_bodies=True)
    common: frozenset[int] | None = None
    for person in people:
        if meetings_access.is_secretariat(person):
            continue
        bodies = meetings_access.member_body_ids(person)
        common = bodies if common is None else common & bodies
    return Audience(exempt_body_ids=common or frozenset())


# --- The content ------------------------------------------------------------------------------
@dataclass
class FlagRow:
    kind: str
    label: str
    title: str
    when: dt.date | None
    note: str
    extra: str = ""


@dataclass
class BriefingContent:
    start: dt.date
    end: dt.date
    meetings: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    flags: list[FlagRow] = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    withheld_keys: set = field(default_factory=set)  # (kind, pk) of what was left out

    @property
    def withheld(self) -> int:
        return len(self.withheld_keys)

    @property
    def is_empty(self) -> bool:
        return not (self.meetings or self.decisions or self.flags or self.upcoming)


def _flag_row(flag: PoliticalFlag, audience: Audience) -> FlagRow | None:
    if flag.agenda_item_id:
        item = flag.agenda_item
        if item.body.kind == Body.Kind.STATE_GROUP or not audience.may_see(
            item.body_id, item.exempt
        ):
            return None
        return FlagRow(
            _("Sak"),
            item.label,
            item.title,
            item.meeting.starts_at.astimezone(OSLO).date(),
            flag.note,
        )
    if flag.decision_id:
        decision = flag.decision
        if decision.body.kind == Body.Kind.STATE_GROUP or not audience.may_see(
            decision.body_id, decision.is_exempt
        ):
            return None
        return FlagRow(
            _("Vedtak"),
            decision.label,
            decision.title,
            decision.decided_on,
            flag.note,
            decision.text,
        )
    application = flag.application
    if application.submitted_at is None:
        return None
    return FlagRow(
        _("Søknad til Partnerpotten"),
        application.reference,
        application.title,
        application.submitted_at.astimezone(OSLO).date(),
        flag.note,
        _("Søker: %(applicant)s. Status: %(status)s.")
        % {"applicant": application.applicant.name, "status": application.get_status_display()},
    )


def briefing_content(
    *, start: dt.date, end: dt.date, audience: Audience, day: dt.date | None = None
) -> BriefingContent:
    """The briefing's facts for ``[start, end]`` as ``audience`` may see them."""
    day = day or today()
    begin, stop = _day_start(start), _day_start(end + dt.timedelta(days=1))
    content = BriefingContent(start=start, end=end)
    content.meetings = list(
        Meeting.objects.filter(
            starts_at__gte=begin, starts_at__lt=stop, status__in=HELD_STATUSES, suggested=False
        )
        .exclude(body__kind=Body.Kind.STATE_GROUP)
        .select_related("body")
        .annotate(decision_count=Count("decisions"))
        .order_by("starts_at", "pk")
    )
    for decision in (
        Decision.objects.filter(decided_on__gte=start, decided_on__lte=end)
        .exclude(body__kind=Body.Kind.STATE_GROUP)
        .select_related("body", "agenda_item")
        .order_by("decided_on", "body__short_name", "number")
    ):
        if audience.may_see(decision.body_id, decision.is_exempt):
            content.decisions.append(decision)
        else:
            content.withheld_keys.add(("decision", decision.pk))
    for flag in flags_for_period(start, end):
        row = _flag_row(flag, audience)
        if row is None:
            content.withheld_keys.add((flag.kind, getattr(flag, f"{flag.kind}_id")))
        else:
            content.flags.append(row)
    ahead = max(end + dt.timedelta(days=1), day)
    content.upcoming = list(
        Meeting.objects.filter(
            starts_at__gte=_day_start(ahead),
            starts_at__lt=_day_start(ahead + dt.timedelta(days=UPCOMING_DAYS)),
            status__in=Meeting.UPCOMING_STATUSES,
            suggested=False,  # a time a working group has not confirmed is no meeting yet
        )
        .exclude(body__kind=Body.Kind.STATE_GROUP)
        .select_related("body")
        .order_by("starts_at", "pk")
    )
    return content


# --- The PDF ----------------------------------------------------------------------------------
def briefing_title(briefing: Briefing) -> str:
    return _("Orientering til departementene %(start)s–%(end)s") % {
        "start": _short_date(briefing.period_start),
        "end": _short_date(briefing.period_end),
    }


def briefing_filename(briefing: Briefing) -> str:
    return f"orientering-{briefing.key}.pdf"


def briefing_pdf(*, briefing: Briefing, content: BriefingContent) -> bytes:
    """The briefing as PDF/UA-1 in the briefing's language (meetings.pdf conventions)."""
    language = briefing.language
    with translation.override(language), timezone.override(OSLO):
        context = {
            "document_title": briefing_title(briefing),
            "description": _("Orientering om partnernes aktiviteter"),
            "created": _w3c(timezone.now()),
            "content": content,
            "start": _short_date(content.start),
            "end": _short_date(content.end),
        }
    return _render(template_name="reports/pdf/briefing.html", context=context, language=language)


def briefing_storage_name(briefing: Briefing) -> str:
    return f"reports/briefings/{briefing.pk}/{briefing_filename(briefing)}"


def _store(briefing: Briefing, data: bytes) -> str:
    """Store under a temporary name, then under the final one, so a half-written file is
    never the briefing's."""
    name = briefing_storage_name(briefing)
    temporary = default_storage.save(f"{name}.part", ContentFile(data))
    try:
        if default_storage.exists(name):
            default_storage.delete(name)
        with default_storage.open(temporary, "rb") as source:
            saved = default_storage.save(name, source)
    finally:
        default_storage.delete(temporary)
    return saved


@outbox.attachment_renderer
def briefing_attachment(*, language: str, briefing_id: int) -> outbox.Attachment | None:
    """The stored PDF, attached when the e-mail is sent."""
    briefing = Briefing.objects.filter(pk=briefing_id).first()
    if briefing is None or not briefing.pdf or not default_storage.exists(briefing.pdf):
        return None
    with default_storage.open(briefing.pdf, "rb") as handle:
        data = handle.read()
    return outbox.Attachment(briefing_filename(briefing), data, "application/pdf")


# --- Sending ----------------------------------------------------------------------------------
def message_key(briefing: Briefing, person: Person) -> str:
    return f"reports:briefing:{briefing.key}:{person.pk}"


def sent_messages(briefing: Briefing):
    """The briefing's e-mails: who it went to and how far each has come."""
    return (
        OutboxMessage.objects.filter(
            idempotency_key__startswith=f"reports:briefing:{briefing.key}:"
        )
        .select_related("recipient")
        .order_by("to_email")
    )


def _drafts(briefing: Briefing, people: list[Person]) -> list[outbox.Draft]:
    keys = {person.pk: message_key(briefing, person) for person in people}
    done = outbox.existing_keys(keys.values())
    url = outbox.absolute_url("reports:briefing_detail", briefing.pk)
    drafts = []
    for person in people:
        if keys[person.pk] in done or not person.email:
            continue
        drafts.append(
            outbox.compose(
                kind=Kind.BRIEFING,
                idempotency_key=keys[person.pk],
                template="reports/email/briefing",
                context={"briefing": briefing, "briefing_url": url},
                subject=lambda: briefing_title(briefing),
                recipient=person,
                attachment=outbox.attachment_spec(briefing_attachment, briefing_id=briefing.pk),
            )
        )
    return drafts


def briefing_make_and_send(*, briefing_id: int) -> str:
    """Make the briefing's PDF and send it once to each recipient. Under the row's lock, so
    two runs cannot both send; a sent briefing is left as it is. A failure is recorded on
    the briefing with its reason (the secretariat may try again)."""
    with transaction.atomic():
        briefing = Briefing.objects.select_for_update().filter(pk=briefing_id).first()
        if briefing is None:
            return "missing"
        if briefing.status == Briefing.Status.SENT:
            return "already sent"
        people = recipients()
        try:
            content = briefing_content(
                start=briefing.period_start, end=briefing.period_end, audience=audience_of(people)
            )
            data = briefing_pdf(briefing=briefing, content=content)
            briefing.pdf = _store(briefing, data)
        except Exception as exc:  # recorded and shown; the task is not retried blindly
            logger.exception("reports.briefing: briefing %s failed", briefing_id)
            briefing.status = Briefing.Status.FAILED
            briefing.error = f"{type(exc).__name__}: {exc}"[:1000]
            briefing.save(update_fields=["status", "error"])
            return "failed"
        outbox.enqueue(_drafts(briefing, people))
        briefing.status = Briefing.Status.SENT
        briefing.error = ""
        briefing.sent_at = timezone.now()
        briefing.save(update_fields=["pdf", "status", "error", "sent_at"])
    return "sent"


@shared_task(name="pdf.reports_briefing", ignore_result=True)
def briefing_task(*, briefing_id: int) -> str:
    return briefing_make_and_send(briefing_id=briefing_id)


def _queue(briefing_id: int) -> None:
    try:
        briefing_task.apply_async(kwargs={"briefing_id": briefing_id})
    except Exception:  # the broker; the briefing stays pending and can be requested again
        logger.warning("Could not queue briefing %s", briefing_id, exc_info=True)


def briefing_request(
    *,
    period_start: dt.date,
    period_end: dt.date,
    requested_by: Person | None = None,
    language: str | None = None,
    day: dt.date | None = None,
) -> tuple[Briefing, bool]:
    """Ask for the briefing of a period; returns it and whether this call created it.

    One briefing per period: asking again gives the same row, and its task is queued again
    unless it has been sent (the task does nothing twice). A failed one is retried."""
    if requested_by is not None:
        _require_secretariat(requested_by)
    validate_period(period_start, period_end, day=day)
    with transaction.atomic():
        briefing, created = Briefing.objects.get_or_create(
            period_start=period_start,
            period_end=period_end,
            defaults={
                "requested_by": requested_by,
                "language": language or settings.LANGUAGE_CODE,
            },
        )
        if not created and briefing.status == Briefing.Status.FAILED:
            briefing.status = Briefing.Status.PENDING
            briefing.error = ""
            briefing.save(update_fields=["status", "error"])
        if briefing.status != Briefing.Status.SENT:
            transaction.on_commit(lambda pk=briefing.pk: _queue(pk))
    return briefing, created


@shared_task(name="reports.quarterly_briefing", ignore_result=True)
def quarterly_briefing() -> int:
    """Beat, at the start of each quarter: the briefing of the quarter just ended."""
    start, end = previous_quarter(today())
    briefing, _created = briefing_request(period_start=start, period_end=end)
    return briefing.pk
