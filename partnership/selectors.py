"""Reads shared by views, dashboards and reports, with their joins in one place."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.db.models import (
    BigIntegerField,
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
    return (person[0] or person[1]) if person else ""  # (full_name, email), as Person.__str__


def _no_text():
    return Cast(Value(None), CharField())


def _no_person():
    # Typed: PostgreSQL resolves a UNION's column types arm by arm, and two untyped NULLs
    # become text before the first bigint comes.
    return Cast(Value(None), BigIntegerField())


# What each history table gives the change log, in the same columns for all (a UNION): two
# texts and the person its label names; and its label, as the object's ``__str__`` writes it,
# from those columns (``roles``: the role labels; ``people``: pk → (full_name, email)).
HISTORY_COLUMNS = {
    Partner: (lambda: (F("name"), _no_text(), _no_person())),
    Person: (lambda: (F("full_name"), F("email"), _no_person())),
    Affiliation: (lambda: (F("partner__name"), _no_text(), F("person_id"))),
    Body: (lambda: (F("name"), _no_text(), _no_person())),
    Membership: (lambda: (F("body__name"), F("role"), F("person_id"))),
}
HISTORY_LABELS = {
    Partner: lambda r, roles, people: r.text_a,
    Person: lambda r, roles, people: _person_text((r.text_a, r.text_b)),
    Affiliation: lambda r, roles, people: (
        f"{_person_text(people.get(r.named_person))} – {r.text_a}"
    ),
    Body: lambda r, roles, people: r.text_a,
    Membership: lambda r, roles, people: (
        f"{_person_text(people.get(r.named_person))} – {r.text_a} ({roles.get(r.text_b, r.text_b)})"
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
    columns its label needs (PostgreSQL walks each table's ``history_date`` index backwards
    and stops at ``limit``), then one query by primary key reads the people the rows name.
    Two queries at any size. Plain values, not model instances: building the historical rows,
    the objects they stand for and the objects their labels name cost most of the page.
    """
    arms = None
    for index, model in enumerate(HISTORY_MODELS):
        text_a, text_b, person = HISTORY_COLUMNS[model]()
        arm = (
            _history_model(model)
            ._default_manager.order_by()
            .annotate(
                when=F("history_date"),
                table=Value(index, output_field=IntegerField()),
                change=F("history_type"),
                by_id=F("history_user_id"),
                text_a=text_a,
                text_b=text_b,
                named_person=person,
            )
            # Annotations only, so every arm selects its columns in the same order.
            .values_list(
                "when", "table", "change", "by_id", "text_a", "text_b", "named_person", named=True
            )
        )
        arms = arm if arms is None else arms.union(arm, all=True)
    rows = list(arms.order_by("-when")[:limit])
    person_ids = {r.by_id for r in rows} | {r.named_person for r in rows}
    person_ids.discard(None)
    people = {
        pk: (full_name, email)
        for pk, full_name, email in Person.objects.filter(pk__in=person_ids).values_list(
            "pk", "full_name", "email"
        )
    }
    roles = {value: str(label) for value, label in Membership.Role.choices}
    entries = []
    for r in rows:
        model = HISTORY_MODELS[r.table]
        entries.append(
            HistoryEntry(
                when=r.when,
                model=model,
                history_type=r.change,
                label=HISTORY_LABELS[model](r, roles, people),
                by=_person_text(people.get(r.by_id)) if r.by_id else None,
            )
        )
    return entries
