"""Demo measure plans and activities (issue 12 §2, §3), called from ``workgroups.demo.seed``.

This year: two Faglig forum seminars and one Arendalsuka event already held (dates before
today), and the measure plans of both working groups' measures (Faglig forum: the local group;
Arendalsuka: the national group) with progress, a done line linked to its activity.
Idempotent: a measure that has a plan for the year is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from partnership.models import Measure, Membership, Partner, Person

from .models import MeasurePlan
from .services import plan as plan_services


def _past(day: dt.date) -> dt.date:
    """``day``, or a week before today when ``day`` has not come yet."""
    today = timezone.localdate()
    return day if day < today else today - dt.timedelta(days=7)


def _leader(measure: Measure, fallback: Person) -> Person:
    return (
        Person.objects.filter(
            memberships__body_id=measure.responsible_group_id,
            memberships__role=Membership.Role.LEADER,
        ).first()
        or fallback
    )


def _partners(*short_names: str) -> list[Partner]:
    return list(Partner.objects.filter(short_name__in=short_names))


def seed_plan_work(year: int, secretariat: Person, say) -> None:
    forum = Measure.objects.filter(name="Faglig forum").first()
    arendal = Measure.objects.filter(name="Arendalsuka").first()
    if forum is None or arendal is None:
        return
    if MeasurePlan.objects.filter(measure__in=[forum, arendal], year=year).exists():
        return
    forum_leader = _leader(forum, secretariat)
    arendal_leader = _leader(arendal, secretariat)
    spring = plan_services.activity_save(
        measure=forum,
        partners=_partners("Udir", "Demo-KNV", "Demo-LFS", "Demo-ERN"),
        by=forum_leader,
        title="Faglig forum: digital mobbing i barneskolen",
        date=_past(dt.date(year, 3, 18)),
        county="Vestland",
        place="Bergen",
        format="hybrid",
        participant_count=145,
        youth_participation="To elevrådsledere innledet om hvordan mobbing skjer på nett.",
        outcomes="Felles innspill til veilederen om digital mobbing.",
        link="https://example.org/demo/faglig-forum-var",
    )
    autumn = plan_services.activity_save(
        measure=forum,
        partners=_partners("Bufdir", "Demo-FNN", "Demo-ISR"),
        by=forum_leader,
        title="Faglig forum: foreldresamarbeid mot mobbing",
        date=_past(dt.date(year, 10, 22)),
        county="Hele landet",
        format="digital",
        participant_count=210,
        outcomes="Opptak og presentasjoner delt med partnerne.",
    )
    stand = plan_services.activity_save(
        measure=arendal,
        partners=_partners("KD", "Udir", "Demo-SLF", "Demo-UKF"),
        by=arendal_leader,
        title="Arendalsuka: Hvem har ansvaret når barn mobbes?",
        date=_past(dt.date(year, 8, 13)),
        county="Agder",
        place="Arendal",
        format="physical",
        participant_count=90,
        outcomes="Panelsamtale med tre partnerledere; omtalt i to riksmedier.",
    )
    plan = plan_services.plan_create(
        measure=forum, year=year, note="To seminarer, vår og høst.", by=forum_leader
    )
    plan = plan_services.plan_save(
        plan=plan,
        expected_version=plan.version,
        by=forum_leader,
        items=[
            {
                "pk": None,
                "title": "Vårseminar om digital mobbing",
                "month": 3,
                "responsible_partner": next(iter(_partners("Udir")), None),
                "resource_amount": Decimal("25000"),
                "progress": "done",
                "progress_comment": "Gjennomført med god deltakelse.",
                "activity": spring,
            },
            {
                "pk": None,
                "title": "Høstseminar om foreldresamarbeid",
                "month": 10,
                "responsible_person": forum_leader,
                "resource_amount": Decimal("15000"),
                "progress": "done",
                "activity": autumn,
            },
            {
                "pk": None,
                "title": "Ekstra regionalt seminar i Nord-Norge",
                "month": 11,
                "progress": "dropped",
                "progress_comment": "Utsatt til neste år: for få påmeldte.",
            },
        ],
    )
    arendal_plan = plan_services.plan_create(measure=arendal, year=year, by=arendal_leader)
    plan_services.plan_save(
        plan=arendal_plan,
        expected_version=arendal_plan.version,
        by=arendal_leader,
        items=[
            {
                "pk": None,
                "title": "Panelsamtale på Arendalsuka",
                "month": 8,
                "resource_amount": Decimal("40000"),
                "progress": "done",
                "activity": stand,
            },
            {
                "pk": None,
                "title": "Oppsummering til Ledermøtet",
                "month": 12,
                "responsible_person": arendal_leader,
                "progress": "in_progress",
                "progress_comment": "Utkast sendt på høring i gruppa.",
            },
        ],
    )
    say(f"  tiltaksplaner {year}: Faglig forum og Arendalsuka, med tre aktiviteter")
