"""Small helpers the meetings views share."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

PAGE_SIZE = 25


def apply_validation_error(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, next to the field where it can."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def page_of(request: HttpRequest, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def with_message(response: HttpResponse, message: str) -> HttpResponse:
    """Announce ``message`` in the page's live region after an htmx swap (static/src/portal.js)."""
    response["HX-Trigger"] = json.dumps({"portal:message": str(message)})
    return response


def done(request: HttpRequest, message: str, to: str, *args, **kwargs) -> HttpResponse:
    """After a successful write without htmx: a message and a redirect (post/redirect/get)."""
    messages.success(request, message)
    return redirect(to, *args, **kwargs)


def render_form(request: HttpRequest, template: str, context: dict, form=None) -> HttpResponse:
    """Render a page that holds a form; 400 when the form came back with errors."""
    status = 400 if form is not None and form.errors else 200
    return render(request, template, context, status=status)


def int_param(request: HttpRequest, name: str, *, lo: int, hi: int) -> int | None:
    """An integer query parameter in [lo, hi], or None for anything else (no 500 on bad input)."""
    try:
        value = int(request.GET.get(name, ""))
    except (TypeError, ValueError):
        return None
    return value if lo <= value <= hi else None
