"""Files attached to agenda items: upload and remove (htmx in place on the meeting page) and
an access-checked download (always ``Content-Disposition: attachment``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership import uploads

from .. import access, services
from ..forms import AttachmentForm
from .agenda import _agenda_response
from .common import apply_validation_error


@uploads.size_guarded
@require_http_methods(["GET", "POST"])
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file to an agenda item (those who manage the meeting).

    GET gives the upload form: with htmx into the item's place on the meeting page (which no
    longer renders a form per item), else as a page of its own. A file over
    ``ATTACHMENT_MAX_BYTES`` is skipped while it streams in (it never reaches the disk) and
    the form says it is too large.
    """
    item = access.agenda_item_for_user(request.user, pk, action="manage")
    if request.method == "GET":
        context = {
            "item": item,
            "meeting": item.meeting,
            "form": AttachmentForm(auto_id=f"att-{item.pk}-%s"),
        }
        template = "meetings/attachment_upload.html"
        return render(request, template + ("#upload-form" if request.htmx else ""), context)
    form = AttachmentForm(request.POST, request.FILES, auto_id=f"att-{item.pk}-%s")
    if uploads.upload_form_is_valid(request, form):
        try:
            attachment = services.attachment_add(
                item=item, uploaded_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = _("«%(name)s» er lagt ved %(item)s.") % {
                "name": attachment.original_name,
                "item": item.label,
            }
            return _agenda_response(request, item.meeting, message=message)
    return _agenda_response(
        request, item.meeting, status=400, attachment_form=form, attachment_item=item.pk
    )


@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = access.attachment_for_user(request.user, pk, action="delete")
    item = attachment.agenda_item
    try:
        services.attachment_remove(attachment=attachment, by=request.user)
    except ValidationError as exc:
        return _agenda_response(
            request, item.meeting, status=400, agenda_error=" ".join(exc.messages)
        )
    message = _("Vedlegget «%(name)s» er fjernet.") % {"name": attachment.original_name}
    return _agenda_response(request, item.meeting, message=message)


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, for whoever may see the item; exempt files only for the body's members and the
    secretariat. Whoever may not see it gets 404, so its existence is not revealed."""
    attachment = access.attachment_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
