"""The authorization matrix: every URL the resolver knows × every role → expected answer.

The list of URLs is generated from ``get_resolver()`` (the portal's, allauth's
and the admin's). A URL that is not in ``EXPECTED`` (or, for the admin, covered
by the admin rule) fails ``test_get`` with its name, so a new view cannot ship
without deciding who may open it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.urls import reverse

from partnership.middleware import PUBLIC_URL_NAMES
from partnership.models import Affiliation, Membership, today

from ..conftest import ROLES, log_in, make_personas, make_registry, shared_data
from ..factories import InvitationFactory, PeriodFactory, spare_orgnr
from ..urlmap import Route, all_routes, build_url

SIGNED_IN = ROLES[1:]
MANAGERS = ("secretariat", "admin")  # may manage the registry (admins through is_superuser)


@dataclass(frozen=True)
class Redirect:
    """A 302 to ``to``: a URL name, a path, or a function of the test context giving a path.

    ``next_is_request``: the redirect carries ``?next=`` back to the requested URL
    (the sign-in redirect of the portal's middleware). ``prefix``: the target
    path only has to start with ``to``.
    """

    to: str | Callable[[dict], str]
    next_is_request: bool = False
    prefix: bool = False

    def target(self, ctx: dict) -> str:
        if callable(self.to):
            return self.to(ctx)
        return self.to if self.to.startswith("/") else reverse(self.to)

    def check(self, response, url: str, ctx: dict) -> str | None:
        if response.status_code != 302:
            return f"expected 302 to {self.target(ctx)}, got {response.status_code}"
        location = urlsplit(response["Location"])
        want = self.target(ctx)
        ok = location.path.startswith(want) if self.prefix else location.path == want
        if not ok:
            return f"expected a redirect to {want}, got {response['Location']}"
        if self.next_is_request and parse_qs(location.query).get("next") != [url]:
            return f"expected ?next={url}, got {response['Location']}"
        return None

    def __repr__(self) -> str:
        return f"302→{self.to if isinstance(self.to, str) else 'ctx'}"


@dataclass(frozen=True)
class OneOf:
    options: tuple

    def check(self, response, url: str, ctx: dict) -> str | None:
        problems = [check(option, response, url, ctx) for option in self.options]
        if all(problems):
            return " / ".join(problems)
        return None


def check(expected, response, url: str, ctx: dict) -> str | None:
    if isinstance(expected, Redirect | OneOf):
        return expected.check(response, url, ctx)
    if response.status_code != expected:
        where = f" → {response['Location']}" if response.has_header("Location") else ""
        return f"expected {expected}, got {response.status_code}{where}"
    return None


LOGIN = Redirect("account_login", next_is_request=True)  # the portal's sign-in redirect
TO_LOGIN = Redirect("account_login")  # allauth's own redirect (no pending sign-in)
HOME = Redirect("home")
# allauth asks for the password again before changing second factors: force_login
# does not record a fresh authentication in the session.
REAUTH = Redirect("account_reauthenticate")


def expect(*, anonymous=LOGIN, signed_in=200, managers=None, **per_role) -> dict:
    table = {"anonymous": anonymous}
    table.update(dict.fromkeys(SIGNED_IN, signed_in))
    if managers is not None:
        table.update(dict.fromkeys(MANAGERS, managers))
    unknown = set(per_role) - set(ROLES)
    assert not unknown, unknown
    table.update(per_role)
    return table


PUBLIC = expect(anonymous=200, signed_in=200)
SIGNED_IN_ONLY = expect()
MANAGERS_ONLY = expect(signed_in=403, managers=200)
POST_ONLY = expect(signed_in=405)

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
    return f"/admin/{app}/{model}/{ctx['objects'][(app, model)].pk}/change/"


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
    admin = special.get("admin", 200)
    if route.name is None and "<path:object_id>" in route.route:
        # "/admin/<app>/<model>/<id>/" redirects to the change page.
        admin = Redirect(lambda ctx, route=route: _admin_change_of(ctx, route))
    others = special.get("others", Redirect("admin:login"))
    return expect(signed_in=others, admin=admin)


def expected_for(route: Route) -> dict | None:
    if route.key in EXPECTED:
        return EXPECTED[route.key]
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
}

ROUTES = all_routes()
PORTAL_ROUTES = [
    r for r in ROUTES if r.name in POST_EXPECTED or r.callback_module == "partnership.views"
]


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
        yield _matrix_ctx(registry, make_personas(registry))


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
            log_in(client, ctx["personas"][role])
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
    stale = sorted(set(EXPECTED) - names) + sorted(set(ADMIN_ROUTE_EXCEPTIONS) - names)
    assert not stale, f"EXPECTED names URLs the resolver does not know: {stale}"


def test_public_url_names_exist():
    names = {r.name for r in ROUTES}
    assert not PUBLIC_URL_NAMES - names, (
        f"PUBLIC_URL_NAMES not in the URLconf: {PUBLIC_URL_NAMES - names}"
    )


def test_anonymous_is_sent_to_sign_in_except_on_public_pages():
    """The table itself agrees with the middleware's list of public pages."""
    wrong = [
        key
        for key, table in EXPECTED.items()
        if key not in PUBLIC_URL_NAMES and table["anonymous"] != LOGIN
    ]
    wrong += [
        key
        for key, table in EXPECTED.items()
        if key in PUBLIC_URL_NAMES and table["anonymous"] == LOGIN
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


@pytest.mark.parametrize("route", PORTAL_ROUTES, ids=[r.key for r in PORTAL_ROUTES])
def test_post(route, db, world, client):
    table = POST_EXPECTED.get(route.key)
    if table is None:
        pytest.fail(f"{route.key} ({route.route}) has no entry in POST_EXPECTED")
    problems = _run(client, world, route, table, "post", POST_DATA.get(route.key))
    assert not problems, "\n".join(problems)
