"""Reads shared by views, dashboards and reports, with their joins in one place."""

from __future__ import annotations

import datetime as dt
from itertools import chain

from django.db.models import Count, Prefetch, Q, QuerySet

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
        Membership.objects.active_on(day).filter(partner=partner)
        .select_related("person", "body").order_by("body__name", "role", "person__full_name")
    )


def partner_people(*, partner: Partner, day: dt.date | None = None) -> QuerySet[Person]:
    return Person.objects.filter(
        is_active=True, pk__in=Affiliation.objects.active_on(day).filter(partner=partner).values("person")
    ).order_by("full_name")


def person_list(*, q: str = "", partner_id: int | None = None) -> QuerySet[Person]:
    current = Affiliation.objects.active_on().select_related("partner")
    qs = Person.objects.filter(is_active=True).prefetch_related(
        Prefetch("affiliations", queryset=current, to_attr="current_affiliations")
    )
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(email__icontains=q) | Q(title__icontains=q))
    if partner_id:
        qs = qs.filter(pk__in=Affiliation.objects.active_on().filter(partner_id=partner_id).values("person"))
    return qs.order_by("full_name", "pk")


def person_memberships(*, person: Person) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(person=person)
        .select_related("body", "partner").order_by("-starts_on", "body__name")
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


def body_members(*, body: Body, day: dt.date | None = None) -> list[Membership]:
    """Current members, leaders first, in the order of ``Membership.Role``."""
    rows = list(
        Membership.objects.active_on(day).filter(body=body).select_related("person", "partner")
    )
    rows.sort(key=lambda m: (ROLE_ORDER.index(m.role), m.person.full_name))
    return rows


def body_past_members(*, body: Body, day: dt.date | None = None, limit: int = 50) -> QuerySet[Membership]:
    day = day or today()
    return (
        Membership.objects.filter(body=body, ends_on__lt=day)
        .select_related("person", "partner").order_by("-ends_on")[:limit]
    )


def invitation_list() -> QuerySet[Invitation]:
    return Invitation.objects.select_related("partner", "invited_by", "accepted_by").order_by("-created_at")


def my_memberships(*, person: Person) -> QuerySet[Membership]:
    return (
        Membership.objects.active_on().filter(person=person)
        .select_related("body", "partner").order_by("body__name")
    )


HISTORY_MODELS = (Partner, Person, Affiliation, Body, Membership)


def registry_history(*, limit: int = 100) -> list:
    """The latest changes to registry objects, newest first, with who made them."""
    per_model = (
        model.history.select_related("history_user").order_by("-history_date")[:limit]
        for model in HISTORY_MODELS
    )
    rows = sorted(chain.from_iterable(per_model), key=lambda r: r.history_date, reverse=True)
    return rows[:limit]
