from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkgroupsConfig(AppConfig):
    name = "workgroups"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from partnership import extensions

        extensions.register_nav("workgroups:budget_list", _("Budsjett"), order=300)
        extensions.register_nav("workgroups:accounts_home", _("Regnskap"), order=310)

        from .notifications import Kind

        extensions.register_notification_kinds(Kind)
