"""The secretariat's assessment, conflicts of interest, and putting applications on the Partnermøte's agenda."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from meetings import services as meeting_services
from meetings.models import AgendaItem
from partnership import formats
from partnership.actors import acting_person
from partnership.locking import ConflictError
from partnership.models import Partner, Person

from ..models import (
    Application,
    Assessment,
    Call,
    CriterionScore,
)
from ._common import STORED_LANGUAGE, Status, _money, _now, move_to
from .applications import _lock_application
from .calls import _lock_call


# --- Conflicts of interest ----------------------------------------------------------------------
def involved_partner_ids(application: Application) -> set[int]:
    ids = {application.applicant_id}
    ids.update(
        application.co_applicants.filter(partner__isnull=False).values_list("partner_id", flat=True)
    )
    return ids


def conflicted_person_ids(application: Application) -> set[int]:
    """Everyone who represents the applicant or a co-applicant partner (anyone who may act for
    it: its group members) is conflicted on the application."""
    group_ids = Partner.objects.filter(pk__in=involved_partner_ids(application)).values("group_id")
    return set(Person.objects.filter(groups__in=group_ids).values_list("pk", flat=True))


def _step_aside_reason(application: Application) -> str:
    with override(STORED_LANGUAGE):
        return _("Inhabil: representerer søker eller medsøker på søknad %(ref)s.") % {
            "ref": application.reference
        }


def _record_step_asides(application: Application, item: AgendaItem, by) -> None:
    """Conflicted members of the deciding body step aside on the application's item."""
    meeting = item.meeting
    day = meeting.local_date
    seated = set(meeting.body.memberships.active_on(day).values_list("person_id", flat=True))
    already = set(item.step_asides.values_list("person_id", flat=True))
    reason = _step_aside_reason(application)
    for person in Person.objects.filter(
        pk__in=(conflicted_person_ids(application) & seated) - already
    ):
        meeting_services.step_aside_record(agenda_item=item, person=person, reason=reason, by=by)


# --- Assessment --------------------------------------------------------------------------------
ASSESSABLE = (Status.SUBMITTED, Status.ASSESSED, Status.ON_AGENDA)


@transaction.atomic
def assessment_save(
    *,
    application: Application,
    by: Person | None = None,
    version: int | None = None,
    is_complete: bool | None = None,
    fits_criteria: bool | None = None,
    recommendation: str = "",
    recommended_amount=None,
    recommendation_text: str = "",
    scores: Mapping[int, tuple[int | None, str]] | None = None,
) -> Assessment:
    """Save the secretariat's assessment. With a recommendation and completeness confirmed,
    a submitted application becomes "assessed" and can go on the Partnermøte's agenda."""
    application = _lock_application(application)
    if application.status not in ASSESSABLE:
        raise ValidationError(_("Søknaden kan ikke vurderes nå."))
    if by is not None and by.pk in conflicted_person_ids(application):
        raise ValidationError(_("Du er inhabil i denne søknaden og kan ikke vurdere den."))
    assessment, _created = Assessment.objects.select_for_update().get_or_create(
        application=application
    )
    if version is not None and int(version) != assessment.version:
        raise ConflictError(
            current_version=assessment.version,
            updated_by=assessment.assessed_by,
            updated_at=assessment.updated_at,
        )
    errors: dict[str, str] = {}
    amount = None
    try:
        amount = _money(recommended_amount, "recommended_amount")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if recommendation and recommendation not in Assessment.Recommendation.values:
        errors["recommendation"] = _("Velg en innstilling.")
    if recommendation == Assessment.Recommendation.REJECT:
        amount = None
    elif recommendation and amount is None and recommendation == Assessment.Recommendation.GRANT:
        amount = application.requested_amount
    if amount is not None and application.requested_amount is not None:
        if amount <= 0:
            errors["recommended_amount"] = _("Beløpet må være større enn null.")
        elif amount > application.requested_amount:
            errors["recommended_amount"] = _("Beløpet kan ikke være høyere enn omsøkt beløp.")
        elif (
            recommendation == Assessment.Recommendation.PARTLY
            and amount >= application.requested_amount
        ):
            errors["recommended_amount"] = _("Delvis innvilgelse må være lavere enn omsøkt beløp.")
    if recommendation == Assessment.Recommendation.PARTLY and amount is None:
        errors["recommended_amount"] = _("Oppgi beløpet du foreslår.")
    criteria = {c.pk: c for c in application.call.criteria.all()}
    for criterion_id, (score, _comment) in (scores or {}).items():
        if int(criterion_id) not in criteria:
            raise ValidationError(_("Ukjent kriterium."))
        if score not in (None, "") and not (1 <= int(score) <= 5):
            errors[f"score_{criterion_id}"] = _("Poeng må være fra 1 til 5.")
    if recommendation and not (recommendation_text or "").strip():
        errors["recommendation_text"] = _("Begrunn innstillingen.")
    if errors:
        raise ValidationError(errors)
    assessment.is_complete = is_complete
    assessment.fits_criteria = fits_criteria
    assessment.recommendation = recommendation or ""
    assessment.recommended_amount = amount
    assessment.recommendation_text = (recommendation_text or "").strip()
    assessment.assessed_by = acting_person(by)
    assessment.updated_at = _now()
    assessment.version += 1
    assessment.full_clean(exclude=["assessed_by"])
    assessment.save()
    for criterion_id, (score, comment) in (scores or {}).items():
        CriterionScore.objects.update_or_create(
            assessment=assessment,
            criterion=criteria[int(criterion_id)],
            defaults={
                "score": int(score) if score not in (None, "") else None,
                "comment": (comment or "").strip(),
            },
        )
    ready = bool(assessment.recommendation) and assessment.is_complete is True
    if application.status == Status.SUBMITTED and ready:
        move_to(application, Status.ASSESSED)
        application.save(update_fields=["status"])
    elif application.status == Status.ASSESSED and not ready:
        move_to(application, Status.SUBMITTED)
        application.save(update_fields=["status"])
    return assessment


