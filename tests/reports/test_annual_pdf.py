"""The annual report's PDF (issue 14 §1): each section's text read back with pypdf and checked
against the data; tagged PDF/UA-1 with an outline, a table of contents and /Lang."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from partnership import formats
from reports import annual, annual_pdf, services_annual
from reports.models import AnnualReport

from ..conftest import make_persona
from .factories import YEAR, agreement_period, year_of_data

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.replace("\xa0", " ").split())


def _outline_titles(reader) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def _figures(reader) -> list[str]:
    """The /Alt of every Figure in the structure tree."""
    alts = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            alts.append(str(node.get("/Alt", "")))
        if "/K" in node:
            walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return alts


@pytest.fixture
def data(registry, secretariat):
    return year_of_data(registry, secretariat, make_persona("partner_rep", registry))


def test_each_section_reads_back_against_the_data(registry, secretariat, data):
    report = services_annual.report_save(
        year=YEAR,
        expected_lock_version=1,
        language="nb",
        foreword="<p>Et godt år for partnerskapet.</p>",
        summary="<p>Kort sagt: mye arbeid.</p>",
        highlights="<ul><li>Skolestartkampanjen</li></ul>",
        next_year="<p>Ny handlingsplan.</p>",
    )
    rendered = annual_pdf.report_pdf(year=YEAR, report=report, language="nb")
    reader, text = _text(rendered.pdf)
    assert rendered.pages == len(reader.pages) > 3
    # Narrative sections
    for words in (
        "Et godt år for partnerskapet.",
        "Kort sagt: mye arbeid.",
        "Skolestartkampanjen",
        "Ny handlingsplan.",
    ):
        assert words in text
    # Meetings against the requirement: Ledermøtet held 2 of 2, Partnermøtet (the budget's
    # adoption and the call's deciding meeting) against 4
    gathered = annual.gather(YEAR, report)
    meetings = gathered.sections_by_key["meetings"]
    lm = next(r for r in meetings["bodies"] if r["name"] == "Ledermøtet")
    assert (lm["held"], lm["required"], lm["met"]) == (2, 2, True)
    assert f"Ledermøtet {lm['held']} {lm['required']} Ja" in text
    # Decisions
    assert f"LM-vedtak 1/{YEAR}" in text and "Handlingsplanen evalueres" in text
    # Partnerpotten
    application = data["application"]
    assert application.reference in text
    assert formats.money(application.grant.amount).replace("\xa0", " ") in text
    assert data["call"].title in text
    # Economy: the local group's allocation and what it spent
    assert "300 000,00 kr" in text and "12 345,50 kr" in text
    # Partners
    assert "Foreldreutvalget for grunnopplæringen (FUG)" in text
    # Summary figures
    summary = gathered.sections_by_key["summary"]["figures"]
    assert f"Vedtak {summary['decisions']}" in text


def test_the_pdf_is_tagged_with_outline_toc_and_language(registry, secretariat, data):
    for language, contents in (("nb", "Innhold"), ("nn", "Innhald")):
        rendered = annual_pdf.report_pdf(year=YEAR, language=language)
        reader, text = _text(rendered.pdf)
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root
        assert root["/MarkInfo"]["/Marked"]
        assert root["/Lang"] == language
        assert contents in text
        titles = _outline_titles(reader)
        assert any(str(YEAR) in t for t in titles)
        assert len(titles) >= len(annual.SECTIONS)
    # The economy's chart is an image (vectors, not a raster) tagged as a Figure whose /Alt
    # is the chart's title.
    figures = _figures(reader)
    assert any(str(YEAR) in alt for alt in figures)
    # The table of contents gives page numbers: "Økonomi ....... 7"
    first_pages = " ".join(reader.pages[i].extract_text() for i in range(2))
    assert any(ch.isdigit() for ch in first_pages.split("Innhald", 1)[1][:400])


def test_an_empty_year_gives_a_short_clear_report(db):
    agreement_period()
    rendered = annual_pdf.report_pdf(year=2022, language="nb")
    _reader, text = _text(rendered.pdf)
    assert "Portalen har ingen møter, vedtak, søknader eller regnskap for 2022" in text
    assert "Ingen vedtak i 2022." in text
    assert "Det er ikke ført noe budsjett for 2022." in text
    assert not AnnualReport.objects.exists()
