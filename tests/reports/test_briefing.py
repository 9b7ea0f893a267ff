"""The ministries' briefing (issue 14 §2): flags, the PDF read back with pypdf (flagged matters
in, unflagged and exempt ones out), exactly one e-mail per recipient and period even when beat
fires twice or the task runs twice, failure and retry, and the pages' refusals."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from partnership import outbox
from partnership import services as partnership_services
from partnership.models import OutboxMessage
from reports import briefing as services
from reports.models import Briefing, PoliticalFlag

from ..factories import AffiliationFactory, MembershipFactory, PersonFactory
from ..partnerpot.factories import open_call, submitted_application
from .factories_briefing import held_period

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _pdf(briefing: Briefing) -> bytes:
    briefing.refresh_from_db()
    with default_storage.open(briefing.pdf, "rb") as handle:
        return handle.read()


@pytest.fixture
def period(registry, secretariat):
    return held_period(body=registry.partners_meeting, by=secretariat)


def _make(period, secretariat, capture):
    with capture(execute=True):
        briefing, created = services.briefing_request(
            period_start=period.start, period_end=period.end, requested_by=secretariat
        )
    assert created
    briefing.refresh_from_db()
    return briefing


# --- Flags ------------------------------------------------------------------------------------
def test_a_flag_points_at_exactly_one_matter(period, secretariat):
    flag = services.flag_set(target=period.decision, note="Av interesse", by=secretariat)
    assert flag.kind == "decision" and flag.target == period.decision
    again = services.flag_set(target=period.decision, note="  Ny   merknad ", by=secretariat)
    assert again.pk == flag.pk and again.note == "Ny merknad"
    assert PoliticalFlag.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        PoliticalFlag.objects.create(
            decision=period.decision, agenda_item=period.public_item, note="To mål"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PoliticalFlag.objects.create(note="Ingen mål")


def test_only_the_secretariat_flags(period, ministry_observer):
    with pytest.raises(services.ValidationError):
        services.flag_set(target=period.decision, note="Nei", by=ministry_observer)


def test_flag_page_flags_and_unflags(login, period, secretariat):
    client = login(secretariat)
    page = client.get(
        reverse("reports:flag_list"),
        {"period_start": period.start.isoformat(), "period_end": period.end.isoformat()},
    )
    assert page.status_code == 200
    assert "Skolemiljøet i kommunene" in page.content.decode()
    response = client.post(
        reverse("reports:flag_set"),
        {"kind": "agenda_item", "target": period.public_item.pk, "note": "Bør følges"},
    )
    assert response.status_code == 302
    flag = PoliticalFlag.objects.get(agenda_item=period.public_item)
    assert flag.note == "Bør følges" and flag.flagged_by == secretariat
    # No note: refused with a message, nothing saved.
    response = client.post(
        reverse("reports:flag_set"),
        {"kind": "decision", "target": period.decision.pk, "note": ""},
        follow=True,
    )
    assert "Skriv en kort merknad" in response.content.decode()
    assert not PoliticalFlag.objects.filter(decision=period.decision).exists()
    response = client.post(reverse("reports:flag_remove", args=[flag.pk]))
    assert response.status_code == 302
    assert not PoliticalFlag.objects.exists()


def test_a_ministry_observer_cannot_flag(login, period, ministry_observer):
    client = login(ministry_observer)
    response = client.post(
        reverse("reports:flag_set"),
        {"kind": "decision", "target": period.decision.pk, "note": "Nei"},
    )
    assert response.status_code == 403
    assert client.get(reverse("reports:flag_list")).status_code == 403
    assert not PoliticalFlag.objects.exists()


# --- The PDF ----------------------------------------------------------------------------------
def test_flagged_matters_appear_and_unflagged_ones_do_not(
    registry,
    period,
    secretariat,
    partner_rep,
    ministry_observer,
    django_capture_on_commit_callbacks,
):
    call = open_call(by=secretariat)
    application = submitted_application(
        call=call, applicant=registry.partner, by=partner_rep, title="Elevstemmer i Bergen"
    )
    services.flag_set(target=period.public_item, note="NOTAT-SAK kommunene", by=secretariat)
    services.flag_set(target=period.decision, note="NOTAT-VEDTAK kartlegging", by=secretariat)
    services.flag_set(target=application, note="NOTAT-SØKNAD Bergen", by=secretariat)
    # The ministry observer is no member of the Partnermøte: exempt matters stay out.
    services.flag_set(target=period.exempt_item, note="NOTAT-HEMMELIG", by=secretariat)

    briefing = _make(period, secretariat, django_capture_on_commit_callbacks)
    assert briefing.status == Briefing.Status.SENT
    data = _pdf(briefing)
    reader = PdfReader(io.BytesIO(data))
    assert reader.trailer["/Root"]["/Lang"] == "nb"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    text = _text(data)
    assert "Orientering til departementene" in text
    for flagged in (
        "NOTAT-SAK kommunene",
        "Skolemiljøet i kommunene",
        "NOTAT-VEDTAK kartlegging",
        "Kartlegging av skolemiljøet",
        "NOTAT-SØKNAD Bergen",
        "Elevstemmer i Bergen",
        application.reference,
    ):
        assert flagged in text, flagged
    for hidden in ("Innkjøp av kaffe", "NOTAT-HEMMELIG", "Personalsak hemmelig", "Hemmelig vedtak"):
        assert hidden not in text, hidden
    assert "unntatt offentlighet og ikke tatt med" in text
    assert period.meeting.body.name in text  # the meetings held


def test_exempt_matters_appear_when_every_recipient_may_see_them(
    registry, period, secretariat, ministry_observer, django_capture_on_commit_callbacks
):
    # Every recipient (the one ministry observer) now sits in the Partnermøte too.
    partnership_services.membership_start(
        person=ministry_observer,
        body=registry.partners_meeting,
        partner=registry.kd,
        role="member",
        starts_on=period.start,
    )
    services.flag_set(target=period.exempt_item, note="NOTAT-HEMMELIG", by=secretariat)
    text = _text(_pdf(_make(period, secretariat, django_capture_on_commit_callbacks)))
    assert "NOTAT-HEMMELIG" in text and "Hemmelig vedtak" in text


def test_an_empty_period_gives_a_short_briefing(
    registry, secretariat, ministry_observer, django_capture_on_commit_callbacks
):
    start, end = dt.date(2024, 1, 1), dt.date(2024, 3, 31)
    with django_capture_on_commit_callbacks(execute=True):
        briefing, _ = services.briefing_request(
            period_start=start, period_end=end, requested_by=secretariat
        )
    text = _text(_pdf(briefing))
    assert "Ingen møter ble holdt i perioden." in text
    assert "Ingen saker er merket" in text


# --- Exactly once -----------------------------------------------------------------------------
def test_one_email_per_recipient_and_period_even_when_beat_fires_twice(
    registry, secretariat, ministry_observer, django_capture_on_commit_callbacks
):
    other = PersonFactory(full_name="Hege Helsedepartement", email="hege@example.org")
    AffiliationFactory(person=other, partner=registry.kd)
    MembershipFactory(person=other, body=registry.state_group, partner=registry.kd)
    mail.outbox.clear()
    for _tick in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.quarterly_briefing()
    briefing = Briefing.objects.get()
    start, end = services.previous_quarter(services.today())
    assert (briefing.period_start, briefing.period_end) == (start, end)
    assert briefing.requested_by is None and briefing.status == Briefing.Status.SENT
    # The task run again (a redelivered message) sends nothing more.
    assert services.briefing_make_and_send(briefing_id=briefing.pk) == "already sent"
    rows = OutboxMessage.objects.filter(kind=services.Kind.BRIEFING)
    assert sorted(rows.values_list("to_email", flat=True)) == [
        "dina@example.org",
        "hege@example.org",
    ]
    # Sent on commit (eager tasks in the tests); a sweep afterwards sends nothing again.
    outbox.dispatch_due(time_budget=30)
    assert sorted(m.to[0] for m in mail.outbox) == ["dina@example.org", "hege@example.org"]
    attachment = mail.outbox[0].attachments[0]
    assert attachment[0].endswith(".pdf") and attachment[1].startswith(b"%PDF")


def test_two_requests_for_one_period_make_one_briefing(
    period, secretariat, ministry_observer, django_capture_on_commit_callbacks
):
    briefing = _make(period, secretariat, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        again, created = services.briefing_request(
            period_start=period.start, period_end=period.end, requested_by=secretariat
        )
    assert again.pk == briefing.pk and not created
    assert OutboxMessage.objects.filter(kind=services.Kind.BRIEFING).count() == 1


# --- Failure ----------------------------------------------------------------------------------
def test_a_failed_briefing_shows_its_reason_and_can_be_retried(
    login, period, secretariat, ministry_observer, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("skriveren er tom for blekk")

    monkeypatch.setattr(services, "briefing_pdf", broken)
    briefing = _make(period, secretariat, django_capture_on_commit_callbacks)
    assert briefing.status == Briefing.Status.FAILED and "blekk" in briefing.error
    assert briefing.pdf == ""
    assert not OutboxMessage.objects.filter(kind=services.Kind.BRIEFING).exists()
    client = login(secretariat)
    page = client.get(reverse("reports:briefing_detail", args=[briefing.pk])).content.decode()
    assert "blekk" in page and "Prøv igjen" in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:briefing_retry", args=[briefing.pk]))
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.SENT
    assert OutboxMessage.objects.filter(kind=services.Kind.BRIEFING).count() == 1


# --- Pages and bad input ----------------------------------------------------------------------
def _create(client, start, end):
    return client.post(
        reverse("reports:briefing_create"),
        {"period_start": start, "period_end": end, "language": "nb"},
    )


def test_the_secretariat_asks_for_a_briefing_and_sees_who_got_it(
    login, period, secretariat, ministry_observer, django_capture_on_commit_callbacks
):
    client = login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = _create(client, period.start.isoformat(), period.end.isoformat())
    assert response.status_code == 302
    briefing = Briefing.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert "dina@example.org" in detail and "Last ned orienteringen" in detail
    download = client.get(reverse("reports:briefing_download", args=[briefing.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # The ministry observer reads the list, the briefing and its PDF.
    observer = login(ministry_observer)
    assert observer.get(reverse("reports:briefing_list")).status_code == 200
    assert observer.get(reverse("reports:briefing_detail", args=[briefing.pk])).status_code == 200


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-03-31", "2026-01-01", "Perioden må slutte samme dag som eller etter"),
        ("2999-01-01", "2999-03-31", "Perioden kan ikke starte fram i tid"),
        ("2020-01-01", "2023-12-31", "høyst ett år"),
        ("ikke en dato", "2026-01-01", "gyldig dato"),
    ],
)
def test_bad_periods_are_refused_clearly(login, secretariat, start, end, message):
    response = _create(login(secretariat), start, end)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Briefing.objects.exists()


def test_a_ministry_observer_may_not_ask_for_a_briefing(login, ministry_observer):
    client = login(ministry_observer)
    assert client.get(reverse("reports:briefing_create")).status_code == 403
    assert _create(client, "2026-01-01", "2026-03-31").status_code == 403
    assert not Briefing.objects.exists()


def test_others_do_not_read_briefings(login, period, user, partner_rep, secretariat):
    briefing = Briefing.objects.create(period_start=period.start, period_end=period.end)
    for person in (user, partner_rep):
        client = login(person)
        assert client.get(reverse("reports:briefing_list")).status_code == 403
        assert client.get(reverse("reports:briefing_detail", args=[briefing.pk])).status_code == 404


@pytest.mark.parametrize(
    ("language", "heading"),
    [("nn", "Orienteringar til departementa"), ("en", "Briefings for the ministries")],
)
def test_briefing_pages_in_nynorsk_and_english(login, secretariat, language, heading):
    secretariat.preferred_language = language
    secretariat.save()
    page = login(secretariat).get(reverse("reports:briefing_list"))
    assert heading in page.content.decode()
