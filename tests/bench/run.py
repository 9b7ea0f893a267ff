#!/usr/bin/env python
"""`make bench`: throughput, p95 latency and queries of the portal's main pages.

    .venv/bin/python tests/bench/run.py [--scale N] [--concurrency 8] [--duration 5]

Run it under the dev environment (``scripts/dev.py exec --``), which sets
DATABASE_URL and REDIS_URL. It

1. (re)creates its own database ``partnership_bench`` on the same PostgreSQL
   server, migrates it and bulk-loads a large registry (per unit of --scale:
   200 partners, 2 000 people, 10 years of memberships across all bodies,
   300 invitations) with history rows, and the groups and django-guardian rows
   that ``services.sync_person_rights`` would give (checked on a sample); and the
   meetings register (5 000 meetings over the bodies and 10 years, 10 agenda items
   and 10 decisions each, numbered per body and year, with the counters);
2. makes a bench user in the secretariat (the role that sees the most) with a
   TOTP authenticator, and signed-in sessions created directly, so the load
   generator need not sign in;
3. counts the queries of each page through Django's test client, cold (page cache
   off) and warm (served by the page cache);
4. serves the portal with gunicorn on 127.0.0.1 (2 gthread workers, DEBUG off,
   ``tests.bench.settings``, which adds a floor view that does no database work)
   and loads each page with N keep-alive connections for a fixed time; then, for
   information, again with the page cache off (``--no-uncached`` skips that pass);
5. prints requests/s, p50, p95, queries and the ratio to the floor, with
   PASS/FAIL against the targets (≥ 1/15 of the floor's requests/s, p95 ≤ 100 ms),
   the workers' peak memory and Redis's, and writes the same to
   bench-results/latest.json;
6. dispatches 10 000 due outbox rows in-process (locmem e-mail backend) with
   ``partnership.outbox.dispatch_due`` and reports the time and whether every
   key was sent exactly once (target: ≤ 60 s). ``--no-outbox`` skips it.

It is a report: it exits 0 even when a target is missed (non-zero only when the
bench itself cannot run). gunicorn is stopped at the end and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from meetings.notifications import Kind as MeetingKind

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results"
BENCH_DB = "partnership_bench"
SETTINGS = "tests.bench.settings"
FLOOR_PATH = "/bench/floor/"
TARGET_RATIO = 1 / 15
TARGET_P95_MS = 100.0
# Bump when the data set's shape changes, so --reuse reloads it.
DATA_VERSION = 4
# The decision search may take longer (issue 3).
SEARCH_P95_MS = 150.0
# The outbox target (issue 3): this many due reminders dispatched within this many seconds.
OUTBOX_ROWS = 10_000
OUTBOX_TARGET_S = 60.0

sys.path.insert(0, str(ROOT))


def log(msg: str) -> None:
    print(f"[bench] {msg}", flush=True)


# --- 1. The bench database -------------------------------------------------------------------
def bench_database_url(url: str) -> str:
    """The dev DATABASE_URL with the database name swapped for the bench's."""
    parts = urlsplit(url)
    head, _sep, _name = parts.path.rpartition("/")
    return urlunsplit(parts._replace(path=f"{head}/{BENCH_DB}"))


def _server_connection(url: str):
    import environ
    import psycopg

    cfg = environ.Env.db_url_config(url)
    return psycopg.connect(
        dbname="postgres",
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        autocommit=True,
    )


def stored_data_marker(url: str) -> str | None:
    """The marker of the data set already loaded in the bench database, if any."""
    import psycopg

    try:
        with _connect_bench(url) as conn:
            row = conn.execute("SELECT marker FROM bench_meta").fetchone()
            return row[0] if row else None
    except psycopg.Error:
        return None


def _connect_bench(url: str):
    import environ
    import psycopg

    cfg = environ.Env.db_url_config(url)
    return psycopg.connect(
        dbname=cfg["NAME"],
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        autocommit=True,
    )


def recreate_database(url: str) -> None:
    with _server_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def setup_django(bench_url: str) -> None:
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ.pop("TESTING", None)
    import django

    django.setup()


# --- 1b. Bulk-loading the registry ---------------------------------------------------------------
@dataclass
class Sizes:
    partners: int
    people: int
    invitations: int
    meetings: int = 5000
    items_per_meeting: int = 10
    years: int = 10
    applications: int = 10_000

    @classmethod
    def for_scale(cls, scale: float) -> Sizes:
        partners = max(20, round(200 * scale))
        return cls(
            partners=partners,
            people=10 * partners,
            invitations=max(30, round(300 * scale)),
            meetings=max(100, round(5000 * scale)),
            applications=max(200, round(10_000 * scale)),
        )


@dataclass
class Seeded:
    counts: dict = field(default_factory=dict)
    rights_consistent: bool = True
    rights_problems: list = field(default_factory=list)


