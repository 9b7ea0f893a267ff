"""Shared fixtures: the registry every test starts from and one persona per role.

Personas (after healthchecks' alice/bob/charlie): each is a real person whose
rights come from memberships started through the services, so a test that
signs one in exercises the same group and django-guardian rows as production.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.conf import settings as settings_module
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from partnership.models import Body, Membership, Partner, Person

from .factories import (
    AffiliationFactory,
    BodyFactory,
    MembershipFactory,
    PartnerFactory,
    PersonFactory,
    add_totp,
)

ROLES = (
    "anonymous",
    "user",
    "partner_rep",
    "partner_leader",
    "wg_member",
    "wg_leader",
    "finance_lead",
    "secretariat",
    "ministry_observer",
    "admin",
    # In the secretariat but without an authenticator: sent to set one up everywhere but the
    # second-factor pages (issue 10, the matrix completed).
    "secretariat_no_mfa",
)

PASSWORD = "korrekt-hest-batteri-stift"


# --- Isolation: cache (rate limits, used TOTP codes) and uploads --------------------------
@pytest.fixture(scope="session", autouse=True)
def _cache_prefix_per_worker():
    """xdist workers (and other test runs) share one Redis: each process gets its own key
    prefix, so clearing between tests is local."""
    from django.conf import settings

    # The process id too: another pytest run (the lead's, on its own database) may share
    # this Redis, and its per-test clearing must not wipe this run's rate-limit counters.
    worker_id = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"

    caches = {name: dict(conf) for name, conf in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{worker_id}"
    override = override_settings(CACHES=caches)
    override.enable()
    yield
    override.disable()


def _clear_cache() -> None:
    prefix = cache.key_prefix
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in bokmål. A request through the test client activates the user's
    language on this thread (UserLanguageMiddleware, as in every request); without this, a test
    that reads translated text outside a request would depend on which test ran before it."""
    translation.activate(settings_module.LANGUAGE_CODE)
    yield
    translation.activate(settings_module.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _clear_cache()
    yield
    _clear_cache()


# --- The registry --------------------------------------------------------------------
@dataclass
class Registry:
    kd: Partner
    udir: Partner
    partner: Partner
    other_partner: Partner
    leaders_meeting: Body
    partners_meeting: Body
    working_committee: Body
    wg_local: Body
    wg_national: Body
    group_leaders: Body
    secretariat: Body
    state_group: Body


@pytest.fixture
def registry(db) -> Registry:
    return make_registry()


def make_registry() -> Registry:
    kd = PartnerFactory(name="Kunnskapsdepartementet", short_name="KD", kind=Partner.Kind.STATE)
    udir = PartnerFactory(name="Utdanningsdirektoratet", short_name="Udir", kind=Partner.Kind.STATE)
    partner = PartnerFactory(
        name="Foreldreutvalget for grunnopplæringen", short_name="FUG", kind=Partner.Kind.PARENTS
    )
    other = PartnerFactory(name="Norges idrettsforbund", short_name="NIF", kind=Partner.Kind.CIVIL)
    partners_meeting = BodyFactory(
        name="Partnermøtet", short_name="PM", kind=Body.Kind.PARTNERS, required_meetings_per_year=4
    )
    return Registry(
        kd=kd,
        udir=udir,
        partner=partner,
        other_partner=other,
        leaders_meeting=BodyFactory(
            name="Ledermøtet",
            short_name="LM",
            kind=Body.Kind.LEADERS,
            chairing_partner=kd,
            required_meetings_per_year=2,
        ),
        partners_meeting=partners_meeting,
        working_committee=BodyFactory(
            name="Arbeidsutvalget",
            short_name="AU",
            kind=Body.Kind.WORKING_COMMITTEE,
            delegated_from=partners_meeting,
        ),
        wg_local=BodyFactory(
            working_group=True,
            name="Arbeidsgruppe lokalt nivå",
            short_name="AG-L",
            level=Body.Level.LOCAL,
        ),
        wg_national=BodyFactory(
            working_group=True,
            name="Arbeidsgruppe nasjonalt nivå",
            short_name="AG-N",
            level=Body.Level.NATIONAL,
        ),
        group_leaders=BodyFactory(
            name="Gruppeledermøtet", short_name="GLM", kind=Body.Kind.GROUP_LEADERS
        ),
        secretariat=BodyFactory(
            name="Sekretariatet",
            short_name="SEK",
            kind=Body.Kind.SECRETARIAT,
            chairing_partner=udir,
        ),
        state_group=BodyFactory(
            name="Arbeidsgruppe for statlige aktører",
            short_name="STAT",
            kind=Body.Kind.STATE_GROUP,
            chairing_partner=kd,
        ),
    )


def _seated(
    *, full_name: str, email: str, body: Body, partner: Partner, role: str = Membership.Role.MEMBER
) -> Person:
    person = PersonFactory(full_name=full_name, email=email)
    AffiliationFactory(person=person, partner=partner)
    MembershipFactory(person=person, body=body, partner=partner, role=role)
    person.refresh_from_db()
    return person


# --- Personas, one per role ----------------------------------------------------------------
def make_persona(role: str, registry: Registry) -> Person | None:
    """One person per role; their rights come from memberships started through the services."""
    r = registry
    if role == "anonymous":
        return None
    if role == "user":  # signed in, no memberships or affiliations
        return PersonFactory(full_name="Ulrik Utenverv", email="ulrik@example.org")
    if role == "partner_rep":
        return _seated(
            full_name="Pia Partnerrepresentant",
            email="pia@example.org",
            body=r.partners_meeting,
            partner=r.partner,
        )
    if role == "partner_leader":
        return _seated(
            full_name="Lars Leder",
            email="lars@example.org",
            body=r.leaders_meeting,
            partner=r.partner,
        )
    if role == "wg_member":
        return _seated(
            full_name="Mona Medlem", email="mona@example.org", body=r.wg_local, partner=r.partner
        )
    if role == "wg_leader":
        return _seated(
            full_name="Gro Gruppeleder",
            email="gro@example.org",
            body=r.wg_local,
            partner=r.other_partner,
            role=Membership.Role.LEADER,
        )
    if role == "finance_lead":
        return _seated(
            full_name="Øystein Økonomi",
            email="oystein@example.org",
            body=r.wg_local,
            partner=r.other_partner,
            role=Membership.Role.FINANCE_LEAD,
        )
    if role == "secretariat":  # with TOTP, so the MFA middleware lets them through
        person = _seated(
            full_name="Siri Sekretariat",
            email="siri@example.org",
            body=r.secretariat,
            partner=r.udir,
        )
        person.totp_secret = add_totp(person)
        return person
    if role == "ministry_observer":
        return _seated(
            full_name="Dina Departement", email="dina@example.org", body=r.state_group, partner=r.kd
        )
    if role == "secretariat_no_mfa":
        return _seated(
            full_name="Sverre Utenkode",
            email="sverre@example.org",
            body=r.secretariat,
            partner=r.udir,
        )
    if role == "admin":  # superuser with TOTP, no memberships
        person = PersonFactory(
            full_name="Ada Admin", email="ada@example.org", is_staff=True, is_superuser=True
        )
        person.totp_secret = add_totp(person)
        return person
    raise ValueError(role)


def make_personas(registry: Registry) -> dict[str, Person | None]:
    return {role: make_persona(role, registry) for role in ROLES}


@pytest.fixture
def user(registry) -> Person:
    return make_persona("user", registry)


@pytest.fixture
def partner_rep(registry) -> Person:
    return make_persona("partner_rep", registry)


@pytest.fixture
def partner_leader(registry) -> Person:
    return make_persona("partner_leader", registry)


@pytest.fixture
def wg_member(registry) -> Person:
    return make_persona("wg_member", registry)


@pytest.fixture
def wg_leader(registry) -> Person:
    return make_persona("wg_leader", registry)


@pytest.fixture
def finance_lead(registry) -> Person:
    return make_persona("finance_lead", registry)


@pytest.fixture
def secretariat(registry) -> Person:
    """Sekretariat member with a TOTP authenticator (``.totp_secret`` computes codes)."""
    return make_persona("secretariat", registry)


@pytest.fixture
def secretariat_without_mfa(registry) -> Person:
    return make_persona("secretariat_no_mfa", registry)


@pytest.fixture
def ministry_observer(registry) -> Person:
    return make_persona("ministry_observer", registry)


@pytest.fixture
def admin(registry) -> Person:
    return make_persona("admin", registry)


@pytest.fixture
def personas(
    user,
    partner_rep,
    partner_leader,
    wg_member,
    wg_leader,
    finance_lead,
    secretariat,
    ministry_observer,
    admin,
) -> dict[str, Person | None]:
    return {
        "anonymous": None,
        "user": user,
        "partner_rep": partner_rep,
        "partner_leader": partner_leader,
        "wg_member": wg_member,
        "wg_leader": wg_leader,
        "finance_lead": finance_lead,
        "secretariat": secretariat,
        "ministry_observer": ministry_observer,
        "admin": admin,
    }


@contextmanager
def shared_data(django_db_blocker) -> Iterator[None]:
    """Data built once for a module: created in an outer transaction that is rolled back
    at the end; each test's own transaction (the ``db`` fixture) nests inside it as a
    savepoint, so tests still start from the same rows.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def log_in(client, person: Person | None):
    """Sign the persona into the Django test client (anonymous: leave it signed out).

    ``force_login`` skips allauth's MFA stage; the portal's own middleware still
    checks that secretariat staff and admins have an authenticator.
    """
    client.logout()
    if person is not None:
        client.force_login(person)
    return client


@pytest.fixture
def login(client):
    def _login(person: Person | None):
        return log_in(client, person)

    return _login
