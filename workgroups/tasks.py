"""Celery tasks for the workgroups app: thin wrappers around services and notifications."""

from __future__ import annotations

from celery import shared_task

from . import notifications


@shared_task(name="workgroups.tasks.schedule_reminders", ignore_result=True)
def schedule_reminders() -> int:
    """Beat, daily: queue the year-end reminders that are due (idempotent)."""
    return notifications.schedule_reminders()
