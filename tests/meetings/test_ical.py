"""iCal: the feed parsed with the icalendar library; stable UIDs, SEQUENCE, cancellations,
Europe/Oslo times, only what the reader may see, revoked tokens answer 404."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings import ical, services
from partnership import services as registry_services

from .factories import AgendaItemFactory, MeetingFactory, oslo


def feed(client, raw: str) -> Calendar:
    response = client.get(reverse("meetings:calendar_feed", args=[raw]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


@pytest.fixture
def meeting(registry):
    year = dt.date.today().year + 1
    meeting = MeetingFactory(
        body=registry.partners_meeting,
        title="Partnermøte",
        starts_at=oslo(year, 6, 10, 10),
        place="Udir, Oslo",
    )
    AgendaItemFactory(meeting=meeting, title="Budsjett")
    AgendaItemFactory(meeting=meeting, title="Personalsak", exempt=True, legal_basis="offl. § 14")
    return meeting


def test_feed_event_fields(client, partner_rep, meeting):
    raw = ical.token_create(person=partner_rep)
    cal = feed(client, raw)
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Oslo"
    event = events(cal)[str(meeting.uid)]
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event["LOCATION"] == "Udir, Oslo"
    assert "DTSTAMP" in event
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=2)  # summer time
    assert event.decoded("DTEND") == meeting.ends_at
    assert str(event["URL"]).endswith(f"/moter/{meeting.pk}/")
    description = str(event["DESCRIPTION"])
    # A member reads both items on the meeting page, but the feed is a bearer link: the
    # exempt item appears by its number only (issue 10 §7).
    assert "Budsjett" in description and "Personalsak" not in description
    exempt = meeting.agenda_items.get(exempt=True)
    assert f"{exempt.label} Sak unntatt offentlighet" in description


def test_uid_is_stable_and_sequence_rises_with_edits(client, partner_rep, meeting):
    raw = ical.token_create(person=partner_rep)
    before = events(feed(client, raw))[str(meeting.uid)]
    services.meeting_update(meeting=meeting, place="Bufdir, Oslo")
    services.meeting_move(
        meeting=meeting,
        starts_at=meeting.starts_at + dt.timedelta(days=1),
        ends_at=meeting.ends_at + dt.timedelta(days=1),
    )
    after = events(feed(client, raw))
    assert list(after) == [str(meeting.uid)]  # updated, not duplicated
    event = after[str(meeting.uid)]
    assert event["SEQUENCE"] > before["SEQUENCE"]
    assert event["LOCATION"] == "Bufdir, Oslo"


def test_cancelled_meetings_stay_with_status_cancelled(client, partner_rep, meeting):
    raw = ical.token_create(person=partner_rep)
    services.meeting_cancel(meeting=meeting, reason="For få påmeldte")
    event = events(feed(client, raw))[str(meeting.uid)]
    assert event["STATUS"] == "CANCELLED"
    assert "For få påmeldte" in str(event["DESCRIPTION"])


def test_a_user_only_sees_what_they_may_see(client, registry, secretariat, wg_member, meeting):
    state = MeetingFactory(body=registry.state_group)
    wg = MeetingFactory(body=registry.wg_local)
    theirs = events(feed(client, ical.token_create(person=wg_member)))
    assert set(theirs) == {str(wg.uid)}
    secretariat_events = events(feed(client, ical.token_create(person=secretariat)))
    assert str(meeting.uid) in secretariat_events and str(wg.uid) in secretariat_events
    assert str(state.uid) not in secretariat_events  # R7: the state group's own


def test_exempt_items_are_left_out_for_others(registry, wg_member, meeting):
    # A reader who may see the meeting but not its exempt items (none of today's roles is
    # one, so the feed helper is asked directly for a working-group member).
    cal = Calendar.from_ical(ical.calendar_bytes([meeting], user=wg_member, name="x"))
    description = str(cal.walk("VEVENT")[0]["DESCRIPTION"])
    assert "Budsjett" in description and "Personalsak" not in description


def test_revoked_and_unknown_tokens_are_404(client, partner_rep):
    raw = ical.token_create(person=partner_rep)
    assert client.get(reverse("meetings:calendar_feed", args=[raw])).status_code == 200
    ical.token_revoke(person=partner_rep)
    assert client.get(reverse("meetings:calendar_feed", args=[raw])).status_code == 404
    assert client.get(reverse("meetings:calendar_feed", args=["x" * 43])).status_code == 404


def test_meeting_ics_download(client, login, partner_rep, meeting):
    login(partner_rep)
    response = client.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    cal = Calendar.from_ical(response.content)
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == str(meeting.uid)
    assert event.decoded("DTSTART").tzinfo.key == ZoneInfo("Europe/Oslo").key


def test_the_feed_never_carries_exempt_titles_for_the_secretariat(client, secretariat, meeting):
    description = str(
        events(feed(client, ical.token_create(person=secretariat)))[str(meeting.uid)]["DESCRIPTION"]
    )
    assert "Personalsak" not in description and "Sak unntatt offentlighet" in description


def test_no_feed_without_the_required_second_factor(client, secretariat_without_mfa, meeting):
    raw = ical.token_create(person=secretariat_without_mfa)
    assert client.get(reverse("meetings:calendar_feed", args=[raw])).status_code == 404


def test_the_feed_follows_the_persons_rights_at_each_fetch(client, partner_rep, meeting):
    raw = ical.token_create(person=partner_rep)
    assert str(meeting.uid) in events(feed(client, raw))
    membership = partner_rep.memberships.get()
    registry_services.membership_end(
        membership=membership, ends_on=dt.date.today() - dt.timedelta(days=1)
    )
    assert str(meeting.uid) not in events(feed(client, raw))
