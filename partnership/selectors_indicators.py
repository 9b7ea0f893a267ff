"""Reads for the indicators: where a value stands against its target (both directions), the
target that applies at a date, and values shown in the indicator's unit."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from . import formats
from .models import Indicator, IndicatorSet, IndicatorValue
from .models_indicators import Direction, RagStatus, Unit


def format_number(unit: str, value: Decimal | None) -> str:
    """A number in the indicator's unit: "45,5 %", "3 av 5", "12 000,00 kr", "120"."""
    if value is None:
        return "–"
    return _format_number(translation.get_language(), unit, value)


@functools.lru_cache(maxsize=8192)
def _format_number(language: str, unit: str, value: Decimal) -> str:
    """Cached per language: a dashboard formats hundreds of values, most of them repeated,
    and Django's ``number_format`` looks the locale's separators up on every call."""
    if unit == Unit.NOK:
        return formats.money(value)
    decimals = 0 if value == value.to_integral_value() else 2
    text = number_format(value, decimals, use_l10n=True, force_grouping=True)
    if unit == Unit.PERCENT:
        return f"{text} %"
    if unit == Unit.SCALE:
        return _("%(value)s av 5") % {"value": text}
    return text


def format_value(row) -> str:
    """A value row (or snapshot row) as text: the number, or the status for a qualitative one."""
    if row is None:
        return "–"
    if row.unit == Unit.QUALITATIVE:
        return str(RagStatus(row.status).label) if row.status else "–"
    return format_number(row.unit, row.value)


@dataclass(frozen=True)
class Assessment:
    """``level``: met, progress, behind, no_data, no_target, or a qualitative status."""

    level: str
    text: str

    @property
    def label(self) -> str:
        """The tag's text."""
        return {
            "met": _("Nådd"),
            "progress": _("På vei"),
            "behind": _("Ikke på vei"),
            "green": RagStatus.GREEN.label,
            "amber": RagStatus.AMBER.label,
            "red": RagStatus.RED.label,
        }.get(self.level) or _("Ingen vurdering")

    @property
    def color(self) -> str:
        return {
            "met": "success",
            "green": "success",
            "progress": "warning",
            "amber": "warning",
            "behind": "danger",
            "red": "danger",
        }.get(self.level, "neutral")


def _better(direction: str, a: Decimal, b: Decimal) -> bool:
    """``a`` is at least as good as ``b``."""
    return a >= b if direction == Direction.HIGHER else a <= b


def assess(indicator: Indicator, latest: IndicatorValue | None, *, target: Decimal | None):
    """Where ``latest`` stands against ``target``, for either direction."""
    if latest is None:
        return Assessment("no_data", _("Ingen verdier er registrert."))
    if indicator.unit == Unit.QUALITATIVE:
        level = latest.status or "no_data"
        label = RagStatus(level).label if level in RagStatus.values else _("Ukjent")
        return Assessment(level, _("Siste vurdering: %(status)s.") % {"status": label})
    value = latest.value
    if target is None:
        return Assessment("no_target", _("Kjennetegnet har ikke noe mål for dette punktet."))
    shown = {
        "value": format_number(indicator.unit, value),
        "target": format_number(indicator.unit, target),
    }
    if _better(indicator.direction, value, target):
        return Assessment("met", _("Målet er nådd: %(value)s mot målet %(target)s.") % shown)
    baseline = indicator.baseline
    if baseline is not None and value != baseline and _better(indicator.direction, value, baseline):
        return Assessment(
            "progress",
            _("Bedre enn utgangsverdien, men ikke ved målet: %(value)s mot %(target)s.") % shown,
        )
    return Assessment(
        "behind", _("Ikke bedre enn utgangsverdien: %(value)s mot målet %(target)s.") % shown
    )


def target_on(indicator: Indicator, day: dt.date, points) -> tuple[int | None, Decimal | None]:
    """The evaluation point (2 or 4) whose target applies on ``day`` and that target: the
    two-year target until that point, then the four-year one."""
    if not points:
        return None, indicator.target_4y if indicator.target_4y is not None else None
    two, four = points[0], points[1]
    if day <= two.on:
        return 2, indicator.target_2y
    return 4, indicator.target_4y if four else None


def indicators_in_force():
    return (
        Indicator.objects.filter(indicator_set__status=IndicatorSet.Status.ADOPTED)
        .select_related("goal", "indicator_set")
        .order_by("goal__number", "position", "code")
    )
