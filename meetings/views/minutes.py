"""Attendance, stepping aside, the minutes (with optimistic locking) and follow-up items."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.locking import ConflictError
from partnership.models import Body, Membership, Person

from .. import access, selectors, services
from ..forms import (
    FollowUpForm,
    FollowUpStatusForm,
    MinutesApproveForm,
    MinutesEntryForm,
    MinutesNotesForm,
    StepAsideForm,
    people_of_body,
)
from ..models import Attendance, Decision, FollowUp, Meeting, Minutes, MinutesEntry
from ..pdf import minutes_pdf_task
from .common import apply_validation_error, done, error_text, with_message


# --- Attendance ---------------------------------------------------------------------------------
def _attendance_context(meeting: Meeting, **extra) -> dict:
    rows = selectors.attendance_sheet(meeting=meeting)
    agenda = selectors.meeting_agenda(meeting=meeting)  # the titles, for step-asides
    context = {
        "meeting": meeting,
        "rows": rows,
        "statuses": Attendance.Status.choices,
        "quorum": selectors.quorum(meeting=meeting),
        "agenda": agenda,
        "editable": meeting.status
        not in (Meeting.Status.CANCELLED, Meeting.Status.MINUTES_APPROVED),
        "people": [p for _m, p, _a in rows],
        "row_errors": {},
        "posted": {},
    }
    context.update(extra)
    context["sheet"] = _sheet(rows, context["posted"], context["row_errors"])
    # Errors of rows the sheet does not have (someone who is not in the body), and of the form.
    shown = {row["person"].pk for row in context["sheet"]}
    context["stray_errors"] = [
        message
        for person_id, fields in context["row_errors"].items()
        if person_id not in shown
        for messages_ in fields.values()
        for message in messages_
    ]
    return context


def _sheet(rows, posted: dict, row_errors: dict) -> list[dict]:
    """The form's rows, as the page shows them: what was posted (a refused form keeps every
    choice), else what is recorded, else present for a voting seat (deputies and guests stay
    unrecorded until chosen); each member offered only their own partner's deputies."""
    by_partner = selectors.deputies_by_partner(rows)
    sheet = []
    for membership, person, record in rows:
        mine = posted.get(person.pk)
        is_deputy = membership is not None and membership.role == Membership.Role.DEPUTY
        if mine is not None:
            status, deputy_id, note = mine.status, mine.deputy_id, mine.note
        elif record is not None:
            status, deputy_id, note = record.status, record.deputy_id, record.note
        else:
            voting = membership is not None and not is_deputy
            status, deputy_id, note = (Attendance.Status.PRESENT if voting else ""), None, ""
        partner_id = membership.partner_id if membership else None
        sheet.append(
            {
                "person": person,
                "membership": membership,
                "is_deputy": is_deputy,
                "status": status,
                "deputy_id": deputy_id,
                "note": note,
                "deputies": [] if is_deputy else by_partner.get(partner_id, []),
                "errors": row_errors.get(person.pk, {}),
            }
        )
    return sheet


_ROW_FIELD = re.compile(r"^status-(\d+)$")


def _posted_sheet(data) -> tuple[list, dict]:
    """The attendance form's rows as posted (``status-<person id>``, ``deputy-…``, ``note-…``),
    and the same values by person id to show them again if something is refused."""
    rows, posted = [], {}
    for key in data:
        match = _ROW_FIELD.match(key)
        if not match:
            continue
        person_id = int(match.group(1))
        deputy = data.get(f"deputy-{person_id}", "")
        row = services.SheetRow(
            person_id=person_id,
            status=data.get(key, ""),
            deputy_id=int(deputy) if deputy.isdigit() else None,
            note=data.get(f"note-{person_id}", ""),
        )
        rows.append(row)
        posted[person_id] = row
    return rows, posted


