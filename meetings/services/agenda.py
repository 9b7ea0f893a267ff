"""Agenda items and the files attached to them."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership import uploads
from partnership.actors import acting_person
from partnership.models import Person

from ..models import (
    AgendaAttachment,
    AgendaCounter,
    AgendaItem,
    Meeting,
    Minutes,
    MinutesEntry,
    local_year,
)
from ._common import _lock_meeting, _next_number, _refuse_if_closed, _save

# --- Agenda -----------------------------------------------------------------------------------
ITEM_FIELDS = (
    "kind",
    "title",
    "background",
    "proposed_decision",
    "responsible",
    "exempt",
    "legal_basis",
)


def _validate_item(item: AgendaItem) -> None:
    item.title = (item.title or "").strip()
    item.legal_basis = (item.legal_basis or "").strip()
    if item.exempt and not item.legal_basis:
        raise ValidationError(
            {
                "legal_basis": _(
                    "Oppgi hjemmel for å unnta saken fra offentlighet, for eksempel «offl. § 14»."
                )
            }
        )
    item.full_clean()


@transaction.atomic
def agenda_item_create(
    *,
    meeting: Meeting,
    title: str,
    kind: str = AgendaItem.Kind.DECISION,
    background: str = "",
    proposed_decision: str = "",
    responsible: Person | None = None,
    exempt: bool = False,
    legal_basis: str = "",
    created_by: Person | None = None,
) -> AgendaItem:
    """Put an item on the agenda with the body's next number for the meeting's year.

    The number comes from the locked counter row, so items created at the same time
    get unique, gapless numbers ("PM-sak 7/2026").
    """
    meeting = _lock_meeting(meeting)
    _refuse_if_closed(meeting)
    year = local_year(meeting.starts_at)
    item = AgendaItem(
        meeting=meeting,
        body=meeting.body,
        year=year,
        number=0,
        kind=kind,
        title=title,
        background=background,
        proposed_decision=proposed_decision,
        responsible=responsible,
        exempt=exempt,
        legal_basis=legal_basis,
        created_by=acting_person(created_by),
        # After the notice went out the item is a tilleggssak: marked on the agenda, the notice
        # PDF and e-mails, and sent with the next supplementary notice (issue 11 §3).
        added_after_notice_at=(
            timezone.now() if meeting.status == Meeting.Status.NOTICE_SENT else None
        ),
    )
    # Validate before taking a number: a refused item uses none (the rollback would undo it anyway).
    _validate_item(item)
    item.number = _next_number(
        body=meeting.body, year=year, series=AgendaCounter.Series.AGENDA_ITEM
    )
    item.position = (meeting.agenda_items.aggregate(m=Max("position"))["m"] or 0) + 1
    item.validate_constraints()
    _save(item, by=created_by)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None:
        MinutesEntry.objects.create(minutes=minutes, agenda_item=item)
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, by: Person | None = None, **fields) -> AgendaItem:
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"agenda_item_update() got unexpected fields: {sorted(unknown)}")
    meeting = _lock_meeting(item.meeting)
    _refuse_if_closed(meeting)
    item = AgendaItem.objects.select_related("body").get(pk=item.pk)
    for name, value in fields.items():
        setattr(item, name, value)
    _validate_item(item)
    _save(item, by=by)
    return item


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, item_ids: Sequence[int], by: Person | None = None) -> None:
    """Set the order of the agenda; ``item_ids`` must name every item of the meeting once."""
    meeting = _lock_meeting(meeting)
    _refuse_if_closed(meeting)
    items = {i.pk: i for i in meeting.agenda_items.all()}
    if len(item_ids) != len(set(item_ids)) or set(item_ids) != set(items):
        raise ValidationError(
            _("Rekkefølgen må inneholde alle sakene på sakslisten, én gang hver.")
        )
    for position, pk in enumerate(item_ids, start=1):
        items[pk].position = position
    AgendaItem.objects.bulk_update(items.values(), ["position"])


# --- Attachments to agenda items --------------------------------------------------------------
logger = logging.getLogger(__name__)


def attachment_add(
    *,
    item: AgendaItem,
    file,
    uploaded_by: Person | None = None,
    exempt: bool = False,
    legal_basis: str = "",
) -> AgendaAttachment:
    """Attach ``file`` (an UploadedFile) to an agenda item.

    Refused, with nothing saved: no file, a file over ``ATTACHMENT_MAX_BYTES``, a type outside
    the allow-list (judged by content), an exempt file without legal basis, an item of a
    cancelled meeting or of a meeting whose minutes are approved. The file is written by the
    storage when the row is saved, in the same transaction; if the transaction fails the
    stored file is deleted again.
    """
    upload = uploads.check_upload(file)
    legal_basis = (legal_basis or "").strip()
    if exempt and not legal_basis:
        raise ValidationError(
            {
                "legal_basis": _(
                    "Oppgi hjemmel for å unnta vedlegget fra offentlighet, "
                    "for eksempel «offl. § 14»."
                )
            }
        )
    attachment = AgendaAttachment(
        agenda_item=item,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=acting_person(uploaded_by),
        exempt=exempt,
        legal_basis=legal_basis,
    )
    storage = AgendaAttachment._meta.get_field("file").storage
    stored: list[str] = []
    try:
        with transaction.atomic():
            meeting = _lock_meeting(item.meeting)
            _refuse_if_closed(meeting)
            if not AgendaItem.objects.filter(pk=item.pk, meeting=meeting).exists():
                raise ValidationError(_("Saken finnes ikke lenger."))
            attachment.full_clean(exclude=["file"])
            attachment.file.save(upload.original_name, file, save=False)
            stored.append(attachment.file.name)
            attachment.save()
    except BaseException:
        for name in stored:
            uploads.delete_stored(storage, name)
        raise
    return attachment


def attachment_remove(*, attachment: AgendaAttachment, by: Person | None = None) -> None:
    """Remove an attachment; the stored file is deleted once the removal is committed."""
    with transaction.atomic():
        meeting = _lock_meeting(attachment.agenda_item.meeting)
        _refuse_if_closed(meeting)
        name = attachment.file.name
        storage = attachment.file.storage
        AgendaAttachment.objects.filter(pk=attachment.pk).delete()
        transaction.on_commit(lambda: uploads.delete_stored(storage, name))
