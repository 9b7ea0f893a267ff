"""The secretariat's pages for the indicators (issue 12 §4, §5): versions of the indicator
set and their adoption by the Ledermøte, the indicators of a draft, values (one at a time or
imported from CSV/XLSX with a preview), exports, and the evaluations after two and four years.
"""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership import formats, indicator_import, services_indicators, uploads
from partnership.html import format_html_join
from partnership.locking import ConflictError
from partnership.models import IndicatorEvaluation, IndicatorSet, Person, today
from partnership.selectors_indicators import format_value
from partnership.viewhelpers import (
    UrlPatterns,
    apply_validation_error,
    done,
    form_page,
    page_of,
    posted,
)

from . import access, dashboard
from .forms import (
    DecisionForm,
    EvaluationEditForm,
    EvaluationForm,
    ImportForm,
    IndicatorForm,
    IndicatorSetForm,
    ValueForm,
)

VALUES_PER_PAGE = 50


# --- Versions of the set ---------------------------------------------------------------------------
@require_GET
def indicator_sets(request: HttpRequest) -> HttpResponse:
    access.require_reader(request.user)
    sets = IndicatorSet.objects.order_by("-version")
    if not access.can_manage(request.user):
        sets = sets.exclude(status=IndicatorSet.Status.DRAFT)
    return render(
        request,
        "reports/indicator_sets.html",
        {
            "sets": list(sets),
            "can_manage": access.can_manage(request.user),
            "has_draft": any(s.is_draft for s in sets),
        },
    )


