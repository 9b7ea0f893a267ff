"""Issue 10 §10: no bearer token and no query string in any access log line."""

from __future__ import annotations

import datetime as dt
import io
import logging
from types import SimpleNamespace

from gunicorn.config import Config

from partnership.logsafe import GunicornLogger, MaskSecretsFilter, safe_path

FEED = "/moter/kalender/feed/Zx3v_9QpL2m8Rk4tYw7aBc1dEf5gHi6jKl0mNoPqRsT.ics"
INVITATION = "/invitasjon/q9Wm2xTz7LkP4rNb8vYc3dFg6hJs1aQe/"
RESET = "/accounts/password/reset/key/1-cbr9pn-0f4d5e6a7b8c9d0e1f2a3b4c/"
SECRETS = ("Zx3v_9QpL2m8Rk4tYw7aBc1dEf5gHi6jKl0mNoPqRsT", "q9Wm2xTz7LkP4rNb8vYc3dFg6hJs1aQe")


def test_safe_path_masks_tokens_and_drops_the_query():
    assert safe_path(FEED) == "/moter/kalender/feed/[…].ics"
    assert safe_path(INVITATION + "?next=/x") == "/invitasjon/[…]/"
    assert "cbr9pn" not in safe_path(RESET)
    assert safe_path("/personer/?q=Ola+Nordmann&page=2") == "/personer/"
    assert safe_path("/moter/12/referat/") == "/moter/12/referat/"


def _gunicorn_line(path: str, query: str) -> str:
    config = Config()
    config.set("accesslog", "-")
    config.set("logger_class", "partnership.logsafe.GunicornLogger")
    from partnership import gunicorn_conf

    config.set("access_log_format", gunicorn_conf.access_log_format)
    logger = GunicornLogger(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.access_log.handlers = [handler]
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": f"https://portal.example.no{INVITATION}",
    }
    resp = SimpleNamespace(status="200 OK", sent=123, response_length=123, headers=[])
    req = SimpleNamespace(headers=[("REFERER", f"https://portal.example.no{INVITATION}")])
    logger.access(resp, req, environ, dt.timedelta(milliseconds=12))
    return stream.getvalue()


def test_gunicorns_access_log_carries_no_token_or_query():
    for path in (FEED, INVITATION):
        line = _gunicorn_line(path, "q=hemmelig+s%C3%B8k")
        assert line.strip(), "nothing was logged"
        assert not any(secret in line for secret in SECRETS), line
        assert "hemmelig" not in line and "q=" not in line, line
        assert "[…]" in line and " 200 " in line


def test_djangos_request_lines_carry_no_token_or_query():
    logger = logging.getLogger("django.server")
    (handler,) = [
        h for h in logger.handlers if any(isinstance(f, MaskSecretsFilter) for f in h.filters)
    ]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logger.info('"%s" %s %s', f"GET {FEED}?q=hemmelig HTTP/1.1", 200, 10)
        logging.getLogger("django.request").warning("Not Found: %s", INVITATION)
    finally:
        handler.setStream(previous)
    text = stream.getvalue()
    assert "GET /moter/kalender/feed/[…].ics HTTP/1.1" in text
    assert not any(secret in text for secret in SECRETS), text
    assert "hemmelig" not in text
