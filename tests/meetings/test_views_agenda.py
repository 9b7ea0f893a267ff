"""The agenda (htmx in place), templates, and proposals: made, handled, refused after the
deadline with the deadline shown."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, AgendaTemplate, Proposal

from .factories import AgendaItemFactory, MeetingFactory, approve_minutes, in_days

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pm_meeting(registry):
    return MeetingFactory(body=registry.partners_meeting, starts_at=in_days(30))


def item_data(**extra) -> dict:
    return {
        "kind": "decision",
        "title": "Budsjett 2027",
        "background": "",
        "proposed_decision": "",
        "legal_basis": "",
        **extra,
    }


# --- Agenda ------------------------------------------------------------------------------------
def test_add_an_item_with_htmx(client, login, secretariat, pm_meeting):
    login(secretariat)
    url = reverse("meetings:agenda_item_add", args=[pm_meeting.pk])
    response = client.post(url, item_data(), **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="agenda"')
    item = AgendaItem.objects.get()
    assert item.label in response.text
    assert (
        json.loads(response["HX-Trigger"])["portal:message"]
        == f"{item.label} er lagt til på sakslisten."
    )
    # Without htmx: back to the meeting page.
    response = client.post(url, item_data(title="Eventuelt"))
    assert response.status_code == 302


def test_an_exempt_item_needs_a_legal_basis(client, login, secretariat, pm_meeting):
    login(secretariat)
    url = reverse("meetings:agenda_item_add", args=[pm_meeting.pk])
    response = client.post(url, item_data(exempt="on"), **HTMX)
    assert response.status_code == 400
    assert "Oppgi hjemmel" in response.text
    assert "data-error-summary" in response.text
    assert not AgendaItem.objects.exists()
    response = client.post(url, item_data(title=""), **HTMX)
    assert response.status_code == 400
    assert not AgendaItem.objects.exists()


def test_members_cannot_change_the_agenda(client, login, partner_rep, pm_meeting):
    item = AgendaItemFactory(meeting=pm_meeting)
    login(partner_rep)
    assert (
        client.post(
            reverse("meetings:agenda_item_add", args=[pm_meeting.pk]), item_data()
        ).status_code
        == 403
    )
    assert client.get(reverse("meetings:agenda_item_edit", args=[item.pk])).status_code == 403


def test_edit_an_item_in_place(client, login, secretariat, pm_meeting):
    item = AgendaItemFactory(meeting=pm_meeting, title="Gammel tittel")
    url = reverse("meetings:agenda_item_edit", args=[item.pk])
    login(secretariat)
    form = client.get(url, **HTMX)
    assert form.status_code == 200
    assert form.text.lstrip().startswith(f'<li id="item-{item.pk}"')
    bad = client.post(url, item_data(title=""), **HTMX)
    assert bad.status_code == 400
    assert bad["HX-Retarget"] == f"#item-{item.pk}"
    ok = client.post(url, item_data(title="Ny tittel"), **HTMX)
    assert ok.status_code == 200
    item.refresh_from_db()
    assert item.title == "Ny tittel"
    assert client.get(url).status_code == 200  # the page without htmx


def test_reorder_items(client, login, secretariat, pm_meeting):
    first = AgendaItemFactory(meeting=pm_meeting)
    second = AgendaItemFactory(meeting=pm_meeting)
    login(secretariat)
    response = client.post(
        reverse("meetings:agenda_item_move", args=[second.pk]), {"direction": "up"}, **HTMX
    )
    assert response.status_code == 200
    order = list(pm_meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    assert order == [second.pk, first.pk]
    assert (
        client.post(
            reverse("meetings:agenda_item_move", args=[second.pk]),
            {"direction": "sideways"},
            **HTMX,
        ).status_code
        == 400
    )


def test_apply_an_agenda_template(client, login, registry, secretariat):
    services.seed_agenda_templates()
    meeting = MeetingFactory(body=registry.wg_local, kind="start_up")
    template = AgendaTemplate.objects.get(meeting_kind="start_up")
    login(secretariat)
    url = reverse("meetings:agenda_template_apply", args=[meeting.pk])
    response = client.post(url, {"template": template.pk}, **HTMX)
    assert response.status_code == 200
    assert meeting.agenda_items.count() == template.items.count()
    assert "Valg av leder" in response.text
    again = client.post(url, {"template": template.pk}, **HTMX)
    assert "står allerede på sakslisten" in json.loads(again["HX-Trigger"])["portal:message"]
    assert client.post(url, {"template": "x"}, **HTMX).status_code == 400


def test_approved_minutes_make_the_agenda_read_only(client, login, registry, secretariat):
    from .factories import held_meeting

    meeting = held_meeting(body=registry.partners_meeting, items=1)
    minutes = services.minutes_start(meeting=meeting)
    approve_minutes(minutes=minutes, how="circulation")
    login(secretariat)
    response = client.post(
        reverse("meetings:agenda_item_add", args=[meeting.pk]), item_data(), **HTMX
    )
    assert response.status_code == 400
    assert "Referatet er godkjent og kan ikke endres" in response.text


# --- Proposals ---------------------------------------------------------------------------------
def proposal_data(meeting, **extra) -> dict:
    return {
        "target_meeting": meeting.pk,
        "on_behalf_of": "",
        "title": "Felles kampanje",
        "background": "Bakgrunn.",
        "proposed_decision": "",
        **extra,
    }


def test_working_group_member_proposes_an_item(client, login, registry, wg_member, pm_meeting):
    login(wg_member)
    url = reverse("meetings:proposal_create")
    page = client.get(url, {"meeting": pm_meeting.pk})
    assert page.status_code == 200
    assert "frist" in page.text
    response = client.post(url, proposal_data(pm_meeting, on_behalf_of=registry.wg_local.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:my_proposals")
    proposal = Proposal.objects.get()
    assert (proposal.proposed_by, proposal.on_behalf_of) == (wg_member, registry.wg_local)
    assert "Felles kampanje" in client.get(reverse("meetings:my_proposals")).text


def test_proposal_after_the_deadline_shows_the_deadline(client, login, wg_member, pm_meeting):
    # Past the default deadline (14 days before) but before the meeting.
    with time_machine.travel(pm_meeting.starts_at - dt.timedelta(days=3)):
        login(wg_member)
        page = client.get(reverse("meetings:proposal_create"))
        assert str(pm_meeting) not in page.text  # no longer offered
        response = client.post(reverse("meetings:proposal_create"), proposal_data(pm_meeting))
    assert response.status_code == 400
    deadline = (pm_meeting.starts_at - dt.timedelta(days=14)).astimezone(
        pm_meeting.starts_at.tzinfo
    )
    assert "Fristen for saksforslag til dette møtet gikk ut" in response.text
    assert f"{deadline:%H:%M}" in response.text
    assert not Proposal.objects.exists()


def test_someone_outside_cannot_propose(client, login, user, pm_meeting):
    login(user)
    response = client.post(reverse("meetings:proposal_create"), proposal_data(pm_meeting))
    assert response.status_code == 400
    assert not Proposal.objects.exists()


def _proposal(person, meeting) -> Proposal:
    return services.proposal_submit(
        proposed_by=person, target_meeting=meeting, title="Kampanje mot digital mobbing"
    )


def test_secretariat_accepts_returns_and_defers(
    client, login, registry, secretariat, wg_member, pm_meeting
):
    later = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(90))
    accepted, returned, deferred = (_proposal(wg_member, pm_meeting) for _ in range(3))
    login(secretariat)
    page = client.get(reverse("meetings:meeting_detail", args=[pm_meeting.pk]))
    assert "Sett på sakslisten" in page.text

    def handle(proposal, **data):
        return client.post(reverse("meetings:proposal_handle", args=[proposal.pk]), data)

    assert handle(accepted, action="accept").status_code == 302
    assert pm_meeting.agenda_items.get().title == "Kampanje mot digital mobbing"
    no_reason = handle(returned, action="return", reason="")
    assert no_reason.status_code == 400
    assert f'id="return-{returned.pk}-error"' in no_reason.text
    assert handle(returned, action="return", reason="Hører hjemme i AU.").status_code == 302
    assert handle(deferred, action="defer", to_meeting=later.pk).status_code == 302
    assert handle(deferred, action="nonsense").status_code == 400
    statuses = {p.pk: p.status for p in Proposal.objects.all()}
    assert statuses == {accepted.pk: "accepted", returned.pk: "returned", deferred.pk: "deferred"}
    assert Proposal.objects.get(pk=deferred.pk).target_meeting == later
    # Handled twice: refused with a message, no 500.
    assert handle(accepted, action="accept").status_code == 400


def test_proposals_are_handled_by_the_secretariat_only(
    client, login, partner_rep, wg_member, pm_meeting
):
    proposal = _proposal(wg_member, pm_meeting)
    login(partner_rep)
    url = reverse("meetings:proposal_handle", args=[proposal.pk])
    assert client.post(url, {"action": "accept"}).status_code == 403
    login(wg_member)
    assert client.post(url, {"action": "accept"}).status_code == 403
    assert client.post(reverse("meetings:proposal_withdraw", args=[proposal.pk])).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
