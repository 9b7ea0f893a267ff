from celery import shared_task

from . import services


@shared_task(name="partnership.tasks.sync_membership_rights")
def sync_membership_rights() -> int:
    """Daily: end the rights of expired memberships and grant those that have started."""
    return services.sync_due_memberships()
