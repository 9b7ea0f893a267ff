"""The annual report's data (issue 14 §1): one gathering function and one template per
section, in ``SECTIONS``.

Each section is a ``Section``: a key, a lazy title, a template under
``templates/reports/annual/`` and a function of the ``Year`` giving the template's context
(a few grouped queries of plain values, never one per row). ``register_section`` adds a
section after another, so the parts still to come (goals and indicators, measures and
activities) slot in without touching the others. The same templates make the PDF and the
HTML preview.

A year with no data gives a short report: every section says what there is none of.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from meetings.models import OSLO, Attendance, Decision, Meeting, PartnerPresentation
from meetings.services import DEFAULT_MEETINGS_PER_YEAR
from partnerpot.models import Application, Call, Grant, GrantReport, StudyVisit
from partnership.models import Body, BudgetYear, Partner, Period
from workgroups import actuals as wg_actuals
from workgroups import charts as wg_charts
from workgroups import selectors_plan
from workgroups.models import YearEndReport

from . import charts as indicator_charts
from . import dashboard as dashboard_selectors
from .models_annual import AnnualReport

ZERO = Decimal("0.00")
HELD = (Meeting.Status.HELD, Meeting.Status.MINUTES_DRAFT, Meeting.Status.MINUTES_APPROVED)
ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.DEPUTY_ATTENDING)
# R5: a start-up meeting, one before each Partnermøte and a reporting meeting.
WORKING_GROUP_FIXED_MEETINGS = 2
# The bodies whose decisions the report lists one by one.
LISTED_DECISION_KINDS = (Body.Kind.LEADERS, Body.Kind.PARTNERS, Body.Kind.WORKING_COMMITTEE)


# --- The agreement period --------------------------------------------------------------------
def agreement_years() -> list[int]:
    """The years covered by an agreement period (Period of kind agreement), newest first."""
    years: set[int] = set()
    for start, end in Period.objects.filter(kind=Period.Kind.AGREEMENT).values_list(
        "starts_on", "ends_on"
    ):
        years.update(range(start.year, end.year + 1))
    return sorted(years, reverse=True)


def in_agreement_period(year: int) -> bool:
    return Period.objects.filter(
        kind=Period.Kind.AGREEMENT, starts_on__year__lte=year, ends_on__year__gte=year
    ).exists()


# --- The year ---------------------------------------------------------------------------------
@dataclass
class Year:
    year: int
    report: AnnualReport | None = None
    # Filled by the sections as they go (the summary reads the others' figures).
    figures: dict = field(default_factory=dict)
    # The charts' images by their data: URL (see _chart).
    charts: dict[str, bytes] = field(default_factory=dict)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, 1, 1, tzinfo=OSLO)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime(self.year + 1, 1, 1, tzinfo=OSLO)

    def in_year(self, prefix: str) -> Q:
        return Q(**{f"{prefix}__gte": self.start, f"{prefix}__lt": self.end})

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, 12, 31)


@dataclass(frozen=True)
class Section:
    key: str
    title: object  # lazy string
    template: str
    gather: Callable[[Year], dict]
    narrative: str = ""  # the AnnualReport field shown at the top of the section, if any


def _chart(year: Year, svg: bytes) -> str:
    """A pygal chart as an image in the report: a ``data:`` URL the preview shows as it is and
    the PDF's fetcher serves from ``year.charts`` (the only ``data:`` URLs it serves).

    An image rather than inline SVG: WeasyPrint draws it as vectors either way, but every
    element of an inline chart goes through the HTML cascade and keeps a computed style until
    the PDF is written (41 charts of the bench year: 56 MB of the peak), and an ``<img>`` with
    ``alt`` is tagged as a Figure with its text alternative."""
    uri = wg_charts.data_uri(svg)
    year.charts[uri] = svg
    return uri


# --- Sections -----------------------------------------------------------------------------------
def gather_meetings(year: Year) -> dict:
    """Meetings held per body against the required number (R1, R2, R5) and the decisions."""
    bodies = list(
        Body.objects.filter(
            kind__in=(Body.Kind.LEADERS, Body.Kind.PARTNERS, Body.Kind.WORKING_GROUP)
        )
        .order_by("kind", "name")
        .values_list("pk", "name", "kind", "required_meetings_per_year")
    )
    held: dict[int, int] = defaultdict(int)
    for body_id, count in (
        Meeting.objects.filter(year.in_year("starts_at"), status__in=HELD)
        .exclude(kind=Meeting.Kind.FAGLIG_FORUM)
        .values_list("body_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        held[body_id] = count
    partners_required = DEFAULT_MEETINGS_PER_YEAR[Body.Kind.PARTNERS]
    order = {Body.Kind.LEADERS: 0, Body.Kind.PARTNERS: 1, Body.Kind.WORKING_GROUP: 2}
    rows = []
    for pk, name, kind, required in sorted(bodies, key=lambda b: (order[b[2]], b[1])):
        if kind == Body.Kind.WORKING_GROUP:
            required = required or WORKING_GROUP_FIXED_MEETINGS + partners_required
        else:
            required = required or DEFAULT_MEETINGS_PER_YEAR.get(kind, 0)
        rows.append(
            {
                "name": name,
                "kind": Body.Kind(kind).label,
                "held": held[pk],
                "required": required,
                "met": held[pk] >= required,
            }
        )
    # Every body's number of decisions; the governing bodies' decisions listed one by one
    # (the working groups' and others' are in the decision register: a year of those would
    # run to a hundred pages).
    per_body = [
        {"name": name, "count": count}
        for name, count in Decision.objects.filter(year=year.year)
        .values_list("body__name")
        .annotate(n=Count("pk"))
        .order_by("body__name")
    ]
    decisions = list(
        Decision.objects.filter(year=year.year, body__kind__in=LISTED_DECISION_KINDS)
        .order_by("body__short_name", "number")
        .values_list("body__short_name", "number", "decided_on", "title", "agenda_item__exempt")
    )
    decision_rows = [
        {
            "label": _("%(body)s-vedtak %(number)s/%(year)s")
            % {"body": body, "number": number, "year": year.year},
            "decided_on": decided_on,
            "title": "" if exempt else title,
            "exempt": bool(exempt),
        }
        for body, number, decided_on, title, exempt in decisions
    ]
    year.figures["meetings_held"] = sum(held.values())
    year.figures["decisions"] = sum(row["count"] for row in per_body)
    return {"bodies": rows, "per_body": per_body, "decisions": decision_rows}


def gather_partnerpot(year: Year) -> dict:
    """Partnerpotten: calls, applications, grants, final reports, repayments; study visits."""
    calls = list(
        Call.objects.filter(year=year.year)
        .exclude(status=Call.Status.DRAFT)
        .order_by("opens_at")
        .values_list("pk", "title", "closes_at")
    )
    by_status: dict[str, int] = defaultdict(int)
    per_call: dict[int, int] = defaultdict(int)
    for call_id, status, count in (
        Application.objects.filter(call__year=year.year)
        .exclude(status=Application.Status.DRAFT)
        .values_list("call_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_status[status] += count
        per_call[call_id] += count
    grants = list(
        Grant.objects.filter(application__call__year=year.year)
        .exclude(status=Grant.Status.CANCELLED)
        .order_by("application__number")
        .values_list(
            "application__year",
            "application__number",
            "application__title",
            "application__applicant__short_name",
            "amount",
            "status",
        )
    )
    grant_rows = [
        {
            "reference": f"PP-{app_year}-{number}",
            "title": title,
            "applicant": applicant,
            "amount": amount,
            "status": Grant.Status(status).label,
        }
        for app_year, number, title, applicant, amount, status in grants
    ]
    reports_approved = GrantReport.objects.filter(
        year.in_year("approved_at"), status=GrantReport.Status.APPROVED
    ).count()
    repaid = Grant.objects.filter(
        repaid_on__gte=year.first_day, repaid_on__lte=year.last_day
    ).aggregate(n=Count("pk"), total=Sum("repaid_amount"))
    visits = list(
        StudyVisit.objects.filter(Q(starts_on__gte=year.first_day, starts_on__lte=year.last_day))
        .exclude(status__in=(StudyVisit.Status.DRAFT, StudyVisit.Status.WITHDRAWN))
        .order_by("starts_on")
        .values_list("title", "destination", "starts_on", "status")
    )
    granted_total = sum((row["amount"] for row in grant_rows), ZERO)
    received = sum(by_status.values())
    year.figures["applications"] = received
    year.figures["granted"] = granted_total
    return {
        "calls": [
            {"title": title, "closes_at": closes_at, "applications": per_call[pk]}
            for pk, title, closes_at in calls
        ],
        "received": received,
        "decided": [
            {"status": Application.Status(s).label, "count": by_status[s]}
            for s in Application.DECIDED
            if by_status[s]
        ],
        "grants": grant_rows,
        "granted_total": granted_total,
        "reports_approved": reports_approved,
        "repaid_count": repaid["n"],
        "repaid_total": repaid["total"] or ZERO,
        "visits": [
            {
                "title": title,
                "destination": destination,
                "starts_on": starts_on,
                "status": StudyVisit.Status(status).label,
            }
            for title, destination, starts_on, status in visits
        ],
    }


def gather_economy(year: Year) -> dict:
    """Budget against actuals per line and per working group (workgroups.actuals), with the
    economy pages' chart (workgroups.charts) as an SVG image (vectors in the PDF)."""
    budget_year = BudgetYear.objects.filter(year=year.year).first()
    if budget_year is None:
        year.figures["spent"] = None
        return {"actuals": None}
    figures = wg_actuals.partnership_actuals(budget_year)
    year.figures["spent"] = figures.used
    title = str(_("Bevilget og brukt per post %(year)s") % {"year": year.year})
    chart = None
    if figures.lines:
        chart = _chart(year, wg_charts.partnership_chart(figures, title))
    return {
        "actuals": figures,
        "groups": [row for row in figures.lines if row.group is not None],
        "chart": chart,
        "chart_title": title,
        "chart_height": wg_charts.partnership_chart_height(figures),
    }


