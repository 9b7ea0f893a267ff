"""Partnerpotten's PDFs: the receipt (a copy of the submitted application) and the decision
letter in bokmål or nynorsk, their text, their PDF/UA-1 tagging, and the stored letter made by
the ``pdf.partnerpot_letter`` task.

The applications and PDFs are made once for the module (WeasyPrint takes about a second a
document); the tests read them.
"""

from __future__ import annotations

import logging
import os
import re
import xml.etree.ElementTree as ET
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import BooleanObject, ContentStream

from partnerpot import pdf, services, tasks
from partnerpot.models import Application, CoApplicant

from ..conftest import make_persona, make_registry, shared_data
from .factories import (
    assessed_application,
    at_meeting,
    complete_application,
    on_agenda,
    open_call,
)

pytestmark = pytest.mark.django_db

PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}"
NBSP = "\u00a0"
# A minimal PDF, accepted by the upload check (type by content).
TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def _submit_and_assess(application, rep, secretariat):
    application = services.application_submit(application=application, by=rep)
    services.assessment_save(
        application=application,
        by=secretariat,
        is_complete=True,
        fits_criteria=True,
        recommendation="grant",
        recommendation_text="Godt forankret.",
        scores={c.pk: (4, "") for c in application.call.criteria.all()},
    )
    application.refresh_from_db()
    return application


def _decided(registry, rep, secretariat):
    """Two applications decided in the same meeting: one partly granted (80 000 of 100 000,
    letter in nynorsk, a co-applicant and an attachment), one rejected (bokmål)."""
    call = open_call(by=secretariat, title="Partnerpotten våren")
    partly = complete_application(
        call=call, applicant=registry.partner, by=rep, letter_language="nn"
    )
    services.co_applicant_add(
        application=partly, kind=CoApplicant.Kind.MUNICIPALITY, name="Bergen kommune", by=rep
    )
    services.file_add(
        application=partly,
        file=SimpleUploadedFile("Prosjektplan.pdf", TINY_PDF, "application/pdf"),
        by=rep,
    )
    partly = _submit_and_assess(partly, rep, secretariat)
    rejected = _submit_and_assess(
        complete_application(
            call=call, applicant=registry.other_partner, by=None, title="Aktiv i friminuttet"
        ),
        None,
        secretariat,
    )
    on_agenda(call=call, applications=[partly, rejected], by=secretariat)
    with at_meeting(call.deciding_meeting):
        partly = services.application_decide(
            application=partly,
            outcome=Application.Status.PARTLY_GRANTED,
            amount="80000",
            conditions="Rapport innen fristen.",
            reason="Godt prosjekt, men høye reisekostnader.",
            by=secretariat,
        )
        rejected = services.application_decide(
            application=rejected,
            outcome=Application.Status.REJECTED,
            reason="Prosjektet mangler medvirkning fra barn og unge.",
            by=secretariat,
        )
    return partly, rejected


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with shared_data(django_db_blocker), override_settings(MEDIA_ROOT=media):
        registry = make_registry()
        rep = make_persona("partner_rep", registry)
        secretariat = make_persona("secretariat", registry)
        partly, rejected = _decided(registry, rep, secretariat)
        # WeasyPrint logs PDF/UA problems (a missing lang, an image without alt) as errors.
        records = _Records()
        weasy_logger = logging.getLogger("weasyprint")
        weasy_logger.addHandler(records)
        try:
            documents = {
                "receipt": pdf.receipt_pdf(application=partly, language="nb"),
                "receipt_nn": pdf.receipt_pdf(application=partly, language="nn"),
                "letter": pdf.letter_pdf(application=partly),
                "letter_nb": pdf.letter_pdf(application=partly, language="nb"),
                "rejected": pdf.letter_pdf(application=rejected),
            }
        finally:
            weasy_logger.removeHandler(records)
        out = os.environ.get("PARTNERPOT_PDF_DIR")
        if out:  # to look at the layout: PARTNERPOT_PDF_DIR=/tmp/pp pytest …
            Path(out).mkdir(parents=True, exist_ok=True)
            for name, data in documents.items():
                Path(out, f"{name}.pdf").write_bytes(data)
        yield {
            "registry": registry,
            "rep": rep,
            "partly": partly,
            "rejected_application": rejected,
            "warnings": records.records,
            **documents,
        }


