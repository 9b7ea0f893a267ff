"""The authorization matrix: every URL the resolver knows × every role → expected answer.

The list of URLs is generated from ``get_resolver()`` (the portal's, allauth's
and the admin's). A URL that is not in ``EXPECTED`` (or, for the admin, covered
by the admin rule) fails ``test_get`` with its name, so a new view cannot ship
without deciding who may open it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import time
from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.test import Client
from django.urls import reverse

from partnership.middleware import MFA_SETUP_URL_NAMES, public_url_names
from partnership.models import Affiliation, Membership, today

from .. import __path__ as tests_path
from ..authz import (
    HOME,
    LOGIN,
    MANAGERS_ONLY,
    NO_MFA,
    POST_ONLY,
    PUBLIC,
    REAUTH,
    SIGNED_IN_ONLY,
    TO_LOGIN,
    OneOf,
    Redirect,
    check,
    expect,
)
from ..conftest import PASSWORD, ROLES, make_personas, make_registry, shared_data
from ..factories import InvitationFactory, PeriodFactory, spare_orgnr
from ..urlmap import ADMIN_MODEL_VIEW, Route, all_routes, build_url, object_for

# --- GET ---------------------------------------------------------------------------------------
EXPECTED: dict[str, dict] = {
    # The portal
    "home": SIGNED_IN_ONLY,
    "healthz": PUBLIC,
    "accessibility": PUBLIC,
    "set_language": expect(anonymous=HOME, signed_in=HOME),  # GET only redirects back
    "partner_list": SIGNED_IN_ONLY,
    "partner_create": MANAGERS_ONLY,
    "partner_detail": SIGNED_IN_ONLY,
    "partner_edit": MANAGERS_ONLY,
    "person_list": SIGNED_IN_ONLY,
    "person_detail": SIGNED_IN_ONLY,
    "profile": SIGNED_IN_ONLY,
    "body_list": SIGNED_IN_ONLY,
    "body_detail": SIGNED_IN_ONLY,
    "membership_add": POST_ONLY,
    "membership_edit": MANAGERS_ONLY,
    "membership_end": POST_ONLY,
    "invitation_list": MANAGERS_ONLY,
    "invitation_revoke": POST_ONLY,
    "invitation_accept": expect(anonymous=200, signed_in=HOME),
    "history": MANAGERS_ONLY,
    # allauth: accounts
    "account_login": expect(anonymous=200, signed_in=HOME),
    "account_logout": expect(anonymous=TO_LOGIN, signed_in=200),
    "account_inactive": PUBLIC,
    "account_signup": expect(anonymous=200, signed_in=HOME),  # the "sign-up is closed" page
    "account_reauthenticate": SIGNED_IN_ONLY,
    "account_email": SIGNED_IN_ONLY,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": SIGNED_IN_ONLY,
    "account_set_password": expect(signed_in=Redirect("account_change_password")),
    "account_reset_password": PUBLIC,
    "account_confirm_login_code": expect(
        anonymous=TO_LOGIN, signed_in=HOME
    ),  # login by code is off
    "account_confirm_email": PUBLIC,  # an unknown key: allauth's "invalid link" page
    "account_reset_password_from_key": PUBLIC,  # likewise
    "account_reset_password_from_key_done": PUBLIC,
    "account_reset_password_done": PUBLIC,
    # allauth: second factor
    "mfa_index": SIGNED_IN_ONLY,
    "mfa_authenticate": expect(anonymous=TO_LOGIN, signed_in=HOME),  # only during a sign-in
    "mfa_reauthenticate": expect(signed_in=REAUTH, managers=200),  # needs an authenticator
    "mfa_activate_totp": expect(signed_in=REAUTH),
    "mfa_deactivate_totp": expect(signed_in=404, managers=REAUTH),
    "mfa_view_recovery_codes": expect(signed_in=404),  # nobody here has recovery codes
    "mfa_generate_recovery_codes": expect(signed_in=REAUTH),
    "mfa_download_recovery_codes": expect(signed_in=404),
    "mfa_list_webauthn": SIGNED_IN_ONLY,
    "mfa_add_webauthn": expect(signed_in=REAUTH),
    "mfa_reauthenticate_webauthn": expect(signed_in=REAUTH),
    "mfa_remove_webauthn": expect(signed_in=REAUTH),
    "mfa_edit_webauthn": expect(signed_in=REAUTH),
    # allauth: sessions
    "usersessions_list": SIGNED_IN_ONLY,
}


def _admin_change_of(ctx: dict, route: Route) -> str:
    app, model = route.route.split("/")[1:3]
    obj = object_for(ctx, app, model)
    return f"/admin/{app}/{model}/{obj.pk if obj else 0}/change/"


def _model_admin_refuses(route: Route) -> bool:
    """A ModelAdmin that switches off adding or deleting (e.g. rows only code may write)
    answers the admin with 403 there: the rule follows what the ModelAdmin allows."""
    m = ADMIN_MODEL_VIEW.match(route.key)
    if not m or m["view"] not in ("add", "delete"):
        return False
    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    model_admin = django_admin.site._registry[apps.get_model(m["app"], m["model"])]
    request = RequestFactory().get("/")
    request.user = _Superuser()
    if m["view"] == "add":
        return not model_admin.has_add_permission(request)
    return not model_admin.has_delete_permission(request)


class _Superuser:
    """Enough of a user for ModelAdmin.has_*_permission: one who may do everything."""

    is_active = is_staff = is_superuser = is_authenticated = True

    def has_perm(self, perm, obj=None) -> bool:
        return True


# The admin (every "admin:" route, named or not, is enumerated and checked by this rule):
# anonymous → the portal's sign-in; signed-in non-staff → the admin login, which
# secure_admin_login answers with 403; the admin → 200 except these.
ADMIN_ROUTE_EXCEPTIONS: dict[str, dict] = {
    "admin:login": {"admin": Redirect("admin:index"), "others": 403},
    "admin:logout": {"admin": 405, "others": Redirect("admin:index")},  # POST only
    "admin:autocomplete": {"admin": 403},  # without its query parameters
    "admin:view_on_site": {"admin": 404},  # registry models have no public URL
    "admin:<unnamed admin/(?P<url>.*)$>": {"admin": 404},
}


def admin_rule(route: Route) -> dict:
    special = ADMIN_ROUTE_EXCEPTIONS.get(route.key, {})
    admin = special.get("admin", 403 if _model_admin_refuses(route) else 200)
    if route.name is None and "<path:object_id>" in route.route:
        # "/admin/<app>/<model>/<id>/" redirects to the change page.
        admin = Redirect(lambda ctx, route=route: _admin_change_of(ctx, route))
    others = special.get("others", Redirect("admin:login"))
    return expect(signed_in=others, admin=admin)


def _second_factor_pages(route: Route, table: dict | None) -> dict | None:
    """On the pages a secretariat member without a second factor may still reach (the
    middleware's MFA_SETUP_URL_NAMES), they are like any signed-in user; elsewhere they are
    sent to set one up (``authz.NO_MFA``, the default of ``expect``)."""
    if table is None or route.name not in MFA_SETUP_URL_NAMES:
        return table
    if table["secretariat_no_mfa"] != NO_MFA:
        return table
    return {**table, "secretariat_no_mfa": table["user"]}


def expected_for(route: Route) -> dict | None:
    if route.key in EXPECTED:
        return _second_factor_pages(route, EXPECTED[route.key])
    if route.namespace == "admin":
        return admin_rule(route)
    return None


# --- POST: the views that write, and the GET-only views answering 405 -------------------------
def _today() -> str:
    return today().isoformat()


POST_DATA: dict[str, Callable[[dict], dict]] = {
    "set_language": lambda ctx: {"language": "nn", "next": "/"},
    "partner_create": lambda ctx: {
        "name": "Ny partner",
        "short_name": "NYP",
        "kind": "other",
        "organisation_number": spare_orgnr(9_000),
        "active_from": "2024-01-01",
    },
    "partner_edit": lambda ctx: {
        "name": ctx["partner"].name,
        "short_name": ctx["partner"].short_name,
        "kind": ctx["partner"].kind,
        "organisation_number": ctx["partner"].organisation_number,
        "website": "https://example.org/",
        "active_from": ctx["partner"].active_from.isoformat(),
    },
    "profile": lambda ctx: {
        "full_name": "Nytt Navn",
        "title": "",
        "phone": "",
        "preferred_language": "nn",
    },
    "membership_add": lambda ctx: {
        "person": ctx["user"].email,  # the form names the person by e-mail
        "partner": ctx["partner"].pk,
        "role": "member",
        "starts_on": _today(),
    },
    "membership_edit": lambda ctx: {
        "partner": ctx["membership"].partner_id,
        "role": "deputy",
        "starts_on": ctx["membership"].starts_on.isoformat(),
        "ends_on": (ctx["membership"].starts_on + dt.timedelta(days=400)).isoformat(),
    },
    "membership_end": lambda ctx: {"ends_on": _today()},
    "invitation_list": lambda ctx: {
        "email": "ny.person@example.org",
        "full_name": "Ny Person",
        "partner": ctx["partner"].pk,
        "language": "nb",
    },
    "invitation_accept": lambda ctx: {
        "password1": "et-langt-og-godt-passord",
        "password2": "et-langt-og-godt-passord",
    },
}

GET_ONLY = expect(signed_in=405)
TO_BODY = Redirect(lambda ctx: reverse("body_detail", kwargs={"pk": ctx["body"].pk}))
POST_EXPECTED: dict[str, dict] = {
    "home": GET_ONLY,
    "healthz": expect(anonymous=405, signed_in=405),
    "accessibility": expect(anonymous=405, signed_in=405),
    "set_language": expect(anonymous=HOME, signed_in=HOME),
    "partner_list": GET_ONLY,
    "partner_create": expect(signed_in=403, managers=Redirect("/partnere/", prefix=True)),
    "partner_detail": GET_ONLY,
    "partner_edit": expect(
        signed_in=403,
        managers=Redirect(lambda ctx: reverse("partner_detail", kwargs={"pk": ctx["partner"].pk})),
    ),
    "person_list": GET_ONLY,
    "person_detail": GET_ONLY,
    "profile": expect(signed_in=Redirect("profile")),
    "body_list": GET_ONLY,
    "body_detail": GET_ONLY,
    "membership_add": expect(signed_in=403, managers=TO_BODY),
    "membership_edit": expect(signed_in=403, managers=TO_BODY),
    "membership_end": expect(signed_in=403, managers=TO_BODY),
    "invitation_list": expect(signed_in=403, managers=Redirect("invitation_list")),
    "invitation_revoke": expect(signed_in=403, managers=Redirect("invitation_list")),
    "invitation_accept": expect(anonymous=HOME, signed_in=HOME),
    "history": GET_ONLY,
    # allauth: what an empty form answers (the forms' own checks are allauth's tests)
    "account_login": expect(anonymous=200, signed_in=HOME),
    "account_logout": expect(anonymous=TO_LOGIN, signed_in=TO_LOGIN),
    "account_inactive": expect(anonymous=405, signed_in=405),
    "account_signup": expect(anonymous=200, signed_in=HOME),
    "account_reauthenticate": SIGNED_IN_ONLY,
    "account_email": expect(signed_in=Redirect("account_email")),
    "account_email_verification_sent": expect(anonymous=405, signed_in=405),
    "account_change_password": SIGNED_IN_ONLY,
    "account_set_password": expect(signed_in=Redirect("account_change_password")),
    "account_reset_password": PUBLIC,
    "account_confirm_login_code": expect(anonymous=TO_LOGIN, signed_in=HOME),
    "account_confirm_email": expect(anonymous=404, signed_in=404),
    "account_reset_password_from_key_done": expect(anonymous=405, signed_in=405),
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_done": expect(anonymous=405, signed_in=405),
    "mfa_index": expect(signed_in=405),
    "mfa_authenticate": expect(anonymous=TO_LOGIN, signed_in=HOME),
    "mfa_reauthenticate": expect(signed_in=REAUTH, managers=200),
    "mfa_activate_totp": expect(signed_in=REAUTH),
    "mfa_deactivate_totp": expect(signed_in=404, managers=REAUTH),
    "mfa_view_recovery_codes": expect(signed_in=405),
    "mfa_generate_recovery_codes": expect(signed_in=REAUTH),
    "mfa_download_recovery_codes": expect(signed_in=404),
    "mfa_list_webauthn": expect(signed_in=405),
    "mfa_add_webauthn": expect(signed_in=REAUTH),
    "mfa_reauthenticate_webauthn": expect(signed_in=REAUTH),
    "mfa_remove_webauthn": expect(signed_in=REAUTH),
    "mfa_edit_webauthn": expect(signed_in=REAUTH),
    "usersessions_list": expect(signed_in=Redirect("usersessions_list")),
}


# The admin's own forms answer an empty POST in many ways; what the matrix holds it to is that
# nobody else gets in (the same rule as GET) and that the admin never meets a server error.
ADMIN_POST = OneOf((200, 302, 403, 404, 405))


def post_expected_for(route: Route) -> dict | None:
    if route.key in POST_EXPECTED:
        return _second_factor_pages(route, POST_EXPECTED[route.key])
    if route.namespace == "admin":
        return {**admin_rule(route), "admin": ADMIN_POST}
    return None


# --- Other apps' entries: tests/<app>/matrix.py ------------------------------------------------
def _extensions() -> list:
    """Each app's ``tests/<app>/matrix.py``, if it has one, adds to the matrix:

    ``EXPECTED`` and ``POST_EXPECTED`` (qualified URL name → ``expect(...)``, see
    tests/authz.py), ``POST_DATA`` (name → ctx → form data), ``URL_KWARGS``
    (name → ctx → reverse() kwargs) and ``add_objects(ctx)``, which creates the
    app's objects once per run of this module (``ctx`` has ``registry``,
    ``personas`` and ``objects``, the admin's (app_label, model) → instance).
    """
    found = []
    for info in pkgutil.iter_modules(tests_path):
        if not info.ispkg:
            continue
        name = f"tests.{info.name}.matrix"
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found


EXTENSIONS = _extensions()
URL_KWARGS: dict[str, Callable[[dict], dict]] = {}
for _ext in EXTENSIONS:
    for _own, _theirs in (
        (EXPECTED, getattr(_ext, "EXPECTED", {})),
        (POST_EXPECTED, getattr(_ext, "POST_EXPECTED", {})),
        (POST_DATA, getattr(_ext, "POST_DATA", {})),
        (URL_KWARGS, getattr(_ext, "URL_KWARGS", {})),
    ):
        _clash = set(_own) & set(_theirs)
        assert not _clash, f"{_ext.__name__} repeats entries: {sorted(_clash)}"
        _own.update(_theirs)

ROUTES = all_routes()


def _matrix_ctx(registry, personas) -> dict:
    user, rep, secretariat, admin = (
        personas[k] for k in ("user", "partner_rep", "secretariat", "admin")
    )
    membership = Membership.objects.get(person=personas["wg_member"])
    invitation = InvitationFactory(invited_by=secretariat, partner=registry.partner)
    session = UserSession.objects.create(
        user=user, session_key="x" * 32, ip="127.0.0.1", user_agent="pytest"
    )
    objects = {
        ("auth", "group"): registry.wg_local.group,
        ("account", "emailaddress"): EmailAddress.objects.get(user=user),
        ("mfa", "authenticator"): Authenticator.objects.get(user=admin),
        ("usersessions", "usersession"): session,
        ("partnership", "partner"): registry.partner,
        ("partnership", "person"): rep,
        ("partnership", "body"): registry.wg_local,
        ("partnership", "membership"): membership,
        ("partnership", "affiliation"): Affiliation.objects.filter(person=rep).first(),
        ("partnership", "period"): PeriodFactory(),
        ("partnership", "invitation"): invitation,
    }
    return {
        "objects": objects,
        "registry": registry,
        "url_kwargs": URL_KWARGS,
        "personas": personas,
        "user": user,
        "partner": registry.partner,
        "person": rep,
        "body": registry.wg_local,
        "membership": membership,
        "invitation": invitation,
        "token": invitation.token,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The registry, one persona per role and the objects the URLs point at, built once
    for this module (about 150 tests); each test's writes are rolled back."""
    with shared_data(django_db_blocker):
        registry = make_registry()
        ctx = _matrix_ctx(registry, make_personas(registry))
        for extension in EXTENSIONS:
            if hasattr(extension, "add_objects"):
                extension.add_objects(ctx)
        # One session per persona for the whole module (signing in for each of the ~3,500
        # requests cost a quarter of the time); each request starts from that cookie alone.
        ctx["session_cookies"] = {}
        for role, person in ctx["personas"].items():
            if person is not None:
                signed_in = Client()
                signed_in.force_login(person)
                ctx["session_cookies"][role] = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
        yield ctx


# An admin URL for an object of a model the test data has no row of (another app's
# model): the admin gets in and is told it does not exist; the others stay out.
ADMIN_MISSING_OBJECT = expect(
    signed_in=Redirect("admin:login"),
    admin=OneOf((Redirect("admin:index"), 404)),
)


def _run(client, ctx, route: Route, table: dict, method: str, data=None) -> list[str]:
    url = build_url(route, ctx)
    if route.key in ctx.get("missing", ()):
        table = ADMIN_MISSING_OBJECT
    problems = []
    for role in ROLES:
        # Each role starts from the same data: the request's writes are rolled back.
        with transaction.atomic():
            client.cookies.clear()
            if role in ctx["session_cookies"]:
                client.cookies[settings.SESSION_COOKIE_NAME] = ctx["session_cookies"][role]
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, data(ctx) if data else {})
            transaction.set_rollback(True)
        problem = check(table[role], response, url, ctx)
        if problem:
            problems.append(f"{method.upper()} {url} as {role}: {problem}")
    return problems