@require_http_methods(["GET", "POST"])
def indicator_set_create(request: HttpRequest) -> HttpResponse:
    access.require_manager(request.user)
    form = IndicatorSetForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            draft = services_indicators.indicator_set_draft(
                title=form.cleaned_data["title"], by=request.user
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Utkastet er laget."), "reports:indicator_set", pk=draft.pk)
    return form_page(request, "reports/indicator_set_form.html", {"form": form})


@require_GET
def indicator_set(request: HttpRequest, pk: int) -> HttpResponse:
    version = access.indicator_set_for_user(request.user, pk)
    return render(
        request,
        "reports/indicator_set.html",
        {
            "version": version,
            "indicators": list(version.indicators.select_related("goal")),
            "decisions": services_indicators.adopting_decisions(version),
            "can_manage": access.can_manage(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def indicator_set_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    version = access.indicator_set_for_user(request.user, pk, action="change")
    decisions = services_indicators.linkable_decisions(version) if version.is_draft else []
    form = DecisionForm(posted(request), decisions=decisions)
    if request.method == "POST" and form.is_valid():
        try:
            services_indicators.indicator_set_adopt(
                indicator_set=version, decision_pk=form.cleaned_data["decision"], by=request.user
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request, _("Versjonen er vedtatt og gjelder nå."), "reports:indicator_set", pk=pk
            )
    return form_page(
        request, "reports/indicator_set_adopt.html", {"form": form, "version": version}
    )


@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    version = access.indicator_set_for_user(request.user, pk, action="change")
    form = IndicatorForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services_indicators.indicator_save(
                indicator_set=version, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Kjennetegnet er lagt til."), "reports:indicator_set", pk=pk)
    return form_page(request, "reports/indicator_form.html", {"form": form, "version": version})


@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = access.indicator_for_user(request.user, pk, action="change")
    version = indicator.indicator_set
    form = IndicatorForm(posted(request), instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services_indicators.indicator_save(
                indicator_set=version, indicator=indicator, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Endringene er lagret."), "reports:indicator_set", pk=version.pk)
    return form_page(
        request,
        "reports/indicator_form.html",
        {"form": form, "version": version, "indicator": indicator},
    )


# --- Values --------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def value_add(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = access.indicator_for_user(request.user, pk, action="change")
    form = ValueForm(posted(request), indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services_indicators.value_add(indicator=indicator, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request, _("Verdien er registrert."), "reports:indicator_detail", pk=indicator.pk
            )
    return form_page(request, "reports/value_form.html", {"form": form, "indicator": indicator})


_VALUE_ROW = (
    '<tr><th scope="row"><a class="ds-link" href="{}">{} {}</a></th>'
    '<td class="portal-nowrap">{}</td><td class="portal-num portal-nowrap">{}</td>'
    "<td>{}</td><td>{}</td></tr>"
)


def _value_rows(rows) -> str:
    """The values page's table rows, written once in Python with ``format_html`` (every value
    escaped): fifty rows through the template engine, a ``{% url %}`` each, were most of the
    page's time (profiled on the bench data)."""
    urls = UrlPatterns()
    return format_html_join(
        "\n",
        _VALUE_ROW,
        (
            (
                urls("reports:indicator_detail", row.indicator_id),
                row.indicator__code,
                row.indicator__name,
                formats.date(row.measured_on),
                format_value(row),
                row.source_note,
                Person.text_of(row.entered_by__full_name, row.entered_by__email) or "–",
            )
            for row in rows
        ),
    )


@require_GET
def values(request: HttpRequest) -> HttpResponse:
    access.require_reader(request.user)
    page = page_of(request, dashboard.all_value_rows(), VALUES_PER_PAGE)
    return render(
        request,
        "reports/values.html",
        {
            "page": page,
            "value_rows": _value_rows(page.object_list),
            "can_manage": access.can_manage(request.user),
        },
    )


@require_GET
def values_export(request: HttpRequest, fmt: str) -> HttpResponse:
    access.require_reader(request.user)
    rows = dashboard.all_values()
    name = f"kjennetegn-verdier-{today().isoformat()}"
    if fmt == "xlsx":
        response = HttpResponse(
            indicator_import.export_xlsx(rows), content_type=indicator_import.XLSX_CONTENT_TYPE
        )
    elif fmt == "csv":
        response = HttpResponse(
            indicator_import.export_csv(rows), content_type="text/csv; charset=utf-8"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@uploads.size_guarded
@require_http_methods(["GET", "POST"])
def values_import(request: HttpRequest) -> HttpResponse:
    """Upload → a preview with every row's problems; nothing is saved until the file is clean,
    and then only after the confirmation (``values_import_confirm``)."""
    access.require_manager(request.user)
    form = ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    preview = None
    token = ""
    if request.method == "POST" and uploads.upload_form_is_valid(request, form):
        file = form.cleaned_data["file"]
        try:
            checked = uploads.check_upload(file)
            if checked.content_type not in (uploads.XLSX, uploads.TEXT):
                raise ValidationError(
                    {"file": _("Last opp en CSV-fil eller et Excel-regneark (xlsx).")}
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            file.seek(0)
            preview = indicator_import.preview(file.read(), checked.content_type)
            if preview.is_clean:
                token = indicator_import.sign_rows(preview.clean_rows)
    status = 400 if form.errors or (preview is not None and not preview.is_clean) else 200
    return render(
        request,
        "reports/values_import.html",
        {"form": form, "preview": preview, "token": token},
        status=status,
    )


@require_POST
def values_import_confirm(request: HttpRequest) -> HttpResponse:
    access.require_manager(request.user)
    error = ""
    try:
        rows = indicator_import.unsign_rows(request.POST.get("rows", ""))
        count = services_indicators.values_import(rows=rows, by=request.user)
    except signing.BadSignature:
        error = _("Forhåndsvisningen er utløpt eller ugyldig. Last opp filen på nytt.")
    except ValidationError as exc:
        error = " ".join(exc.messages)
    else:
        return done(
            request,
            _("%(count)s verdier er importert.") % {"count": count},
            "reports:values",
        )
    return render(
        request,
        "reports/values_import.html",
        {"form": ImportForm(), "preview": None, "token": "", "error": error},
        status=400,
    )


# --- Evaluations after two and four years ------------------------------------------------------
@require_http_methods(["GET", "POST"])
def evaluation_create(request: HttpRequest) -> HttpResponse:
    access.require_manager(request.user)
    form = EvaluationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services_indicators.evaluation_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request,
                _("Evalueringen er registrert med verdiene per evalueringsdatoen."),
                "reports:evaluation_detail",
                pk=evaluation.pk,
            )
    return form_page(request, "reports/evaluation_form.html", {"form": form})


@require_GET
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.evaluation_for_user(request.user, pk)
    return render(
        request,
        "reports/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "snapshot": list(evaluation.snapshot.all()),
            "decisions": services_indicators.adopting_decisions(evaluation),
            "can_manage": access.can_manage(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat writes or revises a draft evaluation's assessment. Someone else's save
    in between is refused (409) with both texts on the page, so neither is lost."""
    evaluation = access.evaluation_for_user(request.user, pk, action="change")
    initial = {"assessment": evaluation.assessment, "version": evaluation.version}
    form = EvaluationEditForm(posted(request), initial=initial)
    conflict = None
    status = 200
    if evaluation.status != IndicatorEvaluation.Status.DRAFT:
        form = None
    elif request.method == "POST" and form.is_valid():
        try:
            services_indicators.evaluation_update(
                evaluation=evaluation,
                assessment=form.cleaned_data["assessment"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except ConflictError as exc:
            conflict = exc
            data = request.POST.copy()
            data["version"] = str(exc.current_version)
            form = EvaluationEditForm(data)
            form.is_valid()
            status = 409
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Vurderingen er lagret."), "reports:evaluation_detail", pk=pk)
    if form is not None and form.errors and status == 200:
        status = 400
    return render(
        request,
        "reports/evaluation_edit.html",
        {"form": form, "evaluation": evaluation, "conflict": conflict},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def evaluation_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.evaluation_for_user(request.user, pk, action="change")
    is_draft = evaluation.status == IndicatorEvaluation.Status.DRAFT
    decisions = services_indicators.linkable_decisions(evaluation) if is_draft else []
    form = DecisionForm(posted(request), decisions=decisions)
    if request.method == "POST" and form.is_valid():
        try:
            services_indicators.evaluation_adopt(
                evaluation=evaluation, decision_pk=form.cleaned_data["decision"], by=request.user
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Evalueringen er vedtatt."), "reports:evaluation_detail", pk=pk)
    return form_page(
        request, "reports/evaluation_adopt.html", {"form": form, "evaluation": evaluation}
    )
