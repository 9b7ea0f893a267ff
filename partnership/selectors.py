"""Reads shared by views, dashboards and reports, with their joins in one place."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

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
    current = Affiliation.objects.active_on().select_related("partner")
    qs = Person.objects.filter(is_active=True).prefetch_related(
        Prefetch("affiliations", queryset=current, to_attr="current_affiliations")
    )
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
    """The body's latest ended memberships. The newest ``limit`` are picked from the
    memberships alone (a body has thousands over the years), then joined to their people."""
    day = day or today()
    latest = (
        Membership.objects.filter(body=body, ends_on__lt=day)
        .order_by("-ends_on", "-pk")
        .values("pk")[:limit]
    )
    return (
        Membership.objects.filter(pk__in=Subquery(latest))
        .select_related("person", "partner")
        .order_by("-ends_on", "-pk")
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
# The objects a record's label (``str(record.history_object)``) names.
HISTORY_LABEL_RELATED = {Affiliation: ("person", "partner"), Membership: ("person", "body")}


def registry_history(*, limit: int = 100) -> list:
    """The latest changes to registry objects, newest first, with who made them.

    One UNION query picks the newest ``limit`` (date, table, id) across the
    history tables; then only those rows are fetched, per table, with the
    objects their labels name joined. Seven queries at any size.
    """
    heads = None
    for index, model in enumerate(HISTORY_MODELS):
        qs = model.history.annotate(table=Value(index, output_field=IntegerField())).values_list(
            "history_date", "history_id", "table"
        )
        heads = qs if heads is None else heads.union(qs, all=True)
    newest = list(heads.order_by("-history_date")[:limit])
    wanted: dict[int, list[int]] = {}
    for _date, history_id, table in newest:
        wanted.setdefault(table, []).append(history_id)
    fetched = {}
    for table, ids in wanted.items():
        model = HISTORY_MODELS[table]
        related = HISTORY_LABEL_RELATED.get(model, ())
        for row in model.history.select_related("history_user", *related).filter(
            history_id__in=ids
        ):
            obj = row.history_object
            for name in related:
                value = getattr(row, name)
                if value is not None:
                    setattr(obj, name, value)
            # simple_history's descriptor is non-data: the instance attribute wins.
            row.history_object = obj
            fetched[(table, row.history_id)] = row
    return [fetched[(table, history_id)] for _date, history_id, table in newest]
