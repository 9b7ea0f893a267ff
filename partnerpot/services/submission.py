"""Submitting and withdrawing an application, and information requests to the applicant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership.actors import acting_person
from partnership.models import Person

from .. import notifications
from ..models import (
    Application,
    Call,
    InfoRequest,
)
from ._common import Section, Status, _now, move_to
from .applications import _lock_application, _touch, checklist


# --- Submission and withdrawal --------------------------------------------------------------
class AlreadySubmitted(ValidationError):
    """The application was submitted already (a double click): nothing more to do."""


@transaction.atomic
def application_submit(*, application: Application, by: Person | None = None) -> Application:
    """Submit a complete draft before the deadline (server time). The row is locked, so a
    double click submits once: the second call raises ``AlreadySubmitted``."""
    application = _lock_application(application)
    if application.status != Status.DRAFT:
        if application.submitted_at is not None and application.status != Status.WITHDRAWN:
            raise AlreadySubmitted(_("Søknaden er allerede sendt inn."))
        raise ValidationError(_("Bare utkast kan sendes inn."))
    call = application.call
    now = _now()
    if now >= call.closes_at:
        raise ValidationError(
            _("Søknadsfristen gikk ut %(when)s. Søknaden kan ikke sendes inn.")
            % {"when": notifications.format_datetime(call.closes_at)}
        )
    if call.status != Call.Status.PUBLISHED:
        raise ValidationError(_("Utlysningen er ikke åpen."))
    missing = checklist(application)
    if missing:
        raise ValidationError(
            [_("Søknaden er ikke komplett:")] + [message for _s, _f, message in missing]
        )
    move_to(application, Status.SUBMITTED)
    application.submitted_at = now
    application.submitted_by = acting_person(by)
    _touch(application, by)
    application.save()
    notifications.application_submitted(application=application)
    return application


@transaction.atomic
def application_withdraw(
    *, application: Application, reason: str = "", by: Person | None = None
) -> Application:
    application = _lock_application(application)
    if application.status not in Application.WITHDRAWABLE:
        raise ValidationError(_("Søknaden kan ikke trekkes etter at den er vedtatt."))
    move_to(application, Status.WITHDRAWN)
    application.withdrawn_at = _now()
    application.withdrawn_by = acting_person(by)
    application.withdrawal_reason = (reason or "").strip()
    application.reopened_sections = []
    _touch(application, by)
    application.save()
    InfoRequest.objects.filter(application=application, answered_at__isnull=True).update(
        answered_at=_now(), answer=_("Søknaden ble trukket.")
    )
    notifications.application_withdrawn(application=application)
    return application


# --- Information requests -----------------------------------------------------------------------
@transaction.atomic
def info_request_create(
    *,
    application: Application,
    sections: Sequence[str],
    message: str,
    reply_by: dt.date,
    by: Person | None = None,
) -> InfoRequest:
    """Ask the applicant for more; only ``sections`` reopen, until they answer."""
    application = _lock_application(application)
    if application.status not in (Status.SUBMITTED, Status.ASSESSED):
        raise ValidationError(
            _(
                "Du kan bare be om mer informasjon om innsendte søknader som ikke er satt på sakslisten."
            )
        )
    sections = [s for s in Section.values if s in set(sections or ())]
    errors = {}
    if not sections:
        errors["sections"] = _("Velg minst én del av søknaden som skal åpnes.")
    if not (message or "").strip():
        errors["message"] = _("Skriv hva søkeren må svare på.")
    if reply_by is None:
        errors["reply_by"] = _("Oppgi en svarfrist.")
    elif reply_by <= timezone.localdate():
        errors["reply_by"] = _("Svarfristen må være etter i dag.")
    if errors:
        raise ValidationError(errors)
    request = InfoRequest(
        application=application,
        sections=sections,
        message=message.strip(),
        reply_by=reply_by,
        requested_by=acting_person(by),
    )
    request.full_clean(exclude=["requested_by", "answered_by"])
    request.save()
    move_to(application, Status.INFO_REQUESTED)
    application.reopened_sections = sections
    _touch(application, by)
    application.save()
    notifications.info_requested(info_request=request)
    return request


@transaction.atomic
def info_request_answer(
    *, application: Application, answer: str, by: Person | None = None
) -> InfoRequest:
    """The applicant answers; the application goes back to the secretariat, complete."""
    application = _lock_application(application)
    if application.status != Status.INFO_REQUESTED:
        raise ValidationError(_("Det er ingen ubesvart forespørsel på søknaden."))
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Skriv et svar til sekretariatet.")})
    missing = checklist(application)
    if missing:
        raise ValidationError(
            [_("Søknaden er ikke komplett:")] + [message for _s, _f, message in missing]
        )
    request = application.info_requests.get(answered_at__isnull=True)
    request.answer = answer.strip()
    request.answered_at = _now()
    request.answered_by = acting_person(by)
    request.save()
    move_to(application, Status.SUBMITTED)
    application.reopened_sections = []
    _touch(application, by)
    application.save()
    notifications.info_request_answered(info_request=request)
    return request
