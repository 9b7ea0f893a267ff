"""Rendered pages kept per user until anything in the database changes.

Most pages are read far more often than the data under them changes: the calendar, a
meeting's agenda, the decision register, Partnerpotten's pipeline. A view that has done its
access check hands its template and a function that builds the context to :func:`render`;
the HTML that the same user last got for the same URL is reused while all of these hold:

* **the data is unchanged**: the *content version* below is replaced on commit of every
  transaction that wrote to a portal table (seen at the database cursor, so ``update()``,
  ``bulk_create()`` and raw SQL count as well as ``save()``); writes to the tables in
  :data:`CHURN_TABLES` (sessions, the outbox, Celery's rows) do not count, as no page shows
  them;
* **the time is the same**: the minute (or, for pages that depend only on the date, the day)
  is part of the key, so deadlines and "upcoming" are at most a minute late;
* **the request is the same**: user, full path with the query string, language, htmx
  headers, template and the running code (``PORTAL_RELEASE``);
* **nothing personal is in flight**: a request with pending messages ("Lagret.") is rendered
  afresh and not kept; only GET and HEAD requests are cached.

The access check is never cached: views call their access function first, every time.

The CSRF token is never cached: while a page is rendered for the cache, the template gets a
placeholder for ``csrf_token``, which is replaced with the request's own token each time the
page is served.

On by default outside the tests (``settings.PORTAL_PAGE_CACHE``); the tests of this module
turn it on, the others measure the uncached page (their pinned query counts stay honest).
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection as default_connection
from django.db import transaction
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation

CONTENT_KEY = "portal:content-version"
PAGE_KEY = "portal:page:{digest}"
# How long an entry is kept: a little longer than its minute, or ten minutes of its day. A stale
# entry is never served (the key or the version differs), so this only bounds the memory that
# many distinct URLs can take (Redis evicts these first: maxmemory-policy volatile-lru).
PAGE_TIMEOUT = {"minute": 2 * 60, "day": 10 * 60}
# What the template gets for ``csrf_token`` while a page is rendered for the cache.
CSRF_PLACEHOLDER = "portal-csrf-" + uuid.uuid4().hex
# Part of every key: a new release (or, without PORTAL_RELEASE, a new process) never serves
# pages that older templates rendered.
RELEASE = getattr(settings, "PORTAL_RELEASE", "") or uuid.uuid4().hex[:12]

# Tables written in the course of ordinary use that no cached page shows.
CHURN_TABLES = frozenset(
    {
        "django_session",
        "partnership_outboxmessage",  # claimed and marked sent by the workers
        "usersessions_usersession",  # last seen, on every request
    }
)
_WRITE = re.compile(
    r'\s*(?:(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)"?)',
    re.IGNORECASE,
)


def enabled() -> bool:
    return getattr(settings, "PORTAL_PAGE_CACHE", not getattr(settings, "TESTING", False))


# --- The content version ------------------------------------------------------------------------
def _new_version() -> None:
    cache.set(CONTENT_KEY, uuid.uuid4().hex, timeout=None)


def _committed(conn) -> None:
    conn._portal_content_dirty = False
    _new_version()


def content_changed(conn=None) -> None:
    """Forget every cached page: now, and again when this transaction commits (a page that
    read the old rows in between must not stay under the new version). Until then, nothing
    this connection renders is kept: the transaction may yet roll back. Once per
    transaction, however many rows it writes."""
    conn = conn or default_connection
    if not enabled():
        return
    if not conn.in_atomic_block:
        _new_version()
        return
    callback = conn.__dict__.get("_portal_content_commit")
    if callback is None:
        callback = conn._portal_content_commit = functools.partial(_committed, conn)
    if any(entry[1] is callback for entry in conn.run_on_commit):
        return  # this transaction has already been seen writing
    conn._portal_content_dirty = True
    _new_version()
    transaction.on_commit(callback, using=conn.alias)


def forget_all() -> None:
    """Forget every cached page (``manage.py forget_cached_pages``), whatever the settings."""
    _new_version()


def written_table(sql) -> str | None:
    """The table an INSERT, UPDATE, DELETE or TRUNCATE statement writes to, else None (the
    ORM's statements start with the verb; the portal writes no CTEs that modify data)."""
    if not isinstance(sql, str) or sql.lstrip()[:1].upper() not in ("I", "U", "D", "T"):
        return None
    match = _WRITE.match(sql)
    return match.group(1).lower() if match else None


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    table = written_table(sql)
    if table is not None and table not in CHURN_TABLES:
        content_changed(context["connection"])
    return result


def watch(conn) -> None:
    """Let every write through this connection replace the content version."""
    if _watch_writes not in conn.execute_wrappers:
        # First (outermost), so that a ``with connection.execute_wrapper(...)`` block open
        # while the connection is made pops its own wrapper, not this one.
        conn.execute_wrappers.insert(0, _watch_writes)


def _on_connection_created(sender, connection, **kwargs) -> None:
    watch(connection)


def connect() -> None:
    """Called once per process (``PartnershipConfig.ready``)."""
    connection_created.connect(_on_connection_created, dispatch_uid="portal-pagecache-watch")


def _may_store() -> bool:
    if not getattr(default_connection, "_portal_content_dirty", False):
        return True
    if default_connection.in_atomic_block:
        return False
    default_connection._portal_content_dirty = False
    return True


# --- Pages ----------------------------------------------------------------------------------------
def _key(request: HttpRequest, template_name: str, per: str) -> str:
    now = timezone.localtime()
    moment = now.strftime("%Y-%m-%d") if per == "day" else now.strftime("%Y-%m-%dT%H:%M")
    parts = (
        RELEASE,
        template_name,
        str(request.user.pk),
        request.get_full_path(),
        translation.get_language() or "",
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        request.headers.get("HX-Boosted", ""),
        request.method,
        moment,
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return PAGE_KEY.format(digest=digest)


def _cacheable(request: HttpRequest) -> bool:
    return (
        enabled()
        and request.method in ("GET", "HEAD")
        and getattr(request.user, "is_authenticated", False)
        # Pending messages are shown once, on the page about to be rendered.
        and not len(get_messages(request))
    )


def _serve(request: HttpRequest, html: str) -> HttpResponse:
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return HttpResponse(html)


def render(request: HttpRequest, template_name: str, context, *, per: str = "minute"):
    """Like ``django.shortcuts.render`` for a 200 page, reusing this user's last rendering of
    the same URL while nothing has changed (see the module docstring).

    ``context`` is a function that returns the context dict; it is only called on a miss, so
    the queries it makes are skipped on a hit. ``per`` is ``"minute"`` (the default) or
    ``"day"``, for pages whose content depends on the date but not the time of day."""
    if per not in PAGE_TIMEOUT:
        raise ValueError(f"per must be one of {sorted(PAGE_TIMEOUT)}, not {per!r}")
    if not _cacheable(request):
        return HttpResponse(render_to_string(template_name, context(), request))
    key = _key(request, template_name, per)
    found = cache.get_many([CONTENT_KEY, key])
    version = found.get(CONTENT_KEY)
    if version is None:
        cache.add(CONTENT_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(CONTENT_KEY)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return _serve(request, entry[1])
    values = context()
    request._portal_page_capture = True
    try:
        html = render_to_string(template_name, values, request)
    finally:
        request._portal_page_capture = False
    # A page that showed messages after all (a context function may add them) is not kept.
    if _may_store() and not len(get_messages(request)):
        cache.set(key, (version, html), PAGE_TIMEOUT[per])
    return _serve(request, html)


def csrf_context(request: HttpRequest) -> dict:
    """For ``partnership.context_processors.portal``: the placeholder while rendering for the
    cache (it overrides Django's built-in ``csrf_token``, which is set before)."""
    if getattr(request, "_portal_page_capture", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}
