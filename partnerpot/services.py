"""Writes of consequence for Partnerpotten and study visits.

Keyword-only, transactional, no request. Each validates with translated messages and leaves
nothing half-saved. Rows people can race for are locked:

- the call row while an application takes a number and while a grant is decided, so two
  decisions saved at the same moment cannot together exceed the call's envelope;
- an application while it is saved (with an optimistic ``version`` on top: two representatives
  drafting together get a conflict instead of overwriting each other), submitted (a double
  click gives one submission), withdrawn or decided;
- a grant while its status or report changes.

E-mails are written to the outbox in the same transaction (``partnerpot.notifications``);
PDFs are built on the pdf queue once the transaction has committed.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from meetings import selectors as meeting_selectors
from meetings import services as meeting_services
from meetings import uploads
from meetings.models import AgendaItem, DocumentVersion, GoverningDocument, Meeting
from partnership import formats
from partnership.actors import acting_person
from partnership.locking import ConflictError
from partnership.models import Body, Partner, Person

from . import areas, notifications
from .models import (
    CRITERIA_DOCUMENT_KEY,
    ZERO,
    Application,
    ApplicationCounter,
    ApplicationFile,
    Assessment,
    BudgetLine,
    BullyingForm,
    Call,
    CoApplicant,
    Criterion,
    CriterionScore,
    Grant,
    GrantReport,
    GrantReportLine,
    InfoRequest,
    StudyVisit,
    SubGoal,
)

logger = logging.getLogger(__name__)

# Texts the portal writes into the register are in the default language, whoever triggered them.
STORED_LANGUAGE = "nb"
NBSP = "\u00a0"
# Without a project end date, the final report is due a year after the decision.
DEFAULT_REPORT_MONTHS_AFTER_END = 3

Status = Application.Status
Section = Application.Section


def _now() -> dt.datetime:
    return timezone.now()


def _money(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: _("Skriv et beløp i kroner, for eksempel 25000 eller 25 000,50.")}
        ) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValidationError({field: _("Beløpet kan ha høyst to desimaler.")})
    if abs(amount) >= Decimal("1e12"):
        raise ValidationError({field: _("Beløpet er for stort.")})
    return amount.quantize(Decimal("0.01"))


# --- Criteria -----------------------------------------------------------------------------------
def criteria_document() -> GoverningDocument | None:
    return GoverningDocument.objects.filter(key=CRITERIA_DOCUMENT_KEY).first()


def criteria_in_force() -> DocumentVersion | None:
    """The version of "Kriterier for Partnerpotten" in force: adopted by the Partnermøte (R12)."""
    document = criteria_document()
    return meeting_selectors.document_in_force(document) if document else None


_BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+(?P<text>.+?)\s*$")


def criteria_from_text(text: str) -> list[str]:
    """The bulleted or numbered lines of a criteria document, in order."""
    found = []
    for line in (text or "").splitlines():
        match = _BULLET.match(line)
        if match:
            found.append(match.group("text")[:500])
    return found


# --- Calls --------------------------------------------------------------------------------------
CALL_FIELDS = (
    "year",
    "title",
    "description",
    "opens_at",
    "closes_at",
    "envelope",
    "max_per_application",
    "deciding_meeting",
    "criteria_version",
)
# Once published, applicants rely on the rest; the deadline may only be extended.
PUBLISHED_CALL_FIELDS = ("title", "description", "closes_at", "deciding_meeting", "envelope")


def _validate_call(call: Call, *, publishing: bool = False) -> None:
    errors: dict[str, str] = {}
    for name in ("opens_at", "closes_at"):
        value = getattr(call, name)
        if value is not None and timezone.is_naive(value):
            raise ValueError(f"{name} must be aware")
    meeting = call.deciding_meeting
    if meeting is not None:
        if meeting.body.kind != Body.Kind.PARTNERS:
            # R2: only the Partnermøte decides Partnerpott grants.
            errors["deciding_meeting"] = _(
                "Bare partnermøtet kan vedta tilskudd fra Partnerpotten."
            )
        elif call.closes_at and meeting.starts_at <= call.closes_at:
            errors["deciding_meeting"] = _("Partnermøtet som vedtar, må være etter søknadsfristen.")
        elif meeting.is_cancelled:
            errors["deciding_meeting"] = _("Møtet er avlyst.")
    if call.criteria_version_id is not None:
        version = call.criteria_version
        if version.document.key != CRITERIA_DOCUMENT_KEY:
            errors["criteria_version"] = _("Velg en versjon av «Kriterier for Partnerpotten».")
        elif publishing and not version.is_adopted:
            errors["criteria_version"] = _(
                "Kriteriene må være vedtatt av partnermøtet før utlysningen publiseres."
            )
    if publishing:
        if call.criteria_version_id is None:
            errors.setdefault(
                "criteria_version",
                _(
                    "Utlysningen må vise til kriteriene som gjelder. Partnermøtet må vedta dem først."
                ),
            )
        if meeting is None:
            errors.setdefault("deciding_meeting", _("Velg partnermøtet som skal vedta søknadene."))
        if call.closes_at and call.closes_at <= _now():
            errors["closes_at"] = _("Søknadsfristen har passert.")
        if call.pk and not call.criteria.exists():
            errors["__all__"] = _("Utlysningen har ingen kriterier å vurdere søknadene etter.")
    if errors:
        raise ValidationError(errors)
    call.full_clean(exclude=["created_by"])


def _copy_criteria(call: Call) -> None:
    if call.criteria_version_id is None or call.criteria.exists():
        return
    texts = criteria_from_text(call.criteria_version.text)
    Criterion.objects.bulk_create(
        [Criterion(call=call, position=n, text=text) for n, text in enumerate(texts, start=1)]
    )


@transaction.atomic
def call_create(*, created_by: Person | None = None, **fields) -> Call:
    """A draft call. The criteria default to the version in force and are copied onto the
    call as the list the assessment scores."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if "criteria_version" not in fields:
        fields["criteria_version"] = criteria_in_force()
    call = Call(created_by=acting_person(created_by), **fields)
    _validate_call(call)
    call.save()
    _copy_criteria(call)
    return call


