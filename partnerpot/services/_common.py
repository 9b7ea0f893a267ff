"""What the Partnerpotten services share: constants, the clock and the money parser."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

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
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: _("Skriv et beløp i kroner, for eksempel 25000 eller 25 000,50.")}
        ) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValidationError({field: _("Beløpet kan ha høyst to desimaler.")})
    if abs(amount) >= Decimal("1e12"):
        raise ValidationError({field: _("Beløpet er for stort.")})
    return amount.quantize(Decimal("0.01"))


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
