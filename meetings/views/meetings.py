"""Meetings: list, plan, detail, notice, cancel, the year plan, and the PDF downloads."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from partnership import formats as portal_formats
from partnership.models import Body

from .. import absence, access, notifications, pdf, selectors, services
from ..forms import (
    AgendaItemForm,
    CalendarFilterForm,
    CancelForm,
    MeetingForm,
    MeetingMoveForm,
    RecordHeldForm,
    TemplateApplyForm,
    YearPlanForm,
)
from ..models import Meeting, MeetingSettings, Proposal
from .agenda_rows import agenda_items_html
from .common import (
    MAX_ID,
    apply_validation_error,
    done,
    int_param,
    page_of,
    render_form,
    with_message,
)


# --- List -------------------------------------------------------------------------------------
@require_GET
@vary_on_headers("HX-Request")
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Upcoming (default) or past meetings the user may see, filtered by body."""
    past = request.GET.get("when") == "past"
    form = CalendarFilterForm(request.GET or None, bodies=access.bodies_visible_to(request.user))
    body = form.selected_body() if form.is_bound else None
    now = timezone.now()
    qs = selectors.meetings_visible_to(request.user)
    if body is not None:
        qs = qs.filter(body=body)
    if past:
        qs = qs.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    else:
        qs = qs.filter(ends_at__gt=now).order_by("starts_at", "pk")
    template = "meetings/meeting_list.html"
    if request.htmx:
        template += "#results"
    return render(
        request,
        template,
        {
            "page": page_of(request, qs),
            "past": past,
            "form": form,
            "body": body,
            "can_plan": access.bodies_managed_by(request.user).exists(),
            "can_edit_templates": access.may_manage_agenda_templates(request.user),
        },
    )


# --- Create and edit --------------------------------------------------------------------------
def _overlap_warning(form: MeetingForm, *, body: Body, exclude: Meeting | None = None) -> bool:
    """True (and the form shows the warning) when the time overlaps another meeting of the
    body and the user has not yet confirmed it."""
    overlaps = list(
        selectors.meeting_overlaps(
            body=body,
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
            exclude=exclude,
        )[:5]
    )
    if not overlaps or form.cleaned_data.get("confirm_overlap"):
        return False
    form.overlaps = overlaps
    form.add_error(
        "confirm_overlap",
        _("%(body)s har et annet møte på samme tid. Kryss av for å lagre likevel.")
        % {"body": body},
    )
    return True


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    bodies = access.bodies_managed_by(request.user)
    if not bodies.exists():
        raise PermissionDenied
    initial = {}
    body_id = int_param(request, "body", lo=1, hi=MAX_ID)
    if body_id is not None:
        initial["body"] = body_id
    form = MeetingForm(request.POST or None, bodies=bodies, initial=initial)
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        if not _overlap_warning(form, body=body):
            try:
                meeting = services.meeting_create(
                    body=body, created_by=request.user, **form.calendar_fields()
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return done(request, _("Møtet er planlagt."), "meetings:meeting_detail", meeting.pk)
    return render_form(request, "meetings/meeting_form.html", {"form": form, "meeting": None}, form)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        if not _overlap_warning(form, body=meeting.body, exclude=meeting):
            try:
                services.meeting_update(meeting=meeting, by=request.user, **form.calendar_fields())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return done(request, _("Endringene er lagret."), "meetings:meeting_detail", pk)
        meeting.refresh_from_db()
    context = {"form": form, "meeting": meeting, **_change_audience(meeting)}
    return render_form(request, "meetings/meeting_form.html", context, form)


# --- Detail -----------------------------------------------------------------------------------
def detail_context(request: HttpRequest, meeting: Meeting, **extra) -> dict:
    """What the meeting page shows; the agenda and proposal fragments render from it too."""
    user = request.user
    can_manage = access.can_manage_body_meetings(user, meeting.body)
    editable = can_manage and meeting.status not in (
        Meeting.Status.CANCELLED,
        Meeting.Status.MINUTES_APPROVED,
    )
    takes_proposals = meeting.body.kind in Proposal.TARGET_BODY_KINDS
    context = {
        "meeting": meeting,
        "can_manage": can_manage,
        "agenda_editable": editable,
        "agenda": selectors.agenda_page(meeting=meeting, user=user),
        "takes_proposals": takes_proposals and meeting.is_upcoming,
        "proposal_deadline": selectors.proposal_deadline(meeting) if takes_proposals else None,
        "now": timezone.now(),
    }
    # A member or deputy of the body reports absence here until the meeting starts (one query,
    # only for them: the body is among those the request's rights already list).
    if meeting.body_id in access.member_body_ids(user) and absence.can_report(meeting):
        context["absence_open"] = True
        context["my_absence"] = absence.current_absence(meeting, user)
    if can_manage and meeting.status == Meeting.Status.NOTICE_SENT:
        # The supplementary notice: what it would send, and to how many (issue 11 §3).
        context["supplement_items"] = services.supplement_items(meeting)
        context["notice_recipient_count"] = len(notifications.notice_recipients(meeting))
    if editable:
        # The upload form is fetched per item on demand (attachment_upload, GET): only the
        # one that came back with errors is rendered here, with them.
        failed_pk, failed_form = extra.get("attachment_item"), extra.get("attachment_form")
        if failed_form is not None:
            for item in context["agenda"]:
                if item.pk == failed_pk:
                    item.attachment_form = failed_form
        context["item_form"] = AgendaItemForm()
        context["can_edit_templates"] = access.may_manage_agenda_templates(user)
        templates, suggested = selectors.agenda_template_choices(meeting)
        template_form = TemplateApplyForm(initial={"template": getattr(suggested, "pk", None)})
        # The select's options from the list just read (the field would query them again).
        field = template_form.fields["template"]
        field.choices = [("", field.empty_label), *((t.pk, str(t)) for t in templates)]
        context["template_form"] = template_form
    if can_manage and takes_proposals:
        proposals = list(selectors.proposals_for_meeting(meeting=meeting))
        context["proposals"] = proposals
        # The later meetings are the choices for deferring an open proposal: read only then.
        context["defer_meetings"] = (
            list(
                selectors.upcoming_meetings(body=meeting.body).filter(
                    starts_at__gt=meeting.starts_at
                )
            )
            if any(p.status in Proposal.OPEN_STATUSES for p in proposals)
            else []
        )
    context.update(extra)
    context["agenda_items"] = agenda_items_html(
        request, meeting, context["agenda"], editable=editable, moved=context.get("moved")
    )
    return context


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk)
    return render(request, "meetings/meeting_detail.html", detail_context(request, meeting))