def _lock_call(call: Call) -> Call:
    return (
        Call.objects.select_for_update(of=("self",))
        .select_related("deciding_meeting__body")
        .get(pk=call.pk)
    )


@transaction.atomic
def call_update(*, call: Call, by: Person | None = None, **fields) -> Call:
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    call = _lock_call(call)
    if call.status == Call.Status.CANCELLED:
        raise ValidationError(_("Utlysningen er avlyst og kan ikke endres."))
    if call.is_published:
        locked = set(fields) - set(PUBLISHED_CALL_FIELDS)
        changed = {name for name in locked if getattr(call, name) != fields[name]}
        if changed:
            raise ValidationError(
                {
                    name: _("Kan ikke endres etter at utlysningen er publisert.")
                    for name in sorted(changed)
                }
            )
        if "closes_at" in fields and fields["closes_at"] < call.closes_at:
            raise ValidationError(
                {
                    "closes_at": _(
                        "Søknadsfristen kan bare forlenges etter at utlysningen er publisert."
                    )
                }
            )
        if "envelope" in fields:
            granted = granted_total(call)
            if fields["envelope"] is not None and fields["envelope"] < granted:
                raise ValidationError(
                    {
                        "envelope": _(
                            "Rammen kan ikke være lavere enn det som er innvilget: %(sum)s."
                        )
                        % {"sum": formats.money(granted)}
                    }
                )
    old_closes = call.closes_at
    old_version = call.criteria_version_id
    for name, value in fields.items():
        setattr(call, name, value)
    _validate_call(call, publishing=False)
    if call.closes_at != old_closes or "title" in fields:
        call.sequence += 1
    call.save()
    if call.criteria_version_id != old_version and not call.is_published:
        call.criteria.all().delete()
        _copy_criteria(call)
    if call.is_published and call.closes_at != old_closes:
        notifications.call_deadline_moved(call=call)
    return call


