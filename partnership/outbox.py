"""The outbox: every e-mail the portal sends is a row first, then a message.

Why rows: an e-mail written in the same transaction as the change it tells about
(a notice, an invitation) exists exactly when that change does; a rollback takes
it away with everything else. Celery only carries ids ("there is something to
send"); what to send and whether it has been sent lives in PostgreSQL.

Writing: ``compose`` renders one message in the recipient's language and
``enqueue`` stores a batch of them (``INSERT … ON CONFLICT DO NOTHING`` on the
idempotency key, so scheduling the same reminder twice gives one row). Due rows
are handed to a worker when the transaction commits; the beat job
``partnership.tasks.dispatch_outbox`` sweeps up anything that was missed.

Sending (``dispatch_due``, ``dispatch_ids``), in short transactions, each committed:

1. *claim* a batch with ``SELECT … FOR UPDATE SKIP LOCKED`` and mark it
   ``sending`` with a claim token (host, pid, random) and ``claimed_at``: two
   workers, two beats or a beat and an on-commit task never take the same row;
2. before an SMTP call, if the claim is older than a third of its lease, *renew*
   it (``claimed_at = now`` on the rows that still carry our token) and commit:
   rows another worker has taken over are skipped, and nobody can take the rest
   from us for a lease from now;
3. after the SMTP server has accepted the message, mark it ``sent`` and commit.

A worker killed (kill -9, OOM, a lost node) leaves its rows ``sending``; once
their lease (``OUTBOX_LEASE_SECONDS``, longer than Celery's hard time limit, so
a live task is always dead or done before its lease runs out) has passed, the
next sweep claims them again. The one window left opens when the SMTP server has
taken the message (the end of DATA) and closes with the commit of step 3: it
holds the server's reply time ("250 OK" may take seconds on a busy or filtering
server) plus our commit. A worker killed inside it sends that message again (a
probe killing workers at random duplicated 2 of 322, lost none; the fault test in
tests/celery kills inside the window on purpose). We accept that (at-least-once) rather than the other
choice (mark ``sent`` before the SMTP call: at-most-once, which can silently
lose a formal meeting notice), and every message carries a Message-ID made
from its row, so a repeated delivery is recognised as the same message by mail
servers and clients that de-duplicate on it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from functools import partial
from typing import Any, NamedTuple

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from . import extensions
from .models import NotificationPreference, OutboxMessage, Person

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status
# A row that has been claimed this many times without being sent is given up (a message
# that crashes the worker every time must not be retried for ever).
MAX_ATTEMPTS = 8
# Ids per on-commit task; more go in several tasks, so several workers share them.
TASK_CHUNK = 50
SCRUBBED = "—"


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def is_optional(kind: str) -> bool:
    return not extensions.is_mandatory_kind(kind)


def absolute_url(viewname: str, *args: Any, fallback: str = "") -> str:
    """``SITE_URL`` + the path of a named URL; ``fallback`` (default: the front page) while a
    URL is not routed yet, so an e-mail never fails for want of a link."""
    base = settings.SITE_URL.rstrip("/")
    try:
        return base + reverse(viewname, args=args)
    except NoReverseMatch:
        return fallback or base + "/"


# --- Composing ----------------------------------------------------------------------------------
@dataclass
class Draft:
    """One rendered message, not yet stored."""

    kind: str
    idempotency_key: str
    to_email: str
    language: str
    subject: str
    body_text: str
    body_html: str = ""
    recipient: Person | None = None
    due_at: dt.datetime | None = None
    attachment: dict | None = None
    scrub_after_send: bool = False


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _tidy_text(text: str) -> str:
    """Plain text from a template: no trailing spaces, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def compose(
    *,
    kind: str,
    idempotency_key: str,
    template: str,
    context: dict[str, Any],
    subject: str | Callable[[], str],
    recipient: Person | None = None,
    to_email: str = "",
    language: str | None = None,
    due_at: dt.datetime | None = None,
    attachment: dict | None = None,
    scrub_after_send: bool = False,
) -> Draft:
    """Render ``<template>.txt`` and ``<template>.html`` and the subject in the recipient's
    language (their ``preferred_language``, or ``language`` for an address without an account).

    Rendered now, not at send time: the stored row is then the record of what was sent, a
    template error shows up in the caller's transaction (where the user can be told), and the
    dispatcher needs to know nothing about meetings or invitations. ``subject`` may be a
    callable, evaluated in the recipient's language.
    """
    if not extensions.is_known_kind(kind):
        raise ValueError(
            f"Unknown notification kind {kind!r}: register it (extensions.register_notification_kinds)"
        )
    if recipient is not None:
        to_email = to_email or recipient.email
        language = language or recipient.preferred_language
    language = language or settings.LANGUAGE_CODE
    if not to_email:
        raise ValidationError(_("Mottakeren mangler e-postadresse."))
    context = {
        **context,
        "recipient": recipient,
        "optional": is_optional(kind),
        "preferences_url": absolute_url("profile"),
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        context["kind_label"] = str(extensions.notification_kind_label(kind))
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
        subject_text = subject() if callable(subject) else str(subject)
    return Draft(
        kind=kind,
        idempotency_key=idempotency_key,
        to_email=to_email,
        language=language,
        subject=_one_line(subject_text),
        body_text=_tidy_text(text),
        body_html=html.strip(),
        recipient=recipient,
        due_at=due_at,
        attachment=attachment,
        scrub_after_send=scrub_after_send,
    )


# --- Preferences ------------------------------------------------------------------------------
def disabled_kinds(person_ids: Iterable[int]) -> set[tuple[int, str]]:
    """(person id, kind) pairs of optional kinds the people have turned off; one query."""
    ids = {pk for pk in person_ids if pk is not None}
    if not ids:
        return set()
    return set(
        NotificationPreference.objects.filter(person_id__in=ids, enabled=False).values_list(
            "person_id", "kind"
        )
    )


def notification_preferences(person: Person) -> dict[str, bool]:
    """Every optional kind with whether the person gets it (on unless turned off)."""
    stored = dict(
        NotificationPreference.objects.filter(person=person).values_list("kind", "enabled")
    )
    return {
        kind: stored.get(kind, True) for kind, _label in extensions.optional_notification_kinds()
    }


@transaction.atomic
def notification_preferences_update(*, person: Person, enabled: dict[str, bool]) -> dict[str, bool]:
    """Turn optional notifications on or off. Mandatory kinds (meeting notices, invitations)
    cannot be turned off and are refused with a message."""
    unknown = [kind for kind in enabled if not extensions.is_known_kind(kind)]
    if unknown:
        raise ValidationError(_("Ukjent varsel: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    mandatory = [kind for kind in enabled if not is_optional(kind) and not enabled[kind]]
    if mandatory:
        raise ValidationError(
            _("%(kind)s sendes alltid og kan ikke slås av.")
            % {"kind": extensions.notification_kind_label(mandatory[0])}
        )
    for kind, on in enabled.items():
        if not is_optional(kind):
            continue
        pref = NotificationPreference(person=person, kind=kind, enabled=bool(on))
        pref.full_clean(validate_unique=False, validate_constraints=False)
        NotificationPreference.objects.update_or_create(
            person=person, kind=kind, defaults={"enabled": bool(on)}
        )
    return notification_preferences(person)


# --- Enqueueing -------------------------------------------------------------------------------
def existing_keys(keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` that already have a row: lets a scheduler skip rendering them."""
    keys = list(keys)
    if not keys:
        return set()
    return set(
        OutboxMessage.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )


@transaction.atomic
def enqueue(drafts: Sequence[Draft], *, dispatch: bool = True) -> int:
    """Store the messages; returns how many rows were new.

    A key that already has a row is skipped (the first row stands). An optional kind the
    recipient has turned off is stored as ``suppressed`` and never sent: the row keeps the key,
    so turning the kind on again later does not send old reminders. With ``dispatch``, rows that
    are due go to a worker once the transaction commits (nothing is queued on rollback).
    """
    if not drafts:
        return 0
    now = timezone.now()
    off = disabled_kinds(d.recipient.pk for d in drafts if d.recipient is not None)
    rows = []
    for d in drafts:
        suppressed = (
            d.recipient is not None and is_optional(d.kind) and (d.recipient.pk, d.kind) in off
        )
        row = OutboxMessage(
            kind=d.kind,
            recipient=d.recipient,
            to_email=d.to_email,
            language=d.language,
            subject=d.subject,
            body_text=d.body_text,
            body_html=d.body_html,
            attachment=d.attachment,
            scrub_after_send=d.scrub_after_send,
            idempotency_key=d.idempotency_key,
            created_at=now,
            due_at=d.due_at or now,
            status=Status.SUPPRESSED if suppressed else Status.PENDING,
            last_error=_("Mottakeren har slått av denne typen varsler.") if suppressed else "",
        )
        # The recipient is a Person just read; checking that it exists would cost a query per row.
        row.full_clean(exclude=["recipient"], validate_unique=False, validate_constraints=False)
        rows.append(row)
    keys = [r.idempotency_key for r in rows]
    before = existing_keys(keys)
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    created = len(set(keys) - before)
    if dispatch:
        due_ids = list(
            OutboxMessage.objects.filter(
                idempotency_key__in=set(keys) - before, status=Status.PENDING, due_at__lte=now
            ).values_list("pk", flat=True)
        )
        if due_ids:
            transaction.on_commit(partial(queue_dispatch, due_ids))
    return created


def queue_dispatch(ids: Sequence[int]) -> None:
    """Hand ids to workers (on commit). Not ``delay_on_commit``: a broker that is down must not
    turn a committed change into an error page. The rows are safe in the database and the
    next sweep sends them, so a failure to queue is only logged."""
    for start in range(0, len(ids), TASK_CHUNK):
        chunk = list(ids[start : start + TASK_CHUNK])
        try:
            dispatch_outbox_messages.apply_async(
                (chunk,),
                retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2},
            )
        except Exception:  # the broker; the sweep catches up
            logger.warning(
                "Could not queue outbox messages %s; the sweep will send them", chunk, exc_info=True
            )


@transaction.atomic
def cancel_pending(*, key_prefix: str, reason: str = "") -> int:
    """Cancel messages not yet sent whose key starts with ``key_prefix`` (e.g. the reminders of
    a cancelled meeting). Rows being sent right now are left alone."""
    return OutboxMessage.objects.filter(
        idempotency_key__startswith=key_prefix, status=Status.PENDING
    ).update(status=Status.CANCELLED, last_error=reason, body_text=SCRUBBED, body_html="")


# --- Attachments rendered at send time --------------------------------------------------------
class Attachment(NamedTuple):
    filename: str
    content: bytes
    mimetype: str


def attachment_renderer(func: Callable[..., Attachment | None]):
    """Mark a function as one the dispatcher may call by its dotted path from a row's
    ``attachment`` (``{"renderer": path, "kwargs": {...}}``) with ``language=`` added. Only
    marked functions are called, whatever a row says."""
    func.outbox_attachment_renderer = True
    return func


def attachment_spec(renderer: Callable, **kwargs: Any) -> dict:
    if not getattr(renderer, "outbox_attachment_renderer", False):
        raise ValueError(f"{renderer!r} is not an @attachment_renderer")
    return {"renderer": f"{renderer.__module__}.{renderer.__qualname__}", "kwargs": kwargs}


def _render_attachment(spec: dict, language: str, cache: dict) -> Attachment | None:
    key = (spec.get("renderer"), json.dumps(spec.get("kwargs") or {}, sort_keys=True), language)
    if key not in cache:
        func = import_string(spec["renderer"])
        if not getattr(func, "outbox_attachment_renderer", False):
            raise ValueError(f"{spec['renderer']} is not an attachment renderer")
        cache[key] = func(language=language, **(spec.get("kwargs") or {}))
    return cache[key]


# --- Dispatching ------------------------------------------------------------------------------
@dataclass
class DispatchResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0  # errors this round (retried later, or given up)
    skipped: int = 0  # suppressed, cancelled, or taken over by another worker

    def add(self, other: DispatchResult) -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.failed += other.failed
        self.skipped += other.skipped


def _claim_token() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def message_id(row: OutboxMessage) -> str:
    """The same Message-ID every time the row is sent, so a repeat is recognisably the same."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "portal.invalid"
    digest = hashlib.sha256(row.idempotency_key.encode()).hexdigest()[:16]
    return f"<outbox.{row.pk}.{digest}@{domain}>"


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


@dataclass
class Claim:
    """Rows one sender has claimed; ``fresh_until`` (``time.monotonic()``) is when the claim is
    to be renewed before the next send (a third of the lease after it was made)."""

    token: str
    rows: list[OutboxMessage]
    fresh_until: float


@transaction.atomic
def _claim(*, token: str, limit: int, ids: Sequence[int] | None = None) -> Claim:
    """Step 1: take up to ``limit`` rows that are due, or whose sender's lease has run out."""
    started = time.monotonic()
    now = timezone.now()
    claim = Claim(token=token, rows=[], fresh_until=started + lease().total_seconds() / 3)
    locked = OutboxMessage.objects.select_for_update(skip_locked=True)
    stale = locked.filter(status=Status.SENDING, claimed_at__lt=now - lease())
    due = locked.filter(status=Status.PENDING, due_at__lte=now)
    if ids is not None:
        stale, due = stale.filter(pk__in=ids), due.filter(pk__in=ids)
    picked = list(stale.order_by("claimed_at").values_list("pk", "attempts")[:limit])
    if len(picked) < limit:
        picked += list(
            due.order_by("due_at", "id").values_list("pk", "attempts")[: limit - len(picked)]
        )
    if not picked:
        return claim
    spent = [pk for pk, attempts in picked if attempts >= MAX_ATTEMPTS]
    if spent:
        OutboxMessage.objects.filter(pk__in=spent).update(
            status=Status.FAILED,
            last_error=_("Gitt opp etter %(n)s forsøk.") % {"n": MAX_ATTEMPTS},
        )
    take = [pk for pk, attempts in picked if attempts < MAX_ATTEMPTS]
    OutboxMessage.objects.filter(pk__in=take).update(
        status=Status.SENDING, claimed_at=now, claimed_by=token, attempts=F("attempts") + 1
    )
    claim.rows = list(
        OutboxMessage.objects.filter(pk__in=take)
        .select_related("recipient")
        .order_by("due_at", "id")
    )
    return claim


def _mine(row: OutboxMessage, token: str):
    return OutboxMessage.objects.filter(pk=row.pk, status=Status.SENDING, claimed_by=token)


@transaction.atomic
def _renew(claim: Claim, pks: list[int]) -> set[int]:
    """Step 2: which of these rows are still ours? Those are ours for a lease from now
    (committed). Rows another sender took over after our lease ran out are not.

    In production the lease is longer than a task may live, so a claim never needs renewing;
    it matters when a sender is slower than its lease (as in tests/celery, with a 3 s lease).
    """
    started = time.monotonic()
    kept = set(
        OutboxMessage.objects.select_for_update()
        .filter(pk__in=pks, status=Status.SENDING, claimed_by=claim.token)
        .values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=kept).update(claimed_at=timezone.now())
    claim.fresh_until = started + lease().total_seconds() / 3
    return kept


def _finish(row: OutboxMessage, token: str, status: str, note: str = "") -> bool:
    fields: dict[str, Any] = {"status": status, "last_error": note[:2000]}
    if status == Status.SENT:
        fields["sent_at"] = timezone.now()
    if row.scrub_after_send and status in (Status.SENT, Status.CANCELLED, Status.SUPPRESSED):
        fields.update(body_text=SCRUBBED, body_html="")
    return _mine(row, token).update(**fields) == 1


def _retry_later(row: OutboxMessage, token: str, error: str) -> None:
    if row.attempts >= MAX_ATTEMPTS:
        _finish(row, token, Status.FAILED, error)
        return
    _mine(row, token).update(
        status=Status.PENDING,
        due_at=timezone.now() + _backoff(row.attempts),
        claimed_at=None,
        claimed_by="",
        last_error=error[:2000],
    )


def _build(row: OutboxMessage, connection, cache: dict) -> tuple[EmailMultiAlternatives, str]:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        to=[row.to_email],
        connection=connection,
        headers={
            "Message-ID": message_id(row),
            # RFC 3834: no out-of-office replies to the portal's messages.
            "Auto-Submitted": "auto-generated",
            "Content-Language": row.language,
        },
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    note = ""
    if row.attachment:
        # A PDF that cannot be made must not hold back the e-mail (it links to the portal,
        # where the papers are); the failure is noted on the row and logged.
        try:
            attachment = _render_attachment(row.attachment, row.language, cache)
        except Exception as exc:
            logger.exception("Attachment for outbox message %s failed", row.pk)
            note = f"attachment: {exc!r}"
        else:
            if attachment is not None:
                message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message, note


def _deliver(claim: Claim) -> DispatchResult:
    """Send the claimed rows one by one; step 3 (``sent``) is committed after each."""
    rows, token = claim.rows, claim.token
    result = DispatchResult(claimed=len(rows))
    if not rows:
        return result
    off = disabled_kinds(r.recipient_id for r in rows)
    lost: set[int] = set()  # taken over by another sender
    cache: dict = {}
    connection = get_connection()
    try:
        for i, row in enumerate(rows):
            if time.monotonic() > claim.fresh_until:
                rest = [r.pk for r in rows[i:] if r.pk not in lost]
                lost |= set(rest) - _renew(claim, rest)
            if row.pk in lost:
                result.skipped += 1
                continue
            if (
                row.recipient_id is not None
                and is_optional(row.kind)
                and (row.recipient_id, row.kind) in off
            ):
                _finish(
                    row, token, Status.SUPPRESSED, _("Mottakeren har slått av denne typen varsler.")
                )
                result.skipped += 1
                continue
            if row.recipient is not None and not row.recipient.is_active:
                _finish(row, token, Status.CANCELLED, _("Mottakeren er ikke lenger aktiv."))
                result.skipped += 1
                continue
            try:
                message, note = _build(row, connection, cache)
                message.send()
            except SoftTimeLimitExceeded:
                # The task is out of time: give the row back and stop (its rows still
                # claimed are taken over after their lease).
                _retry_later(row, token, "SoftTimeLimitExceeded")
                raise
            except Exception as exc:
                logger.warning("Outbox message %s not sent: %r", row.pk, exc)
                _retry_later(row, token, repr(exc))
                result.failed += 1
                # A broken SMTP session is opened afresh for the next message.
                with contextlib.suppress(Exception):
                    connection.close()
                continue
            if not _finish(row, token, Status.SENT, note):
                logger.error("Outbox message %s was sent after its claim was taken over", row.pk)
            result.sent += 1
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    return result


def dispatch_ids(ids: Sequence[int]) -> DispatchResult:
    """Send these rows if they are (still) due: the on-commit task's work."""
    return _deliver(_claim(token=_claim_token(), limit=len(ids), ids=list(ids)))


def dispatch_due(
    *, batch_size: int | None = None, time_budget: float | None = None
) -> DispatchResult:
    """The sweep: claim and send due rows batch by batch until none is left or the time budget
    (below Celery's soft time limit) is spent; what is left waits for the next sweep."""
    batch_size = batch_size or settings.OUTBOX_BATCH_SIZE
    time_budget = settings.OUTBOX_SWEEP_SECONDS if time_budget is None else time_budget
    started = time.monotonic()
    total = DispatchResult()
    while time.monotonic() - started < time_budget:
        claim = _claim(token=_claim_token(), limit=batch_size)
        if not claim.rows:
            break
        total.add(_deliver(claim))
    return total


@shared_task(name="partnership.tasks.dispatch_outbox_messages")
def dispatch_outbox_messages(ids: list[int]) -> int:
    """Queued when a transaction that wrote due e-mails commits: send them now. Defined here,
    beside ``queue_dispatch``, so that the outbox needs no import of ``tasks`` (which imports
    the services, which import the outbox)."""
    return dispatch_ids(ids).sent
