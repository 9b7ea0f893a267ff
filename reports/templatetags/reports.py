"""Indicator values in their unit, for the reports' templates."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from partnership import formats
from partnership.selectors_indicators import format_number, format_value

register = template.Library()


@register.simple_tag
def indicator_value(row) -> str:
    """A value or snapshot row as "45 %", "3 av 5", "Gul" …"""
    return format_value(row)


@register.simple_tag
def indicator_number(unit: str, number) -> str:
    return format_number(unit, number)


_PANEL = (
    '<article class="portal-panel rp-indicator" aria-labelledby="indicator-{pk}">'
    '<h{level} id="indicator-{pk}" class="ds-heading" data-size="xs">'
    '<a class="ds-link" href="{detail}">{code} {name}</a></h{level}>'
    '<p><span class="ds-tag" data-color="{color}">{label}</span> {text}</p>'
    '<dl class="portal-facts rp-facts"><dt>{latest_label}</dt><dd>{latest}{latest_on}</dd>'
    "<dt>{direction_label}</dt><dd>{direction}</dd>{target}</dl>{body}</article>"
)
_CHART = (
    '<figure class="rp-chart"><img src="{chart}" width="800" height="320" loading="lazy"'
    ' alt="{summary}"><figcaption>{summary}</figcaption></figure>'
    '<details class="rp-table"{open}><summary>{table_label}</summary>'
    '<div class="portal-table-wrap"><table class="ds-table" data-border>'
    '<caption>{caption}</caption><thead><tr><th scope="col">{date_label}</th>'
    '<th scope="col" class="portal-num">{value_label}</th></tr></thead>'
    "<tbody>{rows}</tbody></table></div></details>"
)


@register.simple_tag
def indicator_panel(item, heading_level: int = 3, printing: bool = False) -> str:
    """One indicator on the dashboard, written in Python (a goal shows a dozen and more):
    status against target, its chart (an image whose alt text is the one-sentence summary),
    and the same numbers in a table."""
    indicator = item.indicator
    if item.values:
        body = format_html(
            _CHART,
            chart=reverse("reports:indicator_chart", args=[indicator.pk]),
            summary=item.summary,
            open=" open" if printing else "",
            table_label=_("Tallene i diagrammet som tabell"),
            caption=_("Siste verdier: %(name)s") % {"name": indicator.name},
            date_label=_("Dato"),
            value_label=_("Verdi"),
            rows=item.table_html,
        )
    else:
        body = format_html("<p>{}</p>", item.summary)
    target = ""
    if item.target_point:
        target = format_html(
            "<dt>{}</dt><dd>{}</dd>",
            _("Mål etter %(years)s år") % {"years": item.target_point},
            item.target_text,
        )
    latest = item.latest
    return format_html(
        _PANEL,
        pk=indicator.pk,
        level=int(heading_level),
        detail=reverse("reports:indicator_detail", args=[indicator.pk]),
        code=indicator.code,
        name=indicator.name,
        color=item.assessment.color,
        label=item.assessment.label,
        text=item.assessment.text,
        latest_label=_("Siste verdi"),
        latest=item.latest_text,
        latest_on=f" ({formats.date(latest.measured_on)})" if latest else "",
        direction_label=_("Retning"),
        direction=indicator.get_direction_display(),
        target=target,
        body=body,
    )