@transaction.atomic
def criterion_add(*, call: Call, text: str, by: Person | None = None) -> Criterion:
    call = _lock_call(call)
    _refuse_if_criteria_locked(call)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Skriv kriteriet.")})
    position = (
        call.criteria.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    criterion = Criterion(call=call, position=position, text=text)
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_update(*, criterion: Criterion, text: str, by: Person | None = None) -> Criterion:
    _refuse_if_criteria_locked(_lock_call(criterion.call))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Skriv kriteriet.")})
    criterion.text = text
    criterion.full_clean()
    criterion.save(update_fields=["text"])
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: Criterion, by: Person | None = None) -> None:
    _refuse_if_criteria_locked(_lock_call(criterion.call))
    criterion.delete()


def _refuse_if_criteria_locked(call: Call) -> None:
    if call.status != Call.Status.DRAFT:
        raise ValidationError(_("Kriteriene kan bare endres før utlysningen publiseres."))


@transaction.atomic
def call_publish(*, call: Call, by: Person | None = None) -> Call:
    """Publish a complete call: it shows in the partner calendar and partner representatives
    are told when it opens."""
    call = _lock_call(call)
    if call.status != Call.Status.DRAFT:
        raise ValidationError(_("Utlysningen er allerede publisert."))
    _validate_call(call, publishing=True)
    call.status = Call.Status.PUBLISHED
    call.published_at = _now()
    call.sequence += 1
    call.save()
    notifications.call_published(call=call)
    return call


@transaction.atomic
def call_cancel(*, call: Call, by: Person | None = None) -> Call:
    call = _lock_call(call)
    if call.applications.filter(status__in=Application.DECIDED).exists():
        raise ValidationError(_("Utlysningen har vedtatte søknader og kan ikke avlyses."))
    if call.status == Call.Status.CANCELLED:
        return call
    call.status = Call.Status.CANCELLED
    call.sequence += 1
    call.save()
    notifications.call_cancelled(call=call)
    return call


def granted_total(call: Call) -> Decimal:
    return (
        call.applications.filter(status__in=Application.GRANTING).aggregate(
            s=Sum("granted_amount")
        )["s"]
        or ZERO
    )


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
    application.status = Status.SUBMITTED
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
    application.status = Status.WITHDRAWN
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
    application.status = Status.INFO_REQUESTED
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
    application.status = Status.SUBMITTED
    application.reopened_sections = []
    _touch(application, by)
    application.save()
    notifications.info_request_answered(info_request=request)
    return request


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
        application.status = Status.ASSESSED
        application.save(update_fields=["status"])
    elif application.status == Status.ASSESSED and not ready:
        application.status = Status.SUBMITTED
        application.save(update_fields=["status"])
    return assessment


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
        application.status = Status.ON_AGENDA
        application.save(update_fields=["agenda_item", "status"])
        items.append(item)
    return items


# --- Decision ---------------------------------------------------------------------------------
class Outcome:
    GRANTED = Status.GRANTED
    PARTLY_GRANTED = Status.PARTLY_GRANTED
    REJECTED = Status.REJECTED
    ALL = (GRANTED, PARTLY_GRANTED, REJECTED)


def _decision_text(application: Application) -> str:
    values = {
        "ref": application.reference,
        "applicant": application.applicant.name,
        "title": application.title,
        "amount": formats.money(application.granted_amount),
        "requested": formats.money(application.requested_amount),
    }
    with override(STORED_LANGUAGE):
        if application.status == Status.REJECTED:
            text = (
                _(
                    "Partnermøtet avslår søknad %(ref)s fra %(applicant)s om tilskudd til «%(title)s»."
                )
                % values
            )
        elif application.status == Status.PARTLY_GRANTED:
            text = (
                _(
                    "Partnermøtet innvilger delvis søknad %(ref)s fra %(applicant)s om tilskudd til "
                    "«%(title)s» med %(amount)s (omsøkt %(requested)s)."
                )
                % values
            )
        else:
            text = (
                _(
                    "Partnermøtet innvilger søknad %(ref)s fra %(applicant)s om tilskudd til «%(title)s» "
                    "med %(amount)s."
                )
                % values
            )
        if application.conditions:
            text += "\n" + _("Vilkår: %(conditions)s") % {"conditions": application.conditions}
        text += "\n" + _("Begrunnelse: %(reason)s") % {"reason": application.decision_reason}
    return text


