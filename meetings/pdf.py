"""PDFs of a meeting's notice and of its approved minutes (WeasyPrint, PDF/UA-1).

A Django template is rendered in the recipient's language and WeasyPrint turns it into
a tagged PDF (``pdf_variant="pdf/ua-1"``: structure tree, ``/MarkInfo``, ``/Lang``, the
title shown in the window, XMP ``pdfuaid:part=1``). The print stylesheet
``static/src/print.css`` is read straight from the source tree, so the PDFs do not depend
on the frontend build, and every resource goes through ``restricted_url_fetcher``: files
in static/src and the locally installed DejaVu fonts only, never the network.

WeasyPrint is imported when a PDF is made, not with this module: it takes seconds to
import, and web processes import the tasks module only to queue work.

Rendering runs on the ``pdf`` Celery queue (settings route ``pdf.*`` there): approved
minutes are stored once per version in ``default_storage`` under
``minutes/<meeting_pk>/v<version>.pdf`` (outside the web root; served by access-checked
views only).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import mimetypes
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnership import formats as portal_formats

from . import selectors
from .models import OSLO, AgendaItem, Attendance, Meeting, Minutes

__all__ = [
    "FetchRefused",
    "allowed_file",
    "html_to_pdf",
    "minutes_pdf",
    "minutes_pdf_name",
    "minutes_pdf_path",
    "minutes_pdf_store",
    "minutes_pdf_task",
    "notice_pdf",
    "restricted_url_fetcher",
]

logger = logging.getLogger(__name__)

STATIC_SRC = Path(settings.BASE_DIR) / "static" / "src"
PRINT_CSS = STATIC_SRC / "print.css"
# Debian's fonts-dejavu(-core), installed by the Dockerfile; print.css names "DejaVu Sans".
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
PDF_VARIANT = "pdf/ua-1"


# --- The URL fetcher --------------------------------------------------------------------------
class FetchRefused(ValueError):
    """A PDF asked for a resource outside the allowed files (a remote URL, any other path)."""


def _allowed_roots() -> tuple[Path, ...]:
    return tuple(root.resolve() for root in (STATIC_SRC, *FONT_DIRS))


def allowed_file(url: str) -> Path:
    """The local file a ``file:`` URL points at, if it lies in static/src or the font
    directories; raises ``FetchRefused`` for anything else (http, https, data:, ftp, other
    paths, ``..`` or symlinks leading out)."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise FetchRefused(f"PDF rendering does not fetch {url!r}")
    path = Path(url2pathname(parts.path)).resolve()
    if not path.is_file() or not any(path.is_relative_to(root) for root in _allowed_roots()):
        raise FetchRefused(f"PDF rendering does not read {path}")
    return path


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedURLFetcher(URLFetcher):
        """Serves allowed local files itself and never opens a connection. WeasyPrint turns
        the refusal into a warning and renders without the resource."""

        def __init__(self, images: Mapping[str, bytes]):
            super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=1)
            self.refused: list[str] = []
            self.images = images

        def fetch(self, url, headers=None):
            if url in self.images:
                return URLFetcherResponse(
                    url, self.images[url], headers={"Content-Type": "image/svg+xml"}
                )
            try:
                path = allowed_file(url)
            except FetchRefused:
                self.refused.append(url)
                raise
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
            )

    return RestrictedURLFetcher


def restricted_url_fetcher(images: Mapping[str, bytes] | None = None):
    """A new WeasyPrint URL fetcher that only reads files from static/src and the fonts, and
    serves the SVG ``images`` the caller made itself by their exact URL (the annual report's
    charts as ``data:`` URLs; any other ``data:`` URL is refused); the URLs it refused are in
    ``.refused``."""
    return _fetcher_class()(images or {})


