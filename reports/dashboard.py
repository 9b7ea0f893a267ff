"""Reads for the leaders' dashboard (issue 12 §5): per goal its indicators in force, each
with its recent values, where the latest stands against the target that applies now, and a
one-sentence summary; the next evaluation point and the evaluations made.

A fixed number of queries whatever the number of indicators and values: the set in force,
the goals, the indicators, the recent values (a window over all indicators at once), the
agreement periods and the evaluations.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from partnership import formats
from partnership.html import conditional_escape
from partnership.models import (
    Goal,
    Indicator,
    IndicatorEvaluation,
    IndicatorSet,
    IndicatorValue,
    Period,
    today,
)
from partnership.selectors_indicators import (
    Assessment,
    assess,
    format_number,
    format_value,
    target_on,
)
from partnership.services_indicators import (
    EvaluationPoint,
    agreement_periods,
    current_agreement_period,
    evaluation_points,
)

RECENT = 12  # values per chart on the dashboard (the indicator's page has them all)


@dataclass
class IndicatorBlock:
    indicator: Indicator
    values: list[IndicatorValue]
    target_point: int | None
    target: object
    assessment: Assessment

    @cached_property
    def summary(self) -> str:
        """Worked out when shown: the dashboard shows one goal's indicators in full."""
        return summary(self.indicator, self.values, self.assessment, self.target)

    @property
    def latest(self) -> IndicatorValue | None:
        return self.values[-1] if self.values else None

    @property
    def latest_text(self) -> str:
        return format_value(self.latest)

    @property
    def target_text(self) -> str:
        return format_number(self.indicator.unit, self.target)

    @property
    def rows(self) -> list[tuple[IndicatorValue, str]]:
        return [(v, format_value(v)) for v in self.values]

    @property
    def table_html(self) -> str:
        """The table's rows, built here rather than by the template: a dashboard has hundreds.
        Built only for the blocks a page shows (the dashboard shows one goal at a time)."""
        return self.table_rows_html({})

    def table_rows_html(self, cells: dict) -> str:
        """``table_html`` with ``cells``, the escaped cells of the tables already written, by
        day and by value (a goal's indicators are mostly measured on the same days, and many
        values recur): every text escaped by ``conditional_escape``, put into the row as
        ``format_html`` would."""
        rows = []
        for value in self.values:
            day = value.measured_on
            when = cells.get(day)
            if when is None:
                when = cells[day] = conditional_escape(formats.date(day))
            key = (value.unit, value.value, value.status)
            shown = cells.get(key)
            if shown is None:
                shown = cells[key] = conditional_escape(format_value(value))
            rows.append(_TABLE_ROW.format(when, shown))
        return mark_safe("".join(rows))  # noqa: S308 - every text escaped above

    def table(self) -> list[tuple[str, str]]:
        """(date, value) as text for the chart's table."""
        return [(formats.date(value.measured_on), format_value(value)) for value in self.values]


_TABLE_ROW = '<tr><th scope="row">{}</th><td class="portal-num portal-nowrap">{}</td></tr>'


@dataclass
class GoalBlock:
    goal: Goal
    indicators: list[IndicatorBlock] = field(default_factory=list)
    evaluations: list[IndicatorEvaluation] = field(default_factory=list)

    def status_counts(self) -> list[tuple[str, str, int]]:
        """``(color, label, n)`` per status among the goal's indicators, in the order of the
        first indicator with each: the line a goal shows when its indicators are not."""
        counts: dict[str, list] = {}
        for item in self.indicators:
            key = item.assessment.color
            if key not in counts:
                counts[key] = [key, item.assessment.label, 0]
            counts[key][2] += 1
        return [tuple(c) for c in counts.values()]


@dataclass
class Dashboard:
    indicator_set: IndicatorSet | None
    period: Period | None
    points: list[EvaluationPoint]
    next_point: EvaluationPoint | None
    goals: list[GoalBlock]
    evaluations: list[IndicatorEvaluation] = field(default_factory=list)
    shown_goal: int | None = None  # the goal shown in full on the dashboard (``dashboard``)


