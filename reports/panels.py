"""The dashboard's indicator panels, written here rather than by a template: a goal has a
dozen indicators, each with its facts, its chart (an image whose ``alt`` is the one-sentence
summary), and the chart's numbers in a table; as template includes they were most of the
dashboard's render (make bench)."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from partnership import formats
from partnership.html import format_html, format_html_join
from partnership.viewhelpers import UrlPatterns

from .dashboard import IndicatorBlock


class _Texts:
    """The panels' fixed texts, translated once per list of panels."""

    def __init__(self):
        self.latest = _("Siste verdi")
        self.direction = _("Retning")
        self.target_after = _("Mål etter %(years)s år")
        self.as_table = _("Tallene i diagrammet som tabell")
        self.caption = _("Siste verdier: %(name)s")
        self.date = _("Dato")
        self.value = _("Verdi")
        self.no_indicators = _("Målet har ingen kjennetegn i versjonen som gjelder.")
        self.labels: dict[str, str] = {}  # the assessments' tag texts, by level
        self.directions: dict[str, str] = {}  # the directions' names, by value

    def label(self, item: IndicatorBlock) -> str:
        level = item.assessment.level
        if level not in self.labels:
            self.labels[level] = item.assessment.label
        return self.labels[level]

    def direction_of(self, item: IndicatorBlock) -> str:
        value = item.indicator.direction
        if value not in self.directions:
            self.directions[value] = item.indicator.get_direction_display()
        return self.directions[value]


def _panel(item: IndicatorBlock, level: int, printing: bool, urls: UrlPatterns, t: _Texts, cells):
    indicator = item.indicator
    pk = indicator.pk
    latest = item.latest
    facts = format_html(
        "<dt>{}</dt><dd>{}{}</dd><dt>{}</dt><dd>{}</dd>{}",
        t.latest,
        item.latest_text,
        format_html(" ({})", formats.date(latest.measured_on)) if latest else "",
        t.direction,
        t.direction_of(item),
        format_html(
            "<dt>{}</dt><dd>{}</dd>",
            t.target_after % {"years": item.target_point},
            item.target_text,
        )
        if item.target_point
        else "",
    )
    if item.values:
        body = format_html(
            '<figure class="rp-chart"><img src="{}" width="800" height="320" loading="lazy" '
            'alt="{}"><figcaption>{}</figcaption></figure>'
            '<details class="rp-table"{}><summary>{}</summary><div class="portal-table-wrap">'
            '<table class="ds-table" data-border><caption>{}</caption><thead><tr>'
            '<th scope="col">{}</th><th scope="col" class="portal-num">{}</th></tr></thead>'
            "<tbody>{}</tbody></table></div></details>",
            urls("reports:indicator_chart", pk),
            item.summary,
            item.summary,
            mark_safe(" open") if printing else "",
            t.as_table,
            t.caption % {"name": indicator.name},
            t.date,
            t.value,
            item.table_rows_html(cells),
        )
    else:
        body = format_html("<p>{}</p>", item.summary)
    return format_html(
        '<article class="portal-panel rp-indicator" aria-labelledby="indicator-{}">'
        '<h{} id="indicator-{}" class="ds-heading" data-size="xs"><a class="ds-link" href="{}">'
        "{} {}</a></h{}>"
        '<p><span class="ds-tag" data-color="{}">{}</span> {}</p>'
        '<dl class="portal-facts rp-facts">{}</dl>{}</article>',
        pk,
        level,
        pk,
        urls("reports:indicator_detail", pk),
        indicator.code,
        indicator.name,
        level,
        item.assessment.color,
        t.label(item),
        item.assessment.text,
        facts,
        body,
    )


def panels_html(items: list[IndicatorBlock], *, heading_level: int, printing: bool) -> SafeString:
    """The panels of a goal's indicators, or the sentence that it has none."""
    t = _Texts()
    if not items:
        return format_html("<p>{}</p>", t.no_indicators)
    urls = UrlPatterns()
    cells: dict = {}
    return format_html_join(
        "\n", "{}", ((_panel(item, heading_level, printing, urls, t, cells),) for item in items)
    )


_FREQUENCY_ROW = (
    '<tr><th scope="row"><a class="ds-link" href="{}">{}</a></th>'
    '<td class="portal-num">{}</td><td class="portal-num">{}</td><td>{}</td><td>{}</td></tr>'
)


def frequency_rows_html(frequencies) -> SafeString:
    """The dashboard's rows of measures against their target frequency
    (``workgroups.selectors_plan.Frequency``), each linking to the measure's working page."""
    urls = UrlPatterns()
    as_needed = _("Etter behov")
    met = format_html('<span class="ds-tag" data-color="success">{}</span>', _("Nådd"))
    not_yet = format_html(
        '<span class="ds-tag" data-color="warning">{}</span>', _("Ikke nådd ennå")
    )
    return format_html_join(
        "",
        _FREQUENCY_ROW,
        (
            (
                urls("workgroups:measure_work", f.measure.pk),
                f.measure.name,
                f.done,
                "–" if f.target is None else f.target,
                f.span_text,
                as_needed if f.met is None else (met if f.met else not_yet),
            )
            for f in frequencies
        ),
    )
