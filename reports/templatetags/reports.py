"""Indicator values in their unit, for the reports' templates."""

from django import template

from partnership.selectors_indicators import format_number, format_value

register = template.Library()


@register.simple_tag
def indicator_value(row) -> str:
    """A value or snapshot row as "45 %", "3 av 5", "Gul" …"""
    return format_value(row)


@register.simple_tag
def indicator_number(unit: str, number) -> str:
    return format_number(unit, number)
