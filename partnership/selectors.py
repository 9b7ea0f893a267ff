"""Reads shared by views, dashboards and reports, with their joins in one place."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast

from .models import Affiliation, Body, Invitation, Membership, Partner, Person, today


def partner_list(*, q: str = "", include_inactive: bool = False) -> QuerySet[Partner]:
    qs = Partner.objects.all()
    if not include_inactive:
        qs = qs.active_on()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(organisation_number=q))
    return qs.order_by("name")


def partner_memberships(*, partner: Partner, day: dt.date | None = None) -> QuerySet[Membership]:
    return (
        Membership.objects.active_on(day)
        .filter(partner=partner)
        .select_related("person", "body")
        .order_by("body__name", "role", "person__full_name")
    )


def partner_people(*, partner: Partner, day: dt.date | None = None) -> QuerySet[Person]:
    return Person.objects.filter(
        is_active=True,
        pk__in=Affiliation.objects.active_on(day).filter(partner=partner).values("person"),
    ).order_by("full_name")


def person_list(*, q: str = "", partner_id: int | None = None) -> QuerySet[Person]:
    """Active people, by name (the directory reads their current partners for its page)."""
    qs = Person.objects.filter(is_active=True)
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(email__icontains=q) | Q(title__icontains=q))
    if partner_id:
        qs = qs.filter(
            pk__in=Affiliation.objects.active_on().filter(partner_id=partner_id).values("person")
        )
    return qs.order_by("full_name", "pk")


def person_memberships(*, person: Person) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(person=person)
        .select_related("body", "partner")
        .order_by("-starts_on", "body__name")
    )


def person_affiliations(*, person: Person) -> QuerySet[Affiliation]:
    return person.affiliations.select_related("partner").order_by("-starts_on")


def body_list() -> QuerySet[Body]:
    return (
        Body.objects.select_related("chairing_partner")
        .annotate(
            member_count=Count(
                "memberships",
                filter=Q(memberships__starts_on__lte=today())
                & (Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=today())),
            )
        )
        .order_by("kind", "name")
    )


ROLE_ORDER = [r.value for r in Membership.Role]


def body_members(*, body: Body, day: dt.date | None = None) -> QuerySet[Membership]:
    """Current members, leaders first, in the order of ``Membership.Role``, then by name;
    sorted in SQL, so a page of a large body loads only its own rows."""
    role_rank = Case(
        *[When(role=role, then=Value(rank)) for rank, role in enumerate(ROLE_ORDER)],
        default=Value(len(ROLE_ORDER)),
        output_field=IntegerField(),
    )
    return (
        Membership.objects.active_on(day)
        .filter(body=body)
        .select_related("person", "partner")
        .annotate(role_rank=role_rank)
        .order_by("role_rank", "person__full_name", "pk")
    )


def body_past_members(
    *, body: Body, day: dt.date | None = None, limit: int = 50
) -> QuerySet[Membership]:
    """The body's latest ended memberships: the newest ``limit`` read backwards along the
    ``membership_body_ended`` index (a body has thousands over the years), with their people."""
    day = day or today()
    return (
        Membership.objects.filter(body=body, ends_on__lt=day)
        .select_related("person", "partner")
        .order_by("-ends_on", "-pk")[:limit]
    )


class MemberRow(NamedTuple):
    """A membership as the body page lists it (the names ``values_list(named=True)`` gives)."""

    pk: int
    role: str
    person_id: int
    person__full_name: str
    person__email: str
    partner_id: int | None
    partner__name: str | None
    starts_on: dt.date
    ends_on: dt.date | None


def _body_member_page_sql() -> str:
    """``body_members`` (one page of it, with the number of all) and ``body_past_members``
    in one statement: two querysets, one with a ``CASE`` of every role, cost more to build
    and compile than PostgreSQL took to run them, on every body page (make bench). The roles'
    order is ``ROLE_ORDER`` (``array_position``; an unknown role last), then the person's
    name. Table names come from the models; values are parameters."""
    membership, person = Membership._meta.db_table, Person._meta.db_table
    partner = Partner._meta.db_table
    columns = (
        "m.id, m.role, m.person_id, p.full_name, p.email, m.partner_id, pa.name, m.starts_on, "
        "m.ends_on"
    )
    joins = (
        f"FROM {membership} m JOIN {person} p ON p.id = m.person_id "
        f"LEFT JOIN {partner} pa ON pa.id = m.partner_id"
    )
    return f"""
(SELECT 1 AS part, {columns}, COUNT(*) OVER () AS total
   {joins}
  WHERE m.body_id = %(body)s AND m.starts_on <= %(day)s
    AND (m.ends_on IS NULL OR m.ends_on >= %(day)s)
  ORDER BY COALESCE(array_position(%(roles)s::varchar[], m.role::varchar), %(last)s),
           p.full_name, m.id
  LIMIT %(limit)s OFFSET %(offset)s)
UNION ALL
(SELECT 2, {columns}, NULL
   {joins}
  WHERE m.body_id = %(body)s AND m.ends_on < %(day)s AND %(past)s > 0
  ORDER BY m.ends_on DESC, m.id DESC
  LIMIT %(past)s)
