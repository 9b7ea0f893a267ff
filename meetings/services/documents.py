"""Governing documents and their versions, adopted by decisions (R12)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnership.actors import acting_person
from partnership.models import Body, Person

from .. import seeds
from ..models import (
    Decision,
    DocumentVersion,
    GoverningDocument,
)
from .decisions import decision_link


# --- Governing documents (R12) ----------------------------------------------------------------
@transaction.atomic
def governing_documents_seed(
    *, leaders_body: Body | None = None, partners_body: Body | None = None
) -> int:
    """Create the eight attachments of the action plan §8 that are missing; idempotent.

    The responsible bodies default to the (first) Ledermøte and Partnermøte in the registry.
    """
    bodies = {
        Body.Kind.LEADERS: leaders_body
        or Body.objects.filter(kind=Body.Kind.LEADERS).order_by("pk").first(),
        Body.Kind.PARTNERS: partners_body
        or Body.objects.filter(kind=Body.Kind.PARTNERS).order_by("pk").first(),
    }
    missing = [kind.label for kind, body in bodies.items() if body is None]
    if missing:
        raise ValidationError(_("Registeret mangler %(bodies)s.") % {"bodies": ", ".join(missing)})
    created = 0
    for position, (key, title, kind) in enumerate(seeds.GOVERNING_DOCUMENTS, start=1):
        _doc, was_created = GoverningDocument.objects.get_or_create(
            key=key,
            defaults={"title": title, "responsible_body": bodies[kind], "position": position},
        )
        created += was_created
    return created


@transaction.atomic
def document_version_create(
    *,
    document: GoverningDocument,
    text: str,
    change_note: str = "",
    created_by: Person | None = None,
) -> DocumentVersion:
    """A new draft version; it is not in force until its responsible body adopts it."""
    document = GoverningDocument.objects.select_for_update().get(pk=document.pk)
    latest = document.versions.order_by("-number").first()
    if not text.strip():
        raise ValidationError({"text": _("Dokumentet må ha en tekst.")})
    if latest is not None and latest.text == text:
        raise ValidationError(
            {"text": _("Teksten er lik versjon %(number)s.") % {"number": latest.number}}
        )
    version = DocumentVersion(
        document=document,
        number=(latest.number if latest else 0) + 1,
        text=text,
        change_note=change_note.strip(),
        created_by=acting_person(created_by),
    )
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def document_version_adopt(*, version: DocumentVersion, decision: Decision) -> DocumentVersion:
    """Put a version in force by a decision of the document's responsible body (R12, must).

    The decision is linked to the version (``Decision.concerns``).
    """
    version = (
        DocumentVersion.objects.select_for_update(of=("self",))
        .select_related("document__responsible_body")
        .get(pk=version.pk)
    )
    document = version.document
    if version.adopted_by_id is not None:
        raise ValidationError(
            _("Versjon %(number)s er allerede vedtatt.") % {"number": version.number}
        )
    if decision.body_id != document.responsible_body_id:
        raise ValidationError(
            {
                "adopted_by": _(
                    "«%(document)s» vedtas av %(responsible)s. "
                    "Et vedtak i %(body)s kan ikke sette det i kraft."
                )
                % {
                    "document": document.title,
                    "responsible": document.responsible_body,
                    "body": decision.body,
                }
            }
        )
    decision_link(decision=decision, concerns=version)
    version.adopted_by = decision
    version.save(update_fields=["adopted_by"])
    return version
