"""The pagination links (``{% pagination %}``, written in Python): the other query parameters
kept and escaped, the current page marked, the ends disabled, nothing for a single page."""

from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

TEMPLATE = Template('{% include "partnership/_pagination.html" with page=page %}')


def _context(request, page) -> Context:
    context = Context({"page": page})
    context.request = request  # as a RequestContext has it, without the context processors
    return context


def _render(number: int, count: int = 500, query: str = "q=a%26b&status=open") -> str:
    request = RequestFactory().get(f"/personer/?{query}&page={number}")
    page = Paginator(range(count), 50).get_page(number)
    with translation.override("nb"):
        return TEMPLATE.render(_context(request, page))


def test_links_keep_the_other_parameters_and_mark_the_current_page():
    html = _render(5)
    assert 'aria-label="Sidenavigering"' in html
    # The parameters in the request's order, "&" escaped once in the attribute.
    assert 'href="?q=a%26b&amp;status=open&amp;page=4">Forrige</a>' in html
    assert 'href="?q=a%26b&amp;status=open&amp;page=6">Neste</a>' in html
    current = re.search(r'<a [^>]*aria-current="true"[^>]*>(.*?)</a>', html)
    assert current and current.group(1) == '<span class="ds-sr-only">Side </span>5'
    numbers = re.findall(r'<span class="ds-sr-only">Side </span>(\d+)</a>', html)
    # Two on each side of the current page, one at each end, a gap before the last.
    assert numbers == ["1", "2", "3", "4", "5", "6", "7", "10"]
    assert html.count("<li></li>") == 1
    assert "Side 5 av 10" in html


def test_the_first_and_last_pages_disable_their_ends():
    first = _render(1)
    assert (
        '<span class="ds-button" data-variant="tertiary" aria-hidden="true">Forrige</span>' in first
    )
    assert ">Neste</a>" in first
    last = _render(10)
    assert '<span class="ds-button" data-variant="tertiary" aria-hidden="true">Neste</span>' in last
    assert ">Forrige</a>" in last


def test_a_single_page_has_no_links():
    assert _render(1, count=20).strip() == ""


def test_english():
    request = RequestFactory().get("/personer/?page=2")
    page = Paginator(range(120), 50).get_page(2)
    with translation.override("en"):
        html = TEMPLATE.render(_context(request, page))
    assert "Page 2 of 3" in html and ">Previous</a>" in html
