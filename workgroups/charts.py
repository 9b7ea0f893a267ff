"""Server-rendered SVG charts (pygal) for budget against actuals. Each chart is shown as an
image with a text alternative, and the page has the same figures in a table.

No scripts: pygal's tooltips load JavaScript from a CDN, so ``js`` is empty; the SVG is served
on its own URL as an image (the pages' Content-Security-Policy does not allow the inline styles
pygal writes, the image response carries its own), or inlined as a ``data:`` image where a
page or a PDF carries it (``data_uri``). An image is never interactive, so ``as_image`` also
drops what only the tooltips and hover effects use: that is a third of a chart's bytes, and
WeasyPrint parses and styles every element of it."""

from __future__ import annotations

import base64
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
# The tooltips' texts: pygal writes a <desc> per value and a <title> per guide and point.
TOOLTIP_TEXT = re.compile(rb"<desc\b[^>]*>[^<]*</desc>|<title>[^<]*</title>")
STYLE_BLOCK = re.compile(rb"(<style[^>]*>)(.*?)(</style>)", re.DOTALL)
CSS_RULE = re.compile(rb"[^{}]+\{[^{}]*\}")
# Rules for states an image never has (hover, the active series, the tooltip) or animations.
SCREEN_ONLY = re.compile(rb":hover|\.tooltip|\.active|transition")


def _slim_style(match: re.Match) -> bytes:
    rules = CSS_RULE.findall(match.group(2))
    kept = b"".join(rule.strip() for rule in rules if not SCREEN_ONLY.search(rule))
    return match.group(1) + kept + match.group(3)


def as_image(svg: bytes) -> bytes:
    """A pygal chart as a static image: no scripts (pygal writes its tooltip configuration as
    an inline script even with ``js=[]``, and the image response's policy forbids scripts
    anyway), no tooltip texts, no hover or animation rules. The chart's text alternative is
    the ``alt`` of the image that shows it, and the page's table."""
    svg = TOOLTIP_TEXT.sub(b"", SCRIPT.sub(b"", svg))
    return STYLE_BLOCK.sub(_slim_style, svg)


def data_uri(svg: bytes) -> str:
    """``as_image(svg)`` as a ``data:`` URL for an ``<img>`` (the pages' policy allows
    ``data:`` images; the annual report's PDF fetcher serves exactly the charts it was given)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


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
        "truncate_label": -1,  # never "200…": amounts are read in full
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
    return as_image(chart.render())


def partnership_chart_height(actuals: Actuals) -> int:
    return 120 + 40 * len(actuals.lines)


def partnership_chart(actuals: Actuals, title: str) -> bytes:
    chart = pygal.HorizontalBar(
        **_config(title=title, height=partnership_chart_height(actuals), x_label_rotation=30)
    )
    chart.x_labels = [row.label for row in actuals.lines]
    chart.add(_("Bevilget"), [row.allocated for row in actuals.lines])
    chart.add(_("Brukt"), [row.used for row in actuals.lines])
    return as_image(chart.render())
