"""Partnerpotten for applicants: open calls, "our applications", the application form in
sections (saved as you go with htmx, a plain submit button per section without JavaScript),
submission, withdrawal, answers to the secretariat, the receipt and the decision letter, and the
final report on a grant.

Every page fetches its object through ``partnerpot.access``: another partner's draft is a 404.
Writes go through ``partnerpot.services``; their ValidationErrors come back next to the field.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership import uploads
from partnership.formats import money
from partnership.locking import ConflictError
from partnership.models import Partner
from partnership.viewhelpers import apply_validation_error, error_text, page_of

from .. import access, pdf, selectors, services
from ..forms import (
    SECTION_FORMS,
    BudgetLineForm,
    CoApplicantForm,
    FileForm,
    GrantReportForm,
    InfoReplyForm,
    StartForm,
    WithdrawForm,
    section_initial,
)
from ..models import (
    ZERO,
    Application,
    ApplicationFile,
    BullyingForm,
    Grant,
    GrantReport,
    InfoRequest,
    SubGoal,
)
from ..services import AlreadySubmitted

Status = Application.Status
Section = Application.Section
PAGE_SIZE = 25
EDIT = "partnerpot/application_edit.html"

# Designsystemet colours for the status tags (text always says the status too).
STATUS_COLORS = {
    Status.DRAFT: "neutral",
    Status.SUBMITTED: "info",
    Status.INFO_REQUESTED: "warning",
    Status.ASSESSED: "info",
    Status.ON_AGENDA: "info",
    Status.GRANTED: "success",
    Status.PARTLY_GRANTED: "success",
    Status.REJECTED: "danger",
    Status.WITHDRAWN: "neutral",
}

# Where the checklist links to for each field (the first checkbox of a group).
FIELD_ANCHORS = {
    "sub_goals": "f-sub_goals_0",
    "bullying_forms": "f-bullying_forms_0",
    "letter_language": "f-letter_language_0",
    "budget_lines": "budget-lines",
}


def _edit_url(application: Application, anchor: str = "") -> str:
    url = reverse("partnerpot:application_edit", args=[application.pk])
    return f"{url}#{anchor}" if anchor else url


def _detail(application: Application) -> HttpResponse:
    return redirect("partnerpot:application_detail", pk=application.pk)


def _rows(applications) -> list[dict]:
    """Rows of _application_table.html as plain values (cheap to render)."""
    now = timezone.now()
    detail_url = _pk_url("partnerpot:application_detail")
    # get_status_display() rebuilds the choices for every call: look the labels up once.
    status_labels = {value: str(label) for value, label in Application.Status.choices}
    return [
        {
            "application": a,
            "url": detail_url(a.pk),
            "reference": a.reference,
            "title": a.title,
            "applicant": a.applicant.short_name,
            "call": a.call.title,
            "requested": money(a.requested_amount) or "–",
            "status": status_labels.get(a.status, a.status),
            "next_step": selectors.next_step(a, now=now) or "–",
            "color": STATUS_COLORS.get(a.status, "neutral"),
        }
        for a in applications
    ]


def _pk_url(name: str):
    """``reverse(name, args=[pk])`` for many pks at the price of one ``reverse()``."""
    marker = "2147483647"
    head, _sep, tail = reverse(name, args=[int(marker)]).rpartition(marker)
    return lambda pk: f"{head}{pk}{tail}"


# --- Overview, calls ----------------------------------------------------------------------------
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Open calls with a way to start an application, and the latest of our applications."""
    calls = list(selectors.open_calls().select_related("deciding_meeting"))
    partners = list(access.partners_user_may_apply_for(request.user))
    ours = list(selectors.our_applications(request.user)[:6])
    return render(
        request,
        "partnerpot/home.html",
        {
            "calls": calls,
            "partners": partners,
            "rows": _rows(ours[:5]),
            "more": len(ours) > 5,
            "can_manage": access.can_manage(request.user),
        },
    )


