"""A working group's accounts: the list of entries with totals and the form to record one, an
entry's page (edit, status, vouchers, booking, approval, reversal), voucher downloads, and the
partners' own contributions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from partnership import budget_selectors, formats, uploads
from partnership.html import format_html
from partnership.locking import ConflictError
from partnership.models import BudgetYear
from partnership.viewhelpers import (
    UrlPatterns,
    apply_validation_error,
    done,
    error_text,
    page_of,
)

from .. import access, selectors, services
from ..forms import (
    ContributionForm,
    EditEntryForm,
    EntryStatusForm,
    NewEntryForm,
    ReverseForm,
    VoucherForm,
)
from ..models import AccountEntry

# A year of a busy group's entries is read a page at a time; the totals cover them all.
ENTRIES_PER_PAGE = 50


@require_GET
def accounts_home(request: HttpRequest) -> HttpResponse:
    """The groups whose accounts the user reads, with this year's figures."""
    access.require_budget_reader(request.user)
    year = timezone.localdate().year
    budget_year = BudgetYear.objects.filter(year=year).first()
    groups = access.account_groups_for_user(request.user)
    return render(
        request,
        "workgroups/accounts_home.html",
        {"year": year, "rows": selectors.group_summaries(groups, budget_year)},
    )


def _budget_year(year: int) -> BudgetYear:
    budget_year = BudgetYear.objects.filter(year=year).first()
    if budget_year is None:
        raise Http404
    return budget_year


_ENTRY_ROW = (
    '<tr><td class="portal-nowrap">{}</td>'
    '<th scope="row"><a class="ds-link" href="{}">{}</a></th>'
    "<td>{}</td><td>{}{}</td>"
    '<td class="portal-num portal-nowrap">{}</td><td>{}</td></tr>'
)
_TAG = '<span class="ds-tag" data-color="{}">{}</span>'


