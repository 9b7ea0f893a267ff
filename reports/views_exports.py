"""The export page: every signed-in role picks a year, a body and a format, and gets the
tables it may see (reports/exports.py decides what each table holds for the reader)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from partnership import xlsx
from partnership.models import Body
from partnership.viewhelpers import form_page

from . import exports
from .forms_briefing import ExportForm


def _form(request: HttpRequest, data=None) -> ExportForm:
    return ExportForm(
        data,
        bodies=Body.objects.order_by("name"),
        entities=exports.entity_choices(),
    )


@require_GET
def export_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        raise PermissionDenied
    return form_page(
        request,
        "reports/exports.html",
        {"form": _form(request), "sources": exports.sources()},
    )


@require_GET
def export_download(request: HttpRequest) -> HttpResponse:
    """The file, or the page with the form's errors (400) for filters that do not parse."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    form = _form(request, request.GET)
    if not form.is_valid():
        return form_page(
            request, "reports/exports.html", {"form": form, "sources": exports.sources()}
        )
    data = form.cleaned_data
    filters = exports.Filters(year=data.get("year"), body=data.get("body"))
    if data["format"] == "csv":
        key = data["entity"]
        content = exports.export_csv(request.user, filters, key)
        return xlsx.download(content, fmt="csv", name=exports.file_name(filters, key))
    return xlsx.download(
        exports.export_xlsx(request.user, filters), fmt="xlsx", name=exports.file_name(filters)
    )
