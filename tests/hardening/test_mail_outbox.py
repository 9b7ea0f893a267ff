"""Issue 10 §4: every e-mail goes through the outbox, allauth's too; no request waits on SMTP.

The mail server is a closed port: asking for a password reset still answers at once, and the
message waits in the outbox until the sweep can deliver it.
"""

from __future__ import annotations

import socket

import pytest
from django.core import mail
from django.urls import reverse

from partnership import outbox
from partnership.models import NotificationKind, OutboxMessage

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is


def test_password_reset_waits_in_the_outbox_when_the_mail_server_is_down(
    client, settings, partner_rep, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": partner_rep.email})
    assert response.status_code == 302
    row = OutboxMessage.objects.get(kind=NotificationKind.ACCOUNT)
    assert row.to_email == partner_rep.email and row.recipient_id == partner_rep.pk
    assert "/password/reset/key/" in row.body_text
    # allauth's greeting names the portal (it read "Hei fra !" without a site).
    assert "Partnerskap mot mobbing" in row.body_text.splitlines()[0]
    # The dispatch on commit met the closed port: the row waits for a later attempt.
    row.refresh_from_db()
    assert row.status in (OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED)
    assert row.sent_at is None and row.attempts >= 1
    assert mail.outbox == []

    # The mail server is back: the sweep delivers it, and the link leaves the database.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.filter(pk=row.pk).update(due_at=row.created_at)
    outbox.dispatch_due()
    (message,) = mail.outbox
    assert message.to == [partner_rep.email]
    assert "/password/reset/key/" in message.body
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT
    assert "/password/reset/key/" not in row.body_text


def test_an_unknown_address_also_gets_its_message_through_the_outbox(client, user):
    client.post(reverse("account_reset_password"), {"email": "ukjent@example.org"})
    row = OutboxMessage.objects.get(kind=NotificationKind.ACCOUNT)
    assert row.to_email == "ukjent@example.org" and row.recipient is None
