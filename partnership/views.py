from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from . import access, formats, outbox, selectors, services
from .forms import (
    InvitationAcceptForm,
    InvitationForm,
    MembershipAddForm,
    MembershipChangeForm,
    MembershipEndForm,
    NotificationPreferencesForm,
    PartnerForm,
    ProfileForm,
)
from .home import home_context
from .html import format_html, format_html_join
from .models import Affiliation, Body, Invitation, Membership, Partner, Person, today
from .templatetags.portal import orgnr
from .viewhelpers import (
    UrlPatterns,
    apply_validation_error,
    counted_page,
    offset_page_number,
    page_of,
    page_with_count,
    with_message,
)

PAGE_SIZE = 50


def _page(request: HttpRequest, qs):
    return page_of(request, qs, PAGE_SIZE)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "partnership/accessibility.html")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "partnership/home.html", home_context(request))


# --- Partners ---------------------------------------------------------------------------
@require_GET
@vary_on_headers("HX-Request")  # the same URL answers htmx with a fragment: keep caches apart
def partner_list(request: HttpRequest) -> HttpResponse:
    template = "partnership/partner_list.html"
    if request.htmx:
        template += "#results"

    q = request.GET.get("q", "").strip()[:100]
    include_inactive = request.GET.get("inactive") == "1"
    rows = selectors.partner_list(q=q, include_inactive=include_inactive).values_list(
        "pk",
        "name",
        "short_name",
        "kind",
        "organisation_number",
        "active_from",
        "active_to",
        named=True,
    )
    page = _page(request, rows)
    context = {
        "page": page,
        "partner_rows": _partner_rows(page.object_list, include_inactive=include_inactive),
        "q": q,
        "include_inactive": include_inactive,
        "can_manage": access.can_manage_registry(request.user),
    }
    return render(request, template, context)


_PARTNER_ROW = (
    '<tr><th scope="row"><a class="ds-link" href="{}">{}</a></th><td>{}</td><td>{}</td>'
    '<td class="portal-nowrap">{}</td><td class="portal-nowrap">{}</td>{}</tr>'
)


def _partner_rows(rows, *, include_inactive: bool) -> str:
    """The partner list's table rows, written once in Python (every value escaped by
    ``format_html``): fifty rows of template tags and filters cost more than the rest of the
    page (profiled on the bench data), as the accounts list found."""
    urls = UrlPatterns()
    kinds = {value: str(label) for value, label in Partner.Kind.choices}
    return format_html_join(
        "\n",
        _PARTNER_ROW,
        (
            (
                urls("partner_detail", p.pk),
                p.name,
                p.short_name,
                kinds.get(p.kind, p.kind),
                orgnr(p.organisation_number),
                formats.short_date(p.active_from),
                format_html(
                    '<td class="portal-nowrap">{}</td>', formats.short_date(p.active_to) or "–"
                )
                if include_inactive
                else "",
            )
            for p in rows
        ),
    )


