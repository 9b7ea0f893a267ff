"""Writes for the action plan's working level (issue 12 §2, §3; R9): activities under a common
measure, the yearly measure plans, their planned activities and progress, and a plan's adoption
through a decision in the register.

Keyword-only, transactional, no request, translated refusals; ``by`` authors the history row.
A plan's ``version`` rises with every change to it or its lines; a save that brings an older
version raises ``ConflictError`` and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership import extensions, uploads
from partnership.actors import acting_person
from partnership.locking import ConflictError
from partnership.models import Body, BudgetLine, Measure, Period, today

from ..models import Activity, MeasurePlan, PlannedActivity
from ..models.plan import PARTICIPATION_GOAL_NUMBER

# Who adopts a measure plan: the Partnermøte, or the AU under delegation (R9).
ADOPTING_BODY_KINDS = (Body.Kind.PARTNERS, Body.Kind.WORKING_COMMITTEE)

ACTIVITY_FIELDS = (
    "title",
    "date",
    "county",
    "place",
    "format",
    "participant_count",
    "youth_participation",
    "outcomes",
    "link",
)
ITEM_FIELDS = (
    "title",
    "month",
    "responsible_partner",
    "responsible_person",
    "resource_amount",
    "budget_line",
    "progress",
    "progress_comment",
    "activity",
)


def _save(obj, *, by=None, **kwargs) -> None:
    if acting_person(by) is not None:
        obj._history_user = by
    obj.save(**kwargs)


def agreement_periods() -> list[Period]:
    return list(Period.objects.filter(kind=Period.Kind.AGREEMENT).order_by("starts_on"))


def date_in_agreement(day: dt.date, periods: list[Period] | None = None) -> bool:
    """Inside an agreement period (true when none is registered yet)."""
    periods = agreement_periods() if periods is None else periods
    if not periods:
        return True
    return any(p.starts_on <= day <= p.ends_on for p in periods)


def _agreement_message(periods: list[Period]) -> str:
    spans = ", ".join(
        f"{p.starts_on.strftime('%d.%m.%Y')}–{p.ends_on.strftime('%d.%m.%Y')}" for p in periods
    )
    return _("Datoen må være innenfor avtaleperioden (%(spans)s).") % {"spans": spans}


def needs_participation_text(measure: Measure) -> bool:
    """A measure under the participation sub-goal asks how children and young people took part."""
    return any(g.number == PARTICIPATION_GOAL_NUMBER for g in measure.sub_goals.all())


# --- Activities ------------------------------------------------------------------------------------
def _check_activity(activity: Activity, measure: Measure) -> None:
    errors: dict[str, str] = {}
    if measure.is_ended:
        raise ValidationError(_("Tiltaket er avviklet: nye aktiviteter registreres ikke."))
    periods = agreement_periods()
    if activity.date and not date_in_agreement(activity.date, periods):
        errors["date"] = _agreement_message(periods)
    if needs_participation_text(measure) and not (activity.youth_participation or "").strip():
        errors["youth_participation"] = _(
            "Tiltaket hører under delmålet om barn og unges medvirkning: skriv hvordan barn "
            "og unge deltok."
        )
    if errors:
        raise ValidationError(errors)


def _store_file(activity: Activity, file, stored: list[str]) -> None:
    checked = uploads.check_upload(file)
    activity.file_name = checked.original_name
    activity.file_type = checked.content_type
    activity.file.save(checked.original_name, file, save=False)
    stored.append(activity.file.name)


def activity_save(
    *,
    measure: Measure,
    activity: Activity | None = None,
    partners=(),
    file=None,
    remove_file: bool = False,
    by=None,
    **fields,
) -> Activity:
    """Create (``activity`` None) or change an activity under ``measure``; a file goes through
    the portal's upload checks (type judged by content, size) and is deleted if the row fails."""
    storage = Activity._meta.get_field("file").storage
    stored: list[str] = []
    old_file = ""
    try:
        with transaction.atomic():
            measure = Measure.objects.prefetch_related("sub_goals").get(pk=measure.pk)
            if activity is None:
                activity = Activity(measure=measure, created_by=acting_person(by))
            else:
                activity = Activity.objects.select_for_update().get(pk=activity.pk)
                if activity.measure_id != measure.pk:
                    raise ValidationError(_("Aktiviteten hører til et annet tiltak."))
            for name in ACTIVITY_FIELDS:
                if name in fields:
                    value = fields[name]
                    setattr(activity, name, value.strip() if isinstance(value, str) else value)
            _check_activity(activity, measure)
            if file is not None or remove_file:
                old_file = activity.file.name or ""
                activity.file = ""
                activity.file_name = activity.file_type = ""
            if file is not None:
                _store_file(activity, file, stored)
            activity.full_clean(exclude=["file"])
            _save(activity, by=by)
            activity.partners.set(list(partners))
    except BaseException:
        for name in stored:
            uploads.delete_stored(storage, name)
        raise
    if old_file:
        transaction.on_commit(lambda: uploads.delete_stored(storage, old_file))
    return activity


