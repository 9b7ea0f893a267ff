"""Small helpers the meetings views share."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from partnership import viewhelpers
from partnership.viewhelpers import (  # noqa: F401 - the meetings views import them from here
    apply_validation_error,
    done,
    error_text,
    with_message,
)

PAGE_SIZE = 25


def page_of(request: HttpRequest, qs, size: int = PAGE_SIZE, *, capped: bool = False):
    return viewhelpers.page_of(request, qs, size, capped=capped)


def render_form(request: HttpRequest, template: str, context: dict, form=None) -> HttpResponse:
    """Render a page that holds a form; 400 when the form came back with errors."""
    return viewhelpers.form_page(
        request, template, context, form, status=None if form is not None else 200
    )


MAX_ID = 2**63 - 1  # the largest primary key (bigint); a larger number is no id at all


def int_param(request: HttpRequest, name: str, *, lo: int, hi: int) -> int | None:
    """An integer query parameter in [lo, hi], or None for anything else (no 500 on bad input)."""
    try:
        value = int(request.GET.get(name, ""))
    except (TypeError, ValueError):
        return None
    return value if lo <= value <= hi else None
