"""The authorization matrix of meetings, agenda items, decisions, proposals and documents.

Allowed and denied side by side, per persona (tests/conftest.py); lists must agree with the
detail checks and cost one query.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from meetings import access, selectors, services
from meetings.models import GoverningDocument, Meeting
from partnership import services as registry_services
from partnership.models import Person, today
from partnership.roles import rights_for

from .factories import AgendaItemFactory, MeetingFactory, held_meeting, in_days

BODIES = (
    "leaders_meeting",
    "partners_meeting",
    "working_committee",
    "wg_local",
    "wg_national",
    "group_leaders",
    "secretariat",
    "state_group",
)
ALL_BUT_STATE = set(BODIES) - {"state_group"}

# Which bodies' meetings each persona may see and manage.
CAN_VIEW = {
    "anonymous": set(),
    "user": set(),
    "partner_rep": {"partners_meeting"},
    "partner_leader": {"leaders_meeting"},
    "wg_member": {"wg_local"},
    "wg_leader": {"wg_local"},
    "finance_lead": {"wg_local"},
    "secretariat": ALL_BUT_STATE | {"secretariat"},
    "ministry_observer": {"state_group"},
    "admin": ALL_BUT_STATE,
}
CAN_MANAGE = {
    **{role: set() for role in CAN_VIEW},
    "wg_leader": {"wg_local"},
    "secretariat": ALL_BUT_STATE,
    "admin": ALL_BUT_STATE,
}


def as_user(person):
    return person if person is not None else AnonymousUser()


@pytest.fixture
def meetings(registry, personas):
    return {name: MeetingFactory(body=getattr(registry, name)) for name in BODIES}


def allowed(fn, *args) -> bool:
    try:
        fn(*args)
    except PermissionDenied:
        return False
    return True


@pytest.mark.parametrize("role", list(CAN_VIEW))
def test_meeting_matrix(role, personas, meetings):
    user = as_user(personas[role])
    viewable = {
        name for name, m in meetings.items() if allowed(access.meeting_for_user, user, m.pk, "view")
    }
    manageable = {
        name
        for name, m in meetings.items()
        if allowed(access.meeting_for_user, user, m.pk, "manage")
    }
    assert viewable == CAN_VIEW[role]
    assert manageable == CAN_MANAGE[role]


@pytest.mark.parametrize("role", list(CAN_VIEW))
def test_list_agrees_with_detail_and_costs_one_query(
    role, personas, meetings, django_assert_max_num_queries
):
    user = as_user(personas[role])
    expected = {meetings[name] for name in CAN_VIEW[role]}
    if user.is_authenticated:
        rights_for(user)  # the request's one rights query (the middleware makes it first)
        # One query; none for a user who is member of nothing (Django knows the answer).
        with django_assert_max_num_queries(1):
            listed = list(selectors.meetings_visible_to(user))
    else:
        listed = list(selectors.meetings_visible_to(user))
    assert set(listed) == expected


def test_list_query_count_does_not_grow_with_data(registry, secretariat, django_assert_num_queries):
    for _ in range(5):
        MeetingFactory(body=registry.partners_meeting)
        MeetingFactory(body=registry.wg_local)
    rights_for(secretariat)
    with django_assert_num_queries(1):
        rows = [
            (m.display_title, m.body.short_name) for m in selectors.meetings_visible_to(secretariat)
        ]
    assert len(rows) == 10


def test_unknown_meeting_is_404(secretariat):
    with pytest.raises(Http404):
        access.meeting_for_user(secretariat, 999999)


def test_rights_end_with_the_membership(registry, partner_rep, meetings):
    assert access.meeting_for_user(partner_rep, meetings["partners_meeting"].pk)
    registry_services.membership_end(membership=partner_rep.memberships.get())
    # Ended today: still a member today; the day after, the daily job removes the rights.
    registry_services.sync_person_rights(person=partner_rep, day=today() + dt.timedelta(days=1))
    fresh = Person.objects.get(pk=partner_rep.pk)
    with pytest.raises(PermissionDenied):
        access.meeting_for_user(fresh, meetings["partners_meeting"].pk)
    assert not selectors.meetings_visible_to(fresh).exists()


def test_propose_action(personas, meetings):
    pm = meetings["partners_meeting"].pk
    may_propose = {
        role
        for role in CAN_VIEW
        if allowed(access.meeting_for_user, as_user(personas[role]), pm, "propose")
    }
    # Members of the Partnermøte, of any working group, and the secretariat (R5).
    assert may_propose == {
        "partner_rep",
        "wg_member",
        "wg_leader",
        "finance_lead",
        "secretariat",
        "admin",
    }
    with pytest.raises(PermissionDenied):
        access.meeting_for_user(personas["secretariat"], meetings["leaders_meeting"].pk, "propose")


# --- Exempt items and decisions ----------------------------------------------------------------------
def test_exempt_items_only_for_members_and_the_secretariat(registry, personas):
    meeting = MeetingFactory(body=registry.partners_meeting)
    open_item = AgendaItemFactory(meeting=meeting)
    exempt = AgendaItemFactory(meeting=meeting, exempt=True, legal_basis="offl. § 14")
    for role in ("partner_rep", "secretariat", "admin"):
        user = personas[role]
        assert access.agenda_item_for_user(user, exempt.pk)
        assert exempt in selectors.meeting_agenda(meeting=meeting, user=user)
    for role in ("user", "wg_member", "ministry_observer"):
        with pytest.raises(PermissionDenied):
            access.agenda_item_for_user(personas[role], exempt.pk)
    assert access.agenda_item_for_user(personas["secretariat"], open_item.pk, "manage")
    with pytest.raises(PermissionDenied):
        access.agenda_item_for_user(personas["partner_rep"], open_item.pk, "manage")
    # Someone who sees the meeting without membership or the secretariat (none today) would not
    # get exempt items from the selector either.
    assert selectors.meeting_agenda(meeting=meeting, user=personas["user"]) == [open_item]


def test_decision_visibility(registry, personas):
    pm = held_meeting(body=registry.partners_meeting)
    item = AgendaItemFactory(meeting=pm, exempt=True, legal_basis="offl. § 13")
    public = services.decision_record(meeting=pm, text="Handlingsplanen følges opp.")
    exempt = services.decision_record(meeting=pm, agenda_item=item, text="Personalsak avgjort.")
    state = services.decision_record(
        meeting=held_meeting(body=registry.state_group), text="Departementene orienteres."
    )
    expected = {
        "user": {public},
        "partner_rep": {public, exempt},
        "partner_leader": {public},
        "wg_member": {public},
        "secretariat": {public, exempt},
        "ministry_observer": {public, state},
        "admin": {public, exempt},
    }
    for role, decisions in expected.items():
        user = personas[role]
        detail = {
            d for d in (public, exempt, state) if allowed(access.decision_for_user, user, d.pk)
        }
        assert detail == decisions, role
        assert set(selectors.decision_search(user=user)) == decisions, role
        assert set(selectors.decision_search(q="personalsak", user=user)) == decisions & {exempt}, (
            role
        )
    with pytest.raises(PermissionDenied):
        access.decision_for_user(AnonymousUser(), public.pk)


# --- Proposals, documents, follow-ups -------------------------------------------------------------------
def test_proposal_access(registry, personas):
    meeting = MeetingFactory(body=registry.partners_meeting)
    proposal = services.proposal_submit(
        proposed_by=personas["wg_member"],
        target_meeting=meeting,
        title="Forslag",
        on_behalf_of=registry.wg_local,
    )
    view = {
        role
        for role in CAN_VIEW
        if allowed(access.proposal_for_user, as_user(personas[role]), proposal.pk, "view")
    }
    assert view == {"wg_member", "wg_leader", "finance_lead", "secretariat", "admin"}
    handle = {
        role
        for role in CAN_VIEW
        if allowed(access.proposal_for_user, as_user(personas[role]), proposal.pk, "handle")
    }
    assert handle == {"secretariat", "admin"}
    withdraw = {
        role
        for role in CAN_VIEW
        if allowed(access.proposal_for_user, as_user(personas[role]), proposal.pk, "withdraw")
    }
    assert withdraw == {"wg_member"}


def test_document_access(registry, personas):
    services.governing_documents_seed()
    doc = GoverningDocument.objects.first()
    view = {
        role
        for role in CAN_VIEW
        if allowed(access.document_for_user, as_user(personas[role]), doc.pk)
    }
    assert view == set(CAN_VIEW) - {"anonymous"}
    manage = {
        role
        for role in CAN_VIEW
        if allowed(access.document_for_user, as_user(personas[role]), doc.pk, "manage")
    }
    assert manage == {"secretariat", "admin"}


def test_follow_up_access(registry, personas):
    meeting = held_meeting(body=registry.partners_meeting, items=1)
    entry = services.minutes_start(meeting=meeting).entries.get()
    follow_up = services.follow_up_create(
        minutes_entry=entry,
        what="Lag årshjul",
        due_on=dt.date(2031, 1, 1),
        responsible_body=registry.wg_local,
    )
    view = {
        role
        for role in CAN_VIEW
        if allowed(access.follow_up_for_user, as_user(personas[role]), follow_up.pk)
    }
    assert view == {"partner_rep", "wg_member", "wg_leader", "finance_lead", "secretariat", "admin"}
    update = {
        role
        for role in CAN_VIEW
        if allowed(access.follow_up_for_user, as_user(personas[role]), follow_up.pk, "update")
    }
    assert update == {"wg_member", "wg_leader", "finance_lead", "secretariat", "admin"}


def test_state_group_meetings_hidden_even_from_the_secretariat_in_the_calendar(
    registry, secretariat
):
    MeetingFactory(body=registry.state_group, starts_at=in_days(3))
    pm = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(4))
    found = list(selectors.calendar_meetings(user=secretariat, start=in_days(0), end=in_days(10)))
    assert found == [pm]
    assert (
        list(
            selectors.calendar_meetings(
                user=secretariat, start=in_days(0), end=in_days(10), body=registry.state_group
            )
        )
        == []
    )
    assert Meeting.objects.count() == 2