def seed(sizes: Sizes) -> Seeded:  # noqa: C901 - one straight-line loader
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, Permission
    from django.db import connection, transaction
    from simple_history.utils import bulk_create_with_history

    from partnership import demo, services
    from partnership.models import (
        Affiliation,
        Body,
        BodyUserObjectPermission,
        Invitation,
        Membership,
        Partner,
        PartnerGroupObjectPermission,
        Period,
        Person,
        today,
    )

    Role = Membership.Role
    day = today()
    year = day.year
    first_year = year - sizes.years + 1
    # Five 2-year terms; the last one is the current term.
    terms = [
        (dt.date(first_year + 2 * k, 1, 1), dt.date(first_year + 2 * k + 1, 12, 31))
        for k in range(sizes.years // 2)
    ]
    t0 = time.perf_counter()

    with transaction.atomic():
        for spec in demo.PERIODS:
            Period.objects.create(
                kind=spec.kind, title=spec.title, starts_on=spec.starts_on, ends_on=spec.ends_on
            )

        # Partners: the first six play the state actors (KD, Udir, Hdir, Bufdir, BFD, HOD).
        kinds = [k.value for k in Partner.Kind if k != Partner.Kind.STATE]
        partners = bulk_create_with_history(
            [
                Partner(
                    name=f"Bench-partner {i:05d}",
                    short_name=f"BP{i:05d}",
                    kind="state" if i < 6 else kinds[i % len(kinds)],
                    organisation_number=demo.demo_organisation_number(100_000 + i),
                    active_from=dt.date(first_year - 1, 1, 1),
                    # One in 25 left the partnership, so lists filter on the active period.
                    active_to=dt.date(year - 2, 12, 31) if i % 25 == 24 else None,
                    is_demo=True,
                )
                for i in range(sizes.partners)
            ],
            Partner,
            batch_size=2000,
        )
        P = len(partners)

        # Groups backing partners (what services.ensure_partner_group does, in bulk).
        groups = Group.objects.bulk_create(
            [Group(name=f"partner:{p.pk}") for p in partners], batch_size=2000
        )
        for p, g in zip(partners, groups, strict=True):
            p.group = g
        Partner.objects.bulk_update(partners, ["group"], batch_size=2000)
        act = Permission.objects.get(
            content_type__app_label="partnership", codename="act_for_partner"
        )
        PartnerGroupObjectPermission.objects.bulk_create(
            [
                PartnerGroupObjectPermission(group=p.group, permission=act, content_object=p)
                for p in partners
            ],
            batch_size=2000,
        )

        bodies = {}
        for spec in demo.BODIES:
            body = Body.objects.create(
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                level=spec.level,
                mandate=spec.mandate,
                chairing_partner=partners[{"KD": 0, "Udir": 1}[spec.chairing_partner]]
                if spec.chairing_partner
                else None,
                delegated_from=bodies[spec.delegated_from] if spec.delegated_from else None,
                required_meetings_per_year=spec.required_meetings_per_year,
                term_years=spec.term_years,
            )
            services.ensure_body_group(body=body)
            bodies[spec.short_name] = body

        # People: ten per partner, person j works for partner j % P.
        unusable = make_password(None)
        people = []
        for j in range(sizes.people):
            full_name, _email = demo.demo_person_name(j)
            people.append(
                Person(
                    email=f"person{j:06d}@bench.example.no",
                    full_name=full_name,
                    title="Rådgiver" if j % 3 else "Leder",
                    password=unusable,
                    is_demo=True,
                )
            )
        people = bulk_create_with_history(people, Person, batch_size=2000)
        people_of = [people[p::P] for p in range(P)]

        affiliations = [
            Affiliation(
                person=person, partner=partners[j % P], starts_on=dt.date(first_year - 1, 1, 1)
            )
            for j, person in enumerate(people)
        ]
        # Some moved from another partner five years ago.
        affiliations += [
            Affiliation(
                person=person,
                partner=partners[(j + 1) % P],
                starts_on=dt.date(first_year - 3, 1, 1),
                ends_on=dt.date(first_year - 2, 12, 31),
            )
            for j, person in enumerate(people)
            if j % 20 == 19
        ]
        bulk_create_with_history(affiliations, Affiliation, batch_size=5000)

        memberships: list[Membership] = []

        def seat(
            p: int, slot: int, body: str, role: str, starts_on: dt.date, ends_on: dt.date | None
        ):
            person = people_of[p][slot % len(people_of[p])]
            memberships.append(
                Membership(
                    person=person,
                    body=bodies[body],
                    partner=partners[p],
                    role=role,
                    starts_on=starts_on,
                    ends_on=ends_on,
                )
            )

        last = len(terms) - 1
        group_partners = {
            demo.LOCAL: [p for p in range(P) if p % 2 == 0 or p % 5 == 0],
            demo.NATIONAL: [p for p in range(P) if p % 2 == 1 or p % 5 == 0],
        }
        for k, (start, end) in enumerate(terms):
            open_end = None if k == last else end
            for p in range(P):
                if partners[p].active_to and partners[p].active_to < start:
                    continue
                # R1: a leader from every partner, KD chairs (open-ended in the current term).
                seat(p, k, "LM", Role.LEADER if p == 0 else Role.MEMBER, start, open_end)
            # R4: working groups for 2-year terms, with their unique roles rotating.
            holders = {}
            for group, in_group in group_partners.items():
                members = [
                    p
                    for p in in_group
                    if not (partners[p].active_to and partners[p].active_to < start)
                ]
                roles = {
                    members[(3 * k + j) % len(members)]: role
                    for j, role in enumerate(Membership.UNIQUE_WORKING_GROUP_ROLES)
                }
                for p in members:
                    role = roles.get(p, Role.MEMBER)
                    seat(p, k + 3, group, role, start, end)
                    if role != Role.MEMBER:
                        holders[(group, role)] = p
            # R3: the AU is the groups' role holders; R5: the group leaders' meeting.
            for (group, role), p in holders.items():
                au_role = Role.LEADER if (group, role) == (demo.LOCAL, Role.LEADER) else Role.MEMBER
                seat(p, k + 3, "AU", au_role, start, end)
                if role == Role.LEADER:
                    seat(p, k + 3, "GLM", Role.MEMBER, start, end)
            # R6 and R7: the secretariat (Udir leads) and the state actors' group (KD leads).
            for p, role in ((1, Role.LEADER), (2, Role.MEMBER), (3, Role.MEMBER)):
                seat(p, k + 5, "SEK", role, start, open_end)
            for p, role in ((0, Role.LEADER), (4, Role.MEMBER), (5, Role.MEMBER)):
                seat(p, k + 6, "AG-S", role, start, open_end)
        # R2: 1–2 representatives per partner in the Partnermøte, appointed yearly.
        for y in range(first_year, year + 1):
            start, end = dt.date(y, 1, 1), (None if y == year else dt.date(y, 12, 31))
            for p in range(P):
                if partners[p].active_to and partners[p].active_to < start:
                    continue
                for r in range(2 if p % 2 == 0 else 1):
                    seat(
                        p, y + r, "PM", Role.LEADER if (p, r) == (1, 0) else Role.MEMBER, start, end
                    )
        bulk_create_with_history(memberships, Membership, batch_size=5000)

        # Invitations in every state.
        now = dt.datetime.now(dt.UTC)
        secretariat_people = [m.person for m in memberships if m.body.short_name == "SEK"]
        invitations = []
        for i in range(sizes.invitations):
            created = now - dt.timedelta(days=(i * 7) % 1500, hours=i % 24)
            status = i % 4  # open, accepted, revoked, expired
            invitations.append(
                Invitation(
                    email=f"invitert{i:06d}@bench.example.no",
                    full_name=demo.demo_person_name(i)[0],
                    partner=partners[i % P],
                    language=("nb", "nn", "en")[i % 3],
                    token_hash=hashlib.sha256(f"bench-invitation-{i}".encode()).hexdigest(),
                    invited_by=secretariat_people[i % len(secretariat_people)],
                    created_at=now - dt.timedelta(hours=i) if status == 0 else created,
                    expires_at=(now + dt.timedelta(days=14))
                    if status == 0
                    else created + dt.timedelta(days=14),
                    accepted_at=created + dt.timedelta(days=2) if status == 1 else None,
                    accepted_by=people[i % len(people)] if status == 1 else None,
                    revoked_at=created + dt.timedelta(days=1) if status == 2 else None,
                )
            )
        Invitation.objects.bulk_create(invitations, batch_size=2000)

        # Rights, in bulk: exactly what services.sync_person_rights gives for today.
        body_group = dict(Body.objects.values_list("pk", "group_id"))
        partner_group = dict(Partner.objects.values_list("pk", "group_id"))
        member_of: set[tuple[int, int]] = set()
        object_perms: set[tuple[int, str, int]] = set()
        for person_id, body_id, partner_id, role in Membership.objects.active_on(day).values_list(
            "person_id", "body_id", "partner_id", "role"
        ):
            member_of.add((person_id, body_group[body_id]))
            member_of.add((person_id, partner_group[partner_id]))
            for codename in services.ROLE_BODY_PERMISSIONS.get(role, ()):
                object_perms.add((person_id, codename, body_id))
        for person_id, partner_id in Affiliation.objects.active_on(day).values_list(
            "person_id", "partner_id"
        ):
            member_of.add((person_id, partner_group[partner_id]))
        through = Person.groups.through
        through.objects.bulk_create(
            [through(person_id=p, group_id=g) for p, g in sorted(member_of)], batch_size=5000
        )
        perms = {
            p.codename: p
            for p in Permission.objects.filter(
                content_type__app_label="partnership",
                codename__in=["lead_body", "manage_body_finances"],
            )
        }
        BodyUserObjectPermission.objects.bulk_create(
            [
                BodyUserObjectPermission(user_id=p, permission=perms[c], content_object_id=b)
                for p, c, b in sorted(object_perms)
            ],
            batch_size=5000,
        )
        Membership.objects.active_on(day).update(rights_active=True)

        seed_meetings(sizes, list(bodies.values()), first_year, secretariat_people[0])
        from tests.bench.partnerpot_data import seed_partnerpot

        seed_partnerpot(applications=sizes.applications)

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_meta (marker text)")
            cursor.execute("INSERT INTO bench_meta VALUES (%s)", [_marker(sizes)])

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from meetings.models import AgendaItem, Decision, Meeting
    from partnerpot.models import Application

    result = Seeded(
        counts={
            "partners": Partner.objects.count(),
            "people": Person.objects.count(),
            "memberships": Membership.objects.count(),
            "current_memberships": Membership.objects.active_on(day).count(),
            "affiliations": Affiliation.objects.count(),
            "invitations": Invitation.objects.count(),
            "meetings": Meeting.objects.count(),
            "agenda_items": AgendaItem.objects.count(),
            "decisions": Decision.objects.count(),
            "applications": Application.objects.count(),
        }
    )
    check_rights_sample(result)
    log(f"loaded {result.counts} in {time.perf_counter() - t0:.1f} s")
    return result


# Words for titles and texts; one topic in len(TOPICS) is "budsjett", which the search page asks for.
TOPICS = [
    "budsjett",
    "handlingsplan",
    "rapportering",
    "tilskudd",
    "kommunikasjon",
    "evaluering",
    "kompetanse",
    "barnehage",
    "skolemiljø",
    "arbeidsgruppe",
    "mandat",
    "årsplan",
    "forskning",
    "veileder",
    "konferanse",
    "opplæring",
    "samarbeid",
    "digitalt",
    "foreldre",
    "høring",
]


def seed_meetings(sizes: Sizes, bodies: list, first_year: int, recorded_by) -> None:
    """Meetings spread evenly over the bodies and ``sizes.years`` years (10:00–12:00 Oslo time),
    each with ``items_per_meeting`` decision items and one decision per item, numbered per
    body and year like ``services`` would, and the AgendaCounter rows at the max numbers.

    Plain bulk_create (no history rows); ``Decision.search_vector`` is generated by PostgreSQL.
    """
    from django.utils import timezone

    from meetings.models import OSLO, AgendaCounter, AgendaItem, Decision, Meeting, local_year

    Status = Meeting.Status
    now = timezone.now()
    start = dt.datetime(first_year, 1, 1, 10, tzinfo=OSLO)
    span_days = (dt.date(first_year + sizes.years, 1, 1) - start.date()).days
    step = span_days / sizes.meetings
    meetings = []
    for i in range(sizes.meetings):
        day = (start + dt.timedelta(days=int(i * step))).date()
        # Weekdays only, at 10:00 local time.
        if day.isoweekday() > 5:
            day += dt.timedelta(days=8 - day.isoweekday())
        starts = dt.datetime.combine(day, dt.time(10), tzinfo=OSLO)
        past = starts < now
        meetings.append(
            Meeting(
                body=bodies[i % len(bodies)],
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                place="Møterom 1, Udir" if i % 3 else "",
                video_url="" if i % 3 else "https://video.example.no/mote",
                status=Status.MINUTES_APPROVED if past else Status.PLANNED,
                notice_sent_at=starts - dt.timedelta(days=7) if past else None,
                created_by=recorded_by,
            )
        )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=2000)

    last_number: dict[tuple[int, int], int] = {}
    items = []
    for k, meeting in enumerate(meetings):
        year = local_year(meeting.starts_at)
        key = (meeting.body_id, year)
        for pos in range(sizes.items_per_meeting):
            last_number[key] = number = last_number.get(key, 0) + 1
            topic = TOPICS[(k * sizes.items_per_meeting + pos) % len(TOPICS)]
            other = TOPICS[(k + 3 * pos + 7) % len(TOPICS)]
            items.append(
                AgendaItem(
                    meeting=meeting,
                    body_id=meeting.body_id,
                    year=year,
                    number=number,
                    position=pos + 1,
                    title=f"{topic.capitalize()} for {year}: sak {number}",
                    background=f"Bakgrunn om {topic} og {other} i partnerskapet.",
                    proposed_decision=f"Partnerskapet slutter seg til forslaget om {topic}.",
                    created_by=recorded_by,
                )
            )
    items = AgendaItem.objects.bulk_create(items, batch_size=5000)

    decisions = []
    for item in items:
        meeting = item.meeting
        topic = item.title.split(" ", 1)[0].lower()
        decisions.append(
            Decision(
                number=item.number,  # one decision per item: the same series numbers
                year=item.year,
                body_id=item.body_id,
                meeting=meeting,
                agenda_item=item,
                decided_on=meeting.starts_at.astimezone(OSLO).date(),
                title=item.title,
                text=f"Vedtak om {topic}: {item.background} Saken følges opp i neste møte.",
                recorded_by=recorded_by,
            )
        )
    Decision.objects.bulk_create(decisions, batch_size=5000)

    AgendaCounter.objects.bulk_create(
        [
            AgendaCounter(body_id=body_id, year=year, series=series, last_number=n)
            for (body_id, year), n in sorted(last_number.items())
            for series in AgendaCounter.Series.values
        ]
    )


