"""Trend charts of the indicators (issue 12 §5): pygal line charts with the targets at the
two- and four-year evaluation points as lines, rendered on the server as SVG images.

The project's pygal conventions are ``workgroups.charts``' (its style, no scripts, served as
an image on its own URL with its own policy); this module uses them rather than copying them.
Every chart on a page has a one-sentence summary (the image's ``alt``) and the same numbers
in a table.
"""

from __future__ import annotations

from decimal import Decimal

import pygal
from django.utils.translation import gettext as _

from partnership import formats
from partnership.models_indicators import RagStatus, Unit
from partnership.selectors_indicators import format_number
from workgroups import charts as base

# Qualitative values are drawn as 1 (red), 2 (amber) and 3 (green).
RAG_LEVEL = {RagStatus.RED: 1, RagStatus.AMBER: 2, RagStatus.GREEN: 3}
RAG_NAMES = {1: RagStatus.RED, 2: RagStatus.AMBER, 3: RagStatus.GREEN}


def _formatter(unit: str):
    if unit == Unit.QUALITATIVE:
        return lambda v: "" if v is None else str(RAG_NAMES.get(round(v), RagStatus.AMBER).label)

    def label(value) -> str:
        if value is None:
            return ""
        return format_number(unit, Decimal(str(round(value, 2))))

    return label


def indicator_chart(indicator, values, *, points=(), height: int = 320) -> bytes:
    """The values of ``indicator`` over time, with its two- and four-year targets as lines."""
    config = base._config(  # noqa: SLF001 - the project's one pygal configuration
        title=f"{indicator.code} {indicator.name}",
        height=height,
        show_dots=len(values) <= 36,
        x_label_rotation=30,
        x_value_formatter=lambda d: formats.date(d),
        value_formatter=_formatter(indicator.unit),
        dots_size=3,
        truncate_legend=60,
    )
    chart = pygal.DateLine(**config)
    if indicator.unit == Unit.QUALITATIVE:
        chart.add(_("Vurdering"), [(v.measured_on, RAG_LEVEL.get(v.status)) for v in values])
        chart.range = (0.5, 3.5)
        chart.y_labels = [1, 2, 3]
        return base.as_image(chart.render())
    chart.add(_("Verdi"), [(v.measured_on, float(v.value)) for v in values])
    if values:
        first, last = values[0].measured_on, values[-1].measured_on
        for point, target in zip(points, (indicator.target_2y, indicator.target_4y), strict=False):
            if target is None:
                continue
            end = max(last, point.on)
            chart.add(
                _("Mål etter %(years)s år") % {"years": point.years},
                [(min(first, point.on), float(target)), (end, float(target))],
                show_dots=False,
                stroke_style={"dasharray": "6, 4", "width": 2},
            )
    if indicator.unit == Unit.PERCENT:
        chart.range = (0, 100)
    elif indicator.unit == Unit.SCALE:
        chart.range = (1, 5)
    return base.as_image(chart.render())
