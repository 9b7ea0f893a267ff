"""Partnerpotten pages for the secretariat (issue 4 §1, §3–§6, §8): calls and their criteria,
assessment and information requests, the decision page used at the Partnermøte, the
pipeline, the xlsx export and grant follow-up.

Access goes through ``partnerpot.access`` only. Conflicts of interest: whoever acts for the
applicant or a co-applicant partner never sees the assessment of that application and can
neither assess nor decide it, secretariat staff included.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.forms.models import ModelChoiceIteratorValue
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from partnership import formats
from partnership.formats import money
from partnership.html import format_html, format_html_join
from partnership.locking import ConflictError
from partnership.viewhelpers import (
    apply_validation_error,
    done,
    error_text,
    page_of,
    posted,
    with_message,
)

from .. import access, export, selectors, services
from ..forms_secretariat import (
    AssessmentForm,
    CallCancelForm,
    CallForm,
    CriterionForm,
    DecideForm,
    InfoRequestForm,
    PipelineFilterForm,
)
from ..models import (
    Application,
    ApplicationFile,
    Assessment,
    BullyingForm,
    Call,
    Criterion,
    SubGoal,
)

PAGE_SIZE = 25
TEMPLATES = "partnerpot/secretariat"
Status = Application.Status


# --- Helpers ----------------------------------------------------------------------------------
def _require_manager(user) -> None:
    """Pages without an object (lists, new call): the secretariat and admins only."""
    if not access.can_manage(user):
        raise PermissionDenied


def _render(request, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    # The sub-navigation offers the secretariat's pages to the secretariat.
    context.setdefault("secretariat", access.can_manage(request.user))
    return render(request, f"{TEMPLATES}/{template}", context, status=status)


def _labelled_errors(exc: ValidationError, model) -> list[str]:
    """A service's errors as sentences that name the field they are about."""
    if not hasattr(exc, "error_dict"):
        return [str(m) for m in exc.messages]
    found = []
    for name, errors in exc.message_dict.items():
        try:
            label = capfirst(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # "__all__"
            label = ""
        found.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return found


def _assessment_of(application: Application):
    """The application's assessment, or None (``select_related`` has cached either)."""
    return getattr(application, "assessment", None)


# --- Calls ------------------------------------------------------------------------------------
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    """Published calls for everyone signed in (open, upcoming, closed); the secretariat also
    sees drafts and cancelled calls."""
    user = request.user
    now = timezone.now()
    groups = selectors.calls_grouped(user, now=now)
    sections = [
        ("open", _("Åpne utlysninger"), groups["open"]),
        ("upcoming", _("Kommende utlysninger"), groups["upcoming"]),
        ("closed", _("Avsluttede utlysninger"), groups["closed"]),
    ]
    can_manage = access.can_manage(user)
    if can_manage:
        sections += [
            ("draft", _("Utkast"), groups["draft"]),
            ("cancelled", _("Avlyste utlysninger"), groups["cancelled"]),
        ]
    return _render(
        request, "call_list.html", {"sections": sections, "can_manage": can_manage, "now": now}
    )


def _criteria_info() -> dict:
    in_force = services.criteria_in_force()
    return {"criteria_in_force": in_force, "criteria_document": services.criteria_document()}


def _call_form_errors(form: CallForm, exc: ValidationError) -> None:
    """The services name the datetimes; the form shows each as a date and a time."""
    if hasattr(exc, "error_dict"):
        renamed = {
            CallForm.DATETIME_PARTS.get(name, (name,))[0]: errors
            for name, errors in exc.error_dict.items()
        }
        exc = ValidationError(renamed)
    apply_validation_error(form, exc)


@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    form = CallForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(created_by=request.user, **form.call_fields())
        except ValidationError as exc:
            _call_form_errors(form, exc)
        else:
            return done(
                request,
                _("Utlysningen er lagret som utkast. Se over kriteriene og publiser den."),
                "partnerpot:call_manage",
                call.pk,
            )
    context = {"form": form, "call": None, **_criteria_info()}
    return _render(request, "call_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = access.call_for_user(request.user, pk, "manage")
    form = CallForm(posted(request), call=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(call=call, by=request.user, **form.call_fields())
        except ValidationError as exc:
            _call_form_errors(form, exc)
        else:
            return done(request, _("Endringene er lagret."), "partnerpot:call_manage", pk)
    context = {"form": form, "call": call, **_criteria_info()}
    return _render(request, "call_form.html", context, status=400 if form.errors else 200)


def _manage_context(request: HttpRequest, call: Call, **extra) -> dict:
    """What the call's page shows; the criteria fragment renders from it too."""
    user = request.user
    now = timezone.now()
    (row,) = selectors.pipeline(calls=[call])
    page = page_of(request, selectors.pipeline_applications(user=user, call=call), PAGE_SIZE)
    conflicted = selectors.conflicted_ids(user, page.object_list)
    waiting = row.counts.get(Status.ASSESSED, 0)
    context = {
        "call": call,
        "criteria": list(call.criteria.all()),
        "criteria_editable": call.status == Call.Status.DRAFT,
        "criterion_form": CriterionForm(),
        "criterion_errors": {},
        "criteria_error": "",
        "envelope": services.envelope_status(call),
        "counts": [
            (status, row.counts[status])
            for status in selectors.PIPELINE_STATUSES
            if status in row.counts
        ],
        "total": sum(row.counts.values()),
        "page": page,
        "rows": [
            {
                "application": a,
                "conflicted": a.pk in conflicted,
                "assessment": None if a.pk in conflicted else _assessment_of(a),
            }
            for a in page.object_list
        ],
        "waiting_for_agenda": waiting,
        "can_put_on_agenda": call.is_published
        and call.deciding_meeting_id is not None
        and now >= call.closes_at
        and waiting > 0,
        "deadline_passed": now >= call.closes_at,
        "publish_errors": [],
        "agenda_error": "",
    }
    context.update(extra)
    return context


@require_GET
@vary_on_headers("HX-Request")
def call_manage(request: HttpRequest, pk: int) -> HttpResponse:
    call = access.call_for_user(request.user, pk, "manage")
    return _render(request, "call_manage.html", _manage_context(request, call))


@require_POST
def call_publish(request: HttpRequest, pk: int) -> HttpResponse:
    call = access.call_for_user(request.user, pk, "manage")
    try:
        services.call_publish(call=call, by=request.user)
    except ValidationError as exc:
        call.refresh_from_db()
        context = _manage_context(request, call, publish_errors=_labelled_errors(exc, Call))
        return _render(request, "call_manage.html", context, status=400)
    return done(
        request,
        _("Utlysningen er publisert og vises i partnerkalenderen."),
        "partnerpot:call_manage",
        pk,
    )


@require_http_methods(["GET", "POST"])
def call_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page; the POST cancels the call."""
    call = access.call_for_user(request.user, pk, "manage")
    form = CallCancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.call_cancel(call=call, by=request.user)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Utlysningen er avlyst."), "partnerpot:call_manage", pk)
    return _render(
        request,
        "call_cancel.html",
        {"call": call, "form": form, "envelope": services.envelope_status(call)},
        status=400 if form.errors else 200,
    )


def _criteria_response(
    request: HttpRequest, call: Call, *, message: str = "", status: int = 200, **extra
) -> HttpResponse:
    """The criteria fragment (htmx) or, without htmx, the call's page (redirected to after a
    change, rendered with the errors after a refusal)."""
    call.refresh_from_db()
    if request.htmx:
        context = _manage_context(request, call, **extra)
        response = _render(request, "call_manage.html#criteria", context, status=status)
        return with_message(response, message) if message and status == 200 else response
    if status == 200:
        return done(request, message, "partnerpot:call_manage", call.pk)
    return _render(
        request, "call_manage.html", _manage_context(request, call, **extra), status=status
    )


def _criterion_for_manager(user, pk: int) -> Criterion:
    criterion = Criterion.objects.filter(pk=pk).select_related("call").first()
    if criterion is None:
        # Whoever may not manage calls is not told whether the criterion exists.
        _require_manager(user)
        raise Http404
    access.call_for_user(user, criterion.call_id, "manage")
    return criterion


@require_POST
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    call = access.call_for_user(request.user, pk, "manage")
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            services.criterion_add(call=call, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return _criteria_response(request, call, status=400, criteria_error=error_text(exc))
            apply_validation_error(form, exc)
        else:
            return _criteria_response(request, call, message=_("Kriteriet er lagt til."))
    return _criteria_response(request, call, status=400, criterion_form=form)


@require_POST
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = _criterion_for_manager(request.user, pk)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            services.criterion_update(
                criterion=criterion, text=form.cleaned_data["text"], by=request.user
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return _criteria_response(
                    request, criterion.call, status=400, criteria_error=error_text(exc)
                )
            apply_validation_error(form, exc)
        else:
            return _criteria_response(request, criterion.call, message=_("Kriteriet er endret."))
    errors = [str(e) for errs in form.errors.values() for e in errs]
    return _criteria_response(
        request,
        criterion.call,
        status=400,
        criterion_errors={criterion.pk: {"text": errors, "value": request.POST.get("text", "")}},
    )


@require_POST
def criterion_remove(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = _criterion_for_manager(request.user, pk)
    call = criterion.call
    try:
        services.criterion_remove(criterion=criterion, by=request.user)
    except ValidationError as exc:
        return _criteria_response(request, call, status=400, criteria_error=error_text(exc))
    return _criteria_response(
        request, call, message=_("Kriteriet «%(text)s» er fjernet.") % {"text": criterion.text}
    )


@require_POST
def call_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the call's assessed applications on the deciding Partnermøte's agenda."""
    call = access.call_for_user(request.user, pk, "manage")
    try:
        items = services.call_put_on_agenda(call=call, by=request.user)
    except ValidationError as exc:
        context = _manage_context(request, call, agenda_error=error_text(exc))
        return _render(request, "call_manage.html", context, status=400)
    meeting = call.deciding_meeting
    count = ngettext(
        "%(count)s søknad er satt på sakslisten til",
        "%(count)s søknader er satt på sakslisten til",
        len(items),
    ) % {"count": len(items)}
    message = format_html(
        '{} <a class="ds-link" href="{}">{}</a>.',
        count,
        reverse("meetings:meeting_detail", args=[meeting.pk]),
        meeting,
    )
    return done(request, message, "partnerpot:call_manage", pk)


# --- Decisions --------------------------------------------------------------------------------
def _decide_queryset(call: Call):
    return (
        Application.objects.filter(call=call, agenda_item__isnull=False)
        .select_related("call", "applicant", "assessment", "agenda_item__body", "decision__body")
        .order_by("agenda_item__number", "number")
    )


def _decide_rows(user, applications, forms: dict | None = None) -> list[dict]:
    conflicted = selectors.conflicted_ids(user, applications)
    rows = []
    for application in applications:
        is_conflicted = application.pk in conflicted
        form = None
        if application.status == Status.ON_AGENDA and not is_conflicted:
            form = (forms or {}).get(application.pk) or _decide_form(application)
        rows.append(
            {
                "application": application,
                "conflicted": is_conflicted,
                "assessment": None if is_conflicted else _assessment_of(application),
                "form": form,
            }
        )
    return rows


def _decide_form(application: Application, data=None) -> DecideForm:
    initial = {}
    assessment = _assessment_of(application)
    if assessment is not None and assessment.recommendation:
        initial["outcome"] = {
            "grant": Status.GRANTED,
            "partly": Status.PARTLY_GRANTED,
            "reject": Status.REJECTED,
        }[assessment.recommendation]
        if assessment.recommendation == "partly" and assessment.recommended_amount:
            initial["amount"] = formats.money(assessment.recommended_amount).replace("\u00a0kr", "")
    return DecideForm(data, prefix=f"a{application.pk}", initial=initial)


def _decide_context(request: HttpRequest, call: Call, forms: dict | None = None, **extra) -> dict:
    meeting = call.deciding_meeting
    context = {
        "call": call,
        "meeting": meeting,
        "meeting_started": meeting is not None and meeting.starts_at <= timezone.now(),
        "envelope": services.envelope_status(call),
        "rows": _decide_rows(request.user, list(_decide_queryset(call)), forms),
        "decide_error": "",
    }
    context.update(extra)
    return context


@require_GET
def call_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision page used at (and after) the Partnermøte."""
    call = access.call_for_user(request.user, pk, "manage")
    return _render(request, "call_decide.html", _decide_context(request, call))


@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the Partnermøte's decision on one application (htmx: the row and the remaining
    envelope are swapped in place)."""
    application = access.application_for_user(request.user, pk, "decide")
    call = application.call
    form = _decide_form(application, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_decide(
                application=application,
                outcome=data["outcome"],
                amount=data["amount"],
                conditions=data["conditions"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
    ok = not form.errors
    if ok:
        envelope = services.envelope_status(call)
        message = _("Vedtaket om %(ref)s er registrert. Igjen av rammen: %(remaining)s.") % {
            "ref": application.reference,
            "remaining": formats.money(envelope["remaining"]),
        }
    if not request.htmx:
        if ok:
            return done(request, message, "partnerpot:call_decide", call.pk)
        context = _decide_context(request, call, forms={application.pk: form})
        if not any(row["application"].pk == application.pk for row in context["rows"]):
            context["decide_error"] = " ".join(
                str(e) for errors in form.errors.values() for e in errors
            )
        return _render(request, "call_decide.html", context, status=400)
    fresh = _decide_queryset(call).filter(pk=application.pk).first() or application
    (row,) = _decide_rows(request.user, [fresh], {fresh.pk: None if ok else form})
    context = {"call": call, "row": row, "envelope": services.envelope_status(call), "oob": True}
    html = render_to_string(f"{TEMPLATES}/call_decide.html#row", context, request)
    html += render_to_string(f"{TEMPLATES}/call_decide.html#envelope", context, request)
    response = HttpResponse(html, status=200 if ok else 400)
    return with_message(response, message) if ok else response


# --- The pipeline -----------------------------------------------------------------------------
def _pk_url(name: str):
    """``reverse(name, args=[pk])`` for many pks at the price of one ``reverse()``."""
    marker = "2147483647"
    head, _sep, tail = reverse(name, args=[int(marker)]).rpartition(marker)
    return lambda pk: f"{head}{pk}{tail}"


def _deadline(moment) -> str:
    """Like _deadline.html: "31. mars 2026 kl. 23:59" in the current time zone."""
    local = timezone.localtime(moment)
    return _("%(day)s kl. %(time)s") % {
        "day": date_format(local, "j. F Y"),
        "time": time_format(local, "H:i"),
    }


def _pipeline_overview(rows, list_url: str) -> list[dict]:
    """The per-call summary as plain values (cheap to render)."""
    manage_url = _pk_url("partnerpot:call_manage")
    statuses = [(status, str(status.label)) for status in selectors.PIPELINE_STATUSES]
    entries = []
    for row in rows:
        call = row.call
        applied = row.applied
        entries.append(
            {
                "row": row,
                "url": manage_url(call.pk),
                "title": call.title,
                "deadline": _deadline(call.closes_at),
                "cancelled": (
                    call.get_status_display() if call.status == Call.Status.CANCELLED else ""
                ),
                "counts": [
                    (
                        f"{list_url}?call={call.pk}&status={status.value}",
                        label,
                        row.counts[status],
                    )
                    for status, label in statuses
                    if status in row.counts
                ],
                "total": sum(row.counts.values()),
                "applied": money(applied),
                "over": applied > call.envelope,
                "envelope": money(call.envelope),
                "granted": money(row.granted),
                "remaining": money(row.remaining),
            }
        )
    return entries


_OVERVIEW_ROW = (
    '<tr><th scope="row"><a class="ds-link" href="{url}">{title}</a>'
    '<br><span class="portal-muted">{deadline_label} {deadline}</span>{cancelled}</th>'
    "<td>{counts}</td><td>{total}</td>"
    '<td class="portal-nowrap">{applied}{over}</td><td class="portal-nowrap">{envelope}</td>'
    '<td class="portal-nowrap">{granted}</td><td class="portal-nowrap">{remaining}</td></tr>'
)
_LIST_ROW = (
    '<tr><th scope="row" class="portal-nowrap"><a class="ds-link" href="{}">{}</a></th>'
    '<td>{}</td><td class="portal-break">{}</td><td>{}</td><td class="portal-nowrap">{}</td>'
    '<td>{}</td><td class="portal-nowrap">{}</td></tr>'
)


def _pipeline_overview_html(entries: list[dict]) -> str:
    """The per-call table's rows, written in Python (every value escaped by ``format_html``):
    a call's counts per status are a list of links, ten calls a hundred of them."""
    deadline_label, over_label = _("Frist:"), _("over rammen")
    html = []
    for e in entries:
        counts = (
            format_html(
                '<ul class="ds-list">{}</ul>',
                format_html_join(
                    "", '<li><a class="ds-link" href="{}">{}: {}</a></li>', e["counts"]
                ),
            )
            if e["counts"]
            else "–"
        )
        html.append(
            format_html(
                _OVERVIEW_ROW,
                url=e["url"],
                title=e["title"],
                deadline_label=deadline_label,
                deadline=e["deadline"],
                cancelled=format_html(
                    '<br><span class="ds-tag" data-color="danger">{}</span>', e["cancelled"]
                )
                if e["cancelled"]
                else "",
                counts=counts,
                total=e["total"],
                applied=e["applied"],
                over=format_html(' <span class="ds-tag" data-color="warning">{}</span>', over_label)
                if e["over"]
                else "",
                envelope=e["envelope"],
                granted=e["granted"],
                remaining=e["remaining"],
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 - each row built by format_html


def _pipeline_rows_html(rows: list[dict]) -> str:
    """The application list's rows, written in Python from ``_pipeline_rows``: a conflicted
    viewer sees a tag where the recommendation and the link to the assessment would be."""
    conflicted = format_html(
        '<span class="ds-tag" data-color="warning">{}</span>', _("Du er inhabil")
    )
    assessment_label = _("Vurdering")
    return mark_safe(  # noqa: S308 - each row built by format_html
        "\n".join(
            format_html(
                _LIST_ROW,
                row["url"],
                row["reference"],
                row["applicant"],
                row["title"],
                row["status"],
                row["requested"],
                conflicted
                if row["conflicted"]
                else format_html(
                    '{}<br><a class="ds-link" href="{}">{}<span class="ds-sr-only"> {}</span></a>',
                    row["recommendation"],
                    row["assessment_url"],
                    assessment_label,
                    row["assessment_of"],
                ),
                row["submitted"],
            )
            for row in rows
        )
    )


def _pipeline_rows(applications, conflicted: set[int]) -> list[dict]:
    """The list's rows as plain values (cheap to render), from the named rows of
    ``selectors.pipeline_applications(for_list=True)``."""
    detail_url = _pk_url("partnerpot:application_detail")
    assessment_url = _pk_url("partnerpot:assessment")
    # get_FOO_display() rebuilds the choices for every call: look the labels up once.
    status_labels = {value: str(label) for value, label in Status.choices}
    recommendation_labels = {
        value: str(label) for value, label in Assessment.Recommendation.choices
    }
    rows = []
    for a in applications:
        reference = Application.reference_of(a.year, a.number)
        row = {
            "application": a,
            "assessment": None,
            "url": detail_url(a.pk),
            "reference": reference,
            "applicant": a.applicant__short_name,
            "title": a.title,
            "status": status_labels.get(a.status, a.status),
            "requested": money(a.requested_amount),
            "submitted": formats.datetime(a.submitted_at),
            "conflicted": a.pk in conflicted,
        }
        if not row["conflicted"]:
            recommendation = "–"
            if a.assessment__id is not None:
                row["assessment"] = a.assessment__id
                if a.assessment__recommendation:
                    recommendation = recommendation_labels.get(
                        a.assessment__recommendation, a.assessment__recommendation
                    )
                    if a.assessment__recommended_amount:
                        recommendation += ", " + money(a.assessment__recommended_amount)
            row["recommendation"] = recommendation
            row["assessment_url"] = assessment_url(a.pk)
            row["assessment_of"] = _("av %(ref)s") % {"ref": reference}
        rows.append(row)
    return rows


@require_GET
@vary_on_headers("HX-Request")
def pipeline(request: HttpRequest) -> HttpResponse:
    """Per call: counts and sums by status, applied vs envelope; below, the applications for
    the filter, marking those the viewer is conflicted on. A constant number of queries."""
    user = request.user
    _require_manager(user)
    template = f"{TEMPLATES}/pipeline.html" + ("#results" if request.htmx else "")
    return render(request, template, _pipeline_context(request))


def _pipeline_context(request: HttpRequest) -> dict:
    user = request.user
    calls_qs = Call.objects.exclude(status=Call.Status.DRAFT).order_by("-closes_at", "-pk")
    form = PipelineFilterForm(request.GET or None, calls=calls_qs)
    overview = None
    if not request.htmx:
        # The calls read once serve the overview and the select's options (no second query,
        # no server-side cursor). Validating a chosen call uses the field's queryset.
        calls = list(calls_qs)
        overview = selectors.pipeline(calls=calls)
        call_field = form.fields["call"]
        call_field.choices = [("", call_field.empty_label)] + [
            (ModelChoiceIteratorValue(call.pk, call), call_field.label_from_instance(call))
            for call in calls
        ]
    filters = form.filters()
    list_url = reverse("partnerpot:pipeline")
    page = page_of(
        request,
        selectors.pipeline_applications(
            user=user, call=filters["call"], status=filters["status"], for_list=True
        ),
        PAGE_SIZE,
        count=None
        if overview is None
        else selectors.pipeline_list_count(
            overview, call=filters["call"], status=filters["status"]
        ),
    )
    applications = list(page.object_list)
    conflicted = selectors.conflicted_ids(user, applications)
    context = {
        "secretariat": True,
        "form": form,
        "filters": filters,
        "status_label": Status(filters["status"]).label if filters["status"] else "",
        "page": page,
        "rows": _pipeline_rows(applications, conflicted),
        "list_url": list_url,
    }
    context["rows_html"] = _pipeline_rows_html(context["rows"])
    if overview is not None:
        context["pipeline"] = _pipeline_overview(overview, list_url)
        context["pipeline_html"] = _pipeline_overview_html(context["pipeline"])
    return context


# --- Export -----------------------------------------------------------------------------------
@require_GET
def call_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The call's submitted applications as an xlsx workbook (``export.call_workbook``)."""
    call = access.call_for_user(request.user, pk, "manage")
    applications = list(selectors.pipeline_applications(user=request.user, call=call))
    conflicted = selectors.conflicted_ids(request.user, applications)
    response = HttpResponse(
        export.call_workbook(call, applications, conflicted),
        content_type=export.XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = (
        f'attachment; filename="partnerpotten-{call.year}-{call.pk}.xlsx"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Assessment and information requests ------------------------------------------------------
def _application_for_assessment(request: HttpRequest, pk: int):
    """The application to assess, or a 403 page that says why: the viewer is conflicted."""
    try:
        return access.application_for_user(request.user, pk, "assess"), None
    except PermissionDenied:
        # 404 for whoever may not see the application at all.
        application = access.application_for_user(request.user, pk, "view")
        if access.can_manage(request.user) and access.is_conflicted(request.user, application):
            response = _render(request, "conflicted.html", {"application": application}, status=403)
            return None, response
        raise


def _info_requests(application: Application) -> list:
    requests = list(application.info_requests.all())
    for ask in requests:
        ask.section_labels = [Application.Section(s).label for s in ask.sections]
    return requests


def _application_content(application: Application) -> dict:
    budget_lines = list(application.budget_lines.all())
    return {
        "budget_lines": budget_lines,
        "co_applicants": list(application.co_applicants.select_related("partner")),
        "files": list(application.files.filter(purpose=ApplicationFile.Purpose.APPLICATION)),
        "sub_goals": [SubGoal(value).label for value in application.sub_goals],
        "bullying_forms": [BullyingForm(value).label for value in application.bullying_forms],
        "municipality": application.municipality.split(": ", 1)[-1],
        "budget_total": services.budget_total(application, budget_lines),
        "info_requests": _info_requests(application),
    }


@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    application, refused = _application_for_assessment(request, pk)
    if refused is not None:
        return refused
    criteria = list(application.call.criteria.all())
    current = _assessment_of_db(application)
    scores = {s.criterion_id: s for s in current.scores.all()} if current else {}
    form = AssessmentForm(posted(request), criteria=criteria, assessment=current, scores=scores)
    conflict = None
    editable = application.status in services.ASSESSABLE
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.assessment_save(
                application=application, by=request.user, **form.service_values()
            )
        except ConflictError as exc:
            # Keep what the user typed, now against the version they have seen.
            data = request.POST.copy()
            data["version"] = exc.current_version
            form = AssessmentForm(data, criteria=criteria, assessment=current, scores=scores)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Noen andre har lagret vurderingen mens du skrev. Det du skrev, står fortsatt "
                    "i skjemaet. Se over den lagrede vurderingen og lagre på nytt for å erstatte den."
                ),
            )
            conflict = exc
            current = _assessment_of_db(application)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            application.refresh_from_db()
            message = _("Vurderingen er lagret.")
            if application.status == Status.ASSESSED and saved.recommendation:
                message = _("Vurderingen er lagret. Søknaden er klar til å settes på sakslisten.")
            return done(request, message, "partnerpot:assessment", pk)
    context = {
        "application": application,
        "form": form,
        "editable": editable,
        "current": current,
        "conflict": conflict,
        "current_scores": [(c, scores.get(c.pk)) for c in criteria],
        "can_request_info": application.status in (Status.SUBMITTED, Status.ASSESSED),
        **_application_content(application),
    }
    return _render(request, "assessment.html", context, status=400 if form.errors else 200)


def _assessment_of_db(application: Application) -> Assessment | None:
    return Assessment.objects.filter(application=application).select_related("assessed_by").first()


@require_http_methods(["GET", "POST"])
def info_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the applicant for more information: only the chosen sections reopen."""
    application, refused = _application_for_assessment(request, pk)
    if refused is not None:
        return refused
    form = InfoRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.info_request_create(
                application=application, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request,
                _("Søkeren er bedt om mer informasjon og har fått e-post."),
                "partnerpot:assessment",
                pk,
            )
    context = {
        "application": application,
        "form": form,
        "can_request": application.status in (Status.SUBMITTED, Status.ASSESSED),
        "info_requests": _info_requests(application),
    }
    return _render(request, "info_request.html", context, status=400 if form.errors else 200)


urlpatterns = [
    # Calls
    path("utlysninger/", call_list, name="call_list"),
    path("utlysninger/ny/", call_create, name="call_create"),
    path("utlysninger/<int:pk>/endre/", call_edit, name="call_edit"),
    path("utlysninger/<int:pk>/behandle/", call_manage, name="call_manage"),
    path("utlysninger/<int:pk>/publiser/", call_publish, name="call_publish"),
    path("utlysninger/<int:pk>/avlys/", call_cancel, name="call_cancel"),
    path("utlysninger/<int:pk>/kriterier/", criterion_add, name="criterion_add"),
    path("kriterier/<int:pk>/endre/", criterion_edit, name="criterion_edit"),
    path("kriterier/<int:pk>/fjern/", criterion_remove, name="criterion_remove"),
    path("utlysninger/<int:pk>/sakslisten/", call_agenda, name="call_agenda"),
    path("utlysninger/<int:pk>/vedtak/", call_decide, name="call_decide"),
    path("utlysninger/<int:pk>/eksport.xlsx", call_export, name="call_export"),
    # Applications: assessment and decision
    path("soknader/<int:pk>/vurdering/", assessment, name="assessment"),
    path("soknader/<int:pk>/be-om-informasjon/", info_request, name="info_request"),
    path("soknader/<int:pk>/vedtak/", application_decide, name="application_decide"),
    # The pipeline
    path("behandling/", pipeline, name="pipeline"),
]
