"""Writes for partners' own work (issue 12 §6, R13). Keyword-only, transactional, translated
refusals; ``by`` authors the history row."""

from __future__ import annotations

from django.db import transaction

from .actors import acting_person
from .models import OwnWork, Partner

FIELDS = ("kind", "title", "description", "target_group", "starts_on", "ends_on", "link")


def _save(obj, *, by=None) -> None:
    if acting_person(by) is not None:
        obj._history_user = by
    obj.save()


@transaction.atomic
def own_work_save(*, partner: Partner, work: OwnWork | None = None, by=None, **fields) -> OwnWork:
    if work is None:
        work = OwnWork(partner=partner)
    else:
        work = OwnWork.objects.select_for_update().get(pk=work.pk, partner=partner)
    for name in FIELDS:
        if name in fields:
            value = fields[name]
            setattr(work, name, value.strip() if isinstance(value, str) else value)
    work.updated_by = acting_person(by)
    work.full_clean()
    _save(work, by=by)
    return work


@transaction.atomic
def own_work_delete(*, work: OwnWork, by=None) -> None:
    work = OwnWork.objects.select_for_update().get(pk=work.pk)
    if acting_person(by) is not None:
        work._history_user = by
    work.delete()