def summary(indicator: Indicator, values: list, assessment: Assessment, target) -> str:
    """One sentence that says what the chart shows."""
    if not values:
        return _("%(name)s: ingen verdier er registrert ennå.") % {"name": indicator.name}
    first, last = values[0], values[-1]
    if indicator.is_qualitative:
        return _("%(name)s: siste vurdering %(status)s (%(on)s).") % {
            "name": indicator.name,
            "status": format_value(last).lower(),
            "on": formats.date(last.measured_on),
        }
    shown = {
        "name": indicator.name,
        "first": format_value(first),
        "first_on": formats.date(first.measured_on),
        "last": format_value(last),
        "last_on": formats.date(last.measured_on),
    }
    if target is None:
        return _("%(name)s gikk fra %(first)s (%(first_on)s) til %(last)s (%(last_on)s).") % shown
    shown["target"] = format_number(indicator.unit, target)
    return (
        _(
            "%(name)s gikk fra %(first)s (%(first_on)s) til %(last)s (%(last_on)s), mot målet "
            "%(target)s."
        )
        % shown
    )


def indicator_block(indicator: Indicator, values: list, points) -> IndicatorBlock:
    day = values[-1].measured_on if values else today()
    point, target = target_on(indicator, day, points)
    assessment = assess(indicator, values[-1] if values else None, target=target)
    return IndicatorBlock(
        indicator=indicator,
        values=values,
        target_point=point,
        target=target,
        assessment=assessment,
    )


ValueRow = namedtuple("ValueRow", "indicator_id unit measured_on value status")


def _recent_values_sql() -> str:
    """Per indicator (``unnest`` of the pks and how many values each), its latest values along
    the ``indvalue_latest`` index (``LATERAL ... LIMIT``), oldest first. Written out: the ORM's
    window filter (``ROW_NUMBER`` then ``rank <= n``) read every value of every indicator and
    cost more in Python, compiling the filter, than PostgreSQL took to run it (make bench)."""
    table = IndicatorValue._meta.db_table
    return (
        f"SELECT v.indicator_id, v.unit, v.measured_on, v.value, v.status "  # noqa: S608
        f"FROM unnest(%s::bigint[], %s::integer[]) AS wanted(id, n) "
        f"CROSS JOIN LATERAL (SELECT indicator_id, unit, measured_on, value, status "
        f"FROM {table} WHERE indicator_id = wanted.id "
        f"ORDER BY measured_on DESC LIMIT wanted.n) AS v "
        f"ORDER BY v.indicator_id, v.measured_on"
    )


def recent_values(
    indicators: list[Indicator], per_indicator: int = RECENT, *, latest_only=frozenset()
) -> dict[int, list]:
    """The latest ``per_indicator`` values of each indicator, oldest first, as named rows
    (``indicator_id, unit, measured_on, value, status``): one query. Of the indicators in
    ``latest_only`` (pks) only the latest value, which is all their status needs."""
    if not indicators:
        return {}
    ids = [i.pk for i in indicators]
    counts = [1 if pk in latest_only else per_indicator for pk in ids]
    found: dict[int, list] = {pk: [] for pk in ids}
    with connection.cursor() as cursor:
        cursor.execute(_recent_values_sql(), [ids, counts])
        for row in cursor.fetchall():
            found[row[0]].append(ValueRow._make(row))
    return found


# What the dashboard shows and assesses of an indicator.
INDICATOR_FIELDS = (
    "goal_id",
    "code",
    "name",
    "unit",
    "direction",
    "baseline",
    "target_2y",
    "target_4y",
)


def _fields(model, names) -> list:
    """``model``'s concrete fields among ``names`` (attnames), in the model's order: the order
    ``Model.from_db`` takes the values in."""
    return [f for f in model._meta.concrete_fields if f.attname in names]


_SET_FIELDS = list(IndicatorSet._meta.concrete_fields)
_INDICATOR_FIELDS = _fields(Indicator, {"id", "indicator_set_id", "goal_id", *INDICATOR_FIELDS})


