"""Files attached to agenda items: upload and remove (htmx in place on the meeting page) and
an access-checked download (always ``Content-Disposition: attachment``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from .. import access, services, uploads
from ..forms import AttachmentForm
from ..uploads import AttachmentSizeGuard
from .agenda import _agenda_response
from .common import apply_validation_error


@csrf_exempt  # only so the size guard is in place before the body is read; checked below
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file to an agenda item (those who manage the meeting).

    A file over ``ATTACHMENT_MAX_BYTES`` is skipped while it streams in (it never reaches the
    disk) and the form says it is too large.
    """
    request.upload_handlers.insert(0, AttachmentSizeGuard(request))
    return _attachment_upload(request, pk)


@csrf_protect
def _attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.agenda_item_for_user(request.user, pk, action="manage")
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