def _entry_rows(rows) -> str:
    """The accounts list's table rows, written once in Python with ``format_html`` (every
    value escaped), as Django's admin writes its change list: fifty rows through the template
    engine cost more than the rest of the page (profiled on the bench data)."""
    urls = UrlPatterns()
    categories = {value: str(label) for value, label in AccountEntry.Category.choices}
    statuses = {value: str(label) for value, label in AccountEntry.Status.choices}
    booked = format_html(_TAG, "success", _("Bokført"))
    approvals = {
        AccountEntry.Approval.PENDING: format_html(_TAG, "warning", _("Venter på godkjenning")),
        AccountEntry.Approval.REFUSED: format_html(_TAG, "danger", _("Avvist")),
    }
    missing = format_html(_TAG, "warning", _("Mangler"))
    html = []
    for e in rows:
        tags = (booked if e.booked_at else "") + approvals.get(e.approval, "")
        html.append(
            format_html(
                _ENTRY_ROW,
                formats.date(e.date),
                urls("workgroups:entry_detail", e.pk),
                e.description,
                categories.get(e.category, e.category),
                statuses.get(e.status, e.status),
                mark_safe(f" {tags}") if tags else "",  # noqa: S308 - built by format_html
                formats.money(e.amount),
                e.voucher_count or missing,
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 - each row built by format_html


def _accounts_page(request, group, budget_year, *, entry_form=None, contribution_form=None):
    rights = access.group_rights(request.user, group)
    allocated = budget_selectors.group_allocation(budget_year.pk, group.pk)
    totals = selectors.group_totals(group, budget_year, allocated)
    page = page_of(
        request,
        selectors.group_entries_query(group, budget_year),
        ENTRIES_PER_PAGE,
        count=totals.entries,
    )
    entry_rows = _entry_rows(page.object_list)
    editable = rights == "edit" and not budget_year.is_closed
    if editable:
        entry_form = entry_form or NewEntryForm(initial={"date": timezone.localdate()})
        contribution_form = contribution_form or ContributionForm(
            group=group, initial={"date": timezone.localdate()}
        )
    years = BudgetYear.objects.order_by("-year").values_list("year", flat=True)
    context = {
        "group": group,
        "budget_year": budget_year,
        "years": list(years),
        "entries": page.object_list,
        "entry_rows": entry_rows,
        "page": page,
        "totals": totals,
        "contributions": selectors.group_contributions(group, budget_year),
        "entry_form": entry_form if editable else None,
        "contribution_form": contribution_form if editable else None,
        "rights": rights,
    }
    failed = (entry_form is not None and entry_form.errors) or (
        contribution_form is not None and contribution_form.errors
    )
    return render(
        request, "workgroups/accounts.html", context, status=400 if failed and editable else 200
    )


def group_accounts(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    if request.method == "POST":
        group = access.accounts_group_for_user(request.user, pk, action="edit")
    else:
        group = access.accounts_group_for_user(request.user, pk)
    budget_year = _budget_year(year)
    if request.method != "POST":
        return _accounts_page(request, group, budget_year)
    form = NewEntryForm(request.POST)
    if form.is_valid():
        try:
            entry = services.entry_record(working_group=group, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if entry.approval == AccountEntry.Approval.PENDING:
                message = _(
                    "Posten er registrert, men går ut over gruppens ramme. Den venter på "
                    "godkjenning fra sekretariatet."
                )
            else:
                message = _("Posten er registrert. Legg ved bilag.")
            return done(request, message, "workgroups:entry_detail", pk=entry.pk)
    return _accounts_page(request, group, budget_year, entry_form=form)


@require_POST
def contribution_add(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    group = access.accounts_group_for_user(request.user, pk, action="edit")
    budget_year = _budget_year(year)
    form = ContributionForm(request.POST, group=group)
    if form.is_valid():
        try:
            services.contribution_record(working_group=group, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request,
                _("Egeninnsatsen er registrert."),
                "workgroups:group_accounts",
                pk=group.pk,
                year=budget_year.year,
            )
    return _accounts_page(request, group, budget_year, contribution_form=form)


def _entry_page(request, entry, *, form=None, error: str = "", status=None):
    rights = access.group_rights(request.user, entry.working_group)
    open_year = not entry.budget_year.is_closed
    editable = rights == "edit" and open_year and not entry.is_booked and not entry.is_reversal
    if editable and form is None:
        form = EditEntryForm(
            initial={
                "lock_version": entry.lock_version,
                "date": entry.date,
                "description": entry.description,
                "amount": entry.amount,
                "category": entry.category,
                "common_measure": entry.common_measure_id,
                "measure": entry.measure,
                "supplier": entry.supplier,
            }
        )
    next_statuses = [
        (s, AccountEntry.Status(s).label) for s in AccountEntry.TRANSITIONS[entry.status]
    ]
    reversed_by = AccountEntry.objects.filter(reverses=entry).first()
    context = {
        "entry": entry,
        "group": entry.working_group,
        "vouchers": list(entry.vouchers.all()),
        "form": form if editable else None,
        "voucher_form": VoucherForm() if editable else None,
        "next_statuses": next_statuses if editable else [],
        "can_book": rights == "manage" and open_year and not entry.is_booked,
        "can_decide": rights == "manage" and entry.approval == AccountEntry.Approval.PENDING,
        "can_reverse": rights in ("edit", "manage")
        and open_year
        and entry.is_booked
        and not entry.is_reversal
        and reversed_by is None,
        "reverse_form": ReverseForm(),
        "reversed_by": reversed_by,
        "error": error,
        "rights": rights,
    }
    if status is None:
        status = 400 if (form is not None and form.errors) or error else 200
    return render(request, "workgroups/entry_detail.html", context, status=status)


def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return _entry_page(request, access.entry_for_user(request.user, pk))
    entry = access.entry_for_user(request.user, pk, action="edit")
    form = EditEntryForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        lock = data.pop("lock_version")
        try:
            services.entry_update(entry=entry, expected_lock_version=lock, by=request.user, **data)
        except ConflictError:
            return _entry_page(
                request,
                entry,
                form=form,
                error=_(
                    "Posten er endret av en annen mens du skrev. Endringen din er ikke lagret."
                ),
                status=409,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(request, _("Posten er endret."), "workgroups:entry_detail", pk=entry.pk)
    return _entry_page(request, entry, form=form)


def _entry_action(request, entry, action, message: str):
    try:
        action()
    except ValidationError as exc:
        return _entry_page(request, entry, error=error_text(exc), status=400)
    return done(request, message, "workgroups:entry_detail", pk=entry.pk)


@require_POST
def entry_status(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.entry_for_user(request.user, pk, action="edit")
    form = EntryStatusForm(request.POST)
    if not form.is_valid():
        return _entry_page(request, entry, error=_("Velg en status."), status=400)
    return _entry_action(
        request,
        entry,
        lambda: services.entry_set_status(
            entry=entry, status=form.cleaned_data["status"], by=request.user
        ),
        _("Statusen er endret."),
    )


@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.entry_for_user(request.user, pk, action="edit")
    try:
        services.entry_delete(entry=entry, by=request.user)
    except ValidationError as exc:
        return _entry_page(request, entry, error=error_text(exc), status=400)
    return done(
        request,
        _("Posten er slettet."),
        "workgroups:group_accounts",
        pk=entry.working_group_id,
        year=entry.budget_year.year,
    )


@require_POST
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.entry_for_user(request.user, pk, action="correct")
    form = ReverseForm(request.POST)
    if not form.is_valid():
        return _entry_page(
            request, entry, error=_("Skriv hvorfor posten tilbakeføres."), status=400
        )
    try:
        reversal = services.entry_reverse(
            entry=entry, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as exc:
        return _entry_page(request, entry, error=error_text(exc), status=400)
    return done(request, _("Posten er tilbakeført."), "workgroups:entry_detail", pk=reversal.pk)


@require_POST
def entry_book(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.entry_for_user(request.user, pk, action="manage")
    return _entry_action(
        request,
        entry,
        lambda: services.entry_book(entry=entry, by=request.user),
        _("Posten er bokført."),
    )


@require_POST
def entry_decide(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.entry_for_user(request.user, pk, action="manage")
    approve = request.POST.get("decision") == "approve"
    return _entry_action(
        request,
        entry,
        lambda: services.entry_decide(entry=entry, approve=approve, by=request.user),
        _("Utgiften er godkjent.") if approve else _("Utgiften er avvist."),
    )


@uploads.size_guarded
@require_POST
def voucher_upload(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.entry_for_user(request.user, pk, action="edit")
    form = VoucherForm(request.POST, request.FILES)
    if uploads.upload_form_is_valid(request, form):
        try:
            voucher = services.voucher_add(
                entry=entry, file=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request,
                _("Bilaget «%(name)s» er lagt ved.") % {"name": voucher.original_name},
                "workgroups:entry_detail",
                pk=entry.pk,
            )
    problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
    return _entry_page(request, entry, error=problems, status=400)


@require_GET
def voucher_download(request: HttpRequest, pk: int) -> FileResponse:
    voucher = access.voucher_for_user(request.user, pk)
    try:
        handle = voucher.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=voucher.original_name,
        content_type=voucher.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