def _in_force_sql() -> str:
    """The adopted indicator set with the highest version (``IndicatorSet``'s order) and its
    indicators of the goals ``%(goals)s`` in ``Indicator``'s order, one row each (one row
    with no indicator when it has none of them). Written out: the queryset (a subquery for
    the set, ``select_related`` of it on every row, ``only``) cost more to build, compile
    and turn into fifty set instances than PostgreSQL took to run it (make bench)."""
    set_columns = ", ".join(f"s.{f.column}" for f in _SET_FIELDS)
    columns = ", ".join(f"i.{f.column}" for f in _INDICATOR_FIELDS)
    return f"""
SELECT {set_columns}, {columns}
  FROM (SELECT * FROM {IndicatorSet._meta.db_table} WHERE status = %(adopted)s
         ORDER BY version DESC LIMIT 1) s
  LEFT JOIN {Indicator._meta.db_table} i
         ON i.indicator_set_id = s.id AND i.goal_id = ANY(%(goals)s)
  LEFT JOIN {Goal._meta.db_table} g ON g.id = i.goal_id
 ORDER BY g.number, i.position, i.code
"""  # noqa: S608


def _in_force(goals: list[int]) -> tuple[IndicatorSet | None, list[Indicator]]:
    """The indicator set in force and its indicators of ``goals``, in the dashboard's order,
    with only the fields it shows and assesses: one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            _in_force_sql(), {"adopted": IndicatorSet.Status.ADOPTED.value, "goals": goals}
        )
        rows = cursor.fetchall()
    if not rows:
        return None, []
    split = len(_SET_FIELDS)
    set_names = [f.attname for f in _SET_FIELDS]
    indicator_names = [f.attname for f in _INDICATOR_FIELDS]
    indicator_set = IndicatorSet.from_db("default", set_names, rows[0][:split])
    indicators = []
    for row in rows:
        if row[split] is None:  # the set has none of these goals' indicators
            continue
        indicator = Indicator.from_db("default", indicator_names, row[split:])
        indicator.indicator_set = indicator_set
        indicators.append(indicator)
    return indicator_set, indicators


def dashboard(*, goal: Goal | None = None, shown: int | None | bool = True) -> Dashboard:
    """The board of every goal (or of ``goal``). ``shown``: ``True`` when the page shows every
    goal's indicators in full (the print view, a goal's page); else the pk of the one goal
    it shows in full, with ``None`` or an unknown pk meaning the first goal with indicators
    (``Dashboard.shown_goal``). Of the other goals' indicators only the latest value is
    read: their status is all the page shows of them."""
    periods = agreement_periods()
    period = current_agreement_period(periods)
    points = evaluation_points(period)
    now = today()
    goals = list(Goal.objects.order_by("number")) if goal is None else [goal]
    blocks = {g.pk: GoalBlock(goal=g) for g in goals}
    indicator_set, indicators = _in_force(list(blocks))
    shown_goal = None
    latest_only: frozenset[int] = frozenset()
    if shown is not True:
        shown_goal = shown if shown in blocks else next((i.goal_id for i in indicators), None)
        latest_only = frozenset(i.pk for i in indicators if i.goal_id != shown_goal)
    values = recent_values(indicators, latest_only=latest_only)
    for indicator in indicators:
        block = indicator_block(indicator, values[indicator.pk], points)
        blocks[indicator.goal_id].indicators.append(block)
    evaluations = list(IndicatorEvaluation.objects.filter(goal__in=list(blocks)))
    for evaluation in evaluations:
        evaluation.goal = blocks[evaluation.goal_id].goal  # read above; its name is shown
        blocks[evaluation.goal_id].evaluations.append(evaluation)
    return Dashboard(
        indicator_set=indicator_set,
        period=period,
        points=points,
        next_point=next((p for p in points if p.on >= now), None),
        goals=list(blocks.values()),
        evaluations=evaluations,
        shown_goal=shown_goal,
    )


def indicator_values(indicator: Indicator):
    """Every value of ``indicator``, newest first (for the paged table)."""
    return IndicatorValue.objects.filter(indicator=indicator).select_related("entered_by")


def all_values():
    """Every value of the indicators in force (the values page and the export)."""
    return (
        IndicatorValue.objects.filter(indicator__indicator_set__status=IndicatorSet.Status.ADOPTED)
        .select_related("indicator", "entered_by")
        .order_by("indicator__code", "-measured_on")
    )


def all_value_rows():
    """``all_values`` as named rows with what the values page shows of each: no instances."""
    return all_values().values_list(
        "indicator_id",
        "indicator__code",
        "indicator__name",
        "measured_on",
        "unit",
        "value",
        "status",
        "source_note",
        "entered_by__full_name",
        "entered_by__email",
        named=True,
    )
