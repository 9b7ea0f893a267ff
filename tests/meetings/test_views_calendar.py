"""The partner calendar (month, list, filter), the year wheel, and the subscription page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import CalendarToken

from .factories import MeetingFactory, oslo

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def march(registry):
    year = timezone.localdate().year + 1
    return {
        "year": year,
        "pm": MeetingFactory(
            body=registry.partners_meeting,
            title="Partnermøte i mars",
            starts_at=oslo(year, 3, 18, 10),
        ),
        "lm": MeetingFactory(
            body=registry.leaders_meeting, title="Ledermøte i mars", starts_at=oslo(year, 3, 11, 12)
        ),
    }


def test_month_grid_with_deadlines(client, login, partner_rep, march):
    login(partner_rep)
    response = client.get(reverse("meetings:calendar"), {"year": march["year"], "month": 3})
    assert response.status_code == 200
    text = response.text
    assert "Partnermøte i mars" in text
    assert "Ledermøte i mars" not in text  # not theirs
    assert "Frist for saksforslag: Partnermøte i mars" in text  # 14 days before: 4 March
    assert '<th scope="col">' in text and "mandag" in text  # accessible day headers
    assert "Innkalling sendes" not in text  # notice dates are for those who send them


def test_list_view_and_htmx_filter(client, login, secretariat, registry, march):
    login(secretariat)
    url = reverse("meetings:calendar")
    listed = client.get(url, {"year": march["year"], "month": 3, "view": "list"})
    assert "Ledermøte i mars" in listed.text and "Partnermøte i mars" in listed.text
    assert "Innkalling sendes: Partnermøte i mars" in listed.text  # the secretariat sends them
    filtered = client.get(
        url,
        {"year": march["year"], "month": 3, "view": "list", "body": registry.leaders_meeting.pk},
        **HTMX,
    )
    assert filtered.status_code == 200
    assert filtered.text.lstrip().startswith('<section id="calendar"')
    assert "Ledermøte i mars" in filtered.text and "Partnermøte i mars" not in filtered.text


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc", "month": "3"},
        {"year": "2026", "month": "13"},
        {"year": "99999", "month": "1"},
        {"month": "0"},
        {"year": "", "month": ""},
        {"body": "nope"},
    ],
)
def test_bad_month_gives_the_current_month(client, login, partner_rep, params):
    login(partner_rep)
    response = client.get(reverse("meetings:calendar"), params)
    assert response.status_code == 200
    today = timezone.localdate()
    assert f'name="year" value="{today.year}"' in response.text
    assert f'name="month" value="{today.month}"' in response.text


def test_year_wheel_has_an_image_and_a_text_alternative(client, login, partner_rep, march):
    login(partner_rep)
    response = client.get(reverse("meetings:year_wheel"), {"year": march["year"]})
    text = response.text
    assert response.status_code == 200
    assert 'role="img" aria-labelledby="wheel-title wheel-desc"' in text
    assert text.count('class="mt-wheel__month') == 12
    assert "<title>Partnermøte i mars, 18. mars</title>" in text  # each mark a link with a title
    assert "Møtene måned for måned" in text
    assert "style=" not in text  # styles live in CSS files (CSP)
    assert client.get(reverse("meetings:year_wheel"), {"year": "x"}).status_code == 200


def test_subscription_url_is_shown_once_and_can_be_revoked(client, login, partner_rep):
    login(partner_rep)
    url = reverse("meetings:calendar_subscription")
    assert "Lag abonnementslenke" in client.get(url).text
    created = client.post(url)
    assert created.status_code == 200
    token = CalendarToken.objects.get(person=partner_rep)
    feed_path = created.text.split("/moter/kalender/feed/")[1].split('"')[0]
    raw = feed_path.removesuffix(".ics")
    assert token.token_hash != raw and len(token.token_hash) == 64  # only a hash is stored
    again = client.get(url)
    assert raw not in again.text  # shown once
    assert "Du har en aktiv abonnementslenke" in again.text

    client.logout()
    feed = client.get(f"/moter/kalender/feed/{feed_path}")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")

    login(partner_rep)
    regenerated = client.post(url)
    assert "Den gamle virker ikke lenger" in regenerated.text
    client.logout()
    assert client.get(f"/moter/kalender/feed/{feed_path}").status_code == 404
    login(partner_rep)
    assert client.post(reverse("meetings:calendar_subscription_revoke")).status_code == 302
    assert not CalendarToken.objects.filter(revoked_at__isnull=True).exists()


def test_unknown_token_is_404(client, db):
    assert client.get("/moter/kalender/feed/finnes-ikke.ics").status_code == 404


def test_meeting_ics_is_access_checked(client, login, partner_rep, wg_member, march):
    url = reverse("meetings:meeting_ics", args=[march["pm"].pk])
    login(wg_member)
    assert client.get(url).status_code == 403
    login(partner_rep)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")


def test_home_shows_next_meetings_and_follow_ups(client, login, partner_rep, registry):
    MeetingFactory(
        body=registry.partners_meeting,
        title="Neste partnermøte",
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    login(partner_rep)
    page = client.get(reverse("home"))
    assert "Neste møter" in page.text and "Neste partnermøte" in page.text
    assert "Mine oppfølgingspunkter" in page.text


def test_minutes_deadline_for_those_who_manage_the_body(
    client, login, registry, secretariat, partner_rep
):
    from .factories import held_meeting

    meeting = held_meeting(body=registry.partners_meeting, days_ago=3)
    due = meeting.local_date + dt.timedelta(days=14)  # the default minutes_reminder_days
    params = {"year": due.year, "month": due.month, "view": "list"}
    login(secretariat)
    response = client.get(reverse("meetings:calendar"), params)
    assert f"Referatet bør være godkjent: {meeting.display_title}" in response.text
    login(partner_rep)
    response = client.get(reverse("meetings:calendar"), params)
    assert "Referatet bør være godkjent" not in response.text
