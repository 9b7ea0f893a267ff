"""Demo meetings for `manage.py seed_demo` (hooked in through settings.DEMO_SEEDERS).

The year plan of the current year for every body, the eight governing documents,
a Partnermøte earlier this year with approved minutes and decisions, and the next
Partnermøte with an item and a proposal from a working group. Idempotent: each
step checks what is there first. Runs through the meetings services.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.models import Body, Membership, Person

from . import services
from .models import AgendaItem, GoverningDocument, Meeting, Minutes, Proposal

SECRETARIAT_LOGIN = "sekretariat@demo.example.no"
GROUP_LEADER_LOGIN = "gruppeleder@demo.example.no"


@transaction.atomic
def seed(stdout=None) -> None:
    say = stdout.write if stdout else (lambda _text: None)
    secretariat = Person.objects.get(email=SECRETARIAT_LOGIN)
    year = timezone.localdate().year
    bodies = list(Body.objects.all())
    # This year and the next, so the calendar has meetings ahead even in December.
    for plan_year in (year, year + 1):
        created = services.bulk_generate_year(year=plan_year, bodies=bodies, created_by=secretariat)
        say(f"  møter i årsplanen {plan_year}: {len(created)} nye")
    partners_meeting = Body.objects.get(kind=Body.Kind.PARTNERS)
    leaders_meeting = Body.objects.get(kind=Body.Kind.LEADERS)
    if not GoverningDocument.objects.exists():
        services.governing_documents_seed(
            leaders_body=leaders_meeting, partners_body=partners_meeting
        )
    _held_partner_meeting(partners_meeting, secretariat)
    _next_partner_meeting(partners_meeting, secretariat)
    _record_past_meetings(secretariat)
    _noticed_with_added_item(secretariat)


def _record_past_meetings(secretariat: Person) -> None:
    """This year's meetings that have already taken place were called by e-mail before the
    portal: recorded as held, with the notice sent outside the portal two weeks ahead, so the
    secretariat can add attendance and minutes (not left "planned" in the past)."""
    past = Meeting.objects.filter(
        status__in=(Meeting.Status.PLANNED, Meeting.Status.NOTICE_SENT),
        starts_at__lt=timezone.now(),
        suggested=False,  # a time a working group never confirmed is not a meeting held
    )
    for meeting in past:
        services.meeting_record_held(
            meeting=meeting,
            notice_sent_on=meeting.local_date - dt.timedelta(days=14),
            by=secretariat,
        )


def _ordinary(body: Body):
    return Meeting.objects.filter(body=body, kind=Meeting.Kind.ORDINARY).order_by("starts_at")


def _held_partner_meeting(body: Body, secretariat: Person) -> None:
    """The latest Partnermøte that has taken place: notice, attendance, approved minutes."""
    meeting = _ordinary(body).filter(starts_at__lt=timezone.now()).last()
    if meeting is None or meeting.status == Meeting.Status.MINUTES_APPROVED:
        return
    if not meeting.agenda_items.exists():
        for title, proposed in (
            ("Budsjett for neste år", "Partnermøtet vedtar budsjettet slik det er lagt fram."),
            ("Tiltaksplan for neste år", "Partnermøtet vedtar tiltaksplanen."),
        ):
            services.agenda_item_create(
                meeting=meeting, title=title, proposed_decision=proposed, created_by=secretariat
            )
        services.agenda_item_create(
            meeting=meeting,
            title="Orientering fra arbeidsgruppene",
            kind=AgendaItem.Kind.INFORMATION,
            created_by=secretariat,
        )
    if meeting.status == Meeting.Status.PLANNED:
        # The notice went out a week before the meeting (the demo starts after the fact).
        Meeting.objects.filter(pk=meeting.pk).update(
            status=Meeting.Status.NOTICE_SENT,
            notice_sent_at=meeting.starts_at - dt.timedelta(days=7),
        )
        meeting.refresh_from_db()
    day = timezone.localtime(meeting.starts_at).date()
    seats = Membership.objects.active_on(day).filter(body=body).select_related("person")
    for index, seat in enumerate(seats):
        status = "absent_with_notice" if index % 7 == 3 else "present"
        services.attendance_record(
            meeting=meeting, person=seat.person, status=status, by=secretariat
        )
    minutes = services.minutes_start(meeting=meeting, by=secretariat)
    for entry in minutes.entries.select_related("agenda_item"):
        item = entry.agenda_item
        services.minutes_entry_save(
            entry=entry,
            summary=f"Sekretariatet la fram saken «{item.title}». Partnermøtet drøftet den.",
            decision_text=item.proposed_decision,
            version=entry.version,
            by=secretariat,
        )
    minutes.refresh_from_db()
    services.minutes_approve(minutes=minutes, how=Minutes.ApprovedHow.CIRCULATION, by=secretariat)


ADDED_ITEM_TITLE = "Rapport fra AU-delegasjonen"


def _noticed_with_added_item(secretariat: Person) -> None:
    """An upcoming AU meeting (or, without one, a later Partnermøte): called (the notice marked
    as sent, no e-mails from the demo), then an item added after the notice, so its page shows
    a tilleggssak and offers a supplementary notice (issue 11 §3)."""
    if AgendaItem.objects.filter(title=ADDED_ITEM_TITLE).exists():
        return
    upcoming = Meeting.objects.filter(
        status=Meeting.Status.PLANNED, starts_at__gt=timezone.now() + dt.timedelta(days=2)
    ).order_by("starts_at", "pk")
    meeting = upcoming.filter(body__kind=Body.Kind.WORKING_COMMITTEE).first()
    if meeting is None:
        meeting = upcoming.filter(body__kind=Body.Kind.PARTNERS)[1:2].first()
    if meeting is None:
        return
    if not meeting.agenda_items.exists():
        services.agenda_item_create(
            meeting=meeting,
            title="Forberedelse av neste partnermøte",
            kind=AgendaItem.Kind.INFORMATION,
            created_by=secretariat,
        )
    meeting = services.meeting_send_notice(meeting=meeting, by=secretariat)
    services.agenda_item_create(
        meeting=meeting,
        title=ADDED_ITEM_TITLE,
        kind=AgendaItem.Kind.INFORMATION,
        background="AU-delegasjonen orienterer om vedtakene den har gjort siden forrige møte.",
        created_by=secretariat,
    )


def _next_partner_meeting(body: Body, secretariat: Person) -> None:
    """The next Partnermøte: one item from the secretariat and a working group's proposal."""
    meeting = _ordinary(body).filter(starts_at__gt=timezone.now()).first()
    if meeting is None or meeting.agenda_items.exists():
        return
    services.agenda_item_create(
        meeting=meeting,
        title="Partnerpotten: kriterier for neste utlysning",
        background="Sekretariatet foreslår å tydeliggjøre kravet om at barn og unge skal delta.",
        proposed_decision="Partnermøtet vedtar de endrede kriteriene.",
        created_by=secretariat,
    )
    leader = Person.objects.filter(email=GROUP_LEADER_LOGIN).first()
    group = (
        Body.objects.filter(memberships__person=leader, kind=Body.Kind.WORKING_GROUP).first()
        if leader
        else None
    )
    if leader and not Proposal.objects.filter(target_meeting=meeting).exists():
        # Past the proposal deadline the service refuses; the demo goes on without it.
        with contextlib.suppress(ValidationError):
            services.proposal_submit(
                proposed_by=leader,
                target_meeting=meeting,
                on_behalf_of=group,
                title="Felles kampanje før skolestart",
                background="Arbeidsgruppa foreslår en felles kampanje i august.",
                proposed_decision="Partnermøtet slutter seg til forslaget.",
            )
