"""Reads shared by views, calendars, reports and reminders, with their joins in one place.

Lists filter by what the user may see in SQL (``access.visible_meetings_q``), never row by row.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from partnership import timeutils
from partnership.models import Body, Membership, Person, today
from partnership.roles import roles_for

from . import access, extensions
from .models import (
    AgendaAttachment,
    AgendaItem,
    AgendaTemplate,
    AgendaTemplateItem,
    Attendance,
    Decision,
    DocumentVersion,
    FollowUp,
    GoverningDocument,
    Meeting,
    MeetingSettings,
    Minutes,
    MinutesEntry,
    Proposal,
    StepAside,
)

# Roles that count towards a quorum (deputies count only when attending for a member).
VOTING_ROLES = (
    Membership.Role.LEADER,
    Membership.Role.DEPUTY_LEADER,
    Membership.Role.MEMBER,
    Membership.Role.FINANCE_LEAD,
    Membership.Role.COMMUNICATION_LEAD,
)


# --- Meetings and the calendar ----------------------------------------------------------------
def meetings_visible_to(user) -> QuerySet[Meeting]:
    """Every meeting the user may see, for lists and calendars: one query, no per-row checks."""
    return Meeting.objects.filter(access.visible_meetings_q(user)).select_related("body")


def calendar_meetings(
    *,
    user,
    start: dt.datetime,
    end: dt.datetime,
    body: Body | None = None,
    include_cancelled: bool = True,
) -> QuerySet[Meeting]:
    """Visible meetings that overlap [start, end), in time order."""
    qs = meetings_visible_to(user).filter(starts_at__lt=end, ends_at__gt=start)
    if body is not None:
        qs = qs.filter(body=body)
    if not include_cancelled:
        qs = qs.exclude(status=Meeting.Status.CANCELLED)
    return qs.order_by("starts_at", "pk")


def calendar_meetings_of(
    *,
    body_ids,
    start: dt.datetime,
    end: dt.datetime,
    body: Body | None = None,
) -> QuerySet[Meeting]:
    """``calendar_meetings`` for a user whose visible bodies are known: ``body_ids`` from
    ``access.bodies_visible_to`` (ids, or that query's ``values("pk")`` as a subquery)."""
    qs = Meeting.objects.filter(
        body_id__in=body_ids, starts_at__lt=end, ends_at__gt=start
    ).select_related("body")
    if body is not None:
        qs = qs.filter(body=body)
    return qs.order_by("starts_at", "pk")


def meeting_overlaps(
    *, body: Body, starts_at: dt.datetime, ends_at: dt.datetime, exclude: Meeting | None = None
) -> QuerySet[Meeting]:
    """The body's other (not cancelled) meetings overlapping the given time: for a warning."""
    qs = Meeting.objects.filter(body=body, starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(
        status=Meeting.Status.CANCELLED
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.order_by("starts_at")


def upcoming_meetings(*, body: Body) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        body=body, status__in=Meeting.UPCOMING_STATUSES, starts_at__gt=timezone.now()
    ).order_by("starts_at")


def suggested_meetings(*, body: Body) -> QuerySet[Meeting]:
    """Meetings the year plan suggested that the body's leader has yet to confirm or move
    (with their body: the page names each meeting by its body and kind)."""
    return upcoming_meetings(body=body).filter(suggested=True).select_related("body")


def suggested_meetings_by_body(*, bodies: list[Body]) -> list[tuple[Body, list[Meeting]]]:
    """``suggested_meetings`` of several bodies (the year plan's groups), in one query."""
    by_body: dict[int, list[Meeting]] = defaultdict(list)
    meetings = (
        Meeting.objects.filter(
            body__in=bodies,
            status__in=Meeting.UPCOMING_STATUSES,
            starts_at__gt=timezone.now(),
            suggested=True,
        )
        .select_related("body")
        .order_by("starts_at")
    )
    for meeting in meetings:
        by_body[meeting.body_id].append(meeting)
    return [(body, by_body[body.pk]) for body in bodies]


def meeting_agenda(*, meeting: Meeting, user=None) -> list[AgendaItem]:
    """The agenda in order, with what the page shows of each item; exempt items and exempt
    attachments only for those who may see them (the body's members and the secretariat);
    for a ``user`` conflicted on an item, the item without its proposed decision (``withhold``).
    Without ``user``: the whole agenda, for the secretariat's own tools."""
    sees_exempt = (
        user is None or access.is_secretariat(user) or access.is_member(user, meeting.body)
    )
    attachments = AgendaAttachment.objects.order_by("uploaded_at", "pk")
    if not sees_exempt:
        attachments = attachments.filter(exempt=False)
    qs = (
        meeting.agenda_items.select_related("body", "responsible", "minutes_entry")
        .prefetch_related(
            Prefetch("step_asides", queryset=StepAside.objects.select_related("person")),
            Prefetch(
                "decisions", queryset=Decision.objects.select_related("body").order_by("number")
            ),
            Prefetch("attachments", queryset=attachments),
        )
        .order_by("position", "number")
    )
    if not sees_exempt:
        qs = qs.filter(exempt=False)
    items = list(qs)
    if user is not None:
        conflicts = extensions.conflicted_people(
            (item.pk for item in items),
            step_asides=[
                (step.agenda_item_id, step.person_id)
                for item in items
                for step in item.step_asides.all()  # prefetched above
            ],
        )
        items = withhold(
            items, extensions.withheld_item_ids(person_id=user.pk, conflicts=conflicts)
        )
    return items


class AgendaRow:
    """One agenda item as the meeting page shows it (``agenda_page``): its own columns, the
    names of those stepping aside, its decisions as (pk, label) and its attachments."""

    __slots__ = (
        "pk", "number", "year", "kind", "title", "background", "proposed_decision", "exempt",
        "legal_basis", "added_after_notice_at", "responsible_id", "responsible", "label",
        "step_asides", "decisions", "attachments", "withheld", "attachment_form",
    )  # fmt: skip

    def __init__(self, row, label_text: str):
        (
            self.pk, self.number, self.year, self.kind, self.title, self.background,
            self.proposed_decision, self.exempt, self.legal_basis, self.added_after_notice_at,
            self.responsible_id, name, email, body,
        ) = row  # fmt: skip
        self.responsible = (name or email) if self.responsible_id else None  # Person.__str__
        self.label = label_text % {"body": body, "number": self.number, "year": self.year}
        self.step_asides: list[str] = []
        self.decisions: list[tuple[int, str]] = []
        self.attachments: list = []
        self.withheld = False
        self.attachment_form = None


class AttachmentRow(NamedTuple):
    """An attachment as the meeting page lists it (``agenda_page``)."""

    agenda_item_id: int
    pk: int
    original_name: str
    size: int
    exempt: bool
    legal_basis: str


_STEP_ASIDE, _DECISION, _ATTACHMENT = 1, 2, 3


def _item_parts_sql() -> str:
    """The step-asides (with the person's name), decisions (with the body's short name) and
    attachments (exempt ones only when ``%(all)s``) of the agenda items ``%(ids)s`` in one
    statement, each part in its model's order: three querysets cost three round trips and
    three compilations on every meeting page (make bench). Table names come from the models;
    values are parameters. Columns: item, part, pk, text (name, body or file name), e-mail,
    number, year or size, exempt, legal basis."""
    step, person = StepAside._meta.db_table, Person._meta.db_table
    decision, body = Decision._meta.db_table, Body._meta.db_table
    attachment = AgendaAttachment._meta.db_table
    return f"""
SELECT s.agenda_item_id, {_STEP_ASIDE} AS part, s.person_id, p.full_name, p.email,
       NULL::bigint, NULL::bigint, NULL::boolean, NULL::varchar,
       p.full_name AS by_text, NULL::bigint AS by_number, NULL::timestamptz AS by_time, s.id
  FROM {step} s JOIN {person} p ON p.id = s.person_id
 WHERE s.agenda_item_id = ANY(%(ids)s)
UNION ALL
SELECT d.agenda_item_id, {_DECISION}, d.id, b.short_name, NULL, d.number, d.year, NULL, NULL,
       NULL, d.number, NULL, d.id
  FROM {decision} d JOIN {body} b ON b.id = d.body_id
 WHERE d.agenda_item_id = ANY(%(ids)s)
UNION ALL
SELECT a.agenda_item_id, {_ATTACHMENT}, a.id, a.original_name, NULL, NULL, a.size, a.exempt,
       a.legal_basis, NULL, NULL, a.uploaded_at, a.id
  FROM {attachment} a
 WHERE a.agenda_item_id = ANY(%(ids)s) AND (%(all)s OR NOT a.exempt)
 ORDER BY part, by_text, by_number, by_time, 13
"""  # noqa: S608


def agenda_page(*, meeting: Meeting, user) -> list[AgendaRow]:
    """``meeting_agenda`` for the meeting page: the same items, step-asides, decisions and
    attachments, with the same rules for exempt items and conflicted readers, read as rows of
    the columns the page shows (the instances and their prefetches cost a third of the page)."""
    sees_exempt = access.is_secretariat(user) or access.is_member(user, meeting.body)
    items = AgendaItem.objects.filter(meeting=meeting)
    if not sees_exempt:
        items = items.filter(exempt=False)
    item_label = gettext("%(body)s-sak %(number)s/%(year)s")  # AgendaItem.label
    rows = {
        row[0]: AgendaRow(row, item_label)
        for row in items.order_by("position", "number").values_list(
            "pk",
            "number",
            "year",
            "kind",
            "title",
            "background",
            "proposed_decision",
            "exempt",
            "legal_basis",
            "added_after_notice_at",
            "responsible_id",
            "responsible__full_name",
            "responsible__email",
            "body__short_name",
        )  # fmt: skip
    }
    if not rows:
        return []
    ids = list(rows)
    step_asides = []
    decision_label = gettext("%(body)s-vedtak %(number)s/%(year)s")  # Decision.label
    with connection.cursor() as cursor:
        cursor.execute(_item_parts_sql(), {"ids": ids, "all": sees_exempt})
        for item_id, part, pk, text, email, number, year, exempt, legal_basis, *_ in cursor:
            row = rows[item_id]
            if part == _STEP_ASIDE:
                step_asides.append((item_id, pk))
                row.step_asides.append(text or email)  # Person.__str__
            elif part == _DECISION:
                label = decision_label % {"body": text, "number": number, "year": year}
                row.decisions.append((pk, label))
            else:
                row.attachments.append(AttachmentRow(item_id, pk, text, year, exempt, legal_basis))
    conflicts = extensions.conflicted_people(ids, step_asides=step_asides)
    for item_id in extensions.withheld_item_ids(person_id=user.pk, conflicts=conflicts):
        rows[item_id].proposed_decision = ""
        rows[item_id].withheld = True
    return list(rows.values())


def withheld_item_ids(*, meeting: Meeting, user) -> frozenset[int]:
    """The meeting's items whose proposed decision ``user`` may not read (conflicted)."""
    conflicts = extensions.conflicted_people(meeting.agenda_items.values_list("pk", flat=True))
    return extensions.withheld_item_ids(person_id=user.pk, conflicts=conflicts)


def withhold(items: list[AgendaItem], withheld_ids: frozenset[int]) -> list[AgendaItem]:
    """The agenda as a conflicted reader gets it: the items in ``withheld_ids`` are copies
    without their proposed decision, marked ``withheld`` (templates say the reader steps aside).
    The other items are the same objects (several readers can share one loaded agenda)."""
    if not withheld_ids:
        return items
    shown = []
    for item in items:
        if item.pk in withheld_ids:
            item = copy.copy(item)
            item.proposed_decision = ""
            item.withheld = True
        shown.append(item)
    return shown


# --- Agenda templates -------------------------------------------------------------------------
def agenda_templates() -> QuerySet[AgendaTemplate]:
    """Every template with ``item_count``, by body kind and meeting kind; one query."""
    return AgendaTemplate.objects.annotate(item_count=Count("items")).order_by(
        "body_kind", "meeting_kind"
    )


def template_for_meeting(meeting: Meeting) -> AgendaTemplate | None:
    """The template for the meeting's body kind and meeting kind, else the one for every body
    (empty body kind) and that meeting kind; one query."""
    return (
        AgendaTemplate.objects.filter(
            meeting_kind=meeting.kind, body_kind__in=[meeting.body.kind, ""]
        )
        .order_by("-body_kind")  # the body's own before the one for every body
        .first()
    )


def agenda_template_choices(meeting: Meeting) -> tuple[list[AgendaTemplate], AgendaTemplate | None]:
    """Every template by name (the meeting page's select) and among them the one
    ``template_for_meeting`` picks for the meeting (its first choice): one query for both."""
    templates = list(
        AgendaTemplate.objects.only("pk", "name", "body_kind", "meeting_kind").order_by("name")
    )
    fitting = [
        t
        for t in templates
        if t.meeting_kind == meeting.kind and t.body_kind in (meeting.body.kind, "")
    ]
    fitting.sort(key=lambda t: t.body_kind, reverse=True)  # the body's own before the general
    return templates, (fitting[0] if fitting else None)


def agenda_template_items(template: AgendaTemplate) -> list[AgendaTemplateItem]:
    """The template's items in their order."""
    return list(template.items.order_by("position", "pk"))


# --- Proposals --------------------------------------------------------------------------------
def proposal_deadline(meeting: Meeting) -> dt.datetime:
    """The last moment (server time) a proposal for the meeting is accepted."""
    days = MeetingSettings.objects.effective(meeting.body).proposal_deadline_days
    return timeutils.days_before(meeting.starts_at, days)


def proposal_targets(user) -> tuple:
    """Where ``user`` may propose an item (the agenda eligibility rule): the upcoming meetings
    of the bodies they may propose to, those of them still open for proposals (before the
    deadline), and the working groups they may propose on behalf of."""
    allowed = access.may_propose_q(user)
    meetings = Meeting.objects.filter(
        allowed, status__in=Meeting.UPCOMING_STATUSES, starts_at__gt=timezone.now()
    ).select_related("body")
    open_meetings = list(meetings_open_for_proposals().filter(allowed))
    bodies = Body.objects.filter(
        access.member_of_q(user, "pk"), kind=Body.Kind.WORKING_GROUP
    ).order_by("name")
    return meetings, open_meetings, bodies


def meetings_open_for_proposals(*, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Upcoming Partnermøte and Gruppeledermøte meetings whose proposal deadline has not passed.

    The deadline is per body, so it is computed in SQL from the body's settings.
    """
    now = now or timezone.now()
    default_days = MeetingSettings._meta.get_field("proposal_deadline_days").default
    deadline = timeutils.oslo_days_before(
        F("starts_at"),
        Coalesce(F("body__meeting_settings__proposal_deadline_days"), Value(default_days)),
    )
    return (
        Meeting.objects.select_related("body")
        .filter(body__kind__in=Proposal.TARGET_BODY_KINDS, status__in=Meeting.UPCOMING_STATUSES)
        .annotate(proposal_deadline=deadline)
        .filter(proposal_deadline__gte=now)
        .order_by("starts_at")
    )


def proposals_for_meeting(*, meeting: Meeting) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(target_meeting=meeting)
        .select_related("proposed_by", "on_behalf_of", "agenda_item")
        .order_by("submitted_at")
    )


def proposals_to_handle(*, body: Body | None = None) -> QuerySet[Proposal]:
    """Open proposals (submitted or deferred), oldest meeting first: the secretariat's queue."""
    qs = Proposal.objects.filter(status__in=Proposal.OPEN_STATUSES)
    if body is not None:
        qs = qs.filter(target_body=body)
    return qs.select_related("proposed_by", "on_behalf_of", "target_meeting__body").order_by(
        "target_meeting__starts_at", "submitted_at"
    )


def my_proposals(*, person: Person) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(proposed_by=person)
        .select_related("target_meeting__body", "on_behalf_of", "agenda_item__body")
        .order_by("-submitted_at")
    )


# --- Attendance and quorum --------------------------------------------------------------------
@dataclass(frozen=True)
class Quorum:
    """The quorum for a meeting or one item, with the counts the minutes show."""

    voting_members: int  # seats with a vote on the meeting date (minus those stepping aside)
    present: int  # of those, present in person or through a deputy
    stepped_aside: int
    required: int  # the least number present for the meeting to be quorate
    fraction: Decimal

    @property
    def quorate(self) -> bool:
        return self.voting_members > 0 and self.present >= self.required


def _required(voting: int, fraction: Decimal) -> int:
    # Quorate when present > fraction × voting: the least whole number above it.
    return int((fraction * voting) // 1) + 1


def _quorum_inputs(meeting: Meeting):
    day = meeting.local_date
    voters = set(
        Membership.objects.active_on(day)
        .filter(body_id=meeting.body_id, role__in=VOTING_ROLES)
        .values_list("person_id", flat=True)
    )
    attendance = {
        a.person_id: a
        for a in Attendance.objects.filter(meeting=meeting).only("person_id", "status", "deputy_id")
    }
    fraction = MeetingSettings.objects.effective(meeting.body).quorum_fraction
    return voters, attendance, fraction


def _count(voters: set[int], attendance: dict, aside: set[int], fraction: Decimal) -> Quorum:
    # A member is out of an item's quorum if they, or the deputy attending for them, step aside.
    out = set()
    for person_id in voters:
        a = attendance.get(person_id)
        if person_id in aside or (a and a.deputy_id in aside):
            out.add(person_id)
    counted = voters - out
    present = sum(
        1
        for p in counted
        if p in attendance
        and attendance[p].status in (Attendance.Status.PRESENT, Attendance.Status.DEPUTY_ATTENDING)
    )
    return Quorum(
        voting_members=len(counted),
        present=present,
        stepped_aside=len(out),
        required=_required(len(counted), fraction),
        fraction=fraction,
    )


def quorum(*, meeting: Meeting, agenda_item: AgendaItem | None = None) -> Quorum:
    """Whether the meeting (or one item, without those who step aside) is quorate.

    Voting members are the body's current leader, deputy leader, members, finance and
    communication leads on the meeting date; quorate when more than the body's
    ``quorum_fraction`` of them are present (a deputy attending counts for the member).
    """
    voters, attendance, fraction = _quorum_inputs(meeting)
    aside = set()
    if agenda_item is not None:
        aside = set(
            StepAside.objects.filter(agenda_item=agenda_item).values_list("person_id", flat=True)
        )
    return _count(voters, attendance, aside, fraction)


@dataclass(frozen=True)
class _Stated:
    status: str
    deputy_id: int | None


def quorum_if(*, meeting: Meeting, states: dict[int, tuple[str, int | None]]) -> Quorum:
    """The meeting's quorum if the attendance were ``states`` (person id → (status, deputy
    id)) on top of what is recorded: the attendance form's running count, nothing saved."""
    voters, attendance, fraction = _quorum_inputs(meeting)
    attendance = {**attendance, **{p: _Stated(s, d) for p, (s, d) in states.items() if s}}
    return _count(voters, attendance, set(), fraction)


def deputies_by_partner(rows) -> dict[int | None, list[Person]]:
    """The deputies among an attendance sheet's rows, by the partner whose seat they stand in
    for: "absent, deputy attends" offers a member only their own partner's deputies."""
    found: dict[int | None, list[Person]] = defaultdict(list)
    for membership, person, _record in rows:
        if membership is not None and membership.role == Membership.Role.DEPUTY:
            found[membership.partner_id].append(person)
    return found


def quorum_per_item(*, meeting: Meeting) -> dict[int, Quorum]:
    """The quorum of every item of the meeting, with a constant number of queries."""
    voters, attendance, fraction = _quorum_inputs(meeting)
    aside: dict[int, set[int]] = defaultdict(set)
    for item_id, person_id in StepAside.objects.filter(agenda_item__meeting=meeting).values_list(
        "agenda_item_id", "person_id"
    ):
        aside[item_id].add(person_id)
    item_ids = meeting.agenda_items.values_list("pk", flat=True)
    return {pk: _count(voters, attendance, aside[pk], fraction) for pk in item_ids}


def attendance_sheet(
    *, meeting: Meeting
) -> list[tuple[Membership | None, Person, Attendance | None]]:
    """The body's members on the meeting date, then anyone else recorded (guests), with their
    attendance: the rows of the attendance form."""
    memberships = list(
        Membership.objects.active_on(meeting.local_date)
        .filter(body_id=meeting.body_id)
        .select_related("person", "partner")
        .order_by("role", "person__full_name")
    )
    attendance = {
        a.person_id: a
        for a in Attendance.objects.filter(meeting=meeting).select_related("person", "deputy")
    }
    rows: list[tuple[Membership | None, Person, Attendance | None]] = []
    seen = set()
    for m in memberships:
        if m.person_id in seen:
            continue
        seen.add(m.person_id)
        rows.append((m, m.person, attendance.get(m.person_id)))
    for person_id, a in attendance.items():
        if person_id not in seen:
            rows.append((None, a.person, a))
    return rows


# --- Minutes ----------------------------------------------------------------------------------
def minutes_for_meeting(*, meeting: Meeting) -> Minutes | None:
    """The minutes with their entries (and each entry's item and follow-ups) in item order."""
    return (
        Minutes.objects.filter(meeting=meeting)
        .select_related("approved_by", "approved_at_meeting", "updated_by")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=MinutesEntry.objects.select_related("agenda_item__body", "updated_by")
                .prefetch_related(
                    Prefetch(
                        "follow_ups",
                        queryset=FollowUp.objects.select_related(
                            "responsible_person", "responsible_body"
                        ),
                    )
                )
                .order_by("agenda_item__position", "agenda_item__number"),
            )
        )
        .first()
    )


def minutes_awaiting_approval(*, older_than_days: int | None = None) -> QuerySet[Minutes]:
    """Draft minutes, optionally only those of meetings more than N days ago (for reminders)."""
    qs = Minutes.objects.filter(status=Minutes.Status.DRAFT).select_related("meeting__body")
    if older_than_days is not None:
        qs = qs.filter(meeting__starts_at__lt=timezone.now() - dt.timedelta(days=older_than_days))
    return qs.order_by("meeting__starts_at")


# --- The decision register --------------------------------------------------------------------
NUMBER_QUERY = re.compile(r"^\s*(?:[\w-]*?-?vedtak\s*)?(\d+)\s*/\s*(\d{4})\s*$", re.IGNORECASE)


def decisions_visible_to(user) -> QuerySet[Decision]:
    return Decision.objects.filter(access.visible_decisions_q(user)).select_related(
        "body", "meeting", "agenda_item__body"
    )


def decision_search(
    *,
    q: str = "",
    body: Body | None = None,
    year: int | None = None,
    user=None,
    newest_first: bool = False,
) -> QuerySet[Decision]:
    """Search the register: PostgreSQL full-text search in the Norwegian configuration
    (websearch syntax: "quoted phrases", OR, -exclude), best match first, or newest first with
    ``newest_first`` (no ranking: the date index gives the first page of thousands of hits
    at once, where ranking reads and scores every hit); filters by body and year.

    A query like "7/2026" (or "PM-vedtak 7/2026") finds decisions by number. With ``user``,
    only the decisions that user may see.
    """
    qs = Decision.objects.all()
    if user is not None:
        qs = qs.filter(access.visible_decisions_q(user))
    # What the result list shows: the body's short name in the label; not the (large)
    # search vector, which only the ranking reads, in the database.
    qs = qs.select_related("body").defer("search_vector")
    if body is not None:
        qs = qs.filter(body=body)
    if year is not None:
        qs = qs.filter(year=year)
    q = (q or "").strip()
    if not q:
        return qs.order_by("-decided_on", "-number")
    number = NUMBER_QUERY.match(q)
    if number:
        return qs.filter(number=int(number.group(1)), year=int(number.group(2))).order_by(
            "-decided_on"
        )
    query = SearchQuery(q, config="norwegian", search_type="websearch")
    if newest_first:
        return qs.filter(search_vector=query).order_by("-decided_on", "-number")
    return (
        qs.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-decided_on", "-number")
    )


def decisions_concerning(obj) -> QuerySet[Decision]:
    """The decisions about an object (e.g. a budget's adoption), newest first."""
    from django.contrib.contenttypes.models import ContentType

    return (
        Decision.objects.filter(
            concerns_type=ContentType.objects.get_for_model(obj), concerns_id=obj.pk
        )
        .select_related("body", "meeting")
        .order_by("-decided_on", "-number")
    )


def pending_delegated_reports(*, body: Body | None = None) -> QuerySet[Decision]:
    """Delegated decisions (R3) still waiting for a meeting of the body they report to."""
    qs = Decision.objects.filter(report_to__isnull=False, report_item__isnull=True)
    if body is not None:
        qs = qs.filter(report_to=body)
    return qs.select_related("body", "report_to").order_by("decided_on", "number")


# --- Follow-up items --------------------------------------------------------------------------
def my_follow_ups(person: Person, *, include_closed: bool = False) -> QuerySet[FollowUp]:
    """Follow-ups the person answers for: by name, or through a body they sit in today."""
    bodies = Membership.objects.active_on().filter(person=person).values("body_id")
    qs = FollowUp.objects.filter(Q(responsible_person=person) | Q(responsible_body_id__in=bodies))
    if not include_closed:
        qs = qs.filter(status=FollowUp.Status.OPEN)
    return qs.select_related(
        "responsible_person",
        "responsible_body",
        "minutes_entry__agenda_item__body",
        "minutes_entry__minutes__meeting__body",
    ).order_by("due_on", "pk")


def open_follow_ups(user) -> QuerySet[FollowUp]:
    """``my_follow_ups`` (open ones) for a page that shows only what and when: the bodies the
    user sits in today from the request's rights (the same active memberships), no joins."""
    seats = sorted(roles_for(user).body_ids)
    return FollowUp.objects.filter(
        Q(responsible_person=user) | Q(responsible_body_id__in=seats),
        status=FollowUp.Status.OPEN,
    ).order_by("due_on", "pk")


def follow_ups_due(*, on_or_before: dt.date | None = None) -> QuerySet[FollowUp]:
    """Open follow-ups due by a date (default today): for reminders."""
    return (
        FollowUp.objects.filter(status=FollowUp.Status.OPEN, due_on__lte=on_or_before or today())
        .select_related("responsible_person", "responsible_body")
        .order_by("due_on", "pk")
    )


# --- Governing documents (R12) ----------------------------------------------------------------
def _adopted_by_responsible_body() -> Q:
    return Q(adopted_by__isnull=False) & Q(adopted_by__body_id=F("document__responsible_body_id"))


def document_in_force(document: GoverningDocument) -> DocumentVersion | None:
    """The latest version adopted by the document's responsible body (R12), or None."""
    return (
        document.versions.filter(_adopted_by_responsible_body())
        .select_related("adopted_by__body", "adopted_by__meeting")
        .order_by("-number")
        .first()
    )


def document_in_force_among(
    document: GoverningDocument, versions: list[DocumentVersion]
) -> DocumentVersion | None:
    """``document_in_force`` from the versions already read (newest first, with
    ``adopted_by``), for a page that shows them all: no further query."""
    return next(
        (
            v
            for v in versions
            if v.adopted_by_id is not None and v.adopted_by.body_id == document.responsible_body_id
        ),
        None,
    )


def document_list() -> list[GoverningDocument]:
    """All governing documents with ``in_force`` (a version or None) and ``latest_number`` set;
    two queries."""
    documents = list(
        GoverningDocument.objects.select_related("responsible_body").order_by("position", "title")
    )
    versions = (
        DocumentVersion.objects.filter(document__in=documents)
        .select_related("adopted_by__body")
        .order_by("document_id", "-number")
    )
    in_force: dict[int, DocumentVersion] = {}
    latest: dict[int, int] = {}
    responsible = {d.pk: d.responsible_body_id for d in documents}
    for v in versions:
        latest.setdefault(v.document_id, v.number)
        if (
            v.document_id not in in_force
            and v.adopted_by_id
            and v.adopted_by.body_id == responsible[v.document_id]
        ):
            in_force[v.document_id] = v
    for d in documents:
        d.in_force = in_force.get(d.pk)
        d.latest_number = latest.get(d.pk)
    return documents


def document_versions(document: GoverningDocument, user=None) -> QuerySet[DocumentVersion]:
    """Every version, newest first; earlier versions stay readable. With ``user``, drafts
    (versions not adopted) only for those who may read them (``access.can_read_drafts``)."""
    versions = document.versions.select_related(
        "created_by", "adopted_by__body", "adopted_by__meeting"
    ).order_by("-number")
    if user is not None and not access.can_read_drafts(user, document):
        versions = versions.filter(adopted_by__isnull=False)
    return versions


def document_version_diff(
    old: DocumentVersion, new: DocumentVersion, *, context: int = 3
) -> list[str]:
    """A unified diff (difflib) from ``old`` to ``new``, line by line, for display."""
    if old.document_id != new.document_id:
        raise ValueError("versions of different documents")
    return list(
        difflib.unified_diff(
            old.text.splitlines(),
            new.text.splitlines(),
            fromfile=f"v{old.number}",
            tofile=f"v{new.number}",
            n=context,
            lineterm="",
        )
    )
