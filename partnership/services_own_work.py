"""Writes for partners' own work (issue 12 §6, R13). Keyword-only, transactional, translated
refusals; ``by`` authors the history row."""

from __future__ import annotations

from django.db import transaction

from . import uploads
from .actors import acting_person
from .models import OwnWork, Partner

FIELDS = ("kind", "title", "description", "target_group", "starts_on", "ends_on", "link")


def _save(obj, *, by=None) -> None:
    if acting_person(by) is not None:
        obj._history_user = by
    obj.save()


def own_work_save(
    *,
    partner: Partner,
    work: OwnWork | None = None,
    file=None,
    remove_file: bool = False,
    by=None,
    **fields,
) -> OwnWork:
    """Add (``work`` None) or change an item on the partner's page. A file goes through the
    portal's upload checks (type judged by its content, size, a stored name of our own) and
    is deleted again if the row is refused; a replaced file is deleted once the change is
    committed."""
    storage = OwnWork._meta.get_field("file").storage
    stored: list[str] = []
    old_file = ""
    try:
        with transaction.atomic():
            if work is None:
                work = OwnWork(partner=partner)
            else:
                work = OwnWork.objects.select_for_update().get(pk=work.pk, partner=partner)
            for name in FIELDS:
                if name in fields:
                    value = fields[name]
                    setattr(work, name, value.strip() if isinstance(value, str) else value)
            if file is not None or remove_file:
                old_file = work.file.name or ""
                work.file = ""
                work.file_name = work.file_type = ""
            if file is not None:
                checked = uploads.check_upload(file)
                work.file_name = checked.original_name
                work.file_type = checked.content_type
                work.file.save(checked.original_name, file, save=False)
                stored.append(work.file.name)
            work.updated_by = acting_person(by)
            work.full_clean(exclude=["file"])
            _save(work, by=by)
    except BaseException:
        for name in stored:
            uploads.delete_stored(storage, name)
        raise
    if old_file:
        transaction.on_commit(lambda: uploads.delete_stored(storage, old_file))
    return work


@transaction.atomic
def own_work_delete(*, work: OwnWork, by=None) -> None:
    work = OwnWork.objects.select_for_update().get(pk=work.pk)
    if acting_person(by) is not None:
        work._history_user = by
    name = work.file.name or ""
    storage = work.file.storage
    work.delete()
    if name:
        transaction.on_commit(lambda: uploads.delete_stored(storage, name))
