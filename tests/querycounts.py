"""Query counts pinned with two data sizes: the same count for few and many rows (no N+1),
and the count itself. The failure prints the SQL of both runs.

Each test module fixes its sizes once::

    assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(2, 30))
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def sql_of(ctx: CaptureQueriesContext) -> str:
    return "\n".join(f"  {i + 1}. {q['sql']}" for i, q in enumerate(ctx.captured_queries))


def render(client, url: str, params=None) -> CaptureQueriesContext:
    """GET ``url`` (a 200 is required), capturing its queries."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    return ctx


def topped_up(make):
    """``grow(n)`` makes rows until there are n (``make(k)`` makes k at once)."""
    made = {"n": 0}

    def grow(n: int) -> None:
        if n > made["n"]:
            make(n - made["n"])
            made["n"] = n

    return grow


def assert_constant_queries(
    client, url: str, grow, pinned: int, params=None, *, sizes: tuple[int, int]
) -> None:
    """Render ``url`` after ``grow(small)`` and after ``grow(large)``: the same number of
    queries both times, and ``pinned``."""
    small_n, large_n = sizes
    grow(small_n)
    client.get(url, params or {})  # warm per-process caches (content types, translations)
    small = render(client, url, params)
    grow(large_n)
    large = render(client, url, params)
    assert len(small) == len(large), (
        f"{url}: {len(small)} queries with {small_n} rows, {len(large)} with {large_n}.\n"
        f"With {small_n}:\n{sql_of(small)}\n\nWith {large_n}:\n{sql_of(large)}"
    )
    assert len(large) == pinned, (
        f"{url}: expected {pinned} queries, got {len(large)}:\n{sql_of(large)}"
    )
