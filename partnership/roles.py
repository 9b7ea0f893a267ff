"""What a signed-in person is in the partnership today, derived from memberships.

Computed once per request and used for navigation, dashboards and the second-factor check.
Authorization decisions are made in ``access.py``, not here.

Every signed-in request needs the same few facts about the user: their roles and whether they
have a second factor, and their model permissions (Django's ``ModelBackend``). They are read
from PostgreSQL on each request (one query, a UNION ALL of indexed lookups) and kept on the request's user
object until the request ends. There is deliberately no cache across requests: ending a
membership, removing someone from the secretariat, revoking an affiliation or removing a
second factor takes effect on that person's next request in every process, whatever wrote
the change (a service, ``update()``, the admin, a data migration, psql). An earlier cache with
signals missed ``update()`` and could leave rights standing for 15 minutes (issue 9 §2).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from .models import (
    Affiliation,
    Body,
    BodyGroupObjectPermission,
    BodyUserObjectPermission,
    Membership,
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


# --- Roles and rights -------------------------------------------------------------------------
# What one row of the rights query says: a membership (its body, body kind, role and partner),
# an affiliation with a partner, or that the user has a second factor.
_AFFILIATION = "~affiliation"
_SECOND_FACTOR = "~second-factor"
_PERMISSION = "~permission"  # the role column holds "app_label.codename"
_PAPERS = "~papers"  # guardian: view_body_papers on the body in the first column
_LEADS = "~leads"  # guardian: lead_body on the body in the first column
_ACTS_FOR = "~acts-for"  # guardian: act_for_partner on the partner in the last column
_MARKERS = (_AFFILIATION, _SECOND_FACTOR, _PERMISSION, _PAPERS, _LEADS, _ACTS_FOR)


@functools.cache
def _rights_sql() -> str:
    """The rights query, written once: memberships, affiliations, the second factor and the
    model permissions (direct and through groups) as one UNION ALL of indexed lookups.

    Plain SQL because every signed-in request runs it: the ORM spent about 3 ms building and
    compiling the five-part union (measured under gunicorn), PostgreSQL 0.3 ms running it.
    The table names come from the models; ``tests/partnership/test_rights_fresh.py`` checks
    the answer against the ORM's for every role."""
    membership, affiliation = Membership._meta.db_table, Affiliation._meta.db_table
    body, permission = Body._meta.db_table, Permission._meta.db_table
    content_type = ContentType._meta.db_table
    user_perms = Person.user_permissions.through._meta.db_table
    person_groups = Person.groups.through._meta.db_table
    group_perms = Group.permissions.through._meta.db_table
    authenticator = Authenticator._meta.db_table
    body_group_perms = BodyGroupObjectPermission._meta.db_table
    body_user_perms = BodyUserObjectPermission._meta.db_table
    partner_group_perms = PartnerGroupObjectPermission._meta.db_table
    partner_user_perms = PartnerUserObjectPermission._meta.db_table
    label = "ct.app_label || '.' || p.codename"

    def object_perm(table, marker, codename, *, by_group, partner=False):
        column = ("NULL", "o.content_object_id") if partner else ("o.content_object_id", "NULL")
        who = (
            f"JOIN {person_groups} pg ON pg.group_id = o.group_id WHERE pg.person_id = %(person)s"
            if by_group
            else "WHERE o.user_id = %(person)s"
        )
        return (
            f"SELECT {column[0]}, '{marker}', '', {column[1]} FROM {table} o "  # noqa: S608
            f"JOIN {permission} p ON p.id = o.permission_id "
            # The portal's own codenames, unique across the apps: no content-type join needed.
            f"{who} AND p.codename = '{codename}'"
        )

    guardian = "\nUNION ALL\n".join(
        [
            object_perm(body_group_perms, _PAPERS, "view_body_papers", by_group=True),
            object_perm(body_user_perms, _PAPERS, "view_body_papers", by_group=False),
            object_perm(body_user_perms, _LEADS, "lead_body", by_group=False),
            object_perm(
                partner_group_perms, _ACTS_FOR, "act_for_partner", by_group=True, partner=True
            ),
            object_perm(
                partner_user_perms, _ACTS_FOR, "act_for_partner", by_group=False, partner=True
            ),
        ]
    )
    # Only model table names and this module's constants go into the text; values are parameters.
    return f"""
SELECT m.body_id, b.kind, m.role, m.partner_id
  FROM {membership} m JOIN {body} b ON b.id = m.body_id
 WHERE m.person_id = %(person)s AND m.starts_on <= %(day)s
   AND (m.ends_on IS NULL OR m.ends_on >= %(day)s)
UNION ALL
SELECT NULL, '{_AFFILIATION}', '', a.partner_id
  FROM {affiliation} a
 WHERE a.person_id = %(person)s AND a.starts_on <= %(day)s
   AND (a.ends_on IS NULL OR a.ends_on >= %(day)s)
UNION ALL
(SELECT NULL, '{_SECOND_FACTOR}', '', NULL
  FROM {authenticator} WHERE user_id = %(person)s AND type IN ('totp', 'webauthn') LIMIT 1)
UNION ALL
SELECT NULL, '{_PERMISSION}', {label}, NULL
  FROM {permission} p JOIN {content_type} ct ON ct.id = p.content_type_id
  JOIN {user_perms} up ON up.permission_id = p.id
 WHERE up.person_id = %(person)s AND NOT %(superuser)s
UNION ALL
SELECT NULL, '{_PERMISSION}', {label}, NULL
  FROM {permission} p JOIN {content_type} ct ON ct.id = p.content_type_id
  JOIN {group_perms} gp ON gp.permission_id = p.id
  JOIN {person_groups} pg ON pg.group_id = gp.group_id
 WHERE pg.person_id = %(person)s AND NOT %(superuser)s
UNION ALL
{guardian}
"""  # noqa: S608


