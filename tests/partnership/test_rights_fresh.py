"""Rights take effect on the next request, whatever wrote the change (issue 9 §2).

``partnership.roles`` reads a person's roles, model permissions and second factor once per
request and keeps nothing across requests. The changes here are written behind the services'
back: with ``update()`` and from a second database connection (another process, a data
migration or psql look the same to PostgreSQL), so no signal or service hook can be what
makes them seen.
"""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from partnership import roles
from partnership.models import Body, Membership, Person, today

pytestmark = pytest.mark.django_db(transaction=True)


def _elsewhere(sql: str, params: list) -> None:
    """Run ``sql`` on a connection of its own and commit, as another process would."""
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute(sql, params)


def test_a_removed_second_factor_is_missed_on_the_next_request(client, secretariat):
    client.force_login(secretariat)
    assert client.get(reverse("home")).status_code == 200
    _elsewhere("DELETE FROM mfa_authenticator WHERE user_id = %s", [secretariat.pk])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_ended_secretariat_membership_ends_the_role_on_the_next_request(
    client, secretariat_without_mfa
):
    person = secretariat_without_mfa
    client.force_login(person)
    # In the secretariat without a second factor: sent to set one up.
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")
    yesterday = today() - dt.timedelta(days=1)
    _elsewhere(
        "UPDATE partnership_membership SET ends_on = %s WHERE person_id = %s",
        [yesterday, person.pk],
    )
    assert client.get(reverse("home")).status_code == 200  # no longer secretariat


def test_a_membership_ended_with_update_is_seen_at_once(client, registry, wg_member):
    client.force_login(wg_member)
    page = client.get(reverse("home")).text
    assert registry.wg_local.name in page
    Membership.objects.filter(person=wg_member).update(ends_on=today() - dt.timedelta(days=1))
    roles_now = roles.roles_for(Person.objects.get(pk=wg_member.pk))
    assert not roles_now.is_working_group_member
    assert registry.wg_local.pk not in roles_now.body_ids


def test_rights_are_read_once_per_request(registry, secretariat, django_assert_num_queries):
    user = Person.objects.get(pk=secretariat.pk)
    first = roles.rights_for(user)
    assert first.roles.is_secretariat and first.has_second_factor
    with django_assert_num_queries(0):
        assert roles.rights_for(user) is first
        assert user.has_perm("partnership.manage_registry")
    assert Body.objects.filter(kind=Body.Kind.SECRETARIAT).exists()


@pytest.mark.parametrize(
    "role",
    ["user", "partner_rep", "partner_leader", "wg_leader", "secretariat", "admin"],
)
def test_the_rights_query_agrees_with_the_orm(role, request, registry):
    """The hand-written rights query (one round trip per request) gives what the ORM and
    Django's ModelBackend give: seats, affiliations, the second factor and the permissions."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    from partnership.models import Affiliation

    person = Person.objects.get(pk=request.getfixturevalue(role).pk)
    direct = Permission.objects.get(codename="view_partner")
    person.user_permissions.add(direct)
    day = today()
    rows = roles._rights_rows(person, day)
    seats = sorted((b, k, r, p) for b, k, r, p in rows if not str(k).startswith("~"))
    expected_seats = sorted(
        Membership.objects.active_on(day)
        .filter(person=person)
        .values_list("body_id", "body__kind", "role", "partner_id")
    )
    assert seats == expected_seats
    assert {p for _b, k, _r, p in rows if k == "~affiliation"} == set(
        Affiliation.objects.active_on(day)
        .filter(person=person)
        .values_list("partner_id", flat=True)
    )
    has_factor = Authenticator.objects.filter(user=person, type__in=["totp", "webauthn"]).exists()
    assert any(k == "~second-factor" for _b, k, _r, _p in rows) == has_factor
    rights = roles.rights_for(Person.objects.get(pk=person.pk))
    if person.is_superuser:
        assert rights.permissions is None
    else:
        fresh = Person.objects.get(pk=person.pk)
        assert rights.permissions == frozenset(ModelBackend().get_all_permissions(fresh))
        assert "partnership.view_partner" in rights.permissions
