"""Issue 10 §1 and "Bad input": uploads that try to exhaust memory or smuggle a name or a
type, through the real upload views of both apps. Each gets a clear message; nothing is saved.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import AgendaAttachment
from partnerpot.models import ApplicationFile
from partnership import safezip, uploads
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, in_days
from tests.partnerpot.factories import draft_application, open_call

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
BOMB_MESSAGE = "pakkes ut til en urimelig størrelse"
TYPE_ERROR = "Filtypen er ikke tillatt."


def _bomb_odt(size: int = 200 * 1024 * 1024) -> bytes:
    """An OpenDocument file whose ``mimetype`` entry inflates to ``size`` bytes (under 1 MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=False) as entry:
            chunk = b"a" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                entry.write(chunk)
        archive.writestr("content.xml", b"<x/>")
    return buffer.getvalue()


def _lying_odt() -> bytes:
    """An OpenDocument file whose ``mimetype`` entry claims 40 bytes but inflates to 50 MB: the
    stated sizes pass every check, only a bounded read stays safe."""
    data = bytearray(_bomb_odt(50 * 1024 * 1024))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("mimetype")
    # Patch the uncompressed size in its central directory header (the first one; offset 24).
    central = data.find(b"PK\x01\x02")
    assert central >= 0 and info.file_size == 50 * 1024 * 1024
    data[central + 24 : central + 28] = (40).to_bytes(4, "little")
    return bytes(data)


def _many_entries(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for n in range(count):
            archive.writestr(f"word/p{n}.xml", b"")
    return buffer.getvalue()


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _bomb_odt()


def test_a_bomb_is_refused_without_unpacking_it(bomb):
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(safezip.UnsafeArchive):
            uploads.sniff(io.BytesIO(bomb), len(bomb))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes"


def test_an_entry_that_lies_about_its_size_is_read_only_a_little():
    data = _lying_odt()
    tracemalloc.start()
    try:
        with safezip.open_checked(io.BytesIO(data)) as archive:
            with pytest.raises(safezip.UnsafeArchive):  # its CRC fails at the stated end
                safezip.read_head(archive, "mimetype", 128)
            with pytest.raises(safezip.UnsafeArchive):
                safezip.read_bounded(archive, "mimetype", cap=1024 * 1024)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes"


@pytest.mark.parametrize("count", [6_000, 100_000])
def test_an_archive_with_too_many_entries_is_refused(count):
    data = _many_entries(count)
    with pytest.raises(safezip.UnsafeArchive):
        safezip.open_checked(io.BytesIO(data))


@pytest.fixture
def pm_item(registry):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(30))
    return AgendaItemFactory(meeting=meeting, title="Budsjett")


@pytest.fixture
def draft(secretariat, registry, partner_rep):
    call = open_call(by=secretariat)
    return draft_application(call=call, applicant=registry.partner, by=partner_rep)


def _post_agenda(client, item, name, data):
    url = reverse("meetings:attachment_upload", args=[item.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data), "legal_basis": ""}, **HTMX)


def _post_application(client, draft, name, data):
    url = reverse("partnerpot:file_add", args=[draft.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, **HTMX)


BAD = [
    ("bombe.odt", "bomb", BOMB_MESSAGE),
    ("mange.docx", "many", BOMB_MESSAGE),
    ("tom.pdf", b"", "Filen er tom."),
    ("faktura.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", TYPE_ERROR),
    (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        TYPE_ERROR,
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("where", ["agenda", "application"])
def test_bad_uploads_get_a_message_and_nothing_is_saved(
    client, login, secretariat, partner_rep, pm_item, draft, bomb, where, name, data, message
):
    data = {"bomb": bomb, "many": _many_entries(6_000)}.get(data, data)
    if where == "agenda":
        response = _post_agenda(login(secretariat), pm_item, name, data)
    else:
        response = _post_application(login(partner_rep), draft, name, data)
    assert response.status_code == 400
    assert message in response.text
    assert not AgendaAttachment.objects.exists() and not ApplicationFile.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("x" * 1000 + ".txt", "x" * 196 + ".txt"),
        ("../../etc/passwd", "passwd.txt"),
        ("note\x00.txt", "note.txt"),
        ("side.html", "side.html.txt"),
        ("notat.TXT", "notat.TXT"),
    ],
)
def test_names_are_made_safe_and_match_the_type(client, login, secretariat, pm_item, sent, kept):
    response = _post_agenda(login(secretariat), pm_item, sent, b"Et notat.\n")
    assert response.status_code == 200, response.text[:500]
    attachment = AgendaAttachment.objects.get()
    assert attachment.original_name == kept
    assert attachment.file.name.endswith(".txt")
    download = client.get(reverse("meetings:attachment_download", args=[attachment.pk]))
    assert kept in download["Content-Disposition"] or "filename*" in download["Content-Disposition"]
