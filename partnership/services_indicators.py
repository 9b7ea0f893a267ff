"""Writes for the indicators of goal attainment (issue 12 §4, §5; R8, R12).

The indicator set is a governing document: the secretariat drafts a version, the Ledermøte
adopts it through a decision in the register (linked through ``extensions.decision_source``),
and only then are values entered against its indicators. Evaluations after two and four
years copy the indicator values at their date into a snapshot that later values never touch.

Keyword-only, transactional, no request, translated refusals; ``by`` authors the history row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from . import extensions, formats
from .actors import acting_person
from .locking import ConflictError
from .models import (
    Body,
    EvaluationSnapshot,
    Goal,
    Indicator,
    IndicatorEvaluation,
    IndicatorSet,
    IndicatorValue,
    Period,
    today,
)
from .models_indicators import QUANTITATIVE, RagStatus, Unit
from .selectors_indicators import assess

INDICATOR_FIELDS = (
    "goal",
    "code",
    "name",
    "definition",
    "unit",
    "data_source",
    "direction",
    "baseline",
    "baseline_on",
    "target_2y",
    "target_4y",
    "position",
)


def _save(obj, *, by=None, **kwargs) -> None:
    if acting_person(by) is not None:
        obj._history_user = by
    obj.save(**kwargs)


# --- Periods and evaluation points -------------------------------------------------------------
def agreement_periods() -> list[Period]:
    return list(Period.objects.filter(kind=Period.Kind.AGREEMENT).order_by("starts_on"))


def agreement_period_on(day: dt.date, periods: list[Period] | None = None) -> Period | None:
    for period in agreement_periods() if periods is None else periods:
        if period.starts_on <= day <= period.ends_on:
            return period
    return None


def current_agreement_period(periods: list[Period] | None = None) -> Period | None:
    """The agreement period in force today, else the latest that has begun, else the first."""
    periods = agreement_periods() if periods is None else periods
    now = today()
    found = agreement_period_on(now, periods)
    if found is not None:
        return found
    begun = [p for p in periods if p.starts_on <= now]
    if begun:
        return begun[-1]
    return periods[0] if periods else None


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class EvaluationPoint:
    years: int
    on: dt.date


def evaluation_points(period: Period | None) -> list[EvaluationPoint]:
    """The evaluations after two and four years of ``period`` (R8)."""
    if period is None:
        return []
    return [EvaluationPoint(years, _years_after(period.starts_on, years)) for years in (2, 4)]


def next_evaluation_point(period: Period | None) -> EvaluationPoint | None:
    now = today()
    return next((p for p in evaluation_points(period) if p.on >= now), None)


# --- The indicator set -------------------------------------------------------------------------
def set_in_force() -> IndicatorSet | None:
    return IndicatorSet.objects.filter(status=IndicatorSet.Status.ADOPTED).first()


@transaction.atomic
def indicator_set_draft(*, title: str, by=None) -> IndicatorSet:
    """A new draft version, with a copy of the indicators of the version in force."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Gi versjonen en tittel.")})
    if IndicatorSet.objects.filter(status=IndicatorSet.Status.DRAFT).exists():
        raise ValidationError(_("Det finnes allerede et utkast til ny versjon."))
    version = (IndicatorSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    draft = IndicatorSet(version=version, title=title)
    draft.full_clean()
    _save(draft, by=by)
    current = set_in_force()
    if current is not None:
        for indicator in current.indicators.all():
            indicator.pk = None
            indicator.id = None
            indicator.indicator_set = draft
            _save(indicator, by=by)
    return draft


def _check_indicator(indicator: Indicator) -> None:
    errors: dict[str, str] = {}
    if indicator.unit == Unit.QUALITATIVE:
        for name in ("baseline", "target_2y", "target_4y"):
            if getattr(indicator, name) is not None:
                errors[name] = _("Et kvalitativt kjennetegn har ikke tall for utgangsverdi og mål.")
    else:
        for name in ("baseline", "target_2y", "target_4y"):
            number = getattr(indicator, name)
            if number is not None:
                problem = number_problem(indicator.unit, number)
                if problem:
                    errors[name] = problem
        if indicator.baseline is not None and indicator.baseline_on is None:
            errors["baseline_on"] = _("Oppgi datoen for utgangsverdien.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def indicator_save(
    *, indicator_set: IndicatorSet, indicator: Indicator | None = None, by=None, **fields
) -> Indicator:
    """Add an indicator to a draft version, or change one of its indicators."""
    indicator_set = IndicatorSet.objects.select_for_update().get(pk=indicator_set.pk)
    if not indicator_set.is_draft:
        raise ValidationError(
            _("Vedtatte versjoner endres ikke. Lag et utkast til ny versjon av kjennetegnene.")
        )
    if indicator is None:
        indicator = Indicator(indicator_set=indicator_set)
    elif indicator.indicator_set_id != indicator_set.pk:
        raise ValidationError(_("Kjennetegnet hører til en annen versjon."))
    for name in INDICATOR_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(indicator, name, value.strip() if isinstance(value, str) else value)
    _check_indicator(indicator)
    indicator.full_clean()
    _save(indicator, by=by)
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, by=None) -> None:
    indicator_set = IndicatorSet.objects.select_for_update().get(pk=indicator.indicator_set_id)
    if not indicator_set.is_draft:
        raise ValidationError(_("Vedtatte versjoner endres ikke."))
    indicator.delete()


