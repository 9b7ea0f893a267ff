"""iCalendar (RFC 5545): a private subscription feed per person and a .ics per meeting.

Each meeting keeps its ``Meeting.uid`` as UID for its whole life and sends
``Meeting.sequence`` as SEQUENCE, so a calendar that has the event updates it
instead of adding a copy; a cancelled meeting stays in the feed with
STATUS:CANCELLED, which is how calendars learn to remove it. Times carry
TZID=Europe/Oslo with a VTIMEZONE, so a meeting at 10:00 stays at 10:00 across
daylight saving time.

Subscription tokens: the URL holds a random token; only its SHA-256 is stored
(the token has 256 bits of entropy, so a plain hash is enough). The URL is shown
once when made; revoking it makes the feed answer 404.

A feed URL is a bearer link: whoever holds it reads the feed, without a session or a second
factor, and calendar apps copy it to other servers. So the feed never carries the title of an
exempt agenda item (it shows "Sak unntatt offentlighet" with the item's number), it is
computed from the person's rights at each fetch, and a person who must use a second factor
and has none gets nothing (404, as for a revoked link) until they set one up (issue 10 §7).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from partnership.models import Person
from partnership.roles import has_second_factor, roles_for

from . import access, selectors
from .extensions import CalendarDeadline, extra_deadlines
from .models import OSLO, AgendaItem, CalendarToken, Meeting

PRODID = "-//Partnerskap mot mobbing//Partnerportal//NO"
TOKEN_BYTES = 32
# The feed covers the past year and everything ahead: enough for a calendar, bounded in size.
FEED_HISTORY = dt.timedelta(days=365)
# A deadline from another app (extensions.CalendarDeadline) is a short event at its time.
DEADLINE_DURATION = dt.timedelta(minutes=30)


# --- Tokens ------------------------------------------------------------------------------------
def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, person: Person) -> str:
    """Make a new subscription URL token for the person; an earlier one stops working.

    Returns the token itself (shown once); only its hash is stored.
    """
    now = timezone.now()
    CalendarToken.objects.select_for_update().filter(person=person, revoked_at__isnull=True).update(
        revoked_at=now
    )
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    CalendarToken.objects.create(person=person, token_hash=hash_token(raw), created_at=now)
    return raw


@transaction.atomic
def token_revoke(*, person: Person) -> int:
    """Revoke the person's subscription URL; returns how many were active (0 or 1)."""
    return CalendarToken.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def active_token(person: Person) -> CalendarToken | None:
    return CalendarToken.objects.filter(person=person, revoked_at__isnull=True).first()


def person_for_token(raw: str) -> Person:
    """The owner of an active token, or 404 (unknown, revoked, or the person is inactive)."""
    token = (
        CalendarToken.objects.select_related("person")
        .filter(token_hash=hash_token(raw or ""), revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    if token is None:
        raise Http404
    return token.person


def feed_url(raw: str, request=None) -> str:
    """The subscription URL: on the host the person is using, else on SITE_URL."""
    path = reverse("meetings:calendar_feed", args=[raw])
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


# --- Calendars ---------------------------------------------------------------------------------
def oslo_vtimezone() -> Timezone:
    """Europe/Oslo as a VTIMEZONE with the EU rules (CET/CEST), small and valid for all years."""
    tz = Timezone()
    tz.add("tzid", "Europe/Oslo")
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1996, 10, 27, 3, 0))
    standard.add("rrule", vRecur(freq="yearly", bymonth=10, byday="-1su"))
    standard.add("tzoffsetfrom", dt.timedelta(hours=2))
    standard.add("tzoffsetto", dt.timedelta(hours=1))
    standard.add("tzname", "CET")
    daylight = TimezoneDaylight()
    daylight.add("dtstart", dt.datetime(1981, 3, 29, 2, 0))
    daylight.add("rrule", vRecur(freq="yearly", bymonth=3, byday="-1su"))
    daylight.add("tzoffsetfrom", dt.timedelta(hours=1))
    daylight.add("tzoffsetto", dt.timedelta(hours=2))
    daylight.add("tzname", "CEST")
    tz.add_component(standard)
    tz.add_component(daylight)
    return tz


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _status(meeting: Meeting) -> str:
    if meeting.is_cancelled:
        return "CANCELLED"
    if meeting.suggested:
        return "TENTATIVE"
    return "CONFIRMED"


def meeting_event(
    meeting: Meeting,
    *,
    agenda: Iterable[AgendaItem],
    stamp: dt.datetime,
    withhold_exempt: bool = False,
) -> Event:
    """One VEVENT; ``agenda`` holds the items this reader may see. ``withhold_exempt``: exempt
    items appear by number only (the subscription feed, a bearer link)."""
    event = Event()
    event.add("uid", str(meeting.uid))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp)
    event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(OSLO))
    event.add("dtend", meeting.ends_at.astimezone(OSLO))
    event.add("summary", meeting.display_title)
    event.add("status", _status(meeting))
    location = meeting.place or meeting.video_url
    if location:
        event.add("location", location)
    url = _absolute(reverse("meetings:meeting_detail", args=[meeting.pk]))
    event.add("url", url)
    lines = []
    if meeting.is_cancelled:
        lines.append(_("Møtet er avlyst."))
        if meeting.cancellation_reason:
            lines.append(meeting.cancellation_reason)
        lines.append("")
    if meeting.video_url:
        lines.append(_("Videolenke: %(url)s") % {"url": meeting.video_url})
    items = list(agenda)
    if items:
        lines.append(_("Saksliste:"))
        exempt_title = _("Sak unntatt offentlighet")
        lines += [
            f"- {item.label} {exempt_title if withhold_exempt and item.exempt else item.title}"
            for item in items
        ]
    lines.append("")
    lines.append(_("Møtet i portalen: %(url)s") % {"url": url})
    event.add("description", "\n".join(lines).strip())
    return event


