"""Reads of the workgroups app that pages and reports share."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from meetings.models import Decision
from partnership.models import BudgetVersion


def adopting_decisions(versions) -> dict[int, Decision]:
    """The decision that adopted each version (by version id), in one query."""
    ids = [v.pk for v in versions]
    if not ids:
        return {}
    decisions = Decision.objects.select_related("body").filter(
        concerns_type=ContentType.objects.get_for_model(BudgetVersion), concerns_id__in=ids
    )
    return {d.concerns_id: d for d in decisions}
