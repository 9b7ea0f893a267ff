"""Other apps' deadlines (meetings.extensions) in the partner calendar and the iCal feed.

A test-only source stands in for partnerpot: registered by dotted path in
``settings.CALENDAR_DEADLINE_SOURCES``, it returns the deadlines in ``DEADLINES`` that the
user may see (``secretariat_only`` ones for the secretariat only) within [start, end), and
records how it was asked.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from icalendar import Calendar

from meetings import extensions, ical
from meetings.extensions import CalendarDeadline
from meetings.models import OSLO

from .factories import MeetingFactory, oslo

SOURCE = f"{__name__}.deadline_source"

DEADLINES: list[tuple[CalendarDeadline, bool]] = []  # (deadline, secretariat_only)
CALLS: list[dict] = []


def deadline_source(*, user, start, end):
    """The test's source: what ``user`` may see in [start, end), like a real source would."""
    from meetings.access import is_secretariat

    CALLS.append({"user": user, "start": start, "end": end, "language": get_language()})
    return [
        deadline
        for deadline, secretariat_only in DEADLINES
        if (not secretariat_only or is_secretariat(user))
        and (start is None or deadline.at >= start)
        and (end is None or deadline.at < end)
    ]


def deadline(at: dt.datetime, label: str, **kwargs) -> CalendarDeadline:
    values = {
        "kind": "call_deadline",
        "at": at,
        "label": label,
        "url": "/partnerpotten/utlysninger/7/",
        "uid": f"test-{label.lower().replace(' ', '-')}@partnerskap",
    }
    values.update(kwargs)
    return CalendarDeadline(**values)


@pytest.fixture(autouse=True)
def only_the_test_source(settings):
    settings.CALENDAR_DEADLINE_SOURCES = [SOURCE]
    extensions._sources.cache_clear()
    DEADLINES.clear()
    CALLS.clear()
    yield
    extensions._sources.cache_clear()
    DEADLINES.clear()
    CALLS.clear()


@pytest.fixture
def year():
    return timezone.localdate().year + 1


def add(d: CalendarDeadline, *, secretariat_only: bool = False) -> CalendarDeadline:
    DEADLINES.append((d, secretariat_only))
    return d


def calendar_page(client, year: int, month: int, **params):
    response = client.get(reverse("meetings:calendar"), {"year": year, "month": month, **params})
    assert response.status_code == 200
    return response


# --- The calendar ---------------------------------------------------------------------------------
def test_month_grid_shows_the_deadline_on_its_day(client, login, partner_rep, year):
    add(deadline(oslo(year, 3, 20, 12), "Søknadsfrist Partnerpotten"))
    add(deadline(oslo(year, 5, 20, 12), "Frist i mai"))
    login(partner_rep)
    response = calendar_page(client, year, 3)
    text = response.text
    assert "Søknadsfrist Partnerpotten" in text
    assert "Frist i mai" not in text
    assert 'data-kind="extra"' in text and 'data-source="call_deadline"' in text
    assert 'href="/partnerpotten/utlysninger/7/"' in text
    (day,) = [
        d for week in response.context["weeks"] for d in week if d.date == dt.date(year, 3, 20)
    ]
    assert [e.label for e in day.entries] == ["Søknadsfrist Partnerpotten"]
    # The source is asked for the whole grid (Monday before the 1st to Sunday after the end),
    # as the signed-in person, with Oslo midnights as bounds.
    (call,) = CALLS
    grid = response.context["weeks"]
    assert call["user"] == partner_rep
    assert call["start"] == dt.datetime.combine(grid[0][0].date, dt.time(0), tzinfo=OSLO)
    assert call["end"] == dt.datetime.combine(
        grid[-1][-1].date + dt.timedelta(days=1), dt.time(0), tzinfo=OSLO
    )


def test_list_view_orders_deadlines_among_meetings_with_their_time(
    client, login, partner_rep, registry, year
):
    MeetingFactory(
        body=registry.partners_meeting, title="Partnermøte i mars", starts_at=oslo(year, 3, 18, 10)
    )
    add(deadline(oslo(year, 3, 18, 9, 30), "Tidlig frist"))
    add(deadline(oslo(year, 3, 18, 15), "Sen frist"))
    login(partner_rep)
    response = calendar_page(client, year, 3, view="list")
    entries = [e.label for day, items in response.context["days"] for e in items]
    march_18 = [e for e in entries if e in ("Tidlig frist", "Partnermøte i mars", "Sen frist")]
    assert march_18 == ["Tidlig frist", "Partnermøte i mars", "Sen frist"]
    text = response.text
    assert "09:30" in text and "15:00" in text
    # The month's announcement counts them with the meetings and deadlines.
    assert response.context["entry_count"] >= 3


def test_a_cancelled_deadline_is_struck_through(client, login, partner_rep, year):
    add(deadline(oslo(year, 3, 20, 12), "Utlysning trukket", cancelled=True, sequence=2))
    login(partner_rep)
    text = calendar_page(client, year, 3).text
    assert "Utlysning trukket (avlyst)" in text
    assert 'data-kind="extra" data-source="call_deadline" data-cancelled="true"' in text


