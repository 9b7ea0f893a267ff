"""Governance checks (R1, R2, R4) computed from the registry for the secretariat's dashboard.

Each check lists what breaks it, so the secretariat knows what to fix. One query of plain
values, computed on each visit to the dashboard: cheap enough that no cache (and no
cache that could lag behind a change) is needed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Body, Measure, Membership, Partner, today


@dataclass
class Check:
    key: str
    title: str
    rule: str
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Named:
    """A partner or body as the checks need it: no model instance."""

    pk: int
    name: str
    kind: str = ""

    def __str__(self) -> str:
        return self.name


_PARTNER, _BODY, _SEATS, _MEASURE = 1, 2, 3, 4


def _registry_sql() -> str:
    """The partners active on ``%(day)s`` (by name), the working groups, Partnermøte and
    Ledermøte (by name), the memberships active that day in those bodies counted per body,
    partner and role, and the running measures with a responsible group (in the plan's
    order), in one statement: four querysets cost four round trips and four compilations on
    every visit to the secretariat's home page (make bench). Table names come from the
    models; values are parameters. Columns: part, pk (or body), name (or role), kind (or
    partner), count."""
    partner, body = Partner._meta.db_table, Body._meta.db_table
    membership, measure = Membership._meta.db_table, Measure._meta.db_table
    return f"""
SELECT {_PARTNER} AS part, p.id, p.name, NULL::varchar, NULL::bigint,
       p.name AS by_name, NULL::integer AS by_position
  FROM {partner} p
 WHERE p.active_from <= %(day)s AND (p.active_to IS NULL OR p.active_to >= %(day)s)
UNION ALL
SELECT {_BODY}, b.id, b.name, b.kind, NULL, b.name, NULL
  FROM {body} b WHERE b.kind = ANY(%(kinds)s)
UNION ALL
SELECT {_SEATS}, m.body_id, m.role, m.partner_id::varchar, COUNT(*), NULL, NULL
  FROM {membership} m JOIN {body} b ON b.id = m.body_id
 WHERE b.kind = ANY(%(kinds)s)
   AND m.starts_on <= %(day)s AND (m.ends_on IS NULL OR m.ends_on >= %(day)s)
 GROUP BY m.body_id, m.role, m.partner_id
UNION ALL
SELECT {_MEASURE}, x.responsible_group_id, x.name, NULL, NULL, x.name, x.position
  FROM {measure} x
 WHERE x.status <> %(ended)s AND x.responsible_group_id IS NOT NULL
 ORDER BY part, by_position, by_name, 2
