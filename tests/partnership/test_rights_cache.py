"""The per-user rights cache (partnership.roles) and the cached governance checks.

Off under the tests by default (``PORTAL_REGISTRY_CACHE``); these tests turn it on. The
fixtures write the registry inside the test's transaction, which keeps the cache from
storing anything until that transaction ends (it could still roll back): ``committed()``
stands for "those writes have been committed".
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from partnership import roles, services
from partnership.governance import cached_governance_checks
from partnership.models import Membership, Person, today

from ..factories import MembershipFactory, PersonFactory, add_totp


@pytest.fixture
def cache_on(settings):
    settings.PORTAL_REGISTRY_CACHE = True


@pytest.fixture
def committed():
    """Forget that this test's transaction changed the registry (as if it had committed)."""

    def commit():
        connection._portal_registry_dirty = False

    return commit


def fresh(person: Person) -> Person:
    """The user as the next request loads it."""
    return Person.objects.get(pk=person.pk)


def test_rights_come_from_the_cache_until_the_registry_changes(
    cache_on, committed, registry, secretariat, django_assert_num_queries
):
    committed()
    first = roles.rights_for(fresh(secretariat))
    assert first.roles.is_secretariat
    assert "partnership.manage_registry" in first.all_perms
    assert first.has_second_factor  # the secretariat persona has TOTP
    user = fresh(secretariat)
    with django_assert_num_queries(0):
        again = roles.rights_for(user)
        assert user.has_perm("partnership.manage_registry")  # Django's cache, filled from ours
        assert roles.roles_for(user) is again.roles
    assert again == first

    membership = Membership.objects.get(person=secretariat, body=registry.secretariat)
    services.membership_end(membership=membership, ends_on=today() - dt.timedelta(days=1))
    committed()
    after = roles.rights_for(fresh(secretariat))
    assert not after.roles.is_secretariat
    assert "partnership.manage_registry" not in after.all_perms


def test_nothing_is_cached_inside_a_transaction_that_changed_the_registry(
    cache_on, committed, registry, wg_member, django_assert_max_num_queries
):
    committed()
    MembershipFactory(person=PersonFactory(), body=registry.wg_local, partner=registry.partner)
    # Still in the (test's) transaction that wrote: computed, not stored.
    roles.rights_for(fresh(wg_member))
    user = fresh(wg_member)
    with django_assert_max_num_queries(10) as ctx:
        roles.rights_for(user)
    assert len(ctx.captured_queries) > 0


def test_a_new_day_and_other_flags_are_looked_up_again(
    cache_on, committed, registry, wg_member, monkeypatch, django_assert_num_queries
):
    committed()
    roles.rights_for(fresh(wg_member))
    user = fresh(wg_member)
    with django_assert_num_queries(0):
        roles.rights_for(user)
    # Tomorrow: memberships start and end by date.
    tomorrow = today() + dt.timedelta(days=1)
    monkeypatch.setattr(roles, "today", lambda: tomorrow)
    user = fresh(wg_member)
    roles.rights_for(user)
    assert user._portal_roles.is_working_group_member
    # A person made staff is an admin at once (the flags are part of the entry).
    Person.objects.filter(pk=wg_member.pk).update(is_staff=True)
    assert roles.rights_for(fresh(wg_member)).roles.is_admin


def test_a_new_second_factor_is_seen_at_once(cache_on, committed, client, registry):
    from partnership import services as registry_services

    person = PersonFactory(full_name="Sara Sekretær", email="sara@example.org")
    registry_services.membership_start(
        person=person,
        body=registry.secretariat,
        partner=registry.udir,
        role=Membership.Role.MEMBER,
        starts_on=today(),
    )
    committed()
    client.force_login(person)
    home = reverse("home")
    response = client.get(home)
    assert response.status_code == 302 and "totp" in response["Location"]
    add_totp(person)  # a new authenticator replaces the registry version
    committed()
    assert client.get(home).status_code == 200


def test_pages_skip_the_rights_queries_when_cached(
    cache_on, committed, client, login, registry, wg_member, django_assert_num_queries
):
    login(wg_member)
    committed()
    url = reverse("partner_list")
    client.get(url)  # fills the cache
    # The user (the session comes from Redis), then only the page's own (a count and a page
    # of partners).
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200


def test_governance_checks_are_cached_until_the_registry_changes(
    cache_on, committed, registry, django_assert_num_queries
):
    committed()
    first = cached_governance_checks()
    with django_assert_num_queries(0):
        again = cached_governance_checks()
    assert [(c.key, c.problems) for c in again] == [(c.key, c.problems) for c in first]
    MembershipFactory(
        person=PersonFactory(), body=registry.leaders_meeting, partner=registry.other_partner
    )
    committed()
    with django_assert_num_queries(3):
        changed = cached_governance_checks()
    leaders = {c.key: c for c in changed}["leaders_meeting"]
    assert registry.other_partner.name not in " ".join(leaders.problems)
