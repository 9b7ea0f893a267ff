"""Meeting pages: list, plan, edit, notice, cancel, the year plan, downloads.

Allowed and denied side by side; bad input gets a message next to the field, nothing is
saved half-way and nothing answers 500.
"""

from __future__ import annotations

import datetime as dt
import json

import time_machine
from django.urls import reverse

from meetings import services
from meetings.models import OSLO, Meeting

from .factories import AgendaItemFactory, MeetingFactory, held_meeting, in_days

HTMX = {"HTTP_HX_REQUEST": "true"}


def local(moment: dt.datetime) -> str:
    """The value of a datetime-local input: Oslo wall time."""
    return moment.astimezone(OSLO).strftime("%Y-%m-%dT%H:%M")


def meeting_data(body, starts: dt.datetime, hours: float = 2, **extra) -> dict:
    return {
        "body": body.pk,
        "kind": "ordinary",
        "title": "",
        "starts_at": local(starts),
        "ends_at": local(starts + dt.timedelta(hours=hours)),
        "place": "Oslo",
        "video_url": "",
        **extra,
    }


# --- List and detail -----------------------------------------------------------------------------
def test_meeting_list_shows_what_the_user_may_see(client, login, registry, partner_rep):
    MeetingFactory(body=registry.partners_meeting, title="Partnermøte i mars")
    MeetingFactory(body=registry.leaders_meeting, title="Ledermøte i april")
    login(partner_rep)
    response = client.get(reverse("meetings:meeting_list"))
    assert response.status_code == 200
    assert "Partnermøte i mars" in response.text
    assert "Ledermøte i april" not in response.text
    # htmx filter: the results fragment only
    response = client.get(reverse("meetings:meeting_list"), {"when": "past", "body": "abc"}, **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Ingen tidligere møter" in response.text


def test_detail_allowed_and_denied(client, login, registry, partner_rep, wg_member, secretariat):
    meeting = MeetingFactory(body=registry.partners_meeting)
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    login(partner_rep)
    response = client.get(url)
    assert response.status_code == 200
    assert "Send innkalling" not in response.text  # members read, the secretariat manages
    login(wg_member)
    assert client.get(url).status_code == 403
    login(secretariat)
    response = client.get(url)
    assert "Send innkalling" in response.text
    assert "Legg til sak" in response.text
    assert client.get(reverse("meetings:meeting_detail", args=[999999])).status_code == 404


# --- Create and edit -------------------------------------------------------------------------------
def test_secretariat_plans_a_meeting(client, login, registry, secretariat):
    login(secretariat)
    starts = in_days(40, hour=10)
    response = client.post(
        reverse("meetings:meeting_create"), meeting_data(registry.partners_meeting, starts)
    )
    meeting = Meeting.objects.get(body=registry.partners_meeting)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting_detail", args=[meeting.pk])
    # Entered as Oslo wall time, stored aware.
    assert meeting.starts_at == starts
    assert meeting.created_by == secretariat


def test_a_meeting_that_ends_before_it_starts_is_refused(client, login, registry, secretariat):
    login(secretariat)
    starts = in_days(40)
    data = meeting_data(registry.partners_meeting, starts, hours=-1)
    response = client.post(reverse("meetings:meeting_create"), data)
    assert response.status_code == 400
    assert "Møtet kan ikke slutte før det begynner." in response.text
    assert 'aria-invalid="true"' in response.text
    assert not Meeting.objects.exists()


def test_a_nonexistent_local_time_is_refused(client, login, registry, secretariat):
    login(secretariat)
    data = meeting_data(registry.partners_meeting, in_days(40))
    data["starts_at"] = "2031-03-30T02:30"  # the hour skipped when summer time starts
    response = client.post(reverse("meetings:meeting_create"), data)
    assert response.status_code == 400
    assert "Klokkeslettet finnes ikke" in response.text


def test_overlapping_meetings_warn_and_can_be_confirmed(client, login, registry, secretariat):
    existing = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(40, hour=10))
    login(secretariat)
    data = meeting_data(registry.partners_meeting, in_days(40, hour=11))
    response = client.post(reverse("meetings:meeting_create"), data)
    assert response.status_code == 400
    assert "har et annet møte på samme tid" in response.text
    assert existing.display_title in response.text
    assert Meeting.objects.count() == 1
    response = client.post(reverse("meetings:meeting_create"), {**data, "confirm_overlap": "on"})
    assert response.status_code == 302
    assert Meeting.objects.count() == 2


def test_working_group_leader_plans_only_for_their_group(
    client, login, registry, wg_leader, partner_rep
):
    login(wg_leader)
    response = client.get(reverse("meetings:meeting_create"))
    assert response.status_code == 200
    assert registry.wg_local.name in response.text
    assert registry.partners_meeting.name not in response.text
    response = client.post(
        reverse("meetings:meeting_create"), meeting_data(registry.partners_meeting, in_days(40))
    )
    assert response.status_code == 400  # not a body they may plan for
    assert not Meeting.objects.exists()
    response = client.post(
        reverse("meetings:meeting_create"), meeting_data(registry.wg_local, in_days(40))
    )
    assert response.status_code == 302
    login(partner_rep)
    assert client.get(reverse("meetings:meeting_create")).status_code == 403


