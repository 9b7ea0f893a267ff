"""The decision register and the governing documents (R12)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from partnership import formats
from partnership.html import format_html, format_html_join
from partnership.models import Body
from partnership.viewhelpers import CappedPaginator, UrlPatterns

from .. import access, selectors, services
from ..forms import AdoptForm, DecisionSearchForm, DocumentVersionForm
from .common import PAGE_SIZE, apply_validation_error, done, render_form


# --- Decisions ----------------------------------------------------------------------------------
def _register_bodies(user):
    """Bodies to filter the register by: all but the state group, unless the user sits in it."""
    return Body.objects.filter(
        ~Q(kind=Body.Kind.STATE_GROUP) | access.member_of_q(user, "pk")
    ).order_by("kind", "name")


_DECISION_ROW = (
    '<tr><th scope="row" class="portal-nowrap"><a class="ds-link" href="{}">{}</a></th>'
    '<td>{}{}</td><td>{}</td><td class="portal-nowrap">{}</td></tr>'
)


def _decision_rows(decisions) -> SafeString:
    """The register's rows, written once in Python with ``format_html`` (every value escaped),
    as the accounts list writes its rows: twenty-five rows through the template engine cost
    about a third of the page (profiled on the bench data)."""
    urls = UrlPatterns()
    delegated = format_html(' <span class="ds-tag" data-color="info">{}</span>', _("Delegert"))
    label_text = _("%(body)s-vedtak %(number)s/%(year)s")  # Decision.label
    return format_html_join(
        "\n",
        _DECISION_ROW,
        (
            (
                urls("meetings:decision_detail", d.pk),
                label_text % {"body": d.body.short_name, "number": d.number, "year": d.year},
                Truncator(d.title or d.text).chars(120),
                delegated if d.made_under_delegation else "",
                d.body.short_name,
                formats.short_date(d.decided_on),
            )
            for d in decisions
        ),
    )


@require_GET
@vary_on_headers("HX-Request")
def decision_search(request: HttpRequest) -> HttpResponse:
    """Search the register (PostgreSQL full-text search, Norwegian), by body and year."""
    template = "meetings/decision_search.html"
    if request.htmx:
        template += "#results"

    form = DecisionSearchForm(request.GET or None, bodies=_register_bodies(request.user))
    filters = form.filters()
    newest_first = form.newest_first()
    paginator = CappedPaginator(
        selectors.decision_search(user=request.user, newest_first=newest_first, **filters),
        PAGE_SIZE,
    )
    ranked = bool(filters["q"]) and not newest_first
    if ranked:
        # The same hits unscored: counting them needs no rank (counting the ranked query
        # scored up to cap + 1 hits, most of the count's time in PostgreSQL).
        newest = selectors.decision_search(user=request.user, newest_first=True, **filters)
        paginator.__dict__["raw_count"] = CappedPaginator(newest, PAGE_SIZE).raw_count
    # Over the cap, the best of thousands of hits would mean scoring every one of them on
    # every page view: newest first instead, and the page says how to get the best first.
    newest_instead = ranked and paginator.capped
    if newest_instead:
        paginator.object_list = newest
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": _decision_rows(page.object_list),
        "q": filters["q"],
        "filtered": any(filters.values()),
        "newest_first": newest_first or newest_instead or not filters["q"],
        "newest_instead": newest_instead,
    }
    return render(request, template, context)


@require_GET
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision at its permanent URL, with what it concerns (any object, generic link)."""
    decision = access.decision_for_user(request.user, pk)
    concerns = decision.concerns if decision.concerns_type_id else None
    concerns_url = None
    if concerns is not None and hasattr(concerns, "get_absolute_url"):
        concerns_url = concerns.get_absolute_url()
    return render(
        request,
        "meetings/decision_detail.html",
        {
            "decision": decision,
            "concerns": concerns,
            "concerns_missing": decision.concerns_type_id is not None and concerns is None,
            "concerns_url": concerns_url,
            "adopted_versions": decision.adopted_versions.select_related("document"),
            "can_open_meeting": access.can_view_body_meetings(request.user, decision.body),
        },
    )


