from __future__ import annotations

import time

from django.conf import settings
from django.test import Client


def sign_in_with_cookie(page, live_server, user) -> None:
    """Start a browser session for ``user`` without the sign-in form (for page sweeps)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "url": live_server.url,
            }
        ]
    )


def totp_code(user) -> str:
    """The current TOTP code of ``user``'s authenticator, computed as allauth does."""
    from allauth.mfa import app_settings
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    # A code read in the last seconds of its period can reach the server in the next one,
    # which refuses it (no tolerance): wait for the next period then (a clean-clone run once
    # failed test_sign_in_with_totp so, with "Feil kode").
    remaining = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if remaining < 5:
        time.sleep(remaining + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
