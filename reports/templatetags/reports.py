"""Indicator values in their unit, for the reports' templates."""

from django import template

from partnership.selectors_indicators import format_number, format_value
from reports.panels import frequency_rows_html, panels_html

register = template.Library()


@register.simple_tag
def indicator_value(row) -> str:
    """A value or snapshot row as "45 %", "3 av 5", "Gul" …"""
    return format_value(row)


@register.simple_tag
def indicator_number(unit: str, number) -> str:
    return format_number(unit, number)


@register.simple_tag
def indicator_panels(items, heading_level: int = 3, printing: bool = False):
    """A goal's indicator panels (``reports.panels``): facts, chart and the chart's table."""
    return panels_html(items, heading_level=heading_level, printing=bool(printing))


@register.simple_tag
def frequency_rows(frequencies):
    """The measures against their target frequency as table rows (``reports.panels``)."""
    return frequency_rows_html(frequencies)