def _marker(sizes: Sizes) -> str:
    import partnership.models as m

    return json.dumps({"version": DATA_VERSION, "sizes": asdict(sizes), "day": str(m.today())})


def check_rights_sample(result: Seeded, n: int = 25) -> None:
    """sync_person_rights on a sample must change nothing: the bulk rights are what it would "
    "give."""
    from partnership import services
    from partnership.models import BodyUserObjectPermission, Membership, Person

    def state(person):
        return (
            sorted(person.groups.values_list("name", flat=True)),
            sorted(
                BodyUserObjectPermission.objects.filter(user=person).values_list(
                    "permission__codename", "content_object_id"
                )
            ),
            sorted(Membership.objects.filter(person=person).values_list("pk", "rights_active")),
        )

    ids = list(
        Membership.objects.active_on()
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()
    )
    sample = ids[:: max(1, len(ids) // n)][:n] + list(
        Person.objects.order_by("-pk").values_list("pk", flat=True)[:3]
    )
    for person in Person.objects.filter(pk__in=sample):
        before = state(person)
        services.sync_person_rights(person=person)
        after = state(person)
        if before != after:
            result.rights_consistent = False
            result.rights_problems.append(f"{person.email}: {before} != {after}")


def clear_bench_cache() -> None:
    """Drop the bench's cache keys (its own prefix): the data set may have been loaded anew
    with ``bulk_create``, which sends no signals, so cached registry facts could be stale."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


# --- 2. The bench user and sessions ---------------------------------------------------------------
BENCH_EMAIL = "bench@bench.example.no"


def bench_user():
    """A secretariat member (sees the most: governance checks, invitations, history) with TOTP."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from partnership import demo, services
    from partnership.models import Body, Membership, Partner, Person, today

    person = Person.objects.filter(email=BENCH_EMAIL).first()
    if person is None:
        person = Person.objects.create_user(
            email=BENCH_EMAIL, password=None, full_name="Benk Benchmark", is_demo=True
        )
        EmailAddress.objects.create(user=person, email=BENCH_EMAIL, verified=True, primary=True)
        udir = Partner.objects.order_by("pk")[1]
        services.affiliation_start(person=person, partner=udir, starts_on=today())
        services.membership_start(
            person=person,
            body=Body.objects.get(kind=Body.Kind.SECRETARIAT),
            partner=udir,
            role=Membership.Role.MEMBER,
            starts_on=today(),
        )
    if not Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(person, demo.DEMO_TOTP_SECRET)
    return person


def signed_in_session(person) -> str:
    """A session as after a password + TOTP sign-in; returns the session key."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    totp = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": person.email},
        {"method": "mfa", "at": now, "id": totp.pk, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(person.pk)
    session.create()
    return session.session_key


# --- 3. Pages and their queries ------------------------------------------------------------------
@dataclass
class Page:
    name: str
    path: str
    signed_in: bool = True
    p95_ms: float = TARGET_P95_MS


def pages() -> list[Page]:
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from meetings.models import Meeting
    from partnership.models import Body, Partner, Person

    partner = Partner.objects.order_by("pk").first()
    person = Person.objects.annotate(n=Count("memberships")).order_by("-n", "pk").first()
    body = Body.objects.get(kind=Body.Kind.PARTNERS)  # the largest body
    # The Partnermøte's next meeting with ~10 items: editable, takes proposals (the most work).
    meeting = (
        Meeting.objects.annotate(n=Count("agenda_items"))
        .filter(body=body, n__gte=8, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    ) or Meeting.objects.annotate(n=Count("agenda_items")).order_by("-n", "-starts_at").first()
    today = timezone.localdate()
    return [
        Page("floor", FLOOR_PATH, signed_in=False),
        # For information: the same view signed in, i.e. the fixed cost of the session,
        # authentication and role middleware that every signed-in page pays.
        Page("floor_signed_in", FLOOR_PATH),
        Page("home", reverse("home")),
        Page("partner_list", reverse("partner_list")),
        Page("partner_detail", reverse("partner_detail", args=[partner.pk])),
        Page("person_list", reverse("person_list") + "?page=1"),
        Page("person_detail", reverse("person_detail", args=[person.pk])),
        Page("body_list", reverse("body_list")),
        Page("body_detail", reverse("body_detail", args=[body.pk])),
        Page("invitation_list", reverse("invitation_list")),
        Page("history", reverse("history")),
        Page(
            "calendar",
            reverse("meetings:calendar") + f"?year={today.year}&month={today.month}",
        ),
        Page("meeting_detail", reverse("meetings:meeting_detail", args=[meeting.pk])),
        Page(
            "decision_search",
            reverse("meetings:decision_search") + "?q=budsjett",
            p95_ms=SEARCH_P95_MS,
        ),
        # Partnerpotten on 10,000 applications: the secretariat's pipeline and "our
        # applications" (the bench user acts for Udir, which has every 20th application).
        Page("pp_pipeline", reverse("partnerpot:pipeline")),
        Page("pp_our_applications", reverse("partnerpot:my_applications")),
    ]


def count_queries(page_list: list[Page], session_key: str) -> dict[str, dict]:
    """Each page through the test client, counting queries: *cold* with the page cache off
    (after one warm-up request, so only the rights cache is warm), which is what a page costs
    whenever its data has changed, and *warm* (served by the page cache)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    for page in page_list:
        client = Client(raise_request_exception=False)
        if page.signed_in:
            client.cookies[settings.SESSION_COOKIE_NAME] = session_key
        client.get(page.path)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page.path)
        # Read now: the next request empties the log that captured_queries slices.
        cold = list(ctx.captured_queries)
        client.get(page.path)
        with CaptureQueriesContext(connection) as warm:
            client.get(page.path)
        out[page.name] = {
            "status": response.status_code,
            "queries": len(cold),
            "queries_warm": len(warm.captured_queries),
            "sql": [q["sql"] for q in cold],
            "bytes": len(response.content),
        }
    return out