# --- Governing documents ------------------------------------------------------------------------
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "meetings/document_list.html",
        {
            "documents": selectors.document_list(),
            "can_manage": access.is_secretariat(request.user),
        },
    )


@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.document_for_user(request.user, pk)
    versions = list(selectors.document_versions(document, user=request.user))
    in_force = selectors.document_in_force_among(document, versions)
    return render(
        request,
        "meetings/document_detail.html",
        {
            "document": document,
            "versions": versions,
            "in_force": in_force,
            "shown": in_force or (versions[0] if versions else None),
            "can_manage": access.is_secretariat(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def document_version_create(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.document_for_user(request.user, pk, action="manage")
    latest = document.versions.order_by("-number").first()
    form = DocumentVersionForm(
        request.POST or None, initial={"text": latest.text if latest else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.document_version_create(
                document=document, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request,
                _("Versjon %(number)s er lagret. Den gjelder først når %(body)s har vedtatt den.")
                % {"number": version.number, "body": document.responsible_body},
                "meetings:document_detail",
                document.pk,
            )
    return render_form(
        request,
        "meetings/document_version_form.html",
        {"form": form, "document": document, "latest": latest},
        form,
    )


@require_http_methods(["GET", "POST"])
def document_version_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a version in force by a decision of the document's responsible body (R12)."""
    version = access.document_version_for_user(request.user, pk, action="manage")
    document = version.document
    offered = (
        selectors.decisions_visible_to(request.user)
        .filter(body=document.responsible_body)
        .order_by("-decided_on", "-number")[:100]
    )
    form = AdoptForm(
        request.POST or None,
        decisions=selectors.decisions_visible_to(request.user),
        offered=offered,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_version_adopt(version=version, decision=form.cleaned_data["decision"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "adopted_by" in exc.error_dict:
                form.add_error("decision", exc.error_dict["adopted_by"])
            else:
                apply_validation_error(form, exc)
        else:
            return done(
                request,
                _("Versjon %(number)s gjelder fra nå.") % {"number": version.number},
                "meetings:document_detail",
                document.pk,
            )
    return render_form(
        request,
        "meetings/document_adopt.html",
        {"form": form, "document": document, "version": version},
        form,
    )


def _version_number(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if re.fullmatch(r"\d{1,6}", raw) else None


def diff_lines(lines: list[str]) -> list[tuple[str, str]]:
    """A unified diff as (kind, text) rows for the template: "hunk", "add", "del", "same"."""
    rows = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            m = re.match(r"@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@", line)
            rows.append(("hunk", m.group(2) if m else ""))
        elif line.startswith("+"):
            rows.append(("add", line[1:]))
        elif line.startswith("-"):
            rows.append(("del", line[1:]))
        else:
            rows.append(("same", line[1:]))
    return rows


@require_GET
def document_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed between two versions (?fra=1&til=2), insertions and deletions marked."""
    document = access.document_for_user(request.user, pk)
    versions = list(selectors.document_versions(document, user=request.user))
    by_number = {v.number: v for v in versions}
    new = by_number.get(_version_number(request, "til")) or (versions[0] if versions else None)
    old = by_number.get(_version_number(request, "fra"))
    if old is None and new is not None:
        old = next((v for v in versions if v.number < new.number), None)
    rows, error = [], ""
    if old is None or new is None:
        error = _("Dokumentet har bare én versjon, så det er ingenting å sammenligne.")
    elif old.number == new.number:
        error = _("Velg to forskjellige versjoner.")
    else:
        rows = diff_lines(selectors.document_version_diff(old, new))
    return render(
        request,
        "meetings/document_diff.html",
        {
            "document": document,
            "versions": versions,
            "old": old,
            "new": new,
            "rows": rows,
            "error": error,
            "added": sum(1 for kind, _t in rows if kind == "add"),
            "removed": sum(1 for kind, _t in rows if kind == "del"),
        },
    )
