"""Applications while they are drafted: the form sections, budget lines, co-applicants, files, and the checklist before submission."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership import formats, uploads
from partnership.actors import acting_person
from partnership.locking import ConflictError
from partnership.models import Partner, Person

from .. import areas, notifications
from ..models import (
    ZERO,
    Application,
    ApplicationCounter,
    ApplicationFile,
    BudgetLine,
    BullyingForm,
    Call,
    CoApplicant,
    SubGoal,
)
from ._common import Section, Status, _money, _now
from .calls import _lock_call
from .grants import _lock_report

# --- Applications: drafting ----------------------------------------------------------------------
FORM_FIELDS: dict[str, tuple[str, ...]] = {
    Section.PROJECT: ("title", "summary", "sub_goals", "letter_language"),
    Section.TARGET: ("target_group", "county", "municipality"),
    Section.PARTICIPATION: ("participation",),
    Section.BULLYING: ("bullying_forms",),
    Section.ACTIVITIES: ("activities", "starts_on", "ends_on"),
    Section.BUDGET: ("own_contribution", "requested_amount"),
}
FIELD_SECTION = {name: section for section, names in FORM_FIELDS.items() for name in names}


@transaction.atomic
def application_create(*, call: Call, applicant: Partner, by: Person | None = None) -> Application:
    """Start a draft for ``applicant``; the call must be open (server time)."""
    call = _lock_call(call)
    now = _now()
    if call.status != Call.Status.PUBLISHED:
        raise ValidationError(_("Utlysningen er ikke publisert."))
    if now < call.opens_at:
        raise ValidationError(
            _("Utlysningen åpner %(when)s.")
            % {"when": notifications.format_datetime(call.opens_at)}
        )
    if now >= call.closes_at:
        raise ValidationError(
            _("Søknadsfristen gikk ut %(when)s.")
            % {"when": notifications.format_datetime(call.closes_at)}
        )
    if not Partner.objects.active_on(timezone.localdate()).filter(pk=applicant.pk).exists():
        raise ValidationError(_("Partneren er ikke aktiv i partnerskapet."))
    counter, _created = ApplicationCounter.objects.get_or_create(year=call.year)
    counter = ApplicationCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    application = Application(
        call=call,
        applicant=applicant,
        year=call.year,
        number=counter.last_number,
        created_by=acting_person(by),
        updated_by=acting_person(by),
    )
    application.full_clean(exclude=["created_by", "updated_by"])
    application.save()
    return application


def _lock_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "applicant")
        .get(pk=application.pk)
    )


def _refuse_unless_open(application: Application, section: str) -> None:
    if not application.section_is_open(section):
        raise ValidationError(
            _("Søknaden er sendt inn og kan ikke endres.")
            if application.status != Status.INFO_REQUESTED
            else _("Denne delen av søknaden er ikke åpnet for endringer.")
        )


def _check_version(application: Application, version: int | None) -> None:
    if version is not None and int(version) != application.version:
        raise ConflictError(
            current_version=application.version,
            updated_by=application.updated_by,
            updated_at=application.updated_at,
        )


def _touch(application: Application, by) -> None:
    application.version += 1
    application.updated_by = acting_person(by)
    application.updated_at = _now()


def _clean_form_values(application: Application, values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name not in FIELD_SECTION:
            raise TypeError(f"unknown field {name!r}")
        try:
            if name in ("own_contribution", "requested_amount"):
                value = _money(value, name)
                if name == "own_contribution":
                    value = value if value is not None else ZERO
                    if value < 0:
                        errors[name] = _("Egeninnsatsen kan ikke være negativ.")
                elif value is not None:
                    if value <= 0:
                        errors[name] = _("Omsøkt beløp må være større enn null.")
                    elif value > application.call.max_per_application:
                        errors[name] = _("Du kan søke om høyst %(max)s.") % {
                            "max": formats.money(application.call.max_per_application)
                        }
            elif name == "sub_goals":
                value = [v for v in SubGoal.values if v in set(value or ())]
            elif name == "bullying_forms":
                value = [v for v in BullyingForm.values if v in set(value or ())]
            elif name in ("starts_on", "ends_on"):
                value = value or None
            elif isinstance(value, str):
                value = value.strip()
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
            continue
        cleaned[name] = value
    county = cleaned.get("county", application.county)
    municipality = cleaned.get("municipality", application.municipality)
    if "county" in cleaned or "municipality" in cleaned:
        if county and county not in areas.COUNTIES:
            errors["county"] = _("Velg et fylke fra listen.")
        elif municipality and not areas.municipality_in_county(municipality, county):
            errors["municipality"] = _("Velg en kommune i fylket du har valgt.")
    starts = cleaned.get("starts_on", application.starts_on)
    ends = cleaned.get("ends_on", application.ends_on)
    if starts and ends and ends < starts:
        errors["ends_on"] = _("Prosjektet kan ikke slutte før det starter.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def application_save(
    *, application: Application, by: Person | None = None, version: int | None = None, **values
) -> Application:
    """Save some fields of the form (drafts save as you go). Only open sections may change;
    nothing is checked for completeness here (that is the checklist's job at submission)."""
    application = _lock_application(application)
    _check_version(application, version)
    for name in values:
        if name not in FIELD_SECTION:
            raise TypeError(f"unknown field {name!r}")
        _refuse_unless_open(application, FIELD_SECTION[name])
    cleaned = _clean_form_values(application, values)
    for name, value in cleaned.items():
        setattr(application, name, value)
    _touch(application, by)
    application.full_clean(exclude=["created_by", "updated_by", "submitted_by", "withdrawn_by"])
    application.save()
    return application


def _lock_for_section(application: Application, section: str) -> Application:
    application = _lock_application(application)
    _refuse_unless_open(application, section)
    return application


@transaction.atomic
def budget_line_add(
    *, application: Application, category: str, description: str, amount, by: Person | None = None
) -> BudgetLine:
    application = _lock_for_section(application, Section.BUDGET)
    line = BudgetLine(
        application=application,
        category=category,
        description=(description or "").strip(),
        amount=_money(amount, "amount") if amount not in (None, "") else None,
        position=(application.budget_lines.count() + 1),
    )
    errors = {}
    if line.amount is None:
        errors["amount"] = _("Skriv beløpet.")
    elif line.amount <= 0:
        errors["amount"] = _("Beløpet må være større enn null.")
    if not line.description:
        errors["description"] = _("Beskriv budsjettlinjen.")
    if category not in BudgetLine.Category.values:
        errors["category"] = _("Velg en kategori.")
    if errors:
        raise ValidationError(errors)
    line.full_clean()
    line.save()
    _touch(application, by)
    application.save(update_fields=["version", "updated_by", "updated_at"])
    return line


@transaction.atomic
def budget_line_remove(*, line: BudgetLine, by: Person | None = None) -> None:
    application = _lock_for_section(line.application, Section.BUDGET)
    BudgetLine.objects.filter(pk=line.pk, application=application).delete()
    _touch(application, by)
    application.save(update_fields=["version", "updated_by", "updated_at"])


@transaction.atomic
def co_applicant_add(
    *,
    application: Application,
    kind: str,
    partner: Partner | None = None,
    name: str = "",
    by: Person | None = None,
) -> CoApplicant:
    application = _lock_for_section(application, Section.PARTNERS)
    name = (name or "").strip()
    errors = {}
    if kind not in CoApplicant.Kind.values:
        errors["kind"] = _("Velg hva slags aktør medsøkeren er.")
    elif kind == CoApplicant.Kind.PARTNER:
        if partner is None:
            errors["partner"] = _("Velg en partner.")
        elif partner.pk == application.applicant_id:
            errors["partner"] = _("Søkeren kan ikke også være medsøker.")
        elif application.co_applicants.filter(partner=partner).exists():
            errors["partner"] = _("Partneren er allerede medsøker.")
        name = ""
    else:
        partner = None
        if not name:
            errors["name"] = _("Skriv navnet på aktøren.")
    if errors:
        raise ValidationError(errors)
    co = CoApplicant(application=application, kind=kind, partner=partner, name=name)
    co.full_clean()
    co.save()
    _touch(application, by)
    application.save(update_fields=["version", "updated_by", "updated_at"])
    return co


@transaction.atomic
def co_applicant_remove(*, co_applicant: CoApplicant, by: Person | None = None) -> None:
    application = _lock_for_section(co_applicant.application, Section.PARTNERS)
    CoApplicant.objects.filter(pk=co_applicant.pk, application=application).delete()
    _touch(application, by)
    application.save(update_fields=["version", "updated_by", "updated_at"])


def file_add(
    *,
    application: Application,
    file,
    purpose: str = ApplicationFile.Purpose.APPLICATION,
    by: Person | None = None,
) -> ApplicationFile:
    """Attach a file to the application (while its attachments are open) or to the grant's
    final report (while the report is editable). Type judged by content; size limited."""
    upload = uploads.check_upload(file)
    row = ApplicationFile(
        application=application,
        purpose=purpose,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=acting_person(by),
    )
    storage = ApplicationFile._meta.get_field("file").storage
    stored: list[str] = []
    try:
        with transaction.atomic():
            if purpose == ApplicationFile.Purpose.REPORT:
                report = _lock_report(application)
                if not report.is_editable:
                    raise ValidationError(_("Sluttrapporten er sendt inn og kan ikke endres."))
            else:
                locked = _lock_for_section(application, Section.ATTACHMENTS)
                _touch(locked, by)
                locked.save(update_fields=["version", "updated_by", "updated_at"])
            row.file.save(upload.original_name, file, save=False)
            stored.append(row.file.name)
            row.save()
    except BaseException:
        for name in stored:
            uploads.delete_stored(storage, name)
        raise
    return row


def file_remove(*, attachment: ApplicationFile, by: Person | None = None) -> None:
    with transaction.atomic():
        if attachment.purpose == ApplicationFile.Purpose.REPORT:
            report = _lock_report(attachment.application)
            if not report.is_editable:
                raise ValidationError(_("Sluttrapporten er sendt inn og kan ikke endres."))
        else:
            locked = _lock_for_section(attachment.application, Section.ATTACHMENTS)
            _touch(locked, by)
            locked.save(update_fields=["version", "updated_by", "updated_at"])
        name, storage = attachment.file.name, attachment.file.storage
        ApplicationFile.objects.filter(pk=attachment.pk).delete()
        transaction.on_commit(lambda: uploads.delete_stored(storage, name))


# --- The checklist ------------------------------------------------------------------------------
def budget_total(application: Application, lines: Iterable[BudgetLine] | None = None) -> Decimal:
    if lines is None:
        lines = application.budget_lines.all()
    return sum((line.amount for line in lines), ZERO)


def checklist(
    application: Application, *, lines: Sequence[BudgetLine] | None = None
) -> list[tuple[str, str, str]]:
    """What is missing before the application can be submitted, as (section, field, message).

    Empty when complete. Shown beside the form while drafting and enforced at submission.
    """
    missing: list[tuple[str, str, str]] = []

    def need(section, field, message):
        missing.append((section, field, message))

    a = application
    if not a.title.strip():
        need(Section.PROJECT, "title", _("Gi prosjektet en tittel."))
    if not a.summary.strip():
        need(Section.PROJECT, "summary", _("Skriv et sammendrag av prosjektet."))
    if not a.sub_goals:
        need(Section.PROJECT, "sub_goals", _("Velg hvilke delmål prosjektet skal bidra til."))
    if not a.target_group.strip():
        need(Section.TARGET, "target_group", _("Beskriv målgruppen."))
    if not a.county:
        need(Section.TARGET, "county", _("Velg fylket prosjektet gjelder."))
    if not a.participation.strip():
        # R10: projects must involve children and young people.
        need(
            Section.PARTICIPATION,
            "participation",
            _(
                "Beskriv hvordan barn og unge medvirker i prosjektet. Det er et krav i Partnerpotten."
            ),
        )
    if not a.bullying_forms:
        need(
            Section.BULLYING,
            "bullying_forms",
            _("Velg hvilke former for mobbing prosjektet tar for seg."),
        )
    if not a.activities.strip():
        need(Section.ACTIVITIES, "activities", _("Beskriv aktivitetene i prosjektet."))
    if not a.starts_on or not a.ends_on:
        need(Section.ACTIVITIES, "starts_on", _("Oppgi når prosjektet starter og slutter."))
    lines = list(a.budget_lines.all()) if lines is None else list(lines)
    if not lines:
        need(Section.BUDGET, "budget_lines", _("Legg inn minst én budsjettlinje."))
    if a.requested_amount is None:
        need(Section.BUDGET, "requested_amount", _("Oppgi hvor mye dere søker om."))
    elif a.requested_amount > a.call.max_per_application:
        need(
            Section.BUDGET,
            "requested_amount",
            _("Du kan søke om høyst %(max)s.") % {"max": formats.money(a.call.max_per_application)},
        )
    if lines and a.requested_amount is not None:
        total = budget_total(a, lines)
        expected = a.requested_amount + (a.own_contribution or ZERO)
        if total != expected:
            need(
                Section.BUDGET,
                "budget_lines",
                _(
                    "Budsjettlinjene er til sammen %(total)s, men omsøkt beløp og egeninnsats er "
                    "til sammen %(expected)s. Summene må være like."
                )
                % {"total": formats.money(total), "expected": formats.money(expected)},
            )
    return missing
