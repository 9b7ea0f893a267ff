"""Study visits' rows in the authorization matrix (gathered by tests/partnerpot/matrix.py).

Every study-visit URL × every role, GET and POST. The proposals are the FUG's
(``registry.partner``: partner_rep, partner_leader and wg_member act for it):

- ``visits_draft``: a draft, its proposers' own (everyone else gets a 404);
- ``visits_submitted``: sent to the secretariat (everyone signed in reads it);
- ``visits_on_agenda``: on the agenda of a Partnermøte that was held a week ago (so the
  decision can be recorded);
- ``visits_approved``: decided at that meeting (its proposers report);
- ``visits_upcoming``: a Partnermøte in 30 days (where a proposal can go on the agenda).
"""

from __future__ import annotations

from django.urls import reverse

from partnerpot import services

from ..authz import MANAGERS, SIGNED_IN_ONLY, Redirect, expect
from ..meetings.factories import MeetingFactory, held_meeting, in_days

PROPOSERS = ("partner_rep", "partner_leader", "wg_member")
# They act for another partner: they may propose, but not with only the FUG as proposer.
OTHER_PARTNERS = ("wg_leader", "finance_lead", "secretariat", "ministry_observer")
GET_ONLY = expect(signed_in=405)
POST_ONLY = expect(signed_in=405)


def _v(ctx) -> dict:
    return ctx["partnerpot"]


def _pk(key: str):
    return lambda ctx: {"pk": _v(ctx)[key].pk}


def _detail(key: str) -> Redirect:
    return Redirect(
        lambda ctx: reverse("partnerpot:study_visit_detail", kwargs={"pk": _v(ctx)[key].pk})
    )


def _proposers(expected, *, others=403) -> dict:
    return expect(signed_in=others, **dict.fromkeys(PROPOSERS, expected))


def _managers(expected) -> dict:
    return expect(signed_in=403, managers=expected)


URL_KWARGS = {
    "partnerpot:study_visit_detail": _pk("visits_submitted"),
    "partnerpot:study_visit_edit": _pk("visits_draft"),
    "partnerpot:study_visit_submit": _pk("visits_draft"),
    "partnerpot:study_visit_withdraw": _pk("visits_submitted"),
    "partnerpot:study_visit_agenda": _pk("visits_submitted"),
    "partnerpot:study_visit_decide": _pk("visits_on_agenda"),
    "partnerpot:study_visit_report": _pk("visits_approved"),
}

# --- GET ---------------------------------------------------------------------------------------
EXPECTED = {
    "partnerpot:study_visit_list": SIGNED_IN_ONLY,
    # Whoever acts for a partner may propose; the user and the admin act for none.
    "partnerpot:study_visit_create": expect(user=403, admin=403),
    "partnerpot:study_visit_detail": SIGNED_IN_ONLY,
    # A draft is its proposers' own: the others are not told it exists.
    "partnerpot:study_visit_edit": _proposers(200, others=404),
    "partnerpot:study_visit_submit": POST_ONLY,
    "partnerpot:study_visit_withdraw": _proposers(200),  # the confirmation page
    "partnerpot:study_visit_agenda": _managers(200),
    "partnerpot:study_visit_decide": _managers(200),
    "partnerpot:study_visit_report": _proposers(200),
}


# --- POST --------------------------------------------------------------------------------------
def _visit_form(ctx, **extra) -> dict:
    return {
        "title": "Studiebesøk til Malmö",
        "destination": "Malmö stad, skoleforvaltningen",
        "purpose": "Lære av arbeidet mot digital mobbing.",
        "participants": "Fire partnerrepresentanter.",
        "starts_on": "2040-05-04",
        "ends_on": "2040-05-05",
        "budget": "25 000,50",
        "partners": [ctx["registry"].partner.pk],
        **extra,
    }


POST_DATA = {
    "partnerpot:study_visit_create": _visit_form,
    "partnerpot:study_visit_edit": lambda ctx: _visit_form(
        ctx, version=_v(ctx)["visits_draft"].version
    ),
    "partnerpot:study_visit_agenda": lambda ctx: {"meeting": _v(ctx)["visits_upcoming"].pk},
    "partnerpot:study_visit_decide": lambda ctx: {
        "outcome": "approve",
        "amount": "20 000",
        "reason": "Godt forankret i handlingsplanen.",
    },
    "partnerpot:study_visit_report": lambda ctx: {"report": "Vi lærte mye om elevmedvirkning."},
}

POST_EXPECTED = {
    "partnerpot:study_visit_list": GET_ONLY,
    # The FUG's people → the new proposal's page; people of other partners are told to pick
    # one of their own (400); the user and the admin act for no partner.
    "partnerpot:study_visit_create": expect(
        user=403,
        admin=403,
        **dict.fromkeys(OTHER_PARTNERS, 400),
        **dict.fromkeys(PROPOSERS, Redirect("/partnerpotten/studiebesok/", prefix=True)),
    ),
    "partnerpot:study_visit_detail": GET_ONLY,
    "partnerpot:study_visit_edit": _proposers(_detail("visits_draft"), others=404),
    "partnerpot:study_visit_submit": _proposers(_detail("visits_draft"), others=404),
    "partnerpot:study_visit_withdraw": _proposers(_detail("visits_submitted")),
    "partnerpot:study_visit_agenda": _managers(_detail("visits_submitted")),
    "partnerpot:study_visit_decide": _managers(_detail("visits_on_agenda")),
    "partnerpot:study_visit_report": _proposers(_detail("visits_approved")),
}

assert set(EXPECTED) == set(POST_EXPECTED)
assert set(MANAGERS) == {"secretariat", "admin"}


# --- The objects -------------------------------------------------------------------------------
def _visit(ctx, title: str):
    registry, rep = ctx["registry"], ctx["personas"]["partner_rep"]
    return services.study_visit_create(
        partners=[registry.partner],
        by=rep,
        title=title,
        destination="Göteborg",
        purpose="Se hvordan skolene samarbeider med fritidsklubbene.",
        participants="Tre partnerrepresentanter.",
        budget="30000",
    )


def add_objects(ctx: dict) -> None:
    registry, personas = ctx["registry"], ctx["personas"]
    rep, secretariat = personas["partner_rep"], personas["secretariat"]
    store = ctx["partnerpot"]
    store["visits_upcoming"] = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(33))
    held = held_meeting(body=registry.partners_meeting, days_ago=7)
    store["visits_draft"] = _visit(ctx, "Utkast til studiebesøk")
    submitted = _visit(ctx, "Foreslått studiebesøk")
    store["visits_submitted"] = services.study_visit_submit(visit=submitted, by=rep)
    on_agenda = services.study_visit_submit(visit=_visit(ctx, "Til behandling"), by=rep)
    services.study_visit_put_on_agenda(visit=on_agenda, meeting=held, by=secretariat)
    on_agenda.refresh_from_db()
    store["visits_on_agenda"] = on_agenda
    approved = services.study_visit_submit(visit=_visit(ctx, "Vedtatt studiebesøk"), by=rep)
    services.study_visit_put_on_agenda(visit=approved, meeting=held, by=secretariat)
    store["visits_approved"] = services.study_visit_decide(
        visit=approved, approved=True, reason="Passer med handlingsplanen.", by=secretariat
    )