def test_edit_bumps_the_ical_sequence(client, login, registry, secretariat):
    meeting = MeetingFactory(body=registry.partners_meeting)
    login(secretariat)
    data = meeting_data(registry.partners_meeting, meeting.starts_at + dt.timedelta(hours=1))
    data.pop("body")
    response = client.post(reverse("meetings:meeting_edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_a_held_meeting_cannot_be_edited(client, login, registry, secretariat):
    meeting = held_meeting(body=registry.partners_meeting)
    login(secretariat)
    data = meeting_data(registry.partners_meeting, meeting.starts_at)
    data.pop("body")
    response = client.post(reverse("meetings:meeting_edit", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert "kan ikke endres" in response.text


# --- Notice, cancel --------------------------------------------------------------------------------
def test_send_notice_has_a_confirm_step(client, login, registry, secretariat, partner_rep):
    meeting = MeetingFactory(body=registry.partners_meeting)
    AgendaItemFactory(meeting=meeting, title="Budsjett 2027")
    url = reverse("meetings:meeting_send_notice", args=[meeting.pk])
    login(partner_rep)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    login(secretariat)
    response = client.get(url)
    assert response.status_code == 200
    assert "Budsjett 2027" in response.text
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    response = client.post(url)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.NOTICE_SENT


def test_a_notice_for_a_past_meeting_is_refused(client, login, registry, secretariat):
    with time_machine.travel(in_days(-20)):
        meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(-3))
    login(secretariat)
    response = client.post(reverse("meetings:meeting_send_notice", args=[meeting.pk]))
    assert response.status_code == 400
    assert "for sent å sende innkalling" in response.text
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_cancel_needs_a_reason_and_stays_in_the_calendar(client, login, registry, secretariat):
    meeting = MeetingFactory(body=registry.partners_meeting)
    url = reverse("meetings:meeting_cancel", args=[meeting.pk])
    login(secretariat)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    response = client.post(url, {"reason": "For få påmeldte."})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancellation_reason) == ("cancelled", "For få påmeldte.")
    response = client.post(reverse("meetings:meeting_reinstate", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


# --- Year plan -------------------------------------------------------------------------------------
def test_secretariat_generates_a_year(client, login, registry, secretariat):
    login(secretariat)
    url = reverse("meetings:year_plan")
    year = in_days(0).year + 1
    bodies = [registry.partners_meeting.pk, registry.leaders_meeting.pk, registry.wg_local.pk]
    response = client.post(url, {"year": year, "bodies": bodies})
    assert response.status_code == 200
    # Partnermøte 4 + Faglig forum 2, Ledermøte 2, the working group 1 + 4 + 1.
    assert Meeting.objects.count() == 14
    assert "14 møter er laget." in response.text
    response = client.post(url, {"year": year, "bodies": bodies})
    assert "0 møter er laget." in response.text
    assert Meeting.objects.count() == 14
    response = client.post(url, {"year": "1999", "bodies": bodies})
    assert response.status_code == 400
    response = client.post(url, {"year": year})
    assert response.status_code == 400
    assert "Velg minst ett organ." in response.text


def test_year_plan_access(client, login, registry, wg_leader, wg_member):
    login(wg_member)
    assert client.get(reverse("meetings:year_plan")).status_code == 403
    login(wg_leader)
    response = client.get(reverse("meetings:year_plan"))
    assert response.status_code == 200
    assert "Lag årsplan" not in response.text  # leaders confirm; the secretariat generates
    assert client.post(reverse("meetings:year_plan"), {"year": 2030}).status_code == 403


def test_leader_confirms_and_moves_suggested_meetings_in_place(
    client, login, registry, secretariat, wg_leader
):
    year = in_days(0).year + 1
    services.generate_year(year=year, body=registry.wg_local)
    start_up, *_rest, reporting = list(Meeting.objects.order_by("starts_at"))
    login(wg_leader)
    response = client.get(reverse("meetings:year_plan"))
    assert start_up.display_title in response.text
    response = client.post(reverse("meetings:meeting_confirm", args=[start_up.pk]), **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<tr")
    assert "Bekreftet" in response.text
    assert "portal:message" in response["HX-Trigger"]
    start_up.refresh_from_db()
    assert not start_up.suggested

    move_url = reverse("meetings:meeting_move", args=[reporting.pk])
    form = client.get(move_url, **HTMX)
    assert form.status_code == 200 and 'name="starts_at"' in form.text
    new_start = reporting.starts_at - dt.timedelta(days=3)
    bad = client.post(
        move_url, {"starts_at": local(new_start), "ends_at": local(new_start)}, **HTMX
    )
    assert bad.status_code == 400
    assert "Møtet kan ikke slutte før det begynner." in bad.text
    ok = client.post(
        move_url,
        {"starts_at": local(new_start), "ends_at": local(new_start + dt.timedelta(hours=2))},
        **HTMX,
    )
    assert ok.status_code == 200
    assert json.loads(ok["HX-Trigger"])["portal:message"].startswith("Møtet er flyttet")
    reporting.refresh_from_db()
    assert (reporting.starts_at, reporting.suggested) == (new_start, False)
    # Not their group's meeting:
    other = MeetingFactory(body=registry.partners_meeting)
    assert client.post(reverse("meetings:meeting_confirm", args=[other.pk])).status_code == 403


# --- Downloads -------------------------------------------------------------------------------------
def test_minutes_pdf_only_when_approved(client, login, registry, secretariat, partner_rep):
    meeting = held_meeting(body=registry.partners_meeting, items=1)
    url = reverse("meetings:minutes_pdf", args=[meeting.pk])
    login(secretariat)
    assert client.get(url).status_code == 404
    login(partner_rep)
    assert client.get(url).status_code == 404


def test_notice_pdf_is_an_access_checked_attachment(
    client, login, registry, partner_rep, wg_member
):
    meeting = MeetingFactory(body=registry.partners_meeting)
    url = reverse("meetings:notice_pdf", args=[meeting.pk])
    login(wg_member)
    assert client.get(url).status_code == 403
    login(partner_rep)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")
