"""Access logs without secrets (issue 10 §10).

Some URLs carry a bearer secret in their path: the calendar feed (``/moter/kalender/feed/
<token>.ics``), an invitation (``/invitasjon/<token>/``), allauth's password-reset and e-mail
confirmation keys. Query strings carry search terms. A log line keeps the method, the path with
every token-like segment replaced by ``[…]``, the status and the size: enough to follow a
request, nothing that opens a door or says what someone searched for.

Used by gunicorn (``GunicornLogger``, set in ``partnership/gunicorn_conf.py``) and by Django's
own request loggers (``MaskSecretsFilter`` in ``settings.LOGGING``: runserver's
``django.server`` lines and ``django.request``'s warnings).
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as _GunicornLogger

# A run of 20 or more characters of the alphabets our tokens and keys use (URL-safe base64,
# hex, Django's signing ":"): no real word in a portal path is that long without a hyphen gap…
# and if one is, masking it in a log costs nothing.
TOKEN = re.compile(r"[A-Za-z0-9_:\-]{20,}")
MASK = "[…]"
# A request line as Django's and gunicorn's logs write it: METHOD /path?query HTTP/x.y
# A path in a message ("Not Found: /x/y/"), not preceded by a word character.
PATH = re.compile(r"(?<![\w/])/[^\s\"']*")
REQUEST_LOGGERS = frozenset({"django.request", "django.server"})
REQUEST_LINE = re.compile(r"(?P<method>[A-Z]+) (?P<target>\S+) (?P<protocol>HTTP/[\d.]+)")


def safe_path(target: str) -> str:
    """The path of ``target`` without its query string and with token-like segments masked."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    return TOKEN.sub(MASK, path)


def safe_text(text: str) -> str:
    """``text`` with every request line in it made safe (``safe_path``)."""
    return REQUEST_LINE.sub(
        lambda m: f"{m['method']} {safe_path(m['target'])} {m['protocol']}", text
    )


class MaskSecretsFilter(logging.Filter):
    """Rewrites a record's message so that no path token or query string reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = safe_text(message)
        if record.name in REQUEST_LOGGERS:
            # "Not Found: /invitasjon/<token>/": any path in a request logger's message.
            masked = PATH.sub(lambda m: safe_path(m.group()), masked)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class GunicornLogger(_GunicornLogger):
    """gunicorn's logger with the request line, path and query string made safe."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = safe_text(atoms["r"])
        atoms["U"] = safe_path(atoms["U"])
        atoms["q"] = ""
        # Referer and the raw URI variables may repeat the same secrets.
        atoms["f"] = safe_path(atoms["f"]) if atoms.get("f") not in (None, "-") else atoms.get("f")
        return atoms
