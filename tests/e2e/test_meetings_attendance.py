"""Issue 11 §5 in the browser: the secretariat fills attendance in one form. Everyone with a
vote starts as present; marking the only voter absent recounts the quorum at once (nothing
saved yet), saving stores the whole list; axe-core on the page before and after."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings.models import Attendance
from partnership.models import Membership

from ..meetings.factories import held_meeting
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def test_attendance_in_one_form_with_a_live_quorum(
    page, live_server, registry, secretariat, partner_rep
):
    meeting = held_meeting(body=registry.partners_meeting)
    voters = list(
        Membership.objects.active_on(meeting.local_date)
        .filter(body=registry.partners_meeting)
        .exclude(role=Membership.Role.DEPUTY)
        .select_related("person")
    )
    assert voters, "the Partnermøte needs members with a vote"
    sign_in_with_cookie(page, live_server, secretariat)
    page.goto(reverse("meetings:attendance", args=[meeting.pk]))
    quorum = page.locator("#quorum")
    axe_check(page)
    for seat in voters:
        expect(page.get_by_label(f"Oppmøte for {seat.person}")).to_have_value("present")
    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 200):
        for seat in voters:
            page.get_by_label(f"Oppmøte for {seat.person}").select_option("absent")
    expect(quorum).to_contain_text("Møtet er ikke vedtaksført.")
    assert not Attendance.objects.exists()
    first = voters[0].person
    page.get_by_label(f"Oppmøte for {first}").select_option("present")
    page.get_by_label(f"Merknad for {first}").fill("Kom etter sak 2")
    page.get_by_role("button", name="Lagre oppmøtet").click()
    expect(page.locator("#live-region")).to_contain_text("Oppmøtet er lagret")
    axe_check(page)
    stored = dict(Attendance.objects.values_list("person_id", "status"))
    assert stored[first.pk] == "present"
    assert all(stored[s.person_id] == "absent" for s in voters[1:])
    assert Attendance.objects.get(person=first).note == "Kom etter sak 2"
