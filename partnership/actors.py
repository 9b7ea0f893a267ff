"""Who did it: the one rule for turning a service's ``by=`` argument into a person."""

from __future__ import annotations

from .models import Person


def acting_person(by) -> Person | None:
    """``by`` when it is a saved ``Person``; ``None`` for ``None``, an ``AnonymousUser`` or an
    unsaved object (they cannot author a history record or a row's ``updated_by``)."""
    return by if isinstance(by, Person) and by.pk is not None else None
