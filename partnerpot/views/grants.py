"""The secretariat's pages for grants (tilskudd): the follow-up list, one grant, paying out,
cancelling, closing, and handling the final report."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from partnership import formats
from partnership.viewhelpers import (
    apply_validation_error,
    done,
    error_text,
    page_of,
    posted,
)

from .. import access, selectors, services
from ..forms_secretariat import (
    GrantCancelForm,
    GrantFilterForm,
    PayOutForm,
    RepaymentForm,
    ReportFeedbackForm,
)
from ..models import (
    ApplicationFile,
    Grant,
    GrantReport,
)
from .secretariat import _render

PAGE_SIZE = 25


# --- Grants -----------------------------------------------------------------------------------
OPEN_REPORT_STATUSES = (Grant.Status.AWARDED, Grant.Status.PAID_OUT)


@require_GET
@vary_on_headers("HX-Request")
def grant_list(request: HttpRequest) -> HttpResponse:
    """Grants by status with report due dates, overdue reports highlighted. The secretariat
    sees every grant; others their own partners' grants."""
    user = request.user
    can_manage = access.can_manage(user)
    grants = selectors.grants_for_followup()
    if not can_manage:
        grants = grants.filter(application__applicant_id__in=access.acting_partner_ids(user))
    form = GrantFilterForm(request.GET or None)
    status = form.selected()
    today = timezone.localdate()
    if status == "overdue":
        grants = grants.filter(status__in=OPEN_REPORT_STATUSES, report_due_on__lt=today)
    elif status:
        grants = grants.filter(status=status)
    page = page_of(request, grants, PAGE_SIZE)
    context = {
        "form": form,
        "status": status,
        "page": page,
        "rows": [
            {
                "grant": grant,
                "overdue": grant.status in OPEN_REPORT_STATUSES and grant.report_due_on < today,
            }
            for grant in page.object_list
        ],
        "can_manage": can_manage,
    }
    template = "grant_list.html#results" if request.htmx else "grant_list.html"
    return _render(request, template, context)


def _grant_context(request: HttpRequest, grant: Grant, **extra) -> dict:
    user = request.user
    can_manage = access.can_manage_grant(user, grant)
    application = grant.application
    report = GrantReport.objects.filter(grant=grant).first()
    if report is not None:
        report.grant = grant
    shown = report is not None and report.status != GrantReport.Status.DRAFT
    budget_lines = list(application.budget_lines.all())
    lines = []
    spent_total = unspent = None
    if shown:
        report_lines = list(report.lines.all())
        spent = {line.budget_line_id: line for line in report_lines}
        for budget_line in budget_lines:
            line = spent.get(budget_line.pk)
            lines.append(
                {
                    "budget": budget_line,
                    "spent": line.spent if line else None,
                    "comment": line.comment if line else "",
                    "difference": (line.spent - budget_line.amount) if line else None,
                }
            )
        spent_total = services.spent_total(report, report_lines)
        unspent = services.unspent(report, spent=spent_total)
    context = {
        "grant": grant,
        "application": application,
        "report": report,
        "report_shown": shown,
        "report_lines": lines,
        "budget_total": services.budget_total(application, budget_lines),
        "spent_total": spent_total,
        "unspent": unspent,
        "report_files": list(application.files.filter(purpose=ApplicationFile.Purpose.REPORT))
        if shown
        else [],
        "can_manage": can_manage,
        "is_applicant": access.is_applicant(user, application),
        "can_pay_out": can_manage and grant.status == Grant.Status.AWARDED,
        "can_cancel": can_manage and grant.can_move_to(Grant.Status.CANCELLED),
        "can_close": can_manage
        and grant.can_move_to(Grant.Status.CLOSED)
        and grant.status != Grant.Status.TO_BE_REPAID,
        "can_record_repayment": can_manage and grant.status == Grant.Status.TO_BE_REPAID,
        "can_judge_report": can_manage
        and report is not None
        and report.status == GrantReport.Status.SUBMITTED,
        "overdue": grant.status in OPEN_REPORT_STATUSES
        and grant.report_due_on < timezone.localdate(),
        "pay_out_form": PayOutForm(),
        "repayment_form": RepaymentForm(grant=grant),
        "feedback_form": ReportFeedbackForm(),
        "grant_error": "",
    }
    context.update(extra)
    return context


@require_GET
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_for_user(request.user, pk, "view")
    return _render(request, "grant_detail.html", _grant_context(request, grant))


