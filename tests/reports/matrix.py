"""The reports app's rows in the authorization matrix (tests/partnership/test_authorization_matrix.py).

Gathered from the parts, as Partnerpotten's are: ``matrix_dashboard`` (the leaders' dashboard
and the indicators, issue 12), ``matrix_annual`` (the annual report, issue 14 §1) and
``matrix_briefing`` (the ministries' briefing and the exports, issue 14 §2–3). Each part has
the names of an app's matrix module and its own objects in ``ctx``.
"""

from __future__ import annotations

import importlib

PARTS = []
for _name in ("matrix_dashboard", "matrix_annual", "matrix_briefing"):
    try:
        PARTS.append(importlib.import_module(f"{__package__}.{_name}"))
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.{_name}":
            raise

EXPECTED: dict = {}
POST_EXPECTED: dict = {}
POST_DATA: dict = {}
URL_KWARGS: dict = {}
for _part in PARTS:
    for _own, _attr in (
        (EXPECTED, "EXPECTED"),
        (POST_EXPECTED, "POST_EXPECTED"),
        (POST_DATA, "POST_DATA"),
        (URL_KWARGS, "URL_KWARGS"),
    ):
        _theirs = getattr(_part, _attr, {})
        _clash = set(_own) & set(_theirs)
        assert not _clash, f"{_part.__name__} repeats {_attr} entries: {sorted(_clash)}"
        _own.update(_theirs)


def add_objects(ctx: dict) -> None:
    for part in PARTS:
        part.add_objects(ctx)
