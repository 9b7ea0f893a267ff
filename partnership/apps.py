from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = _("Partnerskapet")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connects the signals that invalidate cached rights, in every process (web, worker).
        from . import pagecache, roles  # noqa: F401

        # Every write to a portal table replaces the version that cached pages are kept under.
        pagecache.connect()
