"""Small helpers the meetings views share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from partnership import viewhelpers
from partnership.viewhelpers import apply_validation_error, with_message  # noqa: F401 - shared

PAGE_SIZE = 25


def error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def page_of(request: HttpRequest, qs, size: int = PAGE_SIZE):
    return viewhelpers.page_of(request, qs, size)


def done(request: HttpRequest, message: str, to: str, *args, **kwargs) -> HttpResponse:
    """After a successful write without htmx: a message and a redirect (post/redirect/get)."""
    messages.success(request, message)
    return redirect(to, *args, **kwargs)


def render_form(request: HttpRequest, template: str, context: dict, form=None) -> HttpResponse:
    """Render a page that holds a form; 400 when the form came back with errors."""
    status = 400 if form is not None and form.errors else 200
    return render(request, template, context, status=status)


MAX_ID = 2**63 - 1  # the largest primary key (bigint); a larger number is no id at all


def int_param(request: HttpRequest, name: str, *, lo: int, hi: int) -> int | None:
    """An integer query parameter in [lo, hi], or None for anything else (no 500 on bad input)."""
    try:
        value = int(request.GET.get(name, ""))
    except (TypeError, ValueError):
        return None
    return value if lo <= value <= hi else None