# --- To the Partnermøte --------------------------------------------------------------------------
def _agenda_background(application: Application) -> str:
    with override(STORED_LANGUAGE):
        lines = [
            _("Søker: %(applicant)s") % {"applicant": application.applicant.name},
            _("Omsøkt beløp: %(amount)s") % {"amount": formats.money(application.requested_amount)},
            "",
            application.summary,
        ]
    return "\n".join(lines).strip()


def _proposed_decision(application: Application) -> str:
    assessment = getattr(application, "assessment", None)
    if assessment is None or not assessment.recommendation:
        return ""
    with override(STORED_LANGUAGE):
        if assessment.recommendation == Assessment.Recommendation.REJECT:
            return _("Søknaden avslås.")
        return _("Søknaden innvilges med %(amount)s.") % {
            "amount": formats.money(assessment.recommended_amount)
        }


@transaction.atomic
def call_put_on_agenda(*, call: Call, by: Person | None = None) -> list[AgendaItem]:
    """Put every assessed application of the call on the deciding Partnermøte's agenda, one
    decision item each, with the conflicted members recorded as stepping aside."""
    call = _lock_call(call)
    meeting = call.deciding_meeting
    if meeting is None:
        raise ValidationError(_("Utlysningen har ikke noe partnermøte som vedtar."))
    if _now() < call.closes_at:
        raise ValidationError(_("Søknadene kan settes på sakslisten etter søknadsfristen."))
    applications = list(
        call.applications.select_for_update(of=("self",))
        .filter(status=Status.ASSESSED, agenda_item__isnull=True)
        .select_related("applicant", "call")
        .order_by("number")
    )
    if not applications:
        raise ValidationError(_("Ingen vurderte søknader venter på å bli satt på sakslisten."))
    items = []
    for application in applications:
        with override(STORED_LANGUAGE):
            title = _("Partnerpotten: søknad %(ref)s fra %(applicant)s – %(title)s") % {
                "ref": application.reference,
                "applicant": application.applicant.short_name,
                "title": application.title,
            }
        item = meeting_services.agenda_item_create(
            meeting=meeting,
            title=title[:300],
            kind=AgendaItem.Kind.DECISION,
            background=_agenda_background(application),
            proposed_decision=_proposed_decision(application),
            created_by=by,
        )
        _record_step_asides(application, item, by)
        application.agenda_item = item
        move_to(application, Status.ON_AGENDA)
        application.save(update_fields=["agenda_item", "status"])
        items.append(item)
    return items
