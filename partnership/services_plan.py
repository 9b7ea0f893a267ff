"""Writes for the action plan's goals and common measures (issue 12 §1; R1, R4, R8, R9).

Keyword-only, transactional, no request, translated refusals; ``by`` authors the history row.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import extensions, plan_texts
from .actors import acting_person
from .models import Body, Goal, Measure, MeasureEvaluation, today

GOAL_FIELDS = ("title", "text", "explanation")
MEASURE_FIELDS = (
    "name",
    "category",
    "description",
    "target_count",
    "target_period_years",
    "responsible_group",
    "status",
    "position",
)


def _save(obj, *, by=None, **kwargs) -> None:
    if acting_person(by) is not None:
        obj._history_user = by
    obj.save(**kwargs)


# --- Goals -------------------------------------------------------------------------------------
@transaction.atomic
def goal_update(*, goal: Goal, by=None, **fields) -> Goal:
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    for name in GOAL_FIELDS:
        if name in fields:
            setattr(goal, name, (fields[name] or "").strip())
    goal.full_clean()
    _save(goal, by=by)
    return goal


@transaction.atomic
def goals_seed() -> list[Goal]:
    """The plan's overall goal and three sub-goals (000 §4), once; existing rows are kept."""
    goals = []
    for data in [plan_texts.OVERALL_GOAL, *plan_texts.SUB_GOALS]:
        kind = Goal.Kind.OVERALL if data["number"] == 0 else Goal.Kind.SUB
        goal, _created = Goal.objects.get_or_create(
            number=data["number"],
            defaults={
                "kind": kind,
                "title": data["title"],
                "text": data["text"],
                "explanation": data["explanation"],
            },
        )
        goals.append(goal)
    return goals


