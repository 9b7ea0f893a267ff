"""Exports (issue 14 §3): decisions, agenda items, applications, grants and the working
groups' accounts as xlsx (one sheet per table) or csv (one table), filtered by year and body.

Each table is an ``ExportSource`` registered here: a key, a label and a function that builds
its ``partnership.xlsx.Sheet`` for a user. The rows come through each app's access rules
(``meetings.access``, ``partnerpot.access``, ``workgroups.access``), so a file holds only what
its reader may see: exempt items for the body's members and the secretariat, another
partner's drafts never, the secretariat's recommendation never for someone conflicted on the
application. Adding a table (the indicator values, once the indicators land) is one more
``@export_source`` function below; the page, the forms and both formats follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings import access as meetings_access
from meetings import extensions as meetings_extensions
from meetings.models import AgendaItem, Decision
from partnerpot import access as partnerpot_access
from partnerpot import selectors as partnerpot_selectors
from partnerpot.models import Application, Grant
from partnership import xlsx
from partnership.models import Body
from partnership.xlsx import Column, Sheet
from workgroups import access as workgroups_access
from workgroups import export as workgroups_export
from workgroups.models import AccountEntry

from . import access as reports_access
from . import dashboard as dashboard_selectors


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    body: Body | None = None


@dataclass(frozen=True)
class ExportSource:
    key: str
    label: str | Promise
    build: Callable[..., Sheet]  # build(user, filters) -> Sheet
    uses_body: bool = True


_sources: dict[str, ExportSource] = {}


def export_source(key: str, label, *, uses_body: bool = True):
    """Register a table of the export (in the order of registration)."""

    def register(build):
        _sources[key] = ExportSource(key, label, build, uses_body)
        return build

    return register


def sources() -> tuple[ExportSource, ...]:
    return tuple(_sources.values())


def entity_choices() -> list[tuple[str, str | Promise]]:
    return [(s.key, s.label) for s in sources()]


def _empty_note() -> str:
    return _("Ingen rader passer filteret (eller du har ikke tilgang til noen).")


def _yes_no(value: bool) -> str:
    return _("Ja") if value else _("Nei")


# --- The tables -------------------------------------------------------------------------------
@export_source("decisions", gettext_lazy("Vedtak"))
def decisions_sheet(user, filters: Filters) -> Sheet:
    qs = (
        Decision.objects.filter(meetings_access.visible_decisions_q(user))
        .select_related("body", "agenda_item__body")
        .order_by("decided_on", "body__short_name", "number")
    )
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.body:
        qs = qs.filter(body=filters.body)
    return Sheet(
        _("Vedtak"),
        [
            Column(_("Vedtak"), width=18),
            Column(_("Vedtaksdato"), "date", 12),
            Column(_("Organ"), width=28),
            Column(_("Tittel"), width=40),
            Column(_("Vedtakstekst"), width=60),
            Column(_("Sak"), width=18),
            Column(_("Delegert vedtak"), width=10),
        ],
        (
            [
                d.label,
                d.decided_on,
                d.body.name,
                d.title,
                d.text,
                d.agenda_item.label if d.agenda_item_id else "",
                _yes_no(d.made_under_delegation),
            ]
            for d in qs
        ),
        empty_note=_empty_note(),
    )


@export_source("agenda_items", gettext_lazy("Saker"))
def agenda_items_sheet(user, filters: Filters) -> Sheet:
    qs = AgendaItem.objects.filter(meetings_access.visible_meetings_q(user, "meeting__"))
    if not meetings_access.is_secretariat(user):
        # agenda_item_for_user's rule: exempt items for the body's members (and the secretariat).
        qs = qs.filter(Q(exempt=False) | meetings_access.member_of_q(user, "meeting__body_id"))
    qs = qs.select_related("body", "meeting").order_by("meeting__starts_at", "position", "number")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.body:
        qs = qs.filter(body=filters.body)
    items = list(qs)
    # A conflicted reader (inhabil) never reads the proposed decision (issue 10 §2).
    withheld = meetings_extensions.withheld_item_ids(
        person_id=user.pk, conflicts=meetings_extensions.conflicted_people(i.pk for i in items)
    )
    return Sheet(
        _("Saker"),
        [
            Column(_("Sak"), width=18),
            Column(_("Møtedato"), "datetime", 16),
            Column(_("Organ"), width=28),
            Column(_("Tittel"), width=40),
            Column(_("Sakstype"), width=18),
            Column(_("Unntatt offentlighet"), width=18),
            Column(_("Forslag til vedtak"), width=60),
        ],
        [
            [
                i.label,
                i.meeting.starts_at,
                i.body.name,
                i.title,
                i.get_kind_display(),
                i.legal_basis if i.exempt else "",
                "" if i.pk in withheld else i.proposed_decision,
            ]
            for i in items
        ],
        empty_note=_empty_note(),
    )


@export_source("applications", gettext_lazy("Søknader"), uses_body=False)
def applications_sheet(user, filters: Filters) -> Sheet:
    qs = (
        Application.objects.filter(partnerpot_access.visible_applications_q(user))
        .select_related("call", "applicant", "assessment")
        .order_by("year", "number")
    )
    if filters.year:
        qs = qs.filter(year=filters.year)
    applications = list(qs)
    secretariat = meetings_access.is_secretariat(user)
    conflicted = partnerpot_selectors.conflicted_ids(user, applications) if secretariat else set()
    columns = [
        Column(_("Referanse"), width=14),
        Column(_("Søker"), width=30),
        Column(_("Prosjekttittel"), width=40),
        Column(_("Utlysning"), width=30),
        Column(_("Status"), width=24),
        Column(_("Omsøkt beløp"), "money", 16),
        Column(_("Egeninnsats"), "money", 16),
        Column(_("Innvilget beløp"), "money", 16),
        Column(_("Sendt inn"), "datetime", 18),
    ]
    if secretariat:
        # The recommendation is the secretariat's, and never for those conflicted on it.
        columns += [Column(_("Innstilling"), width=18), Column(_("Foreslått beløp"), "money", 16)]

    def row(a: Application) -> list:
        values = [
            a.reference,
            a.applicant.name,
            a.title,
            a.call.title,
            a.get_status_display(),
            a.requested_amount,
            a.own_contribution,
            a.granted_amount,
            a.submitted_at,
        ]
        if secretariat:
            assessment = getattr(a, "assessment", None)
            if a.pk in conflicted or a.submitted_at is None:
                assessment = None
            values += [
                assessment.get_recommendation_display() if assessment else None,
                assessment.recommended_amount if assessment else None,
            ]
        return values

    return Sheet(_("Søknader"), columns, [row(a) for a in applications], empty_note=_empty_note())


@export_source("grants", gettext_lazy("Tilskudd"), uses_body=False)
def grants_sheet(user, filters: Filters) -> Sheet:
    # grant_for_user's rule: the applicant's people and the secretariat.
    qs = Grant.objects.select_related("application__applicant").order_by(
        "application__year", "application__number"
    )
    if not meetings_access.is_secretariat(user):
        qs = qs.filter(
            application__applicant_id__in=sorted(partnerpot_access.acting_partner_ids(user))
        )
    if filters.year:
        qs = qs.filter(application__year=filters.year)
    return Sheet(
        _("Tilskudd"),
        [
            Column(_("Referanse"), width=14),
            Column(_("Søker"), width=30),
            Column(_("Prosjekttittel"), width=40),
            Column(_("Tilskudd"), "money", 16),
            Column(_("Status"), width=18),
            Column(_("Frist for sluttrapport"), "date", 14),
            Column(_("Utbetalt"), "date", 12),
            Column(_("Tilbakebetaling"), "money", 16),
            Column(_("Tilbakebetalt dato"), "date", 14),
            Column(_("Tilbakebetalt beløp"), "money", 16),
        ],
        (
            [
                g.application.reference,
                g.application.applicant.name,
                g.application.title,
                g.amount,
                g.get_status_display(),
                g.report_due_on,
                g.paid_out_on,
                g.repayment_amount,
                g.repaid_on,
                g.repaid_amount,
            ]
            for g in qs
        ),
        empty_note=_empty_note(),
    )


@export_source("accounts", gettext_lazy("Regnskap"))
def accounts_sheet(user, filters: Filters) -> Sheet:
    groups = workgroups_access.account_groups_for_user(user)
    qs = (
        AccountEntry.objects.filter(working_group__in=groups)
        .select_related("working_group", "budget_year")
        .order_by("working_group__name", "date", "pk")
    )
    if filters.year:
        qs = qs.filter(budget_year__year=filters.year)
    if filters.body:
        qs = qs.filter(working_group=filters.body)
    return Sheet(
        _("Regnskap"),
        [Column(_("Arbeidsgruppe"), width=28), *workgroups_export.entry_columns()],
        ([e.working_group.name, *workgroups_export.entry_row(e)] for e in qs),
        empty_note=_empty_note(),
    )


@export_source("indicator_values", gettext_lazy("Kjennetegn – verdier"), uses_body=False)
def indicator_values_sheet(user, filters: Filters) -> Sheet:
    """The values of the indicators in force (issue 12 §4), for the dashboard's readers."""
    qs = dashboard_selectors.all_values() if reports_access.can_read(user) else []
    if filters.year and qs:
        qs = qs.filter(measured_on__year=filters.year)
    return Sheet(
        _("Kjennetegn – verdier"),
        [
            Column(_("Kode"), width=10),
            Column(_("Kjennetegn"), width=40),
            Column(_("Dato"), "date", 12),
            Column(_("Verdi"), "number", 14),
            Column(_("Status"), width=12),
            Column(_("Kilde"), width=30),
        ],
        (
            [
                v.indicator.code,
                v.indicator.name,
                v.measured_on,
                v.value,
                v.get_status_display() if v.status else "",
                v.source_note,
            ]
            for v in qs
        ),
        empty_note=_empty_note(),
    )


# --- The files --------------------------------------------------------------------------------
def sheets_for(user, filters: Filters, keys: list[str] | None = None) -> list[Sheet]:
    chosen = [s for s in sources() if keys is None or s.key in keys]
    return [s.build(user, filters) for s in chosen]


def export_xlsx(user, filters: Filters) -> bytes:
    return xlsx.workbook(sheets_for(user, filters))


def export_csv(user, filters: Filters, key: str) -> str:
    if key not in _sources:
        raise KeyError(key)
    return xlsx.csv_text(_sources[key].build(user, filters))


def file_name(filters: Filters, key: str | None = None) -> str:
    parts = ["eksport", key or "alle"]
    if filters.year:
        parts.append(str(filters.year))
    if filters.body:
        parts.append(filters.body.short_name.lower())
    return "-".join(parts)
