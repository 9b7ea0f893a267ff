"""The outbox (partnership/outbox.py): rows first, each sent once, in the recipient's language.

In-process (tasks run eagerly in tests); tests/celery/ runs the same code with a real
worker on real Redis, killed and restarted.
"""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from meetings.notifications import Kind
from partnerpot.notifications import Kind as PotKind
from partnership import extensions, outbox, services
from partnership.models import NotificationKind, NotificationPreference, OutboxMessage, Person

from ..factories import InvitationFactory, PersonFactory

Status = OutboxMessage.Status


def draft(person: Person | None = None, *, key: str = "k:1", kind: str = Kind.NOTICE_DUE, **kw):
    return outbox.compose(
        kind=kind,
        idempotency_key=key,
        template="partnership/email/invitation",
        context={
            "invitation": {"full_name": "Test", "email": "t@example.org"},
            "url": "http://x/",
            "valid_days": 14,
        },
        subject=lambda: "Emne",
        recipient=person,
        to_email="" if person else "ekstern@example.org",
        **kw,
    )


@pytest.fixture
def person(db):
    return PersonFactory(email="mottaker@example.org")


def test_the_same_key_gives_one_row(person):
    assert outbox.enqueue([draft(person)]) == 1
    assert outbox.enqueue([draft(person), draft(person, key="k:2")]) == 1
    assert OutboxMessage.objects.count() == 2