# --- Notice, cancel, reinstate ----------------------------------------------------------------
def _send_notice(*, meeting: Meeting, by) -> Meeting:
    """Send the notice through the outbox: the status change and the e-mails to the members
    (and the secretariat on copy) in one transaction."""
    return notifications.send_notice(meeting=meeting, by=by)


@require_http_methods(["GET", "POST"])
def meeting_send_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page, then the notice (POST)."""
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    error = ""
    if request.method == "POST":
        try:
            _send_notice(meeting=meeting, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return done(
                request,
                _("Innkallingen er sendt til medlemmene av %(body)s.") % {"body": meeting.body},
                "meetings:meeting_detail",
                pk,
            )
    return render(
        request,
        "meetings/meeting_notice.html",
        {
            "meeting": meeting,
            "agenda": selectors.meeting_agenda(meeting=meeting, user=request.user),
            "error": error,
            "too_late": meeting.starts_at <= timezone.now(),
        },
        status=400 if error else 200,
    )


@require_POST
def meeting_send_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the supplementary notice (the items added after the notice) through the outbox;
    the meeting page asks for a confirmation first."""
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    try:
        meeting, count = notifications.send_supplement(meeting=meeting, by=request.user)
    except ValidationError as exc:
        return _detail_error(request, meeting, " ".join(exc.messages))
    return done(
        request,
        ngettext(
            "Tilleggsinnkallingen er sendt til %(count)s person.",
            "Tilleggsinnkallingen er sendt til %(count)s personer.",
            count,
        )
        % {"count": count},
        "meetings:meeting_detail",
        pk,
    )