def _grant_refused(request: HttpRequest, grant: Grant, exc: ValidationError, **forms):
    """The grant's page with the service's refusal: next to the field it is about, else at
    the top (the form it came from may no longer be offered)."""
    grant.refresh_from_db()
    if hasattr(exc, "error_dict"):
        for form in forms.values():
            if set(exc.error_dict) <= set(form.fields):
                apply_validation_error(form, exc)
    context = _grant_context(request, grant, **forms)
    if not any(form.errors for form in forms.values()):
        context["grant_error"] = error_text(exc)
    return _render(request, "grant_detail.html", context, status=400)


@require_POST
def grant_pay_out(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_for_user(request.user, pk, "manage")
    form = PayOutForm(request.POST)
    if form.is_valid():
        try:
            services.grant_pay_out(
                grant=grant, paid_out_on=form.cleaned_data["paid_out_on"], by=request.user
            )
        except ValidationError as exc:
            return _grant_refused(request, grant, exc, pay_out_form=form)
        return done(
            request, _("Tilskuddet er registrert som utbetalt."), "partnerpot:grant_detail", pk
        )
    context = _grant_context(request, grant, pay_out_form=form)
    return _render(request, "grant_detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
def grant_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page with the reason; the POST cancels the grant (paid money is to be
    repaid)."""
    grant = access.grant_for_user(request.user, pk, "manage")
    form = GrantCancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.grant_cancel(
                grant=grant, note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if grant.status == Grant.Status.TO_BE_REPAID:
                message = _("Tilskuddet er annullert. Utbetalt beløp skal betales tilbake.")
            else:
                message = _("Tilskuddet er annullert.")
            return done(request, message, "partnerpot:grant_detail", pk)
    return _render(
        request,
        "grant_cancel.html",
        {"grant": grant, "application": grant.application, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def grant_close(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_for_user(request.user, pk, "manage")
    try:
        services.grant_close(grant=grant, by=request.user)
    except ValidationError as exc:
        return _grant_refused(request, grant, exc)
    return done(request, _("Tilskuddet er avsluttet."), "partnerpot:grant_detail", pk)


@require_POST
def grant_record_repayment(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_for_user(request.user, pk, "manage")
    form = RepaymentForm(request.POST, grant=grant)
    if form.is_valid():
        try:
            grant = services.grant_record_repayment(
                grant=grant, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            return _grant_refused(request, grant, exc, repayment_form=form)
        message = _(
            "Tilbakebetalingen på %(amount)s er registrert, og tilskuddet er avsluttet."
        ) % {"amount": formats.money(grant.repaid_amount)}
        return done(request, message, "partnerpot:grant_detail", pk)
    context = _grant_context(request, grant, repayment_form=form)
    return _render(request, "grant_detail.html", context, status=400)


@require_POST
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_for_user(request.user, pk, "manage")
    try:
        services.grant_report_approve(grant=grant, by=request.user)
    except ValidationError as exc:
        return _grant_refused(request, grant, exc)
    grant.refresh_from_db()
    if grant.status == Grant.Status.TO_BE_REPAID:
        message = _(
            "Sluttrapporten er godkjent. Ubrukte midler, %(amount)s, skal betales tilbake."
        ) % {"amount": formats.money(grant.repayment_amount)}
    else:
        message = _("Sluttrapporten er godkjent.")
    return done(request, message, "partnerpot:grant_detail", pk)


@require_POST
def report_request_more(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_for_user(request.user, pk, "manage")
    form = ReportFeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.grant_report_request_more(
                grant=grant, feedback=form.cleaned_data["feedback"], by=request.user
            )
        except ValidationError as exc:
            return _grant_refused(request, grant, exc, feedback_form=form)
        return done(
            request,
            _("Søkeren er bedt om mer i sluttrapporten og har fått e-post."),
            "partnerpot:grant_detail",
            pk,
        )
    context = _grant_context(request, grant, feedback_form=form)
    return _render(request, "grant_detail.html", context, status=400)


urlpatterns = [
    # Grants
    path("tilskudd/", grant_list, name="grant_list"),
    path("tilskudd/<int:pk>/", grant_detail, name="grant_detail"),
    path("tilskudd/<int:pk>/utbetalt/", grant_pay_out, name="grant_pay_out"),
    path("tilskudd/<int:pk>/annuller/", grant_cancel, name="grant_cancel"),
    path("tilskudd/<int:pk>/avslutt/", grant_close, name="grant_close"),
    path(
        "tilskudd/<int:pk>/tilbakebetalt/",
        grant_record_repayment,
        name="grant_record_repayment",
    ),
    path("tilskudd/<int:pk>/sluttrapport/godkjenn/", report_approve, name="report_approve"),
    path(
        "tilskudd/<int:pk>/sluttrapport/be-om-mer/",
        report_request_more,
        name="report_request_more",
    ),
]
