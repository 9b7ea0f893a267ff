"""Partnerpotten's e-mails (issue 4 §2, §3, §5, §6): who gets which outbox row, in which
language, with which attachment, written in the transaction of the change.

Personas: partner_rep sits in the Partnermøte for FUG (``registry.partner``); partner_leader
and wg_member act for FUG without a Partnermøte seat; wg_leader acts for NIF; secretariat sits
in the Sekretariat.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from io import BytesIO

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from partnerpot import notifications, services
from partnerpot.models import Application, Call, StudyVisit
from partnerpot.notifications import Kind
from partnership import formats
from partnership.models import OutboxMessage, Person

from ..factories import MembershipFactory, PersonFactory
from ..meetings.factories import MeetingFactory, in_days
from .factories import (
    assessed_application,
    at_meeting,
    complete_application,
    deciding_meeting,
    draft_application,
    on_agenda,
    open_call,
    partners_body,
    submitted_application,
)

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


def rows(kind: str | None = None, **filters):
    qs = OutboxMessage.objects.filter(**filters)
    return qs.filter(kind=kind) if kind else qs


def recipients(kind: str | None = None, **filters) -> set[str]:
    return set(rows(kind, **filters).values_list("to_email", flat=True))


def emails(*people) -> set[str]:
    return {p.email for p in people}


@pytest.fixture
def nif_rep(registry) -> Person:
    """NIF's representative in the Partnermøte."""
    person = PersonFactory(full_name="Nils Idrett", email="nils@example.org")
    MembershipFactory(person=person, body=registry.partners_meeting, partner=registry.other_partner)
    return person


# --- Calls ------------------------------------------------------------------------------------
def test_a_published_call_tells_every_partner_representative(
    registry, partner_rep, nif_rep, partner_leader, secretariat
):
    call = open_call(by=secretariat)
    assert recipients(Kind.CALL_OPENED) == emails(partner_rep, nif_rep)
    row = rows(Kind.CALL_OPENED).get(to_email=partner_rep.email)
    assert row.status == Status.PENDING
    assert row.due_at <= timezone.now()
    assert call.title in row.subject
    assert call.title in row.body_text
    assert formats.money(call.max_per_application) in row.body_text
    assert notifications.format_datetime(call.closes_at) in row.body_text


def test_a_call_opening_later_is_announced_when_it_opens(registry, partner_rep, secretariat):
    call = _future_call(secretariat)
    row = rows(Kind.CALL_OPENED).get()
    assert row.to_email == partner_rep.email
    assert row.due_at == call.opens_at
    # Not sent before then.
    assert outbox_due_ids() == []


def outbox_due_ids():
    return list(
        OutboxMessage.objects.filter(status=Status.PENDING, due_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )


def _future_call(secretariat) -> Call:
    open_call(by=secretariat)  # criteria adopted, a call that is open
    OutboxMessage.objects.all().delete()
    now = timezone.now()
    call = services.call_create(
        year=now.year,
        title="Partnerpotten neste år",
        opens_at=now + dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=40),
        envelope=500000,
        max_per_application=100000,
        deciding_meeting=deciding_meeting(days=60),
        created_by=secretariat,
    )
    return services.call_publish(call=call, by=secretariat)


def test_moving_the_deadline_rewrites_waiting_announcements(registry, partner_rep, secretariat):
    call = _future_call(secretariat)
    old = rows(Kind.CALL_OPENED).get()
    call = services.call_update(
        call=call, closes_at=call.closes_at + dt.timedelta(days=7), by=secretariat
    )
    old.refresh_from_db()
    assert old.status == Status.CANCELLED
    new = rows(Kind.CALL_OPENED, status=Status.PENDING).get()
    assert new.to_email == partner_rep.email
    assert new.due_at == call.opens_at
    assert notifications.format_datetime(call.closes_at) in new.body_text


def test_moving_the_deadline_tells_people_with_drafts(
    registry, partner_rep, partner_leader, wg_leader, secretariat
):
    call = open_call(by=secretariat)
    draft_application(call=call, applicant=registry.partner, by=partner_rep)
    OutboxMessage.objects.all().delete()
    call = services.call_update(
        call=call, closes_at=call.closes_at + dt.timedelta(days=7), by=secretariat
    )
    # Everyone acting for FUG (which has a draft), nobody for NIF (which has none).
    assert recipients(Kind.CALL_CHANGED) == emails(partner_rep, partner_leader)
    row = rows(Kind.CALL_CHANGED).get(to_email=partner_rep.email)
    assert notifications.format_datetime(call.closes_at) in row.body_text
    # The already open call's announcement is not sent again.
    assert not rows(Kind.CALL_OPENED).exists()


