"""The action plan's working pages (issue 12 §2, §3): a measure's plans and activities, an
activity, the activity list, a measure plan with its progress, editing it, and its adoption."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership import formats
from partnership.locking import ConflictError
from partnership.uploads import size_guarded, upload_form_is_valid
from partnership.viewhelpers import apply_validation_error, done, form_page, posted

from .. import access, selectors_plan
from ..forms_plan import (
    ActivityForm,
    PlanAdoptForm,
    PlanCreateForm,
    PlannedActivityFormSet,
    PlanNoteForm,
    ProgressForm,
)
from ..models import Activity, MeasurePlan
from ..services import plan as plan_services
from .activity_rows import activity_page


def _conflict_text(exc: ConflictError) -> str:
    return _(
        "%(person)s endret tiltaksplanen %(when)s mens du arbeidet. Endringen din er ikke "
        "lagret; det du skrev står under. Se over planen og lagre på nytt."
    ) % {
        "person": exc.updated_by or _("En annen bruker"),
        "when": formats.datetime(exc.updated_at) if exc.updated_at else "",
    }


# --- A measure's working page ----------------------------------------------------------------------
def _measure_page(request, measure, *, plan_form=None, status=200) -> HttpResponse:
    can_edit = access.can_edit_measure_work(request.user, measure)
    activities, rows = activity_page(
        request, selectors_plan.activities_for_measure(measure), show_measure=False
    )
    return render(
        request,
        "workgroups/plan/measure_work.html",
        {
            "measure": measure,
            "plans": list(selectors_plan.plans_for_measure(measure)),
            "activities": activities,
            "activity_rows": rows,
            "can_edit": can_edit,
            "plan_form": plan_form or (PlanCreateForm() if can_edit else None),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def measure_work(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return _measure_page(request, access.measure_work_for_user(request.user, pk))
    measure = access.measure_work_for_user(request.user, pk, action="edit")
    form = PlanCreateForm(request.POST)
    if form.is_valid():
        try:
            plan = plan_services.plan_create(
                measure=measure, year=form.cleaned_data["year"], by=request.user
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request, _("Tiltaksplanen er opprettet."), "workgroups:plan_edit", pk=plan.pk
            )
    return _measure_page(request, measure, plan_form=form, status=400)


# --- Activities ------------------------------------------------------------------------------------
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    access.require_activity_reader(request.user)
    activities, rows = activity_page(
        request, selectors_plan.activities_for_user(request.user), show_measure=True
    )
    return render(
        request,
        "workgroups/plan/activity_list.html",
        {
            "activities": activities,
            "activity_rows": rows,
            "measures": list(selectors_plan.measures_with_work(request.user)),
        },
    )


@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.activity_for_user(request.user, pk)
    return render(
        request,
        "workgroups/plan/activity_detail.html",
        {
            "activity": activity,
            "measure": activity.measure,
            "partners": list(activity.partners.order_by("name")),
            "planned": list(activity.planned_items.select_related("plan")),
            "can_edit": access.can_edit_measure_work(request.user, activity.measure),
        },
    )


def _activity_form_page(request, measure, activity=None) -> HttpResponse:
    required = plan_services.needs_participation_text(measure)
    form = ActivityForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        instance=activity,
        participation_required=required,
    )
    if request.method == "POST" and upload_form_is_valid(request, form):
        data = dict(form.cleaned_data)
        partners = data.pop("partners")
        file = data.pop("file", None)
        remove = data.pop("remove_file", False)
        try:
            saved = plan_services.activity_save(
                measure=measure,
                activity=activity,
                partners=partners,
                file=file,
                remove_file=remove,
                by=request.user,
                **data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = _("Aktiviteten er lagret.") if activity else _("Aktiviteten er registrert.")
            return done(request, message, "workgroups:activity_detail", pk=saved.pk)
    return form_page(
        request,
        "workgroups/plan/activity_form.html",
        {"form": form, "measure": measure, "activity": activity},
    )


@size_guarded
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    measure = access.measure_work_for_user(request.user, pk, action="edit")
    return _activity_form_page(request, measure)


@size_guarded
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.activity_for_user(request.user, pk, action="edit")
    return _activity_form_page(request, activity.measure, activity)


@require_GET
def activity_file(request: HttpRequest, pk: int) -> FileResponse:
    activity = access.activity_for_user(request.user, pk)
    if not activity.file:
        raise Http404
    try:
        handle = activity.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=activity.file_name, content_type=activity.file_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Measure plans -----------------------------------------------------------------------------------
def _done_activities(plan: MeasurePlan):
    return Activity.objects.filter(measure_id=plan.measure_id).order_by("-date", "-pk")


def _plan_page(request, plan, *, error="", progress_forms=None, status=200) -> HttpResponse:
    items = list(selectors_plan.plan_items(plan))
    can_edit = access.can_edit_measure_work(request.user, plan.measure)
    activities = _done_activities(plan)
    progress_forms = progress_forms or {}
    rows = []
    for item in items:
        form = progress_forms.get(item.pk)
        if form is None and can_edit:
            form = ProgressForm(
                initial={
                    "version": plan.version,
                    "progress": item.progress,
                    "comment": item.progress_comment,
                    "activity": item.activity_id,
                },
                activities=activities,
                prefix=f"item-{item.pk}",
            )
        rows.append((item, form))
    return render(
        request,
        "workgroups/plan/plan_detail.html",
        {
            "plan": plan,
            "measure": plan.measure,
            "rows": rows,
            "error": error,
            "can_edit": can_edit,
            "can_adopt": access.can_adopt_plans(request.user) and not plan.is_adopted,
            "decisions": plan_services.adopting_decisions(plan),
        },
        status=status,
    )


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, access.measure_plan_for_user(request.user, pk))


@require_POST
def progress_update(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.planned_activity_for_user(request.user, pk, action="edit")
    plan = item.plan
    form = ProgressForm(request.POST, activities=_done_activities(plan), prefix=f"item-{item.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan_services.progress_update(
                item=item,
                expected_version=data["version"],
                progress=data["progress"],
                comment=data["comment"],
                activity=data["activity"],
                by=request.user,
            )
        except ConflictError as exc:
            plan.refresh_from_db()
            data = request.POST.copy()
            data[f"item-{item.pk}-version"] = str(plan.version)
            form = ProgressForm(data, activities=_done_activities(plan), prefix=f"item-{item.pk}")
            form.is_valid()
            return _plan_page(
                request,
                plan,
                error=_conflict_text(exc),
                progress_forms={item.pk: form},
                status=409,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Framdriften er lagret."), "workgroups:plan_detail", pk=plan.pk)
    return _plan_page(request, plan, progress_forms={item.pk: form}, status=400)


def _item_initial(item) -> dict:
    return {
        "id": item.pk,
        "title": item.title,
        "month": item.month,
        "responsible_partner": item.responsible_partner_id,
        "responsible_person": item.responsible_person_id,
        "resource_amount": item.resource_amount,
        "budget_line": item.budget_line_id,
        "progress": item.progress,
        "progress_comment": item.progress_comment,
        "activity": item.activity_id,
    }


def _formset(request, plan, data=None):
    items = list(selectors_plan.plan_items(plan))
    return PlannedActivityFormSet(
        data,
        initial=[_item_initial(i) for i in items],
        prefix="items",
        form_kwargs={
            "plan": plan,
            "activities": _done_activities(plan),
            "budget_lines": plan_services.budget_lines_for(plan),
        },
    )


def _filled(form) -> bool:
    """A blank extra row is not a new line."""
    return bool(form.cleaned_data.get("id") or form.cleaned_data.get("title"))


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.measure_plan_for_user(request.user, pk, action="edit")
    note_form = PlanNoteForm(posted(request), initial={"version": plan.version, "note": plan.note})
    formset = _formset(request, plan, posted(request))
    error = ""
    status = None
    if request.method == "POST" and note_form.is_valid() and formset.is_valid():
        forms_used = [f for f in formset.forms if f.cleaned_data and _filled(f)]
        items = []
        for form in forms_used:
            data = dict(form.cleaned_data)
            data["pk"] = data.pop("id") or None
            items.append(data)
        try:
            plan_services.plan_save(
                plan=plan,
                expected_version=note_form.cleaned_data["version"],
                note=note_form.cleaned_data["note"],
                items=items,
                by=request.user,
            )
        except ConflictError as exc:
            plan.refresh_from_db()
            error = _conflict_text(exc)
            data = request.POST.copy()
            data["version"] = str(plan.version)
            note_form = PlanNoteForm(data)
            note_form.is_valid()
            status = 409
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, messages in exc.error_dict.items():
                    _prefix, index, field = (key.split("-", 2) + ["", ""])[:3]
                    if _prefix == "items" and index.isdigit():
                        form = forms_used[int(index)]
                        form.add_error(field if field in form.fields else None, messages)
                    else:
                        note_form.add_error(None, messages)
            else:
                note_form.add_error(None, exc)
        else:
            return done(
                request, _("Tiltaksplanen er lagret."), "workgroups:plan_detail", pk=plan.pk
            )
    if status is None and request.method == "POST":
        status = 400
    return render(
        request,
        "workgroups/plan/plan_form.html",
        {
            "plan": plan,
            "measure": plan.measure,
            "note_form": note_form,
            "formset": formset,
            "error": error,
        },
        status=status or 200,
    )


@require_http_methods(["GET", "POST"])
def plan_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.measure_plan_for_user(request.user, pk)
    access.require_plan_adopter(request.user, plan)
    decisions = [] if plan.is_adopted else plan_services.linkable_decisions(plan)
    form = PlanAdoptForm(posted(request), decisions=decisions, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.plan_adopt(
                plan=plan,
                expected_version=form.cleaned_data["version"],
                decision_pk=form.cleaned_data["decision"],
                by=request.user,
            )
        except ConflictError as exc:
            form.add_error(None, _conflict_text(exc))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request,
                _("Vedtaket om planen er registrert."),
                "workgroups:plan_detail",
                pk=plan.pk,
            )
    return form_page(
        request,
        "workgroups/plan/plan_adopt.html",
        {"form": form, "plan": plan, "measure": plan.measure},
    )
