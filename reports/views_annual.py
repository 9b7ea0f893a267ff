"""The annual report's pages (issue 14 §1, §4), the secretariat's only: the years, the
narrative sections, the HTML preview, generating (with confirmation), the progress panel
(polled with htmx while a run is queued or running) and the versions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.locking import ConflictError
from partnership.viewhelpers import apply_validation_error, done, error_text, form_page

from . import annual, annual_pdf, services_annual
from .access_annual import require_annual_manager, run_for_user
from .forms_annual import AnnualReportForm
from .models_annual import NARRATIVE_FIELDS, AnnualReport, ReportRun


def _year_or_refuse(request, year: int) -> HttpResponse | None:
    try:
        services_annual.check_year(year)
    except ValidationError as exc:
        return render(
            request,
            "reports/annual/out_of_period.html",
            {"year": year, "error": error_text(exc)},
            status=404,
        )
    return None


@require_GET
def annual_list(request: HttpRequest) -> HttpResponse:
    require_annual_manager(request.user)
    services_annual.mark_stale_runs()
    reports = {r.year: r for r in AnnualReport.objects.all()}
    latest: dict[int, ReportRun] = {}
    for run in ReportRun.objects.select_related("report").order_by("report_id", "-version"):
        latest.setdefault(run.report.year, run)
    rows = [
        {"year": year, "report": reports.get(year), "run": latest.get(year)}
        for year in annual.agreement_years()
    ]
    return render(request, "reports/annual/list.html", {"rows": rows})


def _detail_context(year: int) -> dict:
    report = AnnualReport.objects.filter(year=year).first()
    runs = list(report.runs.select_related("requested_by")) if report else []
    active = next((r for r in runs if r.is_active), None)
    return {"year": year, "report": report, "runs": runs, "active": active}


@require_GET
def annual_detail(request: HttpRequest, year: int) -> HttpResponse:
    require_annual_manager(request.user)
    if refused := _year_or_refuse(request, year):
        return refused
    services_annual.mark_stale_runs()
    return render(request, "reports/annual/detail.html", _detail_context(year))


@require_GET
def annual_progress(request: HttpRequest, year: int) -> HttpResponse:
    """The progress panel alone (htmx polls it every 2 s while a run is under way)."""
    require_annual_manager(request.user)
    if refused := _year_or_refuse(request, year):
        return refused
    services_annual.mark_stale_runs()
    return render(request, "reports/annual/_progress.html", _detail_context(year))


@require_http_methods(["GET", "POST"])
def annual_edit(request: HttpRequest, year: int) -> HttpResponse:
    require_annual_manager(request.user)
    if refused := _year_or_refuse(request, year):
        return refused
    report = AnnualReport.objects.filter(year=year).first()
    error = ""
    status = None
    if request.method == "POST":
        form = AnnualReportForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            lock = data.pop("lock_version")
            try:
                services_annual.report_save(
                    year=year, expected_lock_version=lock, by=request.user, **data
                )
            except ConflictError:
                error = _(
                    "Teksten er endret av en annen mens du skrev. Teksten din står under; "
                    "se over og lagre på nytt."
                )
                status = 409
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return done(request, _("Teksten er lagret."), "reports:annual_detail", year=year)
    else:
        initial = {"lock_version": report.lock_version if report else 1, "language": "nb"}
        if report:
            initial["language"] = report.language
            initial.update({name: getattr(report, name) for name in NARRATIVE_FIELDS})
        form = AnnualReportForm(initial=initial)
    return form_page(
        request,
        "reports/annual/edit.html",
        {"year": year, "form": form, "error": error},
        status=status,
    )


@require_GET
def annual_preview(request: HttpRequest, year: int) -> HttpResponse:
    require_annual_manager(request.user)
    if refused := _year_or_refuse(request, year):
        return refused
    report = AnnualReport.objects.filter(year=year).first()
    language = report.language if report else "nb"
    gathered = annual.gather(year, report)
    body = annual_pdf.report_html(gathered=gathered, language=language, for_pdf=False)
    return render(
        request,
        "reports/annual/preview.html",
        {"year": year, "body": body, "language": language},
    )


@require_http_methods(["GET", "POST"])
def annual_generate(request: HttpRequest, year: int) -> HttpResponse:
    """GET: the confirmation; POST: start a run (or join the one under way)."""
    require_annual_manager(request.user)
    if refused := _year_or_refuse(request, year):
        return refused
    if request.method == "GET":
        return render(request, "reports/annual/generate.html", _detail_context(year))
    _run, created = services_annual.run_request(year=year, by=request.user)
    message = (
        _("Årsrapporten lages nå. Du kan forlate siden og komme tilbake.")
        if created
        else _("Årsrapporten lages allerede. Framdriften vises under.")
    )
    return done(request, message, "reports:annual_detail", year=year)


@require_POST
def annual_retry(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_for_user(request.user, pk)
    try:
        services_annual.run_retry(run=run, by=request.user)
    except ValidationError as exc:
        context = _detail_context(run.report.year) | {"error": error_text(exc)}
        return render(request, "reports/annual/detail.html", context, status=400)
    return done(
        request,
        _("Årsrapporten lages på nytt."),
        "reports:annual_detail",
        year=run.report.year,
    )


@require_GET
def annual_download(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_for_user(request.user, pk)
    if run.status != ReportRun.Status.DONE or not run.file or not default_storage.exists(run.file):
        raise Http404
    response = FileResponse(
        default_storage.open(run.file, "rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=annual_pdf.filename(run.report.year, run.language, run.version),
    )
    response["Cache-Control"] = "private, no-store"
    return response