# --- Measure plans -----------------------------------------------------------------------------------
def _conflict(plan: MeasurePlan) -> ConflictError:
    return ConflictError(
        current_version=plan.version, updated_by=plan.updated_by, updated_at=plan.updated_at
    )


def _touch(plan: MeasurePlan, *, by=None) -> None:
    plan.version += 1
    plan.updated_by = acting_person(by)
    plan.updated_at = timezone.now()


@transaction.atomic
def plan_create(*, measure: Measure, year: int, note: str = "", by=None) -> MeasurePlan:
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.is_ended:
        raise ValidationError(_("Tiltaket er avviklet: det lages ikke nye planer for det."))
    if MeasurePlan.objects.filter(measure=measure, year=year).exists():
        raise ValidationError({"year": _("Tiltaket har allerede en plan for dette året.")})
    plan = MeasurePlan(
        measure=measure,
        year=year,
        note=(note or "").strip(),
        updated_by=acting_person(by),
    )
    plan.full_clean()
    _save(plan, by=by)
    return plan


def _lock(plan: MeasurePlan, expected_version: int) -> MeasurePlan:
    plan = (
        MeasurePlan.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=plan.pk)
    )
    if plan.version != expected_version:
        raise _conflict(plan)
    return plan


def _check_item(item: PlannedActivity, plan: MeasurePlan) -> dict[str, str]:
    errors: dict[str, str] = {}
    if item.month is None or not 1 <= item.month <= 12:
        errors["month"] = _("Velg en måned (1–12).")
    if item.activity is not None:
        if item.progress != PlannedActivity.Progress.DONE:
            errors["activity"] = _(
                "Bare en gjennomført planlagt aktivitet lenkes til en aktivitet."
            )
        elif item.activity.measure_id != plan.measure_id:
            errors["activity"] = _("Velg en aktivitet under samme tiltak.")
    line = item.budget_line
    if line is not None:
        group_id = plan.measure.responsible_group_id
        if line.working_group_id is None or line.working_group_id != group_id:
            errors["budget_line"] = _("Velg en budsjettpost for tiltakets arbeidsgruppe.")
        elif line.version.budget_year.year != plan.year:
            errors["budget_line"] = _("Budsjettposten hører til et annet år enn planen.")
    if item.resource_amount is not None and item.resource_amount < Decimal("0"):
        errors["resource_amount"] = _("Ressursbehovet kan ikke være negativt.")
    return errors


