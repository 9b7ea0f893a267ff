from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerpotConfig(AppConfig):
    name = "partnerpot"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from meetings import extensions
        from partnership import extensions as core_extensions

        from . import access

        core_extensions.register_nav("partnerpot:home", _("Partnerpotten"), order=200)

        from .notifications import MANDATORY_KINDS, Kind

        core_extensions.register_notification_kinds(Kind, mandatory=MANDATORY_KINDS)
        # People conflicted on an application never read its recommendation on the agenda.
        extensions.register_conflict_source(access.conflicted_on_agenda_items)