def report_due_date(application: Application, decided_on: dt.date) -> dt.date:
    """Three months after the project ends; without an end date, a year after the decision."""
    if application.ends_on:
        due = _months_later(application.ends_on, DEFAULT_REPORT_MONTHS_AFTER_END)
        return max(due, decided_on + dt.timedelta(days=30))
    return _months_later(decided_on, 12)


def _months_later(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's 28th when that day does not exist."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return dt.date(year, month, 28)


@transaction.atomic
def application_decide(
    *,
    application: Application,
    outcome: str,
    amount=None,
    conditions: str = "",
    reason: str = "",
    by: Person | None = None,
) -> Application:
    """Record the Partnermøte's decision on an application in the register.

    The call row is locked first, so two decisions saved at the same moment are taken one
    after the other and the second sees the first's money: the total granted never exceeds
    the envelope. "Granted" gives the amount applied for; "partly granted" less; "rejected"
    nothing. A granted application gets a ``Grant``; the decision letter is written in the
    applicant's language and sent.
    """
    call = _lock_call(application.call)
    application = _lock_application(application)
    if application.status != Status.ON_AGENDA or application.agenda_item_id is None:
        if application.is_decided:
            raise ValidationError(_("Søknaden er allerede vedtatt."))
        raise ValidationError(
            _("Søknaden må stå på sakslisten til partnermøtet før den kan vedtas.")
        )
    meeting = call.deciding_meeting
    if meeting is None or meeting.body.kind != Body.Kind.PARTNERS:
        raise ValidationError(_("Bare partnermøtet kan vedta tilskudd fra Partnerpotten."))
    errors: dict[str, str] = {}
    if outcome not in Outcome.ALL:
        raise ValidationError({"outcome": _("Velg et utfall.")})
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Begrunn vedtaket.")
    requested = application.requested_amount
    granted = ZERO
    if outcome == Outcome.GRANTED:
        granted = requested
    elif outcome == Outcome.PARTLY_GRANTED:
        try:
            granted = _money(amount, "amount")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
            granted = None
        if granted is None:
            errors.setdefault("amount", _("Oppgi beløpet som innvilges."))
        elif granted <= 0:
            errors["amount"] = _("Beløpet må være større enn null. Velg «avslått» for å gi null.")
        elif granted >= requested:
            errors["amount"] = _(
                "Delvis innvilgelse må være lavere enn omsøkt beløp (%(requested)s)."
            ) % {"requested": formats.money(requested)}
    if granted and not errors:
        already = granted_total(call)
        remaining = call.envelope - already
        if granted > remaining:
            errors["amount"] = _(
                "Beløpet går over rammen. Det er %(remaining)s igjen av rammen på %(envelope)s."
            ) % {"remaining": formats.money(remaining), "envelope": formats.money(call.envelope)}
    if errors:
        raise ValidationError(errors)
    application.status = outcome
    application.granted_amount = granted
    application.conditions = (conditions or "").strip() if outcome != Outcome.REJECTED else ""
    application.decision_reason = reason
    item = application.agenda_item
    decision = meeting_services.decision_record(
        meeting=meeting,
        agenda_item=item,
        title=item.title,
        text=_decision_text(application),
        concerns=application,
        recorded_by=by,
    )
    application.decision = decision
    _touch(application, by)
    application.full_clean(exclude=["created_by", "updated_by", "submitted_by", "withdrawn_by"])
    application.save()
    if application.is_granted:
        Grant.objects.create(
            application=application,
            amount=granted,
            report_due_on=report_due_date(application, decision.decided_on),
        )
    notifications.application_decided(application=application)
    return application


def envelope_status(call: Call) -> dict[str, Decimal]:
    """Envelope, granted so far, remaining, and applied for (submitted and not withdrawn)."""
    sums = call.applications.aggregate(
        granted=Sum("granted_amount", filter=Q(status__in=Application.GRANTING)),
        applied=Sum("requested_amount", filter=~Q(status__in=(Status.DRAFT, Status.WITHDRAWN))),
    )
    granted = sums["granted"] or ZERO
    return {
        "envelope": call.envelope,
        "granted": granted,
        "remaining": call.envelope - granted,
        "applied": sums["applied"] or ZERO,
    }


# --- Grants and final reports -------------------------------------------------------------------
def _lock_grant(grant: Grant) -> Grant:
    return (
        Grant.objects.select_for_update(of=("self",))
        .select_related("application__call")
        .get(pk=grant.pk)
    )


def _lock_report(application: Application) -> GrantReport:
    grant = _lock_grant(application.grant)
    report, _created = GrantReport.objects.select_for_update().get_or_create(grant=grant)
    return report


@transaction.atomic
def grant_pay_out(
    *, grant: Grant, paid_out_on: dt.date | None = None, by: Person | None = None
) -> Grant:
    grant = _lock_grant(grant)
    if not grant.can_move_to(Grant.Status.PAID_OUT) or grant.status == Grant.Status.REPORT_DUE:
        raise ValidationError(_("Tilskuddet kan ikke registreres som utbetalt nå."))
    paid_out_on = paid_out_on or timezone.localdate()
    if paid_out_on > timezone.localdate():
        raise ValidationError({"paid_out_on": _("Utbetalingsdatoen kan ikke være frem i tid.")})
    grant.status = Grant.Status.PAID_OUT
    grant.paid_out_on = paid_out_on
    grant.updated_at = _now()
    grant.save()
    return grant


@transaction.atomic
def grant_cancel(*, grant: Grant, note: str, by: Person | None = None) -> Grant:
    grant = _lock_grant(grant)
    if not grant.can_move_to(Grant.Status.CANCELLED):
        raise ValidationError(_("Tilskuddet kan ikke annulleres nå."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Begrunn hvorfor tilskuddet annulleres.")})
    if grant.status == Grant.Status.PAID_OUT:
        # Paid money that is cancelled must come back.
        grant.status = Grant.Status.TO_BE_REPAID
        grant.repayment_amount = grant.amount
    else:
        grant.status = Grant.Status.CANCELLED
    grant.note = note.strip()
    grant.updated_at = _now()
    grant.save()
    return grant


@transaction.atomic
def grant_close(*, grant: Grant, by: Person | None = None) -> Grant:
    grant = _lock_grant(grant)
    if not grant.can_move_to(Grant.Status.CLOSED):
        raise ValidationError(_("Tilskuddet kan avsluttes når sluttrapporten er godkjent."))
    grant.status = Grant.Status.CLOSED
    grant.updated_at = _now()
    grant.save()
    return grant


REPORT_TEXT_FIELDS = ("what_was_done", "participation", "reach_count", "reach_description")


@transaction.atomic
def grant_report_save(
    *,
    grant: Grant,
    by: Person | None = None,
    version: int | None = None,
    lines: Mapping[int, tuple[Any, str]] | None = None,
    **values,
) -> GrantReport:
    """Save the final report as a draft. ``lines`` maps budget line ids to (spent, comment)."""
    unknown = set(values) - set(REPORT_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    report = _lock_report(grant.application)
    grant = report.grant
    if grant.status not in (Grant.Status.AWARDED, Grant.Status.PAID_OUT):
        raise ValidationError(_("Sluttrapporten kan ikke endres nå."))
    if not report.is_editable:
        raise ValidationError(_("Sluttrapporten er sendt inn og kan ikke endres."))
    if version is not None and int(version) != report.version:
        raise ConflictError(
            current_version=report.version,
            updated_by=report.updated_by,
            updated_at=report.updated_at,
        )
    errors: dict[str, str] = {}
    for name, value in values.items():
        if name == "reach_count":
            if value in (None, ""):
                value = None
            else:
                try:
                    value = int(value)
                    if value < 0:
                        raise ValueError
                except (TypeError, ValueError):
                    errors[name] = _("Skriv et helt tall, null eller mer.")
                    continue
        else:
            value = (value or "").strip()
        setattr(report, name, value)
    budget = {line.pk: line for line in grant.application.budget_lines.all()}
    parsed: dict[int, tuple[Decimal, str]] = {}
    for line_id, (spent, comment) in (lines or {}).items():
        line_id = int(line_id)
        if line_id not in budget:
            raise ValidationError(_("Ukjent budsjettlinje."))
        try:
            amount = _money(spent, f"spent_{line_id}")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
            continue
        if amount is not None and amount < 0:
            errors[f"spent_{line_id}"] = _("Brukt beløp kan ikke være negativt.")
            continue
        if amount is not None:
            parsed[line_id] = (amount, (comment or "").strip()[:300])
    if errors:
        raise ValidationError(errors)
    report.version += 1
    report.updated_by = acting_person(by)
    report.updated_at = _now()
    report.full_clean(exclude=["updated_by", "submitted_by", "approved_by"])
    report.save()
    for line_id, (amount, comment) in parsed.items():
        GrantReportLine.objects.update_or_create(
            report=report,
            budget_line=budget[line_id],
            defaults={"spent": amount, "comment": comment},
        )
    return report


def report_checklist(report: GrantReport) -> list[tuple[str, str]]:
    missing = []
    if not report.what_was_done.strip():
        missing.append(("what_was_done", _("Beskriv hva som ble gjort.")))
    if not report.participation.strip():
        missing.append(("participation", _("Beskriv hvordan barn og unge medvirket.")))
    if report.reach_count is None:
        missing.append(("reach_count", _("Oppgi omtrent hvor mange prosjektet nådde.")))
    budget_ids = set(report.grant.application.budget_lines.values_list("pk", flat=True))
    reported = set(report.lines.values_list("budget_line_id", flat=True))
    if budget_ids - reported:
        missing.append(("lines", _("Før opp hva som ble brukt på hver budsjettlinje.")))
    return missing


def spent_total(report: GrantReport, lines: Iterable[GrantReportLine] | None = None) -> Decimal:
    """What the report says was spent in all. ``lines``: the report's lines when already loaded
    (summed here instead of in the database)."""
    if lines is None:
        return report.lines.aggregate(s=Sum("spent"))["s"] or ZERO
    return sum((line.spent for line in lines), ZERO)


def unspent(report: GrantReport, *, spent: Decimal | None = None) -> Decimal:
    """Grant money not used: the grant minus what was spent beyond the own contribution.
    ``spent``: the report's ``spent_total`` when already known."""
    grant = report.grant
    own = grant.application.own_contribution or ZERO
    if spent is None:
        spent = spent_total(report)
    used_of_grant = max(spent - own, ZERO)
    return max(grant.amount - used_of_grant, ZERO)


@transaction.atomic
def grant_report_submit(*, grant: Grant, by: Person | None = None) -> GrantReport:
    report = _lock_report(grant.application)
    grant = report.grant
    if not report.is_editable:
        raise ValidationError(_("Sluttrapporten er allerede sendt inn."))
    if grant.status != Grant.Status.PAID_OUT:
        raise ValidationError(_("Sluttrapporten kan sendes inn når tilskuddet er utbetalt."))
    missing = report_checklist(report)
    if missing:
        raise ValidationError([_("Sluttrapporten er ikke komplett:")] + [m for _f, m in missing])
    report.status = GrantReport.Status.SUBMITTED
    report.submitted_at = _now()
    report.submitted_by = acting_person(by)
    report.feedback = ""
    report.save()
    grant.status = Grant.Status.REPORT_DUE
    grant.updated_at = _now()
    grant.save()
    notifications.report_submitted(report=report)
    return report


@transaction.atomic
def grant_report_request_more(
    *, grant: Grant, feedback: str, by: Person | None = None
) -> GrantReport:
    report = _lock_report(grant.application)
    grant = report.grant
    if report.status != GrantReport.Status.SUBMITTED:
        raise ValidationError(_("Sluttrapporten er ikke til behandling."))
    if not (feedback or "").strip():
        raise ValidationError({"feedback": _("Skriv hva som mangler i rapporten.")})
    report.status = GrantReport.Status.MORE_REQUESTED
    report.feedback = feedback.strip()
    report.save()
    grant.status = Grant.Status.PAID_OUT
    grant.updated_at = _now()
    grant.save()
    notifications.report_feedback(report=report, approved=False)
    return report


@transaction.atomic
def grant_report_approve(*, grant: Grant, by: Person | None = None) -> GrantReport:
    """Approve the final report; unspent grant money is flagged for repayment."""
    report = _lock_report(grant.application)
    grant = report.grant
    if report.status != GrantReport.Status.SUBMITTED:
        raise ValidationError(_("Sluttrapporten er ikke til behandling."))
    report.status = GrantReport.Status.APPROVED
    report.approved_at = _now()
    report.approved_by = acting_person(by)
    report.save()
    left = unspent(report)
    if left > 0:
        grant.status = Grant.Status.TO_BE_REPAID
        grant.repayment_amount = left
    else:
        grant.status = Grant.Status.REPORT_APPROVED
    grant.updated_at = _now()
    grant.save()
    notifications.report_feedback(report=report, approved=True)
    return report


# --- Study visits (R9) --------------------------------------------------------------------------
VISIT_FIELDS = (
    "title",
    "destination",
    "purpose",
    "participants",
    "starts_on",
    "ends_on",
    "budget",
    "on_request",
)


def _clean_visit(visit: StudyVisit, values: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}
    for name, value in values.items():
        if name not in VISIT_FIELDS:
            raise TypeError(f"unknown field {name!r}")
        if name == "budget":
            try:
                value = _money(value, "budget")
            except ValidationError as exc:
                errors.update({k: v[0] for k, v in exc.message_dict.items()})
                continue
            if value is None:
                errors["budget"] = _("Oppgi et budsjett.")
                continue
            if value < 0:
                errors["budget"] = _("Budsjettet kan ikke være negativt.")
                continue
        elif isinstance(value, str):
            value = value.strip()
        elif name in ("starts_on", "ends_on"):
            value = value or None
        setattr(visit, name, value)
    if errors:
        raise ValidationError(errors)
    visit.full_clean(exclude=["created_by", "partners"])


@transaction.atomic
def study_visit_create(
    *, partners: Sequence[Partner], by: Person | None = None, **values
) -> StudyVisit:
    if not partners:
        raise ValidationError({"partners": _("Velg minst én partner som foreslår besøket.")})
    visit = StudyVisit(created_by=acting_person(by))
    _clean_visit(visit, values)
    visit.save()
    visit.partners.set(partners)
    return visit


def _lock_visit(visit: StudyVisit) -> StudyVisit:
    return StudyVisit.objects.select_for_update().get(pk=visit.pk)


@transaction.atomic
def study_visit_update(
    *,
    visit: StudyVisit,
    by: Person | None = None,
    version: int | None = None,
    partners: Sequence[Partner] | None = None,
    **values,
) -> StudyVisit:
    visit = _lock_visit(visit)
    if visit.status not in (StudyVisit.Status.DRAFT, StudyVisit.Status.SUBMITTED):
        raise ValidationError(_("Forslaget kan ikke endres etter at det er satt på sakslisten."))
    if version is not None and int(version) != visit.version:
        raise ConflictError(current_version=visit.version, updated_by=None, updated_at=None)
    _clean_visit(visit, values)
    visit.version += 1
    visit.save()
    if partners is not None:
        if not partners:
            raise ValidationError({"partners": _("Velg minst én partner som foreslår besøket.")})
        visit.partners.set(partners)
    return visit


@transaction.atomic
def study_visit_submit(*, visit: StudyVisit, by: Person | None = None) -> StudyVisit:
    visit = _lock_visit(visit)
    if visit.status != StudyVisit.Status.DRAFT:
        raise ValidationError(_("Forslaget er allerede sendt."))
    visit.status = StudyVisit.Status.SUBMITTED
    visit.submitted_at = _now()
    visit.save()
    notifications.study_visit_submitted(visit=visit)
    return visit


@transaction.atomic
def study_visit_withdraw(*, visit: StudyVisit, by: Person | None = None) -> StudyVisit:
    visit = _lock_visit(visit)
    if visit.status not in (
        StudyVisit.Status.DRAFT,
        StudyVisit.Status.SUBMITTED,
        StudyVisit.Status.ON_AGENDA,
    ):
        raise ValidationError(_("Forslaget kan ikke trekkes etter at det er vedtatt."))
    visit.status = StudyVisit.Status.WITHDRAWN
    visit.save()
    return visit


@transaction.atomic
def study_visit_put_on_agenda(
    *, visit: StudyVisit, meeting: Meeting, by: Person | None = None
) -> AgendaItem:
    visit = _lock_visit(visit)
    if visit.status != StudyVisit.Status.SUBMITTED:
        raise ValidationError(_("Bare foreslåtte studiebesøk kan settes på sakslisten."))
    if meeting.body.kind != Body.Kind.PARTNERS:
        raise ValidationError({"meeting": _("Bare partnermøtet kan vedta studiebesøk.")})
    with override(STORED_LANGUAGE):
        title = _("Studiebesøk: %(title)s") % {"title": visit.title}
        background = "\n".join(
            [
                _("Reisemål: %(destination)s") % {"destination": visit.destination},
                _("Budsjett: %(budget)s") % {"budget": formats.money(visit.budget)},
                _("Foreslått av: %(partners)s")
                % {"partners": ", ".join(p.short_name for p in visit.partners.all())},
                "",
                visit.purpose,
            ]
        )
    item = meeting_services.agenda_item_create(
        meeting=meeting,
        title=title[:300],
        kind=AgendaItem.Kind.DECISION,
        background=background,
        created_by=by,
    )
    visit.deciding_meeting = meeting
    visit.agenda_item = item
    visit.status = StudyVisit.Status.ON_AGENDA
    visit.save()
    return item


@transaction.atomic
def study_visit_decide(
    *,
    visit: StudyVisit,
    approved: bool,
    reason: str,
    amount=None,
    by: Person | None = None,
) -> StudyVisit:
    visit = _lock_visit(visit)
    if visit.status != StudyVisit.Status.ON_AGENDA or visit.agenda_item_id is None:
        raise ValidationError(
            _("Studiebesøket må stå på sakslisten til partnermøtet før det kan vedtas.")
        )
    meeting = visit.deciding_meeting
    if meeting.body.kind != Body.Kind.PARTNERS:
        raise ValidationError(_("Bare partnermøtet kan vedta studiebesøk."))
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Begrunn vedtaket.")
    value = None
    if approved:
        try:
            value = _money(amount, "amount")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
        if value is None and "amount" not in errors:
            value = visit.budget
        elif value is not None and value < 0:
            errors["amount"] = _("Beløpet kan ikke være negativt.")
    if errors:
        raise ValidationError(errors)
    with override(STORED_LANGUAGE):
        if approved:
            text = _(
                "Partnermøtet vedtar studiebesøket «%(title)s» til %(destination)s med en ramme på %(amount)s."
            ) % {
                "title": visit.title,
                "destination": visit.destination,
                "amount": formats.money(value),
            }
        else:
            text = _("Partnermøtet avslår forslaget om studiebesøket «%(title)s».") % {
                "title": visit.title
            }
        text += "\n" + _("Begrunnelse: %(reason)s") % {"reason": reason}
    decision = meeting_services.decision_record(
        meeting=meeting,
        agenda_item=visit.agenda_item,
        text=text,
        concerns=visit,
        recorded_by=by,
    )
    visit.decision = decision
    visit.status = StudyVisit.Status.APPROVED if approved else StudyVisit.Status.REJECTED
    visit.approved_amount = value if approved else None
    visit.decision_reason = reason
    visit.save()
    notifications.study_visit_decided(visit=visit)
    return visit


@transaction.atomic
def study_visit_report(*, visit: StudyVisit, report: str, by: Person | None = None) -> StudyVisit:
    visit = _lock_visit(visit)
    if visit.status not in (StudyVisit.Status.APPROVED, StudyVisit.Status.REPORTED):
        raise ValidationError(_("Bare vedtatte studiebesøk kan rapporteres."))
    if not (report or "").strip():
        raise ValidationError({"report": _("Skriv en kort rapport fra besøket.")})
    visit.report = report.strip()
    visit.status = StudyVisit.Status.REPORTED
    visit.reported_at = _now()
    visit.save()
    return visit
