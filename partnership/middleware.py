from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils import translation

from . import extensions
from .roles import has_second_factor, roles_for

# URL names (with their namespace) that anonymous visitors may open (issue 2: sign-in,
# password reset, invitation acceptance, language switch, accessibility statement); apps add
# theirs with ``extensions.register_public_url``.
PUBLIC_URL_NAMES = frozenset(
    {
        "account_login",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_confirm_email",
        "account_email_verification_sent",
        "account_logout",
        "account_signup",  # allauth answers "closed" (no open sign-up)
        "account_inactive",
        "account_confirm_login_code",
        "mfa_authenticate",
        "invitation_accept",
        "set_language",
        "accessibility",
        "healthz",
    }
)
extensions.register_public_url(*PUBLIC_URL_NAMES)


def public_url_names() -> frozenset[str]:
    """The core's public pages and those the apps registered (``partnership.extensions``)."""
    return extensions.public_url_names()


# Pages a secretariat member without a second factor may still reach.
MFA_SETUP_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_generate_recovery_codes",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "set_language",
        "accessibility",
        "healthz",
    }
)


def _url_name(request) -> str | None:
    """The namespaced name ("meetings:calendar_feed"), so another app's URL that happens
    to share a public page's short name does not become public too."""
    try:
        return resolve(request.path_info).view_name
    except Exception:  # 404s are answered by the view layer
        return None


def _is_static(path: str) -> bool:
    return path.startswith(settings.STATIC_URL)


class LoginRequiredMiddleware:
    """Everything but the public pages above sends anonymous visitors to sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not request.user.is_authenticated
            and not _is_static(request.path_info)
            and _url_name(request) not in extensions.public_url_names()
        ):
            # redirect_to_login quotes the path, so a query string ("?q=a&partner=3") survives.
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """Secretariat staff and admins must set up a second factor before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not _is_static(request.path_info)
            and roles_for(user).needs_second_factor
            and not has_second_factor(user)
            and _url_name(request) not in MFA_SETUP_URL_NAMES
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in person's preferred language applies unless they chose one in this browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """Nothing a signed-in person is shown may be kept by a browser or a proxy (issue 10 §9):
    on a shared computer the back button after sign-out must not bring a draft back. Every
    response to a signed-in request says ``Cache-Control: private, no-store``, whatever the view
    set; static files (served before this by WhiteNoise) keep their long cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _is_static(request.path_info):
            response["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
        return response


class QueryStringNulMiddleware:
    """A NUL character in a query parameter is dropped before any view reads it (issue 10 §5).

    PostgreSQL refuses NUL in text, so ``?q=%00`` used to reach a search as a 500. Forms refuse
    NUL themselves (Django's ``ProhibitNullCharactersValidator``), but lists and searches read
    ``request.GET`` directly; one place here covers every one of them, present and future.
    Nothing meaningful is lost: no parameter of the portal can contain a NUL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
            "QUERY_STRING", ""
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class PortalNotFoundMiddleware:
    """The portal's own 404 page also while DEBUG is on (``make run``), instead of Django's
    technical page that lists every URL pattern (issue 11 §10). In production ``handler404``
    renders the same template; this changes nothing there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
            and not _is_static(request.path_info)
        ):
            return render(request, "404.html", status=404)
        return response
