"""The annual report as HTML (the preview) and as PDF/UA-1 (WeasyPrint, through the
project's PDF helpers in meetings.pdf: the print stylesheet, the restricted URL fetcher and
the PDF/UA-1 variant).

One template (reports/annual/report.html) includes each section's template; ``for_pdf``
switches on what only print has (the table of contents with page numbers through
``target-counter``, running headers, the inline SVG charts) and off what only the page has.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meetings.models import OSLO
from meetings.pdf import (
    PDF_VARIANT,
    PRINT_CSS,
    STATIC_SRC,
    _css_string,
    _page_counter_css,
    _w3c,
    restricted_url_fetcher,
)

from . import annual


def title_of(year: int) -> str:
    return _("Årsrapport %(year)s for Partnerskap mot mobbing") % {"year": year}


def report_html(*, gathered: annual.Gathered, language: str, for_pdf: bool) -> str:
    """The whole report in ``language`` (bokmål or nynorsk)."""
    with translation.override(language), timezone.override(OSLO):
        title = title_of(gathered.year)
        return render_to_string(
            "reports/annual/report.html",
            {
                "language": language,
                "for_pdf": for_pdf,
                "author": str(settings.PORTAL_NAME),
                "document_title": title,
                "title_css": _css_string(title),
                "description": _("Partnerskapets årsrapport"),
                "created": _w3c(timezone.now()),
                "page_counter_css": _page_counter_css(),
                "year": gathered.year,
                "sections": gathered.sections,
                "empty": gathered.empty,
                "report": gathered.report,
            },
        )


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    gather_seconds: float
    render_seconds: float


def report_pdf(*, year: int, report=None, language: str = "nb", progress=None) -> Rendered:
    """Gather and render; ``progress(percent)`` is called between the steps."""
    from weasyprint import CSS, HTML

    gathered = annual.gather(year, report)
    if progress:
        progress(40)
    started = time.perf_counter()
    html = report_html(gathered=gathered, language=language, for_pdf=True)
    fetcher = restricted_url_fetcher(images=gathered.charts)
    base_url = STATIC_SRC.as_uri() + "/"
    stylesheet = CSS(
        string=PRINT_CSS.read_text(encoding="utf-8"), base_url=base_url, url_fetcher=fetcher
    )
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        stylesheets=[stylesheet], pdf_variant=PDF_VARIANT
    )
    if progress:
        progress(80)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    return Rendered(pdf, len(document.pages), gathered.seconds, time.perf_counter() - started)


def filename(year: int, language: str, version: int) -> str:
    return f"arsrapport-{year}-{language}-v{version}.pdf"
