"""Study visits (studiebesøk, R9): partners propose, the secretariat puts the proposal on a
Partnermøte's agenda, the Partnermøte decides (R2), and the proposers report afterwards.

Who may do what is decided by ``partnerpot.access.study_visit_for_user``: ``view`` (a draft is
its proposers' own: 404 for everyone else), ``edit`` (the proposers: change, send, withdraw,
report) and ``manage`` (the secretariat: agenda and decision).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings import access as meeting_access
from meetings.models import Decision
from partnership.locking import ConflictError
from partnership.viewhelpers import (
    apply_validation_error,
    done,
    error_text,
    form_page,
    page_of,
    posted,
)

from .. import access, selectors, services
from ..forms_visits import (
    ConfirmForm,
    StudyVisitAgendaForm,
    StudyVisitDecisionForm,
    StudyVisitForm,
    StudyVisitReportForm,
    upcoming_partner_meetings,
    visit_initial,
)
from ..models import StudyVisit

PAGE_SIZE = 25
# R9: a study visit every second year (or when the partners ask for one).

Status = StudyVisit.Status
STATUS_COLORS = {
    Status.DRAFT: "neutral",
    Status.SUBMITTED: "info",
    Status.ON_AGENDA: "warning",
    Status.APPROVED: "success",
    Status.REJECTED: "danger",
    Status.WITHDRAWN: "neutral",
    Status.REPORTED: "success",
}
EDITABLE = (Status.DRAFT, Status.SUBMITTED)
WITHDRAWABLE = (Status.DRAFT, Status.SUBMITTED, Status.ON_AGENDA)
REPORTABLE = (Status.APPROVED, Status.REPORTED)


def _done(request: HttpRequest, message: str, visit: StudyVisit) -> HttpResponse:
    return done(request, message, "partnerpot:study_visit_detail", pk=visit.pk)


# --- The list -----------------------------------------------------------------------------------
@require_GET
def study_visit_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    page = page_of(request, selectors.study_visits_visible_to(user), PAGE_SIZE)
    for visit in page.object_list:
        visit.status_color = STATUS_COLORS.get(visit.status, "neutral")
    can_manage = access.can_manage(user)
    return render(
        request,
        "partnerpot/visits/study_visit_list.html",
        {
            "page": page,
            "may_propose": access.partners_user_may_apply_for(user).exists(),
            "can_manage": can_manage,
            "rhythm": selectors.study_visit_rhythm(timezone.localdate()) if can_manage else None,
        },
    )


# --- Propose and change -------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def study_visit_create(request: HttpRequest) -> HttpResponse:
    """ "Foreslå studiebesøk": for people who act for a partner; saved as a draft."""
    user = request.user
    own = list(access.partners_user_may_apply_for(user))
    if not own:
        raise PermissionDenied
    form = StudyVisitForm(
        posted(request),
        acting_partner_ids=access.acting_partner_ids(user),
        initial={"partners": own if len(own) == 1 else []},
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.study_visit_create(
                partners=list(form.cleaned_data["partners"]), by=user, **form.values()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _done(
                request,
                _("Forslaget er lagret som utkast. Send det til sekretariatet når det er klart."),
                visit,
            )
    return form_page(
        request, "partnerpot/visits/study_visit_form.html", {"form": form, "visit": None}
    )


@require_http_methods(["GET", "POST"])
def study_visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    visit = access.study_visit_for_user(user, pk, action="edit")
    editable = visit.status in EDITABLE
    form = StudyVisitForm(
        posted(request),
        acting_partner_ids=access.acting_partner_ids(user),
        visit=visit,
        initial=visit_initial(visit),
    )
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.study_visit_update(
                visit=visit,
                by=user,
                version=form.cleaned_data.get("version"),
                partners=list(form.cleaned_data["partners"]),
                **form.values(),
            )
        except ConflictError:
            form.add_error(
                None,
                _(
                    "Noen andre har endret forslaget etter at du åpnet det. Åpne forslaget på "
                    "nytt for å se endringene, og gjør dine endringer der."
                ),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request, _("Endringene er lagret."), "partnerpot:study_visit_detail", pk=visit.pk
            )
    if request.method == "POST" and not editable:
        form.add_error(None, _("Forslaget kan ikke endres nå."))
    return form_page(
        request,
        "partnerpot/visits/study_visit_form.html",
        {"form": form, "visit": visit, "editable": editable},
    )


# --- One proposal ---------------------------------------------------------------------------------
@require_GET
def study_visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    visit = access.study_visit_for_user(user, pk)
    proposer = visit.user_is_proposer
    manager = access.can_manage(user)
    decision = None
    if visit.decision_id:
        decision = Decision.objects.select_related("body").get(pk=visit.decision_id)
    item = visit.agenda_item
    meeting = visit.deciding_meeting
    return render(
        request,
        "partnerpot/visits/study_visit_detail.html",
        {
            "visit": visit,
            "partners": list(visit.partners.order_by("name")),
            "status_color": STATUS_COLORS.get(visit.status, "neutral"),
            "decision": decision,
            "agenda_item": item,
            "meeting": meeting,
            "can_open_meeting": meeting is not None
            and meeting_access.can_view_body_meetings(user, meeting.body),
            "may_edit": proposer and visit.status in EDITABLE,
            "may_submit": proposer and visit.status == Status.DRAFT,
            "may_withdraw": proposer and visit.status in WITHDRAWABLE,
            "may_report": proposer and visit.status in REPORTABLE,
            "may_put_on_agenda": manager and visit.status == Status.SUBMITTED,
            "may_decide": manager and visit.status == Status.ON_AGENDA,
        },
    )


@require_POST
def study_visit_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the draft to the secretariat (a second click finds it sent already)."""
    visit = access.study_visit_for_user(request.user, pk, action="edit")
    try:
        services.study_visit_submit(visit=visit, by=request.user)
    except ValidationError as exc:
        messages.info(request, error_text(exc))
        return redirect("partnerpot:study_visit_detail", pk=visit.pk)
    return _done(
        request,
        _("Forslaget er sendt. Sekretariatet setter det på sakslisten til et partnermøte."),
        visit,
    )