def test_nothing_is_stored_or_queued_when_the_transaction_rolls_back(
    person, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue([draft(person)])
        raise RuntimeError
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_a_due_message_is_sent_on_commit_exactly_once(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue([draft(person)])
    assert len(mail.outbox) == 1
    row = OutboxMessage.objects.get()
    assert row.status == Status.SENT and row.sent_at is not None and row.attempts == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert message.extra_headers["Message-ID"] == outbox.message_id(row)
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.alternatives[0][1] == "text/html"

    assert outbox.dispatch_due().claimed == 0
    assert outbox.dispatch_ids([row.pk]).claimed == 0
    assert len(mail.outbox) == 1


def test_a_message_due_later_waits_for_the_sweep(person, django_capture_on_commit_callbacks):
    later = timezone.now() + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outbox.enqueue([draft(person, due_at=later)])
    assert callbacks == []
    assert outbox.dispatch_due().sent == 0
    with time_machine.travel(later + dt.timedelta(seconds=1)):
        assert outbox.dispatch_due().sent == 1
    assert len(mail.outbox) == 1


def test_a_row_left_sending_by_a_dead_worker_is_sent_after_its_lease(person, settings):
    outbox.enqueue([draft(person)], dispatch=False)
    row = OutboxMessage.objects.get()
    claim = outbox._claim(token="dead-worker", limit=10)  # claimed, then the worker died
    assert [r.pk for r in claim.rows] == [row.pk]
    assert outbox.dispatch_due().claimed == 0  # its lease has not run out
    lease_over = timezone.now() + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    with time_machine.travel(lease_over):
        assert outbox.dispatch_due().sent == 1
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 2
    assert len(mail.outbox) == 1


def test_a_sender_slower_than_its_lease_does_not_send_what_was_taken_over(person, settings):
    outbox.enqueue([draft(person, key="a"), draft(person, key="b")], dispatch=False)
    slow = outbox._claim(token="slow-worker", limit=10)
    lease_over = timezone.now() + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    with time_machine.travel(lease_over):
        taken = outbox._claim(token="other-worker", limit=1)
    assert [r.idempotency_key for r in taken.rows] == ["a"]
    # The slow sender wakes up past a third of its lease: it renews what is still its own.
    slow.fresh_until = 0
    result = outbox._deliver(slow)
    assert (result.sent, result.skipped) == (1, 1)
    assert outbox._deliver(taken).sent == 1
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        outbox.message_id(r) for r in OutboxMessage.objects.all()
    )


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_message_once():
    people = [PersonFactory() for _ in range(40)]
    outbox.enqueue([draft(p, key=f"k:{p.pk}") for p in people], dispatch=False)
    barrier = threading.Barrier(3)
    results = []

    def sweep():
        try:
            barrier.wait()
            results.append(outbox.dispatch_due(batch_size=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.sent for r in results) == 40
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP-tjeneren svarer ikke")


def test_a_failed_send_is_retried_later_and_given_up_after_max_attempts(person, settings):
    settings.EMAIL_BACKEND = "tests.partnership.test_outbox.BrokenBackend"
    outbox.enqueue([draft(person)], dispatch=False)
    result = outbox.dispatch_due()
    assert (result.sent, result.failed) == (0, 1)
    row = OutboxMessage.objects.get()
    assert row.status == Status.PENDING
    assert "SMTP-tjeneren svarer ikke" in row.last_error
    assert row.due_at > timezone.now()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(outbox.MAX_ATTEMPTS - 1):
            traveller.shift(dt.timedelta(hours=7))  # past the longest back-off (6 hours)
            outbox.dispatch_due()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, outbox.MAX_ATTEMPTS)


def test_preferences_suppress_optional_kinds_but_never_mandatory_ones(person):
    outbox.notification_preferences_update(person=person, enabled={Kind.NOTICE_DUE: False})
    outbox.enqueue(
        [draft(person, key="a"), draft(person, key="b", kind=Kind.MEETING_NOTICE)], dispatch=False
    )
    assert dict(OutboxMessage.objects.values_list("idempotency_key", "status")) == {
        "a": Status.SUPPRESSED,
        "b": Status.PENDING,
    }
    # Turned off after the row was written: suppressed when it is due.
    outbox.enqueue([draft(person, key="c", kind=Kind.FOLLOW_UP_DUE)], dispatch=False)
    outbox.notification_preferences_update(person=person, enabled={Kind.FOLLOW_UP_DUE: False})
    outbox.dispatch_due()
    assert OutboxMessage.objects.get(idempotency_key="c").status == Status.SUPPRESSED
    assert [m.subject for m in mail.outbox] == ["Emne"]  # the notice

    with pytest.raises(ValidationError) as exc:
        outbox.notification_preferences_update(person=person, enabled={Kind.MEETING_NOTICE: False})
    assert exc.value.messages == ["Innkalling til møte sendes alltid og kan ikke slås av."]
    assert outbox.notification_preferences(person) == {
        k: k not in (Kind.NOTICE_DUE, Kind.FOLLOW_UP_DUE)
        for k, _label in extensions.optional_notification_kinds()
    }


def test_no_mail_to_a_person_who_is_no_longer_active(person):
    outbox.enqueue([draft(person)], dispatch=False)
    Person.objects.filter(pk=person.pk).update(is_active=False)
    outbox.dispatch_due()
    assert OutboxMessage.objects.get().status == Status.CANCELLED
    assert mail.outbox == []


@outbox.attachment_renderer
def hello_attachment(*, name: str, language: str):
    return outbox.Attachment(f"{name}-{language}.txt", b"hei", "text/plain")


def broken_attachment(*, language: str):  # not marked: never called
    raise AssertionError("called")


def test_attachments_are_rendered_at_send_time_by_marked_renderers_only(person):
    spec = outbox.attachment_spec(hello_attachment, name="vedlegg")
    outbox.enqueue([draft(person, key="a", attachment=spec)], dispatch=False)
    outbox.enqueue(
        [draft(person, key="b", attachment={"renderer": f"{__name__}.broken_attachment"})],
        dispatch=False,
    )
    with pytest.raises(ValueError):
        outbox.attachment_spec(broken_attachment)
    outbox.dispatch_due()
    by_key = {m.extra_headers["Message-ID"]: m for m in mail.outbox}
    a, b = (OutboxMessage.objects.get(idempotency_key=k) for k in "ab")
    assert by_key[outbox.message_id(a)].attachments == [
        ("vedlegg-nb.txt", "hei", "text/plain")
    ]  # text is decoded
    # A broken attachment does not hold the e-mail back; the row says what went wrong.
    assert by_key[outbox.message_id(b)].attachments == []
    assert b.status == Status.SENT and "not an attachment renderer" in b.last_error


def test_unknown_kinds_are_refused(person):
    with pytest.raises(ValueError):
        draft(person, kind="spam")


# --- Invitations go through the outbox -------------------------------------------------------
def test_the_invitation_is_a_mandatory_outbox_row_scrubbed_after_sending(
    registry, secretariat, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(person=secretariat, kind=Kind.NOTICE_DUE, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invitation_create(
            invited_by=secretariat, email="ny@example.org", full_name="Ny", language="nn"
        )
    row = OutboxMessage.objects.get()
    assert (row.kind, row.recipient, row.to_email, row.language) == (
        NotificationKind.INVITATION,
        None,
        "ny@example.org",
        "nn",
    )
    assert row.status == Status.SENT
    assert len(mail.outbox) == 1 and token in mail.outbox[0].body
    # The single-use link is not kept in the database once it has been sent.
    assert token not in row.body_text + row.body_html


def test_revoking_an_invitation_cancels_its_unsent_message(registry, secretariat):
    invitation = InvitationFactory(invited_by=secretariat)  # on-commit dispatch not run here
    services.invitation_revoke(invitation=invitation)
    row = OutboxMessage.objects.get()
    assert row.status == Status.CANCELLED
    assert invitation.token not in row.body_text


# --- The profile page: "Varslinger" -----------------------------------------------------------
def test_the_profile_page_turns_optional_notifications_on_and_off(login, client, wg_member):
    login(wg_member)
    page = client.get(reverse("profile")).content.decode()
    assert "<legend" in page and "Varslinger" in page
    optional = extensions.optional_notification_kinds()
    # Every app's optional kinds, registered in its ready(): the core's list names none of them.
    assert {Kind.NOTICE_DUE, PotKind.CALL_DEADLINE} <= {kind for kind, _label in optional}
    for kind, label in optional:
        assert f'name="varsel-{kind}"' in page
        assert str(label) in page
    assert 'name="varsel-meeting_notice"' not in page

    data = {
        "full_name": wg_member.full_name,
        "title": "",
        "phone": "",
        "preferred_language": "nb",
        **{f"varsel-{k}": "on" for k, _label in optional},
    }
    del data["varsel-proposal_deadline"]
    response = client.post(reverse("profile"), data)
    assert response.status_code == 302
    assert outbox.notification_preferences(wg_member)[Kind.PROPOSAL_DEADLINE] is False
    assert sum(outbox.notification_preferences(wg_member).values()) == (len(optional) - 1)
    page = client.get(reverse("profile")).content.decode()
    assert "checked" not in checkbox(page, "varsel-proposal_deadline")
    assert "checked" in checkbox(page, "varsel-notice_due")


def checkbox(page: str, name: str) -> str:
    (tag,) = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return tag


def test_an_invalid_profile_saves_no_notification_choices(login, client, wg_member):
    login(wg_member)
    response = client.post(
        reverse("profile"),
        {"full_name": "", "title": "", "phone": "", "preferred_language": "nb"},
    )
    assert response.status_code == 400
    assert not NotificationPreference.objects.filter(person=wg_member).exists()
