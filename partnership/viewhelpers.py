"""The view toolbox every app shares: service errors onto forms and into text, the
post/redirect/get "done" step, form pages with the right status, paging (capped for
searches) and htmx messages. Apps import these rather than keeping their own copies."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property


def error_text(exc: ValidationError) -> str:
    """A service's refusal as one sentence-per-message text (for a message or an alert)."""
    return " ".join(str(m) for m in exc.messages)


def posted(request: HttpRequest):
    """The form data of a POST (an empty POST too, so it gets its messages), else None."""
    return request.POST if request.method == "POST" else None


def done(request: HttpRequest, message: str, to: str, *args, **kwargs) -> HttpResponse:
    """After a successful write without htmx: a message and a redirect (post/redirect/get)."""
    messages.success(request, message)
    return redirect(to, *args, **kwargs)


def form_page(
    request: HttpRequest, template: str, context: dict, form=None, *, status: int | None = None
) -> HttpResponse:
    """Render a page that holds a form: 400 when the form (``form``, else ``context["form"]``)
    came back with errors, so tests and tools see the refusal; 200 otherwise."""
    form = form if form is not None else context.get("form")
    if status is None:
        status = 400 if form is not None and form.errors else 200
    return render(request, template, context, status=status)


def apply_validation_error(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, next to the field where it can."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


SEARCH_HIT_CAP = 1000


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows: "over 1 000 treff" rather than the
    exact number of 25 000 full-text hits, which PostgreSQL would have to find and count
    on every search (profiled: most of the decision search's time). Pages go up to the cap.
    """

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = SEARCH_HIT_CAP if cap is None else cap

    @cached_property
    def raw_count(self) -> int:
        """The count, up to ``cap + 1`` (one more tells that there are more)."""
        rows = self.object_list
        if hasattr(rows, "count") and hasattr(rows, "query"):
            return rows.order_by()[: self.cap + 1].count()
        return len(rows[: self.cap + 1])

    @cached_property
    def capped(self) -> bool:
        return self.raw_count > self.cap

    @cached_property
    def count(self) -> int:
        return min(self.raw_count, self.cap)


def page_of(request: HttpRequest, qs, size: int, *, capped: bool = False, count: int | None = None):
    """One page of ``qs`` from ``?page=``; a bad or too-high number gives a valid page.
    ``capped`` counts at most ``SEARCH_HIT_CAP`` rows (for searches; see ``CappedPaginator``).
    ``count``: the number of rows when the caller has it already (from an aggregate it runs
    anyway), which saves the paginator's ``COUNT(*)``."""
    paginator = CappedPaginator(qs, size) if capped else Paginator(qs, size)
    if count is not None and not capped:
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    return paginator.get_page(request.GET.get("page"))


BIGINT_MAX = 2**63 - 1


def offset_page_number(request: HttpRequest, size: int) -> int | None:
    """The ``?page=`` number when a query can read that page with OFFSET (a number that is
    not one gives the first page, as ``page_of`` does); ``None`` below one, or so far past
    the end that PostgreSQL's OFFSET (a bigint) cannot say it: then ``page_of`` counts and
    gives a valid page."""
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    if number < 1 or number * size > BIGINT_MAX:
        return None
    return number


def page_with_count(rows: list, number: int, count: int, qs, size: int) -> Page:
    """A ``Page`` of ``rows`` already read, whose paginator knows the number of all rows
    without a ``COUNT(*)`` of its own."""
    paginator = Paginator(qs, size)
    paginator.__dict__["count"] = count  # a cached_property
    return Page(rows, number, paginator)


def counted_page(request: HttpRequest, qs, columns: tuple[str, ...], size: int) -> Page:
    """One page of ``qs`` as named rows of ``columns``, the number of all rows read in the same query
    (``COUNT(*) OVER ()``, as the ``rows_total`` of each row): the paginator's own
    ``COUNT(*)`` was a round trip more. A page past the end or a number below one falls back
    to ``page_of`` (which counts, and gives the last page), a number that is not one to the
    first page, as before."""
    number = offset_page_number(request, size)
    if number is None:
        return page_of(request, qs.values_list(*columns, named=True), size)
    bottom = (number - 1) * size
    counted = qs.annotate(rows_total=Window(Count("*"))).values_list(
        *columns, "rows_total", named=True
    )
    rows = list(counted[bottom : bottom + size])
    if not rows and number > 1:
        return page_of(request, qs.values_list(*columns, named=True), size)
    return page_with_count(rows, number, rows[0].rows_total if rows else 0, qs, size)


class UrlPatterns:
    """``reverse`` once per URL name, then the primary key put in: a table of a hundred rows
    links each row for the cost of one ``reverse`` (``{% url %}`` per row costs more)."""

    MARK = 987654321

    def __init__(self):
        self._patterns: dict[str, str] = {}

    def __call__(self, name: str, pk: int) -> str:
        pattern = self._patterns.get(name)
        if pattern is None:
            pattern = self._patterns[name] = reverse(name, args=[self.MARK])
        return pattern.replace(str(self.MARK), str(pk))


def with_message(response: HttpResponse, message: str) -> HttpResponse:
    """Announce ``message`` in the page's live region after an htmx swap (static/src/portal.js)."""
    response["HX-Trigger"] = json.dumps({"portal:message": str(message)})
    return response
