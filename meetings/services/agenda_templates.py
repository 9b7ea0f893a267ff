"""Agenda templates per kind of meeting, and applying one to a meeting."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from partnership.models import Person

from .. import seeds, selectors
from ..models import (
    AgendaItem,
    AgendaTemplate,
    AgendaTemplateItem,
    Meeting,
)
from .agenda import agenda_item_create


# --- Agenda templates -------------------------------------------------------------------------
@transaction.atomic
def seed_agenda_templates() -> int:
    """Create the templates of the working-group guide (002) that are missing; idempotent."""
    return seeds.seed_agenda_templates(AgendaTemplate, AgendaTemplateItem)


def _lock_template(template: AgendaTemplate) -> AgendaTemplate:
    """Lock the template while its items are added or reordered, so positions stay distinct."""
    return AgendaTemplate.objects.select_for_update().get(pk=template.pk)


@transaction.atomic
def agenda_template_create(
    *, meeting_kind: str, name: str, description: str = "", body_kind: str = ""
) -> AgendaTemplate:
    """A template for a kind of meeting of a kind of body (``""``: any body) that has none:
    one template per body kind and meeting kind."""
    taken = ValidationError(
        {
            "meeting_kind": _(
                "Det finnes allerede en saksliste-mal for denne organtypen og møtetypen."
            )
        }
    )
    if AgendaTemplate.objects.filter(body_kind=body_kind, meeting_kind=meeting_kind).exists():
        raise taken
    template = AgendaTemplate(
        body_kind=body_kind,
        meeting_kind=meeting_kind,
        name=name.strip(),
        description=description.strip(),
    )
    template.full_clean()
    try:
        with transaction.atomic():  # two people creating the same kind at once: one wins
            template.save()
    except IntegrityError:
        raise taken from None
    return template


@transaction.atomic
def agenda_template_update(
    *, template: AgendaTemplate, name: str, description: str = ""
) -> AgendaTemplate:
    """Rename the template or change its description (its meeting kind stays)."""
    template = _lock_template(template)
    template.name = name.strip()
    template.description = description.strip()
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def agenda_template_item_add(
    *,
    template: AgendaTemplate,
    title: str,
    kind: str = AgendaItem.Kind.DECISION,
    background: str = "",
) -> AgendaTemplateItem:
    """Add an item at the end of the template."""
    template = _lock_template(template)
    position = (template.items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = AgendaTemplateItem(
        template=template, title=title.strip(), kind=kind, background=background, position=position
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_template_item_update(
    *, item: AgendaTemplateItem, title: str, kind: str, background: str = ""
) -> AgendaTemplateItem:
    item.title = title.strip()
    item.kind = kind
    item.background = background
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_template_item_remove(*, item: AgendaTemplateItem) -> None:
    item.delete()


@transaction.atomic
def agenda_template_item_move(*, item: AgendaTemplateItem, direction: str) -> AgendaTemplateItem:
    """Move an item one place ``"up"`` or ``"down"`` in its template.

    The template is locked and its items renumbered 1..n, so two people moving items at the
    same time cannot leave two items on one position. At the top (or bottom) nothing moves.
    """
    if direction not in ("up", "down"):
        raise ValidationError(_("Ukjent retning."))
    template = _lock_template(item.template)
    items = list(template.items.order_by("position", "pk"))
    ids = [i.pk for i in items]
    if item.pk not in ids:
        raise ValidationError(_("Punktet er fjernet fra malen."))
    i = ids.index(item.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]
    changed = []
    for position, row in enumerate(items, start=1):
        if row.position != position:
            row.position = position
            changed.append(row)
    AgendaTemplateItem.objects.bulk_update(changed, ["position"])
    return next(row for row in items if row.pk == item.pk)


@transaction.atomic
def agenda_template_apply(
    *, meeting: Meeting, template: AgendaTemplate | None = None, by: Person | None = None
) -> list[AgendaItem]:
    """Add the template's items to the agenda (default: the template for the meeting's body
    kind and meeting kind, else the one for every body, ``selectors.template_for_meeting``).

    Items whose title is already on the agenda are skipped, so applying twice adds nothing.
    """
    if template is None:
        template = selectors.template_for_meeting(meeting)
        if template is None:
            raise ValidationError(_("Det finnes ingen saksliste-mal for denne møtetypen."))
    existing = {t.casefold() for t in meeting.agenda_items.values_list("title", flat=True)}
    created = []
    for template_item in template.items.order_by("position", "pk"):
        if template_item.title.casefold() in existing:
            continue
        created.append(
            agenda_item_create(
                meeting=meeting,
                title=template_item.title,
                kind=template_item.kind,
                background=template_item.background,
                created_by=by,
            )
        )
    return created