@transaction.atomic
def plan_save(
    *,
    plan: MeasurePlan,
    expected_version: int,
    note: str | None = None,
    items: list[dict] = (),
    by=None,
) -> MeasurePlan:
    """Save a plan's note and its lines in one go. Each dict in ``items`` has the line's
    fields and ``pk`` (None: a new line). Refused whole (nothing saved) when a line is wrong
    (``ValidationError`` keyed ``items-<index>-<field>``) or when someone saved the plan since
    ``expected_version`` (``ConflictError``)."""
    plan = _lock(plan, expected_version)
    plan.measure = Measure.objects.get(pk=plan.measure_id)
    existing = {i.pk: i for i in plan.items.select_for_update()}
    errors: dict[str, list[str]] = {}
    to_save: list[PlannedActivity] = []
    for index, data in enumerate(items):
        pk = data.get("pk")
        if pk is not None and pk not in existing:
            raise ValidationError(_("En av linjene hører ikke til denne planen."))
        item = existing[pk] if pk is not None else PlannedActivity(plan=plan, position=index)
        for name in ITEM_FIELDS:
            if name in data:
                value = data[name]
                setattr(item, name, value.strip() if isinstance(value, str) else value)
        found = _check_item(item, plan)
        try:
            item.full_clean(exclude=["plan"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                found.setdefault(field, messages[0])
        for field, message in found.items():
            errors.setdefault(f"items-{index}-{field}", []).append(message)
        to_save.append(item)
    if errors:
        raise ValidationError(errors)
    if note is not None:
        plan.note = note.strip()
    _touch(plan, by=by)
    _save(plan, by=by)
    for item in to_save:
        item.save()
    return plan


@transaction.atomic
def progress_update(
    *,
    item: PlannedActivity,
    expected_version: int,
    progress: str,
    comment: str = "",
    activity: Activity | None = None,
    by=None,
) -> PlannedActivity:
    """One line's progress (not started, in progress, done, dropped) with a comment; a done
    line may name the activity it became."""
    plan = _lock(item.plan, expected_version)
    plan.measure = Measure.objects.get(pk=plan.measure_id)
    item = PlannedActivity.objects.select_for_update().get(pk=item.pk, plan=plan)
    item.progress = progress
    item.progress_comment = (comment or "").strip()
    item.activity = activity if progress == PlannedActivity.Progress.DONE else None
    errors = _check_item(item, plan)
    if errors:
        raise ValidationError(errors)
    item.full_clean(exclude=["plan"])
    item.save()
    _touch(plan, by=by)
    _save(plan, by=by)
    return item


# --- Adoption (R9) ------------------------------------------------------------------------------------
def adopting_decisions(plan: MeasurePlan) -> list[extensions.DecisionRef]:
    source = extensions.decision_source()
    if source is None:
        return []
    found = []
    for kind in ADOPTING_BODY_KINDS:
        found.extend(source.concerning(plan, body_kind=kind))
    return found


def linkable_decisions(plan: MeasurePlan) -> list[extensions.DecisionRef]:
    source = extensions.decision_source()
    if source is None:
        return []
    found = []
    for kind in ADOPTING_BODY_KINDS:
        found.extend(source.linkable(plan, body_kind=kind))
    return sorted(found, key=lambda d: (d.decided_on or dt.date.min, d.pk), reverse=True)


@transaction.atomic
def plan_adopt(
    *, plan: MeasurePlan, expected_version: int, decision_pk: int, by=None
) -> MeasurePlan:
    """Record that the Partnermøte (or the AU under delegation) adopted the plan, by linking
    its decision in the register to the plan."""
    plan = _lock(plan, expected_version)
    if plan.is_adopted:
        raise ValidationError(_("Planen er allerede vedtatt."))
    source = extensions.decision_source()
    if source is None:
        raise ValidationError(_("Vedtaksregisteret er ikke tilgjengelig."))
    ref = None
    for kind in ADOPTING_BODY_KINDS:
        try:
            ref = source.link(plan, decision_pk=decision_pk, body_kind=kind)
        except ValidationError:
            continue
        break
    if ref is None:
        raise ValidationError(
            {"decision": _("Velg et vedtak fra Partnermøtet eller Arbeidsutvalget.")}
        )
    plan.status = MeasurePlan.Status.ADOPTED
    plan.adopted_on = ref.decided_on or today()
    _touch(plan, by=by)
    plan.full_clean()
    _save(plan, by=by)
    return plan


def budget_lines_for(plan: MeasurePlan):
    """The group's allocation lines in the budget in force for the plan's year (what a planned
    activity's resources may be set against)."""
    group_id = plan.measure.responsible_group_id
    if group_id is None:
        return BudgetLine.objects.none()
    return (
        BudgetLine.objects.filter(working_group_id=group_id, version__budget_year__year=plan.year)
        .exclude(version__status="draft")
        .select_related("version__budget_year", "working_group")
        .order_by("-version__pk", "pk")
    )
