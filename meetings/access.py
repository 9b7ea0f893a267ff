"""Who may see and manage meetings, agenda items, decisions, proposals and documents.

One function per object type: fetch it for a user or raise Http404/PermissionDenied.
Lists use the same rules as SQL conditions (``visible_meetings_q``), so a list never
shows what the detail page would refuse.

The rules (issue 3 §8, R5–R7):
- A body's papers are read by its members: the body's group holds
  ``partnership.view_body_papers`` on it (kept in step with memberships by
  ``partnership.services.sync_person_rights``).
- The secretariat (``partnership.manage_registry``) reads and manages every body's
  meetings, except the state actors' group, whose meetings only its members see (R7);
  a superuser is treated like the secretariat, with the same exception.
- Working-group leaders (``partnership.lead_body`` on the group) manage their group's
  meetings; the state group's leader manages its meetings.
- Exempt agenda items (and the decisions on them) are for the body's members and the
  secretariat only. Other decisions are visible to every signed-in user.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from partnership.models import Body
from partnership.roles import rights_for, roles_for

from . import extensions
from .models import (
    AgendaAttachment,
    AgendaItem,
    AgendaTemplate,
    AgendaTemplateItem,
    Decision,
    DocumentVersion,
    FollowUp,
    GoverningDocument,
    Meeting,
    MinutesEntry,
    Proposal,
    StepAside,
)


def is_secretariat(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("partnership.manage_registry"))


def _require_signed_in(user) -> None:
    if not user.is_authenticated:
        raise PermissionDenied


def member_body_ids(user) -> frozenset[int]:
    """The bodies whose papers the user reads as a member: django-guardian's
    ``view_body_papers`` rows (through the body's group, or granted directly), read with the
    user's other rights in the request's one rights query (``partnership.roles``). Superusers
    get no implicit membership here: membership is what opens the state group."""
    if not user.is_authenticated:
        return frozenset()
    return rights_for(user).paper_body_ids


def member_of_q(user, field: str = "body_id") -> Q:
    """``field`` (a body id) is a body the user is a member of."""
    return Q(**{f"{field}__in": sorted(member_body_ids(user))})


def is_member(user, body: Body) -> bool:
    return body.pk in member_body_ids(user)


def visible_meetings_q(user, prefix: str = "") -> Q:
    """Meetings (reached by ``prefix``, e.g. "meeting__") the user may see."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    q = member_of_q(user, f"{prefix}body_id")
    if is_secretariat(user):
        q |= ~Q(**{f"{prefix}body__kind": Body.Kind.STATE_GROUP})
    return q


def can_view_body_meetings(user, body: Body) -> bool:
    if not user.is_authenticated:
        return False
    if body.kind != Body.Kind.STATE_GROUP and is_secretariat(user):
        return True
    return is_member(user, body)


def can_manage_body_meetings(user, body: Body) -> bool:
    if not user.is_authenticated:
        return False
    if body.kind == Body.Kind.STATE_GROUP:
        # R7: run by its members; not even the secretariat unless it sits in the group.
        return is_member(user, body) and (
            is_secretariat(user) or user.has_perm("partnership.lead_body", body)
        )
    if is_secretariat(user):
        return True
    return body.kind == Body.Kind.WORKING_GROUP and user.has_perm("partnership.lead_body", body)


def meeting_for_user(user, pk: int, action: str = "view") -> Meeting:
    """``view``: members and the secretariat (state group: members only). ``manage`` (edit,
    agenda, notice, attendance, minutes): the secretariat, working-group leaders for their group.
    ``propose``: the meeting takes proposals and the user is signed in and a member of the body
    or of a working group (R5), or the secretariat."""
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    _require_signed_in(user)
    if action == "view":
        if can_view_body_meetings(user, meeting.body):
            return meeting
        raise PermissionDenied
    if action == "manage":
        if can_manage_body_meetings(user, meeting.body):
            return meeting
        raise PermissionDenied
    if action == "propose":
        if meeting.body.kind not in Proposal.TARGET_BODY_KINDS:
            raise PermissionDenied
        if (
            can_view_body_meetings(user, meeting.body)
            or Body.objects.filter(member_of_q(user, "pk"), kind=Body.Kind.WORKING_GROUP).exists()
        ):
            return meeting
        raise PermissionDenied
    raise ValueError(action)


def agenda_item_for_user(user, pk: int, action: str = "view") -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__body", "body"), pk=pk)
    _require_signed_in(user)
    body = item.meeting.body
    if action == "view":
        if not can_view_body_meetings(user, body):
            raise PermissionDenied
        if item.exempt and not (is_member(user, body) or is_secretariat(user)):
            raise PermissionDenied
        return item
    if action == "manage":
        # A manager conflicted on the item (inhabil) may not edit it: its form holds the
        # proposed decision they may not read (issue 10 §2).
        if can_manage_body_meetings(user, body) and not is_conflicted_on(user, item.pk):
            return item
        raise PermissionDenied
    raise ValueError(action)


def is_conflicted_on(user, item_id: int) -> bool:
    """Whether ``user`` steps aside on the agenda item or a higher app names them conflicted."""
    return item_id in extensions.withheld_item_ids(
        person_id=user.pk, conflicts=extensions.conflicted_people([item_id])
    )


def visible_decisions_q(user) -> Q:
    """Decisions a signed-in user may see: all, except the state group's (members only, R7) and
    those on exempt items (the body's members and the secretariat)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    member = member_of_q(user)
    q = ~Q(body__kind=Body.Kind.STATE_GROUP) | member
    if not is_secretariat(user):
        q &= Q(agenda_item__isnull=True) | Q(agenda_item__exempt=False) | member
    return q


def decision_for_user(user, pk: int, action: str = "view") -> Decision:
    decision = get_object_or_404(
        Decision.objects.select_related("body", "meeting", "agenda_item", "concerns_type"), pk=pk
    )
    _require_signed_in(user)
    if action == "view":
        if decision.body.kind == Body.Kind.STATE_GROUP and not is_member(user, decision.body):
            raise PermissionDenied
        if decision.is_exempt and not (is_secretariat(user) or is_member(user, decision.body)):
            raise PermissionDenied
        return decision
    if action == "manage":
        if can_manage_body_meetings(user, decision.body):
            return decision
        raise PermissionDenied
    raise ValueError(action)


def proposal_for_user(user, pk: int, action: str = "view") -> Proposal:
    """``view``: the proposer, members of the group it is made for, whoever manages the target
    body's meetings. ``handle`` (accept, return, defer): those managers. ``withdraw``: the
    proposer."""
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "target_body", "target_meeting", "on_behalf_of", "proposed_by"
        ),
        pk=pk,
    )
    _require_signed_in(user)
    is_proposer = proposal.proposed_by_id == user.pk
    manager = can_manage_body_meetings(user, proposal.target_body)
    if action == "view":
        if (
            is_proposer
            or manager
            or (proposal.on_behalf_of and is_member(user, proposal.on_behalf_of))
        ):
            return proposal
        raise PermissionDenied
    if action == "handle":
        if manager:
            return proposal
        raise PermissionDenied
    if action == "withdraw":
        if is_proposer:
            return proposal
        raise PermissionDenied
    raise ValueError(action)


def can_read_drafts(user, document: GoverningDocument) -> bool:
    """Unadopted versions of a governing document: the secretariat, which drafts them, and
    the members of the body that adopts them (issue 11 §10); everyone else reads only what
    has been adopted."""
    return is_secretariat(user) or document.responsible_body_id in member_body_ids(user)


def document_for_user(user, pk: int, action: str = "view") -> GoverningDocument:
    """The plan's attachments are read by every signed-in user; the secretariat drafts versions
    (adoption is a decision of the responsible body, R12)."""
    document = get_object_or_404(
        GoverningDocument.objects.select_related("responsible_body"), pk=pk
    )
    _require_signed_in(user)
    if action == "view":
        return document
    if action == "manage":
        if is_secretariat(user):
            return document
        raise PermissionDenied
    raise ValueError(action)


def follow_up_for_user(user, pk: int, action: str = "view") -> FollowUp:
    """``view``: whoever sees the meeting, and the person responsible. ``update`` (status, due
    date): the person responsible, members of the body responsible, the meeting's managers."""
    follow_up = get_object_or_404(
        FollowUp.objects.select_related(
            "minutes_entry__minutes__meeting__body", "responsible_body"
        ),
        pk=pk,
    )
    _require_signed_in(user)
    body = follow_up.minutes_entry.minutes.meeting.body
    responsible = follow_up.responsible_person_id == user.pk or (
        follow_up.responsible_body is not None and is_member(user, follow_up.responsible_body)
    )
    if action == "view":
        if responsible or can_view_body_meetings(user, body):
            return follow_up
        raise PermissionDenied
    if action == "update":
        if responsible or can_manage_body_meetings(user, body):
            return follow_up
        raise PermissionDenied
    raise ValueError(action)


# --- Lists of bodies (for forms and filters), one query each ------------------------------------


def bodies_visible_to(user):
    """Bodies whose meetings the user may see (the same rule as ``visible_meetings_q``)."""
    if not user.is_authenticated:
        return Body.objects.none()
    q = member_of_q(user, "pk")
    if is_secretariat(user):
        q |= ~Q(kind=Body.Kind.STATE_GROUP)
    return Body.objects.filter(q)


def bodies_managed_by(user):
    """Bodies whose meetings the user may plan and manage (``can_manage_body_meetings``)."""
    if not user.is_authenticated:
        return Body.objects.none()
    led = sorted(rights_for(user).led_body_ids)  # guardian's lead_body rows
    state_group = Q(kind=Body.Kind.STATE_GROUP) & member_of_q(user, "pk")
    if is_secretariat(user):
        q = ~Q(kind=Body.Kind.STATE_GROUP) | state_group
    else:
        q = Q(kind=Body.Kind.WORKING_GROUP, pk__in=led) | (state_group & Q(pk__in=led))
    return Body.objects.filter(q)


def may_propose_q(user) -> Q:
    """Meetings the user may propose items to (the rule of ``meeting_for_user(action="propose")``
    as a condition, for the list of meetings the proposal form offers)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if (
        is_secretariat(user)
        or Body.objects.filter(member_of_q(user, "pk"), kind=Body.Kind.WORKING_GROUP).exists()
    ):
        return Q(body__kind__in=Proposal.TARGET_BODY_KINDS)
    return Q(body__kind__in=Proposal.TARGET_BODY_KINDS) & member_of_q(user)


def agenda_template_for_user(user, pk: int, action: str = "view") -> AgendaTemplate:
    """Agenda templates are the secretariat's tool: only it reads (``view``) and edits
    (``manage``) them; meeting managers use them through "Bruk saksliste-mal"."""
    template = get_object_or_404(AgendaTemplate, pk=pk)
    _require_signed_in(user)
    if action not in ("view", "manage"):
        raise ValueError(action)
    if is_secretariat(user):
        return template
    raise PermissionDenied


def agenda_template_item_for_user(user, pk: int, action: str = "manage") -> AgendaTemplateItem:
    """An item of an agenda template, for the secretariat (see ``agenda_template_for_user``)."""
    item = get_object_or_404(AgendaTemplateItem.objects.select_related("template"), pk=pk)
    _require_signed_in(user)
    if action not in ("view", "manage"):
        raise ValueError(action)
    if is_secretariat(user):
        return item
    raise PermissionDenied


def may_manage_agenda_templates(user) -> bool:
    """Whether the user sees the agenda-template pages (for links and the list page)."""
    return is_secretariat(user)


# --- Child objects: fetched through their parent's rule --------------------------------------
def document_version_for_user(user, pk: int, action: str = "view") -> DocumentVersion:
    """A version of a governing document, by the document's rule (``document_for_user``)."""
    version = get_object_or_404(DocumentVersion.objects.select_related("document"), pk=pk)
    version.document = document_for_user(user, version.document_id, action=action)
    if version.adopted_by_id is None and not can_read_drafts(user, version.document):
        raise Http404  # a draft's existence is not revealed
    return version


def step_aside_for_user(user, pk: int, action: str = "manage") -> StepAside:
    """A recorded step-aside, for whoever manages its agenda item."""
    if action != "manage":
        raise ValueError(action)
    step = get_object_or_404(StepAside.objects.select_related("person"), pk=pk)
    step.agenda_item = agenda_item_for_user(user, step.agenda_item_id, action="manage")
    return step


def minutes_entry_for_user(user, pk: int, action: str = "manage") -> MinutesEntry:
    """One item's entry in the minutes, for whoever manages the meeting and is not conflicted
    on the item (``agenda_item_for_user``)."""
    if action != "manage":
        raise ValueError(action)
    entry = get_object_or_404(
        MinutesEntry.objects.select_related("minutes", "agenda_item__body", "updated_by"), pk=pk
    )
    meeting_for_user(user, entry.minutes.meeting_id, action="manage")
    agenda_item_for_user(user, entry.agenda_item_id, action="manage")
    return entry


def attachment_for_user(user, pk: int, action: str = "view") -> AgendaAttachment:
    """A file on an agenda item. ``view`` (download): whoever may see the item, exempt files
    only for the body's members and the secretariat; anyone else signed in gets 404, so the
    file's existence is not revealed. ``delete``: whoever manages the item (else 403)."""
    attachment = get_object_or_404(AgendaAttachment, pk=pk)
    if action == "delete":
        attachment.agenda_item = agenda_item_for_user(
            user, attachment.agenda_item_id, action="manage"
        )
        return attachment
    if action != "view":
        raise ValueError(action)
    try:
        item = agenda_item_for_user(user, attachment.agenda_item_id)
    except PermissionDenied:
        if not user.is_authenticated:
            raise
        raise Http404 from None
    body = item.meeting.body
    if attachment.exempt and not (is_member(user, body) or is_secretariat(user)):
        raise Http404
    attachment.agenda_item = item
    return attachment


# --- Partners presenting their own work at the Ledermøte (issue 12 §6) ---------------------------
def can_read_presentations(user) -> bool:
    """The plan for presenting partners' own work: the secretariat, the partners' leaders and
    the ministries' observers (those who read the leaders' dashboard)."""
    if not user.is_authenticated:
        return False
    roles = roles_for(user)
    return is_secretariat(user) or roles.is_partner_leader or roles.is_ministry_observer


def require_presentation_reader(user) -> None:
    if not can_read_presentations(user):
        raise PermissionDenied


def require_presentation_manager(user) -> None:
    if not is_secretariat(user):
        raise PermissionDenied