@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(
                meeting=meeting, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Møtet er avlyst."), "meetings:meeting_detail", pk)
    context = {"form": form, "meeting": meeting, **_change_audience(meeting)}
    return render_form(request, "meetings/meeting_cancel.html", context, form)


def _change_audience(meeting: Meeting) -> dict:
    """For the move and cancel pages: whether the invitees will be e-mailed, and how many."""
    if meeting.status != Meeting.Status.NOTICE_SENT or meeting.notice_sent_at is None:
        return {"will_email": False}
    return {"will_email": True, "email_count": len(notifications.change_recipients(meeting))}


@require_http_methods(["GET", "POST"])
def meeting_record_held(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that a meeting was held (with the notice sent outside the portal, if the portal
    did not send it): then attendance, minutes and decisions can be recorded."""
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    outside = meeting.status == Meeting.Status.PLANNED
    initial = {}
    if outside:
        days = MeetingSettings.objects.effective(meeting.body).notice_days
        initial["notice_sent_on"] = meeting.local_date - dt.timedelta(days=days)
    form = RecordHeldForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record_held(
                meeting=meeting,
                notice_sent_on=form.cleaned_data["notice_sent_on"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request,
                _("Møtet er registrert som avholdt. Registrer oppmøtet, og skriv referatet."),
                "meetings:attendance",
                pk,
            )
    context = {"form": form, "meeting": meeting, "outside": outside}
    return render_form(request, "meetings/meeting_record_held.html", context, form)


@require_POST
def meeting_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    try:
        services.meeting_reinstate(meeting=meeting, by=request.user)
    except ValidationError as exc:
        return _detail_error(request, meeting, " ".join(exc.messages))
    return done(request, _("Møtet er gjenopptatt."), "meetings:meeting_detail", pk)


def _detail_error(request: HttpRequest, meeting: Meeting, error: str) -> HttpResponse:
    """The meeting page with an error at the top (an action that the service refused)."""
    return render(
        request,
        "meetings/meeting_detail.html",
        detail_context(request, meeting, page_error=error),
        status=400,
    )


# --- Year plan --------------------------------------------------------------------------------
def _default_plan_year() -> int:
    today = timezone.localdate()
    return today.year + 1 if today.month >= 9 else today.year


def _year_plan_context(request: HttpRequest, **extra) -> dict:
    managed = access.bodies_managed_by(request.user)
    groups = list(managed.filter(kind=Body.Kind.WORKING_GROUP).order_by("name"))
    if not groups and not access.is_secretariat(request.user):
        raise PermissionDenied
    context = {
        "suggested": selectors.suggested_meetings_by_body(bodies=groups),
        "is_secretariat": access.is_secretariat(request.user),
    }
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def year_plan(request: HttpRequest) -> HttpResponse:
    """The secretariat generates a year of meetings; working-group leaders confirm or move
    the meetings suggested for their groups (R5)."""
    context = _year_plan_context(request)
    created = None
    form = None
    if context["is_secretariat"]:
        bodies = access.bodies_managed_by(request.user).exclude(kind=Body.Kind.SECRETARIAT)
        form = YearPlanForm(
            request.POST or None,
            bodies=bodies,
            initial={
                "year": _default_plan_year(),
                "bodies": list(bodies.values_list("pk", flat=True)),
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                created = services.bulk_generate_year(
                    year=form.cleaned_data["year"],
                    bodies=form.cleaned_data["bodies"],
                    created_by=request.user,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                context = _year_plan_context(request)
    elif request.method == "POST":
        raise PermissionDenied
    context.update(form=form, created=created)
    return render_form(request, "meetings/year_plan.html", context, form)


def _suggested_row(
    request: HttpRequest, meeting: Meeting, *, message: str = "", form=None, status: int = 200
) -> HttpResponse:
    response = render(
        request,
        "meetings/year_plan.html#suggested-row",
        {"meeting": meeting, "move_form": form},
        status=status,
    )
    return with_message(response, message) if message else response


@require_POST
def meeting_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    try:
        meeting = services.meeting_confirm(meeting=meeting, by=request.user)
    except ValidationError as exc:
        if request.htmx:
            return _suggested_row(request, meeting, message=" ".join(exc.messages), status=400)
        return _detail_error(request, meeting, " ".join(exc.messages))
    message = _("Møtet %(meeting)s er bekreftet.") % {"meeting": meeting}
    if request.htmx:
        return _suggested_row(request, meeting, message=message)
    return done(request, message, "meetings:meeting_detail", pk)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def meeting_move(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    duration = meeting.ends_at - meeting.starts_at
    form = MeetingMoveForm(
        request.POST or None,
        initial={"starts_at": meeting.starts_at, "ends_at": meeting.starts_at + duration},
        auto_id=f"move-{meeting.pk}-%s",
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_move(
                meeting=meeting,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = _("Møtet er flyttet til %(when)s.") % {
                "when": portal_formats.datetime(meeting.starts_at)
            }
            if request.htmx:
                return _suggested_row(request, meeting, message=message)
            return done(request, message, "meetings:meeting_detail", pk)
    status = 400 if form.errors else 200
    if request.htmx:
        return _suggested_row(request, meeting, form=form, status=status)
    context = {"meeting": meeting, "form": form, **_change_audience(meeting)}
    return render(request, "meetings/meeting_move.html", context, status=status)


# --- Downloads --------------------------------------------------------------------------------
def _attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk)

    content = pdf.notice_pdf(
        meeting=meeting,
        language=request.LANGUAGE_CODE,
        withheld=selectors.withheld_item_ids(meeting=meeting, user=request.user),
    )
    return _attachment(
        content, filename=f"innkalling-{meeting.pk}.pdf", content_type="application/pdf"
    )


@require_GET
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The approved minutes (a stored copy when the PDF task has made one); 404 before."""
    meeting = access.meeting_for_user(request.user, pk)
    if not meeting.minutes_are_approved:
        raise Http404

    stored = pdf.minutes_pdf_path(meeting, language=request.LANGUAGE_CODE)
    if stored:
        with default_storage.open(stored, "rb") as f:
            content = f.read()
    else:
        try:
            content = pdf.minutes_pdf(meeting=meeting, language=request.LANGUAGE_CODE)
        except ValidationError as exc:
            raise Http404 from exc
    return _attachment(
        content, filename=f"referat-{meeting.pk}.pdf", content_type="application/pdf"
    )