@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance form (issue 11 §5): the whole meeting in one form, everyone present by
    default. A refused row keeps what was chosen and nothing is saved; ``preview`` (sent as the
    form changes) only recounts the quorum."""
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    if request.method == "GET":
        return render(request, "meetings/attendance.html", _attendance_context(meeting))
    rows, posted = _posted_sheet(request.POST)
    if request.POST.get("preview"):
        states = {r.person_id: (r.status, r.deputy_id) for r in rows}
        context = {
            "meeting": meeting,
            "editable": True,
            "quorum": selectors.quorum_if(meeting=meeting, states=states),
        }
        return render(request, "meetings/attendance.html#quorum", context)
    if not rows:
        context = _attendance_context(
            meeting, row_errors={None: {"general": [_("Skjemaet hadde ingen rader.")]}}
        )
        return render(request, "meetings/attendance.html", context, status=400)
    try:
        services.attendance_record_sheet(meeting=meeting, rows=rows, by=request.user)
    except services.AttendanceRefused as refused:
        context = _attendance_context(meeting, row_errors=refused.row_errors, posted=posted)
        template = "meetings/attendance.html#sheet" if request.htmx else "meetings/attendance.html"
        return render(request, template, context, status=400)
    except ValidationError as exc:
        context = _attendance_context(
            meeting, row_errors={None: {"general": exc.messages}}, posted=posted
        )
        return render(request, "meetings/attendance.html", context, status=400)
    message = _("Oppmøtet er lagret.")
    if not request.htmx:
        return done(request, message, "meetings:attendance", pk)
    context = _attendance_context(meeting)
    html = render_to_string("meetings/attendance.html#sheet", context, request)
    html += render_to_string("meetings/attendance.html#quorum", {**context, "oob": True}, request)
    return with_message(HttpResponse(html), message)


@require_POST
def step_aside_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that someone steps aside on an item (conflict of interest)."""
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    context = _attendance_context(meeting)
    form = StepAsideForm(
        request.POST,
        items=meeting.agenda_items.all(),
        people=Person.objects.filter(pk__in=[p.pk for p in context["people"]]),
    )
    if form.is_valid():
        try:
            step = services.step_aside_record(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = _("%(person)s fratrer i %(item)s.") % {
                "person": step.person,
                "item": step.agenda_item.label,
            }
            return _step_asides_response(request, meeting, message=message)
    return _step_asides_response(request, meeting, form=form, status=400)


def _step_asides_response(
    request: HttpRequest, meeting: Meeting, *, message: str = "", form=None, status: int = 200
) -> HttpResponse:
    if not request.htmx:
        if status == 200:
            return done(request, message, "meetings:attendance", meeting.pk)
        return render(
            request,
            "meetings/attendance.html",
            _attendance_context(meeting, step_form=form),
            status=status,
        )
    context = _attendance_context(meeting, step_form=form)
    html = render_to_string("meetings/attendance.html#step-asides", context, request)
    html += render_to_string("meetings/attendance.html#quorum", {**context, "oob": True}, request)
    response = HttpResponse(html, status=status)
    return with_message(response, message) if message else response


@require_POST
def step_aside_remove(request: HttpRequest, pk: int) -> HttpResponse:
    step = access.step_aside_for_user(request.user, pk)
    item = step.agenda_item
    try:
        services.step_aside_remove(step_aside=step, by=request.user)
    except ValidationError as exc:
        form = StepAsideForm(items=item.meeting.agenda_items.all(), people=Person.objects.none())
        form.add_error(None, exc)
        return _step_asides_response(request, item.meeting, form=form, status=400)
    message = _("Fratredenen til %(person)s er fjernet.") % {"person": step.person}
    return _step_asides_response(request, item.meeting, message=message)


# --- Minutes ------------------------------------------------------------------------------------
def _entry_context(
    entry: MinutesEntry, quorums: dict, *, form=None, conflict=None, follow_up_form=None
) -> dict:
    return {
        "entry": entry,
        "item": entry.agenda_item,
        "quorum": quorums.get(entry.agenda_item_id),
        "form": form
        or MinutesEntryForm(
            initial={
                "summary": entry.summary,
                "decision_text": entry.decision_text,
                "version": entry.version,
            },
            auto_id=f"entry-{entry.pk}-%s",
        ),
        "conflict": conflict,
        "error": " ".join(form.non_field_errors()) if form is not None else "",
        "follow_up_form": follow_up_form,
        "follow_ups": list(entry.follow_ups.all()),
    }


def _notes_form(minutes: Minutes, data=None) -> MinutesNotesForm:
    initial = {"notes": minutes.notes, "version": minutes.version}
    return MinutesNotesForm(data, initial=initial, auto_id="notes-%s")


def _minutes_context(
    request: HttpRequest, meeting: Meeting, *, replace: dict | None = None, **extra
) -> dict:
    """The minutes page; ``replace`` maps an entry id to its context (a form with errors)."""
    can_manage = access.can_manage_body_meetings(request.user, meeting.body)
    minutes = selectors.minutes_for_meeting(meeting=meeting)
    quorums = selectors.quorum_per_item(meeting=meeting) if minutes else {}
    agenda = selectors.meeting_agenda(meeting=meeting, user=request.user)
    # Until the minutes are approved, a reader conflicted on an item does not see its entry
    # (the draft decision text is the recommendation they may not read, issue 10 §2).
    approved = minutes is not None and minutes.is_approved
    withheld = [item for item in agenda if getattr(item, "withheld", False) and not approved]
    visible = {item.pk for item in agenda} - {item.pk for item in withheld}
    entries = []
    if minutes is not None and (can_manage or minutes.is_approved):
        for entry in minutes.entries.all():
            if entry.agenda_item_id not in visible:
                continue
            entries.append((replace or {}).get(entry.pk) or _entry_context(entry, quorums))
    editable = can_manage and minutes is not None and not minutes.is_approved
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "entries": entries,
        "withheld_items": withheld,
        "can_manage": can_manage,
        "editable": editable,
        "quorum": selectors.quorum(meeting=meeting) if minutes else None,
        "people": list(people_of_body(meeting.body, meeting.local_date)),
        "bodies": list(Body.objects.order_by("kind", "name")),
        "can_start": can_manage
        and minutes is None
        and meeting.status in (Meeting.Status.NOTICE_SENT, Meeting.Status.HELD),
        "started": meeting.starts_at <= timezone.now(),
    }
    if editable:
        context["notes_form"] = _notes_form(minutes)
        later = (
            Meeting.objects.filter(body=meeting.body, starts_at__gt=meeting.starts_at)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("starts_at")[:10]
        )
        context["approve_form"] = MinutesApproveForm(meetings=later)
    context.update(extra)
    return context


