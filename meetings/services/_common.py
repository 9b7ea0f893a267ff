"""What the meetings services share: constants and small helpers (saving with history, locking a meeting, numbering)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership.actors import acting_person
from partnership.models import Body

from ..models import (
    AgendaCounter,
    Meeting,
)

# Stored texts the portal writes itself (report items) are in the default language,
# whoever triggered them.
STORED_LANGUAGE = "nb"


# --- Small helpers ----------------------------------------------------------------------------
def _save(obj, *, by=None, **kwargs) -> None:
    """Save, with ``by`` as the author of the history record when given."""
    if acting_person(by) is not None:
        obj._history_user = by
    obj.save(**kwargs)


def _require_aware(**values: dt.datetime | None) -> None:
    errors = {
        name: _("Oppgi tidspunktet med tidssone.")
        for name, value in values.items()
        if value is not None and timezone.is_naive(value)
    }
    if errors:
        raise ValidationError(errors)


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)


def _refuse_if_closed(meeting: Meeting) -> None:
    """Agenda, attendance and minutes of a cancelled meeting or approved minutes are read-only."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("Møtet er avlyst. Gjenoppta det før du endrer det."))
    if meeting.status == Meeting.Status.MINUTES_APPROVED:
        raise ValidationError(
            _("Referatet er godkjent og kan ikke endres. Rettelser gjøres med et nytt vedtak.")
        )


def _next_number(*, body: Body, year: int, series: str) -> int:
    """The next number in the body's series for the year; call inside a transaction.

    The counter row is created if missing (``ON CONFLICT DO NOTHING``, so two
    first creations do not collide) and then locked until the transaction ends.
    """
    AgendaCounter.objects.bulk_create(
        [AgendaCounter(body=body, year=year, series=series)], ignore_conflicts=True
    )
    counter = AgendaCounter.objects.select_for_update().get(body=body, year=year, series=series)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number