def gather_year_end(year: Year) -> dict:
    """The working groups' year-end reports (R5); those not approved are named as such."""
    reports = list(
        YearEndReport.objects.filter(budget_year__year=year.year)
        .select_related("working_group")
        .order_by("working_group__name")
    )
    return {
        "reports": [r for r in reports if r.status == YearEndReport.Status.APPROVED],
        "pending": [r for r in reports if r.status != YearEndReport.Status.APPROVED],
    }


def gather_partners(year: Year) -> dict:
    """The partners active in the year, the meetings their people attended and the
    presentations of their own work they gave at meetings held that year (R13)."""
    partners = list(
        Partner.objects.filter(
            Q(active_from__lte=year.last_day),
            Q(active_to__isnull=True) | Q(active_to__gte=year.first_day),
        )
        .order_by("name")
        .values_list("pk", "name", "short_name")
    )
    attended = dict(
        Attendance.objects.filter(
            meeting__starts_at__gte=year.start,
            meeting__starts_at__lt=year.end,
            meeting__status__in=HELD,
            status__in=ATTENDED,
            membership__isnull=False,
        )
        .values_list("membership__partner_id")
        .annotate(n=Count("meeting_id", distinct=True))
        .order_by()
    )
    presented: dict[int, list[dict]] = defaultdict(list)
    for partner_id, starts_at, body in (
        PartnerPresentation.objects.filter(
            meeting__starts_at__gte=year.start,
            meeting__starts_at__lt=year.end,
            meeting__status__in=HELD,
        )
        .order_by("meeting__starts_at", "pk")
        .values_list("partner_id", "meeting__starts_at", "meeting__body__short_name")
    ):
        presented[partner_id].append({"body": body, "at": starts_at})
    year.figures["partners"] = len(partners)
    year.figures["presentations"] = sum(len(v) for v in presented.values())
    return {
        "partners": [
            {
                "name": name,
                "short_name": short,
                "meetings": attended.get(pk, 0),
                "presentations": presented.get(pk, []),
            }
            for pk, name, short in partners
        ]
    }


