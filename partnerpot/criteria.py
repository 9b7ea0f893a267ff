"""The criteria for Partnerpotten (a governing document, R12) as the calls and the letters
read them: the version in force, its criteria lines, and what it says about appeal.

Kept apart from the services so that the letters (``pdf``) can read it without importing the
services (which send through ``notifications``, which renders through ``pdf``).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy

from meetings import selectors as meeting_selectors
from meetings.models import DocumentVersion, GoverningDocument

from .models import CRITERIA_DOCUMENT_KEY, Call


def criteria_document() -> GoverningDocument | None:
    return GoverningDocument.objects.filter(key=CRITERIA_DOCUMENT_KEY).first()


def criteria_in_force() -> DocumentVersion | None:
    """The version of "Kriterier for Partnerpotten" in force: adopted by the Partnermøte (R12)."""
    document = criteria_document()
    return meeting_selectors.document_in_force(document) if document else None


# What a rejection or partial-grant letter says about appeal when neither the call nor the
# criteria document says it (the secretariat edits it on the call).
DEFAULT_APPEAL_TEXT = gettext_lazy(
    "Vedtaket kan påklages. En klage må være skriftlig, si hva dere klager på og hvorfor, og "
    "sendes til sekretariatet innen tre uker etter at dere mottok dette brevet. Sekretariatet "
    "legger klagen fram for partnermøtet, som kan endre vedtaket. Dere kan be om å se "
    "dokumentene i saken."
)
_APPEAL_HEADING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]?\s+)?klage", re.IGNORECASE)


def appeal_from_text(text: str) -> str:
    """The criteria document's own words on appeal: the paragraph that starts with "Klage…"
    (a heading such as "5. Klageadgang" takes the paragraph after it along); "" if none."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    for index, paragraph in enumerate(paragraphs):
        if not _APPEAL_HEADING.match(paragraph):
            continue
        first, _newline, rest = paragraph.partition("\n")
        is_heading = len(first) <= 60 and not first.rstrip().endswith((".", ":"))
        if not is_heading:
            return paragraph
        if rest.strip():
            return rest.strip()
        if index + 1 < len(paragraphs):
            return paragraphs[index + 1]
    return ""


def appeal_wording(call: Call) -> str:
    """What the call's letters say about appeal: the call's own text, else the wording of the
    criteria (the call's version, else the version in force), else the default."""
    if call.appeal_text.strip():
        return call.appeal_text.strip()
    version = call.criteria_version if call.criteria_version_id else criteria_in_force()
    return appeal_from_text(version.text if version else "") or str(DEFAULT_APPEAL_TEXT)


_BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+(?P<text>.+?)\s*$")


def criteria_from_text(text: str) -> list[str]:
    """The bulleted or numbered lines of a criteria document, in order."""
    found = []
    for line in (text or "").splitlines():
        match = _BULLET.match(line)
        if match:
            found.append(match.group("text")[:500])
    return found
