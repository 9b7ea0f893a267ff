from celery import shared_task

from . import outbox, services
from .outbox import dispatch_outbox_messages  # noqa: F401 - registered here for autodiscovery


@shared_task(name="partnership.tasks.sync_membership_rights")
def sync_membership_rights() -> int:
    """Daily: end the rights of expired memberships and grant those that have started."""
    return services.sync_due_memberships()


@shared_task(name="partnership.tasks.dispatch_outbox")
def dispatch_outbox() -> int:
    """Every minute (beat): send the outbox's due e-mails, and those a dead worker left."""
    return outbox.dispatch_due().sent
