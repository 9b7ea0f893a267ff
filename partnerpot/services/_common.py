"""What the Partnerpotten services share: constants, the clock and the money parser."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership.forms_money import parse_amount

from ..models import (
    Application,
)

# Texts the portal writes into the register are in the default language, whoever triggered them.
STORED_LANGUAGE = "nb"
NBSP = "\u00a0"
# Without a project end date, the final report is due a year after the decision.
DEFAULT_REPORT_MONTHS_AFTER_END = 3

Status = Application.Status
Section = Application.Section


def _now() -> dt.datetime:
    return timezone.now()


def _money(value, field: str) -> Decimal | None:
    """An amount as typed ("25 000,50") → ``Decimal``, by the portal's one money parser; its
    refusal is raised against ``field``. Zero and negative amounts pass: each service decides
    what it allows."""
    try:
        return parse_amount(value, allow_zero=True, allow_negative=True)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def move_to(application: Application, status: str) -> None:
    """Set a (locked) application's status along ``Application.TRANSITIONS``, or refuse."""
    if not application.can_move_to(status):
        raise ValidationError(
            _("Søknaden kan ikke gå fra «%(from)s» til «%(to)s».")
            % {
                "from": application.get_status_display(),
                "to": Application.Status(status).label,
            }
        )
    application.status = status
