"""The vocabulary of the authorization matrix (tests/partnership/test_authorization_matrix.py).

An expectation per role is a status code, a ``Redirect`` or a ``OneOf``; ``expect()``
builds the row for every role. Other apps' ``tests/<app>/matrix.py`` use these too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from .conftest import ROLES

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


# A secretariat member without a second factor is sent to set one up, on every page but the
# second-factor pages themselves (partnership.middleware.RequireSecondFactorMiddleware).
NO_MFA = Redirect("mfa_activate_totp")


def expect(*, anonymous=LOGIN, signed_in=200, managers=None, **per_role) -> dict:
    table = {"anonymous": anonymous}
    table.update(dict.fromkeys(SIGNED_IN, signed_in))
    if managers is not None:
        table.update(dict.fromkeys(MANAGERS, managers))
    table["secretariat_no_mfa"] = NO_MFA
    unknown = set(per_role) - set(ROLES)
    assert not unknown, unknown
    table.update(per_role)
    return table


PUBLIC = expect(anonymous=200, signed_in=200)
SIGNED_IN_ONLY = expect()
MANAGERS_ONLY = expect(signed_in=403, managers=200)
POST_ONLY = expect(signed_in=405)