# --- Measures ----------------------------------------------------------------------------------
def _check_measure(measure: Measure, sub_goals) -> None:
    errors: dict[str, str] = {}
    group = measure.responsible_group
    if group is not None and group.kind != Body.Kind.WORKING_GROUP:
        errors["responsible_group"] = _("Ansvaret for et tiltak ligger hos en arbeidsgruppe.")
    if sub_goals is not None:
        if not sub_goals:
            errors["sub_goals"] = _("Velg minst ett delmål tiltaket støtter.")
        elif any(g.kind != Goal.Kind.SUB for g in sub_goals):
            errors["sub_goals"] = _("Tiltak knyttes til delmålene, ikke det overordnede målet.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def measure_create(*, sub_goals, by=None, **fields) -> Measure:
    measure = Measure(**{k: v for k, v in fields.items() if k in MEASURE_FIELDS})
    if measure.status == Measure.Status.ENDED:
        raise ValidationError({"status": _("Et nytt tiltak kan ikke være avviklet.")})
    sub_goals = list(sub_goals)
    _check_measure(measure, sub_goals)
    measure.full_clean()
    _save(measure, by=by)
    measure.sub_goals.set(sub_goals)
    return measure


@transaction.atomic
def measure_update(*, measure: Measure, sub_goals=None, by=None, **fields) -> Measure:
    """Change a measure. Its status moves between active and under evaluation here; ending
    it is ``measure_end`` (R1), and an ended measure is not reopened by an edit."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    was_ended = measure.is_ended
    for name in MEASURE_FIELDS:
        if name in fields:
            setattr(measure, name, fields[name])
    if measure.status == Measure.Status.ENDED and not was_ended:
        raise ValidationError(
            {
                "status": _(
                    "Et tiltak avvikles med «Avvikle tiltaket» etter evaluering og vedtak i "
                    "Ledermøtet."
                )
            }
        )
    if was_ended and measure.status != Measure.Status.ENDED:
        raise ValidationError({"status": _("Et avviklet tiltak kan ikke tas opp igjen her.")})
    sub_goals = list(sub_goals) if sub_goals is not None else None
    _check_measure(measure, sub_goals)
    measure.full_clean()
    _save(measure, by=by)
    if sub_goals is not None:
        measure.sub_goals.set(sub_goals)
    return measure


@transaction.atomic
def measure_evaluation_add(
    *,
    measure: Measure,
    evaluated_on: dt.date,
    assessment: str,
    recommendation: str,
    by=None,
) -> MeasureEvaluation:
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.is_ended:
        raise ValidationError(_("Tiltaket er avviklet."))
    if evaluated_on > today():
        raise ValidationError({"evaluated_on": _("Evalueringsdatoen kan ikke være fram i tid.")})
    evaluation = MeasureEvaluation(
        measure=measure,
        evaluated_on=evaluated_on,
        assessment=(assessment or "").strip(),
        recommendation=recommendation,
        written_by=acting_person(by),
    )
    evaluation.full_clean()
    _save(evaluation, by=by)
    if measure.status == Measure.Status.ACTIVE:
        measure.status = Measure.Status.UNDER_EVALUATION
        _save(measure, by=by, update_fields=["status"])
    return evaluation


def ending_decisions(measure: Measure) -> list[extensions.DecisionRef]:
    """The Ledermøte's decisions concerning ``measure`` (empty without a decision register)."""
    source = extensions.decision_source()
    if source is None:
        return []
    return source.concerning(measure, body_kind=Body.Kind.LEADERS)


def linkable_decisions(measure: Measure) -> list[extensions.DecisionRef]:
    source = extensions.decision_source()
    if source is None:
        return []
    return source.linkable(measure, body_kind=Body.Kind.LEADERS)


def what_ending_lacks(measure: Measure, *, decisions=None) -> list[str]:
    """What R1 still asks for before ``measure`` may be ended, as sentences (empty: nothing)."""
    missing = []
    if not measure.evaluations.exists():
        missing.append(_("Tiltaket er ikke evaluert. Registrer en evaluering først."))
    if not (ending_decisions(measure) if decisions is None else decisions):
        missing.append(
            _(
                "Ledermøtet har ikke vedtatt å avvikle tiltaket. Velg Ledermøtets vedtak om "
                "avvikling."
            )
        )
    return missing


@transaction.atomic
def measure_end(
    *,
    measure: Measure,
    decision_pk: int | None = None,
    ended_on: dt.date | None = None,
    by=None,
) -> Measure:
    """End a common measure (R1): only after an evaluation and a Ledermøte decision.

    ``decision_pk`` names a Ledermøte decision to link to the measure first (one that
    concerns nothing else). Refused, with what is missing, otherwise; nothing is saved then.
    """
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.is_ended:
        raise ValidationError(_("Tiltaket er allerede avviklet."))
    ended_on = ended_on or today()
    if ended_on > today():
        raise ValidationError({"ended_on": _("Avviklingsdatoen kan ikke være fram i tid.")})
    if decision_pk is not None:
        source = extensions.decision_source()
        if source is None:
            raise ValidationError(_("Vedtaksregisteret er ikke tilgjengelig."))
        source.link(measure, decision_pk=decision_pk, body_kind=Body.Kind.LEADERS)
    decisions = ending_decisions(measure)
    missing = what_ending_lacks(measure, decisions=decisions)
    if missing:
        raise ValidationError(missing)
    measure.status = Measure.Status.ENDED
    measure.ended_on = ended_on
    measure.full_clean()
    _save(measure, by=by)
    return measure


@transaction.atomic
def measures_seed() -> list[Measure]:
    """The plan's common measures (000 §5), once, each with its sub-goals and (where the plan
    places it at one level) the working group of that level; existing rows are kept."""
    goals = {g.number: g for g in Goal.objects.filter(kind=Goal.Kind.SUB)}
    groups = {
        b.level: b
        for b in Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("pk")
        if b.level
    }
    measures = []
    for position, (name, category, count, years, numbers, level, text) in enumerate(
        plan_texts.MEASURES, start=1
    ):
        measure, created = Measure.objects.get_or_create(
            name=name,
            defaults={
                "category": category,
                "description": text,
                "target_count": count,
                "target_period_years": years,
                "responsible_group": groups.get(level) if level else None,
                "position": position,
            },
        )
        if created:
            measure.sub_goals.set([goals[n] for n in numbers if n in goals])
        measures.append(measure)
    return measures