# --- 4. gunicorn ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: gunicorn gets SIGTERM if this process dies without cleaning up."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: S110 - best effort
        pass


def start_gunicorn(bench_url: str, port: int, log_path: Path) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=bench_url,
        DJANGO_SETTINGS_MODULE=SETTINGS,
        PYTHONPATH=str(ROOT),
    )
    env.pop("TESTING", None)
    cmd = [
        str(Path(sys.executable).parent / "gunicorn"),
        "partnership.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
        "--error-logfile",
        str(log_path),
        "--chdir",
        str(ROOT),
    ]
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=ROOT,
        preexec_fn=_die_with_parent,  # noqa: S603, PLW1509
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log_path}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", FLOOR_PATH)
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop_gunicorn(proc)
    raise RuntimeError(f"gunicorn did not answer on port {port} within 60 s; see {log_path}")


def worker_memory_mb(proc: subprocess.Popen) -> list[float]:
    """Peak resident memory (VmHWM) of each gunicorn worker so far, in MB (Linux)."""
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    except OSError:
        return []
    peaks = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return sorted(peaks)


def redis_memory_mb() -> float:
    """Redis's used memory in MB (the page cache's entries included)."""
    from django.core.cache import cache

    return cache._cache.get_client().info("memory")["used_memory"] / 1024 / 1024