@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = access.call_for_user(request.user, pk)
    partners = access.partners_user_may_apply_for(request.user)
    ours = selectors.our_applications(request.user).filter(call=call)
    version = None
    if call.criteria_version_id:
        version = call.criteria_version
    return render(
        request,
        "partnerpot/call_detail.html",
        {
            "call": call,
            "criteria": list(call.criteria.all()),
            "criteria_version": version,
            "is_open": call.is_open(),
            "not_yet_open": call.is_published and timezone.now() < call.opens_at,
            "start_form": StartForm(partners=partners),
            "partners": list(partners),
            "rows": _rows(ours),
            "can_manage": access.can_manage(request.user),
        },
    )


@require_POST
def application_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a draft for one of the partners the user acts for, and go to its form."""
    call = access.call_for_user(request.user, pk)
    partners = access.partners_user_may_apply_for(request.user)
    choices = list(partners)
    if not choices:
        raise PermissionDenied
    data = request.POST.copy()
    if not data.get("applicant") and len(choices) == 1:
        data["applicant"] = str(choices[0].pk)
    form = StartForm(data, partners=partners)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("partnerpot:call_detail", pk=call.pk)
    try:
        application = services.application_create(
            call=call, applicant=form.cleaned_data["applicant"], by=request.user
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("partnerpot:call_detail", pk=call.pk)
    messages.success(
        request,
        _("Søknaden %(ref)s er opprettet som utkast. Den lagres mens du skriver.")
        % {"ref": application.reference},
    )
    return redirect(_edit_url(application))


@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    """The applications of every partner the user acts for, with status and next step."""
    page = page_of(request, selectors.our_applications(request.user, for_list=True), PAGE_SIZE)
    return render(
        request, "partnerpot/my_applications.html", {"page": page, "rows": _rows(page.object_list)}
    )


# --- The application, read-only -----------------------------------------------------------------
def _summary_context(application: Application) -> dict:
    """Everything the read-only view of an application shows, in a fixed number of queries."""
    lines = list(application.budget_lines.all())
    files = list(application.files.all())
    total = services.budget_total(application, lines)
    expected = (application.requested_amount or ZERO) + (application.own_contribution or ZERO)
    municipality = application.municipality.partition(": ")[2] or application.municipality
    return {
        "application": application,
        "sub_goal_labels": [SubGoal(v).label for v in application.sub_goals if v in SubGoal.values],
        "bullying_labels": [
            BullyingForm(v).label for v in application.bullying_forms if v in BullyingForm.values
        ],
        "municipality_name": municipality,
        "lines": lines,
        "budget_total": total,
        "expected_total": expected,
        "budget_difference": total - expected,
        "section_choices": Section.choices,
        "co_applicants": list(application.co_applicants.select_related("partner")),
        "application_files": [f for f in files if f.purpose == ApplicationFile.Purpose.APPLICATION],
        "report_files": [f for f in files if f.purpose == ApplicationFile.Purpose.REPORT],
        "status_color": STATUS_COLORS.get(application.status, "neutral"),
    }


@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole application. The secretariat's assessment is never shown here: it lives on the
    assessment page, which conflicted people cannot open."""
    application = access.application_for_user(request.user, pk)
    context = _summary_context(application)
    applicant = access.is_applicant(request.user, application)
    grant = (
        Grant.objects.select_related("report").filter(application=application).first()
        if application.is_granted
        else None
    )
    report = getattr(grant, "report", None) if grant else None
    open_sections = [s for s in Section.values if application.section_is_open(s)]
    context.update(
        {
            "is_applicant": applicant,
            "can_edit": applicant and bool(open_sections),
            "can_submit": applicant and application.is_draft,
            "can_withdraw": applicant and application.status in Application.WITHDRAWABLE,
            "can_answer": applicant and application.status == Status.INFO_REQUESTED,
            "checklist": _checklist_items(application, context["lines"])
            if application.is_draft
            else [],
            "info_requests": list(application.info_requests.all()),
            "decision": application.decision if application.decision_id else None,
            "grant": grant,
            "report": report,
            "can_assess": access.can_view_assessment(request.user, application),
            "next_step": selectors.next_step(application) if applicant else "",
            "deadline_passed": timezone.now() >= application.call.closes_at,
        }
    )
    return render(request, "partnerpot/application_detail.html", context)


