"""Celery tasks for Partnerpotten: thin wrappers around services and notifications.

Imports of the PDF and notification modules happen inside the tasks: web processes import
this module only to queue work, and WeasyPrint takes seconds to import.
"""

from __future__ import annotations

import logging

from celery import shared_task

from . import notifications
from .pdf import letter_pdf_task  # noqa: F401 - registered here for the worker's autodiscovery

logger = logging.getLogger(__name__)


@shared_task(name="partnerpot.tasks.schedule_reminders", ignore_result=True)
def schedule_reminders() -> int:
    """Beat, every five minutes: queue the reminders that are due (idempotent)."""
    return notifications.schedule_reminders()
