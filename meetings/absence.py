"""Reporting absence from a meeting (melde forfall, issue 11 §4), and the deputy called in.

A member or deputy of the body reports absence from the meeting page, or from the link in
their notice e-mail: a signed, single-purpose token naming the meeting and the person, good
only for reporting (or withdrawing) that person's absence from that meeting, and only until the
meeting starts. The absence is the person's attendance row with "Meldt forfall", so the
secretariat sees it prefilled on the attendance form; choosing "absent, deputy attends" there
for a meeting that has not started calls the deputy in, who then gets the notice by e-mail.

Every e-mail goes through the outbox with a key per change: a repeated report or a task run
twice sends nothing twice.
"""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnership import outbox
from partnership.models import Membership, Person

from . import extensions, selectors
from .mailparts import When, meeting_url
from .models import Attendance, Meeting

SALT = "meetings.absence"
# A link older than this is refused even if the meeting is still ahead (notices go out weeks
# before, not a year).
LINK_MAX_AGE = 60 * 60 * 24 * 180


class Kind(models.TextChoices):
    """The e-mails about absence (registered with the core in ``apps.py``)."""

    ABSENCE_RECEIPT = "absence_receipt", gettext_lazy("Kvittering for meldt forfall")
    DEPUTY_CALLED_IN = "deputy_called_in", gettext_lazy("Innkalling som vara")


MANDATORY_KINDS = frozenset({Kind.DEPUTY_CALLED_IN})


# --- The link ---------------------------------------------------------------------------------
def token_for(meeting: Meeting, person: Person) -> str:
    return signing.dumps([meeting.pk, person.pk], salt=SALT, compress=False)


def read_token(token: str) -> tuple[int, int] | None:
    """(meeting id, person id), or None for a link that is forged, altered or too old."""
    try:
        meeting_id, person_id = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(meeting_id, int) and isinstance(person_id, int)):
        return None
    return meeting_id, person_id


def link_for(meeting: Meeting, person: Person) -> str:
    return outbox.absolute_url("meetings:absence_link", token_for(meeting, person))


# --- Rules ------------------------------------------------------------------------------------
def seat_of(meeting: Meeting, person: Person) -> Membership | None:
    return (
        Membership.objects.active_on(meeting.local_date)
        .filter(body_id=meeting.body_id, person=person)
        .order_by("pk")
        .first()
    )


def can_report(meeting: Meeting) -> bool:
    return (
        meeting.status in Meeting.UPCOMING_STATUSES
        and not meeting.is_cancelled
        and timezone.now() < meeting.starts_at
    )


def current_absence(meeting: Meeting, person: Person) -> Attendance | None:
    return Attendance.objects.filter(
        meeting=meeting, person=person, status=Attendance.Status.ABSENT_WITH_NOTICE
    ).first()


def _check(meeting: Meeting, person: Person) -> Membership:
    seat = seat_of(meeting, person)
    if seat is None:
        raise ValidationError(_("Du er ikke medlem eller vara i organet som møtes."))
    if meeting.is_cancelled:
        raise ValidationError(_("Møtet er avlyst."))
    if not can_report(meeting):
        raise ValidationError(_("Møtet har begynt. Forfall kan bare meldes før møtet starter."))
    return seat


# --- Services ---------------------------------------------------------------------------------
@transaction.atomic
def report(*, meeting: Meeting, person: Person, note: str = "") -> Attendance:
    """Record the person's absence with notice and send a receipt (once per report)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    seat = _check(meeting, person)
    note = (note or "").strip()[:300]
    attendance = Attendance.objects.filter(meeting=meeting, person=person).first()
    if attendance is not None and attendance.status == Attendance.Status.ABSENT_WITH_NOTICE:
        if note and note != attendance.note:
            attendance.note = note
            attendance.save(update_fields=["note"])
        return attendance  # reported already: no second receipt
    attendance = attendance or Attendance(meeting=meeting, person=person)
    attendance.membership = seat
    attendance.status = Attendance.Status.ABSENT_WITH_NOTICE
    attendance.deputy = None
    attendance.note = note
    attendance.save()
    outbox.enqueue([_receipt(meeting, person, attendance, withdrawn=False)])
    return attendance


@transaction.atomic
def withdraw(*, meeting: Meeting, person: Person) -> None:
    """The person will come after all: the absence goes (before the meeting starts)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check(meeting, person)
    attendance = current_absence(meeting, person)
    if attendance is None:
        raise ValidationError(_("Du har ikke meldt forfall til dette møtet."))
    key_id = attendance.pk
    attendance.delete()
    outbox.enqueue([_receipt(meeting, person, None, withdrawn=True, key_id=key_id)])


def call_in_deputies(*, meeting: Meeting, called: list[Attendance]) -> None:
    """The deputies named on rows newly set to "absent, deputy attends" get the notice of a
    meeting that has not started (called by the attendance service, in its transaction)."""
    if timezone.now() >= meeting.starts_at or meeting.is_cancelled:
        return
    outbox.enqueue([_deputy_notice(meeting, a) for a in called if a.deputy_id])


# --- E-mails ----------------------------------------------------------------------------------
def _context(meeting: Meeting, **extra) -> dict:
    return {"meeting": meeting, "when": When(meeting), "meeting_url": meeting_url(meeting), **extra}


def _receipt(meeting, person, attendance, *, withdrawn: bool, key_id=None) -> outbox.Draft:
    def subject() -> str:
        values = {"meeting": meeting.display_title}
        if withdrawn:
            return _("Forfallet er trukket: %(meeting)s") % values
        return _("Forfall er meldt: %(meeting)s") % values

    change = "withdrawn" if withdrawn else "reported"
    return outbox.compose(
        kind=Kind.ABSENCE_RECEIPT,
        idempotency_key=(
            f"absence:{change}:meeting:{meeting.pk}:person:{person.pk}:{key_id or attendance.pk}"
        ),
        template="meetings/email/absence_receipt",
        context=_context(
            meeting,
            withdrawn=withdrawn,
            note=attendance.note if attendance else "",
            link=link_for(meeting, person),
        ),
        subject=subject,
        recipient=person,
    )


def _deputy_notice(meeting: Meeting, attendance: Attendance) -> outbox.Draft:
    items = selectors.meeting_agenda(meeting=meeting)
    # A deputy conflicted on an item never sees its proposed decision (issue 10 §2).
    conflicts = extensions.conflicted_people(item.pk for item in items)
    withheld = extensions.withheld_item_ids(person_id=attendance.deputy_id, conflicts=conflicts)
    items = selectors.withhold(items, withheld)

    def subject() -> str:
        return _("Du er kalt inn som vara: %(meeting)s") % {"meeting": meeting.display_title}

    return outbox.compose(
        kind=Kind.DEPUTY_CALLED_IN,
        idempotency_key=(
            f"deputy:meeting:{meeting.pk}:member:{attendance.person_id}:"
            f"deputy:{attendance.deputy_id}"
        ),
        template="meetings/email/deputy_called_in",
        context=_context(meeting, items=items, member=attendance.person),
        subject=subject,
        recipient=attendance.deputy,
    )
