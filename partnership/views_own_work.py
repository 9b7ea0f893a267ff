"""A partner's page of its own work against bullying (issue 12 §6, R13)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, services_own_work
from .forms_own_work import OwnWorkForm
from .uploads import size_guarded, upload_form_is_valid
from .viewhelpers import apply_validation_error, done, form_page, posted


def _form(request: HttpRequest, **kwargs) -> OwnWorkForm:
    return OwnWorkForm(posted(request), request.FILES or None, **kwargs)


@size_guarded
@require_http_methods(["GET", "POST"])
def own_work(request: HttpRequest, pk: int) -> HttpResponse:
    """The list, and (for the partner's people) the form that adds to it."""
    action = "edit" if request.method == "POST" else "view"
    partner = access.own_work_partner_for_user(request.user, pk, action=action)
    can_edit = access.can_edit_own_work(request.user, partner)
    form = _form(request) if can_edit else None
    if request.method == "POST" and upload_form_is_valid(request, form):
        try:
            services_own_work.own_work_save(partner=partner, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Arbeidet er lagt til."), "own_work", pk=partner.pk)
    return form_page(
        request,
        "partnership/own_work.html",
        {
            "partner": partner,
            "items": list(partner.own_work.order_by("-starts_on", "title")),
            "form": form,
            "can_edit": can_edit,
        },
    )


@size_guarded
@require_http_methods(["GET", "POST"])
def own_work_edit(request: HttpRequest, pk: int) -> HttpResponse:
    work = access.own_work_for_user(request.user, pk, action="edit")
    form = _form(request, instance=work)
    if request.method == "POST" and upload_form_is_valid(request, form):
        try:
            services_own_work.own_work_save(
                partner=work.partner, work=work, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Endringene er lagret."), "own_work", pk=work.partner_id)
    return form_page(request, "partnership/own_work_form.html", {"form": form, "work": work})


@require_POST
def own_work_delete(request: HttpRequest, pk: int) -> HttpResponse:
    work = access.own_work_for_user(request.user, pk, action="edit")
    services_own_work.own_work_delete(work=work, by=request.user)
    return done(request, _("Arbeidet er fjernet fra siden."), "own_work", pk=work.partner_id)


@require_GET
def own_work_file(request: HttpRequest, pk: int) -> FileResponse:
    """An item's file, to whoever may read the partner's page; as a download, never shown
    inline, with the type that was checked when it was uploaded."""
    work = access.own_work_for_user(request.user, pk)
    if not work.file:
        raise Http404
    try:
        handle = work.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=work.file_name, content_type=work.file_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