@require_GET
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk)
    return render(request, "meetings/minutes.html", _minutes_context(request, meeting))


@require_POST
def minutes_start(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    try:
        services.minutes_start(meeting=meeting, by=request.user)
    except ValidationError as exc:
        meeting.refresh_from_db()
        return render(
            request,
            "meetings/minutes.html",
            _minutes_context(request, meeting, page_error=error_text(exc)),
            status=400,
        )
    return done(request, _("Referatet er opprettet med et punkt per sak."), "meetings:minutes", pk)


def _entry_for_manager(request: HttpRequest, pk: int) -> MinutesEntry:
    return access.minutes_entry_for_user(request.user, pk)


def _entry_response(
    request: HttpRequest, entry: MinutesEntry, *, status: int = 200, message: str = "", **kwargs
) -> HttpResponse:
    meeting = Meeting.objects.select_related("body").get(pk=entry.minutes.meeting_id)
    if not request.htmx:
        if status == 200:
            messages.success(request, message)
            return redirect(reverse("meetings:minutes", args=[meeting.pk]) + f"#entry-{entry.pk}")
        quorums = selectors.quorum_per_item(meeting=meeting)
        replace = {entry.pk: _entry_context(entry, quorums, **kwargs)}
        return render(
            request,
            "meetings/minutes.html",
            _minutes_context(request, meeting, replace=replace),
            status=status,
        )
    if not kwargs:  # saved: show what is stored now
        entry = MinutesEntry.objects.select_related("minutes", "agenda_item__body").get(pk=entry.pk)
    context = _minutes_context(request, meeting)
    context["e"] = _entry_context(entry, selectors.quorum_per_item(meeting=meeting), **kwargs)
    response = render(request, "meetings/minutes.html#entry", context, status=status)
    return with_message(response, message) if message else response


@require_POST
def minutes_entry_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save one item's summary and decision text; a stale version is refused and both texts
    (the one saved meanwhile and yours) are shown, so neither is lost."""
    entry = _entry_for_manager(request, pk)
    form = MinutesEntryForm(request.POST, auto_id=f"entry-{entry.pk}-%s")
    if form.is_valid():
        try:
            entry = services.minutes_entry_save(entry=entry, by=request.user, **form.cleaned_data)
        except ConflictError as conflict:
            # Keep the user's text in the form, now against the version they have seen.
            data = {**conflict.yours, "version": conflict.current_version}
            form = MinutesEntryForm(data, auto_id=f"entry-{entry.pk}-%s")
            form.is_valid()
            entry.refresh_from_db()
            return _entry_response(request, entry, status=400, form=form, conflict=conflict)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _entry_response(
                request,
                entry,
                message=_("Referatet for %(item)s er lagret.") % {"item": entry.agenda_item.label},
            )
    return _entry_response(request, entry, status=400, form=form)


@require_POST
def minutes_notes_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the minutes' general notes ("Andre merknader"); like an entry, a stale version is
    refused and both texts are shown, so neither is lost."""
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise Http404
    form = _notes_form(minutes, request.POST)
    if form.is_valid():
        try:
            services.minutes_save(minutes=minutes, by=request.user, **form.cleaned_data)
        except ConflictError as conflict:
            # Keep the user's text in the form, now against the version they have seen.
            form = _notes_form(minutes, {**conflict.yours, "version": conflict.current_version})
            form.is_valid()
            return _notes_response(
                request, meeting, status=400, notes_form=form, notes_conflict=conflict
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _notes_response(request, meeting, message=_("Andre merknader er lagret."))
    return _notes_response(request, meeting, status=400, notes_form=form)


def _notes_response(
    request: HttpRequest, meeting: Meeting, *, status: int = 200, message: str = "", **extra
) -> HttpResponse:
    """The notes fragment (htmx), or the minutes page: redirected to after a save, rendered
    with the form (and both texts after a conflict) otherwise."""
    if not request.htmx and status == 200:
        messages.success(request, message)
        return redirect(reverse("meetings:minutes", args=[meeting.pk]) + "#minutes-notes")
    meeting.refresh_from_db()
    context = _minutes_context(request, meeting, **extra)
    if not request.htmx:
        return render(request, "meetings/minutes.html", context, status=status)
    response = render(request, "meetings/minutes.html#notes", context, status=status)
    return with_message(response, message) if message else response


@require_POST
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for_user(request.user, pk, action="manage")
    minutes = selectors.minutes_for_meeting(meeting=meeting)
    later = Meeting.objects.filter(body=meeting.body, starts_at__gt=meeting.starts_at).exclude(
        status=Meeting.Status.CANCELLED
    )
    form = MinutesApproveForm(request.POST, meetings=later)
    if minutes is None:
        form.add_error(None, _("Møtet har ikke noe referat ennå."))
    elif form.is_valid():
        try:
            services.minutes_approve(
                minutes=minutes,
                how=form.cleaned_data["how"],
                at_meeting=form.cleaned_data["at_meeting"],
                confirm_empty=form.cleaned_data["confirm_empty"],
                by=request.user,
            )
        except services.EmptyItemsNeedConfirmation as exc:
            form.empty_items = exc.items
            form.add_error(
                "confirm_empty",
                _(
                    "Sakene over står uten referat. Skriv referat først, eller kryss av for å "
                    "godkjenne likevel."
                ),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            _queue_minutes_pdf(meeting)
            return done(request, _approved_message(meeting), "meetings:minutes", pk)
    meeting.refresh_from_db()
    return render(
        request,
        "meetings/minutes.html",
        _minutes_context(request, meeting, approve_form=form),
        status=400,
    )


def _approved_message(meeting: Meeting) -> str:
    """What approval did: the decisions now in the register, by number, or that there are none."""
    labels = [
        decision.label
        for decision in Decision.objects.filter(meeting=meeting)
        .select_related("body")
        .order_by("number")
    ]
    if not labels:
        return _(
            "Referatet er godkjent. Møtet fattet ingen vedtak, så ingenting er ført i "
            "vedtaksregisteret."
        )
    return _("Referatet er godkjent. Ført i vedtaksregisteret: %(decisions)s.") % {
        "decisions": ", ".join(labels)
    }


def _queue_minutes_pdf(meeting: Meeting) -> None:
    """Have the PDF of the approved minutes made ahead of the first download (the download
    view renders it if no worker has yet)."""

    try:
        minutes_pdf_task.delay_on_commit(meeting_id=meeting.pk)
    except Exception:  # noqa: BLE001 - a missing broker must not undo an approval
        return


@require_POST
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A follow-up item from the minutes (what, who, by when)."""
    entry = _entry_for_manager(request, pk)
    meeting = Meeting.objects.select_related("body").get(pk=entry.minutes.meeting_id)
    form = FollowUpForm(
        request.POST,
        people=people_of_body(meeting.body, meeting.local_date),
        bodies=Body.objects.all(),
        auto_id=f"fu-{entry.pk}-%s",
    )
    if form.is_valid():
        try:
            fields = {k: v for k, v in form.cleaned_data.items() if k != "confirm_past"}
            services.follow_up_create(minutes_entry=entry, created_by=request.user, **fields)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _entry_response(request, entry, message=_("Oppfølgingspunktet er lagt til."))
    return _entry_response(request, entry, status=400, follow_up_form=form)


# --- My follow-ups ------------------------------------------------------------------------------
@require_GET
def my_follow_ups(request: HttpRequest) -> HttpResponse:
    include_closed = request.GET.get("alle") == "1"
    return render(
        request,
        "meetings/my_follow_ups.html",
        {
            "follow_ups": selectors.my_follow_ups(request.user, include_closed=include_closed),
            "include_closed": include_closed,
            "statuses": FollowUp.Status.choices,
            "today": timezone.localdate(),
        },
    )


@require_POST
def follow_up_status(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = access.follow_up_for_user(request.user, pk, action="update")
    form = FollowUpStatusForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.follow_up_set_status(
                follow_up=follow_up, status=form.cleaned_data["status"], by=request.user
            )
        except ValidationError as exc:
            error = error_text(exc)
    else:
        error = _("Velg en gyldig status.")
    message = "" if error else _("Statusen er endret.")
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, message)
        return redirect("meetings:my_follow_ups")
    row = FollowUp.objects.select_related(
        "responsible_person",
        "responsible_body",
        "minutes_entry__agenda_item__body",
        "minutes_entry__minutes__meeting__body",
    ).get(pk=follow_up.pk)
    response = render(
        request,
        "meetings/my_follow_ups.html#row",
        {
            "follow_up": row,
            "statuses": FollowUp.Status.choices,
            "row_error": error,
            "today": timezone.localdate(),
        },
        status=400 if error else 200,
    )
    return with_message(response, message) if message else response
