"""E-mails and reminders for Partnerpotten and study visits, written to the outbox.

Every function here is called by ``partnerpot.services`` inside the transaction of the change
it tells about, so the e-mail exists exactly when the change does.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone

from meetings.models import OSLO


def format_datetime(moment: dt.datetime) -> str:
    """ "1. mars 2026 kl. 12:00" in the active language, Oslo time."""
    local = timezone.localtime(moment, OSLO)
    return f"{formats.date_format(local, 'j. F Y')} {formats.time_format(local, 'H:i')}"


def call_published(*, call) -> None:
    """TODO(helper C): partner representatives are told when the call opens."""


def call_deadline_moved(*, call) -> None:
    """TODO(helper C)."""


def call_cancelled(*, call) -> None:
    """TODO(helper C)."""


def application_submitted(*, application) -> None:
    """TODO(helper C): receipt with PDF."""


def application_withdrawn(*, application) -> None:
    """TODO(helper C)."""


def info_requested(*, info_request) -> None:
    """TODO(helper C)."""


def info_request_answered(*, info_request) -> None:
    """TODO(helper C)."""


def application_decided(*, application) -> None:
    """TODO(helper C): decision letter."""


def report_submitted(*, report) -> None:
    """TODO(helper C)."""


def report_feedback(*, report, approved: bool) -> None:
    """TODO(helper C)."""


def study_visit_submitted(*, visit) -> None:
    """TODO(helper C)."""


def study_visit_decided(*, visit) -> None:
    """TODO(helper C)."""
