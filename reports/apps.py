from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from partnership import extensions

        extensions.register_nav("reports:dashboard", _("Styringstavle"), order=250)