# --- The form, in sections ----------------------------------------------------------------------
def _checklist_items(application: Application, lines) -> list[dict]:
    labels = dict(Section.choices)
    items = []
    for section, field, message in services.checklist(application, lines=lines):
        editable = application.section_is_open(section)
        anchor = FIELD_ANCHORS.get(field, f"f-{field}") if editable else f"section-{section}"
        items.append(
            {"section": labels.get(section, section), "message": message, "anchor": anchor}
        )
    return items


def _edit_context(
    request: HttpRequest,
    application: Application,
    *,
    forms: dict | None = None,
    conflicts: dict | None = None,
    errors: dict | None = None,
    line_form=None,
    co_form=None,
    file_form=None,
) -> dict:
    context = _summary_context(application)
    forms = forms or {}
    sections = []
    for key, label in Section.choices:
        is_open = application.section_is_open(key)
        form = None
        if key in SECTION_FORMS and is_open:
            form = forms.get(key) or SECTION_FORMS[key](
                initial=section_initial(application, key), auto_id="f-%s"
            )
        sections.append(
            {
                "key": key,
                "label": label,
                "open": is_open,
                "form": form,
                "conflict": (conflicts or {}).get(key),
                "error": (errors or {}).get(key, ""),
            }
        )
    open_request = (
        application.info_requests.filter(answered_at__isnull=True).first()
        if application.status == Status.INFO_REQUESTED
        else None
    )
    context.update(
        {
            "sections": sections,
            "checklist": _checklist_items(application, context["lines"]),
            "line_form": line_form or BudgetLineForm(auto_id="bl-%s"),
            "co_form": co_form or _co_form(application),
            "file_form": file_form or FileForm(auto_id="file-%s"),
            "open_request": open_request,
            "version": application.version,
            "editable": {key: application.section_is_open(key) for key in Section.values},
        }
    )
    return context


def _co_form(application: Application, data=None) -> CoApplicantForm:
    partners = Partner.objects.active_on().exclude(pk=application.applicant_id)
    return CoApplicantForm(data, partners=partners.order_by("name"), auto_id="co-%s")


def _section(context: dict, key: str) -> dict:
    return next(s for s in context["sections"] if s["key"] == key)


def _oob(request: HttpRequest, context: dict, message: str) -> str:
    """The parts of the form page every change updates: the checklist, the budget totals,
    the version in every section's form, and the "saved" status."""
    context = {
        **context,
        "oob": True,
        "saved_message": message,
        "saved_at": timezone.now(),
    }
    partials = ["checklist", "version", "status"]
    if context["editable"][Section.BUDGET]:
        partials.append("totals")
    return "".join(render_to_string(f"{EDIT}#{name}", context, request) for name in partials)


def _saved_response(
    request: HttpRequest,
    application: Application,
    *,
    message: str,
    partial: str | None = None,
    anchor: str,
    status: str | None = None,
) -> HttpResponse:
    """After a successful change: the updated part and the page's other parts (htmx), or back
    to the form (no JavaScript)."""
    if not request.htmx:
        messages.success(request, message)
        return redirect(_edit_url(application, anchor))
    status = message if status is None else status
    application = access.application_for_user(request.user, application.pk, "edit")
    context = _edit_context(request, application)
    context["focus"] = anchor
    html = render_to_string(f"{EDIT}#{partial}", context, request) if partial else ""
    response = HttpResponse(html + _oob(request, context, status))
    if partial is None:
        # The fields keep what the user typed (and where they are): nothing to swap but the
        # checklist, the totals, the version and the status.
        response["HX-Reswap"] = "none"
    return response


def _refused_response(
    request: HttpRequest, application: Application, context: dict, *, partial: str, anchor: str
) -> HttpResponse:
    """A change that was refused: the part again with the errors (400)."""
    if request.htmx:
        return render(request, f"{EDIT}#{partial}", context, status=400)
    if not any(s["open"] for s in context["sections"]):
        messages.error(request, _("Søknaden er sendt inn og kan ikke endres."))
        return _detail(application)
    context["focus"] = anchor
    return render(request, EDIT, context, status=400)


