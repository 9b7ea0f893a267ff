"""PDFs for Partnerpotten: the receipt for a submitted application and the decision letter.

Both are made with the meetings app's machinery (``meetings.pdf``): a Django template rendered
in the reader's language, turned into a tagged PDF/UA-1 document by WeasyPrint with the print
stylesheet ``static/src/print.css``, local DejaVu fonts and the restricted URL fetcher (never the
network).

- ``receipt_pdf``: a copy of the submitted application (every section, the budget with totals,
  co-applicants, attachment names, when and by whom it was submitted), attached to the receipt
  e-mail in the recipient's language.
- ``letter_pdf``: the decision letter (vedtaksbrev) in the applicant's chosen written standard
  (``application.letter_language``: bokmål or nynorsk), attached to the decision e-mail and
  stored once on the application by the ``pdf.partnerpot_letter`` task
  (``letter_pdf_task`` below calls ``letter_pdf_store``),
  in private storage served only by access-checked views.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import slugify
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meetings.models import OSLO
from meetings.pdf import _render, _short_date, _w3c
from partnership import formats as formats_portal

from .criteria import appeal_wording
from .models import (
    Application,
    ApplicationFile,
    BudgetLine,
    BullyingForm,
    GrantReport,
    LetterLanguage,
    SubGoal,
)

__all__ = [
    "letter_filename",
    "letter_pdf",
    "letter_pdf_name",
    "letter_pdf_store",
    "receipt_filename",
    "receipt_pdf",
]

logger = logging.getLogger(__name__)

LETTER_LANGUAGES = tuple(LetterLanguage.values)


def _money(amount) -> str:
    return formats_portal.money(amount)


def _datetime(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return formats_portal.datetime(moment)


def _weekday_date(moment: dt.datetime) -> str:
    """ "fredag 1. januar 2027" (lower case: it stands inside a sentence)."""
    return formats_portal.long_date(moment)


def _choice_labels(choices, values) -> list[str]:
    labels = dict(choices)
    return [str(labels.get(value, value)) for value in values]


# --- File names -------------------------------------------------------------------------------
def receipt_filename(application: Application) -> str:
    """ "kvittering-pp-2026-7.pdf"."""
    return f"kvittering-{slugify(application.reference)}.pdf"


def letter_filename(application: Application) -> str:
    """ "vedtak-pp-2026-7.pdf"."""
    return f"vedtak-{slugify(application.reference)}.pdf"


# --- The receipt ------------------------------------------------------------------------------
def _budget(application: Application) -> dict:
    lines = list(application.budget_lines.all())
    categories = dict(BudgetLine.Category.choices)
    total = sum((line.amount for line in lines), start=type(application.own_contribution)(0))
    return {
        "lines": [
            {
                "category": str(categories.get(line.category, line.category)),
                "description": line.description,
                "amount": _money(line.amount),
            }
            for line in lines
        ],
        "total": _money(total),
        "requested": _money(application.requested_amount),
        "own_contribution": _money(application.own_contribution),
    }


def receipt_pdf(*, application: Application, language: str) -> bytes:
    """A copy of the submitted application, as PDF/UA-1, in ``language``."""

    application = (
        Application.objects.select_related("call", "applicant", "submitted_by")
        .prefetch_related("co_applicants__partner")
        .get(pk=application.pk)
    )
    with translation.override(language), timezone.override(OSLO):
        title = _("Kvittering for søknad %(ref)s") % {"ref": application.reference}
        submitted_at = application.submitted_at
        context = {
            "document_title": title,
            "description": _("Kopi av innsendt søknad til Partnerpotten"),
            "created": _w3c(submitted_at or timezone.now()),
            "application": application,
            "reference": application.reference,
            "masthead_sub": _("Partnerpotten"),
            "submitted_at": _datetime(submitted_at),
            "submitted_by": application.submitted_by.full_name if application.submitted_by else "",
            "sub_goals": _choice_labels(SubGoal.choices, application.sub_goals),
            "bullying_forms": _choice_labels(BullyingForm.choices, application.bullying_forms),
            "municipality": application.municipality.partition(": ")[2] or application.municipality,
            "starts_on": _short_date(application.starts_on) if application.starts_on else "",
            "ends_on": _short_date(application.ends_on) if application.ends_on else "",
            "budget": _budget(application),
            "co_applicants": [
                {"name": c.display_name, "kind": c.get_kind_display()}
                for c in application.co_applicants.all()
            ],
            "files": list(
                application.files.filter(purpose=ApplicationFile.Purpose.APPLICATION).values_list(
                    "original_name", flat=True
                )
            ),
            "letter_language": application.get_letter_language_display(),
        }
    return _render(template_name="partnerpot/pdf/receipt.html", context=context, language=language)


# --- The decision letter ----------------------------------------------------------------------
def _letter_language(application: Application, language: str | None) -> str:
    language = language or application.letter_language
    return language if language in LETTER_LANGUAGES else LetterLanguage.BOKMAAL


def letterhead() -> str:
    """ "Partnerskap mot mobbing – sekretariatet" (the portal's name, so nynorsk follows it)."""
    return _("%(portal)s – sekretariatet") % {"portal": settings.PORTAL_NAME}


def report_contents() -> list[str]:
    """What the final report must contain (the fields of ``GrantReport`` and its accounts)."""
    return [
        _("hva som ble gjort i prosjektet"),
        _("hvordan barn og unge medvirket"),
        _("hvor mange som ble nådd, og hvem de var"),
        _("regnskap for hver budsjettlinje: hvor mye som ble brukt av tilskuddet"),
        _("vedlegg som dokumenterer aktivitetene, om dere har det"),
    ]


def letter_pdf(*, application: Application, language: str | None = None) -> bytes:
    """The decision letter as PDF/UA-1, in the applicant's written standard (``language``
    overrides it). Only for decided applications (``ValueError`` otherwise)."""
    application = Application.objects.select_related(
        "call",
        "applicant",
        "decision__body",
        "decision__meeting__body",
    ).get(pk=application.pk)
    if not application.is_decided or application.decision is None:
        raise ValueError(f"Application {application.pk} is not decided")
    language = _letter_language(application, language)
    decision = application.decision
    grant = getattr(application, "grant", None) if application.is_granted else None
    status = Application.Status
    with translation.override(language), timezone.override(OSLO):
        values = {
            "ref": application.reference,
            "title": application.title,
            "amount": _money(application.granted_amount),
            "requested": _money(application.requested_amount),
        }
        if application.status == status.REJECTED:
            outcome_label = _("Avslått")
            outcome = _("Søknaden om tilskudd til «%(title)s» er avslått.") % values
        elif application.status == status.PARTLY_GRANTED:
            outcome_label = _("Delvis innvilget")
            outcome = (
                _(
                    "Søknaden om tilskudd til «%(title)s» er delvis innvilget. Dere får "
                    "%(amount)s av omsøkte %(requested)s."
                )
                % values
            )
        else:
            outcome_label = _("Innvilget")
            outcome = (
                _("Søknaden om tilskudd til «%(title)s» er innvilget med %(amount)s.") % values
            )
        meeting = decision.meeting
        title = _("Vedtak om tilskudd fra Partnerpotten")
        context = {
            "document_title": f"{title} – {application.reference}",
            "heading": title,
            "description": _("Vedtaksbrev for søknad %(ref)s") % values,
            "created": _w3c(decision.recorded_at),
            "letterhead": letterhead(),
            "portal": settings.PORTAL_NAME,
            "letter_date": _short_date(decision.recorded_at),
            "application": application,
            "reference": application.reference,
            "outcome_label": outcome_label,
            "outcome": outcome,
            "granted": application.is_granted,
            "amount": _money(application.granted_amount),
            "requested": _money(application.requested_amount),
            "decision_label": decision.label,
            "meeting_name": meeting.body.name if meeting else decision.body.name,
            "meeting_date": _weekday_date(meeting.starts_at) if meeting else "",
            "decided_on": _short_date(decision.decided_on),
            "grant": grant,
            "report_due_on": _short_date(grant.report_due_on) if grant else "",
            "report_contents": report_contents() if grant else [],
            "report_statuses": GrantReport.Status,
            # Whether and how it can be appealed: for a rejection or a partial grant.
            "appeal": appeal_wording(application.call)
            if application.status in (status.REJECTED, status.PARTLY_GRANTED)
            else "",
        }
    return _render(template_name="partnerpot/pdf/letter.html", context=context, language=language)


# --- The stored letter and its task -----------------------------------------------------------
def letter_pdf_name(application: Application) -> str:
    """ "partnerpot/<pk>/vedtak-pp-2026-7-<decision pk>.pdf" in private storage."""
    return f"partnerpot/{application.pk}/vedtak-{slugify(application.reference)}-{application.decision_id}.pdf"


def letter_pdf_store(*, application: Application) -> str:
    """Render the decision letter and store it in ``application.letter_pdf``; returns the
    storage name. A decision never changes, so a letter already stored is kept."""
    application = Application.objects.select_related("call").get(pk=application.pk)
    name = letter_pdf_name(application)
    if application.letter_pdf.name == name and default_storage.exists(name):
        return name
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(letter_pdf(application=application)))
        if saved != name:
            # Another worker stored the same letter meanwhile (storage gave us a new name).
            default_storage.delete(saved)
    Application.objects.filter(pk=application.pk).update(letter_pdf=name)
    application.letter_pdf.name = name
    return name


@shared_task(name="pdf.partnerpot_letter")
def letter_pdf_task(*, application_id: int) -> str | None:
    """Make and store the decision letter of an application (queued on commit after the
    decision; the ``pdf`` queue). Returns the storage name, or None when there is nothing to
    store."""
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        logger.warning("pdf.partnerpot_letter: application %s does not exist", application_id)
        return None
    if not application.is_decided:
        logger.warning("pdf.partnerpot_letter: application %s is not decided", application_id)
        return None
    return letter_pdf_store(application=application)
