"""The budget pages: the years, a version with its lines and differences, and the secretariat's
changes (lines, proposing, adopting by a decision, revising)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meetings.access import is_secretariat
from partnership import budget_selectors, budget_services, formats
from partnership.locking import ConflictError
from partnership.viewhelpers import apply_validation_error, done, error_text, form_page

from .. import access, selectors, services
from ..forms import BudgetAdoptForm, BudgetLineForm, BudgetReviseForm, BudgetYearForm


def _conflict_text(exc: ConflictError) -> str:
    return _(
        "%(person)s endret budsjettet %(when)s mens du arbeidet. Endringen din er ikke lagret; "
        "tallene under er de du skrev. Se over budsjettet og lagre på nytt."
    ) % {
        "person": exc.updated_by or _("En annen bruker"),
        "when": formats.datetime(exc.updated_at) if exc.updated_at else "",
    }


def _with_lock(data, version):
    """What the person wrote, against the version as it is now (so a second save can go in)."""
    data = data.copy()
    data["lock_version"] = str(version.lock_version)
    return data


def budget_list(request: HttpRequest) -> HttpResponse:
    access.require_budget_reader(request.user)
    manager = is_secretariat(request.user)
    form = None
    if request.method == "POST":
        access.require_budget_manager(request.user)
        form = BudgetYearForm(request.POST)
        if form.is_valid():
            try:
                version = budget_services.budget_year_create(
                    year=form.cleaned_data["year"], by=request.user
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return done(
                    request,
                    _("Budsjettet for %(year)s er opprettet.") % {"year": version.budget_year},
                    "workgroups:budget_version",
                    pk=version.pk,
                )
    elif manager:
        form = BudgetYearForm()
    years = budget_selectors.budget_years()
    rows = []
    for year in years:
        versions = list(year.versions.all())
        shown = [v for v in versions if manager or v.status != v.Status.DRAFT]
        in_force = next((v for v in versions if v.status == v.Status.ADOPTED), None)
        rows.append({"year": year, "versions": shown, "in_force": in_force})
    return form_page(
        request,
        "workgroups/budget_list.html",
        {
            "rows": rows,
            "form": form,
            "manager": manager,
            "actuals_reader": access.can_read_partnership_actuals(request.user),
        },
    )


@require_GET
def budget_version(request: HttpRequest, pk: int) -> HttpResponse:
    version = access.budget_version_for_user(request.user, pk)
    return _version_page(request, version)


def _version_page(request, version, *, line_form=None, error: str = "", status=None):
    manager = is_secretariat(request.user)
    lines = budget_selectors.lines_of(version)
    totals = budget_selectors.totals_of(lines)
    versions = list(version.budget_year.versions.order_by("number"))
    if not manager:
        versions = [v for v in versions if v.status != v.Status.DRAFT]
    decisions = selectors.adopting_decisions(versions)
    changes = None
    if version.based_on_id:
        changes = budget_selectors.diff(budget_selectors.lines_of(version.based_on), lines)
    editable = manager and version.is_draft and not version.budget_year.is_closed
    if editable and line_form is None:
        line_form = BudgetLineForm(initial={"lock_version": version.lock_version})
    context = {
        "version": version,
        "year": version.budget_year,
        "totals": totals,
        "versions": versions,
        "decision": decisions.get(version.pk),
        "decisions": decisions,
        "changes": changes,
        "manager": manager,
        "editable": editable,
        "line_form": line_form if editable else None,
        "revise_form": BudgetReviseForm()
        if manager and version.status == version.Status.ADOPTED
        else None,
        "error": error,
    }
    return render(request, "workgroups/budget_version.html", context, status=status)


@require_POST
def budget_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    version = access.budget_version_for_user(request.user, pk, action="edit")
    form = BudgetLineForm(request.POST)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            budget_services.budget_line_save(
                version=version,
                kind=data["kind"],
                title=data["title"],
                working_group=data["working_group"],
                amount=data["amount"],
                expected_lock_version=data["lock_version"],
                by=request.user,
            )
        except ConflictError as exc:
            error = _conflict_text(exc)
            version.refresh_from_db()
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request, _("Posten er lagt til."), "workgroups:budget_version", pk=version.pk
            )
    if error:
        form = BudgetLineForm(_with_lock(request.POST, version))
        form.is_valid()
    return _version_page(
        request, version, line_form=form, error=error, status=400 if error or form.errors else None
    )


def budget_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = access.budget_line_for_user(request.user, pk)
    version = line.version
    error = ""
    if request.method == "POST":
        form = BudgetLineForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                budget_services.budget_line_save(
                    version=version,
                    line=line,
                    kind=data["kind"],
                    title=data["title"],
                    working_group=data["working_group"],
                    amount=data["amount"],
                    expected_lock_version=data["lock_version"],
                    by=request.user,
                )
            except ConflictError as exc:
                error = _conflict_text(exc)
                version.refresh_from_db()
                form = BudgetLineForm(_with_lock(request.POST, version))
                form.is_valid()
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return done(
                    request, _("Posten er endret."), "workgroups:budget_version", pk=version.pk
                )
    else:
        form = BudgetLineForm(
            initial={
                "lock_version": version.lock_version,
                "kind": line.kind,
                "working_group": line.working_group_id,
                "title": line.title,
                "amount": line.amount,
            }
        )
    return form_page(
        request,
        "workgroups/budget_line_form.html",
        {"form": form, "line": line, "version": version, "error": error},
        status=400 if error or form.errors else 200,
    )


@require_POST
def budget_line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = access.budget_line_for_user(request.user, pk)
    version = line.version
    form = BudgetLineForm.base_fields["lock_version"]
    try:
        lock_version = form.clean(request.POST.get("lock_version"))
        budget_services.budget_line_delete(
            line=line, expected_lock_version=lock_version, by=request.user
        )
    except ConflictError as exc:
        return _version_page(request, version, error=_conflict_text(exc), status=409)
    except ValidationError as exc:
        return _version_page(request, version, error=error_text(exc), status=400)
    return done(request, _("Posten er fjernet."), "workgroups:budget_version", pk=version.pk)


@require_POST
def budget_propose(request: HttpRequest, pk: int) -> HttpResponse:
    version = access.budget_version_for_user(request.user, pk, action="edit")
    try:
        budget_services.budget_propose(version=version, by=request.user)
    except ValidationError as exc:
        return _version_page(request, version, error=error_text(exc), status=400)
    return done(
        request,
        _("Budsjettet er lagt fram som forslag. Registrer vedtaket når det er vedtatt."),
        "workgroups:budget_version",
        pk=version.pk,
    )


@require_POST
def budget_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    version = access.budget_version_for_user(request.user, pk, action="edit")
    try:
        budget_services.budget_withdraw(version=version, by=request.user)
    except ValidationError as exc:
        return _version_page(request, version, error=error_text(exc), status=400)
    return done(
        request,
        _("Forslaget er trukket tilbake til utkast."),
        "workgroups:budget_version",
        pk=version.pk,
    )


def budget_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    version = access.budget_version_for_user(request.user, pk, action="edit")
    form = BudgetAdoptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.budget_adopt(
                version=version, meeting=form.cleaned_data["meeting"], by=request.user
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request,
                _("Budsjettet er vedtatt (%(label)s).") % {"label": decision.label},
                "workgroups:budget_version",
                pk=version.pk,
            )
    totals = budget_selectors.version_totals(version)
    return form_page(
        request,
        "workgroups/budget_adopt.html",
        {"form": form, "version": version, "totals": totals},
    )


@require_POST
def budget_revise(request: HttpRequest, pk: int) -> HttpResponse:
    version = access.budget_version_for_user(request.user, pk, action="edit")
    form = BudgetReviseForm(request.POST)
    if not form.is_valid():
        return _version_page(
            request, version, error=_("Skriv hva som endres og hvorfor."), status=400
        )
    try:
        draft = budget_services.budget_revise(
            budget_year=version.budget_year, note=form.cleaned_data["note"], by=request.user
        )
    except ValidationError as exc:
        return _version_page(request, version, error=error_text(exc), status=400)
    return redirect("workgroups:budget_version", pk=draft.pk)