def test_cancelling_a_call_cancels_pending_mail_and_tells_applicants(
    registry, partner_rep, partner_leader, wg_leader, nif_rep, secretariat
):
    call = open_call(by=secretariat)
    draft = draft_application(call=call, applicant=registry.partner, by=partner_rep, title="Utkast")
    submitted = submitted_application(call=call, applicant=registry.other_partner, by=wg_leader)
    pending = rows(Kind.CALL_OPENED, status=Status.PENDING).count()
    assert pending == 2
    services.call_cancel(call=call, by=secretariat)
    assert not rows(Kind.CALL_OPENED, status=Status.PENDING).exists()
    cancelled = rows(idempotency_key__contains=":cancelled:")
    # Drafts: everyone acting for FUG; submitted: NIF's representative and the submitter.
    assert set(cancelled.values_list("to_email", flat=True)) == emails(
        partner_rep, partner_leader, wg_leader, nif_rep
    )
    assert cancelled.get(to_email=partner_rep.email).kind == Kind.CALL_CANCELLED
    assert cancelled.get(to_email=nif_rep.email).kind == Kind.CALL_CANCELLED
    body = cancelled.get(to_email=partner_rep.email).body_text
    assert draft.reference in body and submitted.reference not in body


# --- Submission -------------------------------------------------------------------------------
def test_the_receipt_goes_to_the_partners_representatives_and_the_submitter(
    registry, partner_rep, partner_leader, wg_member, nif_rep, secretariat
):
    call = open_call(by=secretariat)
    application = submitted_application(call=call, applicant=registry.partner, by=wg_member)
    assert recipients(Kind.APPLICATION_RECEIPT) == emails(partner_rep, wg_member)
    row = rows(Kind.APPLICATION_RECEIPT).get(to_email=partner_rep.email)
    assert application.reference in row.subject
    assert application.reference in row.body_text
    assert "Mona Medlem" in row.body_text  # submitted by
    assert row.attachment == {
        "renderer": "partnerpot.notifications.receipt_pdf_attachment",
        "kwargs": {"application_id": application.pk},
    }
    assert row.idempotency_key == (
        f"partnerpot:application:{application.pk}:receipt:person:{partner_rep.pk}"
    )


def test_the_receipt_is_sent_with_the_pdf_in_the_recipients_language(
    registry, partner_rep, secretariat, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=partner_rep.pk).update(preferred_language="nn")
    call = open_call(by=secretariat)
    application = complete_application(call=call, applicant=registry.partner, by=partner_rep)
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=partner_rep)
    row = rows(Kind.APPLICATION_RECEIPT).get()
    assert row.language == "nn" and row.status == Status.SENT
    with translation.override("nn"):
        expected = _("Kvittering: søknad %(ref)s er sendt inn") % {"ref": application.reference}
    (message,) = mail.outbox
    assert message.subject == expected
    assert message.extra_headers["Content-Language"] == "nn"
    html, _mimetype = message.alternatives[0]
    assert '<html lang="nn">' in html
    ((filename, content, mimetype),) = message.attachments
    assert filename == f"kvittering-{application.reference.lower()}.pdf"
    assert mimetype == "application/pdf"
    reader = PdfReader(BytesIO(content))
    assert reader.trailer["/Root"]["/Lang"] == "nn"
    assert application.reference in reader.pages[0].extract_text()


def test_nothing_is_queued_when_the_transaction_rolls_back(
    registry, partner_rep, secretariat, django_capture_on_commit_callbacks
):
    call = open_call(by=secretariat)
    application = complete_application(call=call, applicant=registry.partner, by=partner_rep)
    OutboxMessage.objects.all().delete()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.application_submit(application=application, by=partner_rep)
        assert rows(Kind.APPLICATION_RECEIPT).exists()
        raise RuntimeError
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_withdrawing_tells_the_secretariat_only_after_submission(
    registry, partner_rep, secretariat
):
    call = open_call(by=secretariat)
    draft = draft_application(call=call, applicant=registry.partner, by=partner_rep)
    services.application_withdraw(application=draft, by=partner_rep)
    assert not rows(idempotency_key__contains=":withdrawn").exists()
    application = submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    services.application_withdraw(
        application=application, reason="Fikk andre midler.", by=partner_rep
    )
    row = rows(idempotency_key__contains=":withdrawn").get()
    assert row.to_email == secretariat.email
    assert application.reference in row.subject
    assert "Fikk andre midler." in row.body_text


