"""Agenda templates (saksliste-maler): the secretariat keeps one per kind of meeting and edits
its items in place (htmx), with plain POST and redirect when JavaScript is off."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from .. import access, selectors, services
from ..forms import (
    AgendaMoveForm,
    AgendaTemplateCreateForm,
    AgendaTemplateForm,
    AgendaTemplateItemForm,
)
from ..models import AgendaTemplate
from .common import apply_validation_error, done, error_text, render_form, with_message

PAGE = "meetings/agenda_template_detail.html"


# --- The list: one template per kind of meeting -------------------------------------------------
@require_http_methods(["GET", "POST"])
def agenda_template_list(request: HttpRequest) -> HttpResponse:
    """The templates by body kind and meeting kind; a new one for a pair that has none."""
    if not access.may_manage_agenda_templates(request.user):
        raise PermissionDenied
    form = AgendaTemplateCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.agenda_template_create(**form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request,
                _("Malen «%(name)s» er opprettet. Legg til sakene under.") % {"name": template},
                "meetings:agenda_template_detail",
                template.pk,
            )
    return render_form(
        request,
        "meetings/agenda_template_list.html",
        {"templates": list(selectors.agenda_templates()), "form": form},
        form,
    )


# --- One template ---------------------------------------------------------------------------------
def _context(template: AgendaTemplate, **extra) -> dict:
    items = selectors.agenda_template_items(template)
    context = {
        "template": template,
        "items": items,
        "first_pk": items[0].pk if items else None,
        "last_pk": items[-1].pk if items else None,
        "item_form": AgendaTemplateItemForm(),
        "template_form": AgendaTemplateForm(instance=template, auto_id="template-%s"),
        "editing": None,
    }
    context.update(extra)
    return context


def _items_response(
    request: HttpRequest,
    template: AgendaTemplate,
    *,
    message: str = "",
    status: int = 200,
    **extra,
) -> HttpResponse:
    """After a change to the items: the items fragment (htmx), else a redirect to the page
    (or the page with the form that came back with errors)."""
    if request.htmx:
        response = render(request, f"{PAGE}#items", _context(template, **extra), status=status)
        return with_message(response, message) if message and status == 200 else response
    if status == 200:
        return done(request, message, "meetings:agenda_template_detail", template.pk)
    return render(request, PAGE, _context(template, **extra), status=status)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def agenda_template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The template's items (add, edit, move, remove), and its name and description (POST)."""
    template = access.agenda_template_for_user(request.user, pk, action="view")
    if request.method == "GET":
        if request.htmx:  # "Avbryt" on an item being edited: the items as they are
            return render(request, f"{PAGE}#items", _context(template))
        return render(request, PAGE, _context(template))
    template = access.agenda_template_for_user(request.user, pk, action="manage")
    form = AgendaTemplateForm(request.POST, instance=template, auto_id="template-%s")
    if form.is_valid():
        try:
            services.agenda_template_update(template=template, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Malen er lagret."), "meetings:agenda_template_detail", pk)
    template.refresh_from_db()  # the heading keeps the stored name
    return render_form(request, PAGE, _context(template, template_form=form), form)


@require_POST
def agenda_template_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.agenda_template_for_user(request.user, pk, action="manage")
    form = AgendaTemplateItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.agenda_template_item_add(template=template, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = _("«%(title)s» er lagt til i malen.") % {"title": item.title}
            return _items_response(request, template, message=message, focus=item.pk)
    return _items_response(request, template, status=400, item_form=form)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def agenda_template_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one item: in its place on the page (htmx), or the page with that item's form."""
    item = access.agenda_template_item_for_user(request.user, pk, action="manage")
    template = item.template
    form = AgendaTemplateItemForm(
        request.POST or None, instance=item, auto_id=f"titem-{item.pk}-%s"
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.agenda_template_item_update(item=item, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = _("«%(title)s» er endret.") % {"title": item.title}
            return _items_response(request, template, message=message, focus=item.pk)
    item.refresh_from_db()  # a refused save may have changed the object in memory
    status = 400 if form.errors else 200
    context = _context(template, editing=item.pk, edit_form=form)
    if request.htmx:
        return render(request, f"{PAGE}#item", {**context, "item": item}, status=status)
    return render(request, PAGE, context, status=status)


@require_POST
def agenda_template_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.agenda_template_item_for_user(request.user, pk, action="manage")
    template = item.template
    services.agenda_template_item_remove(item=item)
    message = _("«%(title)s» er fjernet fra malen.") % {"title": item.title}
    return _items_response(request, template, message=message)


@require_POST
def agenda_template_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an item one place up or down in the template."""
    item = access.agenda_template_item_for_user(request.user, pk, action="manage")
    template = item.template
    form = AgendaMoveForm(request.POST)
    if not form.is_valid():
        return _items_response(request, template, status=400, items_error=_("Ukjent retning."))
    try:
        services.agenda_template_item_move(item=item, direction=form.cleaned_data["direction"])
    except ValidationError as exc:
        return _items_response(request, template, status=400, items_error=error_text(exc))
    message = _("«%(title)s» er flyttet.") % {"title": item.title}
    return _items_response(request, template, message=message, focus=item.pk)