def _text(data: bytes) -> str:
    """The document's text with whitespace (line breaks included) collapsed."""
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _money(text: str) -> str:
    """ "80 000,00 kr" as it comes out of the PDF (no-break spaces become spaces)."""
    return text.replace(NBSP, " ")


# --- The receipt ------------------------------------------------------------------------------
def test_receipt_is_a_copy_of_the_application(world):
    text = _money(_text(world["receipt"]))
    application = world["partly"]
    assert f"Kvittering for søknad {application.reference}" in text
    assert application.reference == f"PP-{application.call.year}-1"
    assert "Foreldreutvalget for grunnopplæringen" in text
    assert "Partnerpotten våren" in text
    for value in (
        "Trygge overganger",
        "Elevrådene i tre kommuner lager et opplegg for trygge overganger.",
        "Elever på 7. og 8. trinn",
        "Vestland, Bergen",
        "Elevrådene planlegger og leder samlingene selv.",
        "Tre samlinger og en digital ressurs.",
        "Verbal mobbing",
        "Digital mobbing",
        "Samlinger",
        "Digital ressurs",
        "Bergen kommune",
        "Prosjektplan.pdf",
    ):
        assert value in text, value
    # Budget lines and totals.
    assert "110 000,00 kr" in text  # the first line
    assert "10 000,00 kr" in text
    assert "Sum budsjett 120 000,00 kr" in text
    assert "Egeninnsats 20 000,00 kr" in text
    assert "Omsøkt fra Partnerpotten 100 000,00 kr" in text
    # Submitted at and by.
    assert "Sendt inn av Pia Partnerrepresentant" in text
    assert "Sendt inn" in text and " kl. " in text
    assert "Side 1 av" in text


def test_receipt_follows_the_readers_language(world):
    reader = PdfReader(BytesIO(world["receipt_nn"]))
    assert reader.trailer["/Root"]["/Lang"] == "nn"
    with translation.override("nn"):
        heading = _("Kvittering for søknad %(ref)s") % {"ref": world["partly"].reference}
    assert heading in _text(world["receipt_nn"])


# --- The decision letter ----------------------------------------------------------------------
def test_letter_states_the_decision_with_amounts_and_register_label(world):
    application = world["partly"]
    text = _money(_text(world["letter_nb"]))
    assert "Partnerskap mot mobbing – sekretariatet" in text
    assert "Vedtak om tilskudd fra Partnerpotten" in text
    assert "Foreldreutvalget for grunnopplæringen" in text
    assert application.reference in text
    assert "Delvis innvilget" in text
    assert "80 000,00 kr" in text and "100 000,00 kr" in text
    assert "Rapport innen fristen." in text
    assert "Godt prosjekt, men høye reisekostnader." in text
    assert application.decision.label in text
    assert re.search(r"PM-vedtak \d+/\d{4}", text)
    # The grant's report deadline and what the final report must contain.
    grant = application.grant
    assert pdf._short_date(grant.report_due_on) in text
    assert "Sluttrapporten skal inneholde:" in text
    assert "hvordan barn og unge medvirket" in text
    assert "kontakte sekretariatet" in text


def test_rejection_letter_has_no_report_section(world):
    text = _money(_text(world["rejected"]))
    assert "Avslått" in text
    assert "Norges idrettsforbund" in text
    assert "Prosjektet mangler medvirkning fra barn og unge." in text
    assert "Sluttrapporten skal inneholde:" not in text
    assert world["rejected_application"].decision.label in text


def test_letter_is_in_the_applicants_written_standard(world):
    """The applicant chose nynorsk: the letter is in nynorsk unless a language is given."""
    nn, nb = world["letter"], world["letter_nb"]
    assert PdfReader(BytesIO(nn)).trailer["/Root"]["/Lang"] == "nn"
    assert PdfReader(BytesIO(nb)).trailer["/Root"]["/Lang"] == "nb"
    assert PdfReader(BytesIO(world["rejected"])).trailer["/Root"]["/Lang"] == "nb"
    text_nn, text_nb = _text(nn), _text(nb)
    assert text_nn != text_nb
    with translation.override("nn"):
        expected = [
            pdf.letterhead(),
            _("Vedtak om tilskudd fra Partnerpotten"),
            _("Sluttrapporten skal inneholde:"),
        ]
    for phrase in expected:
        assert phrase in text_nn


