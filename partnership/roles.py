"""What a signed-in person is in the partnership today, derived from memberships.

Computed once per request (one query) and used for navigation and dashboards.
Authorization decisions are made in ``access.py``, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Body, Membership


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


def roles_for(user) -> Roles:
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_portal_roles", None)
    if cached is not None:
        return cached
    rows = list(
        Membership.objects.active_on()
        .filter(person_id=user.pk)
        .values_list("body_id", "body__kind", "role", "partner_id")
    )
    affiliated = frozenset(user.affiliations.active_on().values_list("partner_id", flat=True))
    kinds = Body.Kind
    roles = Roles(
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
    user._portal_roles = roles
    return roles
