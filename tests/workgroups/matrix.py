"""The budget's rows in the authorization matrix (tests/partnership/test_authorization_matrix.py).

Insiders (everyone with a seat in a body, and the secretariat) read the budget versions that
have been put forward; drafts and every change are the secretariat's (403 for other
insiders); a signed-in person with no seat anywhere gets 403 on the list and 404 on a
version or line. Objects:

- ``budget_2026``: adopted by a Partnermøte a week ago, and ``budget_2026_draft``, its
  revision being drafted (with a line, ``budget_draft_line``);
- ``budget_2027``: proposed, waiting for its decision;
- ``budget_2025``: adopted, with no draft (so a revision can be started);
- ``budget_meeting``: a Partnermøte held a week ago (for the adoption form).
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from partnership import budget_services
from partnership.budget_models import BudgetLine
from workgroups import services

from ..authz import Redirect, expect
from ..meetings.factories import held_meeting

NOT_ALLOWED = 405


def _b(ctx) -> dict:
    return ctx["workgroups"]


def _pk(key: str):
    return lambda ctx: {"pk": _b(ctx)[key].pk}


def _to_version(key: str) -> Redirect:
    return Redirect(
        lambda ctx: reverse("workgroups:budget_version", kwargs={"pk": _b(ctx)[key].pk})
    )


def _managers(expected, *, insiders=403, user=404) -> dict:
    return expect(signed_in=insiders, managers=expected, user=user)


GET_ONLY = expect(signed_in=NOT_ALLOWED)
POST_ONLY = expect(signed_in=NOT_ALLOWED)

URL_KWARGS = {
    "workgroups:budget_version": _pk("budget_2026"),
    "workgroups:budget_line_add": _pk("budget_2026_draft"),
    "workgroups:budget_propose": _pk("budget_2026_draft"),
    "workgroups:budget_withdraw": _pk("budget_2027"),
    "workgroups:budget_adopt": _pk("budget_2027"),
    "workgroups:budget_revise": _pk("budget_2025"),
    "workgroups:budget_line_edit": _pk("budget_draft_line"),
    "workgroups:budget_line_delete": _pk("budget_draft_line"),
}

EXPECTED = {
    "workgroups:budget_list": expect(user=403),
    "workgroups:budget_version": expect(user=404),
    "workgroups:budget_line_add": POST_ONLY,
    "workgroups:budget_propose": POST_ONLY,
    "workgroups:budget_withdraw": POST_ONLY,
    "workgroups:budget_adopt": _managers(200),
    "workgroups:budget_revise": POST_ONLY,
    "workgroups:budget_line_edit": _managers(200),
    "workgroups:budget_line_delete": POST_ONLY,
}


def _line_form(ctx, **extra) -> dict:
    return {
        "lock_version": _b(ctx)["budget_2026_draft"].lock_version,
        "kind": "common_costs",
        "title": "Reiser",
        "amount": "1 000,50",
        **extra,
    }


POST_DATA = {
    "workgroups:budget_list": lambda ctx: {"year": "2031"},
    "workgroups:budget_line_add": lambda ctx: _line_form(ctx, title="Ny post"),
    "workgroups:budget_line_edit": lambda ctx: _line_form(ctx),
    "workgroups:budget_line_delete": lambda ctx: {
        "lock_version": _b(ctx)["budget_2026_draft"].lock_version
    },
    "workgroups:budget_adopt": lambda ctx: {"meeting": _b(ctx)["budget_meeting"].pk},
    "workgroups:budget_revise": lambda ctx: {"note": "Mer til tiltak"},
}

POST_EXPECTED = {
    "workgroups:budget_list": expect(
        signed_in=403, managers=Redirect("/okonomi/budsjett/", prefix=True)
    ),
    "workgroups:budget_version": GET_ONLY,
    "workgroups:budget_line_add": _managers(_to_version("budget_2026_draft")),
    "workgroups:budget_propose": _managers(_to_version("budget_2026_draft")),
    "workgroups:budget_withdraw": _managers(_to_version("budget_2027")),
    "workgroups:budget_adopt": _managers(_to_version("budget_2027")),
    "workgroups:budget_revise": _managers(Redirect("/okonomi/budsjett/", prefix=True)),
    "workgroups:budget_line_edit": _managers(_to_version("budget_2026_draft")),
    "workgroups:budget_line_delete": _managers(_to_version("budget_2026_draft")),
}


def _adopt(version, meeting):
    budget_services.budget_propose(version=version)
    services.budget_adopt(version=version, meeting=meeting)
    version.refresh_from_db()
    return version


def add_objects(ctx: dict) -> None:
    registry = ctx["registry"]
    meeting = held_meeting(body=registry.partners_meeting)
    objects = ctx.setdefault("workgroups", {})
    objects["budget_meeting"] = meeting
    objects["budget_2025"] = _adopt(budget_services.budget_year_create(year=2025), meeting)
    v2026 = budget_services.budget_year_create(year=2026)
    budget_services.budget_line_save(
        version=v2026,
        kind=BudgetLine.Kind.GROUP_BASE,
        working_group=registry.wg_local,
        amount=Decimal("300000"),
        expected_lock_version=v2026.lock_version,
    )
    objects["budget_2026"] = _adopt(v2026, meeting)
    draft = budget_services.budget_revise(budget_year=v2026.budget_year, note="Justering")
    objects["budget_draft_line"] = budget_services.budget_line_save(
        version=draft,
        kind=BudgetLine.Kind.COMMON_COSTS,
        title="Møter",
        amount=Decimal("20000"),
        expected_lock_version=draft.lock_version,
    )
    draft.refresh_from_db()
    objects["budget_2026_draft"] = draft
    v2027 = budget_services.budget_year_create(year=2027)
    budget_services.budget_propose(version=v2027)
    v2027.refresh_from_db()
    objects["budget_2027"] = v2027