# --- Information requests ---------------------------------------------------------------------
def test_an_information_request_goes_to_the_applicant_people(
    registry, partner_rep, partner_leader, secretariat
):
    call = open_call(by=secretariat)
    application = submitted_application(call=call, applicant=registry.partner, by=partner_leader)
    reply_by = timezone.localdate() + dt.timedelta(days=7)
    request = services.info_request_create(
        application=application,
        sections=["budget", "participation"],
        message="Forklar reisekostnadene.",
        reply_by=reply_by,
        by=secretariat,
    )
    assert recipients(Kind.INFO_REQUESTED) == emails(partner_rep, partner_leader)
    row = rows(Kind.INFO_REQUESTED).get(to_email=partner_rep.email)
    assert "Forklar reisekostnadene." in row.body_text
    assert "Budsjett" in row.body_text and "Barn og unges medvirkning" in row.body_text
    assert notifications.format_date(reply_by) in row.body_text
    assert notifications.format_date(reply_by) in row.subject
    reply_url = notifications._url(
        "partnerpot:info_reply",
        application.pk,
        fallback=notifications.application_url(application),
    )
    assert reply_url in row.body_text and reply_url in row.body_html

    services.info_request_answer(application=application, answer="Se budsjettet.", by=partner_rep)
    answered = rows(idempotency_key__contains=f":{request.pk}:answered").get()
    assert answered.to_email == secretariat.email
    assert "Se budsjettet." in answered.body_text


# --- The decision -----------------------------------------------------------------------------
def _decide(
    registry, rep, secretariat, *, outcome, letter_language="nb", amount=None, capture=None
):
    call = open_call(by=secretariat)
    application = assessed_application(
        call=call,
        applicant=registry.partner,
        by=rep,
        assessor=secretariat,
        letter_language=letter_language,
    )
    on_agenda(call=call, applications=[application], by=secretariat)
    OutboxMessage.objects.all().delete()
    # The decision's rows are due at the meeting: they are sent (on commit) while it lasts.
    with at_meeting(call.deciding_meeting), capture(execute=True) if capture else nullcontext():
        return services.application_decide(
            application=application,
            outcome=outcome,
            amount=amount,
            conditions="Rapport innen fristen.",
            reason="Godt prosjekt.",
            by=secretariat,
        )


def test_the_decision_goes_to_the_applicant_people_with_the_letter(
    registry, partner_rep, partner_leader, secretariat
):
    application = _decide(
        registry,
        partner_rep,
        secretariat,
        outcome=Application.Status.PARTLY_GRANTED,
        amount="80000",
    )
    assert recipients(Kind.GRANT_DECISION) == emails(partner_rep)
    row = rows(Kind.GRANT_DECISION).get()
    assert row.attachment == {
        "renderer": "partnerpot.notifications.letter_pdf_attachment",
        "kwargs": {"application_id": application.pk},
    }
    text = row.body_text.replace("\u00a0", " ")
    assert "80 000,00 kr" in text and "100 000,00 kr" in text
    assert application.decision.label in text
    assert "Rapport innen fristen." in text
    assert notifications.format_date(application.grant.report_due_on) in text
    assert "delvis innvilget" in row.subject


def test_the_letter_is_attached_in_the_letter_language_and_stored(
    registry, partner_rep, secretariat, django_capture_on_commit_callbacks
):
    """The e-mail follows the recipient (bokmål), the letter the applicant's choice (nynorsk);
    the letter is stored on the pdf queue once the decision is committed."""
    application = _decide(
        registry,
        partner_rep,
        secretariat,
        outcome=Application.Status.GRANTED,
        letter_language="nn",
        capture=django_capture_on_commit_callbacks,
    )
    application.refresh_from_db()
    assert application.letter_pdf.name.endswith(".pdf")
    messages = [m for m in mail.outbox if m.to == [partner_rep.email] and m.attachments]
    message = next(m for m in messages if application.reference in m.subject)
    assert message.extra_headers["Content-Language"] == "nb"
    ((filename, content, _mimetype),) = message.attachments
    assert filename == f"vedtak-{application.reference.lower()}.pdf"
    assert PdfReader(BytesIO(content)).trailer["/Root"]["/Lang"] == "nn"
    with application.letter_pdf.open("rb") as stored:
        assert stored.read() == content


