"""Server-rendered SVG charts (pygal) for budget against actuals. Each chart is shown as an
image with a text alternative, and the page has the same figures in a table.

No scripts: pygal's tooltips load JavaScript from a CDN, so ``js`` is empty; the SVG is served
on its own URL as an image (the pages' Content-Security-Policy does not allow the inline styles
pygal writes, the image response carries its own)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pygal
from django.utils import formats as django_formats
from django.utils.translation import gettext as _
from pygal.style import Style

from partnership import formats

from .actuals import Actuals

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1e2b3c",
    foreground_strong="#1e2b3c",
    foreground_subtle="#68707c",
    colors=("#0062ba", "#c45700", "#1e8a3a"),
    font_family="system-ui, sans-serif",
)


SCRIPT = re.compile(rb"<script\b.*?</script>", re.DOTALL)


def _without_scripts(svg: bytes) -> bytes:
    """pygal writes its tooltip configuration as an inline script even with ``js=[]``; an
    image needs none, and the response's policy forbids scripts anyway."""
    return SCRIPT.sub(b"", svg)


def _label(value) -> str:
    """Axis ticks are positions pygal computes as floats: shown as whole kroner (the amounts
    themselves go in as Decimal and are shown exactly in the table)."""
    if value is None:
        return ""
    return formats.money(Decimal(str(value)), decimals=0)


def _config(**kwargs) -> dict:
    return {
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": False,
        "width": 800,
        "height": 400,
        "legend_at_bottom": True,
        "value_formatter": _label,
        **kwargs,
    }


def _month_names() -> list[str]:
    return [django_formats.date_format(dt.date(2000, m, 1), "M") for m in range(1, 13)]


def group_chart(actuals: Actuals, title: str) -> bytes:
    chart = pygal.Line(**_config(title=title, show_dots=True))
    chart.x_labels = _month_names()
    chart.add(_("Brukt hittil"), [m.cumulative for m in actuals.months])
    chart.add(_("Bevilget"), [actuals.allocated] * 12, show_dots=False)
    return _without_scripts(chart.render())


def partnership_chart(actuals: Actuals, title: str) -> bytes:
    chart = pygal.HorizontalBar(**_config(title=title, height=120 + 40 * len(actuals.lines)))
    chart.x_labels = [row.label for row in actuals.lines]
    chart.add(_("Bevilget"), [row.allocated for row in actuals.lines])
    chart.add(_("Brukt"), [row.used for row in actuals.lines])
    return _without_scripts(chart.render())