def gather_summary(year: Year) -> dict:
    """The year in figures, from what the other sections counted (gathered after them)."""
    return {"figures": year.figures}


def gather_nothing(year: Year) -> dict:
    return {}


def gather_goals(year: Year) -> dict:
    """The goals' indicators in force with their latest values up to the year's end, status
    against target and a one-sentence summary; each chart the dashboard's own (issue 12 §5),
    as SVG images (vectors in the PDF)."""
    board = dashboard_selectors.dashboard()
    goals = []
    for block in board.goals:
        rows = []
        for ib in block.indicators:
            values = [v for v in ib.values if v.measured_on <= year.last_day]
            chart = ""
            if values and ib.indicator.unit != "qualitative":
                chart = _chart(
                    year, indicator_charts.indicator_chart(ib.indicator, values, height=260)
                )
            rows.append({"block": ib, "latest": values[-1] if values else None, "chart": chart})
        goals.append({"goal": block.goal, "indicators": rows})
    return {"goals": goals, "indicator_set": board.indicator_set, "next_point": board.next_point}


def gather_measures(year: Year) -> dict:
    """The common measures against their target frequency and the year's activities with the
    participation of children and young people (the action plan's selectors)."""
    frequencies, participation = selectors_plan.activity_overview(year.year)
    return {
        "frequencies": frequencies,
        "participation": participation,
        "participating": selectors_plan.participating_activities(year.year),
    }