# --- Rendering --------------------------------------------------------------------------------
def html_to_pdf(*, html: str, url_fetcher=None) -> bytes:
    """A PDF/UA-1 document from HTML, styled by the print stylesheet.

    Relative URLs resolve inside static/src; everything goes through the restricted fetcher.
    """
    from weasyprint import CSS, HTML

    fetcher = url_fetcher or restricted_url_fetcher()
    base_url = STATIC_SRC.as_uri() + "/"
    stylesheet = CSS(
        string=PRINT_CSS.read_text(encoding="utf-8"), base_url=base_url, url_fetcher=fetcher
    )
    # The variant sets PDF 1.7 and pdf_tags=True (the structure tree, /MarkInfo, /Lang and
    # DisplayDocTitle) and writes pdfuaid:part=1 into the XMP metadata.
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet], pdf_variant=PDF_VARIANT
    )


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return '"' + escaped.replace("<", "\\3C ") + '"'


def _page_counter_css() -> str:
    """The footer's "Side 1 av 3" as a CSS ``content`` value, from one translatable message."""
    message = _("Side %(page)s av %(pages)s")
    pieces = []
    for part in re.split(r"(%\(pages?\)s)", message):
        if part == "%(page)s":
            pieces.append("counter(page)")
        elif part == "%(pages)s":
            pieces.append("counter(pages)")
        elif part:
            pieces.append(_css_string(part))
    return " ".join(pieces)


def _render(*, template_name: str, context: dict, language: str) -> bytes:
    with translation.override(language), timezone.override(OSLO):
        html = render_to_string(
            template_name,
            {
                "language": language,
                "author": str(settings.PORTAL_NAME),
                "page_counter_css": _page_counter_css(),
                **context,
            },
        )
    return html_to_pdf(html=html)


def _w3c(moment: dt.datetime) -> str:
    """A datetime as WeasyPrint reads ``dcterms.created`` (W3C profile of ISO 8601)."""
    return moment.astimezone(OSLO).replace(microsecond=0).isoformat()


def _long_date(day: dt.date | dt.datetime) -> str:
    return portal_formats.long_date(day, capital=True)


_short_date = portal_formats.date


def _when(meeting: Meeting) -> str:
    """The time in Europe/Oslo, "Mandag 9. mars 2026, kl. 10:00–12:00" (both dates if it runs
    over midnight)."""
    start, end = meeting.starts_at.astimezone(OSLO), meeting.ends_at.astimezone(OSLO)
    times = {
        "start": portal_formats.time(start),
        "end": portal_formats.time(end),
    }
    if start.date() == end.date():
        return _("%(date)s, kl. %(start)s–%(end)s") % {"date": _long_date(start), **times}
    return _("%(start_date)s kl. %(start)s – %(end_date)s kl. %(end)s") % {
        "start_date": _long_date(start),
        "end_date": _long_date(end),
        **times,
    }


def _meeting_url(meeting: Meeting) -> str | None:
    """The meeting page as an absolute URL, or None while the page is not routed."""
    for kwargs in ({"kwargs": {"pk": meeting.pk}}, {"args": [meeting.pk]}):
        try:
            return urljoin(settings.SITE_URL, reverse("meetings:meeting_detail", **kwargs))
        except NoReverseMatch:
            continue
    return None


def _title(kind: str, meeting: Meeting) -> str:
    values = {"meeting": meeting.display_title, "date": _short_date(meeting.starts_at)}
    if kind == "notice":
        return _("Innkalling: %(meeting)s %(date)s") % values
    return _("Referat: %(meeting)s %(date)s") % values


def _meeting_context(meeting: Meeting) -> dict:
    return {
        "meeting": meeting,
        "when": _when(meeting),
        "meeting_url": _meeting_url(meeting),
    }


# --- The notice -------------------------------------------------------------------------------
def notice_pdf(
    *, meeting: Meeting, language: str = "nb", withheld: frozenset[int] = frozenset()
) -> bytes:
    """The notice (innkalling) of a meeting with its agenda, as PDF/UA-1.

    Goes to the body's members and deputies, who may see exempt items: those show their
    number, title and legal basis, while their papers stay behind the portal's login.
    ``withheld``: the items whose proposed decision this variant leaves out (the reader is
    conflicted on them, ``extensions.conflicted_people``).
    """
    with translation.override(language):
        title = _title("notice", meeting)
        sent_at = meeting.notice_sent_at or timezone.now()
        context = {
            **_meeting_context(meeting),
            "document_title": title,
            "description": _("Innkalling og saksliste"),
            "created": _w3c(sent_at),
            "notice_date": _short_date(sent_at),
            "items": selectors.withhold(selectors.meeting_agenda(meeting=meeting), withheld),
        }
    return _render(template_name="meetings/pdf/notice.html", context=context, language=language)


