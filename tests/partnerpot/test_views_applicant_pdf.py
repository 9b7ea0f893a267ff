"""The receipt and the decision letter as downloads: who gets them, when, in which language."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from partnerpot import pdf
from tests.partnerpot.factories import draft_application, open_call, submitted_application
from tests.partnerpot.matrix_applicant import granted_application

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    reader = PdfReader(BytesIO(content))
    return " ".join((page.extract_text() or "") for page in reader.pages)


@pytest.fixture
def call(secretariat):
    return open_call(by=secretariat)


@pytest.fixture
def submitted(call, registry, partner_rep):
    return submitted_application(call=call, applicant=registry.partner, by=partner_rep)


@pytest.fixture
def granted(call, registry, partner_rep, secretariat):
    return granted_application(
        call=call, applicant=registry.partner, by=partner_rep, secretariat=secretariat
    )


def test_the_receipt_of_a_submitted_application(client, login, partner_rep, submitted):
    login(partner_rep)
    response = client.get(reverse("partnerpot:receipt_pdf", args=[submitted.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{pdf.receipt_filename(submitted)}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF")
    text = _text(response.content)
    assert submitted.reference in text
    assert "Foreldreutvalget for grunnopplæringen" in text


def test_no_receipt_for_a_draft(client, login, partner_rep, call, registry):
    draft = draft_application(call=call, applicant=registry.partner, by=partner_rep)
    login(partner_rep)
    assert client.get(reverse("partnerpot:receipt_pdf", args=[draft.pk])).status_code == 404


def test_the_receipt_is_in_the_readers_language(client, login, partner_rep, submitted, monkeypatch):
    asked = {}

    def fake(*, application, language):
        asked["language"] = language
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(pdf, "receipt_pdf", fake)
    login(partner_rep)
    client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    client.get(reverse("partnerpot:receipt_pdf", args=[submitted.pk]))
    assert asked["language"] == "nn"


def test_the_decision_letter(client, login, partner_rep, secretariat, granted):
    for person in (partner_rep, secretariat):
        login(person)
        response = client.get(reverse("partnerpot:letter_pdf", args=[granted.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            f'attachment; filename="{pdf.letter_filename(granted)}"'
        )
        text = _text(response.content)
        assert granted.reference in text
        assert "100 000,00" in text.replace("\u00a0", " ")


def test_the_letter_is_in_the_applicants_language(client, login, partner_rep, granted, monkeypatch):
    asked = {}

    def fake(*, application, language=None):
        asked["language"] = language
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(pdf, "letter_pdf", fake)
    login(partner_rep)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.get(reverse("partnerpot:letter_pdf", args=[granted.pk]))
    assert asked["language"] is None  # pdf.letter_pdf then writes in application.letter_language


def test_the_letter_kept_with_the_application_is_served(client, login, partner_rep, granted):
    granted.letter_pdf.save("vedtak.pdf", ContentFile(b"%PDF-1.7 stored letter"), save=True)
    login(partner_rep)
    response = client.get(reverse("partnerpot:letter_pdf", args=[granted.pk]))
    assert response.content == b"%PDF-1.7 stored letter"


def test_no_letter_before_the_decision(client, login, partner_rep, submitted):
    login(partner_rep)
    assert client.get(reverse("partnerpot:letter_pdf", args=[submitted.pk])).status_code == 404


def test_other_partners_get_no_pdfs(client, login, wg_leader, submitted, granted):
    login(wg_leader)
    assert client.get(reverse("partnerpot:receipt_pdf", args=[submitted.pk])).status_code == 404
    assert client.get(reverse("partnerpot:letter_pdf", args=[granted.pk])).status_code == 404
