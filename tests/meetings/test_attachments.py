"""Attachments to agenda items: checked by content and size, nothing half-saved, served only
through an access-checked download (issue 3 §2, §8 and "Bad input")."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import SkipFile
from django.db import IntegrityError
from django.test import RequestFactory
from django.urls import reverse

from meetings import services
from meetings.models import AgendaAttachment, Meeting
from partnership import uploads

from .factories import AgendaItemFactory, MeetingFactory, held_meeting, in_days

HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
TYPE_ERROR = "Filtypen er ikke tillatt."


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def pm_item(registry):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(30))
    return AgendaItemFactory(meeting=meeting, title="Budsjett")


# --- The service -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("Budsjett.pdf", PDF, uploads.PDF),
        ("Notat.docx", DOCX, uploads.DOCX),
        ("Regnskap.xlsx", XLSX, uploads.XLSX),
        ("Notat.odt", ODT, uploads.ODT),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, uploads.PNG),
        ("bilde.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16, uploads.JPEG),
        ("notat.txt", "Æ, ø og å.\n".encode(), uploads.TEXT),
    ],
)
def test_allowed_types_are_accepted(pm_item, secretariat, name, data, content_type):
    # The browser's content type is not trusted: the content decides.
    attachment = services.attachment_add(
        item=pm_item, file=upload(name, data, "application/octet-stream"), uploaded_by=secretariat
    )
    attachment.refresh_from_db()
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.size == len(data)
    assert len(attachment.sha256) == 64
    # Stored under a generated name, never the user's.
    assert attachment.file.name.startswith(f"agenda/{pm_item.pk}/")
    assert name not in attachment.file.name
    assert attachment.file.read() == data


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("sak.pdf", EXE),  # an executable renamed to .pdf
        ("program.exe", EXE),
        ("arkiv.docx", _zip({"hei.txt": b"hei"})),  # a ZIP that is no Office document
        ("falsk.docx", b"PK\x03\x04 not really a zip"),
        ("binær.txt", b"tekst\x00med NUL"),
        ("latin1.txt", "blåbær".encode("latin-1")),
        ("side.html", b"\x00<html>"),
    ],
)
def test_other_types_are_refused_and_nothing_is_saved(pm_item, secretariat, name, data):
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(item=pm_item, file=upload(name, data), uploaded_by=secretariat)
    assert TYPE_ERROR in exc.value.message_dict["file"][0]
    assert not AgendaAttachment.objects.exists()
    assert stored_files() == []


def test_too_large_is_refused(pm_item, secretariat, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(item=pm_item, file=upload("stor.pdf", PDF + b"0" * 1024))
    assert exc.value.message_dict["file"] == [
        "Filen er for stor. Største tillatte størrelse er 1 kB."
    ]
    assert not AgendaAttachment.objects.exists()
    assert stored_files() == []


def test_the_default_limit_is_25_mb():
    assert settings.ATTACHMENT_MAX_BYTES == 25 * 1024 * 1024


def test_exempt_needs_a_legal_basis(pm_item):
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(item=pm_item, file=upload("a.pdf", PDF), exempt=True)
    assert "legal_basis" in exc.value.message_dict
    assert not AgendaAttachment.objects.exists()
    assert stored_files() == []


def test_items_of_approved_minutes_are_read_only(registry, secretariat):
    meeting = held_meeting(body=registry.partners_meeting, items=1)
    item = meeting.agenda_items.get()
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.MINUTES_APPROVED)
    item.meeting.refresh_from_db()
    with pytest.raises(ValidationError, match="Referatet er godkjent"):
        services.attachment_add(item=item, file=upload("a.pdf", PDF), uploaded_by=secretariat)
    assert not AgendaAttachment.objects.exists()
    assert stored_files() == []


def test_a_failed_save_leaves_no_file(pm_item, monkeypatch):
    def fail(self, *args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(AgendaAttachment, "save", fail)
    with pytest.raises(IntegrityError):
        services.attachment_add(item=pm_item, file=upload("a.pdf", PDF))
    assert stored_files() == []


def test_remove_deletes_the_file_on_commit(pm_item, django_capture_on_commit_callbacks):
    attachment = services.attachment_add(item=pm_item, file=upload("a.pdf", PDF))
    assert len(stored_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(attachment=attachment)
    assert not AgendaAttachment.objects.exists()
    assert stored_files() == []


# --- The size guard on the request body ----------------------------------------------------------
def test_the_request_body_guards_exist(settings):
    # Form fields are bounded by Django; files by the guard the upload view puts first.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.ATTACHMENT_MAX_BYTES
    settings.ATTACHMENT_MAX_BYTES = 10
    request = RequestFactory().post("/")
    guard = uploads.AttachmentSizeGuard(request)
    guard.new_file("file", "stor.pdf", "application/pdf", 100)
    assert guard.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(SkipFile):
        guard.receive_data_chunk(b"678901", 5)
    assert request.attachment_too_large is True


def test_size_guarded_installs_the_guard_and_still_checks_csrf(rf, secretariat):
    seen = {}

    @uploads.size_guarded
    def view(request):
        from django.http import HttpResponse

        seen["handlers"] = list(request.upload_handlers)
        return HttpResponse()

    request = rf.post("/", {"file": upload("a.pdf", PDF)})
    request.user = secretariat
    request._dont_enforce_csrf_checks = True
    assert view(request).status_code == 200
    assert isinstance(seen["handlers"][0], uploads.AttachmentSizeGuard)

    # Without a token the CSRF check still refuses it (the guard only comes first).
    seen.clear()
    request = rf.post("/", {"file": upload("a.pdf", PDF)})
    request.user = secretariat
    assert view(request).status_code == 403
    assert seen == {}


def test_upload_view_refuses_a_post_without_csrf_token(secretariat, pm_item):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    url = reverse("meetings:attachment_upload", args=[pm_item.pk])
    response = client.post(url, {"file": upload("a.pdf", PDF), "legal_basis": ""})
    assert response.status_code == 403
    assert not AgendaAttachment.objects.exists()


# --- The views ---------------------------------------------------------------------------------
def test_upload_with_htmx(client, login, secretariat, pm_item):
    login(secretariat)
    url = reverse("meetings:attachment_upload", args=[pm_item.pk])
    response = client.post(
        url, {"file": upload("Budsjett 2027.pdf", PDF), "legal_basis": ""}, **HTMX
    )
    assert response.status_code == 200
    assert "Budsjett 2027.pdf" in response.content.decode()
    attachment = AgendaAttachment.objects.get()
    assert attachment.uploaded_by == secretariat
    assert (
        reverse("meetings:attachment_download", args=[attachment.pk]) in response.content.decode()
    )


def test_upload_form_is_fetched_per_item(client, login, secretariat, pm_item):
    """The meeting page links to each item's upload form rather than rendering one per item;
    the form comes with htmx into the item's place, or as a page of its own."""
    login(secretariat)
    url = reverse("meetings:attachment_upload", args=[pm_item.pk])
    page = client.get(reverse("meetings:meeting_detail", args=[pm_item.meeting.pk])).content
    page = page.decode()
    assert f'hx-get="{url}"' in page
    assert 'type="file"' not in page
    fragment = client.get(url, **HTMX)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'hx-encoding="multipart/form-data"' in html
    assert "<html" not in html
    whole = client.get(url).content.decode()
    assert "<html" in whole and 'type="file"' in whole