@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The form. Each section saves on its own (on change with htmx, or its own button)."""
    application = access.application_for_user(request.user, pk, "edit")
    if not any(application.section_is_open(s) for s in Section.values):
        messages.info(
            request,
            _("Søknaden er sendt inn og kan ikke endres. Du kan trekke den til den er vedtatt.")
            if application.status != Status.WITHDRAWN
            else _("Søknaden er trukket og kan ikke endres."),
        )
        return _detail(application)
    if request.method == "GET":
        return render(request, EDIT, _edit_context(request, application))

    key = request.POST.get("section", "")
    if key not in SECTION_FORMS:
        return render(
            request,
            EDIT,
            _edit_context(request, application, errors={}),
            status=400,
        )
    form = SECTION_FORMS[key](request.POST, auto_id="f-%s")
    conflicts: dict = {}
    errors: dict = {}
    if form.is_valid():
        try:
            services.application_save(
                application=application,
                by=request.user,
                version=form.cleaned_data["version"],
                **form.values(),
            )
        except ConflictError as conflict:
            # Keep what the user typed, now against the version saved meanwhile: saving again
            # replaces it, knowingly.
            data = request.POST.copy()
            data["version"] = str(conflict.current_version)
            form = SECTION_FORMS[key](data, auto_id="f-%s")
            form.is_valid()
            conflicts[key] = conflict
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_validation_error(form, exc)
            else:
                errors[key] = error_text(exc)
        else:
            label = dict(Section.choices)[key]
            return _saved_response(
                request,
                application,
                message=_("«%(section)s» er lagret.") % {"section": label},
                anchor=f"section-{key}",
                status="",  # the status says "Lagret kl. 12:30"; the fields stay as typed
            )
    application = access.application_for_user(request.user, pk, "edit")
    context = _edit_context(
        request, application, forms={key: form}, conflicts=conflicts, errors=errors
    )
    context["s"] = _section(context, key)
    return _refused_response(
        request, application, context, partial="section", anchor=f"section-{key}"
    )


# --- Budget lines, co-applicants, attachments ---------------------------------------------------
@require_POST
def budget_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.application_for_user(request.user, pk, "edit")
    form = BudgetLineForm(request.POST, auto_id="bl-%s")
    if form.is_valid():
        try:
            line = services.budget_line_add(
                application=application, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _saved_response(
                request,
                application,
                message=_("Budsjettlinjen «%(line)s» er lagt til.") % {"line": line.description},
                partial="budget_lines",
                anchor="budget-lines",
            )
    application = access.application_for_user(request.user, pk, "edit")
    context = _edit_context(request, application, line_form=form)
    return _refused_response(
        request, application, context, partial="budget_lines", anchor="budget-lines"
    )


@require_POST
def budget_line_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = access.budget_line_for_user(request.user, pk, "edit")
    application = line.application
    try:
        services.budget_line_remove(line=line, by=request.user)
    except ValidationError as exc:
        form = BudgetLineForm(auto_id="bl-%s")
        form.add_error(None, exc)
        context = _edit_context(request, application, line_form=form)
        return _refused_response(
            request, application, context, partial="budget_lines", anchor="budget-lines"
        )
    return _saved_response(
        request,
        application,
        message=_("Budsjettlinjen «%(line)s» er fjernet.") % {"line": line.description},
        partial="budget_lines",
        anchor="budget-lines",
    )


@require_POST
def co_applicant_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.application_for_user(request.user, pk, "edit")
    form = _co_form(application, request.POST)
    if form.is_valid():
        try:
            co = services.co_applicant_add(
                application=application, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _saved_response(
                request,
                application,
                message=_("%(name)s er lagt til som medsøker.") % {"name": co.display_name},
                partial="co_applicants",
                anchor="co-applicants",
            )
    application = access.application_for_user(request.user, pk, "edit")
    context = _edit_context(request, application, co_form=form)
    return _refused_response(
        request, application, context, partial="co_applicants", anchor="co-applicants"
    )


@require_POST
def co_applicant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    co = access.co_applicant_for_user(request.user, pk, "edit")
    application = co.application
    try:
        services.co_applicant_remove(co_applicant=co, by=request.user)
    except ValidationError as exc:
        form = _co_form(application)
        form.add_error(None, exc)
        context = _edit_context(request, application, co_form=form)
        return _refused_response(
            request, application, context, partial="co_applicants", anchor="co-applicants"
        )
    return _saved_response(
        request,
        application,
        message=_("%(name)s er fjernet som medsøker.") % {"name": co.display_name},
        partial="co_applicants",
        anchor="co-applicants",
    )


@uploads.size_guarded
@require_POST
def file_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file to the application, or (``purpose=report``) to the grant's final report.

    A file over ``ATTACHMENT_MAX_BYTES`` is skipped while it streams in (it never reaches the
    disk) and the form says it is too large.
    """
    if request.POST.get("purpose") == ApplicationFile.Purpose.REPORT:
        return _report_file_add(request, pk)
    application = access.application_for_user(request.user, pk, "edit")
    form = FileForm(request.POST, request.FILES, auto_id="file-%s")
    if uploads.upload_form_is_valid(request, form):
        try:
            attachment = services.file_add(
                application=application, file=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _saved_response(
                request,
                application,
                message=_("«%(name)s» er lagt ved.") % {"name": attachment.original_name},
                partial="files",
                anchor="files",
            )
    application = access.application_for_user(request.user, pk, "edit")
    context = _edit_context(request, application, file_form=form)
    return _refused_response(request, application, context, partial="files", anchor="files")


def _report_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    access.application_for_user(request.user, pk)
    grant = access.grant_of_application_for_user(request.user, pk, "report")
    form = FileForm(request.POST, request.FILES, auto_id="file-%s")
    if uploads.upload_form_is_valid(request, form):
        try:
            attachment = services.file_add(
                application=grant.application,
                file=form.cleaned_data["file"],
                purpose=ApplicationFile.Purpose.REPORT,
                by=request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("«%(name)s» er lagt ved sluttrapporten.") % {"name": attachment.original_name},
            )
            return redirect(reverse("partnerpot:grant_report", args=[grant.pk]) + "#files")
    return _grant_report_page(request, grant, file_form=form, status=400)


@require_GET
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, for whoever may see the application (404 for anyone else)."""
    attachment = access.application_file_for_user(request.user, pk)
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


@require_POST
def file_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = access.application_file_for_user(request.user, pk, "edit")
    application = access.application_for_user(request.user, attachment.application_id, "edit")
    attachment.application = application
    report = attachment.purpose == ApplicationFile.Purpose.REPORT
    try:
        services.file_remove(attachment=attachment, by=request.user)
    except ValidationError as exc:
        if report:
            messages.error(request, error_text(exc))
            return redirect(reverse("partnerpot:grant_report", args=[application.grant.pk]))
        form = FileForm(auto_id="file-%s")
        form.add_error(None, exc)
        context = _edit_context(request, application, file_form=form)
        return _refused_response(request, application, context, partial="files", anchor="files")
    message = _("Vedlegget «%(name)s» er fjernet.") % {"name": attachment.original_name}
    if report:
        messages.success(request, message)
        return redirect(reverse("partnerpot:grant_report", args=[application.grant.pk]) + "#files")
    return _saved_response(request, application, message=message, partial="files", anchor="files")


# --- Submission, withdrawal, answers ------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm and submit. A second click finds the application submitted and says so."""
    application = access.application_for_user(request.user, pk, "edit")
    error = ""
    if request.method == "POST":
        try:
            services.application_submit(application=application, by=request.user)
        except AlreadySubmitted:
            messages.info(request, _("Søknaden er allerede sendt inn."))
            return _detail(application)
        except ValidationError as exc:
            error = exc.messages
            application = access.application_for_user(request.user, pk, "edit")
        else:
            messages.success(
                request,
                _(
                    "Søknaden %(ref)s er sendt inn. Du får en kvittering på e-post, og du kan "
                    "laste ned kvitteringen som PDF her."
                )
                % {"ref": application.reference},
            )
            return _detail(application)
    elif not application.is_draft:
        if application.submitted_at is not None and application.status != Status.WITHDRAWN:
            messages.info(request, _("Søknaden er allerede sendt inn."))
        else:
            messages.info(request, _("Bare utkast kan sendes inn."))
        return _detail(application)
    context = _summary_context(application)
    now = timezone.now()
    context.update(
        {
            "checklist": _checklist_items(application, context["lines"]),
            "deadline_passed": now >= application.call.closes_at,
            "errors": error,
        }
    )
    return render(
        request, "partnerpot/application_submit.html", context, status=400 if error else 200
    )


@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.application_for_user(request.user, pk, "edit")
    form = WithdrawForm(request.POST or None)
    withdrawable = application.status in Application.WITHDRAWABLE
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Søknaden %(ref)s er trukket.") % {"ref": application.reference}
            )
            return _detail(application)
    return render(
        request,
        "partnerpot/application_withdraw.html",
        {"application": application, "form": form, "withdrawable": withdrawable},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def info_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat's request for more information, the reopened sections, and the answer."""
    application = access.application_for_user(request.user, pk, "edit")
    open_request: InfoRequest | None = application.info_requests.filter(
        answered_at__isnull=True
    ).first()
    form = InfoReplyForm(request.POST or None)
    missing: list = []
    if request.method == "POST" and form.is_valid():
        try:
            services.info_request_answer(
                application=application, answer=form.cleaned_data["answer"], by=request.user
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_validation_error(form, exc)
            else:
                form.add_error(None, exc)
                application.refresh_from_db()
                missing = _checklist_items(application, list(application.budget_lines.all()))
        else:
            messages.success(
                request,
                _("Svaret er sendt til sekretariatet, og søknaden er tilbake til vurdering."),
            )
            return _detail(application)
    labels = dict(Section.choices)
    reopened = [
        {"key": key, "label": labels.get(key, key)} for key in (application.reopened_sections or [])
    ]
    return render(
        request,
        "partnerpot/info_reply.html",
        {
            "application": application,
            "open_request": open_request,
            "reopened": reopened,
            "form": form,
            "missing": missing,
            "answered": list(application.info_requests.filter(answered_at__isnull=False)),
        },
        status=400 if form.errors else 200,
    )


# --- PDFs ---------------------------------------------------------------------------------------
def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt of a submitted application, in the reader's language (404 for drafts)."""
    application = access.application_for_user(request.user, pk)
    if application.submitted_at is None:
        raise Http404

    content = pdf.receipt_pdf(application=application, language=request.LANGUAGE_CODE)
    return _pdf_response(content, pdf.receipt_filename(application))


@require_GET
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision letter in the applicant's language: the copy kept with the application when
    there is one, else made now (404 before the decision)."""
    application = access.application_for_user(request.user, pk)
    if not application.is_decided:
        raise Http404

    content = None
    if application.letter_pdf:
        try:
            with application.letter_pdf.open("rb") as stored:
                content = stored.read()
        except (FileNotFoundError, OSError):
            content = None
    if content is None:
        content = pdf.letter_pdf(application=application)
    return _pdf_response(content, pdf.letter_filename(application))


# --- The final report ---------------------------------------------------------------------------
def _report_initial(report: GrantReport | None, lines) -> dict:
    if report is None:
        return {"version": 1}
    initial = {
        "what_was_done": report.what_was_done,
        "participation": report.participation,
        "reach_count": "" if report.reach_count is None else report.reach_count,
        "reach_description": report.reach_description,
        "version": report.version,
    }
    for row in report.lines.all():
        initial[f"spent_{row.budget_line_id}"] = f"{row.spent:f}".replace(".", ",")
        initial[f"comment_{row.budget_line_id}"] = row.comment
    return initial


def _grant_report_page(
    request: HttpRequest,
    grant: Grant,
    *,
    form=None,
    file_form=None,
    conflict=None,
    missing=None,
    status: int = 200,
) -> HttpResponse:
    application = grant.application
    # The report's lines are read once: for the form's initial values and for the table.
    report = GrantReport.objects.filter(grant=grant).prefetch_related("lines").first()
    if report is not None:
        report.grant = grant
    lines = list(application.budget_lines.all())
    editable = (
        access.is_applicant(request.user, application)
        and (report is None or report.is_editable)
        and grant.status in (Grant.Status.AWARDED, Grant.Status.PAID_OUT)
    )
    if form is None:
        form = GrantReportForm(
            initial=_report_initial(report, lines), budget_lines=lines, auto_id="r-%s"
        )
    report_lines = list(report.lines.all()) if report else []
    spent = {row.budget_line_id: row for row in report_lines}
    spent_total = services.spent_total(report, report_lines) if report else ZERO
    unspent = services.unspent(report, spent=spent_total) if report else grant.amount
    files = [f for f in application.files.all() if f.purpose == ApplicationFile.Purpose.REPORT]
    return render(
        request,
        "partnerpot/grant_report.html",
        {
            "grant": grant,
            "application": application,
            "report": report,
            "lines": lines,
            "rows": [(line, spent.get(line.pk)) for line in lines],
            "budget_total": services.budget_total(application, lines),
            "spent_total": spent_total,
            "unspent": unspent,
            "form": form,
            "file_form": file_form or FileForm(auto_id="file-%s"),
            "files": files,
            "editable": editable,
            "can_submit": editable and grant.status == Grant.Status.PAID_OUT,
            "conflict": conflict,
            "missing": missing or [],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def grant_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The final report: saved as a draft, then submitted; read-only once submitted."""
    if request.method == "GET":
        grant = access.grant_for_user(request.user, pk)
        return _grant_report_page(request, grant)
    grant = access.grant_for_user(request.user, pk, "report")
    lines = list(grant.application.budget_lines.all())
    form = GrantReportForm(request.POST, budget_lines=lines, auto_id="r-%s")
    submitting = request.POST.get("action") == "submit"
    if form.is_valid() and submitting and not form.cleaned_data["confirm"]:
        form.add_error("confirm", _("Bekreft at rapporten og regnskapet stemmer."))
    if not form.is_valid():
        return _grant_report_page(request, grant, form=form, status=400)
    try:
        services.grant_report_save(
            grant=grant,
            by=request.user,
            version=form.cleaned_data["version"],
            lines=form.lines(),
            **form.texts(),
        )
    except ConflictError as conflict:
        data = request.POST.copy()
        data["version"] = str(conflict.current_version)
        form = GrantReportForm(data, budget_lines=lines, auto_id="r-%s")
        form.is_valid()
        return _grant_report_page(request, grant, form=form, conflict=conflict, status=400)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _grant_report_page(request, grant, form=form, status=400)
    if not submitting:
        messages.success(request, _("Sluttrapporten er lagret som utkast."))
        return redirect("partnerpot:grant_report", pk=grant.pk)
    try:
        services.grant_report_submit(grant=grant, by=request.user)
    except ValidationError as exc:
        report = GrantReport.objects.get(grant=grant)
        form = GrantReportForm(
            initial=_report_initial(report, lines), budget_lines=lines, auto_id="r-%s"
        )
        return _grant_report_page(request, grant, form=form, missing=exc.messages, status=400)
    messages.success(
        request, _("Sluttrapporten er sendt inn. Sekretariatet behandler den og gir beskjed.")
    )
    return redirect("partnerpot:grant_report", pk=grant.pk)


urlpatterns = [
    path("", home, name="home"),
    path("utlysninger/<int:pk>/", call_detail, name="call_detail"),
    path("utlysninger/<int:pk>/ny-soknad/", application_start, name="application_start"),
    path("soknader/", my_applications, name="my_applications"),
    path("soknader/<int:pk>/", application_detail, name="application_detail"),
    path("soknader/<int:pk>/rediger/", application_edit, name="application_edit"),
    path("soknader/<int:pk>/budsjettlinjer/", budget_line_add, name="budget_line_add"),
    path("budsjettlinjer/<int:pk>/fjern/", budget_line_remove, name="budget_line_remove"),
    path("soknader/<int:pk>/medsokere/", co_applicant_add, name="co_applicant_add"),
    path("medsokere/<int:pk>/fjern/", co_applicant_remove, name="co_applicant_remove"),
    path("soknader/<int:pk>/vedlegg/", file_add, name="file_add"),
    path("vedlegg/<int:pk>/", file_download, name="file_download"),
    path("vedlegg/<int:pk>/fjern/", file_remove, name="file_remove"),
    path("soknader/<int:pk>/send-inn/", application_submit, name="application_submit"),
    path("soknader/<int:pk>/trekk/", application_withdraw, name="application_withdraw"),
    path("soknader/<int:pk>/svar/", info_reply, name="info_reply"),
    path("soknader/<int:pk>/kvittering.pdf", receipt_pdf, name="receipt_pdf"),
    path("soknader/<int:pk>/vedtaksbrev.pdf", letter_pdf, name="letter_pdf"),
    path("tilskudd/<int:pk>/sluttrapport/", grant_report, name="grant_report"),
]
