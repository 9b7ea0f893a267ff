"""The leaders' dashboard's and the indicators' rows in the authorization matrix
(tests/partnership/test_authorization_matrix.py; issue 12 §7).

Readers: partner leaders, partner representatives, the ministries' observers, the secretariat
and admins. The working groups' people (insiders without the right) get 403; a signed-in
person with no seat gets 403 on a page and 404 on an object. Only the secretariat (and admins)
change indicators, versions, values and evaluations; a draft version is theirs alone.

Objects (``ctx["reports"]``): ``set`` (adopted, with one indicator of each unit; ``indicator``
the count), ``draft`` (the next version being drafted, ``draft_indicator`` in it), ``goal``
(sub-goal 1) and ``evaluation`` (a draft evaluation of goal 1 after two years).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from partnership import services_indicators
from partnership.models import Goal, today

from ..authz import Redirect, expect
from ..partnership.indicator_fixtures import adopted_set, by_unit

NOT_READERS = {"wg_member": 403, "wg_leader": 403, "finance_lead": 403}
GET_ONLY = expect(signed_in=405)
POST_ONLY = expect(signed_in=405)


def _page(ok=200, *, readers=None) -> dict:
    """A page (no object): readers ``readers`` (default ``ok``), managers ``ok``."""
    return expect(
        signed_in=ok if readers is None else readers, managers=ok, user=403, **NOT_READERS
    )


def _object(ok=200, *, readers=None) -> dict:
    return expect(
        signed_in=ok if readers is None else readers, managers=ok, user=404, **NOT_READERS
    )


def _manage_page(ok=200) -> dict:
    return expect(signed_in=403, managers=ok)


def _r(ctx) -> dict:
    return ctx["reports"]


def _pk(key: str):
    return lambda ctx: {"pk": _r(ctx)[key].pk}


def _to(name: str, key: str) -> Redirect:
    return Redirect(lambda ctx: reverse(name, kwargs={"pk": _r(ctx)[key].pk}))


URL_KWARGS = {
    "reports:goal_indicators": _pk("goal"),
    "reports:indicator_detail": _pk("indicator"),
    "reports:indicator_chart": _pk("indicator"),
    "reports:indicator_edit": _pk("draft_indicator"),
    "reports:value_add": _pk("indicator"),
    "reports:indicator_set": _pk("set"),
    "reports:indicator_set_adopt": _pk("draft"),
    "reports:indicator_create": _pk("draft"),
    "reports:values_export": lambda ctx: {"fmt": "xlsx"},
    "reports:evaluation_detail": _pk("evaluation"),
    "reports:evaluation_adopt": _pk("evaluation"),
    "reports:evaluation_edit": _pk("evaluation"),
}

EXPECTED = {
    "reports:dashboard": _page(),
    "reports:dashboard_print": _page(),
    "reports:goal_indicators": _object(),
    "reports:indicator_detail": _object(),
    "reports:indicator_chart": _object(),
    "reports:indicator_edit": _object(readers=403),
    "reports:value_add": _object(readers=403),
    "reports:indicator_sets": _page(),
    "reports:indicator_set_create": _manage_page(),
    "reports:indicator_set": _object(),
    "reports:indicator_set_adopt": _object(readers=403),
    "reports:indicator_create": _object(readers=403),
    "reports:values": _page(),
    "reports:values_export": _page(),
    "reports:values_import": _manage_page(),
    "reports:values_import_confirm": POST_ONLY,
    "reports:evaluation_create": _manage_page(),
    "reports:evaluation_detail": _object(),
    "reports:evaluation_adopt": _object(readers=403),
    "reports:evaluation_edit": _object(readers=403),
}


def _indicator_form(ctx, **extra) -> dict:
    return {
        "goal": _r(ctx)["goal"].pk,
        "code": "1.99",
        "name": "Andel elever som trives",
        "definition": "Andel elever som svarer at de trives godt.",
        "unit": "percent",
        "data_source": "Elevundersøkelsen",
        "direction": "higher",
        "baseline": "80",
        "baseline_on": (today() - dt.timedelta(days=400)).isoformat(),
        "target_2y": "85",
        "target_4y": "90",
        "position": "9",
        **extra,
    }


POST_DATA = {
    "reports:indicator_set_create": lambda ctx: {"title": "Ny versjon"},
    "reports:indicator_create": _indicator_form,
    "reports:indicator_edit": lambda ctx: _indicator_form(
        ctx, code=_r(ctx)["draft_indicator"].code
    ),
    "reports:value_add": lambda ctx: {
        "measured_on": (today() - dt.timedelta(days=3)).isoformat(),
        "value": "7",
    },
    "reports:evaluation_create": lambda ctx: {
        "goal": Goal.objects.get(number=2).pk,
        "point": "2",
        "evaluated_on": (today() - dt.timedelta(days=1)).isoformat(),
        "assessment": "Vi er på vei.",
    },
}

POST_EXPECTED = {
    "reports:dashboard": GET_ONLY,
    "reports:dashboard_print": GET_ONLY,
    "reports:goal_indicators": GET_ONLY,
    "reports:indicator_detail": GET_ONLY,
    "reports:indicator_chart": GET_ONLY,
    "reports:indicator_edit": _object(_to("reports:indicator_set", "draft"), readers=403),
    "reports:value_add": _object(_to("reports:indicator_detail", "indicator"), readers=403),
    "reports:indicator_sets": GET_ONLY,
    # There is a draft already: refused with that message.
    "reports:indicator_set_create": _manage_page(400),
    "reports:indicator_set": GET_ONLY,
    # No Ledermøte decision in the register to choose: the form says so.
    "reports:indicator_set_adopt": _object(400, readers=403),
    "reports:indicator_create": _object(_to("reports:indicator_set", "draft"), readers=403),
    "reports:values": GET_ONLY,
    "reports:values_export": GET_ONLY,
    "reports:values_import": _manage_page(400),  # no file
    "reports:values_import_confirm": _manage_page(400),  # no preview
    "reports:evaluation_create": _manage_page(Redirect("/styring/evalueringer/", prefix=True)),
    "reports:evaluation_detail": GET_ONLY,
    "reports:evaluation_adopt": _object(400, readers=403),
    # No assessment, no version: refused with the form's messages.
    "reports:evaluation_edit": _object(400, readers=403),
}


def add_objects(ctx: dict) -> None:
    indicator_set = adopted_set(ctx["registry"])
    indicator = by_unit(indicator_set, "count")
    services_indicators.value_add(
        indicator=indicator, measured_on=today() - dt.timedelta(days=30), value=Decimal(12)
    )
    draft = services_indicators.indicator_set_draft(title="Revisjon")
    goal = Goal.objects.get(number=1)
    ctx.setdefault("reports", {}).update(
        {
            "set": indicator_set,
            "indicator": indicator,
            "draft": draft,
            "draft_indicator": draft.indicators.order_by("position").first(),
            "goal": goal,
            "evaluation": services_indicators.evaluation_create(
                goal=goal, point=2, assessment="Godt i gang.", evaluated_on=today()
            ),
        }
    )
