"""Checking uploaded files by their content, and a guard that stops too large uploads early.

The allow-list is judged from the bytes, never from the file name or the browser's content
type: an executable renamed to "sak.pdf" is refused.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from partnership import safezip

logger = logging.getLogger(__name__)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain; charset=utf-8"

OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
OPENDOCUMENT = {ODT.encode(): ODT, ODS.encode(): ODS}
# The file-name extensions that fit each type: a name without one gets the first (so that
# "sak.html" sent as plain text is stored and downloaded as "sak.html.txt").
EXTENSIONS = {
    PDF: (".pdf",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    PPTX: (".pptx",),
    ODT: (".odt",),
    ODS: (".ods",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    TEXT: (".txt", ".csv"),
}
MAX_NAME = 200
# Plain text is read whole to check it; larger "text" is refused rather than read.
TEXT_MAX_BYTES = 5 * 1024 * 1024


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_BYTES


def human_size(size: int) -> str:
    """ "25 MB", "1 kB" in the active language's number format."""
    if size >= 1024 * 1024:
        value, unit = size / (1024 * 1024), "MB"
    elif size >= 1024:
        value, unit = size / 1024, "kB"
    else:
        return f"{size} B"
    decimals = 0 if value == int(value) else 1
    return f"{number_format(value, decimals)} {unit}"


def _zip_kind(file) -> str | None:
    """OOXML or OpenDocument, judged from the archive's parts; ``UnsafeArchive`` for a zip that
    would unpack to an absurd size (partnership.safezip); None for any other zip."""
    file.seek(0)
    try:
        archive = safezip.open_checked(file)
    except safezip.NotAZip:
        return None
    with archive:
        names = archive.namelist()
        try:
            if "[Content_Types].xml" in names:
                for prefix, content_type in OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return content_type
                return None
            if "mimetype" in names:
                return OPENDOCUMENT.get(safezip.read_head(archive, "mimetype", 128).strip())
        except (OSError, KeyError):
            return None
    return None


def _is_text(file, size: int) -> bool:
    """UTF-8 text without NUL that is not markup: HTML, SVG and XML are refused (a browser or
    an editor may run what they contain, and nobody needs to send them as "text")."""
    if size > TEXT_MAX_BYTES:
        return False
    file.seek(0)
    data = file.read(TEXT_MAX_BYTES + 1)
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not text.lstrip("\ufeff \t\r\n").startswith("<")


def sniff(file, size: int) -> str | None:
    """The content type of an allowed file judged from its bytes, or None if not allowed;
    ``safezip.UnsafeArchive`` for a zip we will not unpack."""
    file.seek(0)
    head = file.read(8)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            return _zip_kind(file)
        if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
            return None  # executables, whatever they are called
        if size and _is_text(file, size):
            return TEXT
        return None
    finally:
        file.seek(0)


def type_not_allowed_message() -> str:
    return _(
        "Filtypen er ikke tillatt. Last opp PDF, Word, Excel, PowerPoint, OpenDocument, PNG, "
        "JPEG eller ren tekst."
    )


def too_large_message() -> str:
    return _("Filen er for stor. Største tillatte størrelse er %(max)s.") % {
        "max": human_size(settings.ATTACHMENT_MAX_BYTES)
    }


def sha256_of(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(64 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def stored_name(prefix: str, filename: str) -> str:
    """ "<prefix>/<uuid4><ext>" for ``upload_to``: never the uploader's file name (that is kept
    in the row), only a short alphanumeric extension."""
    ext = ""
    if "." in filename:
        candidate = "." + filename.rsplit(".", 1)[1].lower()
        if candidate[1:].isalnum() and len(candidate) <= 6:
            ext = candidate
    return f"{prefix}/{uuid.uuid4().hex}{ext}"


def delete_stored(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:  # pragma: no cover - logged; the row is what counts
        logger.exception("Could not delete the stored file %s", name)


def display_name(name: str, content_type: str) -> str:
    """The uploader's file name made safe to show and to offer as a download name: no folders
    ("../"), no control characters, at most ``MAX_NAME`` characters, and an extension that fits
    the type found in the bytes."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip(" .") or _("vedlegg")
    extensions = EXTENSIONS[content_type]
    stem, dot, ext = name.rpartition(".")
    if not (dot and f".{ext.lower()}" in extensions):
        stem, ext = name, extensions[0][1:]
    return f"{stem[: MAX_NAME - len(ext) - 1]}.{ext}"


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    content_type: str
    size: int
    sha256: str


def check_upload(file) -> CheckedUpload:
    """What an upload is, or a ``ValidationError`` on ``file``: none, empty, over
    ``ATTACHMENT_MAX_BYTES``, or a type outside the allow-list (judged by content)."""
    if file is None:
        raise ValidationError({"file": _("Velg en fil.")})
    size = file.size or 0
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": too_large_message()})
    if size == 0:
        raise ValidationError({"file": _("Filen er tom.")})
    try:
        content_type = sniff(file, size)
    except safezip.UnsafeArchive:
        raise ValidationError(
            {
                "file": _(
                    "Filen kan ikke kontrolleres: den er en komprimert fil som er skadet, som "
                    "pakkes ut til en urimelig størrelse eller som har for mange deler."
                )
            }
        ) from None
    if content_type is None:
        raise ValidationError({"file": type_not_allowed_message()})
    return CheckedUpload(
        original_name=display_name(file.name or "", content_type),
        content_type=content_type,
        size=size,
        sha256=sha256_of(file),
    )


class AttachmentSizeGuard(FileUploadHandler):
    """Stops a file larger than ``ATTACHMENT_MAX_BYTES`` while it streams in.

    Put first in ``request.upload_handlers`` (before the body is read): the rest of the
    file is skipped, so a 200 MB upload never reaches the disk, and ``request`` gets
    ``attachment_too_large = True`` for the view to say so.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_bytes():
            if self.request is not None:
                self.request.attachment_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_form_is_valid(request, form, field: str = "file") -> bool:
    """``form.is_valid()``, and not valid when ``AttachmentSizeGuard`` stopped the file: then
    ``field`` says it is too large (the form alone would only see that it is missing)."""
    valid = form.is_valid()
    if getattr(request, "attachment_too_large", False):
        form.errors[field] = form.error_class([too_large_message()])
        valid = False
    return valid


def size_guarded(view):
    """The one decorator for views that take an uploaded file.

    The size guard must be in ``request.upload_handlers`` before anything reads the body, and
    Django's CSRF middleware reads ``request.POST`` (the body) before the view runs. So the
    view is exempted from the middleware, the guard is put first, and then the same CSRF check
    runs (``csrf_protect``): a request without a valid token is still refused with 403.
    Use it outermost, above ``require_POST`` and the like::

        @size_guarded
        @require_http_methods(["GET", "POST"])
        def attachment_upload(request, pk): ...
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.method == "POST":
            request.upload_handlers.insert(0, AttachmentSizeGuard(request))
        return protected(request, *args, **kwargs)

    return guarded
