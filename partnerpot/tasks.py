"""Celery tasks for Partnerpotten: thin wrappers around services and notifications."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="partnerpot.tasks.schedule_reminders", ignore_result=True)
def schedule_reminders() -> int:
    from . import notifications

    schedule = getattr(notifications, "schedule_reminders", None)
    return schedule() if schedule else 0
