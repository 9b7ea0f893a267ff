from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from partnership import extensions

        for name, label, order in (
            ("meetings:calendar", _("Kalender"), 100),
            ("meetings:meeting_list", _("Møter"), 110),
            ("meetings:decision_search", _("Vedtak"), 120),
            ("meetings:my_follow_ups", _("Mine oppfølgingspunkter"), 130),
        ):
            extensions.register_nav(name, label, order=order)
        # The private iCal feed: no session, the token in the URL is the key.
        extensions.register_public_url("meetings:calendar_feed")
        # Reporting absence from the notice e-mail's link: the signed token is the key.
        extensions.register_public_url("meetings:absence_link")

        from .notifications import MANDATORY_KINDS, Kind

        extensions.register_notification_kinds(Kind, mandatory=MANDATORY_KINDS)

        from . import absence

        extensions.register_notification_kinds(absence.Kind, mandatory=absence.MANDATORY_KINDS)

        # The core asks the register about its objects (R1: ending a common measure).
        from .decision_source import RegisterSource

        extensions.register_decision_source(RegisterSource())