def test_each_person_sees_what_the_source_gives_them(client, login, partner_rep, secretariat, year):
    add(deadline(oslo(year, 3, 10, 12), "For alle"))
    add(deadline(oslo(year, 3, 11, 12), "Bare sekretariatet"), secretariat_only=True)
    login(partner_rep)
    text = calendar_page(client, year, 3).text
    assert "For alle" in text and "Bare sekretariatet" not in text
    login(secretariat)
    text = calendar_page(client, year, 3).text
    assert "For alle" in text and "Bare sekretariatet" in text


def test_a_body_filter_shows_that_bodys_meetings_only(client, login, secretariat, registry, year):
    add(deadline(oslo(year, 3, 10, 12), "Søknadsfrist"))
    login(secretariat)
    text = calendar_page(client, year, 3, body=registry.leaders_meeting.pk).text
    assert "Søknadsfrist" not in text
    assert CALLS == []


def test_no_sources_no_extra_entries(client, login, partner_rep, settings, year):
    settings.CALENDAR_DEADLINE_SOURCES = []
    extensions._sources.cache_clear()
    add(deadline(oslo(year, 3, 10, 12), "Søknadsfrist"))
    login(partner_rep)
    assert "Søknadsfrist" not in calendar_page(client, year, 3).text


def test_a_naive_time_from_a_source_is_refused(partner_rep, year):
    add(deadline(dt.datetime(year, 3, 10, 12), "Uten tidssone"))  # noqa: DTZ001 - on purpose
    with pytest.raises(ValueError, match="naive datetime"):
        extensions.extra_deadlines(user=partner_rep)


# --- iCal --------------------------------------------------------------------------------------------
def feed_events(client, person) -> dict[str, object]:
    raw = ical.token_create(person=person)
    response = client.get(reverse("meetings:calendar_feed", args=[raw]))
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_feed_has_one_event_per_deadline(client, partner_rep, registry, year):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=oslo(year, 6, 10, 10))
    at = oslo(year, 6, 1, 12)
    add(
        deadline(
            at,
            "Søknadsfrist Partnerpotten",
            uid="partnerpot-call-7-closes@partnerskap",
            sequence=3,
            description="Søk om støtte til tiltak med barn og unge.",
        )
    )
    events = feed_events(client, partner_rep)
    assert set(events) == {str(meeting.uid), "partnerpot-call-7-closes@partnerskap"}
    event = events["partnerpot-call-7-closes@partnerskap"]
    assert event["SUMMARY"] == "Søknadsfrist Partnerpotten"
    assert event["SEQUENCE"] == 3
    assert event["STATUS"] == "CONFIRMED"
    assert event["TRANSP"] == "TRANSPARENT"
    assert "DTSTAMP" in event
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert event.decoded("DTSTART") == at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=30)
    assert str(event["URL"]).endswith("/partnerpotten/utlysninger/7/")
    assert str(event["URL"]).startswith("http")
    assert "Søk om støtte" in str(event["DESCRIPTION"])
    # The feed asks for the past year and everything ahead.
    (call,) = CALLS
    assert call["user"] == partner_rep and call["end"] is None
    assert timezone.now() - call["start"] == pytest.approx(ical.FEED_HISTORY, abs=dt.timedelta(1))


def test_feed_marks_a_cancelled_deadline_and_keeps_its_uid(client, partner_rep, year):
    d = add(deadline(oslo(year, 6, 1, 12), "Søknadsfrist", uid="call-9@partnerskap"))
    assert events_status(client, partner_rep, d.uid) == ("CONFIRMED", 0)
    DEADLINES.clear()
    add(
        deadline(
            oslo(year, 6, 1, 12),
            "Søknadsfrist",
            uid="call-9@partnerskap",
            cancelled=True,
            sequence=1,
        )
    )
    assert events_status(client, partner_rep, d.uid) == ("CANCELLED", 1)


def events_status(client, person, uid: str) -> tuple[str, int]:
    event = feed_events(client, person)[uid]
    return str(event["STATUS"]), int(event["SEQUENCE"])


def test_feed_only_has_what_the_person_may_see(client, partner_rep, secretariat, year):
    add(deadline(oslo(year, 6, 1, 12), "For alle", uid="alle@partnerskap"))
    add(deadline(oslo(year, 6, 2, 12), "Intern", uid="intern@partnerskap"), secretariat_only=True)
    assert set(feed_events(client, partner_rep)) == {"alle@partnerskap"}
    assert set(feed_events(client, secretariat)) == {"alle@partnerskap", "intern@partnerskap"}


def test_feed_leaves_out_deadlines_older_than_its_history(client, partner_rep):
    old = timezone.now() - ical.FEED_HISTORY - dt.timedelta(days=2)
    add(deadline(old, "Gammel frist", uid="gammel@partnerskap"))
    assert "gammel@partnerskap" not in feed_events(client, partner_rep)


def test_feed_asks_the_sources_in_the_persons_language(client, partner_rep):
    """Sources translate their labels: the feed runs them in the person's language."""
    partner_rep.preferred_language = "en"
    partner_rep.save(update_fields=["preferred_language"])
    feed_events(client, partner_rep)
    assert [call["language"] for call in CALLS] == ["en"]