def test_a_rejection_has_no_amount_or_report(registry, partner_rep, secretariat):
    _decide(registry, partner_rep, secretariat, outcome=Application.Status.REJECTED)
    row = rows(Kind.GRANT_DECISION).get()
    assert "Innvilget beløp" not in row.body_text
    assert "Sluttrapporten" not in row.body_text
    assert "avslått" in row.subject


def test_the_decision_is_sent_even_to_someone_who_turned_it_off(registry, partner_rep, secretariat):
    """Mandatory kinds cannot be turned off; a stray preference row changes nothing."""
    from partnership.models import NotificationPreference

    NotificationPreference.objects.create(
        person=partner_rep, kind=Kind.GRANT_DECISION, enabled=False
    )
    _decide(registry, partner_rep, secretariat, outcome=Application.Status.REJECTED)
    assert rows(Kind.GRANT_DECISION).get().status == Status.PENDING


# --- Final reports ----------------------------------------------------------------------------
def test_report_submitted_and_feedback(registry, partner_rep, secretariat):
    application = _decide(registry, partner_rep, secretariat, outcome=Application.Status.GRANTED)
    grant = services.grant_pay_out(grant=application.grant, by=secretariat)
    lines = {line.pk: ("50000", "") for line in application.budget_lines.all()}
    services.grant_report_save(
        grant=grant,
        by=partner_rep,
        what_was_done="Tre samlinger.",
        participation="Elevrådene ledet.",
        reach_count=300,
        reach_description="Elever",
        lines=lines,
    )
    services.grant_report_submit(grant=grant, by=partner_rep)
    submitted = rows(idempotency_key__contains=":submitted:").get()
    assert submitted.to_email == secretariat.email
    assert application.reference in submitted.subject

    services.grant_report_request_more(grant=grant, feedback="Legg ved bilag.", by=secretariat)
    more = rows(Kind.GRANT_REPORT_FEEDBACK, idempotency_key__contains=":feedback:more:").get()
    assert more.to_email == partner_rep.email
    assert "Legg ved bilag." in more.body_text

    services.grant_report_submit(grant=grant, by=partner_rep)
    assert rows(idempotency_key__contains=":submitted:").count() == 2
    services.grant_report_approve(grant=grant, by=secretariat)
    approved = rows(Kind.GRANT_REPORT_FEEDBACK, idempotency_key__contains=":approved:").get()
    assert approved.to_email == partner_rep.email
    assert "godkjent" in approved.subject


# --- Study visits -----------------------------------------------------------------------------
def test_study_visit_proposal_and_decision(
    registry, partner_rep, partner_leader, wg_leader, nif_rep, ministry_observer, secretariat
):
    visit = services.study_visit_create(
        partners=[registry.partner],
        title="Besøk til Danmark",
        destination="København",
        purpose="Lære av danske antimobbeprogrammer.",
        participants="Fem partnere",
        budget="60000",
        by=partner_rep,
    )
    services.study_visit_submit(visit=visit, by=partner_rep)
    row = rows(Kind.STUDY_VISIT_SUBMITTED).get()
    assert row.to_email == secretariat.email
    assert "Besøk til Danmark" in row.subject
    assert "København" in row.body_text

    meeting = MeetingFactory(body=partners_body(), starts_at=in_days(10))
    services.study_visit_put_on_agenda(visit=visit, meeting=meeting, by=secretariat)
    OutboxMessage.objects.all().delete()
    with at_meeting(meeting):
        visit = services.study_visit_decide(
            visit=visit, approved=True, reason="Nyttig.", amount="50000", by=secretariat
        )
    assert visit.status == StudyVisit.Status.APPROVED
    # Everyone acting for the proposing partner (FUG), not NIF or the ministry.
    assert recipients(Kind.STUDY_VISIT_DECISION) == emails(partner_rep, partner_leader)
    row = rows(Kind.STUDY_VISIT_DECISION).get(to_email=partner_rep.email)
    assert "50\u00a0000,00\u00a0kr" in row.body_text
    assert visit.decision.label in row.body_text