def test_every_route_has_an_expectation():
    missing = [f"{r.key} ({r.route})" for r in ROUTES if expected_for(r) is None]
    assert not missing, "URLs with no entry in the authorization matrix (EXPECTED):\n" + "\n".join(
        missing
    )


def test_no_stale_expectations():
    names = {r.key for r in ROUTES}
    stale = (
        sorted(set(EXPECTED) - names)
        + sorted(set(POST_EXPECTED) - names)
        + sorted(set(ADMIN_ROUTE_EXCEPTIONS) - names)
    )
    assert not stale, f"EXPECTED names URLs the resolver does not know: {stale}"


def test_public_url_names_exist():
    # The middleware compares the namespaced view name ("meetings:calendar_feed").
    names = {r.name for r in ROUTES if r.name}
    assert not public_url_names() - names, (
        f"public URL names not in the URLconf: {public_url_names() - names}"
    )


def test_anonymous_is_sent_to_sign_in_except_on_public_pages():
    """The table itself agrees with the middleware's list of public pages."""
    wrong = [
        key
        for key, table in EXPECTED.items()
        if key not in public_url_names() and table["anonymous"] != LOGIN
    ]
    wrong += [
        key
        for key, table in EXPECTED.items()
        if key in public_url_names() and table["anonymous"] == LOGIN
    ]
    assert not wrong, wrong


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_get(route, db, world, client):
    table = expected_for(route)
    if table is None:
        pytest.fail(
            f"{route.key} ({route.route}) has no entry in the authorization matrix (EXPECTED)"
        )
    problems = _run(client, world, route, table, "get")
    assert not problems, "\n".join(problems)


