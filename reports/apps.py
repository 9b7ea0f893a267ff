from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from partnership import extensions

        extensions.register_nav("reports:dashboard", _("Styringstavle"), order=250)
        # The annual report (issue 14 §1, §4): importing the task module registers its tasks
        # (pdf.reports.annual_report, reports.annual_stale_runs).
        from . import tasks_annual  # noqa: F401

        extensions.register_nav(
            "reports:annual_list",
            _("Årsrapport"),
            order=420,
            permission="partnership.manage_registry",
        )
        # The ministries' briefing and the exports (issue 14 §2, §3). Importing the briefing
        # module registers its tasks (pdf.reports_briefing, reports.quarterly_briefing).
        from . import briefing

        extensions.register_notification_kinds(briefing.Kind, mandatory=briefing.Kind.values)
        extensions.register_nav("reports:export_page", _("Eksport"), order=400)
        extensions.register_nav("reports:briefing_list", _("Orienteringer"), order=410)
