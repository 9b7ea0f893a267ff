"""The action plan's pages: goals, common measures, their evaluations and their ending (R1)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import access, selectors_plan, services_plan
from .forms_plan import GoalForm, MeasureEndForm, MeasureEvaluationForm, MeasureForm
from .viewhelpers import apply_validation_error, done, form_page, posted


@require_GET
def plan_overview(request: HttpRequest) -> HttpResponse:
    goals = list(selectors_plan.goals())
    measures = list(selectors_plan.measures())
    return render(
        request,
        "partnership/plan/overview.html",
        {
            "overall": next((g for g in goals if g.is_overall), None),
            "sub_goals": [g for g in goals if not g.is_overall],
            "measures": measures,
            "figure": selectors_plan.plan_figure(goals, measures),
            "can_manage": access.can_manage_plan(request.user),
        },
    )


@require_GET
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    goal = access.goal_for_user(request.user, pk)
    measures = (
        list(selectors_plan.measures().filter(sub_goals=goal))
        if not goal.is_overall
        else list(selectors_plan.measures())
    )
    return render(
        request,
        "partnership/plan/goal_detail.html",
        {"goal": goal, "measures": measures, "can_manage": access.can_manage_plan(request.user)},
    )


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = access.goal_for_user(request.user, pk, action="change")
    form = GoalForm(posted(request), instance=goal)
    if request.method == "POST" and form.is_valid():
        try:
            services_plan.goal_update(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Målet er lagret."), "goal_detail", pk=goal.pk)
    return form_page(request, "partnership/plan/goal_form.html", {"form": form, "goal": goal})


@require_GET
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = access.measure_for_user(request.user, pk)
    can_manage = access.can_manage_plan(request.user)
    decisions = services_plan.ending_decisions(measure)
    return render(
        request,
        "partnership/plan/measure_detail.html",
        {
            "measure": measure,
            "sub_goals": list(measure.sub_goals.order_by("number")),
            "evaluations": list(selectors_plan.measure_evaluations(measure)),
            "decisions": decisions,
            "can_manage": can_manage,
        },
    )


@require_http_methods(["GET", "POST"])
def measure_create(request: HttpRequest) -> HttpResponse:
    access.require_plan_manager(request.user)
    form = MeasureForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            measure = services_plan.measure_create(
                sub_goals=data.pop("sub_goals"), by=request.user, **data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Tiltaket er lagt til."), "measure_detail", pk=measure.pk)
    return form_page(request, "partnership/plan/measure_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = access.measure_for_user(request.user, pk, action="change")
    form = MeasureForm(posted(request), instance=measure)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services_plan.measure_update(
                measure=measure, sub_goals=data.pop("sub_goals"), by=request.user, **data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Endringene er lagret."), "measure_detail", pk=measure.pk)
    return form_page(
        request, "partnership/plan/measure_form.html", {"form": form, "measure": measure}
    )


@require_http_methods(["GET", "POST"])
def measure_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    measure = access.measure_for_user(request.user, pk, action="evaluate")
    form = MeasureEvaluationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services_plan.measure_evaluation_add(
                measure=measure, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Evalueringen er registrert."), "measure_detail", pk=measure.pk)
    return form_page(
        request, "partnership/plan/measure_evaluate.html", {"form": form, "measure": measure}
    )


@require_http_methods(["GET", "POST"])
def measure_end(request: HttpRequest, pk: int) -> HttpResponse:
    measure = access.measure_for_user(request.user, pk, action="end")
    linkable = [] if measure.is_ended else services_plan.linkable_decisions(measure)
    form = MeasureEndForm(posted(request), decisions=linkable)
    if request.method == "POST" and form.is_valid():
        try:
            services_plan.measure_end(
                measure=measure,
                decision_pk=form.cleaned_data["decision"],
                ended_on=form.cleaned_data["ended_on"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Tiltaket er avviklet."), "measure_detail", pk=measure.pk)
    missing = [] if measure.is_ended else services_plan.what_ending_lacks(measure)
    return form_page(
        request,
        "partnership/plan/measure_end.html",
        {"form": form, "measure": measure, "missing": missing},
    )
