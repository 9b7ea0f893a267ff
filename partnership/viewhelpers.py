"""Small helpers every app's views share: service errors onto forms, paging, htmx messages."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse


def apply_validation_error(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, next to the field where it can."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def page_of(request: HttpRequest, qs, size: int):
    """One page of ``qs`` from ``?page=``; a bad or too-high number gives a valid page."""
    return Paginator(qs, size).get_page(request.GET.get("page"))


def with_message(response: HttpResponse, message: str) -> HttpResponse:
    """Announce ``message`` in the page's live region after an htmx swap (static/src/portal.js)."""
    response["HX-Trigger"] = json.dumps({"portal:message": str(message)})
    return response