@require_GET
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = access.partner_for_user(request.user, pk)
    return render(
        request,
        "partnership/partner_detail.html",
        {
            "partner": partner,
            "memberships": selectors.partner_memberships(partner=partner),
            "people": selectors.partner_people(partner=partner),
            "can_manage": access.can_manage_registry(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest) -> HttpResponse:
    access.require_registry_manager(request.user)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(**form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Partneren er lagt til."))
            return redirect("partner_detail", pk=partner.pk)
    return render(
        request,
        "partnership/partner_form.html",
        {"form": form, "partner": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = access.partner_for_user(request.user, pk, action="change")
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(partner=partner, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect("partner_detail", pk=partner.pk)
    return render(
        request,
        "partnership/partner_form.html",
        {"form": form, "partner": partner},
        status=400 if form.errors else 200,
    )


# --- People -------------------------------------------------------------------------------
@require_GET
@vary_on_headers("HX-Request")
def person_list(request: HttpRequest) -> HttpResponse:
    template = "partnership/person_list.html"
    if request.htmx:
        template += "#results"

    q = request.GET.get("q", "").strip()[:100]
    try:
        partner_id = int(request.GET.get("partner", "") or 0) or None
    except ValueError:
        partner_id = None
    people = selectors.person_list(q=q, partner_id=partner_id)
    people = people.annotate(partner_labels=_current_partner_labels())
    page = counted_page(request, people, (*_PERSON_COLUMNS, "partner_labels"), PAGE_SIZE)
    context = {
        "page": page,
        "rows": _person_rows(page.object_list),
        "q": q,
        "partner_id": partner_id,
    }
    if not request.htmx:  # the search form is not part of the results fragment
        context["partner_options"] = _partner_options(partner_id)
    return render(request, template, context)


_PERSON_COLUMNS = ("pk", "full_name", "email", "title", "phone")


def _current_partner_labels() -> ArraySubquery:
    """A person's current partners (short name, else name), newest first as Affiliation's
    ordering: read with the page's rows rather than in a query of its own."""
    return ArraySubquery(
        Affiliation.objects.active_on()
        .filter(person_id=OuterRef("pk"))
        .order_by("-starts_on")
        .values(label=Coalesce(NullIf("partner__short_name", Value("")), "partner__name"))
    )


_PERSON_ROW = (
    '<tr><th scope="row"><a class="ds-link" href="{}">{}</a></th><td>{}</td>'
    '<td class="portal-nowrap">{}</td>'
    '<td><a class="ds-link" href="mailto:{}">{}</a></td><td class="portal-nowrap">{}</td></tr>'
)


def _person_rows(rows) -> str:
    """The directory's rows, written once in Python (every value escaped by ``format_html``),
    each person's current partners read with the row (``partner_labels``)."""
    urls = UrlPatterns()
    return format_html_join(
        "\n",
        _PERSON_ROW,
        (
            (
                urls("person_detail", p.pk),
                Person.text_of(p.full_name, p.email),
                p.title or "–",
                ", ".join(p.partner_labels) or "–",
                p.email,
                p.email,
                format_html(
                    '<a class="ds-link" href="tel:{}">{}</a>', p.phone.replace(" ", ""), p.phone
                )
                if p.phone
                else "–",
            )
            for p in rows
        ),
    )


def _partner_options(selected: int | None) -> str:
    """The partner filter's options (two hundred), written in Python."""
    return format_html_join(
        "\n",
        '<option value="{}"{}>{}</option>',
        (
            (pk, mark_safe(" selected") if pk == selected else "", name)  # noqa: S308
            for pk, name in selectors.partner_list().values_list("pk", "name")
        ),
    )


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.person_for_user(request.user, pk)
    return render(
        request,
        "partnership/person_detail.html",
        {
            "person": person,
            "memberships": selectors.person_memberships(person=person),
            "affiliations": selectors.person_affiliations(person=person),
            "today": today(),
        },
    )


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    person = access.person_for_user(request.user, request.user.pk, action="change")
    form = ProfileForm(request.POST or None, instance=person)
    notify_form = NotificationPreferencesForm(
        request.POST or None, preferences=outbox.notification_preferences(person)
    )
    if request.method == "POST" and form.is_valid() and notify_form.is_valid():
        try:
            with transaction.atomic():  # the profile and the notification choices together
                services.person_update_profile(person=person, **form.cleaned_data)
                outbox.notification_preferences_update(
                    person=person, enabled=notify_form.cleaned_data
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Profilen er lagret."))
            response = redirect("profile")
            # The chosen language applies at once in this browser.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                person.preferred_language,
                samesite="Lax",
                secure=settings.LANGUAGE_COOKIE_SECURE,
            )
            return response
    return render(
        request,
        "partnership/profile.html",
        {
            "form": form,
            "notify_form": notify_form,
            "memberships": selectors.person_memberships(person=person),
        },
        status=400 if form.errors or notify_form.errors else 200,
    )


# --- Bodies and memberships ---------------------------------------------------------------------
@require_GET
def body_list(request: HttpRequest) -> HttpResponse:
    bodies = _body_rows(selectors.body_list())
    return render(
        request,
        "partnership/body_list.html",
        {"bodies": bodies, "hierarchy": _hierarchy(bodies)},
    )


@dataclass(frozen=True, slots=True)
class BodyRow:
    """A body as the list shows it: its link and labels worked out once, not per use in the
    template (``get_kind_display`` hashes every choice's label, a translation each)."""

    pk: int
    name: str
    url: str
    kind: str
    kind_label: str
    level: str
    level_label: str
    chairing_partner: str
    required_meetings_per_year: int | None
    member_count: int
    delegated_from_id: int | None


def _body_rows(qs) -> list[BodyRow]:
    urls = UrlPatterns()
    kinds = {value: str(label) for value, label in Body.Kind.choices}
    levels = {value: str(label).lower() for value, label in Body.Level.choices}
    return [
        BodyRow(
            pk=b.pk,
            name=b.name,
            url=urls("body_detail", b.pk),
            kind=b.kind,
            kind_label=kinds.get(b.kind, b.kind),
            level=b.level,
            level_label=levels.get(b.level, b.level),
            chairing_partner=b.chairing_partner__name or "",
            required_meetings_per_year=b.required_meetings_per_year,
            member_count=b.member_count,
            delegated_from_id=b.delegated_from_id,
        )
        for b in qs.values_list(
            "pk",
            "name",
            "kind",
            "level",
            "chairing_partner__name",
            "required_meetings_per_year",
            "member_count",
            "delegated_from_id",
            named=True,
        )
    ]


def _hierarchy(bodies: list[BodyRow]) -> dict:
    """How the bodies hang together (issue 11): the Ledermøte over the Partnermøte, which has
    its working committee (with the delegation it holds) and the working groups; the
    secretariat and the state actors' group beside them. From the listed rows: no queries."""
    kinds = Body.Kind
    by_kind: dict[str, list[BodyRow]] = {}
    for body in bodies:
        by_kind.setdefault(body.kind, []).append(body)
    return {
        "leaders": by_kind.get(kinds.LEADERS, []),
        "partners": by_kind.get(kinds.PARTNERS, []),
        "committees": by_kind.get(kinds.WORKING_COMMITTEE, []),
        "groups": by_kind.get(kinds.GROUP_LEADERS, []) + by_kind.get(kinds.WORKING_GROUP, []),
        "beside": by_kind.get(kinds.SECRETARIAT, []) + by_kind.get(kinds.STATE_GROUP, []),
    }


# A large body (the Partnermøte has hundreds of members) is shown a page at a time.
MEMBERS_PAGE_SIZE = 25
# The latest ended memberships (each person's page has all of theirs).
PAST_MEMBERS_SHOWN = 25


_MEMBER_COLUMNS = (
    "pk",
    "role",
    "person_id",
    "person__full_name",
    "person__email",
    "partner_id",
    "partner__name",
    "starts_on",
    "ends_on",
)
_MEMBER_ROW = (
    '<tr id="membership-{}"><td>{}</td>'
    '<th scope="row"><a class="ds-link" href="{}">{}</a></th>'
    '<td><a class="ds-link" href="{}">{}</a></td>'
    '<td class="portal-nowrap">{}</td><td class="portal-nowrap">{}</td>{}</tr>'
)
_MEMBER_ACTIONS = (
    '<td><div class="portal-row-actions">'
    '<a class="ds-button" data-variant="secondary" data-size="sm" href="{edit}" hx-get="{edit}"'
    ' hx-target="#membership-{pk}" hx-swap="outerHTML">{edit_text}'
    '<span class="ds-sr-only"> {whose}</span></a>'
    '<form method="post" action="{end}" hx-post="{end}" hx-target="#members" hx-swap="outerHTML"'
    ' data-confirm="end-dialog" data-confirm-text="{confirm}">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
    '<button type="submit" class="ds-button" data-variant="secondary" data-color="danger"'
    ' data-size="sm" id="end-{pk}"{described}>{end_text}<span class="ds-sr-only"> {whose}</span>'
    "</button>{error}</form></div></td>"
)
_PAST_MEMBER_ROW = (
    '<tr><th scope="row"><a class="ds-link" href="{}">{}</a></th><td>{}</td><td>{}</td>'
    '<td class="portal-nowrap">{}</td><td class="portal-nowrap">{}</td></tr>'
)


def _member_rows(
    request: HttpRequest, rows, *, body=None, end_error: str = "", end_error_for=None
) -> str:
    """The body's members table, written once in Python from named rows (every value escaped
    by ``format_html``): twenty-five rows, each with two links, dates and, for the
    secretariat, an edit link and an end form, cost more through the template engine than the
    rest of the page. ``body``: with the secretariat's actions."""
    urls = UrlPatterns()
    roles = {value: str(label) for value, label in Membership.Role.choices}
    if body is not None:
        csrf = get_token(request)
        edit_text, end_text = _("Endre"), _("Avslutt i dag")
        # For screen readers, after "Endre" / "Avslutt i dag".
        whose_text = _("medlemskapet til %(person)s")
        # What the confirmation dialog says before "Avslutt i dag" (issue 11 §6).
        confirm_text = _(
            "%(person)s slutter i %(body)s med dagens dato. Fra i morgen har %(person)s "
            "ikke lenger tilgang til organets møter og papirer."
        )
    html = []
    for m in rows:
        person = Person.text_of(m.person__full_name, m.person__email)
        actions = ""
        if body is not None:
            failed = bool(end_error) and end_error_for == m.pk
            actions = format_html(
                _MEMBER_ACTIONS,
                pk=m.pk,
                edit=urls("membership_edit", m.pk),
                end=urls("membership_end", m.pk),
                csrf=csrf,
                edit_text=edit_text,
                end_text=end_text,
                whose=whose_text % {"person": person},
                confirm=confirm_text % {"person": person, "body": body},
                described=format_html(' aria-describedby="end-{}-error"', m.pk) if failed else "",
                error=format_html(
                    '<p class="ds-validation-message" data-field="validation" id="end-{}-error">'
                    "{}</p>",
                    m.pk,
                    end_error,
                )
                if failed
                else "",
            )
        html.append(
            format_html(
                _MEMBER_ROW,
                m.pk,
                roles.get(m.role, m.role),
                urls("person_detail", m.person_id),
                person,
                urls("partner_detail", m.partner_id),
                m.partner__name,
                formats.short_date(m.starts_on),
                formats.short_date(m.ends_on) or "–",
                actions,
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 - each row built by format_html


def _past_member_rows(rows) -> str:
    urls = UrlPatterns()
    roles = {value: str(label) for value, label in Membership.Role.choices}
    return format_html_join(
        "\n",
        _PAST_MEMBER_ROW,
        (
            (
                urls("person_detail", m.person_id),
                Person.text_of(m.person__full_name, m.person__email),
                roles.get(m.role, m.role),
                m.partner__name,
                formats.short_date(m.starts_on),
                formats.short_date(m.ends_on),
            )
            for m in rows
        ),
    )


def _body_context(request: HttpRequest, body: Body, **extra) -> dict:
    can_manage = access.can_manage_registry(request.user)
    past_shown = PAST_MEMBERS_SHOWN if can_manage else 0
    number = offset_page_number(request, MEMBERS_PAGE_SIZE)
    rows, total, past_members = [], 0, []
    if number is not None:
        rows, total, past_members = selectors.body_member_page(
            body=body,
            offset=(number - 1) * MEMBERS_PAGE_SIZE,
            limit=MEMBERS_PAGE_SIZE,
            past=past_shown,
        )
    if number is not None and (rows or number == 1):
        members = page_with_count(
            rows, number, total, selectors.body_members(body=body), MEMBERS_PAGE_SIZE
        )
    else:  # a page number past the end or below one: page_of counts and gives a valid page
        members = counted_page(
            request, selectors.body_members(body=body), _MEMBER_COLUMNS, MEMBERS_PAGE_SIZE
        )
        past_members = list(
            selectors.body_past_members(body=body, limit=past_shown).values_list(
                *_MEMBER_COLUMNS, named=True
            )
        )
    context = {
        "body": body,
        "members": members,
        "member_rows": _member_rows(
            request,
            members.object_list,
            body=body if can_manage else None,
            end_error=extra.get("end_error", ""),
            end_error_for=extra.get("end_error_for"),
        ),
        "can_manage": can_manage,
        "today": today(),
    }
    if can_manage:
        context["add_form"] = MembershipAddForm(initial={"starts_on": today()})
        context["past_members"] = past_members
        context["past_member_rows"] = _past_member_rows(past_members)
    context.update(extra)
    return context


@require_GET
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = access.body_for_user(request.user, pk)
    return render(request, "partnership/body_detail.html", _body_context(request, body))


def _members_fragment(
    request: HttpRequest, body: Body, *, status: int = 200, message: str = "", **extra
) -> HttpResponse:
    response = render(
        request,
        "partnership/body_detail.html#members",
        _body_context(request, body, **extra),
        status=status,
    )
    return with_message(response, message) if message else response


@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    body = access.body_for_user(request.user, pk, action="manage_members")
    form = MembershipAddForm(request.POST)
    if form.is_valid():
        try:
            membership = services.membership_start(body=body, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = _("%(person)s er lagt til som %(role)s.") % {
                "person": membership.person,
                "role": membership.get_role_display().lower(),
            }
            if not request.htmx:
                messages.success(request, message)
                return redirect("body_detail", pk=body.pk)
            return _members_fragment(request, body, message=message)
    if not request.htmx:
        return render(
            request,
            "partnership/body_detail.html",
            _body_context(request, body, add_form=form),
            status=400,
        )
    return _members_fragment(request, body, status=400, add_form=form)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def membership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = access.membership_for_user(request.user, pk, action="change")
    body = membership.body
    # Own ids, so the row's fields do not clash with the add-member form on the body page.
    form = MembershipChangeForm(
        request.POST or None, instance=membership, auto_id=f"membership-{membership.pk}-%s"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change(membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = _("Medlemskapet til %(person)s er endret.") % {"person": membership.person}
            if not request.htmx:
                messages.success(request, message)
                return redirect("body_detail", pk=body.pk)
            return _members_fragment(request, body, message=message)
    membership.refresh_from_db()
    context = {"membership": membership, "form": form, "body": body}
    status = 400 if form.errors else 200
    if request.htmx:
        response = render(
            request, "partnership/membership_edit.html#edit-row", context, status=status
        )
        if form.errors:
            # The form posts to #members; a form with errors goes back into its own row instead.
            response["HX-Retarget"] = f"#membership-{membership.pk}"
            response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "partnership/membership_edit.html", context, status=status)


@require_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = access.membership_for_user(request.user, pk, action="end")
    body = membership.body
    form = MembershipEndForm(request.POST)
    if form.is_valid():
        try:
            services.membership_end(membership=membership, ends_on=form.cleaned_data["ends_on"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = _("Medlemskapet til %(person)s er avsluttet.") % {"person": membership.person}
            if not request.htmx:
                messages.success(request, message)
                return redirect("body_detail", pk=body.pk)
            return _members_fragment(request, body, message=message)
    error = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    if not request.htmx:
        messages.error(request, error)
        return redirect("body_detail", pk=body.pk)
    return _members_fragment(
        request, body, status=400, end_error=error, end_error_for=membership.pk
    )


# --- Invitations ----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def invitation_list(request: HttpRequest) -> HttpResponse:
    access.require_inviter(request.user)
    form = InvitationForm(request.POST or None, initial={"language": "nb"})
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("Invitasjonen er sendt til %(email)s.") % {"email": invitation.email}
            )
            return redirect("invitation_list")

    page = counted_page(request, selectors.invitation_list(), _INVITATION_COLUMNS, PAGE_SIZE)
    context = {"form": form, "page": page, "rows": _invitation_rows(request, page.object_list)}
    status = 400 if request.method == "POST" else 200
    return render(request, "partnership/invitation_list.html", context, status=status)


_INVITATION_COLUMNS = (
    "pk",
    "full_name",
    "email",
    "partner__name",
    "created_at",
    "invited_by_id",
    "invited_by__full_name",
    "invited_by__email",
    "expires_at",
    "accepted_at",
    "revoked_at",
)
_INVITATION_ROW = (
    '<tr><th scope="row">{}<br><span class="portal-muted portal-break">{}</span></th>'
    '<td>{}</td><td><span class="portal-nowrap">{}</span>{}</td>'
    '<td class="portal-nowrap">{}</td>'
    '<td><span class="ds-tag" data-color="{}">{}</span></td>'
    '<td class="portal-nowrap">{}</td></tr>'
)
_INVITATION_REVOKE = (
    '<form method="post" action="{}" data-confirm="revoke-dialog" data-confirm-text="{}">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
    '<button type="submit" class="ds-button" data-variant="secondary" data-color="danger"'
    ' data-size="sm">{}<span class="ds-sr-only"> {}</span></button></form>'
)
INVITATION_COLORS = {
    "open": "info",
    "accepted": "success",
    "expired": "warning",
    "revoked": "neutral",
}


def _invitation_rows(request: HttpRequest, rows) -> str:
    """The sent invitations, written once in Python from named rows (every value escaped by
    ``format_html``); an open one has its revoke form, which the one confirmation dialog
    below the table guards (the row's text names the address)."""
    urls = UrlPatterns()
    now = timezone.now()
    labels = {key: str(label) for key, label in Invitation.STATUS_LABELS.items()}
    csrf = get_token(request)
    revoke_text = _("Trekk tilbake")
    html = []
    for i in rows:
        status = Invitation.status_of(
            accepted_at=i.accepted_at, revoked_at=i.revoked_at, expires_at=i.expires_at, now=now
        )
        by = ""
        if i.invited_by_id:
            who = Person.text_of(i.invited_by__full_name, i.invited_by__email)
            by = format_html(
                '<br><span class="portal-muted">{}</span>', _("av %(who)s") % {"who": who}
            )
        revoke = ""
        if status == "open":
            revoke = format_html(
                _INVITATION_REVOKE,
                urls("invitation_revoke", i.pk),
                _(
                    "Lenken i invitasjonen til %(email)s slutter å virke med en gang. "
                    "Vil personen inn senere, må hen få en ny invitasjon."
                )
                % {"email": i.email},
                csrf,
                revoke_text,
                _("invitasjonen til %(email)s") % {"email": i.email},
            )
        html.append(
            format_html(
                _INVITATION_ROW,
                i.full_name,
                i.email,
                i.partner__name or "–",
                formats.short_date(i.created_at),
                by,
                formats.short_date(i.expires_at),
                INVITATION_COLORS.get(status, "neutral"),
                labels[status],
                revoke,
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 - each row built by format_html


@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = access.invitation_for_user(request.user, pk, action="revoke")
    services.invitation_revoke(invitation=invitation)
    messages.success(
        request, _("Invitasjonen til %(email)s er trukket tilbake.") % {"email": invitation.email}
    )
    return redirect("invitation_list")


INVITATION_PROBLEMS = {
    "unknown": _("Lenken er ikke gyldig. Sjekk at du har kopiert hele lenken fra e-posten."),
    "accepted": _(
        "Denne invitasjonen er allerede brukt. Logg inn med e-postadressen og passordet ditt."
    ),
    "revoked": _("Denne invitasjonen er trukket tilbake. Kontakt sekretariatet for en ny."),
    "expired": _("Denne invitasjonen er utløpt. Kontakt sekretariatet for en ny."),
}


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationInvalid as exc:
        return TemplateResponse(
            request,
            "partnership/invitation_invalid.html",
            {"problem": str(INVITATION_PROBLEMS[exc.reason])},
            status=410 if exc.reason != "unknown" else 404,
        )
    form = InvitationAcceptForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.invitation_accept(
                token=token, password=form.cleaned_data["password1"]
            )
        except services.InvitationInvalid as exc:
            return TemplateResponse(
                request,
                "partnership/invitation_invalid.html",
                {"problem": str(INVITATION_PROBLEMS[exc.reason])},
                status=410,
            )
        login(request, person, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Velkommen! Kontoen din er klar."))
        return redirect("home")
    return render(
        request,
        "partnership/invitation_accept.html",
        {"form": form, "invitation": invitation},
        status=400 if form.errors else 200,
    )


# --- Audit trail ----------------------------------------------------------------------------------
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    access.require_history_reader(request.user)
    rows = _history_rows(selectors.registry_history())
    return render(request, "partnership/history.html", {"rows": rows})


HISTORY_ACTIONS = {"+": _lazy("Opprettet"), "~": _lazy("Endret"), "-": _lazy("Slettet")}

_HISTORY_ROW = (
    '<tr><td class="portal-nowrap"><time datetime="{}">{}</time></td><td>{}</td><td>{}</td>'
    '<th scope="row">{}</th><td>{}</td></tr>'
)


def _history_rows(entries) -> str:
    """The change log's table rows (a hundred), written once in Python (every value escaped by
    ``format_html``); the labels that repeat (models, actions, the system) are translated once."""
    actions = {key: str(label) for key, label in HISTORY_ACTIONS.items()}
    names: dict[type, str] = {}
    system = _("Systemet")
    html = []
    for entry in entries:
        if entry.model not in names:
            names[entry.model] = capfirst(str(entry.model._meta.verbose_name))
        html.append(
            format_html(
                _HISTORY_ROW,
                timezone.localtime(entry.when).isoformat(),
                formats.short_datetime(entry.when),
                names[entry.model],
                actions.get(entry.history_type, entry.history_type),
                entry.label,
                entry.by or system,
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 - each row built by format_html
