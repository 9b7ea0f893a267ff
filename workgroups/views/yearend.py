"""The year-end: a working group's report (draft, submit, review, PDF) and closing a year."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meetings.access import is_secretariat
from partnership.locking import ConflictError
from partnership.models import Body, BudgetYear
from partnership.viewhelpers import apply_validation_error, done, error_text

from .. import access, actuals, pdf, services
from ..forms import ReviewForm, YearEndReportForm
from ..models import YearEndReport


def _budget_year(year: int) -> BudgetYear:
    budget_year = BudgetYear.objects.filter(year=year).first()
    if budget_year is None:
        raise Http404
    return budget_year


def _report_page(request, group, report, *, form=None, error: str = "", status=None):
    rights = access.group_rights(request.user, group)
    editable = (
        rights == "edit"
        and report.status == YearEndReport.Status.DRAFT
        and not report.budget_year.is_closed
    )
    if editable and form is None:
        form = YearEndReportForm(
            initial={
                "lock_version": report.lock_version,
                "activities": report.activities,
                "deviations": report.deviations,
                "proposals": report.proposals,
                "proposed_allocation": report.proposed_allocation,
            }
        )
    leads = access.roles_for(request.user).led_working_group_ids
    context = {
        "group": group,
        "report": report,
        "actuals": actuals.group_actuals(group, report.budget_year),
        "form": form if editable else None,
        "can_submit": editable and group.pk in leads,
        "review_form": ReviewForm()
        if rights == "manage" and report.status == YearEndReport.Status.SUBMITTED
        else None,
        "error": error,
    }
    if status is None:
        status = 400 if (form is not None and form.errors) or error else 200
    return render(request, "workgroups/year_end_report.html", context, status=status)


def year_end_report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    action = "edit" if request.method == "POST" else "view"
    group = access.accounts_group_for_user(request.user, pk, action=action)
    report = services.report_for(working_group=group, budget_year=_budget_year(year))
    if request.method != "POST":
        return _report_page(request, group, report)
    form = YearEndReportForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        lock = data.pop("lock_version")
        try:
            services.report_save(report=report, expected_lock_version=lock, by=request.user, **data)
        except ConflictError:
            return _report_page(
                request,
                group,
                report,
                form=form,
                error=_(
                    "Rapporten er endret av en annen mens du skrev. Teksten din står under; se over og lagre på nytt."
                ),
                status=409,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request, _("Rapporten er lagret."), "workgroups:year_end_report", pk=pk, year=year
            )
    return _report_page(request, group, report, form=form)


@require_POST
def year_end_submit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    group = access.accounts_group_for_user(request.user, pk, action="edit")
    access.require_group_leader(request.user, group)
    report = services.report_for(working_group=group, budget_year=_budget_year(year))
    try:
        services.report_submit(report=report, by=request.user)
    except ValidationError as exc:
        return _report_page(request, group, report, error=error_text(exc), status=400)
    return done(
        request,
        _("Rapporten er sendt til sekretariatet."),
        "workgroups:year_end_report",
        pk=pk,
        year=year,
    )


@require_POST
def year_end_review(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    group = access.accounts_group_for_user(request.user, pk, action="manage")
    report = services.report_for(working_group=group, budget_year=_budget_year(year))
    approve = request.POST.get("decision") == "approve"
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services.report_review(
            report=report,
            approve=approve,
            comment=form.cleaned_data.get("comment", ""),
            by=request.user,
        )
    except ValidationError as exc:
        return _report_page(request, group, report, error=error_text(exc), status=400)
    message = _("Rapporten er godkjent.") if approve else _("Rapporten er sendt tilbake.")
    return done(request, message, "workgroups:year_end_report", pk=pk, year=year)


@require_GET
def year_end_pdf(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    group = access.accounts_group_for_user(request.user, pk)
    report = services.report_for(working_group=group, budget_year=_budget_year(year))
    language = "nn" if request.LANGUAGE_CODE == "nn" else "nb"
    response = HttpResponse(
        pdf.year_end_pdf(report=report, language=language), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{pdf.year_end_filename(report)}"'
    return response


def year_close(request: HttpRequest, year: int) -> HttpResponse:
    """The secretariat's page for closing a year: each group's report and what is unspent."""
    access.require_budget_manager(request.user)
    budget_year = _budget_year(year)
    if request.method == "POST":
        try:
            draft = services.year_close(budget_year=budget_year, by=request.user)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            return done(
                request,
                _(
                    "Året %(year)s er avsluttet, og forslagene er ført inn i neste års budsjettutkast."
                )
                % {"year": year},
                "workgroups:budget_version",
                pk=draft.pk,
            )
    else:
        error = ""
    groups = list(Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("name"))
    reports = {r.working_group_id: r for r in YearEndReport.objects.filter(budget_year=budget_year)}
    rows = [{"group": g, "report": reports.get(g.pk)} for g in groups]
    figures = actuals.partnership_actuals(budget_year)
    return render(
        request,
        "workgroups/year_close.html",
        {
            "budget_year": budget_year,
            "rows": rows,
            "actuals": figures,
            "error": error,
            "manager": is_secretariat(request.user),
        },
        status=400 if error else 200,
    )
