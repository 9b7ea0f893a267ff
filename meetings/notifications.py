"""Who gets which meeting e-mail, and what it says (issue 3 §3 notice, §7 reminders).

Every message goes through the outbox (``partnership.outbox``): it is written in the
transaction of the change it tells about and sent by a worker afterwards.

- ``send_notice``: the notice (innkalling) of a meeting to the body's members and
  deputies, with the secretariat on copy for working groups (R5), in one transaction
  with the status change.
- ``schedule_reminders`` (beat, every five minutes): notice due, proposal deadline
  approaching, minutes not approved, follow-ups due and overdue. Each reminder has an
  idempotency key, so running it again creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace

from celery import shared_task
from django.db import models, transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import slugify
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnership import formats as portal_formats
from partnership import outbox, timeutils
from partnership.models import Body, Membership, OutboxMessage, Person

from . import absence, extensions, ical, selectors, services
from .mailparts import When, meeting_url
from .models import OSLO, AgendaItem, FollowUp, Meeting, MeetingSettings
from .pdf import notice_pdf
from .services import meetings as meeting_services

logger = logging.getLogger(__name__)


class Kind(models.TextChoices):
    """The kinds of e-mail about meetings (registered with the core in ``apps.py``)."""

    MEETING_NOTICE = "meeting_notice", gettext_lazy("Innkalling til møte")
    MEETING_SUPPLEMENT = "meeting_supplement", gettext_lazy("Tilleggsinnkalling til møte")
    MEETING_CHANGED = "meeting_changed", gettext_lazy("Endring i et møte du er kalt inn til")
    MEETING_CANCELLED = "meeting_cancelled", gettext_lazy("Avlysning av et møte du er kalt inn til")
    NOTICE_DUE = "notice_due", gettext_lazy("Påminnelse om å sende innkalling")
    PROPOSAL_DEADLINE = "proposal_deadline", gettext_lazy("Fristen for saksforslag nærmer seg")
    MINUTES_NOT_APPROVED = "minutes_not_approved", gettext_lazy("Referat som ennå ikke er godkjent")
    FOLLOW_UP_DUE = "follow_up_due", gettext_lazy("Oppfølgingspunkter med frist om kort tid")
    FOLLOW_UP_OVERDUE = (
        "follow_up_overdue",
        gettext_lazy("Oppfølgingspunkter som har passert fristen"),
    )


# A notice is a formal call to a meeting: nobody can turn it off.
# So are the supplementary notice and the news that a meeting was moved or cancelled.
MANDATORY_KINDS = frozenset(
    {Kind.MEETING_NOTICE, Kind.MEETING_SUPPLEMENT, Kind.MEETING_CHANGED, Kind.MEETING_CANCELLED}
)

# Everyone seated in the body on the meeting date gets the notice: members and deputies,
# observers and the secretary too (issue 3 §3).
NOTICE_ROLES = tuple(Membership.Role.values)
# Reminders before a deadline or after a meeting (issue 3 §7).
PROPOSAL_REMINDER_DAYS = 3
FOLLOW_UP_REMINDER_DAYS = 3
# Reminders that follow a calendar day (follow-ups) are sent from this hour (Oslo), not at night.
REMINDER_HOUR = 7
# Reminders are not made for what fell due longer ago than this: when the feature is switched
# on, or after an outage, old meetings and follow-ups do not flood anyone's inbox.
LOOKBACK = dt.timedelta(days=30)


# --- Small helpers ----------------------------------------------------------------------------
def _meeting_context(meeting: Meeting, **extra) -> dict:
    return {"meeting": meeting, "when": When(meeting), "meeting_url": meeting_url(meeting), **extra}


def _date(moment: dt.datetime | dt.date) -> str:
    return portal_formats.date(moment)


def _people(memberships: QuerySet[Membership]) -> list[Person]:
    """Active people holding the memberships, each once, by name."""
    return list(
        Person.objects.filter(is_active=True, pk__in=memberships.values("person_id")).order_by(
            "full_name", "pk"
        )
    )


def secretariat_people() -> list[Person]:
    """Everyone seated in a Sekretariat body today."""
    return _people(Membership.objects.active_on().filter(body__kind=Body.Kind.SECRETARIAT))


def body_leaders(body: Body, day: dt.date | None = None) -> list[Person]:
    return _people(Membership.objects.active_on(day).filter(body=body, role=Membership.Role.LEADER))


def working_group_leaders() -> list[Person]:
    return _people(
        Membership.objects.active_on().filter(
            body__kind=Body.Kind.WORKING_GROUP, role=Membership.Role.LEADER
        )
    )


class Audience:
    """Who holds which seat today, each looked up once per scheduling run (a run may ask for
    the secretariat or a body's leader for many meetings)."""

    def __init__(self):
        self._secretariat: list[Person] | None = None
        self._group_leaders: list[Person] | None = None
        self._leaders: dict[int, list[Person]] = {}

    def secretariat(self) -> list[Person]:
        if self._secretariat is None:
            self._secretariat = secretariat_people()
        return self._secretariat

    def working_group_leaders(self) -> list[Person]:
        if self._group_leaders is None:
            self._group_leaders = working_group_leaders()
        return self._group_leaders

    def leaders(self, body: Body) -> list[Person]:
        if body.pk not in self._leaders:
            self._leaders[body.pk] = body_leaders(body)
        return self._leaders[body.pk]

    def meeting_managers(self, meeting: Meeting) -> list[Person]:
        """Who is reminded to call a meeting or to have its minutes approved.

        The secretariat, and for a working group its leader too (leaders manage their group's
        meetings). The state actors' group is run by its own members (R7): its leader only,
        so nobody outside the group learns of its meetings.
        """
        if meeting.body.kind == Body.Kind.STATE_GROUP:
            return self.leaders(meeting.body)
        people = {p.pk: p for p in self.secretariat()}
        if meeting.body.kind == Body.Kind.WORKING_GROUP:
            people.update({p.pk: p for p in self.leaders(meeting.body)})
        return sorted(people.values(), key=lambda p: (p.full_name, p.pk))


# --- The notice (innkalling) ------------------------------------------------------------------
@outbox.attachment_renderer
def notice_pdf_attachment(
    *, meeting_id: int, language: str, withheld: list[int] | None = None
) -> outbox.Attachment | None:
    """The notice as PDF (``meetings.pdf.notice_pdf``), made when the e-mail is sent; one
    variant per distinct set of ``withheld`` items (the dispatcher renders each spec once)."""

    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        return None
    with translation.override(language):
        name = slugify(f"{_('innkalling')} {meeting.body.short_name} {meeting.local_date:%Y-%m-%d}")
    content = notice_pdf(meeting=meeting, language=language, withheld=frozenset(withheld or ()))
    return outbox.Attachment(f"{name}.pdf", content, "application/pdf")


@dataclass(frozen=True)
class NoticeRecipient:
    person: Person
    copy: bool  # the secretariat's copy of a working group's notice (R5)


def notice_recipients(meeting: Meeting) -> list[NoticeRecipient]:
    """Members and deputies (every role) seated in the body on the meeting date; for a working
    group, everyone in the secretariat today on copy (R5). Each person once."""
    members = _people(
        Membership.objects.active_on(meeting.local_date).filter(
            body_id=meeting.body_id, role__in=NOTICE_ROLES
        )
    )
    recipients = [NoticeRecipient(p, copy=False) for p in members]
    if meeting.body.kind == Body.Kind.WORKING_GROUP:
        seen = {p.pk for p in members}
        recipients += [
            NoticeRecipient(p, copy=True) for p in secretariat_people() if p.pk not in seen
        ]
    return recipients


def _notice_drafts(
    meeting: Meeting,
    *,
    kind: str,
    key: str,
    template: str,
    subject: object,
    items: list[AgendaItem],
) -> list[outbox.Draft]:
    """One message per notice recipient with the notice PDF (the whole agenda) attached.

    ``items`` are the items the message lists (the whole agenda for the notice, the added ones
    for a supplement). A recipient conflicted on an item gets the message and its PDF without
    that item's proposed decision (issue 10 §2); everyone else shares one PDF. ``key`` and
    ``subject(copy)`` make each recipient's idempotency key and subject.
    """
    agenda = selectors.meeting_agenda(meeting=meeting)
    conflicts = extensions.conflicted_people(item.pk for item in agenda)
    drafts = []
    for r in notice_recipients(meeting):
        withheld = extensions.withheld_item_ids(person_id=r.person.pk, conflicts=conflicts)
        attachment = outbox.attachment_spec(
            notice_pdf_attachment,
            meeting_id=meeting.pk,
            **({"withheld": sorted(withheld)} if withheld else {}),
        )
        drafts.append(
            outbox.compose(
                kind=kind,
                idempotency_key=f"{key}:person:{r.person.pk}",
                template=template,
                context=_meeting_context(
                    meeting,
                    items=selectors.withhold(items, withheld),
                    copy=r.copy,
                    absence_url="" if r.copy else absence.link_for(meeting, r.person),
                ),
                subject=partial(subject, r.copy),
                recipient=r.person,
                attachment=attachment,
            )
        )
    return drafts


def notice_drafts(meeting: Meeting) -> list[outbox.Draft]:
    """One notice per recipient, in each recipient's language.

    The agenda is the whole agenda: every recipient is a member of the body or in the
    secretariat, who may see exempt items (``meetings.access``). An exempt item shows only its
    number, title and legal basis; its papers stay behind the portal's login.
    """

    def subject(copy: bool) -> str:
        values = {"meeting": meeting.display_title, "date": _date(meeting.starts_at)}
        if copy:
            return _("Kopi av innkalling: %(meeting)s %(date)s") % values
        return _("Innkalling: %(meeting)s %(date)s") % values

    return _notice_drafts(
        meeting,
        kind=Kind.MEETING_NOTICE,
        # The sequence rises with every status change: a meeting cancelled and called
        # again gets a new notice, a double click on "send" does not.
        key=f"meeting_notice:meeting:{meeting.pk}:v{meeting.sequence}",
        template="meetings/email/notice",
        subject=subject,
        items=selectors.meeting_agenda(meeting=meeting),
    )


@transaction.atomic
def send_notice(*, meeting: Meeting, by: Person | None = None) -> Meeting:
    """Send the notice of a meeting: the status becomes "notice sent" and one e-mail per
    recipient is queued, all in one transaction (a rollback queues nothing).

    Refused with a clear message (``ValidationError``) for a meeting in the past or one whose
    status does not allow it (``services.meeting_send_notice``).
    """
    meeting = services.meeting_send_notice(meeting=meeting, by=by)
    outbox.enqueue(notice_drafts(meeting))
    return meeting


# --- Changes after the notice (issue 11 §3) ---------------------------------------------------
@transaction.atomic
def send_supplement(*, meeting: Meeting, by: Person | None = None) -> tuple[Meeting, int]:
    """Send a supplementary notice (tilleggsinnkalling): the items added since the notice or the
    last supplement, to everyone the notice goes to, with the updated notice PDF. Returns the
    meeting and how many e-mails were queued. Each supplement has its number in the key, so
    the same items are never sent twice; refused (``ValidationError``) when nothing is new."""
    meeting, items = services.meeting_send_supplement(meeting=meeting, by=by)

    def subject(copy: bool) -> str:
        values = {"meeting": meeting.display_title, "date": _date(meeting.starts_at)}
        if copy:
            return _("Kopi av tilleggsinnkalling: %(meeting)s %(date)s") % values
        return _("Tilleggsinnkalling: %(meeting)s %(date)s") % values

    drafts = _notice_drafts(
        meeting,
        kind=Kind.MEETING_SUPPLEMENT,
        key=f"meeting_supplement:meeting:{meeting.pk}:n{meeting.supplements_sent}",
        template="meetings/email/supplement",
        subject=subject,
        items=items,
    )
    return meeting, outbox.enqueue(drafts)


def change_recipients(meeting: Meeting) -> list[Person]:
    """Everyone who got the notice of the meeting (its outbox rows), and everyone the notice
    would go to now (a notice sent outside the portal has no rows); each person once."""
    notified = Person.objects.filter(
        is_active=True,
        pk__in=OutboxMessage.objects.filter(
            idempotency_key__startswith=f"meeting_notice:meeting:{meeting.pk}:",
            recipient__isnull=False,
        ).values("recipient_id"),
    )
    people = {p.pk: p for p in notified}
    people.update({r.person.pk: r.person for r in notice_recipients(meeting)})
    return sorted(people.values(), key=lambda p: (p.full_name, p.pk))


@outbox.attachment_renderer
def meeting_change_ics(
    *, meeting_id: int, language: str, cancel: bool = False
) -> outbox.Attachment | None:
    """The .ics of a change or cancellation e-mail, made when the e-mail is sent."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        return None
    with translation.override(language):
        content = ical.meeting_message_ics(meeting, cancel=cancel)
    return outbox.Attachment("mote.ics", content, "text/calendar")


def change_key(*, meeting_id: int, sequence: int, change: str, person_id: int) -> str:
    return f"meeting_{change}:meeting:{meeting_id}:v{sequence}:person:{person_id}"


def _previous_time(starts_at: str, ends_at: str):
    """When a moved meeting was before (``mailparts.When`` reads only these two)."""
    if not starts_at or not ends_at:
        return None
    return When(
        SimpleNamespace(
            starts_at=dt.datetime.fromisoformat(starts_at),
            ends_at=dt.datetime.fromisoformat(ends_at),
        )
    )


def send_meeting_change(
    *,
    meeting_id: int,
    sequence: int,
    change: str,
    previous_starts_at: str = "",
    previous_ends_at: str = "",
) -> int:
    """Queue the e-mail about one change of a noticed meeting (moved or otherwise changed, or
    cancelled) to everyone who got the notice, with an updated .ics. One row per person per
    change (the meeting's SEQUENCE after it): running this twice queues nothing new. A moved
    meeting's e-mail says when it was before (``previous_*``, ISO 8601) as well as now."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    cancelled = change == meeting_services.CANCELLED
    kind = Kind.MEETING_CANCELLED if cancelled else Kind.MEETING_CHANGED
    people = change_recipients(meeting)
    keys = {
        p.pk: change_key(meeting_id=meeting_id, sequence=sequence, change=change, person_id=p.pk)
        for p in people
    }
    seen = outbox.existing_keys(keys.values())
    values = {"meeting": meeting.display_title, "date": _date(meeting.starts_at)}

    def subject() -> str:
        if cancelled:
            return _("Avlyst: %(meeting)s %(date)s") % values
        return _("Endret: %(meeting)s %(date)s") % values

    attachment = outbox.attachment_spec(
        meeting_change_ics, meeting_id=meeting_id, **({"cancel": True} if cancelled else {})
    )
    drafts = [
        outbox.compose(
            kind=kind,
            idempotency_key=keys[person.pk],
            template="meetings/email/meeting_changed",
            context=_meeting_context(
                meeting,
                cancelled=cancelled,
                previous_when=_previous_time(previous_starts_at, previous_ends_at),
            ),
            subject=subject,
            recipient=person,
            attachment=attachment,
        )
        for person in people
        if keys[person.pk] not in seen
    ]
    return outbox.enqueue(drafts)


@shared_task(name="meetings.tasks.send_meeting_change")
def send_meeting_change_task(
    meeting_id: int,
    sequence: int,
    change: str,
    previous_starts_at: str = "",
    previous_ends_at: str = "",
) -> int:
    return send_meeting_change(
        meeting_id=meeting_id,
        sequence=sequence,
        change=change,
        previous_starts_at=previous_starts_at,
        previous_ends_at=previous_ends_at,
    )


def queue_meeting_change(
    *,
    meeting_id: int,
    sequence: int,
    change: str,
    previous_starts_at: str = "",
    previous_ends_at: str = "",
    **_kwargs,
) -> None:
    """Receiver of ``services.meetings.meeting_changed`` (sent on commit): hand the change to a
    worker. A broker that is down must not turn a committed change into an error page; the
    change is then queued in the request (the keys make a later run harmless)."""
    try:
        send_meeting_change_task.apply_async(
            (meeting_id, sequence, change, previous_starts_at, previous_ends_at),
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2},
        )
    except Exception:  # the broker
        logger.warning("Could not queue the change of meeting %s; sending now", meeting_id)
        send_meeting_change(
            meeting_id=meeting_id,
            sequence=sequence,
            change=change,
            previous_starts_at=previous_starts_at,
            previous_ends_at=previous_ends_at,
        )


meeting_services.meeting_changed.connect(
    queue_meeting_change, sender=Meeting, dispatch_uid="meetings.notifications.change"
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
    subject: object  # a callable, evaluated in the recipient's language


def _annotate_days(qs: QuerySet[Meeting], setting: str, base: str, sign: int) -> QuerySet[Meeting]:
    """``moment`` = the meeting's ``base`` time ± the body's ``setting`` in days (its default when
    the body has no settings row), computed in SQL."""
    default = MeetingSettings._meta.get_field(setting).default
    days = Coalesce(F(f"body__meeting_settings__{setting}"), Value(default))
    shift = timeutils.oslo_days_after if sign > 0 else timeutils.oslo_days_before
    return qs.annotate(moment=shift(F(base), days))


def _notice_due(now: dt.datetime, audience: Audience) -> Iterable[Candidate]:
    """Meetings still "planned" whose notice should have gone out (``notice_days`` before)."""
    meetings = _annotate_days(
        Meeting.objects.select_related("body").filter(
            status=Meeting.Status.PLANNED, starts_at__gt=now
        ),
        "notice_days",
        "starts_at",
        -1,
    ).filter(moment__lte=now)
    for meeting in meetings:
        for person in audience.meeting_managers(meeting):
            yield Candidate(
                kind=Kind.NOTICE_DUE,
                key=f"notice_due:meeting:{meeting.pk}:person:{person.pk}:{meeting.starts_at:%Y%m%d%H%M}",
                person=person,
                template="meetings/email/notice_due",
                context=_meeting_context(meeting),
                subject=lambda m=meeting: (
                    _("Påminnelse: send innkalling til %(meeting)s %(date)s")
                    % {"meeting": m.display_title, "date": _date(m.starts_at)}
                ),
            )


def _proposal_deadlines(now: dt.datetime, audience: Audience) -> Iterable[Candidate]:
    """Meetings open for proposals whose deadline is less than three days away: to the
    working groups' leaders, who propose items for their groups."""
    soon = [
        m
        for m in selectors.meetings_open_for_proposals(now=now)
        if timeutils.days_before(m.proposal_deadline, PROPOSAL_REMINDER_DAYS) <= now
    ]
    if not soon:
        return
    leaders = audience.working_group_leaders()
    for meeting in soon:
        deadline = meeting.proposal_deadline
        for person in leaders:
            yield Candidate(
                kind=Kind.PROPOSAL_DEADLINE,
                key=f"proposal_deadline:meeting:{meeting.pk}:person:{person.pk}:{deadline:%Y%m%d%H%M}",
                person=person,
                template="meetings/email/proposal_deadline",
                context=_meeting_context(
                    meeting,
                    deadline=deadline,
                    propose_url=outbox.absolute_url("meetings:proposal_create"),
                ),
                subject=lambda m=meeting, d=deadline: (
                    _("Frist for saksforslag %(deadline)s: %(meeting)s")
                    % {"deadline": _date(d), "meeting": m.display_title}
                ),
            )


def _minutes_not_approved(now: dt.datetime, audience: Audience) -> Iterable[Candidate]:
    """Held meetings whose minutes are not approved ``minutes_reminder_days`` after the end."""
    meetings = _annotate_days(
        Meeting.objects.select_related("body").filter(
            status__in=(Meeting.Status.HELD, Meeting.Status.MINUTES_DRAFT)
        ),
        "minutes_reminder_days",
        "ends_at",
        +1,
    ).filter(moment__lte=now, moment__gte=now - LOOKBACK)
    for meeting in meetings:
        days = (now - meeting.ends_at).days
        for person in audience.meeting_managers(meeting):
            yield Candidate(
                kind=Kind.MINUTES_NOT_APPROVED,
                key=f"minutes_not_approved:meeting:{meeting.pk}:person:{person.pk}",
                person=person,
                template="meetings/email/minutes_not_approved",
                context=_meeting_context(
                    meeting,
                    days=days,
                    minutes_url=outbox.absolute_url(
                        "meetings:minutes", meeting.pk, fallback=meeting_url(meeting)
                    ),
                ),
                subject=lambda m=meeting: (
                    _("Referatet fra %(meeting)s %(date)s er ikke godkjent")
                    % {"meeting": m.display_title, "date": _date(m.starts_at)}
                ),
            )


def _follow_up_people(follow_up: FollowUp, audience: Audience) -> list[Person]:
    """The person responsible; for an item given to a body, that body's leader."""
    person = follow_up.responsible_person
    if person is not None:
        return [person] if person.is_active else []
    if follow_up.responsible_body is not None:
        return audience.leaders(follow_up.responsible_body)
    return []


def _follow_ups(now: dt.datetime, audience: Audience) -> Iterable[Candidate]:
    """Open follow-ups due within three days, and those one day or more past their due date
    (each reminder once per due date; a new due date gets new reminders). From 07:00."""
    local = now.astimezone(OSLO)
    if local.hour < REMINDER_HOUR:
        return
    day = local.date()
    follow_ups = (
        selectors.follow_ups_due(on_or_before=day + dt.timedelta(days=FOLLOW_UP_REMINDER_DAYS))
        .filter(due_on__gte=day - dt.timedelta(days=LOOKBACK.days))
        .select_related("minutes_entry__minutes__meeting__body", "minutes_entry__agenda_item__body")
    )
    list_url = outbox.absolute_url("meetings:my_follow_ups")
    for follow_up in follow_ups:
        if follow_up.due_on >= day:
            kind, template = Kind.FOLLOW_UP_DUE, "meetings/email/follow_up_due"

            def subject(f=follow_up) -> str:
                return _("Oppfølgingspunkt med frist %(date)s") % {"date": _date(f.due_on)}
        else:
            kind, template = Kind.FOLLOW_UP_OVERDUE, "meetings/email/follow_up_overdue"

            def subject(f=follow_up) -> str:
                return _("Fristen %(date)s er passert for et oppfølgingspunkt") % {
                    "date": _date(f.due_on)
                }

        meeting = follow_up.minutes_entry.minutes.meeting
        for person in _follow_up_people(follow_up, audience):
            yield Candidate(
                kind=kind,
                key=f"{kind}:followup:{follow_up.pk}:person:{person.pk}:{follow_up.due_on:%Y%m%d}",
                person=person,
                template=template,
                context=_meeting_context(
                    meeting,
                    follow_up=follow_up,
                    agenda_item=follow_up.minutes_entry.agenda_item,
                    follow_ups_url=list_url,
                ),
                subject=subject,
            )


def due_reminders(*, now: dt.datetime | None = None) -> list[Candidate]:
    now = now or timezone.now()
    audience = Audience()
    return [
        *_notice_due(now, audience),
        *_proposal_deadlines(now, audience),
        *_minutes_not_approved(now, audience),
        *_follow_ups(now, audience),
    ]


def schedule_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue every reminder that is due and not queued before; returns how many were new.

    Idempotent: each reminder has a key (kind, object, recipient and the date it follows), so a
    second run, or two runs at once, add nothing. Only new reminders are rendered.
    """
    candidates = due_reminders(now=now)
    seen = outbox.existing_keys(c.key for c in candidates)
    drafts = []
    for c in candidates:
        if c.key in seen:
            continue
        seen.add(c.key)
        drafts.append(
            outbox.compose(
                kind=c.kind,
                idempotency_key=c.key,
                template=c.template,
                context={**c.context, "person": c.person},
                subject=c.subject,
                recipient=c.person,
            )
        )
    return outbox.enqueue(drafts)
