"""The agenda of a meeting (htmx in place) and proposals for items ("Foreslå sak")."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from .. import access, selectors, services
from ..forms import (
    AgendaItemForm,
    AgendaMoveForm,
    ProposalDeferForm,
    ProposalForm,
    ProposalReturnForm,
    TemplateApplyForm,
)
from ..models import AgendaItem, Meeting, Proposal
from .common import (
    MAX_ID,
    apply_validation_error,
    done,
    error_text,
    int_param,
    page_of,
    with_message,
)
from .meetings import detail_context


def _agenda_response(
    request: HttpRequest, meeting: Meeting, *, message: str = "", status: int = 200, **extra
) -> HttpResponse:
    """The agenda fragment (htmx) or the whole meeting page."""
    meeting.refresh_from_db()
    context = detail_context(request, meeting, **extra)
    if status != 200 and not context["agenda_editable"] and "agenda_error" not in extra:
        # The forms are gone (the meeting was closed meanwhile): say why at the top.
        errors = [
            e
            for form in extra.values()
            if hasattr(form, "non_field_errors")
            for e in form.non_field_errors()
        ]
        context["agenda_error"] = " ".join(errors) or _("Sakslisten kan ikke endres.")
    if request.htmx:
        response = render(request, "meetings/meeting_detail.html#agenda", context, status=status)
        return with_message(response, message) if message and status == 200 else response
    if status == 200:
        return done(request, message, "meetings:meeting_detail", meeting.pk)
    return render(request, "meetings/meeting_detail.html", context, status=status)


@require_POST
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.agenda_item_create(
                meeting=meeting, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = _("%(item)s er lagt til på sakslisten.") % {"item": item.label}
            return _agenda_response(request, meeting, message=message)
    return _agenda_response(request, meeting, status=400, item_form=form)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def agenda_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.agenda_item_for_user(request.user, pk, action="manage")
    form = AgendaItemForm(request.POST or None, instance=item, auto_id=f"item-{item.pk}-%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = _("%(item)s er endret.") % {"item": item.label}
            return _agenda_response(request, item.meeting, message=message)
    item.refresh_from_db()
    # The form sits under "Saksliste" (h2) and an item (h3) on the meeting page.
    context = {
        "item": item,
        "meeting": item.meeting,
        "form": form,
        "summary_level": 4 if request.htmx else 2,
    }
    status = 400 if form.errors else 200
    if request.htmx:
        response = render(
            request, "meetings/agenda_item_edit.html#edit-form", context, status=status
        )
        if form.errors:
            # The form posts to #agenda; with errors it goes back into its own place instead.
            response["HX-Retarget"] = f"#item-{item.pk}"
            response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "meetings/agenda_item_edit.html", context, status=status)


@require_POST
def agenda_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an item one place up or down on the agenda."""
    item = access.agenda_item_for_user(request.user, pk, action="manage")
    form = AgendaMoveForm(request.POST)
    meeting = item.meeting
    if not form.is_valid():
        return _agenda_response(request, meeting, status=400, agenda_error=_("Ukjent retning."))
    ids = list(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("position", "number")
        .values_list("pk", flat=True)
    )
    i = ids.index(item.pk)
    j = i - 1 if form.cleaned_data["direction"] == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
        try:
            services.agenda_reorder(meeting=meeting, item_ids=ids, by=request.user)
        except ValidationError as exc:
            return _agenda_response(request, meeting, status=400, agenda_error=error_text(exc))
    message = _("%(item)s er flyttet.") % {"item": item.label}
    return _agenda_response(request, meeting, message=message, moved=item.pk)


