"""PDFs of the notice and of the approved minutes: their text, their PDF/UA-1 tagging, the
refusal of unapproved minutes, the stored copy made by the ``pdf.minutes`` task, and a URL
fetcher that never reaches the network.

The meeting and both PDFs are made once for the module (WeasyPrint takes about a second a
document); the tests read them.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re
import socket
import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import NoReverseMatch, reverse
from pypdf import PdfReader
from pypdf.generic import BooleanObject, ContentStream, IndirectObject

from meetings import pdf, services
from meetings.models import Attendance, Decision, Minutes
from partnership.models import Membership

from ..conftest import make_registry, shared_data
from ..factories import BodyFactory, MembershipFactory, PersonFactory
from .factories import AgendaItemFactory, approve_minutes, held_meeting

# Every test may read the module's meeting; the mark also makes pytest-django create the test
# database when only such tests are selected.
pytestmark = pytest.mark.django_db

P = Attendance.Status
PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}"


def _seat(body, partner, name: str, role: str = Membership.Role.MEMBER):
    person = PersonFactory(full_name=name)
    MembershipFactory(person=person, body=body, partner=partner, role=role)
    return person


def _build_meeting(registry):
    """A held Partnermøte with three items (one exempt), attendance with a deputy and a
    notice of absence, a member stepping aside, and approved minutes with decisions."""
    body = registry.partners_meeting
    kari = _seat(body, registry.partner, "Kari Nordmann", Membership.Role.LEADER)
    ola = _seat(body, registry.other_partner, "Ola Berntsen")
    per = _seat(body, registry.kd, "Per Sandvik")
    liv = _seat(body, registry.udir, "Liv Dahl")
    vera = _seat(body, registry.kd, "Vera Varasdottir", Membership.Role.DEPUTY)
    meeting = held_meeting(
        body=body, title="Partnermøte våren", video_url="https://video.example.org/pm-var"
    )
    budget = AgendaItemFactory(
        meeting=meeting,
        title="Budsjett for kampanjen mot mobbing",
        background="Arbeidsutvalget har lagt fram et forslag til budsjett.",
        proposed_decision="Budsjettet vedtas som foreslått.",
        responsible=kari,
    )
    exempt = AgendaItemFactory(
        meeting=meeting,
        title="Søknad om midler fra partnerpotten",
        background="Fortrolig vurdering av søkerens økonomi.",
        proposed_decision="Søknaden innvilges.",
        exempt=True,
        legal_basis="offl. § 14",
    )
    report = AgendaItemFactory(
        meeting=meeting,
        title="Orientering fra sekretariatet",
        kind="information",
        background="Status for handlingsplanen.",
    )
    services.attendance_record(meeting=meeting, person=kari, status=P.PRESENT)
    services.attendance_record(meeting=meeting, person=ola, status=P.PRESENT)
    services.attendance_record(meeting=meeting, person=per, status=P.DEPUTY_ATTENDING, deputy=vera)
    services.attendance_record(meeting=meeting, person=liv, status=P.ABSENT_WITH_NOTICE)
    services.step_aside_record(
        agenda_item=exempt, person=ola, reason="Styremedlem i søkerorganisasjonen"
    )
    minutes = services.minutes_start(meeting=meeting)
    texts = {
        budget.pk: ("Budsjettet ble gjennomgått.", "Budsjettet for kampanjen vedtas."),
        exempt.pk: (
            "Søknaden ble drøftet uten Ola Berntsen.",
            "Søknaden innvilges med 200 000 kr.",
        ),
        report.pk: ("Partnermøtet tok orienteringen til etterretning.", ""),
    }
    for entry in minutes.entries.all():
        summary, decision = texts[entry.agenda_item_id]
        services.minutes_entry_save(
            entry=entry, summary=summary, decision_text=decision, version=entry.version
        )
    services.follow_up_create(
        minutes_entry=minutes.entries.get(agenda_item=budget),
        what="Sende budsjettet til departementet",
        due_on=dt.date(2031, 3, 1),
        responsible_person=kari,
    )
    return meeting, minutes, {"budget": budget, "exempt": exempt, "report": report}


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        registry = make_registry()
        meeting, minutes, items = _build_meeting(registry)
        with pytest.raises(ValidationError):
            pdf.minutes_pdf(meeting=meeting)  # still a draft
        # WeasyPrint logs PDF/UA problems (a missing lang, an image without alt) as errors.
        records = _Records()
        weasy_logger = logging.getLogger("weasyprint")
        weasy_logger.addHandler(records)
        try:
            notice = pdf.notice_pdf(meeting=meeting)
            minutes = approve_minutes(minutes=minutes, how=Minutes.ApprovedHow.CIRCULATION)
            meeting.refresh_from_db()
            minutes_bytes = pdf.minutes_pdf(meeting=meeting)
        finally:
            weasy_logger.removeHandler(records)
        yield {
            "meeting": meeting,
            "minutes": minutes,
            "items": items,
            "decisions": {d.agenda_item_id: d for d in Decision.objects.filter(meeting=meeting)},
            "notice": notice,
            "minutes_pdf": minutes_bytes,
            "warnings": records.records,
        }


def _text(data: bytes) -> str:
    """The document's text with whitespace (line breaks included) collapsed."""
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _structure_tags(data: bytes) -> list[str]:
    """The structure types of the tag tree in reading order (depth first)."""
    root = PdfReader(BytesIO(data)).trailer["/Root"]
    tags: list[str] = []

    def walk(node):
        node = _resolve(node)
        if not hasattr(node, "get"):
            return  # a marked-content id
        if "/S" in node:
            tags.append(str(node["/S"]))
        kids = node.get("/K")
        kids = _resolve(kids) if kids is not None else []
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)

    walk(root["/StructTreeRoot"])
    return tags


