"""Optimistic locking: one ``ConflictError`` for every "someone saved this since you opened
it" (minutes, an application's sections, its final report, study visits).

A row carries a ``version`` that each save raises; a save that brings an older version is
refused with this error, which carries what the page needs to show both texts side by side so
that neither is lost.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from . import formats


class ConflictError(Exception):
    """Someone else saved the same thing since you opened it.

    ``current_version``, ``updated_by`` and ``updated_at`` describe what is saved now;
    ``current`` (what is saved now) and ``yours`` (what you tried to save) are the texts, where
    the caller has them.
    """

    def __init__(
        self,
        *,
        current_version: int,
        updated_by=None,
        updated_at: dt.datetime | None = None,
        current: dict[str, str] | None = None,
        yours: dict[str, str] | None = None,
    ):
        self.current_version = current_version
        self.updated_by = updated_by
        self.updated_at = updated_at
        self.current = current or {}
        self.yours = yours or {}
        self.message = _(
            "%(person)s lagret en endring %(when)s mens du skrev. Teksten din er ikke lagret, "
            "men den er tatt vare på under. Sammenlign og lagre på nytt."
        ) % {
            "person": updated_by or _("En annen bruker"),
            "when": formats.datetime(updated_at) if updated_at else "",
        }
        super().__init__(self.message)