def linkable_decisions(obj) -> list[extensions.DecisionRef]:
    source = extensions.decision_source()
    if source is None:
        return []
    return source.linkable(obj, body_kind=Body.Kind.LEADERS)


def adopting_decisions(obj) -> list[extensions.DecisionRef]:
    source = extensions.decision_source()
    if source is None:
        return []
    return source.concerning(obj, body_kind=Body.Kind.LEADERS)


def _link_leaders_decision(obj, decision_pk: int | None) -> extensions.DecisionRef:
    source = extensions.decision_source()
    if source is None:
        raise ValidationError(_("Vedtaksregisteret er ikke tilgjengelig."))
    if decision_pk is None:
        raise ValidationError({"decision": _("Velg Ledermøtets vedtak.")})
    return source.link(obj, decision_pk=decision_pk, body_kind=Body.Kind.LEADERS)


@transaction.atomic
def indicator_set_adopt(*, indicator_set: IndicatorSet, decision_pk: int | None, by=None):
    """The Ledermøte's adoption (R8, R12): the draft comes into force, linked to the decision;
    the version in force until now is superseded."""
    indicator_set = IndicatorSet.objects.select_for_update().get(pk=indicator_set.pk)
    if not indicator_set.is_draft:
        raise ValidationError(_("Versjonen er allerede vedtatt."))
    if not indicator_set.indicators.exists():
        raise ValidationError(_("Versjonen har ingen kjennetegn."))
    decision = _link_leaders_decision(indicator_set, decision_pk)
    for old in IndicatorSet.objects.select_for_update().filter(status=IndicatorSet.Status.ADOPTED):
        old.status = IndicatorSet.Status.SUPERSEDED
        _save(old, by=by, update_fields=["status"])
    indicator_set.status = IndicatorSet.Status.ADOPTED
    indicator_set.adopted_on = decision.decided_on or today()
    _save(indicator_set, by=by, update_fields=["status", "adopted_on"])
    return indicator_set


# --- Values --------------------------------------------------------------------------------------
def number_problem(unit: str, number: Decimal) -> str | None:
    """Why ``number`` does not fit ``unit``, or None."""
    if unit == Unit.PERCENT and not (0 <= number <= 100):
        return _("En prosent må være mellom 0 og 100.")
    if unit == Unit.SCALE and not (1 <= number <= 5 and number == number.to_integral_value()):
        return _("Skalaen går fra 1 til 5, i hele tall.")
    if unit == Unit.COUNT and not (number >= 0 and number == number.to_integral_value()):
        return _("Et antall er et helt tall, 0 eller mer.")
    if abs(number) >= Decimal("1e12"):
        return _("Tallet er for stort.")
    if number != number.quantize(Decimal("0.01")):
        return _("Bruk høyst to desimaler.")
    return None


def period_problem(day: dt.date, periods: list[Period]) -> str | None:
    """Why ``day`` cannot carry a value: in the future or outside every agreement period."""
    if day > today():
        return _("Datoen kan ikke være fram i tid.")
    if agreement_period_on(day, periods) is None:
        if not periods:
            return _("Ingen avtaleperiode er registrert.")
        spans = ", ".join(f"{formats.date(p.starts_on)}–{formats.date(p.ends_on)}" for p in periods)
        return _("Datoen er utenfor avtaleperioden (%(periods)s).") % {"periods": spans}
    return None


