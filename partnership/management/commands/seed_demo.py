"""Load the demo data set: periods, partners, bodies, people, memberships and demo logins.

    manage.py seed_demo

Idempotent: every object is looked up by its natural key (kind and start of a
period, organisation number, body short name, e-mail, and person/body/role/start
of a membership) and only created when missing, so a second run changes nothing.
Writes go through ``partnership.services`` where a service exists. All data is
fictional and marked ``is_demo`` where the model has the flag (DESIGN.md §5).
The structure follows the action plan §6 and passes every check in
``partnership.governance``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from partnership import demo, services, services_plan
from partnership.governance import governance_checks
from partnership.models import (
    Affiliation,
    Body,
    Goal,
    Measure,
    Membership,
    Partner,
    Period,
    Person,
)

Role = Membership.Role

# Seats in the Ledermøte, Partnermøte, secretariat and state group start here.
SEATS_FROM = dt.date(2025, 1, 1)
# The current 2-year working-group term (R4), and the AU and group leaders'
# meeting that are made up of its role holders.
TERM_FROM, TERM_TO = dt.date(2026, 1, 1), dt.date(2027, 12, 31)
# The previous term, so the demo shows past members and how terms follow each other.
PREVIOUS_TERM_FROM = dt.date(2024, 1, 1)
AFFILIATED_FROM = dt.date(2024, 1, 1)

# Who holds the unique roles of each working group (R4): body → role → partner
# whose working-group seat holds it. Everyone else in the group is a member.
CURRENT_GROUP_ROLES = {
    demo.LOCAL: {
        Role.LEADER: "Demo-KNV",
        Role.FINANCE_LEAD: "Demo-ERN",
        Role.COMMUNICATION_LEAD: "Demo-ISR",
    },
    demo.NATIONAL: {
        Role.LEADER: "Demo-FFO",
        Role.FINANCE_LEAD: "Demo-SLF",
        Role.COMMUNICATION_LEAD: "Udir",
    },
}
PREVIOUS_GROUP_ROLES = {
    demo.LOCAL: {
        Role.LEADER: "Udir",
        Role.FINANCE_LEAD: "Demo-BPF",
        Role.COMMUNICATION_LEAD: "Demo-FAB",
    },
    demo.NATIONAL: {
        Role.LEADER: "Demo-BFR",
        Role.FINANCE_LEAD: "Demo-KSN",
        Role.COMMUNICATION_LEAD: "Demo-UKF",
    },
}
# Working-group seats held by a demo login rather than by the partner's usual representative.
GROUP_SEAT_LOGINS = {
    (demo.LOCAL, "Demo-KNV"): "group_leader",
    (demo.LOCAL, "Demo-ERN"): "finance_lead",
    (demo.LOCAL, "Demo-LFS"): "group_member",
}
# Partnermøte seats held by demo logins: (partner, seat number) → login key.
REPRESENTATIVE_LOGINS = {("Udir", 1): "secretariat", ("Demo-FNN", 1): "partner_rep"}
LEADER_LOGINS = {"Demo-FNN": "partner_leader"}


@dataclass
class Stats:
    created: Counter
    existing: Counter

    def add(self, kind: str, created: bool) -> None:
        (self.created if created else self.existing)[kind] += 1


class Command(BaseCommand):
    help = "Load the fictional demo data (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        self.stats = Stats(Counter(), Counter())
        self._next_name = 0
        self._affiliated: set[tuple[int, int]] = set()
        with transaction.atomic():
            self.seed_periods()
            partners = self.seed_partners()
            bodies = self.seed_bodies(partners)
            logins = self.seed_logins(partners)
            self.seed_seats(partners, bodies, logins)
            self.seed_plan()
            for path in settings.DEMO_SEEDERS:
                import_string(path)(stdout=self.stdout)
        self.report()

    # --- Periods -------------------------------------------------------------------------
    def seed_periods(self) -> None:
        for spec in demo.PERIODS:
            exists = Period.objects.filter(kind=spec.kind, starts_on=spec.starts_on).exists()
            if not exists:
                period = Period(
                    kind=spec.kind, title=spec.title, starts_on=spec.starts_on, ends_on=spec.ends_on
                )
                period.full_clean()
                period.save()
            self.stats.add("perioder", not exists)

    # --- Partners ------------------------------------------------------------------------
    def seed_partners(self) -> dict[str, Partner]:
        partners = {}
        for spec in demo.PARTNERS:
            partner = Partner.objects.filter(organisation_number=spec.organisation_number).first()
            created = partner is None
            if created:
                partner = services.partner_create(
                    name=spec.name,
                    short_name=spec.short_name,
                    kind=spec.kind,
                    organisation_number=spec.organisation_number,
                    active_from=demo.PARTNERS_ACTIVE_FROM,
                    is_demo=True,
                )
            self.stats.add("partnere", created)
            partners[spec.short_name] = partner
        return partners

    # --- Bodies --------------------------------------------------------------------------
    def seed_bodies(self, partners: dict[str, Partner]) -> dict[str, Body]:
        bodies: dict[str, Body] = {}
        for spec in demo.BODIES:  # ordered so that a body's delegating body comes first
            body = Body.objects.filter(short_name=spec.short_name).first()
            created = body is None
            if created:
                body = Body(
                    name=spec.name,
                    short_name=spec.short_name,
                    kind=spec.kind,
                    level=spec.level,
                    mandate=spec.mandate,
                    chairing_partner=partners[spec.chairing_partner]
                    if spec.chairing_partner
                    else None,
                    delegated_from=bodies[spec.delegated_from] if spec.delegated_from else None,
                    required_meetings_per_year=spec.required_meetings_per_year,
                    term_years=spec.term_years,
                )
                body.full_clean()
                body.save()
            services.ensure_body_group(body=body)  # idempotent
            self.stats.add("organer", created)
            bodies[spec.short_name] = body
        return bodies

    # --- People ----------------------------------------------------------------------------
    def person(
        self,
        *,
        email: str,
        full_name: str,
        title: str = "",
        password: str | None = None,
        superuser: bool = False,
    ) -> Person:
        person = Person.objects.filter(email=email).first()
        created = person is None
        if created:
            manager = Person.objects
            make = manager.create_superuser if superuser else manager.create_user
            # Without a password the account cannot sign in (unusable password).
            person = make(
                email=email, password=password, full_name=full_name, title=title, is_demo=True
            )
        self.stats.add("personer", created)
        return person

    def generic_person(self, title: str) -> Person:
        """The next fictional person from the name list (deterministic order)."""
        full_name, email = demo.demo_person_name(self._next_name)
        self._next_name += 1
        return self.person(email=email, full_name=full_name, title=title)

    def affiliate(self, person: Person, partner: Partner) -> None:
        if (person.pk, partner.pk) in self._affiliated:  # already handled in this run
            return
        self._affiliated.add((person.pk, partner.pk))
        exists = Affiliation.objects.filter(person=person, partner=partner).exists()
        if not exists:
            services.affiliation_start(person=person, partner=partner, starts_on=AFFILIATED_FROM)
        self.stats.add("tilknytninger", not exists)

    def seed_logins(self, partners: dict[str, Partner]) -> dict[str, Person]:
        from allauth.account.models import EmailAddress
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        people = {}
        for login in demo.DEMO_LOGINS:
            person = self.person(
                email=login.email,
                full_name=login.full_name,
                password=demo.DEMO_PASSWORD,
                superuser=login.superuser,
                title=login.role,
            )
            _address, created = EmailAddress.objects.get_or_create(
                user=person, email=person.email, defaults={"verified": True, "primary": True}
            )
            self.stats.add("e-postadresser", created)
            if login.totp:
                exists = Authenticator.objects.filter(
                    user=person, type=Authenticator.Type.TOTP
                ).exists()
                if not exists:
                    TOTP.activate(person, demo.DEMO_TOTP_SECRET)
                self.stats.add("TOTP-autentiseringer", not exists)
            if login.partner:
                self.affiliate(person, partners[login.partner])
            people[login.key] = person
        return people

    # --- Memberships -------------------------------------------------------------------------
    def seat(
        self,
        *,
        person: Person,
        body: Body,
        partner: Partner,
        role: str,
        starts_on: dt.date,
        ends_on: dt.date | None = None,
    ) -> None:
        exists = Membership.objects.filter(
            person=person, body=body, role=role, starts_on=starts_on
        ).exists()
        if not exists:
            services.membership_start(
                person=person,
                body=body,
                partner=partner,
                role=role,
                starts_on=starts_on,
                ends_on=ends_on,
            )
        self.stats.add("medlemskap", not exists)

    def seed_seats(
        self, partners: dict[str, Partner], bodies: dict[str, Body], logins: dict[str, Person]
    ) -> None:
        leaders: dict[str, Person] = {}
        representatives: dict[str, list[Person]] = {}
        group_seats: dict[tuple[str, str], Person] = {}

        # Who is who, in a fixed order so generated names are stable between runs.
        for spec in demo.PARTNERS:
            partner = partners[spec.short_name]
            key = LEADER_LOGINS.get(spec.short_name)
            leaders[spec.short_name] = logins[key] if key else self.generic_person("Leder")
            reps = []
            for n in range(1, spec.representatives + 1):
                key = REPRESENTATIVE_LOGINS.get((spec.short_name, n))
                reps.append(logins[key] if key else self.generic_person("Rådgiver"))
            representatives[spec.short_name] = reps
            for group in spec.working_groups:
                key = GROUP_SEAT_LOGINS.get((group, spec.short_name))
                # By default the partner's last Partnermøte representative also sits in the group.
                group_seats[(group, spec.short_name)] = logins[key] if key else reps[-1]
            for person in {leaders[spec.short_name], *reps}:
                self.affiliate(person, partner)

        # R1: a leader from every partner in the Ledermøte, chaired by KD.
        for short_name, person in leaders.items():
            role = Role.LEADER if short_name == "KD" else Role.MEMBER
            self.seat(
                person=person,
                body=bodies["LM"],
                partner=partners[short_name],
                role=role,
                starts_on=SEATS_FROM,
            )

        # R2: 1–2 representatives per partner in the Partnermøte; the secretariat (Udir) leads it.
        for short_name, reps in representatives.items():
            for person in reps:
                role = Role.LEADER if person == logins["secretariat"] else Role.MEMBER
                self.seat(
                    person=person,
                    body=bodies["PM"],
                    partner=partners[short_name],
                    role=role,
                    starts_on=SEATS_FROM,
                )

        # R4: working groups, every partner in at least one; the previous and the current term.
        for group in (demo.LOCAL, demo.NATIONAL):
            body = bodies[group]
            for starts_on, roles in (
                (PREVIOUS_TERM_FROM, PREVIOUS_GROUP_ROLES),
                (TERM_FROM, CURRENT_GROUP_ROLES),
            ):
                role_of = {partner: role for role, partner in roles[group].items()}
                for (g, short_name), person in group_seats.items():
                    if g != group:
                        continue
                    # The term's end follows from the body's term_years (2 years).
                    self.seat(
                        person=person,
                        body=body,
                        partner=partners[short_name],
                        role=role_of.get(short_name, Role.MEMBER),
                        starts_on=starts_on,
                    )

        # R3: the AU is the current groups' leaders, finance leads and communication leads;
        # the local group's leader chairs it and the secretariat takes the minutes.
        for group in (demo.LOCAL, demo.NATIONAL):
            for role, short_name in CURRENT_GROUP_ROLES[group].items():
                au_role = Role.LEADER if (group, role) == (demo.LOCAL, Role.LEADER) else Role.MEMBER
                self.seat(
                    person=group_seats[(group, short_name)],
                    body=bodies["AU"],
                    partner=partners[short_name],
                    role=au_role,
                    starts_on=TERM_FROM,
                    ends_on=TERM_TO,
                )
        self.seat(
            person=logins["secretariat"],
            body=bodies["AU"],
            partner=partners["Udir"],
            role=Role.SECRETARY,
            starts_on=TERM_FROM,
            ends_on=TERM_TO,
        )

        # R5: the group leaders' meeting, called and led by the secretariat.
        self.seat(
            person=logins["secretariat"],
            body=bodies["GLM"],
            partner=partners["Udir"],
            role=Role.LEADER,
            starts_on=TERM_FROM,
            ends_on=TERM_TO,
        )
        for group in (demo.LOCAL, demo.NATIONAL):
            short_name = CURRENT_GROUP_ROLES[group][Role.LEADER]
            self.seat(
                person=group_seats[(group, short_name)],
                body=bodies["GLM"],
                partner=partners[short_name],
                role=Role.MEMBER,
                starts_on=TERM_FROM,
                ends_on=TERM_TO,
            )

        # R6: the secretariat: Udir (leads), Hdir, Bufdir.
        self.seat(
            person=logins["secretariat"],
            body=bodies["SEK"],
            partner=partners["Udir"],
            role=Role.LEADER,
            starts_on=SEATS_FROM,
        )
        for short_name in ("Hdir", "Bufdir"):
            self.seat(
                person=representatives[short_name][0],
                body=bodies["SEK"],
                partner=partners[short_name],
                role=Role.MEMBER,
                starts_on=SEATS_FROM,
            )

        # R7: the state actors' group: KD (leads), BFD, HOD.
        self.seat(
            person=representatives["KD"][0],
            body=bodies["AG-S"],
            partner=partners["KD"],
            role=Role.LEADER,
            starts_on=SEATS_FROM,
        )
        self.seat(
            person=logins["ministry"],
            body=bodies["AG-S"],
            partner=partners["BFD"],
            role=Role.MEMBER,
            starts_on=SEATS_FROM,
        )
        self.seat(
            person=representatives["HOD"][0],
            body=bodies["AG-S"],
            partner=partners["HOD"],
            role=Role.MEMBER,
            starts_on=SEATS_FROM,
        )

    # --- Summary -----------------------------------------------------------------------------
    # --- The action plan's goals and common measures (000 §4, §5) ------------------------
    def seed_plan(self) -> None:
        goals_before = Goal.objects.count()
        goals = services_plan.goals_seed()
        self.stats.created["mål"] += len(goals) - goals_before
        self.stats.existing["mål"] += goals_before
        measures_before = Measure.objects.count()
        measures = services_plan.measures_seed()
        self.stats.created["felles tiltak"] += len(measures) - measures_before
        self.stats.existing["felles tiltak"] += measures_before

    def report(self) -> None:
        created, existing = self.stats.created, self.stats.existing
        kinds = list(dict.fromkeys([*created, *existing]))
        self.stdout.write("Demodata (fiktive, merket is_demo):")
        for kind in kinds:
            self.stdout.write(
                f"  {kind:<22} {created[kind]:>4} nye, {existing[kind]:>4} fantes fra før"
            )
        checks = governance_checks()
        failing = [c for c in checks if not c.passed]
        for check in checks:
            mark = "OK " if check.passed else "FEIL"
            self.stdout.write(f"  [{mark}] {check.rule}: {check.title}")
            for problem in check.problems:
                self.stdout.write(f"         - {problem}")
        if failing:
            raise CommandError(f"{len(failing)} styringskontroll(er) feiler for demodataene.")
        self.stdout.write(
            self.style.SUCCESS(
                "Demodata klare. Innlogginger: manage.py demo_logins (passord: "
                + demo.DEMO_PASSWORD
                + ")."
            )
        )
