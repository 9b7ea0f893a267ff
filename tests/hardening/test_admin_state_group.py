"""Issue 10 §6: the Django admin applies the portal's access rules (R7).

A superuser is treated like the secretariat: the state actors' group's meetings, agenda
items, minutes and decisions are the group's own, in the admin as in the portal.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, Decision, Meeting, Minutes
from partnership.models import Membership
from tests.factories import MembershipFactory
from tests.meetings.factories import held_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def state_papers(registry):
    """A held state-group meeting with an item, minutes and a decision; and the same for the
    Partnermøte, which the admin does see."""
    papers = {}
    for name, body in (("state", registry.state_group), ("pm", registry.partners_meeting)):
        meeting = held_meeting(body=body, items=1)
        item = meeting.agenda_items.get()
        minutes = services.minutes_start(meeting=meeting)
        decision = services.decision_record(
            meeting=meeting, agenda_item=item, text=f"Vedtak i {name}"
        )
        papers[name] = {
            "meeting": meeting,
            "agendaitem": item,
            "minutes": minutes,
            "decision": decision,
        }
    return papers


def _url(obj, view: str) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


KINDS = ("meeting", "agendaitem", "minutes", "decision")


@pytest.mark.parametrize("kind", KINDS)
def test_admin_cannot_open_the_state_groups_papers(login, admin, state_papers, kind):
    client = login(admin)
    hidden = state_papers["state"][kind]
    # Change page and history page: the object does not exist for this admin.
    response = client.get(_url(hidden, "change"))
    assert response.status_code == 302  # admin's "does not exist" redirect to the index
    assert client.get(_url(hidden, "history")).status_code in (403, 404)
    assert client.get(_url(hidden, "delete")).status_code == 302
    # What the admin may see stays open.
    visible = state_papers["pm"][kind]
    assert client.get(_url(visible, "change")).status_code == 200
    assert client.get(_url(visible, "history")).status_code == 200


def test_admin_lists_leave_out_the_state_group(login, admin, state_papers):
    client = login(admin)
    state = state_papers["state"]
    for model, text in ((Decision, state["decision"].label), (Meeting, str(state["meeting"]))):
        meta = model._meta
        page = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert page.status_code == 200
        assert text not in page.content.decode()
    page = client.get(reverse("admin:meetings_decision_changelist")).content.decode()
    assert state_papers["pm"]["decision"].label in page


def test_admin_cannot_edit_the_state_groups_decision(login, admin, state_papers):
    client = login(admin)
    decision = state_papers["state"]["decision"]
    response = client.post(_url(decision, "change"), {"text": "Endret av admin"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.text == "Vedtak i state"


def test_admin_cannot_put_a_meeting_in_the_state_group(login, admin, registry):
    client = login(admin)
    before = Meeting.objects.count()
    response = client.post(
        reverse("admin:meetings_meeting_add"),
        {
            "body": registry.state_group.pk,
            "kind": Meeting.Kind.ORDINARY,
            "title": "Snikmøte",
            "starts_at_0": "2030-01-10",
            "starts_at_1": "10:00",
            "ends_at_0": "2030-01-10",
            "ends_at_1": "12:00",
            "status": Meeting.Status.PLANNED,
        },
    )
    assert response.status_code == 200  # the form again, with the body refused
    assert "body" in response.context["adminform"].form.errors
    assert Meeting.objects.count() == before


def test_an_admin_in_the_state_group_sees_its_papers(login, admin, registry, state_papers):
    MembershipFactory(
        person=admin, body=registry.state_group, partner=registry.kd, role=Membership.Role.MEMBER
    )
    client = login(admin)
    for kind in KINDS:
        assert client.get(_url(state_papers["state"][kind], "change")).status_code == 200


def test_the_rule_is_the_portals_own(login, admin, state_papers):
    """The same admin gets 403 on the meeting in the portal: the two agree."""
    client = login(admin)
    meeting = state_papers["state"]["meeting"]
    assert client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).status_code == 403
    assert AgendaItem.objects.filter(meeting=meeting).exists()
    assert Minutes.objects.filter(meeting=meeting).exists()