def value_problems(
    indicator: Indicator,
    *,
    measured_on: dt.date | None,
    value: Decimal | None,
    status: str,
    periods: list[Period],
) -> dict[str, str]:
    """Everything wrong with a value for ``indicator``, by field (empty: nothing)."""
    errors: dict[str, str] = {}
    if indicator.indicator_set.status != IndicatorSet.Status.ADOPTED:
        errors["indicator"] = _(
            "Kjennetegnet er ikke i kraft: verdier registreres bare mot kjennetegn i den "
            "vedtatte versjonen."
        )
    if measured_on is None:
        errors["measured_on"] = _("Oppgi datoen verdien gjelder.")
    else:
        problem = period_problem(measured_on, periods)
        if problem:
            errors["measured_on"] = problem
    if indicator.unit == Unit.QUALITATIVE:
        if value is not None:
            errors["value"] = _("Et kvalitativt kjennetegn får en status, ikke et tall.")
        if status not in RagStatus.values:
            errors["status"] = _("Velg status: grønn, gul eller rød.")
    else:
        if status:
            errors["status"] = _("Status brukes bare for kvalitative kjennetegn.")
        if value is None:
            errors["value"] = _("Oppgi verdien som et tall.")
        else:
            problem = number_problem(indicator.unit, value)
            if problem:
                errors["value"] = problem
    return errors


def _value_row(indicator, *, measured_on, value, status, narrative, source_note, by):
    return IndicatorValue(
        indicator=indicator,
        unit=indicator.unit,
        measured_on=measured_on,
        value=value if indicator.unit in QUANTITATIVE else None,
        status=status if indicator.unit == Unit.QUALITATIVE else "",
        narrative=(narrative or "").strip(),
        source_note=(source_note or "").strip(),
        entered_by=acting_person(by),
    )


@transaction.atomic
def value_add(
    *,
    indicator: Indicator,
    measured_on: dt.date | None,
    value: Decimal | None = None,
    status: str = "",
    narrative: str = "",
    source_note: str = "",
    by=None,
) -> IndicatorValue:
    """Enter a value against an indicator in force (refused otherwise, with the reasons)."""
    indicator = Indicator.objects.select_related("indicator_set").get(pk=indicator.pk)
    errors = value_problems(
        indicator,
        measured_on=measured_on,
        value=value,
        status=status or "",
        periods=agreement_periods(),
    )
    if (
        not errors
        and IndicatorValue.objects.filter(indicator=indicator, measured_on=measured_on).exists()
    ):
        errors["measured_on"] = _("Kjennetegnet har allerede en verdi for denne datoen.")
    if errors:
        raise ValidationError(errors)
    row = _value_row(
        indicator,
        measured_on=measured_on,
        value=value,
        status=status,
        narrative=narrative,
        source_note=source_note,
        by=by,
    )
    row.full_clean()
    _save(row, by=by)
    return row


@dataclass(frozen=True)
class CleanRow:
    """One checked row of an import (see ``partnership.indicator_import``)."""

    indicator: Indicator
    measured_on: dt.date
    value: Decimal | None
    status: str
    narrative: str
    source_note: str


def values_import(*, rows: list[CleanRow], by=None) -> int:
    """Save checked import rows, all in one transaction, or none of them."""
    if not rows:
        raise ValidationError(_("Filen har ingen rader å importere."))
    try:
        with transaction.atomic():
            in_force = set(
                Indicator.objects.filter(
                    pk__in={r.indicator.pk for r in rows},
                    indicator_set__status=IndicatorSet.Status.ADOPTED,
                ).values_list("pk", flat=True)
            )
            if len(in_force) != len({r.indicator.pk for r in rows}):
                raise ValidationError(
                    _("Versjonen av kjennetegnene er endret. Last opp filen på nytt.")
                )
            objs = [
                _value_row(
                    row.indicator,
                    measured_on=row.measured_on,
                    value=row.value,
                    status=row.status,
                    narrative=row.narrative,
                    source_note=row.source_note,
                    by=by,
                )
                for row in rows
            ]
            bulk_create_with_history(objs, IndicatorValue, default_user=acting_person(by))
    except IntegrityError:
        raise ValidationError(
            _(
                "Noen av verdiene er registrert i mellomtiden. Last opp filen på nytt for å se "
                "hvilke."
            )
        ) from None
    return len(rows)