"""  # noqa: S608


def body_member_page(
    *, body: Body, offset: int, limit: int, past: int = 0, day: dt.date | None = None
) -> tuple[list[MemberRow], int, list[MemberRow]]:
    """A page of the body's current members (``body_members``' order), how many there are in
    all, and its ``past`` latest ended memberships (``body_past_members``): one query."""
    params = {
        "body": body.pk,
        "day": day or today(),
        "roles": ROLE_ORDER,
        "last": len(ROLE_ORDER) + 1,
        "limit": limit,
        "offset": offset,
        "past": past,
    }
    current: list[MemberRow] = []
    ended: list[MemberRow] = []
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(_body_member_page_sql(), params)
        for part, *values, count in cursor.fetchall():
            if part == 1:
                current.append(MemberRow._make(values))
                total = count
            else:
                ended.append(MemberRow._make(values))
    return current, total, ended


def invitation_list() -> QuerySet[Invitation]:
    return Invitation.objects.select_related("partner", "invited_by", "accepted_by").order_by(
        "-created_at"
    )


def my_memberships(*, person: Person) -> QuerySet[Membership]:
    return (
        Membership.objects.active_on()
        .filter(person=person)
        .select_related("body", "partner")
        .order_by("body__name")
    )


HISTORY_MODELS = (Partner, Person, Affiliation, Body, Membership)


def _person_text(person: tuple[str, str] | None) -> str:
    return Person.text_of(*person) if person else ""  # (full_name, email)


def _no_text():
    return Cast(Value(None), CharField())


# What each history table gives the change log, in the same columns for all (a UNION): two
# texts and the name and address of the person its label names (joined); and its label, as
# the object's ``__str__`` writes it, from those columns (``roles``: the role labels).
HISTORY_COLUMNS = {
    Partner: (lambda: (F("name"), _no_text(), _no_text(), _no_text())),
    Person: (lambda: (F("full_name"), F("email"), _no_text(), _no_text())),
    Affiliation: (
        lambda: (F("partner__name"), _no_text(), F("person__full_name"), F("person__email"))
    ),
    Body: (lambda: (F("name"), _no_text(), _no_text(), _no_text())),
    Membership: (lambda: (F("body__name"), F("role"), F("person__full_name"), F("person__email"))),
}
HISTORY_LABELS = {
    Partner: lambda r, roles: r.text_a,
    Person: lambda r, roles: _person_text((r.text_a, r.text_b)),
    Affiliation: lambda r, roles: f"{_person_text((r.person_name, r.person_email))} – {r.text_a}",
    Body: lambda r, roles: r.text_a,
    Membership: lambda r, roles: (
        f"{_person_text((r.person_name, r.person_email))} – {r.text_a} "
        f"({roles.get(r.text_b, r.text_b)})"
    ),
}


@functools.cache
def _history_model(model: type) -> type:
    """The historical model class behind ``model.history``: simple_history's descriptor builds
    a new manager class (``from_queryset``, which inspects every method) on each access."""
    return model.history.model


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change-log row: when, to what (the model's name), how (``+ ~ -``), the object's
    label, and who made it (``None``: the system)."""

    when: dt.datetime
    model: type
    history_type: str
    label: str
    by: str | None


def registry_history(*, limit: int = 100) -> list[HistoryEntry]:
    """The latest changes to registry objects, newest first, with who made them.

    One UNION query reads the newest ``limit`` rows across the history tables, each with the
    columns its label needs and the people it names and who made it joined (PostgreSQL walks
    each table's ``history_date`` index backwards and stops at ``limit``). One query at any
    size. Plain values, not model instances: building the historical rows,
    the objects they stand for and the objects their labels name cost most of the page.
    """
    arms = None
    for index, model in enumerate(HISTORY_MODELS):
        text_a, text_b, person_name, person_email = HISTORY_COLUMNS[model]()
        arm = (
            _history_model(model)
            ._default_manager.order_by("-history_date")
            .annotate(
                when=F("history_date"),
                table=Value(index, output_field=IntegerField()),
                change=F("history_type"),
                by_id=F("history_user_id"),
                by_name=F("history_user__full_name"),
                by_email=F("history_user__email"),
                text_a=text_a,
                text_b=text_b,
                person_name=person_name,
                person_email=person_email,
            )
            # Annotations only, so every arm selects its columns in the same order.
            .values_list(
                "when",
                "table",
                "change",
                "by_id",
                "by_name",
                "by_email",
                "text_a",
                "text_b",
                "person_name",
                "person_email",
                named=True,
            )[:limit]  # each arm its newest: a walk of its date index, joins for those
        )
        arms = arm if arms is None else arms.union(arm, all=True)
    rows = list(arms.order_by("-when")[:limit])
    roles = {value: str(label) for value, label in Membership.Role.choices}
    entries = []
    for r in rows:
        model = HISTORY_MODELS[r.table]
        entries.append(
            HistoryEntry(
                when=r.when,
                model=model,
                history_type=r.change,
                label=HISTORY_LABELS[model](r, roles),
                by=_person_text((r.by_name, r.by_email)) if r.by_id else None,
            )
        )
    return entries
