"""Issue 11 §5: attendance is one form for the whole meeting. Everyone with a vote is present
by default; each row says which partner the person represents and who its deputies are;
"absent, deputy attends" offers only that partner's deputies; a refused row keeps what was
chosen (in every row) and nothing is saved; the quorum is recounted as the form changes."""

from __future__ import annotations

from functools import partial

import pytest
from django.urls import reverse

from meetings.models import Attendance
from partnership.models import Membership
from tests import querycounts
from tests.querycounts import topped_up

from ..factories import MembershipFactory, PersonFactory
from .factories import held_meeting

HTMX = {"HTTP_HX_REQUEST": "true"}
pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(registry, partner_rep):
    return held_meeting(body=registry.partners_meeting)


def _seat(registry, meeting, *, partner, role=Membership.Role.MEMBER, name=None):
    person = PersonFactory(**({"full_name": name} if name else {}))
    MembershipFactory(
        person=person,
        body=registry.partners_meeting,
        partner=partner,
        role=role,
        starts_on=meeting.local_date,
    )
    return person


def test_rows_show_the_partner_and_offer_only_its_deputies(
    client, login, registry, secretariat, partner_rep, meeting
):
    ours = _seat(registry, meeting, partner=registry.partner, role="deputy", name="Vera Vår")
    theirs = _seat(
        registry, meeting, partner=registry.other_partner, role="deputy", name="Tore Deres"
    )
    login(secretariat)
    page = client.get(reverse("meetings:attendance", args=[meeting.pk])).text
    row = page.split(f'id="att-{partner_rep.pk}"')[1].split("</tr>")[0]
    assert registry.partner.short_name in row and "Vara:" in row and "Vera Vår" in row
    deputy_select = row.split(f'name="deputy-{partner_rep.pk}"')[1].split("</select>")[0]
    assert f'value="{ours.pk}"' in deputy_select and f'value="{theirs.pk}"' not in deputy_select
    # A deputy's own row is not preset: deputies come only when called in.
    deputy_row = page.split(f'id="att-{ours.pk}"')[1].split("</tr>")[0]
    assert '<option value="" selected>' in deputy_row


def test_a_refused_row_keeps_every_choice_and_saves_nothing(
    client, login, registry, secretariat, partner_rep, meeting
):
    other = _seat(registry, meeting, partner=registry.other_partner, name="Ola Annen")
    theirs = _seat(registry, meeting, partner=registry.other_partner, role="deputy")
    login(secretariat)
    url = reverse("meetings:attendance", args=[meeting.pk])
    data = {
        f"status-{partner_rep.pk}": "deputy_attending",
        f"deputy-{partner_rep.pk}": theirs.pk,  # another partner's deputy: refused
        f"status-{other.pk}": "absent_with_notice",
        f"note-{other.pk}": "Syk",
    }
    response = client.post(url, data, **HTMX)
    assert response.status_code == 400
    assert "Velg en vara for samme partner." in response.text
    assert not Attendance.objects.exists()
    # The refused row and the other row show what was chosen, not what is stored.
    row = response.text.split(f'id="att-{partner_rep.pk}"')[1].split("</tr>")[0]
    assert '<option value="deputy_attending" selected>' in row
    other_row = response.text.split(f'id="att-{other.pk}"')[1].split("</tr>")[0]
    assert '<option value="absent_with_notice" selected>' in other_row
    assert 'value="Syk"' in other_row
    # The fixed form saves every row at once.
    data[f"deputy-{partner_rep.pk}"] = ""
    data[f"status-{partner_rep.pk}"] = "present"
    assert client.post(url, data, **HTMX).status_code == 200
    assert dict(Attendance.objects.values_list("person_id", "status")) == {
        partner_rep.pk: "present",
        other.pk: "absent_with_notice",
    }


def test_someone_who_is_neither_member_nor_deputy_is_refused(
    client, login, secretariat, partner_rep, meeting
):
    outsider = PersonFactory()
    login(secretariat)
    response = client.post(
        reverse("meetings:attendance", args=[meeting.pk]),
        {f"status-{partner_rep.pk}": "present", f"status-{outsider.pk}": "present"},
    )
    assert response.status_code == 400
    assert "ikke medlem eller vara i organet" in response.text
    assert not Attendance.objects.exists()


def test_the_quorum_is_recounted_as_the_form_changes_without_saving(
    client, login, registry, secretariat, partner_rep, meeting
):
    voters = [partner_rep] + [
        _seat(registry, meeting, partner=registry.other_partner) for _ in range(3)
    ]
    login(secretariat)
    url = reverse("meetings:attendance", args=[meeting.pk])
    absent = {f"status-{p.pk}": "absent" for p in voters}
    response = client.post(url, {"preview": "1", **absent}, **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="quorum"')
    assert "Møtet er ikke vedtaksført." in response.text
    present = {f"status-{p.pk}": "present" for p in voters}
    response = client.post(url, {"preview": "1", **present}, **HTMX)
    assert "Møtet er vedtaksført." in response.text
    assert not Attendance.objects.exists()


def test_the_form_page_queries_are_constant(client, login, registry, secretariat, meeting):
    def make(k):
        for _ in range(k):
            _seat(registry, meeting, partner=registry.other_partner)
            _seat(registry, meeting, partner=registry.other_partner, role="deputy")

    login(secretariat)
    partial(querycounts.assert_constant_queries, sizes=(2, 12))(
        client,
        reverse("meetings:attendance", args=[meeting.pk]),
        topped_up(make),
        pinned=PINNED_ATTENDANCE,
    )


PINNED_ATTENDANCE = 9