# --- Evaluations after two and four years (R8) ---------------------------------------------------
def _target_at(indicator: Indicator, point: int) -> Decimal | None:
    return indicator.target_2y if point == 2 else indicator.target_4y


@transaction.atomic
def evaluation_create(
    *,
    goal: Goal,
    point: int,
    assessment: str,
    evaluated_on: dt.date | None = None,
    by=None,
) -> IndicatorEvaluation:
    """An evaluation of ``goal`` with a snapshot of its indicators' latest values on
    ``evaluated_on``: the rows are copies and are never recomputed."""
    evaluated_on = evaluated_on or today()
    if evaluated_on > today():
        raise ValidationError({"evaluated_on": _("Evalueringsdatoen kan ikke være fram i tid.")})
    periods = agreement_periods()
    period = agreement_period_on(evaluated_on, periods)
    if period is None:
        raise ValidationError(
            {"evaluated_on": period_problem(evaluated_on, periods) or _("Ugyldig dato.")}
        )
    if point not in (2, 4):
        raise ValidationError({"point": _("Evalueringspunktene er etter to og fire år.")})
    indicator_set = set_in_force()
    if indicator_set is None:
        raise ValidationError(_("Ingen versjon av kjennetegnene er vedtatt."))
    evaluation = IndicatorEvaluation(
        goal=goal,
        period=period,
        point=point,
        evaluated_on=evaluated_on,
        assessment=(assessment or "").strip(),
        written_by=acting_person(by),
    )
    evaluation.full_clean()
    _save(evaluation, by=by)
    indicators = list(indicator_set.indicators.filter(goal=goal).order_by("position", "code"))
    latest = {}
    for row in (
        IndicatorValue.objects.filter(indicator__in=indicators, measured_on__lte=evaluated_on)
        .order_by("indicator_id", "-measured_on")
        .distinct("indicator_id")
    ):
        latest[row.indicator_id] = row
    EvaluationSnapshot.objects.bulk_create(
        [
            EvaluationSnapshot(
                evaluation=evaluation,
                indicator=indicator,
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                direction=indicator.direction,
                baseline=indicator.baseline,
                target=_target_at(indicator, point),
                measured_on=getattr(latest.get(indicator.pk), "measured_on", None),
                value=getattr(latest.get(indicator.pk), "value", None),
                status=getattr(latest.get(indicator.pk), "status", ""),
                narrative=getattr(latest.get(indicator.pk), "narrative", ""),
                assessment=assess(
                    indicator, latest.get(indicator.pk), target=_target_at(indicator, point)
                ).level,
                position=position,
            )
            for position, indicator in enumerate(indicators)
        ]
    )
    return evaluation


@transaction.atomic
def evaluation_update(
    *, evaluation: IndicatorEvaluation, assessment: str, version: int | None = None, by=None
):
    """Change the assessment of a draft evaluation (the snapshot of values stays as it was).
    ``version``: the one the editor opened; a later save in between is refused with a
    ``ConflictError`` that carries both texts, so neither is lost."""
    evaluation = IndicatorEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status != IndicatorEvaluation.Status.DRAFT:
        raise ValidationError(_("En vedtatt evaluering endres ikke."))
    assessment = (assessment or "").strip()
    if version is not None and version != evaluation.version:
        last = evaluation.history.order_by("-history_date").first()
        raise ConflictError(
            current_version=evaluation.version,
            updated_by=getattr(last, "history_user", None),
            updated_at=evaluation.updated_at,
            current={"assessment": evaluation.assessment},
            yours={"assessment": assessment},
        )
    evaluation.assessment = assessment
    evaluation.full_clean()
    evaluation.version += 1
    evaluation.updated_at = timezone.now()
    _save(evaluation, by=by, update_fields=["assessment", "version", "updated_at"])
    return evaluation


@transaction.atomic
def evaluation_adopt(*, evaluation: IndicatorEvaluation, decision_pk: int | None, by=None):
    """The Ledermøte adopts the evaluation through a decision in the register."""
    evaluation = IndicatorEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status != IndicatorEvaluation.Status.DRAFT:
        raise ValidationError(_("Evalueringen er allerede vedtatt."))
    decision = _link_leaders_decision(evaluation, decision_pk)
    evaluation.status = IndicatorEvaluation.Status.ADOPTED
    evaluation.adopted_on = decision.decided_on or today()
    _save(evaluation, by=by, update_fields=["status", "adopted_on"])
    return evaluation
