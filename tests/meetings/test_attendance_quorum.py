"""Attendance, stepping aside and each body's quorum rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from meetings import selectors, services
from meetings.models import Attendance
from partnership import services as registry_services
from partnership.models import Membership

from ..factories import BodyFactory, MembershipFactory, PartnerFactory, PersonFactory
from .factories import AgendaItemFactory, MeetingFactory, approve_minutes, held_meeting

P = Attendance.Status


@pytest.fixture
def board(db):
    """A body with five voting members (leader, deputy leader, three members), a deputy and
    an observer, and a meeting of it."""
    body = BodyFactory(name="Styret", short_name="ST")
    partner = PartnerFactory()
    roles = ["leader", "deputy_leader", "member", "member", "member"]
    voters = [MembershipFactory(body=body, partner=partner, role=r).person for r in roles]
    deputy = MembershipFactory(body=body, partner=partner, role="deputy").person
    observer = MembershipFactory(body=body, partner=partner, role="observer").person
    meeting = MeetingFactory(body=body)
    return body, meeting, voters, deputy, observer


def test_more_than_half_present_is_quorate(board):
    _body, meeting, voters, _deputy, observer = board
    for person in voters[:2]:
        services.attendance_record(meeting=meeting, person=person, status=P.PRESENT)
    services.attendance_record(meeting=meeting, person=observer, status=P.PRESENT)  # no vote
    services.attendance_record(meeting=meeting, person=voters[2], status=P.ABSENT_WITH_NOTICE)
    q = selectors.quorum(meeting=meeting)
    assert (q.voting_members, q.present, q.required, q.quorate) == (5, 2, 3, False)
    services.attendance_record(meeting=meeting, person=voters[3], status=P.PRESENT)
    q = selectors.quorum(meeting=meeting)
    assert (q.present, q.quorate) == (3, True)


def test_deputy_attending_counts_for_the_member(board):
    _body, meeting, voters, deputy, _observer = board
    services.attendance_record(meeting=meeting, person=voters[0], status=P.PRESENT)
    services.attendance_record(meeting=meeting, person=voters[1], status=P.PRESENT)
    a = services.attendance_record(
        meeting=meeting, person=voters[2], status=P.DEPUTY_ATTENDING, deputy=deputy
    )
    assert a.membership.role == Membership.Role.MEMBER
    assert selectors.quorum(meeting=meeting).present == 3
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(meeting=meeting, person=voters[3], status=P.DEPUTY_ATTENDING)
    assert exc.value.message_dict["deputy"] == ["Oppgi hvem som møter som vara."]


def test_recording_again_changes_the_row(board):
    _body, meeting, voters, _deputy, _observer = board
    services.attendance_record(meeting=meeting, person=voters[0], status=P.ABSENT_WITH_NOTICE)
    services.attendance_record(meeting=meeting, person=voters[0], status=P.PRESENT)
    assert Attendance.objects.get(meeting=meeting, person=voters[0]).status == P.PRESENT


def test_those_who_step_aside_are_left_out_of_the_items_quorum(board):
    _body, meeting, voters, deputy, _observer = board
    for person in voters[:3]:
        services.attendance_record(meeting=meeting, person=person, status=P.PRESENT)
    services.attendance_record(
        meeting=meeting, person=voters[3], status=P.DEPUTY_ATTENDING, deputy=deputy
    )
    item = AgendaItemFactory(meeting=meeting)
    other = AgendaItemFactory(meeting=meeting)
    services.step_aside_record(agenda_item=item, person=voters[0], reason="Søker på egne vegne")
    services.step_aside_record(
        agenda_item=item, person=deputy, reason="Styremedlem i søkerorganisasjonen"
    )
    with pytest.raises(ValidationError) as exc:
        services.step_aside_record(agenda_item=item, person=voters[1], reason=" ")
    assert "reason" in exc.value.message_dict

    q = selectors.quorum(meeting=meeting, agenda_item=item)
    # Five voting members, two out (one stepped aside, one through the deputy): 3 left, 2 present.
    assert (q.voting_members, q.present, q.stepped_aside, q.required, q.quorate) == (
        3,
        2,
        2,
        2,
        True,
    )
    assert selectors.quorum(meeting=meeting).present == 4
    per_item = selectors.quorum_per_item(meeting=meeting)
    assert per_item[item.pk] == q
    assert per_item[other.pk] == selectors.quorum(meeting=meeting)


def test_quorum_fraction_is_per_body(board):
    body, meeting, voters, _deputy, _observer = board
    services.meeting_settings_update(
        body=body,
        proposal_deadline_days=14,
        notice_days=7,
        minutes_reminder_days=14,
        quorum_fraction=Decimal("0.66"),
    )
    for person in voters[:3]:
        services.attendance_record(meeting=meeting, person=person, status=P.PRESENT)
    q = selectors.quorum(meeting=meeting)
    assert (q.required, q.quorate) == (4, False)
    with pytest.raises(ValidationError):
        services.meeting_settings_update(
            body=body,
            proposal_deadline_days=14,
            notice_days=7,
            minutes_reminder_days=14,
            quorum_fraction=Decimal("1.00"),
        )


def test_voting_members_are_counted_on_the_meeting_date(db):
    body = BodyFactory()
    partner = PartnerFactory()
    meeting = MeetingFactory(body=body)  # in 30 days
    MembershipFactory(body=body, partner=partner)
    leaving = MembershipFactory(body=body, partner=partner)
    registry_services.membership_end(
        membership=leaving, ends_on=meeting.local_date - dt.timedelta(days=1)
    )
    MembershipFactory(
        body=body, partner=partner, starts_on=meeting.local_date + dt.timedelta(days=1)
    )
    assert selectors.quorum(meeting=meeting).voting_members == 1


def test_no_voting_members_is_not_quorate(db):
    meeting = MeetingFactory(body=BodyFactory())
    q = selectors.quorum(meeting=meeting)
    assert (q.voting_members, q.present, q.quorate) == (0, 0, False)


def test_attendance_sheet_lists_members_then_guests(board, secretariat):
    _body, meeting, voters, _deputy, _observer = board
    services.attendance_record(meeting=meeting, person=secretariat, status=P.PRESENT)
    services.attendance_record(meeting=meeting, person=voters[0], status=P.PRESENT)
    rows = selectors.attendance_sheet(meeting=meeting)
    assert len(rows) == 8  # seven members and one guest
    assert rows[-1][0] is None and rows[-1][1] == secretariat
    guest = Attendance.objects.get(meeting=meeting, person=secretariat)
    assert guest.membership is None


def test_attendance_is_read_only_after_approval(registry):
    meeting = held_meeting(body=registry.partners_meeting, items=1)
    person = PersonFactory()
    approve_minutes(minutes=services.minutes_start(meeting=meeting), how="circulation")
    with pytest.raises(ValidationError, match="Referatet er godkjent"):
        services.attendance_record(meeting=meeting, person=person, status=P.PRESENT)
    with pytest.raises(ValidationError, match="Referatet er godkjent"):
        services.step_aside_record(
            agenda_item=meeting.agenda_items.get(), person=person, reason="Inhabil"
        )
    assert not Attendance.objects.filter(meeting=meeting).exists()
