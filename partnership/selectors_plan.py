"""Reads for the action plan's pages: goals, measures and the plan's figure (000 §5: the
goal, the sub-goals and the measures that serve them), drawn as an accessible SVG."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import Goal, Measure, MeasureEvaluation


def measures():
    """Every common measure with its sub-goals and group: three queries, whatever the count."""
    return (
        Measure.objects.select_related("responsible_group")
        .prefetch_related(Prefetch("sub_goals", queryset=Goal.objects.order_by("number")))
        .order_by("position", "name")
    )


def goals():
    """The goals (overall first), each with its measures prefetched: two queries."""
    return Goal.objects.prefetch_related(
        Prefetch("measures", queryset=Measure.objects.order_by("position", "name"))
    ).order_by("number")


def measure_evaluations(measure: Measure):
    return MeasureEvaluation.objects.filter(measure=measure).select_related("written_by")


# --- The figure ----------------------------------------------------------------------------------
WIDTH = 960
BOX_H = 84
LINE_H = 16


@dataclass
class Node:
    key: str
    url: str
    label: str
    lines: list[str]
    x: int
    y: int
    w: int
    h: int = BOX_H
    kind: str = ""

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def text_y(self) -> int:
        # Vertically centred lines (the first line's baseline).
        return self.y + (self.h - len(self.lines) * LINE_H) // 2 + LINE_H - 3


@dataclass
class Figure:
    width: int
    height: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[tuple[int, int, int, int]] = field(default_factory=list)


def _lines(text: str, width_px: int) -> list[str]:
    """The whole label in lines that fit the box (never cut: the visible text is the link's
    name); every line but the last keeps its space, so the words stay apart in the text."""
    chars = max(10, width_px // 8)
    lines = textwrap.wrap(text, chars, break_on_hyphens=False, break_long_words=False) or [text]
    return [line + " " for line in lines[:-1]] + lines[-1:]


def _fit_height(nodes: list[Node]) -> int:
    """One height for a row: the tallest label's lines with a margin."""
    most = max((len(n.lines) for n in nodes), default=1)
    height = max(BOX_H, most * LINE_H + 24)
    for node in nodes:
        node.h = height
    return height


def _row(items, y: int, key: str, kind: str, gap: int = 16) -> list[Node]:
    n = max(1, len(items))
    w = (WIDTH - gap * (n + 1)) // n
    return [
        Node(
            key=f"{key}-{obj.pk}",
            url=obj.get_absolute_url(),
            label=label,
            lines=_lines(label, w - 12),
            x=gap + i * (w + gap),
            y=y,
            w=w,
            kind=kind,
        )
        for i, (obj, label) in enumerate(items)
    ]


def plan_figure(goal_list, measure_list) -> Figure:
    """Boxes for the overall goal, the sub-goals and the measures still running, and a line from
    the goal to each sub-goal and from each sub-goal to each measure that serves it."""
    overall = [g for g in goal_list if g.is_overall]
    subs = [g for g in goal_list if not g.is_overall]
    running = [m for m in measure_list if not m.is_ended]
    gap = 64
    top = _row([(g, g.text) for g in overall], 16, "goal", "overall")
    if top:
        top[0].x, top[0].w = WIDTH // 4, WIDTH // 2
        top[0].lines = _lines(top[0].label, top[0].w - 12)
    y = 16 + _fit_height(top) + gap if top else 16
    middle = _row([(g, str(g)) for g in subs], y, "goal", "sub")
    y += _fit_height(middle) + gap if middle else 0
    bottom = _row([(m, m.name) for m in running], y, "measure", "measure", 8)
    y += _fit_height(bottom) if bottom else 0
    edges = []
    for node in middle:
        if top:
            edges.append((top[0].cx, top[0].y + top[0].h, node.cx, node.y))
    by_goal = {f"goal-{g.pk}": n for g, n in zip(subs, middle, strict=True)}
    for measure, node in zip(running, bottom, strict=True):
        for goal in measure.sub_goals.all():
            parent = by_goal.get(f"goal-{goal.pk}")
            if parent is not None:
                edges.append((parent.cx, parent.y + parent.h, node.cx, node.y))
    return Figure(width=WIDTH, height=y + 16, nodes=top + middle + bottom, edges=edges)