def test_filenames(world):
    application = world["partly"]
    ref = application.reference.lower()
    assert pdf.receipt_filename(application) == f"kvittering-{ref}.pdf"
    assert pdf.letter_filename(application) == f"vedtak-{ref}.pdf"


def test_letter_refuses_an_undecided_application(world):
    call = open_call()
    application = assessed_application(
        call=call, applicant=world["registry"].partner, by=world["rep"]
    )
    with pytest.raises(ValueError):
        pdf.letter_pdf(application=application)


# --- PDF/UA-1 ---------------------------------------------------------------------------------
DOCUMENTS = ["receipt", "letter", "rejected"]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_pdfs_are_tagged_pdf_ua_1(world, document):
    reader = PdfReader(BytesIO(world[document]))
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data()
    body = xmp[xmp.index(b"<x:xmpmeta") : xmp.rindex(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")]
    parts = [
        el.attrib[f"{PDFUAID}part"]
        for el in ET.fromstring(body).iter()
        if f"{PDFUAID}part" in el.attrib
    ] + [el.text for el in ET.fromstring(body).iter(f"{PDFUAID}part")]
    assert parts == ["1"]
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert "/StructTreeRoot" in catalog
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    assert reader.pdf_header == "%PDF-1.7"
    assert world["partly"].reference in reader.metadata.title or (
        world["rejected_application"].reference in reader.metadata.title
    )
    language = str(catalog["/Lang"])
    with translation.override(language):
        assert reader.metadata.author == str(settings.PORTAL_NAME)
    # No PDF/UA problem reported by WeasyPrint while rendering, no resource refused.
    assert [r.getMessage() for r in world["warnings"]] == []


PAINTING = {b"Tj", b"TJ", b"'", b'"', b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*"}
PAINTING |= {b"Do", b"sh"}


@pytest.mark.parametrize("document", DOCUMENTS)
def test_all_content_is_tagged_or_an_artifact(world, document):
    reader = PdfReader(BytesIO(world[document]))
    for page in reader.pages:
        depth, untagged = 0, []
        for _operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator in (b"BDC", b"BMC"):
                depth += 1
            elif operator == b"EMC":
                depth -= 1
            elif operator in PAINTING and depth == 0:
                untagged.append(operator)
        assert untagged == []


# --- The stored letter ------------------------------------------------------------------------
def test_letter_task_stores_the_letter_once(world):
    application = world["partly"]
    name = tasks.letter_pdf_task(application_id=application.pk)
    application.refresh_from_db()
    assert application.letter_pdf.name == name
    assert name.startswith(f"partnerpot/{application.pk}/") and name.endswith(".pdf")
    with default_storage.open(name) as stored:
        data = stored.read()
    assert data.startswith(b"%PDF")
    # The stored letter is the one in the applicant's written standard (nynorsk).
    assert PdfReader(BytesIO(data)).trailer["/Root"]["/Lang"] == "nn"
    assert application.reference in _text(data)
    # Again: the stored letter is kept, no second file.
    assert tasks.letter_pdf_task(application_id=application.pk) == name
    assert len(default_storage.listdir(f"partnerpot/{application.pk}")[1]) == 1


def test_letter_task_ignores_missing_and_undecided(world):
    assert tasks.letter_pdf_task(application_id=0) is None
    call = open_call()
    application = assessed_application(
        call=call, applicant=world["registry"].partner, by=world["rep"]
    )
    assert tasks.letter_pdf_task(application_id=application.pk) is None


def test_rejection_and_partial_grant_letters_say_how_to_appeal(world):
    """Finding 10 of the meetings-in-practice issue: the letters said nothing about appeal.
    The call's wording (here the default, as the criteria say nothing) is in both letters,
    in the letter's language."""
    for name in ("rejected", "letter_nb"):
        text = _text(world[name])
        assert "Klageadgang" in text, name
        assert "innen tre uker etter at dere mottok dette brevet" in text, name
    with translation.override("nn"):
        heading = _("Klageadgang")
    assert heading != "Klageadgang" and heading in _text(world["letter"])
