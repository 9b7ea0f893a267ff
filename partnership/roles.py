"""What a signed-in person is in the partnership today, derived from memberships.

Computed once per request and used for navigation and dashboards. Authorization
decisions are made in ``access.py``, not here.

Every signed-in request needs the same few facts about the user: their roles, their
model permissions (Django's ``ModelBackend``), and whether they have a second factor. They
change rarely, so they are kept in the cache per user, under a *registry version* that any
change to memberships, affiliations, bodies, partners, groups, permissions or
authenticators replaces (signals below, also on commit). A hit costs one cache round trip
instead of five queries; the entry is also tied to the day (memberships start and end by
date) and to the user's superuser/staff/active flags.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import (
    Affiliation,
    Body,
    BodyGroupObjectPermission,
    BodyUserObjectPermission,
    Membership,
    Partner,
    PartnerGroupObjectPermission,
    PartnerUserObjectPermission,
    Person,
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


# --- The registry version ----------------------------------------------------------------------
VERSION_KEY = "portal:registry-version"
RIGHTS_KEY = "portal:rights:{pk}"
USER_VALUE_KEY = "portal:user:{pk}:{name}"
# An entry outlives no change (the version sees to that); the timeout only bounds how long a
# change made where the signals below are not connected could go unnoticed.
RIGHTS_TIMEOUT = 15 * 60


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def registry_version() -> str:
    """The current registry version (a random token, so a lost key never brings back an
    old version)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_registry_version(**_kwargs) -> None:
    """Forget every cached fact derived from the registry: now (this transaction's later
    reads and the tests) and again on commit (a request that read the old rows in between
    must not leave them cached under the new version).

    Until this transaction ends, nothing it computes is cached: it may yet roll back."""
    _new_version()
    if connection.in_atomic_block:
        connection._portal_registry_dirty = True
        transaction.on_commit(_new_version)


def cache_enabled() -> bool:
    """``settings.PORTAL_REGISTRY_CACHE``; by default on, except under the tests (whose pinned
    query counts then show every query a cold cache costs; tests of the cache turn it on)."""
    return getattr(settings, "PORTAL_REGISTRY_CACHE", not getattr(settings, "TESTING", False))


def may_cache() -> bool:
    """False inside a transaction that has changed the registry (see above)."""
    if not getattr(connection, "_portal_registry_dirty", False):
        return True
    if connection.in_atomic_block:
        return False
    connection._portal_registry_dirty = False
    return True


def _bump_on_m2m(action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump_registry_version()


def _bump_on_authenticator(created: bool = True, **kwargs) -> None:
    # Saved on every use (last_used_at): only new and removed ones change anything.
    if created:
        bump_registry_version()


# Rows whose change can change what someone may do or see (django-guardian's object
# permissions included: the access rules read them).
WATCHED_MODELS = (
    Membership,
    Affiliation,
    Body,
    Partner,
    Group,
    Permission,
    BodyGroupObjectPermission,
    BodyUserObjectPermission,
    PartnerGroupObjectPermission,
    PartnerUserObjectPermission,
)


def _connect() -> None:
    for model in WATCHED_MODELS:
        post_save.connect(bump_registry_version, sender=model, dispatch_uid=f"rv-{model.__name__}")
        post_delete.connect(
            bump_registry_version, sender=model, dispatch_uid=f"rv-del-{model.__name__}"
        )
    for through in (
        Person.groups.through,
        Person.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(_bump_on_m2m, sender=through, dispatch_uid=f"rv-m2m-{through.__name__}")
    from allauth.mfa.models import Authenticator

    post_save.connect(_bump_on_authenticator, sender=Authenticator, dispatch_uid="rv-authn")
    post_delete.connect(bump_registry_version, sender=Authenticator, dispatch_uid="rv-del-authn")


_connect()


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


def _flags(user) -> tuple:
    return (user.pk, bool(user.is_superuser), bool(user.is_staff), bool(user.is_active))


def rights_for(user) -> Rights:
    """The user's rights, from the cache when the registry has not changed since."""
    cached = getattr(user, "_portal_rights", None)
    # A service that changes the user's rights drops ``_portal_roles``: then look again.
    if cached is not None and getattr(user, "_portal_roles", None) is cached.roles:
        return cached
    day = today()
    if not cache_enabled():
        rights = _compute_rights(user, day)
        _apply(user, rights)
        return rights
    key = RIGHTS_KEY.format(pk=user.pk)
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or registry_version()
    user._portal_registry_version = version
    entry = found.get(key)
    if entry is not None and entry[:3] == (version, day.isoformat(), _flags(user)):
        rights = entry[3]
    else:
        rights = _compute_rights(user, day)
        if may_cache():
            cache.set(key, (version, day.isoformat(), _flags(user), rights), RIGHTS_TIMEOUT)
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
    """``compute()`` for this user, kept like the rights: until the registry changes, the day
    turns or the user's flags change. For answers of the access rules that a page needs often
    (e.g. the ids of the bodies whose meetings the user sees); ``compute`` must depend only on
    the registry (see ``WATCHED_MODELS``) and the user."""
    memo = user.__dict__.setdefault("_portal_user_values", {})
    if name in memo:
        return memo[name]
    if not (getattr(user, "is_authenticated", False) and cache_enabled()):
        memo[name] = value = compute()
        return value
    rights_for(user)  # the registry version, read with the rights (one round trip)
    version = getattr(user, "_portal_registry_version", None) or registry_version()
    day = today().isoformat()
    key = USER_VALUE_KEY.format(pk=user.pk, name=name)
    entry = cache.get(key)
    if entry is not None and entry[:3] == (version, day, _flags(user)):
        value = entry[3]
    else:
        value = compute()
        if may_cache():
            cache.set(key, (version, day, _flags(user), value), RIGHTS_TIMEOUT)
    memo[name] = value
    return value


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