# --- Content ---------------------------------------------------------------------------------
def test_notice_lists_the_agenda_with_exempt_items_marked(world):
    text = _text(world["notice"])
    meeting, items = world["meeting"], world["items"]
    assert "Innkalling: Partnermøte våren" in text
    assert "Partnermøtet" in text
    assert "Utdanningsdirektoratet, Schweigaards gate 15, Oslo" in text
    assert "https://video.example.org/pm-var" in text
    start = meeting.starts_at.astimezone(pdf.OSLO)
    assert f"kl. {start:%H:%M}–" in text
    for item in items.values():
        assert f"{item.label} {item.title}" in text
    assert "Budsjettet vedtas som foreslått." in text
    assert "Arbeidsutvalget har lagt fram et forslag til budsjett." in text
    # The exempt item shows its number, title and legal basis, not its papers.
    assert "Unntatt offentlighet, offl. § 14" in text
    assert "Fortrolig vurdering" not in text
    assert "Side 1 av" in text
    try:
        page = reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk})
    except NoReverseMatch:  # the meeting pages are not routed: the PDF leaves the link out
        return
    assert f"{settings.SITE_URL}{page}" in text


def test_minutes_contain_attendance_quorum_items_and_decisions(world):
    text = _text(world["minutes_pdf"])
    items, decisions = world["items"], world["decisions"]
    assert "Referat: Partnermøte våren" in text
    for name in ("Kari Nordmann", "Ola Berntsen", "Liv Dahl"):
        assert name in text
    assert "Forfall, Vera Varasdottir møtte som vara" in text
    assert "Meldt forfall" in text
    # Four voting members, three present (one through a deputy): more than half.
    assert "Møtet var vedtaksført: 3 av 4 stemmeberettigede til stede (minst 3 kreves)." in text
    # Ola stepped aside on the exempt item, which is judged without him.
    assert "Ola Berntsen fratrådte i saken: Styremedlem i søkerorganisasjonen" in text
    assert "Vedtaksført i saken: 2 av 3 stemmeberettigede til stede" in text
    for item in items.values():
        assert f"{item.label} {item.title}" in text
    assert set(decisions) == {items["budget"].pk, items["exempt"].pk}
    for decision in decisions.values():
        assert f"Vedtak ({decision.label})" in text
        assert decision.text in text
    assert "Partnermøtet tok orienteringen til etterretning." in text
    assert "Sende budsjettet til departementet" in text
    assert "Unntatt offentlighet, offl. § 14" in text
    assert "Referatet ble godkjent ved sirkulasjon" in text


