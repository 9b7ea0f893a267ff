"""partnership.html writes what django.utils.html writes: escaping, safe and lazy values,
numbers and None, keyword arguments, and joins of tuples and mappings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from partnership import html

VALUES = [
    "Tom & \"Jerry\" <b>'x'",
    mark_safe("<em>trygg</em>"),
    gettext_lazy("Neste"),
    42,
    Decimal("12.50"),
    None,
    dt.date(2026, 12, 4),
    "",
]


@pytest.mark.parametrize("value", VALUES)
def test_conditional_escape_is_djangos(value):
    with override("en"):
        assert html.conditional_escape(value) == django_html.conditional_escape(value)


def test_format_html_is_djangos():
    template = '<a href="{}" title="{title}">{}{}</a>'
    with override("nb"):
        for value in VALUES:
            ours = html.format_html(template, value, "?a=1&b=2", value, title=value)
            theirs = django_html.format_html(template, value, "?a=1&b=2", value, title=value)
            assert ours == theirs
            assert isinstance(ours, SafeString)


def test_format_html_join_is_djangos():
    rows = [("a&b", 1), (mark_safe("<i>x</i>"), None)]
    named = [{"x": "<", "y": 2}]
    assert html.format_html_join("\n", "<li>{} {}</li>", rows) == django_html.format_html_join(
        "\n", "<li>{} {}</li>", rows
    )
    assert html.format_html_join("&", "{x}{y}", named) == django_html.format_html_join(
        "&", "{x}{y}", named
    )
    assert isinstance(html.format_html_join("", "{}", [("x",)]), SafeString)
