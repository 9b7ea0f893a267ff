from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = _("Partnerskapet")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import extensions
        from .models import MANDATORY_NOTIFICATION_KINDS, NotificationKind

        extensions.register_notification_kinds(
            NotificationKind, mandatory=MANDATORY_NOTIFICATION_KINDS
        )

        # The core's menu entries; the apps add theirs in their own ready().
        for name, label, order, permission in (
            ("home", _("Oversikt"), 10, None),
            ("partner_list", _("Partnere"), 20, None),
            ("body_list", _("Organer"), 30, None),
            ("plan_overview", _("Handlingsplan"), 35, None),
            ("person_list", _("Personer"), 40, None),
            ("invitation_list", _("Invitasjoner"), 900, "partnership.invite_people"),
            ("history", _("Endringslogg"), 910, "partnership.view_history"),
        ):
            extensions.register_nav(name, label, order=order, permission=permission)