def test_failed_upload_keeps_its_form_open_on_the_item(client, login, secretariat, pm_item):
    login(secretariat)
    url = reverse("meetings:attachment_upload", args=[pm_item.pk])
    response = client.post(url, {"file": upload("sak.pdf", EXE), "legal_basis": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="attach-{pm_item.pk}"' in html and 'type="file"' in html


def test_exe_renamed_to_pdf_gets_a_clear_message(client, login, secretariat, pm_item):
    login(secretariat)
    url = reverse("meetings:attachment_upload", args=[pm_item.pk])
    response = client.post(url, {"file": upload("sak.pdf", EXE), "legal_basis": ""}, **HTMX)
    assert response.status_code == 400
    assert TYPE_ERROR in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not AgendaAttachment.objects.exists()
    assert stored_files() == []


def test_too_large_upload_gets_a_clear_message(client, login, secretariat, pm_item, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    login(secretariat)
    url = reverse("meetings:attachment_upload", args=[pm_item.pk])
    response = client.post(url, {"file": upload("stor.pdf", PDF + b"0" * 4096), "legal_basis": ""})
    assert response.status_code == 400
    assert "Filen er for stor. Største tillatte størrelse er 1 kB." in response.content.decode()
    assert not AgendaAttachment.objects.exists()
    assert stored_files() == []


def test_upload_in_english(client, login, secretariat, pm_item):
    login(secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("meetings:attachment_upload", args=[pm_item.pk])
    response = client.post(url, {"file": upload("sak.pdf", EXE), "legal_basis": ""}, **HTMX)
    assert response.status_code == 400
    assert TYPE_ERROR not in response.content.decode()


def test_only_managers_upload(client, login, partner_rep, pm_item):
    login(partner_rep)
    url = reverse("meetings:attachment_upload", args=[pm_item.pk])
    response = client.post(url, {"file": upload("a.pdf", PDF)})
    assert response.status_code == 403
    assert not AgendaAttachment.objects.exists()
    assert stored_files() == []


def test_download_headers(client, login, partner_rep, pm_item):
    attachment = services.attachment_add(item=pm_item, file=upload("Budsjett 2027.pdf", PDF))
    login(partner_rep)
    response = client.get(reverse("meetings:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Budsjett 2027.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_exempt_attachment_only_for_members_and_the_secretariat(
    client, login, user, partner_rep, secretariat, pm_item
):
    attachment = services.attachment_add(
        item=pm_item, file=upload("Fortrolig.pdf", PDF), exempt=True, legal_basis="offl. § 14"
    )
    url = reverse("meetings:attachment_download", args=[attachment.pk])
    login(user)
    assert client.get(url).status_code == 404
    login(secretariat)
    assert client.get(url).status_code == 200
    login(partner_rep)  # a member of the Partnermøte
    assert client.get(url).status_code == 200


def test_exempt_attachment_is_listed_only_for_those_who_may_see_it(
    client, login, secretariat, pm_item
):
    services.attachment_add(
        item=pm_item, file=upload("Fortrolig.pdf", PDF), exempt=True, legal_basis="offl. § 14"
    )
    login(secretariat)
    page = client.get(reverse("meetings:meeting_detail", args=[pm_item.meeting.pk]))
    assert "Fortrolig.pdf" in page.content.decode()
    assert "Unntatt offentlighet (offl. § 14)" in page.content.decode()


def test_idor_a_user_who_cannot_see_the_meeting_gets_404(client, login, registry, wg_member):
    # The state group's meetings are for its members only (R7); not even the file's existence.
    meeting = MeetingFactory(body=registry.state_group, starts_at=in_days(30))
    item = AgendaItemFactory(meeting=meeting)
    attachment = services.attachment_add(item=item, file=upload("Stat.pdf", PDF))
    login(wg_member)
    assert (
        client.get(reverse("meetings:attachment_download", args=[attachment.pk])).status_code == 404
    )
    assert client.get(reverse("meetings:attachment_download", args=[999_999])).status_code == 404


def test_delete(client, login, secretariat, pm_item, django_capture_on_commit_callbacks):
    attachment = services.attachment_add(item=pm_item, file=upload("a.pdf", PDF))
    login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:attachment_delete", args=[attachment.pk]), **HTMX)
    assert response.status_code == 200
    assert not AgendaAttachment.objects.exists()
    assert stored_files() == []


def test_delete_refused_for_others(client, login, partner_rep, pm_item):
    attachment = services.attachment_add(item=pm_item, file=upload("a.pdf", PDF))
    login(partner_rep)
    response = client.post(reverse("meetings:attachment_delete", args=[attachment.pk]))
    assert response.status_code == 403
    assert AgendaAttachment.objects.exists()


def test_the_meeting_pages_item_parts_in_order_and_exempt_files_only_for_those_who_may(
    user, secretariat, partner_rep, pm_item, django_assert_num_queries
):
    """agenda_page reads an item's step-asides, decisions and attachments in one statement:
    each part in its model's order, exempt attachments only for members and the secretariat."""
    from meetings import selectors
    from meetings.models import Decision, StepAside
    from partnership.models import Person

    services.attachment_add(item=pm_item, file=upload("Først.pdf", PDF))
    services.attachment_add(
        item=pm_item, file=upload("Fortrolig.pdf", PDF), exempt=True, legal_basis="offl. § 14"
    )
    services.attachment_add(item=pm_item, file=upload("Sist.pdf", PDF))
    zed = Person.objects.create(email="z@example.org", full_name="Åse Zahl")
    StepAside.objects.create(agenda_item=pm_item, person=zed, reason="Inhabil")
    StepAside.objects.create(agenda_item=pm_item, person=partner_rep, reason="Inhabil")
    for number in (7, 3):
        Decision.objects.create(
            body=pm_item.body,
            meeting=pm_item.meeting,
            agenda_item=pm_item,
            year=pm_item.year,
            number=number,
            decided_on=pm_item.meeting.local_date,
            text="Vedtatt.",
        )
    meeting = pm_item.meeting
    [row] = selectors.agenda_page(meeting=meeting, user=secretariat)
    assert [a.original_name for a in row.attachments] == ["Først.pdf", "Fortrolig.pdf", "Sist.pdf"]
    assert row.attachments[1].exempt and row.attachments[1].legal_basis == "offl. § 14"
    assert row.attachments[0].size == len(PDF)
    # StepAside's own order (the person's name, as the database collates it).
    assert row.step_asides == [
        str(s.person)
        for s in StepAside.objects.filter(agenda_item=pm_item).order_by("person__full_name")
    ]
    assert set(row.step_asides) == {str(partner_rep), "Åse Zahl"}
    short = pm_item.body.short_name
    assert [label for _pk, label in row.decisions] == [
        f"{short}-vedtak 3/{pm_item.year}",
        f"{short}-vedtak 7/{pm_item.year}",
    ]
    [row] = selectors.agenda_page(meeting=meeting, user=user)  # not a member
    assert [a.original_name for a in row.attachments] == ["Først.pdf", "Sist.pdf"]
