"""The ministries' briefing: the list, asking for one, a briefing with its PDF and who it went
to, and the secretariat's page for flagging matters of political interest in a period.

Flags are set on a page of this app that lists a period's candidates (agenda items, decisions,
submitted applications) rather than from each object's own page through a hook in the lower
apps: the lower apps stay as they are (no template hook in three apps, nothing for them to
know about reports), the flags are set where the secretariat prepares the briefing (period by
period, seeing what is flagged and what is not), and one view and one access rule cover all
three kinds. The candidates come through the lower apps' access rules (meetings.access,
partnerpot.access), and a flag's target is fetched through their ``*_for_user`` functions."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings import access as meetings_access
from partnerpot import access as partnerpot_access
from partnership.viewhelpers import apply_validation_error, done, error_text, form_page, posted

from . import access_briefing as access
from . import briefing as services
from .forms_briefing import BriefingForm, FlagForm, PeriodForm, current_quarter
from .models_briefing import Briefing


@require_GET
def briefing_list(request: HttpRequest) -> HttpResponse:
    access.require_briefing_reader(request.user)
    briefings = Briefing.objects.select_related("requested_by").order_by("-period_start", "-pk")
    return render(
        request,
        "reports/briefing_list.html",
        {
            "briefings": briefings,
            "may_manage": access.can_manage_briefings(request.user),
            "recipient_count": len(services.recipients()),
        },
    )


@require_http_methods(["GET", "POST"])
def briefing_create(request: HttpRequest) -> HttpResponse:
    access.require_briefing_manager(request.user)
    start, end = services.previous_quarter(services.today())
    form = BriefingForm(posted(request), initial={"period_start": start, "period_end": end})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            briefing, created = services.briefing_request(
                period_start=data["period_start"],
                period_end=data["period_end"],
                requested_by=request.user,
                language=data["language"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if created:
                message = _("Orienteringen lages og sendes til departementene.")
            elif briefing.status == Briefing.Status.SENT:
                message = _("Orienteringen for denne perioden er allerede sendt.")
            else:
                message = _("Orienteringen for denne perioden lages nå.")
            return done(request, message, "reports:briefing_detail", pk=briefing.pk)
    return form_page(
        request,
        "reports/briefing_form.html",
        {"form": form, "recipients": services.recipients()},
    )


@require_GET
def briefing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = access.briefing_for_user(request.user, pk)
    return render(
        request,
        "reports/briefing_detail.html",
        {
            "briefing": briefing,
            "title": services.briefing_title(briefing),
            "messages_sent": list(services.sent_messages(briefing)),
            "may_manage": access.can_manage_briefings(request.user),
        },
    )


@require_POST
def briefing_retry(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = access.briefing_for_user(request.user, pk, action="manage")
    if briefing.status != Briefing.Status.FAILED:
        return done(request, _("Orienteringen har ikke feilet."), "reports:briefing_detail", pk=pk)
    services.briefing_request(
        period_start=briefing.period_start,
        period_end=briefing.period_end,
        requested_by=request.user,
    )
    return done(request, _("Orienteringen lages på nytt."), "reports:briefing_detail", pk=pk)


@require_GET
def briefing_download(request: HttpRequest, pk: int) -> FileResponse:
    briefing = access.briefing_for_user(request.user, pk)
    if not briefing.pdf or not default_storage.exists(briefing.pdf):
        raise Http404
    return FileResponse(
        default_storage.open(briefing.pdf, "rb"),
        as_attachment=True,
        filename=services.briefing_filename(briefing),
        content_type="application/pdf",
    )


# --- Flags ------------------------------------------------------------------------------------
def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date]:
    start, end = current_quarter()
    source = request.GET if "period_start" in request.GET else None
    form = PeriodForm(source, initial={"period_start": start, "period_end": end})
    if source is not None and form.is_valid():
        return form, form.cleaned_data["period_start"], form.cleaned_data["period_end"]
    return form, start, end


def _flag_page_url(start: dt.date, end: dt.date) -> str:
    query = urlencode({"period_start": start.isoformat(), "period_end": end.isoformat()})
    return f"{reverse('reports:flag_list')}?{query}"


@require_GET
def flag_list(request: HttpRequest) -> HttpResponse:
    access.require_briefing_manager(request.user)
    form, start, end = _period(request)
    return form_page(
        request,
        "reports/briefing_flags.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "candidates": services.flag_candidates(request.user, start=start, end=end),
            "back": _flag_page_url(start, end),
        },
    )


def _target(user, kind: str, pk: int):
    if kind == "agenda_item":
        return meetings_access.agenda_item_for_user(user, pk)
    if kind == "decision":
        return meetings_access.decision_for_user(user, pk)
    return partnerpot_access.application_for_user(user, pk)


def _back(request: HttpRequest) -> str:
    back = request.POST.get("back", "")
    return back if back.startswith(reverse("reports:flag_list")) else reverse("reports:flag_list")


@require_POST
def flag_set(request: HttpRequest) -> HttpResponse:
    access.require_briefing_manager(request.user)
    form = FlagForm(request.POST)
    if not form.is_valid():
        errors = " ".join(str(e) for field in form.errors.values() for e in field)
        return done_with_error(request, errors or _("Merkingen ble ikke lagret."), _back(request))
    data = form.cleaned_data
    target = _target(request.user, data["kind"], data["target"])
    try:
        services.flag_set(target=target, note=data["note"], by=request.user)
    except ValidationError as exc:
        return done_with_error(request, error_text(exc), _back(request))
    return done(request, _("Saken er merket som politisk interessant."), _back(request))


@require_POST
def flag_remove(request: HttpRequest, pk: int) -> HttpResponse:
    flag = access.flag_for_user(request.user, pk)
    services.flag_remove(flag=flag, by=request.user)
    return done(request, _("Merkingen er fjernet."), _back(request))


def done_with_error(request: HttpRequest, message: str, to: str) -> HttpResponse:
    """A refused flag: the message on the flag page it came from."""
    messages.error(request, message)
    return redirect(to)