def test_minutes_can_leave_out_exempt_items(world):
    text = _text(pdf.minutes_pdf(meeting=world["meeting"], redact_exempt=True))
    exempt = world["items"]["exempt"]
    assert exempt.label in text
    assert "Unntatt offentlighet, offl. § 14" in text
    assert exempt.title not in text
    assert "200 000 kr" not in text
    assert world["decisions"][exempt.pk].label in text
    assert world["items"]["budget"].title in text


def test_the_pdf_follows_the_recipients_language(world):
    text = _text(pdf.notice_pdf(meeting=world["meeting"], language="en"))
    reader = PdfReader(BytesIO(pdf.notice_pdf(meeting=world["meeting"], language="nn")))
    assert reader.trailer["/Root"]["/Lang"] == "nn"
    assert "Partnermøte våren" in text


# --- PDF/UA-1 --------------------------------------------------------------------------------
@pytest.mark.parametrize("document", ["notice", "minutes_pdf"])
def test_pdfs_are_tagged_pdf_ua_1(world, document):
    data = world[document]
    reader = PdfReader(BytesIO(data))
    catalog = reader.trailer["/Root"]
    # The identification PDF/UA-1 asks for: pdfuaid:part = 1 in the XMP metadata.
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
    assert catalog["/Lang"] == "nb"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    assert reader.pdf_header == "%PDF-1.7"
    meeting = world["meeting"]
    assert reader.metadata.title.startswith(("Innkalling: ", "Referat: "))
    assert meeting.display_title in reader.metadata.title
    assert reader.metadata.author == "Partnerskap mot mobbing"
    # No PDF/UA problem reported by WeasyPrint while rendering (alt text, lang …).
    assert [r.getMessage() for r in world["warnings"]] == []


# Operators that put something on the page: text, paths, images, shadings.
PAINTING = {b"Tj", b"TJ", b"'", b'"', b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*"}
PAINTING |= {b"Do", b"sh"}


@pytest.mark.parametrize("document", ["notice", "minutes_pdf"])
def test_all_content_is_tagged_or_an_artifact(world, document):
    """PDF/UA-1 7.1-3: nothing is painted outside marked content (real content or artifact);
    catches print.css decoration that WeasyPrint would draw untagged."""
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


@pytest.mark.parametrize("document", ["notice", "minutes_pdf"])
def test_headings_are_in_order_and_tables_have_headers(world, document):
    tags = _structure_tags(world[document])
    headings = [int(t[2:]) for t in tags if re.fullmatch(r"/H[1-6]", t)]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(headings, headings[1:], strict=False)), headings
    assert "/Table" in tags and "/TH" in tags and "/TD" in tags


@pytest.mark.parametrize("document", ["notice", "minutes_pdf"])
def test_fonts_are_the_local_dejavu_and_embedded(world, document):
    reader = PdfReader(BytesIO(world[document]))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].get_object().values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            fonts[str(font["/BaseFont"])] = descendant["/FontDescriptor"].get_object()
    assert fonts
    for name, descriptor in fonts.items():
        assert re.search(r"\+DejaVu-?Sans", name), name
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), name


