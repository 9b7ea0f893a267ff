"""What a signed-in person is in the partnership today, derived from memberships.

Computed once per request and used for navigation, dashboards and the second-factor check.
Authorization decisions are made in ``access.py``, not here.

Every signed-in request needs the same few facts about the user: their roles, their model
permissions (Django's ``ModelBackend``), and whether they have a second factor. They are read
from PostgreSQL on each request (a handful of indexed queries) and kept on the request's user
object until the request ends. There is deliberately no cache across requests: ending a
membership, removing someone from the secretariat, revoking an affiliation or removing a
second factor takes effect on that person's next request in every process, whatever wrote
the change (a service, ``update()``, the admin, a data migration, psql). An earlier cache with
signals missed ``update()`` and could leave rights standing for 15 minutes (issue 9 §2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.backends import ModelBackend

from .models import (
    Affiliation,
    Body,
    Membership,
    today,
)


@dataclass(frozen=True)
class Roles:
    is_authenticated: bool = False
    is_admin: bool = False
    is_secretariat: bool = False
    is_ministry_observer: bool = False
    represented_partner_ids: frozenset[int] = field(default_factory=frozenset)  # Partnermøte
    led_partner_ids: frozenset[int] = field(default_factory=frozenset)  # Ledermøte
    affiliated_partner_ids: frozenset[int] = field(default_factory=frozenset)
    body_ids: frozenset[int] = field(default_factory=frozenset)
    working_group_ids: frozenset[int] = field(default_factory=frozenset)
    led_working_group_ids: frozenset[int] = field(default_factory=frozenset)
    finance_working_group_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_partner_representative(self) -> bool:
        return bool(self.represented_partner_ids)

    @property
    def is_partner_leader(self) -> bool:
        return bool(self.led_partner_ids)

    @property
    def is_working_group_member(self) -> bool:
        return bool(self.working_group_ids)

    @property
    def is_working_group_leader(self) -> bool:
        return bool(self.led_working_group_ids)

    @property
    def is_finance_lead(self) -> bool:
        return bool(self.finance_working_group_ids)

    @property
    def needs_second_factor(self) -> bool:
        return self.is_secretariat or self.is_admin


ANONYMOUS = Roles()


# --- Roles and rights -------------------------------------------------------------------------
def _compute_roles(user, day: dt.date) -> Roles:
    rows = list(
        Membership.objects.active_on(day)
        .filter(person_id=user.pk)
        .order_by()
        .values_list("body_id", "body__kind", "role", "partner_id")
    )
    affiliated = frozenset(
        Affiliation.objects.active_on(day)
        .filter(person_id=user.pk)
        .order_by()
        .values_list("partner_id", flat=True)
    )
    kinds = Body.Kind
    return Roles(
        is_authenticated=True,
        is_admin=bool(user.is_superuser or user.is_staff),
        is_secretariat=any(kind == kinds.SECRETARIAT for _, kind, _, _ in rows),
        is_ministry_observer=any(kind == kinds.STATE_GROUP for _, kind, _, _ in rows),
        represented_partner_ids=frozenset(p for _, k, _, p in rows if k == kinds.PARTNERS),
        led_partner_ids=frozenset(p for _, k, _, p in rows if k == kinds.LEADERS),
        affiliated_partner_ids=affiliated,
        body_ids=frozenset(b for b, _, _, _ in rows),
        working_group_ids=frozenset(b for b, k, _, _ in rows if k == kinds.WORKING_GROUP),
        led_working_group_ids=frozenset(
            b
            for b, k, r, _ in rows
            if k == kinds.WORKING_GROUP
            and r in (Membership.Role.LEADER, Membership.Role.DEPUTY_LEADER)
        ),
        finance_working_group_ids=frozenset(
            b
            for b, k, r, _ in rows
            if k == kinds.WORKING_GROUP and r == Membership.Role.FINANCE_LEAD
        ),
    )


def _has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


# ModelBackend keeps a user's model permissions on these attributes for the request.
PERM_CACHE_ATTRS = ("_user_perm_cache", "_group_perm_cache", "_perm_cache")


@dataclass(frozen=True)
class Rights:
    """What is cached per user: roles, model permissions and the second factor."""

    roles: Roles
    user_perms: frozenset[str] | None  # None for superusers (never looked up)
    group_perms: frozenset[str] | None
    all_perms: frozenset[str] | None
    has_second_factor: bool


def _compute_rights(user, day: dt.date) -> Rights:
    roles = _compute_roles(user, day)
    if user.is_superuser:
        # Django answers every permission check for an active superuser without asking.
        user_perms = group_perms = all_perms = None
    else:
        backend = ModelBackend()
        user_perms = frozenset(backend.get_user_permissions(user))
        group_perms = frozenset(backend.get_group_permissions(user))
        all_perms = frozenset(backend.get_all_permissions(user))
    return Rights(
        roles=roles,
        user_perms=user_perms,
        group_perms=group_perms,
        all_perms=all_perms,
        # Only asked of those who must have one (the middleware's question).
        has_second_factor=_has_second_factor(user) if roles.needs_second_factor else False,
    )


def rights_for(user) -> Rights:
    """The user's rights, read once per request (kept on the user object)."""
    cached = getattr(user, "_portal_rights", None)
    # A service that changes the user's rights drops ``_portal_roles``: then look again.
    if cached is not None and getattr(user, "_portal_roles", None) is cached.roles:
        return cached
    rights = _compute_rights(user, today())
    _apply(user, rights)
    return rights


def _apply(user, rights: Rights) -> None:
    """Put the rights on the user object where Django and this module look for them."""
    user._portal_rights = rights
    user._portal_roles = rights.roles
    # Django's ModelBackend computes these on first use; set them unless already there
    # (a service may have just changed them and deleted the attributes: then they are
    # recomputed by Django, as before).
    if rights.all_perms is None:
        return
    values = (set(rights.user_perms), set(rights.group_perms), set(rights.all_perms))
    for attr, value in zip(PERM_CACHE_ATTRS, values, strict=True):
        if not hasattr(user, attr):
            setattr(user, attr, value)


def cached_for_user(user, name: str, compute):
    """``compute()`` for this user, once per request: for answers of the access rules that a
    page asks for several times (e.g. the partners the user acts for)."""
    memo = user.__dict__.setdefault("_portal_user_values", {})
    if name not in memo:
        memo[name] = compute()
    return memo[name]


def forget_rights(user) -> None:
    """Drop what this request knows about the user's rights (after changing them)."""
    for attr in ("_portal_rights", "_portal_roles", "_portal_user_values", *PERM_CACHE_ATTRS):
        if hasattr(user, attr):
            delattr(user, attr)


def roles_for(user) -> Roles:
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    return rights_for(user).roles


def has_second_factor(user) -> bool:
    """Whether the user has a TOTP or WebAuthn authenticator (asked of those who need one)."""
    rights = rights_for(user)
    if rights.roles.needs_second_factor:
        return rights.has_second_factor
    return _has_second_factor(user)
