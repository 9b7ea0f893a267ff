"""``format_html``, ``format_html_join`` and ``conditional_escape`` as Django writes them, for the
rows and panels the views write in Python: the same output, without ``escape``'s ``keep_lazy``
wrapper (which looks for lazy strings among the arguments of every call) and the ``SafeString``
made for every value. A page's table writes several hundred values; Django's versions cost
5.3 µs for a row of four, these 1.6 µs (measured with ``timeit``). ``tests/partnership/
test_html.py`` compares them with Django's on plain, safe, lazy and non-string values.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.safestring import SafeString


def conditional_escape(value) -> str:
    """``django.utils.html.conditional_escape``: text escaped (quotes too), safe text as it is,
    a lazy text translated first."""
    if isinstance(value, Promise):
        value = str(value)
    to_html = getattr(value, "__html__", None)
    if to_html is not None:
        return to_html()
    return html.escape(str(value))


def format_html(format_string: str, *args, **kwargs) -> SafeString:
    """``django.utils.html.format_html``: every argument escaped, the result safe."""
    return SafeString(
        format_string.format(
            *map(conditional_escape, args),
            **{key: conditional_escape(value) for key, value in kwargs.items()},
        )
    )


def format_html_join(sep: str, format_string: str, args_generator) -> SafeString:
    """``django.utils.html.format_html_join``: ``format_html`` per item, joined by ``sep``
    (escaped)."""
    return SafeString(
        conditional_escape(sep).join(
            format_html(format_string, **args)
            if isinstance(args, Mapping)
            else format_html(format_string, *args)
            for args in args_generator
        )
    )
