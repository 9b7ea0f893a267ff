"""The decision register as the core's ``DecisionSource`` (partnership.extensions): whether a
body of a kind has decided on a core object (R1: the Ledermøte ends a common measure), which
decisions may be linked to it, and the link itself through ``services.decision_link``."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from partnership.extensions import DecisionRef, DecisionSource

from . import services
from .models import Decision

LINKABLE_LIMIT = 50


def _ref(decision: Decision) -> DecisionRef:
    return DecisionRef(
        pk=decision.pk,
        label=decision.label,
        title=decision.title,
        decided_on=decision.decided_on,
        url=decision.get_absolute_url(),
    )


class RegisterSource(DecisionSource):
    def _of_kind(self, body_kind: str):
        return Decision.objects.select_related("body").filter(body__kind=body_kind)

    def concerning(self, obj, *, body_kind: str) -> list[DecisionRef]:
        content_type = ContentType.objects.get_for_model(obj)
        rows = self._of_kind(body_kind).filter(concerns_type=content_type, concerns_id=obj.pk)
        return [_ref(d) for d in rows]

    def linkable(self, obj, *, body_kind: str) -> list[DecisionRef]:
        content_type = ContentType.objects.get_for_model(obj)
        rows = self._of_kind(body_kind).filter(
            Q(concerns_type__isnull=True) | Q(concerns_type=content_type, concerns_id=obj.pk)
        )
        return [_ref(d) for d in rows[:LINKABLE_LIMIT]]

    def link(self, obj, *, decision_pk: int, body_kind: str) -> DecisionRef:
        decision = self._of_kind(body_kind).filter(pk=decision_pk).first()
        if decision is None:
            raise ValidationError(
                {"decision": _("Velg et vedtak fra vedtaksregisteret til riktig organ.")}
            )
        return _ref(services.decision_link(decision=decision, concerns=obj))
