"""Partnerpotten's rows in the authorization matrix (tests/partnership/test_authorization_matrix.py).

Gathered from the parts: ``matrix_applicant`` (the applicants' pages), ``matrix_secretariat``
(calls, assessment, decisions, grants) and ``matrix_visits`` (study visits). Each part has the
same names as an app's matrix module; its ``add_objects(ctx)`` puts its objects in
``ctx["partnerpot"]`` (a dict shared by the parts).
"""

from __future__ import annotations

import importlib

PARTS = []
for _name in ("matrix_applicant", "matrix_secretariat", "matrix_visits"):
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
    ctx.setdefault("partnerpot", {})
    for part in PARTS:
        part.add_objects(ctx)
