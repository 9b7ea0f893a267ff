from celery import shared_task

from . import notifications


@shared_task(name="meetings.tasks.schedule_reminders")
def schedule_reminders() -> int:
    """Every five minutes (beat): queue the meeting reminders that have fallen due."""
    return notifications.schedule_reminders()


# The PDF tasks live with their renderer; importing them here registers them with the worker.
from .pdf import minutes_pdf_task  # noqa: E402, F401
