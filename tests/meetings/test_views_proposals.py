"""Handling proposals on the meeting page with htmx: the proposals fragment comes back (with
the agenda swapped out of band when an item was added) and a message for the live region;
errors stay next to the proposal; without htmx, post/redirect/get as before."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Proposal

from .factories import MeetingFactory, in_days

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pm_meeting(registry):
    return MeetingFactory(body=registry.partners_meeting, starts_at=in_days(30))


def _proposal(person, meeting, title="Kampanje mot digital mobbing") -> Proposal:
    return services.proposal_submit(proposed_by=person, target_meeting=meeting, title=title)


def _handle(client, proposal, **data):
    return client.post(reverse("meetings:proposal_handle", args=[proposal.pk]), data, **HTMX)


def _message(response) -> str:
    return json.loads(response["HX-Trigger"])["portal:message"]


def test_the_page_posts_proposal_forms_with_htmx(client, login, secretariat, wg_member, pm_meeting):
    proposal = _proposal(wg_member, pm_meeting)
    login(secretariat)
    page = client.get(reverse("meetings:meeting_detail", args=[pm_meeting.pk]))
    url = reverse("meetings:proposal_handle", args=[proposal.pk])
    assert page.text.count(f'hx-post="{url}"') == 2  # accept and return (no later meeting)
    assert 'hx-target="#proposals"' in page.text


def test_accept_swaps_the_proposals_and_the_agenda(
    client, login, secretariat, wg_member, pm_meeting
):
    proposal = _proposal(wg_member, pm_meeting)
    login(secretariat)
    response = _handle(client, proposal, action="accept")
    assert response.status_code == 200
    text = response.text.lstrip()
    assert text.startswith('<section id="proposals"')
    item = pm_meeting.agenda_items.get()
    # The agenda (with the new item) is swapped out of band.
    assert '<section id="agenda"' in text and 'hx-swap-oob="true"' in text
    assert item.title in text.split('<section id="agenda"')[1]
    assert f'id="proposal-{proposal.pk}" data-autofocus' in text
    assert _message(response) == "Forslaget «Kampanje mot digital mobbing» er satt på sakslisten."
    assert "Satt på sakslisten som sak" in text
    # Handled twice: the error comes back in the fragment, no 500.
    again = _handle(client, proposal, action="accept")
    assert again.status_code == 400
    assert again.text.lstrip().startswith('<section id="proposals"')
    assert "data-error-summary" in again.text and "allerede behandlet" in again.text
    assert "HX-Trigger" not in again


def test_return_and_defer_swap_the_proposals_only(
    client, login, registry, secretariat, wg_member, pm_meeting
):
    later = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(90))
    returned = _proposal(wg_member, pm_meeting, title="Retur")
    deferred = _proposal(wg_member, pm_meeting, title="Utsettes")
    login(secretariat)
    no_reason = _handle(client, returned, action="return", reason="")
    assert no_reason.status_code == 400
    assert f'id="return-{returned.pk}-error"' in no_reason.text
    assert 'aria-invalid="true"' in no_reason.text
    response = _handle(client, returned, action="return", reason="Hører hjemme i AU.")
    assert response.status_code == 200
    assert '<section id="agenda"' not in response.text
    assert "Returnert: Hører hjemme i AU." in response.text
    assert _message(response) == "Forslaget «Retur» er returnert."

    response = _handle(client, deferred, action="defer", to_meeting=later.pk)
    assert response.status_code == 200
    assert _message(response) == "Forslaget «Utsettes» er utsatt."
    assert f'id="proposal-{deferred.pk}"' not in response.text  # now on the later meeting
    assert Proposal.objects.get(pk=deferred.pk).target_meeting == later
    assert not pm_meeting.agenda_items.exists()


def test_without_htmx_handling_still_redirects(client, login, secretariat, wg_member, pm_meeting):
    proposal = _proposal(wg_member, pm_meeting)
    login(secretariat)
    url = reverse("meetings:proposal_handle", args=[proposal.pk])
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting_detail", args=[pm_meeting.pk])
    error = client.post(url, {"action": "accept"})
    assert error.status_code == 400 and "<h1" in error.text


def test_members_cannot_handle_proposals_with_htmx(
    client, login, partner_rep, wg_member, pm_meeting
):
    proposal = _proposal(wg_member, pm_meeting)
    login(partner_rep)
    assert _handle(client, proposal, action="accept").status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