def test_every_route_has_a_post_expectation():
    """Every URL the resolver knows is asked with POST too: a new URL fails until its entry
    says what each role gets (GET-only views: 405)."""
    missing = [f"{r.key} ({r.route})" for r in ROUTES if post_expected_for(r) is None]
    assert not missing, "URLs with no entry in POST_EXPECTED:\n" + "\n".join(missing)


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_post(route, db, world, client):
    table = post_expected_for(route)
    if table is None:
        pytest.fail(f"{route.key} ({route.route}) has no entry in POST_EXPECTED")
    problems = _run(client, world, route, table, "post", POST_DATA.get(route.key))
    assert not problems, "\n".join(problems)


# --- The real sign-in, once per role ----------------------------------------------------------
# The matrix reuses one force_login session per role; here each role signs in the way a person
# does (password, then the TOTP code where a second factor is required) and the session that
# gives is held to the same tables on a few pages each role meets first.
REAL_SIGN_IN_PAGES = (
    "home",
    "person_list",
    "invitation_list",
    "meetings:calendar",
    "partnerpot:home",
    "admin:index",
    "mfa_index",
)


def _totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_each_role_signs_in_the_real_way(role, db, world):
    person = world["personas"][role]
    client = Client()
    with transaction.atomic():
        response = client.post(
            reverse("account_login"), {"login": person.email, "password": PASSWORD}
        )
        assert response.status_code == 302, response.content[:300]
        secret = getattr(person, "totp_secret", None)
        if secret:
            # The password alone signs nobody in: the second factor is asked for first.
            assert response["Location"] == reverse("mfa_authenticate")
            assert check(LOGIN, client.get(reverse("home")), reverse("home"), world) is None
            response = client.post(reverse("mfa_authenticate"), {"code": _totp_now(secret)})
            assert response.status_code == 302
        assert client.session.get(SESSION_KEY) == str(person.pk)
        problems = []
        for route in ROUTES:
            if route.key in REAL_SIGN_IN_PAGES:
                url = build_url(route, world)
                problem = check(expected_for(route)[role], client.get(url), url, world)
                if problem:
                    problems.append(f"GET {url} as {role} (signed in for real): {problem}")
        transaction.set_rollback(True)
    assert not problems, "\n".join(problems)
