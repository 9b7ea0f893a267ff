"""Template helpers for the portal's Designsystemet markup.

Forms stay free of presentation: the classes and ARIA attributes that tie a
widget to its label, help text and errors are added here, when the field is
rendered (see ``templates/partnership/_field.html``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms, template

from partnership import formats
from partnership.forms_renderer import error_id, help_id, widget_html

register = template.Library()


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_multiple_choice(field) -> bool:
    """Radio buttons and checkbox lists: rendered in a <fieldset> with a <legend>."""
    return isinstance(field.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))


@register.filter
def field_help_id(field) -> str:
    return help_id(field)


@register.filter
def field_error_id(field) -> str:
    return error_id(field)


@register.simple_tag
def ds_widget(field, **extra):
    """A bound field's widget with Designsystemet classes and ARIA links
    (``forms_renderer.widget_html``)."""
    return widget_html(field, **extra)


@register.filter
def alert_color(message) -> str:
    """Designsystemet colour for a django.contrib.messages message."""
    return {
        "error": "danger",
        "warning": "warning",
        "success": "success",
        "info": "info",
        "debug": "info",
    }.get(getattr(message, "level_tag", ""), "info")


@register.filter
def money(value) -> str:
    """Kroner, through ``partnership.formats.money`` (the one rule for money everywhere)."""
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return formats.money(amount)


@register.filter
def when(value) -> str:
    """A datetime in Europe/Oslo in the active language's one style (``formats.datetime``)."""
    return formats.datetime(value) if value else ""


@register.filter
def long_date(value) -> str:
    """The date with its weekday ("tirsdag 8. desember 2026", ``formats.long_date``)."""
    return formats.long_date(value) if value else ""


@register.filter
def page_range(page):
    """Page numbers around the current one, with ``None`` for a gap."""
    ellipsis = page.paginator.ELLIPSIS
    return [
        None if n == ellipsis else n
        for n in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]


@register.filter
def orgnr(value) -> str:
    """A Norwegian organisation number in groups of three: ``974 760 673``."""
    digits = str(value or "")
    if len(digits) == 9 and digits.isdigit():
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return digits
