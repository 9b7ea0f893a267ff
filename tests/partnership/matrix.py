"""The action plan's rows in the authorization matrix (issue 12 §1): goals and common measures.

Every signed-in person reads the plan; the secretariat (and the admin) edit goals and
measures, evaluate measures and end them (R1). The world has the plan's goals and measures
(``services_plan.goals_seed``/``measures_seed``); ``goal`` is sub-goal 1 and ``measure`` the
first measure.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnership import services_own_work, services_plan
from partnership.models import Goal

from ..authz import Redirect, expect
from ..meetings.factories import MeetingFactory, in_days

GET_ONLY = expect(signed_in=405)
MANAGE = expect(signed_in=403, managers=200)


def _goal(ctx) -> dict:
    return {"pk": ctx["plan"]["goal"].pk}


def _measure(ctx) -> dict:
    return {"pk": ctx["plan"]["measure"].pk}


def _to(name: str, key: str):
    return Redirect(lambda ctx: reverse(name, kwargs={"pk": ctx["plan"][key].pk}))


EXPECTED = {
    "plan_overview": expect(),
    "goal_detail": expect(),
    "goal_edit": MANAGE,
    "measure_detail": expect(),
    "measure_create": MANAGE,
    "measure_edit": MANAGE,
    "measure_evaluate": MANAGE,
    "measure_end": MANAGE,
}

POST_EXPECTED = {
    "plan_overview": GET_ONLY,
    "goal_detail": GET_ONLY,
    "goal_edit": expect(signed_in=403, managers=_to("goal_detail", "goal")),
    "measure_detail": GET_ONLY,
    "measure_create": expect(
        signed_in=403, managers=Redirect("/handlingsplan/tiltak/", prefix=True)
    ),
    "measure_edit": expect(signed_in=403, managers=_to("measure_detail", "measure")),
    "measure_evaluate": expect(signed_in=403, managers=_to("measure_detail", "measure")),
    # No Ledermøte decision and no evaluation in the world: refused with what is missing (R1).
    "measure_end": expect(signed_in=403, managers=400),
}


def _measure_data(ctx) -> dict:
    measure = ctx["plan"]["measure"]
    return {
        "name": measure.name,
        "category": measure.category,
        "description": "Ny beskrivelse.",
        "sub_goals": [ctx["plan"]["goal"].pk],
        "target_count": "2",
        "target_period_years": "1",
        "responsible_group": ctx["registry"].wg_local.pk,
        "status": "active",
        "position": "1",
    }


POST_DATA = {
    "goal_edit": lambda ctx: {
        "title": "Mobbing på dagsorden",
        "text": "Sette arbeidet mot alle former for mobbing på dagsorden.",
        "explanation": "",
    },
    "measure_create": lambda ctx: {**_measure_data(ctx), "name": "Nytt tiltak"},
    "measure_edit": _measure_data,
    "measure_evaluate": lambda ctx: {
        "evaluated_on": "2025-01-15",
        "assessment": "Tiltaket virker.",
        "recommendation": "continue",
    },
    "measure_end": lambda ctx: {"ended_on": "2025-02-01"},
}

URL_KWARGS = {
    "goal_detail": _goal,
    "goal_edit": _goal,
    "measure_detail": _measure,
    "measure_edit": _measure,
    "measure_evaluate": _measure,
    "measure_end": _measure,
}


def add_objects(ctx: dict) -> None:
    services_plan.goals_seed()
    measures = services_plan.measures_seed()
    ctx["plan"] = {"goal": Goal.objects.get(number=1), "measure": measures[0]}
    ctx["objects"][("partnership", "goal")] = ctx["plan"]["goal"]
    ctx["objects"][("partnership", "measure")] = ctx["plan"]["measure"]
    ctx["plan"]["own_work"] = services_own_work.own_work_save(
        partner=ctx["registry"].partner,
        file=SimpleUploadedFile("rutine.pdf", PDF_BYTES, content_type="application/pdf"),
        **{**_OWN_FORM, "starts_on": None, "ends_on": None},
    )
    ctx["objects"][("partnership", "ownwork")] = ctx["plan"]["own_work"]
    ctx["plan"]["coming_leaders_meeting"] = MeetingFactory(
        body=ctx["registry"].leaders_meeting, starts_at=in_days(30)
    )


# --- Partners' own work (issue 12 §6, R13) -------------------------------------------------------
# Everyone signed in reads a partner's page; the partner's own people (``registry.partner``:
# its representative, its leader and the working-group member who works there) and the
# secretariat edit it; others get 403. ``own_work`` is an item on that partner's page.
OWN_PEOPLE = ("partner_rep", "partner_leader", "wg_member")


def _own(*, people, others=403, managers=None) -> dict:
    table = expect(signed_in=others, managers=people if managers is None else managers)
    table.update(dict.fromkeys(OWN_PEOPLE, people))
    return table


def _own_work(ctx) -> dict:
    return {"pk": ctx["plan"]["own_work"].pk}


def _own_work_file(ctx) -> dict:
    """The item's file, put back in this test's storage (MEDIA_ROOT is per test)."""
    work = ctx["plan"]["own_work"]
    if not default_storage.exists(work.file.name):
        default_storage.save(work.file.name, ContentFile(PDF_BYTES))
    return {"pk": work.pk}


def _to_own_page(ctx) -> str:
    return reverse("own_work", kwargs={"pk": ctx["registry"].partner.pk})


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

EXPECTED.update(
    {
        "own_work_file": expect(),  # everyone signed in reads the page, and its files
        "own_work": expect(),
        "own_work_edit": _own(people=200),
        "own_work_delete": expect(signed_in=405),
    }
)
POST_EXPECTED.update(
    {
        "own_work_file": GET_ONLY,
        "own_work": _own(people=Redirect(_to_own_page)),
        "own_work_edit": _own(people=Redirect(_to_own_page)),
        "own_work_delete": _own(people=Redirect(_to_own_page)),
    }
)
_OWN_FORM = {
    "kind": "routine",
    "title": "Rutine mot mobbing og trakassering",
    "description": "Slik melder og følger vi opp.",
    "target_group": "Ansatte og frivillige",
    "starts_on": "2024-01-01",
    "ends_on": "",
    "link": "https://example.org/rutine",
}
POST_DATA.update(
    {
        "own_work": lambda ctx: dict(_OWN_FORM),
        "own_work_edit": lambda ctx: dict(_OWN_FORM, title="Ny tittel"),
    }
)
URL_KWARGS.update(
    {
        "own_work": lambda ctx: {"pk": ctx["registry"].partner.pk},
        "own_work_edit": _own_work,
        "own_work_delete": _own_work,
        "own_work_file": _own_work_file,
    }
)


# --- Presenting partners' own work at the Ledermøte (meetings/presentations.py) ----------------
# Read by the secretariat, the partners' leaders and the ministries' observers; assigned by
# the secretariat (to ``coming_leaders_meeting``).
EXPECTED["meetings:presentation_plan"] = expect(
    signed_in=403, managers=200, partner_leader=200, ministry_observer=200
)
POST_EXPECTED["meetings:presentation_plan"] = expect(
    signed_in=403, managers=Redirect("meetings:presentation_plan")
)
POST_DATA["meetings:presentation_plan"] = lambda ctx: {
    "partner": ctx["registry"].partner.pk,
    "meeting": ctx["plan"]["coming_leaders_meeting"].pk,
}