def _rights_rows(user, day: dt.date) -> list[tuple]:
    """Memberships, affiliations, the second factor, the model permissions and the object
    permissions on bodies and partners in one round trip: every signed-in request pays for
    this, so it is one query rather than eight.
    Django grants an active superuser every permission unasked, so theirs are not read.

    PostgreSQL spent about 0.9 ms planning the twelve-part union and 0.15 ms running it: the
    database connection prepares the statements it runs repeatedly (``server_side_binding``
    and ``prepare_threshold`` in settings), so after its fifth run on a connection a request
    pays only the running."""
    with connection.cursor() as cursor:
        cursor.execute(
            _rights_sql(),
            {"person": user.pk, "day": day, "superuser": bool(user.is_superuser)},
        )
        return cursor.fetchall()


def _roles_from_rows(user, rows: list[tuple]) -> Roles:
    kinds = Body.Kind
    seats = [row for row in rows if row[1] not in _MARKERS]
    return Roles(
        is_authenticated=True,
        is_admin=bool(user.is_superuser or user.is_staff),
        is_secretariat=any(kind == kinds.SECRETARIAT for _, kind, _, _ in seats),
        is_ministry_observer=any(kind == kinds.STATE_GROUP for _, kind, _, _ in seats),
        represented_partner_ids=frozenset(p for _, k, _, p in seats if k == kinds.PARTNERS),
        led_partner_ids=frozenset(p for _, k, _, p in seats if k == kinds.LEADERS),
        affiliated_partner_ids=frozenset(p for _, k, _, p in rows if k == _AFFILIATION),
        body_ids=frozenset(b for b, _, _, _ in seats),
        working_group_ids=frozenset(b for b, k, _, _ in seats if k == kinds.WORKING_GROUP),
        led_working_group_ids=frozenset(
            b
            for b, k, r, _ in seats
            if k == kinds.WORKING_GROUP
            and r in (Membership.Role.LEADER, Membership.Role.DEPUTY_LEADER)
        ),
        finance_working_group_ids=frozenset(
            b
            for b, k, r, _ in seats
            if k == kinds.WORKING_GROUP and r == Membership.Role.FINANCE_LEAD
        ),
    )


# ModelBackend keeps a user's model permissions on these attributes for the request.
PERM_CACHE_ATTRS = ("_user_perm_cache", "_group_perm_cache", "_perm_cache")


@dataclass(frozen=True)
class Rights:
    """What one request knows about its user: roles, model permissions (direct and through
    groups; ``None`` for superusers) and whether they have a second factor."""

    roles: Roles
    permissions: frozenset[str] | None
    has_second_factor: bool
    # django-guardian's object permissions (granted to the body's and partner's groups by
    # ``services.sync_person_rights``, and directly for roles such as a body's leader):
    # the bodies whose papers the user reads, the bodies they lead, the partners they act for.
    paper_body_ids: frozenset[int] = frozenset()
    led_body_ids: frozenset[int] = frozenset()
    acting_partner_ids: frozenset[int] = frozenset()


def _compute_rights(user, day: dt.date) -> Rights:
    rows = _rights_rows(user, day)
    return Rights(
        roles=_roles_from_rows(user, rows),
        permissions=None
        if user.is_superuser
        else frozenset(role for _, kind, role, _ in rows if kind == _PERMISSION),
        has_second_factor=any(row[1] == _SECOND_FACTOR for row in rows),
        paper_body_ids=frozenset(b for b, k, _r, _p in rows if k == _PAPERS),
        led_body_ids=frozenset(b for b, k, _r, _p in rows if k == _LEADS),
        acting_partner_ids=frozenset(p for _b, k, _r, p in rows if k == _ACTS_FOR),
    )


def rights_for(user) -> Rights:
    """The user's rights, read once per request (kept on the user object)."""
    cached = getattr(user, "_portal_rights", None)
    # A service that changes the user's rights drops ``_portal_roles``: then look again.
    if cached is not None and getattr(user, "_portal_roles", None) is cached.roles:
        return cached
    rights = _compute_rights(user, today())
    user._portal_rights = rights
    user._portal_roles = rights.roles
    # Where Django's ModelBackend looks first for the permissions (``has_perm``), unless a
    # service has just changed them and dropped the attribute (then Django reads them again).
    if rights.permissions is not None and not hasattr(user, "_perm_cache"):
        user._perm_cache = set(rights.permissions)
    return rights


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
    return rights_for(user).has_second_factor