# --- The minutes ------------------------------------------------------------------------------
NOT_APPROVED = gettext_lazy(
    "Referatet er ikke godkjent. Bare godkjente referater kan lages som PDF."
)


def _quorum_sentence(quorum: selectors.Quorum, *, for_item: bool = False) -> str:
    values = {
        "present": quorum.present,
        "voting": quorum.voting_members,
        "required": quorum.required,
    }
    if quorum.voting_members == 0:
        return _("Organet hadde ingen stemmeberettigede medlemmer på møtedagen.")
    if for_item:
        if quorum.quorate:
            return (
                _(
                    "Vedtaksført i saken: %(present)s av %(voting)s stemmeberettigede til stede "
                    "(minst %(required)s kreves)."
                )
                % values
            )
        return (
            _(
                "Ikke vedtaksført i saken: %(present)s av %(voting)s stemmeberettigede til stede "
                "(minst %(required)s kreves)."
            )
            % values
        )
    if quorum.quorate:
        return (
            _(
                "Møtet var vedtaksført: %(present)s av %(voting)s stemmeberettigede til stede "
                "(minst %(required)s kreves)."
            )
            % values
        )
    return (
        _(
            "Møtet var ikke vedtaksført: %(present)s av %(voting)s stemmeberettigede til stede "
            "(minst %(required)s kreves)."
        )
        % values
    )


# The order people are listed in: present, deputies, notice given, absent, not recorded.
_STATUS_ORDER = {
    Attendance.Status.PRESENT: 0,
    Attendance.Status.DEPUTY_ATTENDING: 1,
    Attendance.Status.ABSENT_WITH_NOTICE: 2,
    Attendance.Status.ABSENT: 3,
    None: 4,
}


def _attendance_rows(meeting: Meeting) -> list[dict]:
    """One row per person for the minutes; deputies appear on the line of the member they
    stood in for, and non-voting members who were not recorded are left out."""
    sheet = selectors.attendance_sheet(meeting=meeting)
    deputies = {a.deputy_id for _m, _p, a in sheet if a is not None and a.deputy_id}
    rows = []
    for membership, person, attendance in sheet:
        if attendance is None and (
            person.pk in deputies
            or membership is None
            or membership.role not in selectors.VOTING_ROLES
        ):
            continue
        if attendance is None:
            status = _("Ikke registrert")
        elif attendance.status == Attendance.Status.DEPUTY_ATTENDING:
            status = _("Forfall, %(deputy)s møtte som vara") % {
                "deputy": attendance.deputy.full_name
            }
        else:
            status = attendance.get_status_display()
        rows.append(
            {
                "name": person.full_name,
                "represents": membership.partner.short_name if membership else "",
                "role": membership.get_role_display() if membership else _("Annen deltaker"),
                "status": status,
                "note": attendance.note if attendance else "",
                "order": _STATUS_ORDER[attendance.status if attendance else None],
            }
        )
    rows.sort(key=lambda row: row["order"])  # stable: the sheet's role and name order stays
    return rows


def _approval_sentence(minutes: Minutes) -> str:
    date = _short_date(minutes.approved_at)
    if minutes.approved_how == Minutes.ApprovedHow.NEXT_MEETING and minutes.approved_at_meeting:
        at = minutes.approved_at_meeting
        return _("Referatet ble godkjent i møtet %(meeting)s %(meeting_date)s.") % {
            "meeting": at.display_title,
            "meeting_date": _short_date(at.starts_at),
        }
    return _("Referatet ble godkjent ved sirkulasjon %(date)s.") % {"date": date}