def stop_gunicorn(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # graceful: the arbiter stops its workers
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
    log("gunicorn stopped")


# --- 5. The load generator ------------------------------------------------------------------------
@dataclass
class LoadResult:
    requests: int
    errors: int
    statuses: dict
    rps: float
    p50_ms: float
    p95_ms: float


def load(
    port: int, path: str, cookies: list[str | None], *, duration: float, warmup: float
) -> LoadResult:
    """len(cookies) keep-alive connections, each in a thread, GET ``path`` back to back.

    Requests that start in the measuring window (after ``warmup``) are counted;
    every thread stops at the window's end, and sockets time out after 10 s.
    """
    n = len(cookies)
    barrier = threading.Barrier(n + 1)
    latencies: list[list[float]] = [[] for _ in range(n)]
    statuses: list[dict] = [{} for _ in range(n)]
    errors = [0] * n
    window: dict[str, float] = {}

    def worker(i: int) -> None:
        headers = {
            "Accept": "text/html",
            "Connection": "keep-alive",
            "User-Agent": "partnership-bench",
        }
        if cookies[i]:
            headers["Cookie"] = cookies[i]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        barrier.wait()
        start, end = window["start"], window["end"]
        try:
            while True:
                t = time.perf_counter()
                if t >= end:
                    break
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    if t >= start:
                        errors[i] += 1
                    continue
                if t >= start:
                    latencies[i].append(time.perf_counter() - t)
                    statuses[i][response.status] = statuses[i].get(response.status, 0) + 1
                    if response.status != 200:
                        errors[i] += 1
                if response.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window["start"] = now + warmup
    window["end"] = now + warmup + duration
    barrier.wait()
    for thread in threads:
        thread.join(timeout=warmup + duration + 15)
    all_latencies = sorted(x for xs in latencies for x in xs)
    merged: dict = {}
    for s in statuses:
        for code, count in s.items():
            merged[code] = merged.get(code, 0) + count
    if len(all_latencies) >= 2:
        q = statistics.quantiles(all_latencies, n=100, method="inclusive")
        p50, p95 = q[49] * 1000, q[94] * 1000
    else:
        p50 = p95 = (all_latencies[0] * 1000) if all_latencies else float("nan")
    return LoadResult(
        requests=len(all_latencies),
        errors=sum(errors),
        statuses=merged,
        rps=len(all_latencies) / duration,
        p50_ms=p50,
        p95_ms=p95,
    )


# --- 5b. The outbox ----------------------------------------------------------------------------
def bench_outbox(n: int = OUTBOX_ROWS) -> dict:
    """``n`` due reminder rows (no recipient account, so no preference look-ups), dispatched
    in-process with ``outbox.dispatch_due`` and the locmem e-mail backend; then checks that
    every idempotency key went out exactly once and every row is ``sent``."""
    from collections import Counter

    from django.core import mail
    from django.test.utils import override_settings

    from partnership import outbox
    from partnership.models import OutboxMessage

    prefix = f"bench-outbox:{time.time_ns()}:"
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                kind=MeetingKind.FOLLOW_UP_DUE,
                to_email=f"mottaker{i:05d}@bench.example.no",
                language="nb",
                # The key in the subject, so the sent messages can be counted per key.
                subject=f"{prefix}{i}",
                body_text=f"Påminnelse {i}: oppfølgingspunkter med frist om kort tid.\n",
                idempotency_key=f"{prefix}{i}",
                due_at=now,
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        t0 = time.perf_counter()
        result = outbox.dispatch_due(time_budget=OUTBOX_TARGET_S * 2)
        seconds = time.perf_counter() - t0
        sent_keys = Counter(m.subject for m in mail.outbox)
        mail.outbox = []
    rows = OutboxMessage.objects.filter(idempotency_key__startswith=prefix)
    statuses = dict(Counter(rows.values_list("status", flat=True)))
    exactly_once = (
        len(sent_keys) == n
        and all(c == 1 for c in sent_keys.values())
        and statuses == {OutboxMessage.Status.SENT: n}
    )
    ok = exactly_once and seconds <= OUTBOX_TARGET_S
    return {
        "rows": n,
        "seconds": seconds,
        "per_second": n / seconds if seconds else 0.0,
        "sent": result.sent,
        "messages": sum(sent_keys.values()),
        "distinct_keys": len(sent_keys),
        "statuses": statuses,
        "exactly_once": exactly_once,
        "result": "PASS" if ok else "FAIL",
    }


LETTER_TARGET_S = 1.0


def bench_letter_pdf(runs: int = 3) -> dict:
    """One decision letter PDF (WeasyPrint, PDF/UA-1), in-process: the slowest of ``runs``
    after a warm-up (fonts and templates loaded)."""
    from partnerpot import pdf
    from tests.bench.partnerpot_data import sample_decided_application

    application = sample_decided_application()
    pdf.letter_pdf(application=application)
    times = []
    size = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        size = len(pdf.letter_pdf(application=application))
        times.append(time.perf_counter() - t0)
    worst = max(times)
    return {
        "seconds": worst,
        "runs": [round(t, 3) for t in times],
        "bytes": size,
        "result": "PASS" if worst <= LETTER_TARGET_S else "FAIL",
    }


# --- 6. Report ------------------------------------------------------------------------------------
def verdict(page: Page, result: LoadResult, floor_rps: float, status: int) -> tuple[str, list[str]]:
    if page.name.startswith("floor"):
        return ("PASS" if result.errors == 0 else "FAIL"), (["errors"] if result.errors else [])
    reasons = []
    if status != 200:
        reasons.append(f"status {status}")
    if result.errors:
        reasons.append(f"{result.errors} errors")
    if result.rps < floor_rps * TARGET_RATIO:
        reasons.append(f"rps < 1/15 floor ({floor_rps * TARGET_RATIO:.0f})")
    if not result.p95_ms <= page.p95_ms:
        reasons.append(f"p95 > {page.p95_ms:.0f} ms")
    return ("FAIL" if reasons else "PASS"), reasons


def print_table(rows: list[dict]) -> None:
    """The page cache's figures (judged against the targets); then, where measured, the same
    pages with the page cache off, for information; queries are cold/warm."""
    uncached = any("uncached" in r for r in rows)
    header = ("page", "req/s", "p50 ms", "p95 ms", "queries", "× floor")
    if uncached:
        header += ("uncached req/s", "p95 ms", "× floor")
    header += ("result",)
    lines = [header]
    for r in rows:
        line = (
            r["page"],
            f"{r['rps']:.0f}",
            f"{r['p50_ms']:.1f}",
            f"{r['p95_ms']:.1f}",
            f"{r['queries']}/{r['queries_warm']}",
            f"{r['ratio']:.3f}",
        )
        if uncached:
            u = r.get("uncached")
            line += (
                (f"{u['rps']:.0f}", f"{u['p95_ms']:.1f}", f"{u['ratio']:.3f}") if u else ("",) * 3
            )
        line += (r["result"] + (f" ({'; '.join(r['reasons'])})" if r["reasons"] else ""),)
        lines.append(line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    right = set(range(1, len(header) - 1))
    for k, line in enumerate(lines):
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,  # noqa: S607
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiplies the data set (1 = 200 partners, 2 000 people)",
    )
    parser.add_argument(
        "--concurrency", type=int, default=8, help="concurrent keep-alive connections"
    )
    parser.add_argument(
        "--duration", type=float, default=5.0, help="seconds of measured load per page"
    )
    parser.add_argument(
        "--warmup", type=float, default=1.0, help="seconds of unmeasured load per page first"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the bench database if it already holds the same data set",
    )
    parser.add_argument(
        "--pages", default="", help="comma-separated page names to run (default: all)"
    )
    parser.add_argument(
        "--no-outbox", action="store_true", help="skip the outbox dispatch measurement"
    )
    parser.add_argument(
        "--no-uncached",
        action="store_true",
        help="skip the second pass with the page cache off (for information)",
    )
    args = parser.parse_args(argv)
    if args.scale <= 0 or args.concurrency < 1 or args.duration <= 0:
        parser.error("--scale, --concurrency and --duration must be positive")

    dev_url = os.environ.get("DATABASE_URL")
    if not dev_url or not os.environ.get("REDIS_URL"):
        print(
            "DATABASE_URL/REDIS_URL are not set: run `make bench`, or "
            "`.venv/bin/python scripts/dev.py exec -- .venv/bin/python tests/bench/run.py`.",
            file=sys.stderr,
        )
        return 2
    bench_url = bench_database_url(dev_url)
    sizes = Sizes.for_scale(args.scale)
    RESULTS.mkdir(exist_ok=True)

    # SIGTERM (e.g. from make or CI) stops the bench like Ctrl-C, so gunicorn is stopped too.
    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background

    proc = None
    try:
        from django.core.management import call_command

        marker = None
        if args.reuse:
            marker = stored_data_marker(bench_url)
        fresh = not (args.reuse and marker is not None)
        if fresh:
            log(f"creating database {BENCH_DB}")
            recreate_database(bench_url)
        setup_django(bench_url)
        log("migrating")
        call_command("migrate", verbosity=0, interactive=False)
        if fresh or marker != _marker(sizes):
            if not fresh:
                log("stored data set differs; recreating")
                from django.db import connections

                connections.close_all()
                recreate_database(bench_url)
                call_command("migrate", verbosity=0, interactive=False)
            log(f"loading data: {sizes}")
            seeded = seed(sizes)
        else:
            log("reusing the loaded data set")
            seeded = Seeded(counts={"reused": True})
        if not seeded.rights_consistent:
            log("WARNING: bulk-loaded rights differ from sync_person_rights:")
            for problem in seeded.rights_problems[:5]:
                log(f"  {problem}")

        from django.conf import settings
        from django.db import connections

        clear_bench_cache()
        person = bench_user()
        session_keys = [signed_in_session(person) for _ in range(args.concurrency)]
        page_list = pages()
        if args.pages:
            wanted = {"floor", "floor_signed_in", *args.pages.split(",")}
            page_list = [p for p in page_list if p.name in wanted]
        log("counting queries per page")
        queries = count_queries(page_list, signed_in_session(person))
        connections.close_all()

        port = free_port()
        log_path = RESULTS / "gunicorn.log"
        log(f"starting gunicorn on 127.0.0.1:{port} (2 gthread workers × 4 threads, DEBUG off)")
        proc = start_gunicorn(bench_url, port, log_path)

        cookie_name = settings.SESSION_COOKIE_NAME

        def load_all(label: str) -> dict[str, LoadResult]:
            out: dict[str, LoadResult] = {}
            for page in page_list:
                cookies = [
                    f"{cookie_name}={key}" if page.signed_in else None for key in session_keys
                ]
                out[page.name] = load(
                    port, page.path, cookies, duration=args.duration, warmup=args.warmup
                )
                r = out[page.name]
                log(
                    f"{label}{page.name:<20} {r.rps:8.0f} req/s  p95 {r.p95_ms:7.1f} ms  "
                    f"statuses {r.statuses}"
                )
            return out

        results = load_all("")
        memory = {"workers_peak_mb": worker_memory_mb(proc), "redis_mb": redis_memory_mb()}
        stop_gunicorn(proc)
        proc = None
        # There is no page cache any more: every page above was rendered afresh.
        uncached: dict[str, LoadResult] = {}

        log("rendering one Partnerpotten decision letter PDF")
        letter_report = bench_letter_pdf()
        outbox_report = None
        if not args.no_outbox:
            log(f"dispatching {OUTBOX_ROWS} due outbox rows in-process (locmem backend)")
            outbox_report = bench_outbox()
            connections.close_all()

        floor_rps = results["floor"].rps
        rows = []
        for page in page_list:
            r = results[page.name]
            q = queries[page.name]
            result, reasons = verdict(page, r, floor_rps, q["status"])
            rows.append(
                {
                    "page": page.name,
                    "path": page.path,
                    "rps": r.rps,
                    "p50_ms": r.p50_ms,
                    "p95_ms": r.p95_ms,
                    "queries": q["queries"],
                    "queries_warm": q["queries_warm"],
                    "p95_target_ms": page.p95_ms,
                    "status": q["status"],
                    "bytes": q["bytes"],
                    "ratio": r.rps / floor_rps if floor_rps else 0.0,
                    "requests": r.requests,
                    "errors": r.errors,
                    "statuses": {str(k): v for k, v in r.statuses.items()},
                    "result": result,
                    "reasons": reasons,
                }
            )
            if page.name in uncached:
                u = uncached[page.name]
                floor_u = uncached["floor"].rps
                rows[-1]["uncached"] = {
                    "rps": u.rps,
                    "p50_ms": u.p50_ms,
                    "p95_ms": u.p95_ms,
                    "ratio": u.rps / floor_u if floor_u else 0.0,
                    "statuses": {str(k): v for k, v in u.statuses.items()},
                }
        print()
        print(
            f"Scale {args.scale:g}: {seeded.counts}; {args.concurrency} connections, "
            f"{args.duration:g} s per page; targets: ≥ 1/15 of the floor's req/s, p95 ≤ "
            f"{TARGET_P95_MS:.0f} ms (decision_search {SEARCH_P95_MS:.0f} ms)"
        )
        print_table(rows)
        if outbox_report:
            o = outbox_report
            print(
                f"outbox: {o['rows']} due reminders in {o['seconds']:.1f} s "
                f"({o['per_second']:.0f}/s; target ≤ {OUTBOX_TARGET_S:.0f} s), "
                f"{o['messages']} messages for {o['distinct_keys']} keys, "
                f"each exactly once: {'yes' if o['exactly_once'] else 'NO'} "
                f"(statuses {o['statuses']}) → {o['result']}"
            )
        print(
            "memory: gunicorn workers' peak RSS "
            + ", ".join(f"{mb:.0f}" for mb in memory["workers_peak_mb"])
            + " MB"
            + (
                " (page cache off: "
                + ", ".join(f"{mb:.0f}" for mb in memory["uncached_workers_peak_mb"])
                + " MB)"
                if "uncached_workers_peak_mb" in memory
                else ""
            )
            + f"; Redis {memory['redis_mb']:.0f} MB after the cached pass"
        )
        print(
            f"decision letter PDF: {letter_report['seconds']:.2f} s (slowest of "
            f"{letter_report['runs']}; target ≤ {LETTER_TARGET_S:.0f} s, "
            f"{letter_report['bytes']} bytes) → {letter_report['result']}"
        )
        if not seeded.rights_consistent:
            print("WARNING: bulk-loaded rights differ from sync_person_rights (see above).")
        failed = [r["page"] for r in rows if r["result"] == "FAIL"]
        if outbox_report and outbox_report["result"] == "FAIL":
            failed.append("outbox")
        if letter_report["result"] == "FAIL":
            failed.append("letter_pdf")
        print()
        print(f"FAILED: {', '.join(failed)}" if failed else "All pages meet the targets.")

        report = {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "commit": git_commit(),
            "scale": args.scale,
            "concurrency": args.concurrency,
            "duration": args.duration,
            "warmup": args.warmup,
            "cpus": os.cpu_count(),
            "data": seeded.counts,
            "rights_consistent": seeded.rights_consistent,
            "targets": {
                "min_ratio_to_floor": TARGET_RATIO,
                "max_p95_ms": TARGET_P95_MS,
                "max_p95_ms_decision_search": SEARCH_P95_MS,
                "outbox_max_seconds": OUTBOX_TARGET_S,
                "letter_pdf_max_seconds": LETTER_TARGET_S,
            },
            "pages": rows,
            "memory": memory,
            "outbox": outbox_report,
            "letter_pdf": letter_report,
            "failed": failed,
        }
        (RESULTS / "latest.json").write_text(
            json.dumps(report, indent=2, ensure_ascii=False) + "\n"
        )
        (RESULTS / "queries.json").write_text(
            json.dumps(
                {name: q["sql"] for name, q in queries.items()}, indent=2, ensure_ascii=False
            )
            + "\n"
        )
        print(f"Written to {RESULTS / 'latest.json'} (SQL per page in queries.json)")
        return 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        stop_gunicorn(proc)


if __name__ == "__main__":
    sys.exit(main())
