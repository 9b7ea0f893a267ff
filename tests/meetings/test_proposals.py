"""Proposals to the Partnermøte and the Gruppeledermøte, before the body's deadline."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from meetings import selectors, services
from meetings.models import AgendaItem, MeetingSettings, Proposal

from ..factories import MembershipFactory, PersonFactory
from .factories import MeetingFactory, in_days, oslo


@pytest.fixture
def pm_meeting(registry):
    return MeetingFactory(body=registry.partners_meeting, starts_at=in_days(30))


def submit(person, meeting, **kwargs) -> Proposal:
    return services.proposal_submit(
        proposed_by=person,
        target_meeting=meeting,
        title=kwargs.pop("title", "Felles kampanje mot digital mobbing"),
        background="Bakgrunn.",
        proposed_decision="Partnermøtet slutter seg til.",
        **kwargs,
    )


def test_working_group_member_proposes_on_behalf_of_the_group(registry, wg_member, pm_meeting):
    proposal = submit(wg_member, pm_meeting, on_behalf_of=registry.wg_local)
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.target_body == registry.partners_meeting
    assert list(selectors.my_proposals(person=wg_member)) == [proposal]
    assert list(selectors.proposals_to_handle(body=registry.partners_meeting)) == [proposal]


def test_proposal_after_the_deadline_is_refused_with_the_deadline_shown(registry, wg_member):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=oslo(2031, 3, 12, 10))
    # The default deadline is 14 days before: 26 February 2031 at 10:00 Oslo time.
    with time_machine.travel(oslo(2031, 2, 26, 10, 1)), pytest.raises(ValidationError) as exc:
        submit(wg_member, meeting)
    assert exc.value.message_dict["target_meeting"] == [
        "Fristen for saksforslag til dette møtet gikk ut 26. februar 2031 kl. 10:00."
    ]
    assert not Proposal.objects.exists()
    with time_machine.travel(oslo(2031, 2, 26, 9, 59)):
        assert submit(wg_member, meeting).pk


def test_the_deadline_is_configurable_per_body(registry, wg_member):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=oslo(2031, 3, 12, 10))
    services.meeting_settings_update(
        body=registry.partners_meeting,
        proposal_deadline_days=21,
        notice_days=7,
        minutes_reminder_days=14,
        quorum_fraction="0.5",
    )
    assert selectors.proposal_deadline(meeting) == oslo(2031, 2, 19, 10)
    with (
        time_machine.travel(oslo(2031, 2, 20, 10)),
        pytest.raises(ValidationError, match="19. februar 2031"),
    ):
        submit(wg_member, meeting)
    with time_machine.travel(oslo(2031, 2, 18, 10)):
        open_meetings = list(selectors.meetings_open_for_proposals())
    assert open_meetings == [meeting]
    with time_machine.travel(oslo(2031, 2, 20, 10)):
        assert list(selectors.meetings_open_for_proposals()) == []


def test_meetings_open_for_proposals_use_the_default_deadline_without_settings(registry):
    meeting = MeetingFactory(
        body=registry.group_leaders, kind="group_leaders", starts_at=in_days(20)
    )
    MeetingSettings.objects.filter(body=registry.group_leaders).delete()
    MeetingFactory(body=registry.leaders_meeting, starts_at=in_days(20))  # takes no proposals
    MeetingFactory(body=registry.partners_meeting, starts_at=in_days(10))  # deadline passed
    assert list(selectors.meetings_open_for_proposals()) == [meeting]


def test_only_partnermote_and_gruppeledermote_take_proposals(registry, wg_member):
    meeting = MeetingFactory(body=registry.leaders_meeting)
    with pytest.raises(ValidationError) as exc:
        submit(wg_member, meeting)
    assert exc.value.message_dict["target_meeting"] == [
        "Saksforslag sendes til Partnermøtet eller Gruppeledermøtet."
    ]


def test_on_behalf_of_a_group_requires_membership(registry, partner_rep, pm_meeting):
    with pytest.raises(ValidationError) as exc:
        submit(partner_rep, pm_meeting, on_behalf_of=registry.wg_local)
    assert "on_behalf_of" in exc.value.message_dict


def test_accepted_proposal_becomes_an_agenda_item(registry, wg_member, secretariat, pm_meeting):
    proposal = submit(wg_member, pm_meeting, on_behalf_of=registry.wg_local)
    proposal = services.proposal_accept(proposal=proposal, by=secretariat)
    item = proposal.agenda_item
    assert proposal.status == Proposal.Status.ACCEPTED
    assert (item.meeting, item.kind, item.title) == (
        pm_meeting,
        AgendaItem.Kind.DECISION,
        proposal.title,
    )
    assert item.proposed_decision == "Partnermøtet slutter seg til."
    assert item.responsible == wg_member
    assert (proposal.handled_by, proposal.handled_at is not None) == (secretariat, True)
    with pytest.raises(ValidationError, match="allerede behandlet"):
        services.proposal_accept(proposal=proposal, by=secretariat)
    assert pm_meeting.agenda_items.count() == 1


def test_return_needs_a_reason(registry, wg_member, secretariat, pm_meeting):
    proposal = submit(wg_member, pm_meeting)
    with pytest.raises(ValidationError) as exc:
        services.proposal_return(proposal=proposal, reason="  ", by=secretariat)
    assert exc.value.message_dict["return_reason"] == ["Skriv hvorfor forslaget returneres."]
    proposal = services.proposal_return(
        proposal=proposal, reason="Hører hjemme i AU.", by=secretariat
    )
    assert (proposal.status, proposal.return_reason) == (
        Proposal.Status.RETURNED,
        "Hører hjemme i AU.",
    )


def test_defer_to_a_later_meeting_then_accept_there(registry, wg_member, secretariat, pm_meeting):
    later = MeetingFactory(
        body=registry.partners_meeting, starts_at=pm_meeting.starts_at + dt.timedelta(days=90)
    )
    other_body = MeetingFactory(
        body=registry.group_leaders,
        kind="group_leaders",
        starts_at=pm_meeting.starts_at + dt.timedelta(days=90),
    )
    proposal = submit(wg_member, pm_meeting)
    with pytest.raises(ValidationError):
        services.proposal_defer(proposal=proposal, to_meeting=other_body, by=secretariat)
    proposal = services.proposal_defer(proposal=proposal, to_meeting=later, by=secretariat)
    assert (proposal.status, proposal.target_meeting, proposal.original_meeting) == (
        Proposal.Status.DEFERRED,
        later,
        pm_meeting,
    )
    proposal = services.proposal_accept(proposal=proposal, by=secretariat)
    assert proposal.agenda_item.meeting == later
    assert not pm_meeting.agenda_items.exists()


def test_withdraw(registry, pm_meeting):
    person = PersonFactory()
    MembershipFactory(person=person, body=registry.partners_meeting, partner=registry.partner)
    proposal = services.proposal_withdraw(proposal=submit(person, pm_meeting))
    assert proposal.status == Proposal.Status.WITHDRAWN
