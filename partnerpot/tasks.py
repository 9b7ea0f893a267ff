"""Celery tasks for Partnerpotten: thin wrappers around services and notifications.

Imports of the PDF and notification modules happen inside the tasks: web processes import
this module only to queue work, and WeasyPrint takes seconds to import.
"""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="partnerpot.tasks.schedule_reminders", ignore_result=True)
def schedule_reminders() -> int:
    """Beat, every five minutes: queue the reminders that are due (idempotent)."""
    from . import notifications

    return notifications.schedule_reminders()


@shared_task(name="pdf.partnerpot_letter")
def letter_pdf_task(*, application_id: int) -> str | None:
    """Make and store the decision letter of an application (queued on commit after the
    decision; the ``pdf`` queue). Returns the storage name, or None when there is nothing to
    store."""
    from .models import Application
    from .pdf import letter_pdf_store

    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        logger.warning("pdf.partnerpot_letter: application %s does not exist", application_id)
        return None
    if not application.is_decided:
        logger.warning("pdf.partnerpot_letter: application %s is not decided", application_id)
        return None
    return letter_pdf_store(application=application)