@require_POST
def agenda_template_apply(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    form = TemplateApplyForm(request.POST)
    if form.is_valid():
        try:
            created = services.agenda_template_apply(
                meeting=meeting, template=form.cleaned_data["template"], by=request.user
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = ngettext(
                "%(count)s sak fra malen er lagt til.",
                "%(count)s saker fra malen er lagt til.",
                len(created),
            ) % {"count": len(created)}
            if not created:
                message = _("Alle sakene i malen står allerede på sakslisten.")
            return _agenda_response(request, meeting, message=message)
    return _agenda_response(request, meeting, status=400, template_form=form)


# --- Proposals: the secretariat handles them -------------------------------------------------
@require_POST
def proposal_handle(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept (onto the agenda), return (with a reason) or defer (to a later meeting)."""
    proposal = access.proposal_for_user(request.user, pk, action="handle")
    meeting = proposal.target_meeting
    action = request.POST.get("action")
    try:
        if action == "accept":
            services.proposal_accept(proposal=proposal, by=request.user)
            message = _("Forslaget «%(title)s» er satt på sakslisten.")
        elif action == "return":
            form = ProposalReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"reason": form.errors["reason"]})
            services.proposal_return(
                proposal=proposal, reason=form.cleaned_data["reason"], by=request.user
            )
            message = _("Forslaget «%(title)s» er returnert.")
        elif action == "defer":
            form = ProposalDeferForm(
                request.POST,
                meetings=selectors.upcoming_meetings(body=proposal.target_body),
            )
            if not form.is_valid():
                raise ValidationError({"to_meeting": form.errors["to_meeting"]})
            services.proposal_defer(
                proposal=proposal, to_meeting=form.cleaned_data["to_meeting"], by=request.user
            )
            message = _("Forslaget «%(title)s» er utsatt.")
        else:
            raise ValidationError(_("Velg hva som skal skje med forslaget."))
    except ValidationError as exc:
        field = next(iter(exc.error_dict), None) if hasattr(exc, "error_dict") else None
        error = {"pk": proposal.pk, "field": field, "message": error_text(exc)}
        return _proposals_response(request, meeting, status=400, proposal_error=error)
    return _proposals_response(
        request,
        meeting,
        message=message % {"title": proposal.title},
        agenda_changed=action == "accept",
        handled=proposal.pk,
    )


def _proposals_response(
    request: HttpRequest,
    meeting: Meeting,
    *,
    message: str = "",
    status: int = 200,
    agenda_changed: bool = False,
    **extra,
) -> HttpResponse:
    """After handling a proposal: the proposals fragment (htmx; with the agenda swapped out of
    band when an item was added), else a redirect to the meeting page (or the page with the
    error next to the proposal)."""
    if not request.htmx:
        if status == 200:
            return done(request, message, "meetings:meeting_detail", meeting.pk)
        context = detail_context(request, meeting, **extra)
        return render(request, "meetings/meeting_detail.html", context, status=status)
    meeting.refresh_from_db()
    context = detail_context(request, meeting, **extra)
    html = render_to_string("meetings/meeting_detail.html#proposals", context, request)
    if agenda_changed:
        html += render_to_string(
            "meetings/meeting_detail.html#agenda", {**context, "oob": True}, request
        )
    response = HttpResponse(html, status=status)
    return with_message(response, message) if message else response


# --- Proposals: members and working groups make them --------------------------------------------
def _proposal_form(request: HttpRequest) -> ProposalForm:
    meetings, open_meetings, bodies = selectors.proposal_targets(request.user)
    initial = {}
    meeting_id = int_param(request, "meeting", lo=1, hi=MAX_ID)
    if meeting_id is not None:
        initial["target_meeting"] = meeting_id
    return ProposalForm(
        request.POST or None,
        meetings=meetings,
        open_meetings=open_meetings,
        bodies=bodies,
        initial=initial,
    )


@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest) -> HttpResponse:
    """ "Foreslå sak": to a Partnermøte or Gruppeledermøte, before its deadline."""
    form = _proposal_form(request)
    if request.method == "POST" and form.is_valid():
        meeting = form.cleaned_data["target_meeting"]
        try:
            access.meeting_for_user(request.user, meeting.pk, action="propose")
        except PermissionDenied:
            form.add_error("target_meeting", _("Du kan ikke foreslå saker til dette møtet."))
        else:
            try:
                services.proposal_submit(proposed_by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return done(
                    request,
                    _("Forslaget er sendt. Sekretariatet behandler det før møtet."),
                    "meetings:my_proposals",
                )
    return render(
        request,
        "meetings/proposal_form.html",
        {
            "form": form,
            "open_meetings": form.open_meetings,
        },
        status=400 if form.errors else 200,
    )


@require_GET
def my_proposals(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "meetings/my_proposals.html",
        {
            "page": page_of(request, selectors.my_proposals(person=request.user)),
            "open_statuses": Proposal.OPEN_STATUSES,
        },
    )


@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = access.proposal_for_user(request.user, pk, action="withdraw")
    try:
        services.proposal_withdraw(proposal=proposal, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("meetings:my_proposals")
    return done(
        request,
        _("Forslaget «%(title)s» er trukket.") % {"title": proposal.title},
        "meetings:my_proposals",
    )