"""  # noqa: S608


def governance_checks(day: dt.date | None = None) -> list[Check]:
    """Run all checks on ``day`` with one query, whatever the size of the registry."""
    day = day or today()
    kinds = [Body.Kind.WORKING_GROUP, Body.Kind.PARTNERS, Body.Kind.LEADERS]
    partners: list[_Named] = []
    bodies: list[_Named] = []
    memberships: list[tuple[int, int | None, str, int]] = []  # body, partner, role, how many
    measures: list[tuple[int, str]] = []
    with connection.cursor() as cursor:
        cursor.execute(
            _registry_sql(),
            {"day": day, "kinds": [str(k) for k in kinds], "ended": str(Measure.Status.ENDED)},
        )
        for part, pk, name, kind, count, *_order in cursor:
            if part == _PARTNER:
                partners.append(_Named(pk, name))
            elif part == _BODY:
                bodies.append(_Named(pk, name, kind))
            elif part == _SEATS:
                memberships.append((pk, int(kind) if kind is not None else None, name, count))
            else:
                measures.append((pk, name))
    body_kind = {b.pk: b.kind for b in bodies}
    return [
        _every_partner_in_a_working_group(partners, memberships, body_kind),
        _working_group_roles(bodies, memberships),
        _partner_meeting_representatives(partners, memberships, body_kind),
        _leaders_meeting_complete(partners, bodies, memberships),
        _two_measures_per_group(bodies, measures),
    ]


def _every_partner_in_a_working_group(partners, memberships, body_kind) -> Check:
    check = Check(
        "partners_in_groups", gettext_lazy("Alle partnere er med i minst én arbeidsgruppe"), "R4"
    )
    in_group = {p for b, p, _r, _n in memberships if body_kind[b] == Body.Kind.WORKING_GROUP}
    for partner in partners:
        if partner.pk not in in_group:
            check.problems.append(
                _("%(partner)s er ikke med i noen arbeidsgruppe.") % {"partner": partner}
            )
    return check


def _working_group_roles(bodies, memberships) -> Check:
    check = Check(
        "group_roles",
        gettext_lazy(
            "Hver arbeidsgruppe har én leder, én økonomiansvarlig og én kommunikasjonsansvarlig"
        ),
        "R4",
    )
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for body_id, _p, role, n in memberships:
        counts[(body_id, role)] += n
    for body in bodies:
        if body.kind != Body.Kind.WORKING_GROUP:
            continue
        for role in Membership.UNIQUE_WORKING_GROUP_ROLES:
            n = counts[(body.pk, role)]
            if n != 1:
                check.problems.append(
                    _("%(body)s har %(count)s i rollen %(role)s (skal ha 1).")
                    % {"body": body, "count": n, "role": Membership.Role(role).label.lower()}
                )
    return check


def _partner_meeting_representatives(partners, memberships, body_kind) -> Check:
    check = Check(
        "pm_representatives", gettext_lazy("1–2 representanter per partner i Partnermøtet"), "R2"
    )
    seats = (Membership.Role.MEMBER, Membership.Role.LEADER, Membership.Role.DEPUTY_LEADER)
    counts: dict[int, int] = defaultdict(int)
    for body_id, partner_id, role, n in memberships:
        if body_kind[body_id] == Body.Kind.PARTNERS and role in seats:
            counts[partner_id] += n
    for partner in partners:
        n = counts[partner.pk]
        if not 1 <= n <= 2:
            check.problems.append(
                _("%(partner)s har %(count)s representanter i Partnermøtet (skal ha 1–2).")
                % {"partner": partner, "count": n}
            )
    return check


def _leaders_meeting_complete(partners, bodies, memberships) -> Check:
    check = Check("leaders_meeting", gettext_lazy("Ledermøtet har en leder fra hver partner"), "R1")
    leaders_bodies = {b.pk for b in bodies if b.kind == Body.Kind.LEADERS}
    if not leaders_bodies:
        check.problems.append(_("Det finnes ikke noe ledermøte i registeret."))
        return check
    present = {p for b, p, _r, _n in memberships if b in leaders_bodies}
    for partner in partners:
        if partner.pk not in present:
            check.problems.append(
                _("%(partner)s har ingen leder i Ledermøtet.") % {"partner": partner}
            )
    return check


MEASURES_PER_GROUP = 2


def _two_measures_per_group(bodies, measures) -> Check:
    check = Check(
        "measures_per_group",
        gettext_lazy("Hver arbeidsgruppe har ansvar for to felles tiltak"),
        "R4",
    )
    names: dict[int, list[str]] = defaultdict(list)
    for group_id, name in measures:
        names[group_id].append(name)
    for body in bodies:
        if body.kind != Body.Kind.WORKING_GROUP:
            continue
        mine = names[body.pk]
        if not mine:
            check.problems.append(
                _("%(body)s har ikke ansvar for noe felles tiltak (skal ha 2).") % {"body": body}
            )
        elif len(mine) != MEASURES_PER_GROUP:
            check.problems.append(
                _("%(body)s har ansvar for %(count)s felles tiltak: %(names)s (skal ha 2).")
                % {"body": body, "count": len(mine), "names": ", ".join(mine)}
            )
    return check
