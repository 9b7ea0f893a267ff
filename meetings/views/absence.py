"""Reporting absence (melde forfall, issue 11 §4): from the meeting page, signed in, or from
the link in the notice e-mail, which works without signing in for that person and meeting
only, until the meeting starts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partnership.models import Person

from .. import absence, access
from ..models import Meeting
from .common import done, error_text
from .meetings import _detail_error


def _note(request: HttpRequest) -> str:
    return (request.POST.get("note") or "")[:300]


@require_POST
def absence_report(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk)
    try:
        absence.report(meeting=meeting, person=request.user, note=_note(request))
    except ValidationError as exc:
        return _detail_error(request, meeting, error_text(exc))
    return done(
        request,
        _("Forfallet er meldt. Du får en kvittering på e-post, og sekretariatet kaller inn vara."),
        "meetings:meeting_detail",
        pk,
    )


@require_POST
def absence_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk)
    try:
        absence.withdraw(meeting=meeting, person=request.user)
    except ValidationError as exc:
        return _detail_error(request, meeting, error_text(exc))
    return done(request, _("Forfallet er trukket."), "meetings:meeting_detail", pk)


@require_http_methods(["GET", "POST"])
def absence_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the notice e-mail: a page that says whose absence from which meeting it
    reports, and the button (a GET changes nothing). A link that is altered, too old or for a
    meeting that has started gets a page that says so, never a 500."""
    found = absence.read_token(token)
    meeting = person = None
    if found is not None:
        meeting = Meeting.objects.select_related("body").filter(pk=found[0]).first()
        person = Person.objects.filter(pk=found[1], is_active=True).first()
    if meeting is None or person is None:
        context = {"problem": _("Lenken er ugyldig eller for gammel. Meld forfall fra møtesiden.")}
        return render(request, "meetings/absence_link.html", context, status=400)
    context = {"meeting": meeting, "person": person, "token": token}
    current = absence.current_absence(meeting, person)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw":
                absence.withdraw(meeting=meeting, person=person)
                context["done"] = _("Forfallet er trukket. Du er ventet på møtet.")
                current = None
            else:
                current = absence.report(meeting=meeting, person=person, note=_note(request))
                context["done"] = _("Forfallet er meldt. Du får en kvittering på e-post.")
        except ValidationError as exc:
            context["problem"] = error_text(exc)
            return render(request, "meetings/absence_link.html", context, status=400)
    elif not absence.can_report(meeting):
        context["problem"] = _("Møtet har begynt. Forfall kan bare meldes før møtet starter.")
    context["current"] = current
    return render(request, "meetings/absence_link.html", context)