# --- Only approved minutes --------------------------------------------------------------------
def test_minutes_pdf_refuses_minutes_that_are_not_approved(db):
    meeting = held_meeting(body=BodyFactory(), items=1)
    with pytest.raises(ValidationError, match="ikke godkjent"):
        pdf.minutes_pdf(meeting=meeting)  # no minutes at all
    services.minutes_start(meeting=meeting)
    with pytest.raises(ValidationError, match="ikke godkjent"):
        pdf.minutes_pdf(meeting=meeting)
    assert pdf.minutes_pdf_path(meeting) is None
    assert pdf.minutes_pdf_task(meeting_id=meeting.pk) is None
    assert not default_storage.exists(f"minutes/{meeting.pk}")


# --- The stored copy and the task -------------------------------------------------------------
def test_task_stores_the_approved_minutes_once_per_version(world, db, monkeypatch):
    from partnership.celery import app

    meeting, minutes = world["meeting"], world["minutes"]
    assert pdf.minutes_pdf_task.name == "pdf.minutes"
    assert app.amqp.router.route({}, pdf.minutes_pdf_task.name)["queue"].name == "pdf"
    assert pdf.minutes_pdf_path(meeting) is None
    name = pdf.minutes_pdf_task(meeting_id=meeting.pk)
    assert name == f"minutes/{meeting.pk}/v{minutes.version}.pdf"
    assert pdf.minutes_pdf_path(meeting) == name
    with default_storage.open(name) as stored:
        assert _text(stored.read()) == _text(world["minutes_pdf"])
    # A second run keeps the stored file and renders nothing.
    monkeypatch.setattr(pdf, "minutes_pdf", lambda **kw: pytest.fail("rendered again"))
    assert pdf.minutes_pdf_task(meeting_id=meeting.pk) == name
    assert pdf.minutes_pdf_task(meeting_id=0) is None


# --- The URL fetcher --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.png",
        "https://example.org/style.css",
        "ftp://example.org/x.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///etc/passwd",
        (pdf.STATIC_SRC / ".." / ".." / "partnership" / "settings.py").as_uri(),
        "file://example.org" + str(pdf.PRINT_CSS),
    ],
)
def test_fetcher_refuses_everything_but_local_static_files_and_fonts(url):
    with pytest.raises(pdf.FetchRefused):
        pdf.allowed_file(url)
    with pytest.raises(pdf.FetchRefused):
        pdf.restricted_url_fetcher()(url)


def test_fetcher_serves_only_the_images_it_was_given():
    """The annual report's charts are data: URLs the fetcher was handed by the code that drew
    them; any other data: URL (one pasted into a narrative, say) is refused as before."""
    chart = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    given = "data:image/svg+xml;base64," + base64.b64encode(chart).decode()
    other = "data:image/svg+xml;base64," + base64.b64encode(chart + b" ").decode()
    fetcher = pdf.restricted_url_fetcher(images={given: chart})
    response = fetcher(given)
    assert response.read() == chart and response.content_type == "image/svg+xml"
    with pytest.raises(pdf.FetchRefused):
        fetcher(other)
    assert fetcher.refused == [other]


def test_fetcher_reads_the_print_stylesheet_and_the_fonts():
    response = pdf.restricted_url_fetcher()(pdf.PRINT_CSS.as_uri())
    assert b"DejaVu Sans" in response.read()
    assert response.content_type == "text/css"
    font = pdf.FONT_DIRS[0] / "DejaVuSans.ttf"
    assert pdf.allowed_file(font.as_uri()) == font


def test_a_remote_image_is_not_fetched(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the PDF renderer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    fetcher = pdf.restricted_url_fetcher()
    data = pdf.html_to_pdf(
        html=(
            '<html lang="nb"><head><title>Test</title></head><body><h1>Test</h1>'
            '<img src="http://example.org/x.png" alt="Logo"></body></html>'
        ),
        url_fetcher=fetcher,
    )
    assert fetcher.refused == ["http://example.org/x.png"]
    assert data.startswith(b"%PDF-")