def minutes_pdf(*, meeting: Meeting, language: str = "nb", redact_exempt: bool = False) -> bytes:
    """The approved minutes of a meeting as PDF/UA-1; refuses (``ValidationError``) minutes
    that are missing or not approved, since only approved minutes are published.

    Everyone who may open a meeting may also read its exempt items, so they are included
    and marked with their legal basis; ``redact_exempt`` leaves out their title, summary
    and decision text for a copy that goes beyond the body.
    """
    minutes = selectors.minutes_for_meeting(meeting=meeting)
    if minutes is None or not minutes.is_approved:
        raise ValidationError(NOT_APPROVED, code="minutes_not_approved")
    entries = {entry.agenda_item_id: entry for entry in minutes.entries.all()}
    per_item_quorum = selectors.quorum_per_item(meeting=meeting)
    with translation.override(language):
        items = []
        for item in selectors.meeting_agenda(meeting=meeting):
            step_asides = list(item.step_asides.all())
            entry = entries.get(item.pk)
            items.append(
                {
                    "item": item,
                    "entry": entry,
                    "decisions": list(item.decisions.all()),
                    "follow_ups": list(entry.follow_ups.all()) if entry else [],
                    "step_asides": step_asides,
                    "quorum": (
                        _quorum_sentence(per_item_quorum[item.pk], for_item=True)
                        if step_asides
                        else ""
                    ),
                    "redacted": redact_exempt and item.exempt,
                }
            )
        title = _title("minutes", meeting)
        context = {
            **_meeting_context(meeting),
            "document_title": title,
            "description": _("Godkjent referat"),
            "created": _w3c(minutes.approved_at),
            "minutes": minutes,
            "attendance": _attendance_rows(meeting),
            "quorum": _quorum_sentence(selectors.quorum(meeting=meeting)),
            "items": items,
            "approval": _approval_sentence(minutes),
            "approved_by": minutes.approved_by.full_name if minutes.approved_by else "",
            "decision_kind": AgendaItem.Kind.DECISION,
        }
    return _render(template_name="meetings/pdf/minutes.html", context=context, language=language)


# --- Stored copies and the Celery task --------------------------------------------------------
def minutes_pdf_name(*, meeting_id: int, version: int, language: str = "nb") -> str:
    """The storage name of the minutes PDF: ``minutes/<meeting>/v<version>.pdf`` in the
    default language, ``v<version>.<language>.pdf`` in another."""
    suffix = "" if language == settings.LANGUAGE_CODE else f".{language}"
    return f"minutes/{meeting_id}/v{version}{suffix}.pdf"


def minutes_pdf_path(meeting: Meeting, *, language: str = "nb") -> str | None:
    """The storage name of the stored PDF of the meeting's approved minutes, or None when
    the minutes are not approved or the PDF has not been made yet."""
    version = (
        Minutes.objects.filter(meeting=meeting, status=Minutes.Status.APPROVED)
        .values_list("version", flat=True)
        .first()
    )
    if version is None:
        return None
    name = minutes_pdf_name(meeting_id=meeting.pk, version=version, language=language)
    return name if default_storage.exists(name) else None


def minutes_pdf_store(*, meeting: Meeting, language: str = "nb") -> str:
    """Render the approved minutes and store them once per version; returns the storage
    name. Approved minutes never change, so an existing file is kept."""
    minutes = Minutes.objects.filter(meeting=meeting).only("status", "version").first()
    if minutes is None or not minutes.is_approved:
        raise ValidationError(NOT_APPROVED, code="minutes_not_approved")
    name = minutes_pdf_name(meeting_id=meeting.pk, version=minutes.version, language=language)
    if default_storage.exists(name):
        return name
    saved = default_storage.save(name, ContentFile(minutes_pdf(meeting=meeting, language=language)))
    if saved != name:
        # Another worker stored the same version meanwhile (storage gave us a new name).
        default_storage.delete(saved)
    return name


@shared_task(name="pdf.minutes")
def minutes_pdf_task(*, meeting_id: int, language: str = "nb") -> str | None:
    """Make and store the PDF of a meeting's approved minutes (queue it on commit after the
    approval). Returns the storage name, or None when there is nothing to publish."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        logger.warning("pdf.minutes: meeting %s does not exist", meeting_id)
        return None
    try:
        return minutes_pdf_store(meeting=meeting, language=language)
    except ValidationError:
        logger.warning("pdf.minutes: the minutes of meeting %s are not approved", meeting_id)
        return None
