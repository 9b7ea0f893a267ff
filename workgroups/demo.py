"""Demo budgets for ``manage.py seed_demo`` (after meetings.demo and partnerpot.demo).

Through ``partnership.budget_services`` and ``workgroups.services``:

- last year's budget (2 000 000 kr), adopted by the first Partnermøte of that year that the
  Partnerpotten demo made;
- this year's budget (2 000 000 kr), adopted by the first Partnermøte of the year, and a
  revision (version 2: 50 000 kr moved from common costs to the school-start campaign) adopted
  by the AU under delegation if it met later that year, else by the next Partnermøte, so the
  version history and its differences show;
- the Partnerpott allocation of each year is at least that year's call envelope;
- last year closed: both groups' booked expenses (with vouchers), their year-end reports
  submitted by the leaders and approved by the secretariat;
- this year's accounts of both working groups: booked expenses with vouchers, an invoice and
  a commitment not yet paid, one expense over the national group's allocation waiting for the
  secretariat's approval, and partners' own contributions. okonomi@ (the local group's
  finance lead) can record an expense at once.

Idempotent: a year that has a budget is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from meetings.models import Meeting
from partnership import budget_services
from partnership.models import (
    Body,
    BudgetLine,
    BudgetYear,
    Measure,
    Membership,
    Partner,
    Person,
)

from . import services
from .demo_plan import seed_plan_work
from .models import AccountEntry

SECRETARIAT_LOGIN = "sekretariat@demo.example.no"
Kind = BudgetLine.Kind

# (kind, title or working-group short name, amount): 1 900 000 kr of 2 000 000 (95 %).
LINES = (
    (Kind.GROUP_BASE, "local", "200000"),
    (Kind.GROUP_BASE, "national", "200000"),
    (Kind.MEASURE, "Skolestartkampanjen", "100000"),
    (Kind.MEASURE, "Nasjonal konferanse om mobbing", "150000"),
    (Kind.PARTNERPOT, "Partnerpotten", "800000"),
    (Kind.STUDY_VISITS, "Studiebesøk", "150000"),
    (Kind.COMMON_COSTS, "Møter og reiser", "150000"),
    (Kind.SECRETARIAT, "Sekretariatet", "150000"),
)
REVISION = {"Skolestartkampanjen": "150000", "Møter og reiser": "100000"}


def _first_meeting(kind: str, year: int, *, after: dt.datetime | None = None) -> Meeting | None:
    meetings = Meeting.objects.filter(
        body__kind=kind,
        kind=Meeting.Kind.ORDINARY,
        starts_at__year=year,
        starts_at__lte=timezone.now(),
    ).exclude(status=Meeting.Status.CANCELLED)
    if after is not None:
        meetings = meetings.filter(starts_at__gt=after)
    return meetings.select_related("body").order_by("starts_at").first()


def _lines(version, by: Person, amounts: dict[str, str] | None = None) -> None:
    groups = {b.level: b for b in Body.objects.filter(kind=Body.Kind.WORKING_GROUP)}
    for kind, name, amount in LINES:
        group = groups.get(name) if kind == Kind.GROUP_BASE else None
        if kind == Kind.GROUP_BASE and group is None:
            continue
        version.refresh_from_db()
        budget_services.budget_line_save(
            version=version,
            kind=kind,
            title="" if group else name,
            working_group=group,
            amount=Decimal((amounts or {}).get(name, amount)),
            expected_lock_version=version.lock_version,
            by=by,
        )


def _adopt(version, meeting: Meeting, by: Person) -> None:
    budget_services.budget_propose(version=version, by=by)
    services.budget_adopt(version=version, meeting=meeting, by=by)


@transaction.atomic
def seed(stdout=None) -> None:
    say = stdout.write if stdout else (lambda _text: None)
    secretariat = Person.objects.get(email=SECRETARIAT_LOGIN)
    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year):
        if BudgetYear.objects.filter(year=year).exists():
            continue
        meeting = _first_meeting(Body.Kind.PARTNERS, year)
        version = budget_services.budget_year_create(year=year, by=secretariat)
        _lines(version, secretariat)
        if meeting is None:
            say(f"  budsjett {year}: utkast (ingen partnermøte å vedta det i)")
            continue
        _adopt(version, meeting, secretariat)
        say(f"  budsjett {year}: vedtatt i {meeting}")
        if year != this_year:
            continue
        # The AU's meetings are not in the year plan; the next Partnermøte adopts the revision.
        later = _first_meeting(Body.Kind.WORKING_COMMITTEE, year, after=meeting.starts_at)
        later = later or _first_meeting(Body.Kind.PARTNERS, year, after=meeting.starts_at)
        if later is None:
            continue
        revision = budget_services.budget_revise(
            budget_year=version.budget_year,
            note="50 000 kr flyttes fra møter og reiser til skolestartkampanjen.",
            by=secretariat,
        )
        for line in revision.lines.filter(title__in=REVISION):
            revision.refresh_from_db()
            budget_services.budget_line_save(
                version=revision,
                line=line,
                kind=line.kind,
                title=line.title,
                amount=Decimal(REVISION[line.title]),
                expected_lock_version=revision.lock_version,
                by=secretariat,
            )
        _adopt(revision, later, secretariat)
        say(f"  budsjett {year}: versjon 2 vedtatt i {later}")
    _seed_closed_year(this_year - 1, secretariat, say)
    _seed_accounts(this_year, secretariat, say)
    seed_plan_work(this_year, secretariat, say)


# (month, description, amount, category, measure, supplier, status, booked); a measure named as
# one of the action plan's common measures is linked to it, any other stays free text.
ENTRIES = (
    (2, "Leie av møterom til oppstartsmøtet", "4500", "meetings", "", "Thon Hotels", "paid", True),
    (3, "Reiser til samling i Bergen", "12850.50", "travel", "", "Vy", "paid", True),
    (
        5,
        "Trykking av plakater",
        "18400",
        "materials",
        "Skolestartkampanjen",
        "07 Media",
        "paid",
        True,
    ),
    (
        8,
        "Foredragsholder på Faglig forum",
        "15000",
        "fees",
        "Faglig forum",
        "Kari Foredrag AS",
        "invoiced",
        False,
    ),
    (
        10,
        "Bestilt materiell til høstens samling",
        "22000",
        "materials",
        "",
        "Norli",
        "committed",
        False,
    ),
)
# A PDF voucher small enough to read in any viewer (the upload check judges the bytes).
VOUCHER = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _seed_accounts(year: int, secretariat: Person, say) -> None:
    budget_year = BudgetYear.objects.filter(year=year).first()
    if budget_year is None or AccountEntry.objects.filter(budget_year=budget_year).exists():
        return
    today = timezone.localdate()
    measures = {m.name: m for m in Measure.objects.all()}
    for group in Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("name"):
        lead = (
            Person.objects.filter(
                memberships__body=group, memberships__role=Membership.Role.FINANCE_LEAD
            ).first()
            or secretariat
        )
        for month, description, amount, category, measure, supplier, status, booked in ENTRIES:
            day = dt.date(year, month, 15)
            if day > today:
                continue
            common = measures.get(measure)
            entry = services.entry_record(
                working_group=group,
                date=day,
                description=description,
                amount=Decimal(amount),
                category=category,
                common_measure=common,
                measure="" if common else measure,
                supplier=supplier,
                status=status,
                by=lead,
            )
            if status != "committed":
                voucher = ContentFile(VOUCHER, name=f"faktura-{month:02d}.pdf")
                services.voucher_add(entry=entry, file=voucher, by=lead)
            if booked:
                services.entry_book(entry=entry, by=secretariat)
        partner_ids = list(
            Membership.objects.filter(body=group).values_list("partner_id", flat=True)[:2]
        )
        for n, partner in enumerate(Partner.objects.filter(pk__in=partner_ids)):
            services.contribution_record(
                working_group=group,
                partner=partner,
                date=dt.date(year, 3 + n, 1),
                description=f"Planlegging og gjennomføring av samling {n + 1}",
                hours=Decimal("14.5"),
                value=Decimal("8700"),
                by=lead,
            )
        if group.level == Body.Level.NATIONAL:
            left = services.money_left(working_group=group, budget_year=budget_year)
            services.entry_record(
                working_group=group,
                date=min(today, dt.date(year, 11, 20)),
                description="Nasjonal konferanse om mobbing: lokaler og teknikk",
                amount=max(left, Decimal(0)) + Decimal("25000"),
                category="services",
                measure="Nasjonal konferanse om mobbing",
                supplier="Oslo Kongressenter",
                status="committed",
                by=lead,
            )
        say(f"  regnskap {year}: {group.short_name}")


# Last year's booked expenses per group: (month, description, amount, category, supplier).
LAST_YEAR = (
    (3, "Oppstartsmøte: lokaler og lunsj", "6200", "meetings", "Scandic"),
    (6, "Reiser til Faglig forum", "21400", "travel", "Norwegian"),
    (10, "Plakater og brosjyrer", "38750", "materials", "07 Media"),
)
YEAR_END = {
    "activities": (
        "Faglig forum: to samlinger (vår og høst) med til sammen 140 deltakere.\n"
        "Egne tiltak: materiell til skolestart, delt med alle partnerne."
    ),
    "deviations": "Reisene ble dyrere enn planlagt; trykk ble billigere.",
    "proposals": "Samme grunnbevilgning neste år, og en digital samling i tillegg.",
}


def _role_holder(group: Body, role: str, fallback: Person) -> Person:
    return (
        Person.objects.filter(memberships__body=group, memberships__role=role).first() or fallback
    )


def _seed_closed_year(year: int, secretariat: Person, say) -> None:
    """Last year's accounts, year-end reports (R5) and the closing, as the secretariat and the
    groups would have done them; skipped when the year is closed or has entries already."""
    budget_year = BudgetYear.objects.filter(year=year).first()
    if (
        budget_year is None
        or budget_year.is_closed
        or not budget_year.versions.filter(status="adopted").exists()
        or AccountEntry.objects.filter(budget_year=budget_year).exists()
    ):
        return
    for group in Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("name"):
        lead = _role_holder(group, Membership.Role.FINANCE_LEAD, secretariat)
        leader = _role_holder(group, Membership.Role.LEADER, secretariat)
        for month, description, amount, category, supplier in LAST_YEAR:
            entry = services.entry_record(
                working_group=group,
                date=dt.date(year, month, 12),
                description=description,
                amount=Decimal(amount),
                category=category,
                supplier=supplier,
                status="paid",
                by=lead,
            )
            services.voucher_add(
                entry=entry, file=ContentFile(VOUCHER, name=f"bilag-{month:02d}.pdf"), by=lead
            )
            services.entry_book(entry=entry, by=secretariat)
        report = services.report_for(working_group=group, budget_year=budget_year)
        report = services.report_save(
            report=report,
            expected_lock_version=report.lock_version,
            proposed_allocation=Decimal("200000"),
            by=lead,
            **YEAR_END,
        )
        report = services.report_submit(report=report, by=leader)
        services.report_review(report=report, approve=True, by=secretariat)
    services.year_close(budget_year=budget_year, by=secretariat)
    say(f"  regnskap {year}: årsrapporter godkjent, året avsluttet")
