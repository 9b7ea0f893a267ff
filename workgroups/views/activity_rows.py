"""The activity table's rows (a measure's working page and the activity list), written once in
Python from named rows: fifty rows a page through ``{% for %}`` with a filter, a ``{% url %}``
and two choice labels each were most of those pages' time (make bench)."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from partnership import formats
from partnership.html import format_html
from partnership.viewhelpers import UrlPatterns, counted_page

from ..models import Activity
from ..models.plan import COUNTY_CHOICES

PER_PAGE = 50
COLUMNS = (
    "pk",
    "date",
    "title",
    "measure__name",
    "county",
    "place",
    "format",
    "participant_count",
    "took_part",
)
_ROW = (
    '<tr><td class="portal-nowrap">{}</td>'
    '<th scope="row"><a class="ds-link" href="{}">{}</a></th>{}'
    '<td>{}</td><td>{}</td><td class="portal-num">{}</td><td>{}</td></tr>'
)


def activity_page(request: HttpRequest, activities, *, show_measure: bool):
    """One page of ``activities`` (a queryset in its order) and its rows' HTML."""
    took_part = ExpressionWrapper(~Q(youth_participation=""), output_field=BooleanField())
    page = counted_page(request, activities.annotate(took_part=took_part), COLUMNS, PER_PAGE)
    return page, activity_rows(page.object_list, show_measure=show_measure)


def activity_rows(rows, *, show_measure: bool) -> SafeString:
    urls = UrlPatterns()
    counties = {key: str(label) for key, label in COUNTY_CHOICES}
    forms = {key: str(label) for key, label in Activity.Format.choices}
    yes, no = _("Ja"), _("Nei")
    html = []
    for a in rows:
        where = counties.get(a.county, a.county)
        if a.place:
            where = f"{where}, {a.place}"
        html.append(
            format_html(
                _ROW,
                formats.date(a.date),
                urls("workgroups:activity_detail", a.pk),
                a.title,
                format_html("<td>{}</td>", a.measure__name) if show_measure else "",
                where,
                forms.get(a.format, a.format),
                "–" if a.participant_count is None else a.participant_count,
                yes if a.took_part else no,
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - each row built by format_html