def _visible_agenda(meetings: list[Meeting], user) -> dict[int, list[AgendaItem]]:
    """The agenda items of the meetings that the user may see, in one query.

    Exempt items only for the body's members and the secretariat (the same rule as
    ``selectors.meeting_agenda``)."""
    if not meetings:
        return {}
    qs = AgendaItem.objects.filter(meeting__in=meetings).select_related("body")
    if not access.is_secretariat(user):
        qs = qs.filter(Q(exempt=False) | access.member_of_q(user, "body_id"))
    agenda: dict[int, list[AgendaItem]] = defaultdict(list)
    for item in qs.order_by("meeting_id", "position", "number"):
        agenda[item.meeting_id].append(item)
    return agenda


def deadline_event(deadline: CalendarDeadline, *, stamp: dt.datetime) -> Event:
    """One VEVENT for another app's deadline: its own UID and SEQUENCE (so a moved or cancelled
    deadline updates the copy in people's calendars), 30 minutes from ``at``, not busy."""
    event = Event()
    event.add("uid", deadline.uid)
    event.add("sequence", deadline.sequence)
    event.add("dtstamp", stamp)
    at = deadline.at.astimezone(OSLO)
    event.add("dtstart", at)
    event.add("dtend", at + DEADLINE_DURATION)
    event.add("summary", deadline.label)
    event.add("status", "CANCELLED" if deadline.cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    event.add("categories", [deadline.kind])
    url = _absolute(deadline.url) if deadline.url.startswith("/") else deadline.url
    event.add("url", url)
    lines = []
    if deadline.cancelled:
        lines.append(_("Fristen er avlyst."))
    if deadline.description:
        lines.append(deadline.description)
    lines.append(_("I portalen: %(url)s") % {"url": url})
    event.add("description", "\n".join(lines))
    return event


def calendar_bytes(
    meetings: Iterable[Meeting],
    *,
    user,
    name: str,
    deadlines: Iterable[CalendarDeadline] = (),
    withhold_exempt: bool = False,
) -> bytes:
    """A VCALENDAR with the meetings (which the caller has checked the user may see) and
    other apps' deadlines (which their sources have filtered for the user)."""
    meetings = list(meetings)
    agenda = _visible_agenda(meetings, user)
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Oslo")
    cal.add_component(oslo_vtimezone())
    for meeting in meetings:
        cal.add_component(
            meeting_event(
                meeting,
                agenda=agenda.get(meeting.pk, ()),
                stamp=stamp,
                withhold_exempt=withhold_exempt,
            )
        )
    for deadline in deadlines:
        cal.add_component(deadline_event(deadline, stamp=stamp))
    return cal.to_ical()


def feed_for(person: Person) -> bytes:
    """Everything the person may see: their subscription feed, in their language (meetings,
    and the deadlines other apps add through ``extensions.extra_deadlines``), without the
    titles of exempt items. 404 for a person who needs a second factor and has none."""
    if roles_for(person).needs_second_factor and not has_second_factor(person):
        raise Http404
    since = timezone.now() - FEED_HISTORY
    meetings = (
        selectors.meetings_visible_to(person)
        .filter(starts_at__gte=since)
        .order_by("starts_at", "pk")
    )
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        return calendar_bytes(
            meetings,
            user=person,
            name=_("Partnerskap mot mobbing"),
            deadlines=extra_deadlines(user=person, start=since, end=None),
            withhold_exempt=True,
        )


def meeting_ics(meeting: Meeting, *, user) -> bytes:
    return calendar_bytes([meeting], user=user, name=meeting.display_title)


def meeting_message_ics(meeting: Meeting, *, cancel: bool = False) -> bytes:
    """The .ics attached to an e-mail about a change (issue 11 §3): the meeting's own UID with
    its current SEQUENCE, so a calendar that has the event updates it. A cancellation is
    ``METHOD:CANCEL`` with ``STATUS:CANCELLED`` (whatever happens to the meeting later, this
    message cancels); a change is ``METHOD:PUBLISH``. Exempt items by number only (an e-mail
    leaves the portal)."""
    agenda = AgendaItem.objects.filter(meeting=meeting).select_related("body")
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    event = meeting_event(
        meeting, agenda=agenda.order_by("position", "number"), stamp=stamp, withhold_exempt=True
    )
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancel else "PUBLISH")
    cal.add_component(oslo_vtimezone())
    if cancel:
        event.pop("status", None)
        event.add("status", "CANCELLED")
        event.add("organizer", f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    cal.add_component(event)
    return cal.to_ical()