SECTIONS: list[Section] = [
    Section("foreword", _("Forord"), "reports/annual/foreword.html", gather_nothing, "foreword"),
    Section("summary", _("Sammendrag"), "reports/annual/summary.html", gather_summary, "summary"),
    Section(
        "highlights",
        _("Høydepunkter"),
        "reports/annual/highlights.html",
        gather_nothing,
        "highlights",
    ),
    Section("goals", _("Mål og kjennetegn"), "reports/annual/goals.html", gather_goals),
    Section(
        "measures",
        _("Felles tiltak og aktiviteter"),
        "reports/annual/measures.html",
        gather_measures,
    ),
    Section("meetings", _("Møter og vedtak"), "reports/annual/meetings.html", gather_meetings),
    Section(
        "partnerpot",
        _("Partnerpotten og studiebesøk"),
        "reports/annual/partnerpot.html",
        gather_partnerpot,
    ),
    Section("economy", _("Økonomi"), "reports/annual/economy.html", gather_economy),
    Section(
        "year_end",
        _("Arbeidsgruppenes årsrapporter"),
        "reports/annual/year_end.html",
        gather_year_end,
    ),
    Section(
        "partners", _("Partnerne og deltakelsen"), "reports/annual/partners.html", gather_partners
    ),
    Section(
        "next_year",
        _("Planer for neste år"),
        "reports/annual/next_year.html",
        gather_nothing,
        "next_year",
    ),
]
# The summary reads the others' figures: gathered last, shown where it stands.
GATHER_LAST = {"summary"}


def register_section(section: Section, *, after: str) -> None:
    """Add a section after the one keyed ``after`` (e.g. "goals" after "highlights")."""
    keys = [s.key for s in SECTIONS]
    SECTIONS.insert(keys.index(after) + 1, section)


@dataclass
class Gathered:
    year: int
    report: AnnualReport | None
    sections: list[dict]
    seconds: float
    charts: dict[str, bytes] = field(default_factory=dict)  # Year.charts

    @property
    def empty(self) -> bool:
        figures = self.sections_by_key.get("summary", {}).get("figures", {})
        return not any(
            figures.get(k) for k in ("meetings_held", "decisions", "applications", "spent")
        )

    @property
    def sections_by_key(self) -> dict:
        return {s["key"]: s for s in self.sections}


def gather(year: int, report: AnnualReport | None = None) -> Gathered:
    """Every section's context for ``year``, timed (the benchmark prints it beside rendering)."""
    started = time.perf_counter()
    state = Year(year=year, report=report)
    contexts: dict[str, dict] = {}
    for section in sorted(SECTIONS, key=lambda s: s.key in GATHER_LAST):
        contexts[section.key] = section.gather(state)
    sections = []
    for section in SECTIONS:
        narrative = getattr(report, section.narrative, "") if report and section.narrative else ""
        sections.append(
            {
                "key": section.key,
                "title": section.title,
                "template": section.template,
                "narrative": narrative,
                **contexts[section.key],
            }
        )
    return Gathered(year, report, sections, time.perf_counter() - started, state.charts)