@require_http_methods(["GET", "POST"])
def study_visit_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw the proposal until it is decided; GET asks for confirmation."""
    visit = access.study_visit_for_user(request.user, pk, action="edit")
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.study_visit_withdraw(visit=visit, by=request.user)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _done(
                request, _("Forslaget «%(title)s» er trukket.") % {"title": visit.title}, visit
            )
    return form_page(
        request,
        "partnerpot/visits/study_visit_withdraw.html",
        {"form": form, "visit": visit, "withdrawable": visit.status in WITHDRAWABLE},
    )


# --- The secretariat: agenda and decision ----------------------------------------------------------
@require_http_methods(["GET", "POST"])
def study_visit_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the proposal on an upcoming Partnermøte's agenda (R2: only it decides)."""
    visit = access.study_visit_for_user(request.user, pk, action="manage")
    form = StudyVisitAgendaForm(posted(request), meetings=upcoming_partner_meetings())
    if request.method == "POST" and form.is_valid():
        try:
            item = services.study_visit_put_on_agenda(
                visit=visit, meeting=form.cleaned_data["meeting"], by=request.user
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _done(
                request,
                _("Forslaget står på sakslisten til %(meeting)s som %(item)s.")
                % {"meeting": item.meeting, "item": item.label},
                visit,
            )
    return form_page(
        request,
        "partnerpot/visits/study_visit_agenda.html",
        {"form": form, "visit": visit, "open": visit.status == Status.SUBMITTED},
    )


@require_http_methods(["GET", "POST"])
def study_visit_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the Partnermøte's decision (approve with an amount, or reject) in the register.
    The meeting must have begun; the service says so otherwise."""
    visit = access.study_visit_for_user(request.user, pk, action="manage")
    form = StudyVisitDecisionForm(posted(request), initial={"amount": visit.budget})
    if request.method == "POST" and form.is_valid():
        approved = form.approved()
        try:
            visit = services.study_visit_decide(
                visit=visit,
                approved=approved,
                amount=form.cleaned_data["amount"] if approved else None,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _done(
                request,
                _("Vedtaket er ført i vedtaksregisteret som %(label)s.")
                % {"label": visit.decision.label},
                visit,
            )
    meeting = visit.deciding_meeting
    return form_page(
        request,
        "partnerpot/visits/study_visit_decide.html",
        {
            "form": form,
            "visit": visit,
            "meeting": meeting,
            "open": visit.status == Status.ON_AGENDA,
            "not_started": meeting is not None and meeting.starts_at > timezone.now(),
        },
    )


# --- The proposers: the report afterwards ------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def study_visit_report(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.study_visit_for_user(request.user, pk, action="edit")
    form = StudyVisitReportForm(posted(request), initial={"report": visit.report})
    if request.method == "POST" and form.is_valid():
        try:
            services.study_visit_report(
                visit=visit, report=form.cleaned_data["report"], by=request.user
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request, _("Rapporten er lagret."), "partnerpot:study_visit_detail", pk=visit.pk
            )
    return form_page(
        request,
        "partnerpot/visits/study_visit_report.html",
        {"form": form, "visit": visit, "open": visit.status in REPORTABLE},
    )


urlpatterns = [
    path("studiebesok/", study_visit_list, name="study_visit_list"),
    path("studiebesok/nytt/", study_visit_create, name="study_visit_create"),
    path("studiebesok/<int:pk>/", study_visit_detail, name="study_visit_detail"),
    path("studiebesok/<int:pk>/endre/", study_visit_edit, name="study_visit_edit"),
    path("studiebesok/<int:pk>/send/", study_visit_submit, name="study_visit_submit"),
    path("studiebesok/<int:pk>/trekk/", study_visit_withdraw, name="study_visit_withdraw"),
    path("studiebesok/<int:pk>/saksliste/", study_visit_agenda, name="study_visit_agenda"),
    path("studiebesok/<int:pk>/vedtak/", study_visit_decide, name="study_visit_decide"),
    path("studiebesok/<int:pk>/rapport/", study_visit_report, name="study_visit_report"),
]
