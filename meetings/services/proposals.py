"""Proposals for the agenda (saksforslag): submitted, accepted, returned, deferred, withdrawn."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership import formats as portal_formats
from partnership.actors import acting_person
from partnership.models import Body, Membership, Person

from ..models import (
    AgendaItem,
    Meeting,
    Proposal,
)
from ..selectors import proposal_deadline
from .agenda import agenda_item_create


# --- Proposals --------------------------------------------------------------------------------
def _check_open_meeting_for_proposals(meeting: Meeting, field: str = "target_meeting") -> None:
    if meeting.body.kind not in Proposal.TARGET_BODY_KINDS:
        raise ValidationError(
            {field: _("Saksforslag sendes til Partnermøtet eller Gruppeledermøtet.")}
        )
    if not meeting.is_upcoming or meeting.starts_at <= timezone.now():
        raise ValidationError({field: _("Møtet er ikke lenger åpent for saksforslag.")})


@transaction.atomic
def proposal_submit(
    *,
    proposed_by: Person,
    target_meeting: Meeting,
    title: str,
    background: str = "",
    proposed_decision: str = "",
    on_behalf_of: Body | None = None,
) -> Proposal:
    """Propose an item for a Partnermøte or Gruppeledermøte, before the body's deadline.

    The deadline (``proposal_deadline_days`` before the meeting) is judged by server time.
    """
    meeting = Meeting.objects.select_related("body").get(pk=target_meeting.pk)
    _check_open_meeting_for_proposals(meeting)
    deadline = proposal_deadline(meeting)
    if timezone.now() > deadline:
        raise ValidationError(
            {
                "target_meeting": _("Fristen for saksforslag til dette møtet gikk ut %(deadline)s.")
                % {"deadline": portal_formats.datetime(deadline)}
            }
        )
    if on_behalf_of is not None and not (
        Membership.objects.active_on().filter(person=proposed_by, body=on_behalf_of).exists()
    ):
        raise ValidationError(
            {"on_behalf_of": _("Du kan bare foreslå saker på vegne av organer du er medlem av.")}
        )
    proposal = Proposal(
        proposed_by=proposed_by,
        on_behalf_of=on_behalf_of,
        target_body=meeting.body,
        target_meeting=meeting,
        title=title.strip(),
        background=background,
        proposed_decision=proposed_decision,
    )
    proposal.full_clean()
    proposal.save()
    return proposal


def _lock_open_proposal(proposal: Proposal) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in Proposal.OPEN_STATUSES:
        raise ValidationError(
            _("Forslaget er allerede behandlet (%(status)s).")
            % {"status": proposal.get_status_display()}
        )
    return proposal


def _handled(proposal: Proposal, status: str, by) -> None:
    proposal.status = status
    proposal.handled_by = acting_person(by)
    proposal.handled_at = timezone.now()
    proposal.full_clean()
    proposal.save()


@transaction.atomic
def proposal_accept(
    *,
    proposal: Proposal,
    by: Person | None = None,
    meeting: Meeting | None = None,
    kind: str = AgendaItem.Kind.DECISION,
) -> Proposal:
    """Put the proposal on an agenda (its target meeting unless another is given)."""
    proposal = _lock_open_proposal(proposal)
    meeting = Meeting.objects.select_related("body").get(pk=(meeting or proposal.target_meeting).pk)
    if meeting.body_id != proposal.target_body_id:
        raise ValidationError(
            {"meeting": _("Velg et møte i %(body)s.") % {"body": proposal.target_body}}
        )
    if not meeting.is_upcoming:
        raise ValidationError({"meeting": _("Møtet er ikke lenger åpent for nye saker.")})
    item = agenda_item_create(
        meeting=meeting,
        kind=kind,
        title=proposal.title,
        background=proposal.background,
        proposed_decision=proposal.proposed_decision,
        responsible=proposal.proposed_by,
        created_by=by,
    )
    proposal.agenda_item = item
    proposal.target_meeting = meeting
    _handled(proposal, Proposal.Status.ACCEPTED, by)
    return proposal


@transaction.atomic
def proposal_return(*, proposal: Proposal, reason: str, by: Person | None = None) -> Proposal:
    if not reason.strip():
        raise ValidationError({"return_reason": _("Skriv hvorfor forslaget returneres.")})
    proposal = _lock_open_proposal(proposal)
    proposal.return_reason = reason.strip()
    _handled(proposal, Proposal.Status.RETURNED, by)
    return proposal


@transaction.atomic
def proposal_defer(
    *, proposal: Proposal, to_meeting: Meeting, by: Person | None = None
) -> Proposal:
    """Move the proposal to a later meeting of the same body; it stays open there."""
    proposal = _lock_open_proposal(proposal)
    to_meeting = Meeting.objects.select_related("body").get(pk=to_meeting.pk)
    if to_meeting.body_id != proposal.target_body_id:
        raise ValidationError(
            {"to_meeting": _("Velg et møte i %(body)s.") % {"body": proposal.target_body}}
        )
    if not to_meeting.is_upcoming or to_meeting.starts_at <= proposal.target_meeting.starts_at:
        raise ValidationError({"to_meeting": _("Velg et senere, planlagt møte.")})
    if proposal.original_meeting_id is None:
        proposal.original_meeting_id = proposal.target_meeting_id
    proposal.target_meeting = to_meeting
    _handled(proposal, Proposal.Status.DEFERRED, by)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by: Person | None = None) -> Proposal:
    proposal = _lock_open_proposal(proposal)
    _handled(proposal, Proposal.Status.WITHDRAWN, by)
    return proposal
