"""The money form field: amounts in kroner written the Norwegian way.

Accepted: "1500", "1500,50", "1 500,50" (a space or no-break space between thousands),
"1500.50" (a decimal point, as pasted from a spreadsheet) and a trailing "kr".
Refused, each with its own message: "1.500,50" and "1.500" (a point between thousands is
ambiguous, so it is never guessed), text, more than two decimals, zero or negative amounts
where the field does not allow them, and absurd figures. The value is a ``Decimal`` quantised
to øre; a float never appears.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from . import formats

SPACES = re.compile(r"[ \u00a0\u202f]")
GROUPED = re.compile(r"^\d{1,3}( \d{3})+$")
PLAIN = re.compile(r"^\d+$")
DEFAULT_MAX = Decimal("1000000000.00")


def parse_amount(
    value, *, allow_zero: bool = False, allow_negative: bool = False, max_value=DEFAULT_MAX
) -> Decimal | None:
    """ "1 500,50" → ``Decimal("1500.50")``; empty → None. Raises ``forms.ValidationError``."""
    if value in (None, ""):
        return None
    text = str(value).strip().lower()
    for unit in ("kr", "nok"):
        text = text.removesuffix(unit).removeprefix(unit).strip()
    if not text:
        return None
    negative = text.startswith("-")
    text = text.removeprefix("-").strip()
    if "." in text and ("," in text or text.count(".") > 1 or re.search(r"\.\d{3}$", text)):
        raise forms.ValidationError(
            _("Bruk mellomrom, ikke punktum, mellom tusenene: skriv for eksempel 1 500,50."),
            code="thousands_point",
        )
    whole, sep, fraction = text.replace(".", ",").partition(",")
    whole = SPACES.sub(" ", whole.strip())
    if not (PLAIN.match(whole) or GROUPED.match(whole)) or (sep and not fraction.isdigit()):
        raise forms.ValidationError(
            _("Skriv et beløp i kroner, for eksempel 25000 eller 25 000,50."), code="invalid"
        )
    if len(fraction) > 2:
        raise forms.ValidationError(_("Beløpet kan ha høyst to desimaler."), code="decimals")
    try:
        amount = Decimal(whole.replace(" ", "") + ("." + fraction if fraction else ""))
    except InvalidOperation:  # pragma: no cover - the patterns above let only digits through
        raise forms.ValidationError(
            _("Skriv et beløp i kroner, for eksempel 25000 eller 25 000,50."), code="invalid"
        ) from None
    amount = -amount if negative else amount
    if amount < 0 and not allow_negative:
        raise forms.ValidationError(_("Beløpet kan ikke være negativt."), code="negative")
    if amount == 0 and not allow_zero:
        raise forms.ValidationError(_("Beløpet må være større enn null."), code="zero")
    if max_value is not None and abs(amount) > max_value:
        raise forms.ValidationError(
            _("Beløpet er for stort (høyst %(max)s).") % {"max": formats.money(max_value)},
            code="too_large",
        )
    return amount.quantize(formats.ORE)


class MoneyField(forms.CharField):
    """An amount in kroner (see ``parse_amount``); shown back as "1 500,50"."""

    def __init__(
        self,
        *,
        allow_zero: bool = False,
        allow_negative: bool = False,
        max_value=DEFAULT_MAX,
        **kwargs,
    ):
        self.allow_zero = allow_zero
        self.allow_negative = allow_negative
        self.max_value = max_value
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return formats.money(value).replace("\u00a0kr", "").replace("\u00a0", " ")
        return value

    def clean(self, value):
        # Length and "required" are checked on the text; the amount comes out.
        return parse_amount(
            super().clean(value),
            allow_zero=self.allow_zero,
            allow_negative=self.allow_negative,
            max_value=self.max_value,
        )
