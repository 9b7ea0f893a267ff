"""Study-visit pages (R9): propose, change, send, withdraw, put on the agenda, decide, report.

Allowed and denied side by side; bad input gets its message next to the field and saves
nothing; a draft of one partner is a 404 for another partner's people.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import AgendaItem, Decision
from partnerpot import services
from partnerpot.models import StudyVisit
from partnership.models import Partner
from tests.meetings.factories import MeetingFactory, held_meeting, in_days

pytestmark = pytest.mark.django_db

Status = StudyVisit.Status
LIST = reverse("partnerpot:study_visit_list")
CREATE = reverse("partnerpot:study_visit_create")


def url(name: str, visit: StudyVisit) -> str:
    return reverse(f"partnerpot:{name}", kwargs={"pk": visit.pk})


def make_visit(partner: Partner, *, by=None, title="Studiebesøk til Malmö", **values):
    return services.study_visit_create(
        partners=[partner],
        by=by,
        title=title,
        destination=values.pop("destination", "Malmö"),
        purpose=values.pop("purpose", "Lære av arbeidet mot digital mobbing."),
        participants=values.pop("participants", "Fire partnerrepresentanter."),
        budget=values.pop("budget", "40000"),
        **values,
    )


def submitted(partner: Partner, *, by=None, **values) -> StudyVisit:
    return services.study_visit_submit(visit=make_visit(partner, by=by, **values), by=by)


def on_agenda(partner: Partner, meeting, *, by=None, **values) -> StudyVisit:
    visit = submitted(partner, by=by, **values)
    services.study_visit_put_on_agenda(visit=visit, meeting=meeting)
    visit.refresh_from_db()
    return visit


def form_data(proposers, **overrides) -> dict:
    return {
        "title": "Studiebesøk til Malmö",
        "destination": "Malmö stad",
        "purpose": "Lære av arbeidet mot digital mobbing.",
        "participants": "Fire partnerrepresentanter.",
        "starts_on": "2040-05-04",
        "ends_on": "2040-05-05",
        "budget": "25 000,50",
        "partners": [p.pk for p in proposers],
        **overrides,
    }


def errors_of(response) -> str:
    return response.content.decode()


# --- The list -----------------------------------------------------------------------------------
def test_list_shows_what_the_user_may_see(login, client, registry, partner_rep, wg_leader):
    own_draft = make_visit(registry.partner, by=partner_rep, title="Vårt utkast")
    other_draft = make_visit(registry.other_partner, by=wg_leader, title="Deres utkast")
    sent = submitted(registry.other_partner, by=wg_leader, title="Sendt forslag")

    login(partner_rep)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert own_draft.title in html
    assert sent.title in html
    assert other_draft.title not in html
    assert CREATE in html  # "Foreslå studiebesøk"
    assert "hvert andre år" in html
    # The secretariat's line about when the last visit was approved is not shown to partners.
    assert "Sist vedtatte studiebesøk" not in html


def test_list_without_a_partner_has_no_propose_button(login, client, user):
    login(user)
    response = client.get(LIST)
    assert response.status_code == 200
    assert CREATE not in response.content.decode()


def test_list_tells_the_secretariat_when_the_last_visit_was_approved(
    login, client, registry, partner_rep, secretariat
):
    login(secretariat)
    html = client.get(LIST).content.decode()
    assert "har ikke vedtatt noe studiebesøk ennå" in html

    held = held_meeting(body=registry.partners_meeting, days_ago=3)
    visit = on_agenda(registry.partner, held, by=partner_rep, title="Besøk i Bergen")
    visit = services.study_visit_decide(visit=visit, approved=True, reason="Godt forslag.")
    html = client.get(LIST).content.decode()
    assert "Sist vedtatte studiebesøk" in html
    assert visit.title in html
    assert reverse("meetings:decision_detail", args=[visit.decision_id]) in html
    assert f"Neste ordinære studiebesøk er i {visit.decision.decided_on.year + 2}" in html


# --- Propose ------------------------------------------------------------------------------------
def test_propose_saves_a_draft_with_the_amount_typed_the_norwegian_way(
    login, client, registry, partner_rep
):
    login(partner_rep)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, form_data([registry.partner, registry.other_partner]))
    visit = StudyVisit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("study_visit_detail", visit)
    assert visit.status == Status.DRAFT
    assert visit.budget == Decimal("25000.50")
    assert visit.starts_on == dt.date(2040, 5, 4)
    assert set(visit.partners.all()) == {registry.partner, registry.other_partner}
    assert visit.created_by == partner_rep


def test_propose_is_for_people_who_act_for_a_partner(login, client, user, admin):
    for person in (user, admin):
        login(person)
        assert client.get(CREATE).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"budget": "-100"}, "budget", "Budsjettet kan ikke være negativt."),
        ({"budget": "mange kroner"}, "budget", "Skriv et beløp i kroner"),
        ({"budget": "100,505"}, "budget", "Beløpet kan ha høyst to desimaler."),
        ({"budget": ""}, "budget", ""),
        (
            {"starts_on": "2040-05-05", "ends_on": "2040-05-04"},
            "ends_on",
            "Besøket kan ikke slutte før det starter.",
        ),
        ({"partners": []}, "partners", "Velg minst én partner som foreslår besøket."),
        ({"title": "  "}, "title", ""),
        ({"purpose": ""}, "purpose", ""),
    ],
)
def test_propose_bad_input(login, client, registry, partner_rep, overrides, field, message):
    login(partner_rep)
    response = client.post(CREATE, form_data([registry.partner], **overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    assert message in errors_of(response)
    assert not StudyVisit.objects.exists()


def test_propose_gives_every_message_at_once(login, client, registry, partner_rep):
    login(partner_rep)
    data = form_data([registry.partner], budget="-5", destination="", ends_on="2040-05-01")
    response = client.post(CREATE, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"budget", "destination", "ends_on"}
    assert errors["budget"] == ["Budsjettet kan ikke være negativt."]


def test_propose_needs_one_of_your_own_partners_among_the_proposers(
    login, client, registry, partner_rep
):
    login(partner_rep)
    response = client.post(CREATE, form_data([registry.other_partner]))
    assert response.status_code == 400
    assert "Velg minst én av partnerne du representerer" in " ".join(
        response.context["form"].errors["partners"]
    )
    assert not StudyVisit.objects.exists()


def test_propose_refuses_an_unknown_partner(login, client, registry, partner_rep):
    login(partner_rep)
    data = form_data([registry.partner])
    data["partners"] = [registry.partner.pk, 999_999]
    response = client.post(CREATE, data)
    assert response.status_code == 400
    assert "partners" in response.context["form"].errors
    assert not StudyVisit.objects.exists()


# --- Drafts are the proposers' own --------------------------------------------------------------
def test_a_draft_is_a_404_for_other_partners_and_the_secretariat(
    login, client, registry, partner_rep, partner_leader, wg_leader, secretariat, admin
):
    draft = make_visit(registry.partner, by=partner_rep)
    for person in (wg_leader, secretariat, admin):
        login(person)
        for name in ("study_visit_detail", "study_visit_edit", "study_visit_withdraw"):
            assert client.get(url(name, draft)).status_code == 404, (person, name)
        for name in ("study_visit_submit", "study_visit_edit", "study_visit_withdraw"):
            assert client.post(url(name, draft), {}).status_code == 404, (person, name)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    # Anyone who acts for the proposing partner drafts together with the author.
    login(partner_leader)
    assert client.get(url("study_visit_detail", draft)).status_code == 200
    assert client.get(url("study_visit_edit", draft)).status_code == 200


def test_detail_shows_the_buttons_of_the_role(login, client, registry, partner_rep, secretariat):
    draft = make_visit(registry.partner, by=partner_rep)
    login(partner_rep)
    html = client.get(url("study_visit_detail", draft)).content.decode()
    assert url("study_visit_submit", draft) in html
    assert url("study_visit_edit", draft) in html
    assert url("study_visit_withdraw", draft) in html
    assert url("study_visit_agenda", draft) not in html

    sent = submitted(registry.partner, by=partner_rep, title="Sendt")
    login(secretariat)
    html = client.get(url("study_visit_detail", sent)).content.decode()
    assert url("study_visit_agenda", sent) in html
    assert url("study_visit_edit", sent) not in html
    assert url("study_visit_withdraw", sent) not in html


def test_everyone_signed_in_reads_a_sent_proposal(login, client, registry, partner_rep, user):
    sent = submitted(registry.partner, by=partner_rep)
    login(user)
    response = client.get(url("study_visit_detail", sent))
    assert response.status_code == 200
    assert "Malmö" in response.content.decode()
    # ... but may not change, withdraw, or manage it.
    assert client.get(url("study_visit_edit", sent)).status_code == 403
    assert client.post(url("study_visit_withdraw", sent)).status_code == 403
    assert client.get(url("study_visit_agenda", sent)).status_code == 403


# --- Change -------------------------------------------------------------------------------------
def test_edit_adds_a_co_proposer(login, client, registry, partner_rep):
    draft = make_visit(registry.partner, by=partner_rep)
    login(partner_rep)
    response = client.get(url("study_visit_edit", draft))
    assert response.status_code == 200
    assert "40 000,00" in response.content.decode()  # the amount as it is typed
    data = form_data(
        [registry.partner, registry.other_partner], budget="45 000", version=draft.version
    )
    response = client.post(url("study_visit_edit", draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.budget == Decimal("45000.00")
    assert set(draft.partners.all()) == {registry.partner, registry.other_partner}


def test_edit_refuses_a_stale_version(login, client, registry, partner_rep, partner_leader):
    draft = make_visit(registry.partner, by=partner_rep)
    opened = draft.version
    services.study_visit_update(visit=draft, by=partner_leader, title="Endret av Lars")
    login(partner_rep)
    response = client.post(
        url("study_visit_edit", draft),
        form_data([registry.partner], title="Min tittel", version=opened),
    )
    assert response.status_code == 400
    assert "Noen andre har endret forslaget" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Endret av Lars"


def test_edit_bad_input_saves_nothing(login, client, registry, partner_rep):
    draft = make_visit(registry.partner, by=partner_rep)
    login(partner_rep)
    response = client.post(
        url("study_visit_edit", draft),
        form_data([registry.partner], budget="-1", title="Ny tittel", version=draft.version),
    )
    assert response.status_code == 400
    assert "Budsjettet kan ikke være negativt." in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Studiebesøk til Malmö"
    assert draft.budget == Decimal("40000.00")


def test_edit_is_closed_once_on_the_agenda(login, client, registry, partner_rep):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20))
    visit = on_agenda(registry.partner, meeting, by=partner_rep)
    login(partner_rep)
    response = client.get(url("study_visit_edit", visit))
    assert response.status_code == 200
    assert "kan ikke endres etter at det er satt på sakslisten" in response.content.decode()
    response = client.post(
        url("study_visit_edit", visit), form_data([registry.partner], version=visit.version)
    )
    assert response.status_code == 400
    visit.refresh_from_db()
    assert visit.budget == Decimal("40000.00")


# --- Send and withdraw --------------------------------------------------------------------------
def test_submit_sends_once(login, client, registry, partner_rep, wg_member):
    draft = make_visit(registry.partner, by=partner_rep)
    login(wg_member)  # acts for the same partner
    response = client.post(url("study_visit_submit", draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.submitted_at is not None
    # A second click finds it sent and says so; nothing changes.
    response = client.post(url("study_visit_submit", draft), follow=True)
    assert response.status_code == 200
    assert "Forslaget er allerede sendt." in response.content.decode()
    assert client.get(url("study_visit_submit", draft)).status_code == 405


def test_withdraw_asks_first_and_then_withdraws(login, client, registry, partner_rep):
    sent = submitted(registry.partner, by=partner_rep)
    login(partner_rep)
    response = client.get(url("study_visit_withdraw", sent))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == Status.SUBMITTED  # the GET changes nothing
    response = client.post(url("study_visit_withdraw", sent))
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == Status.WITHDRAWN


def test_withdraw_is_refused_after_the_decision(login, client, registry, partner_rep):
    held = held_meeting(body=registry.partners_meeting, days_ago=2)
    visit = on_agenda(registry.partner, held, by=partner_rep)
    services.study_visit_decide(visit=visit, approved=False, reason="Ikke i år.")
    login(partner_rep)
    response = client.post(url("study_visit_withdraw", visit))
    assert response.status_code == 400
    assert "kan ikke trekkes etter at det er vedtatt" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == Status.REJECTED


# --- The secretariat: agenda --------------------------------------------------------------------
def test_secretariat_puts_the_proposal_on_a_partner_meeting(
    login, client, registry, partner_rep, secretariat
):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20))
    other_body_meeting = MeetingFactory(body=registry.wg_local, starts_at=in_days(21))
    sent = submitted(registry.partner, by=partner_rep)
    login(partner_rep)
    assert client.get(url("study_visit_agenda", sent)).status_code == 403
    assert client.post(url("study_visit_agenda", sent), {"meeting": meeting.pk}).status_code == 403

    login(secretariat)
    response = client.get(url("study_visit_agenda", sent))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{meeting.pk}"' in html
    assert f'value="{other_body_meeting.pk}"' not in html  # only the Partnermøte decides (R2)
    response = client.post(url("study_visit_agenda", sent), {"meeting": ""})
    assert response.status_code == 400
    assert "Velg partnermøtet som skal behandle forslaget." in response.content.decode()
    response = client.post(url("study_visit_agenda", sent), {"meeting": other_body_meeting.pk})
    assert response.status_code == 400

    response = client.post(url("study_visit_agenda", sent), {"meeting": meeting.pk})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == Status.ON_AGENDA
    assert sent.deciding_meeting == meeting
    item = AgendaItem.objects.get(pk=sent.agenda_item_id)
    assert item.meeting == meeting
    assert item.kind == AgendaItem.Kind.DECISION
    # A second time: the service's message, nothing added.
    response = client.post(url("study_visit_agenda", sent), {"meeting": meeting.pk})
    assert response.status_code == 400
    assert "Bare foreslåtte studiebesøk kan settes på sakslisten." in response.content.decode()
    assert meeting.agenda_items.count() == 1


# --- The secretariat: decision ------------------------------------------------------------------
def test_decision_waits_for_the_meeting(login, client, registry, partner_rep, secretariat):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20))
    visit = on_agenda(registry.partner, meeting, by=partner_rep)
    login(secretariat)
    response = client.get(url("study_visit_decide", visit))
    assert response.status_code == 200
    assert "Møtet er ikke holdt ennå" in response.content.decode()
    response = client.post(
        url("study_visit_decide", visit), {"outcome": "approve", "amount": "", "reason": "Bra."}
    )
    assert response.status_code == 400
    assert "Møtet er ikke holdt ennå." in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == Status.ON_AGENDA
    assert not Decision.objects.exists()


def test_decision_is_recorded_in_the_register(
    login, client, registry, partner_rep, secretariat, user
):
    held = held_meeting(body=registry.partners_meeting, days_ago=1)
    visit = on_agenda(registry.partner, held, by=partner_rep)
    login(partner_rep)
    assert client.get(url("study_visit_decide", visit)).status_code == 403
    login(secretariat)
    response = client.post(
        url("study_visit_decide", visit),
        {"outcome": "approve", "amount": "35 000,00", "reason": "Passer med handlingsplanen."},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Status.APPROVED
    assert visit.approved_amount == Decimal("35000.00")
    decision = Decision.objects.get()
    assert decision.concerns == visit
    assert decision.meeting == held
    assert decision.agenda_item_id == visit.agenda_item_id
    assert "35\u00a0000,00\u00a0kr" in decision.text
    # Everyone signed in finds the decision and its place in the register.
    login(user)
    html = client.get(url("study_visit_detail", visit)).content.decode()
    assert reverse("meetings:decision_detail", args=[decision.pk]) in html
    assert decision.label in html
    assert "Passer med handlingsplanen." in html


def test_rejection_needs_a_reason_and_gets_no_amount(
    login, client, registry, partner_rep, secretariat
):
    held = held_meeting(body=registry.partners_meeting, days_ago=1)
    visit = on_agenda(registry.partner, held, by=partner_rep)
    login(secretariat)
    response = client.post(
        url("study_visit_decide", visit), {"outcome": "reject", "amount": "", "reason": ""}
    )
    assert response.status_code == 400
    assert "Begrunn vedtaket." in response.content.decode()
    response = client.post(
        url("study_visit_decide", visit),
        {"outcome": "reject", "amount": "10000", "reason": "Ikke i år."},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Status.REJECTED
    assert visit.approved_amount is None
    assert Decision.objects.get().concerns == visit


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-5", "Beløpet kan ikke være negativt."), ("tusen", "Skriv et beløp i kroner")],
)
def test_decision_bad_amount(login, client, registry, partner_rep, secretariat, amount, message):
    held = held_meeting(body=registry.partners_meeting, days_ago=1)
    visit = on_agenda(registry.partner, held, by=partner_rep)
    login(secretariat)
    response = client.post(
        url("study_visit_decide", visit),
        {"outcome": "approve", "amount": amount, "reason": "Bra."},
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["amount"])
    assert not Decision.objects.exists()


# --- The proposers: report ----------------------------------------------------------------------
def test_report_after_the_visit(login, client, registry, partner_rep, wg_leader, secretariat):
    held = held_meeting(body=registry.partners_meeting, days_ago=1)
    visit = on_agenda(registry.partner, held, by=partner_rep)
    login(partner_rep)
    response = client.get(url("study_visit_report", visit))
    assert "Rapporten kan skrives når Partnermøtet har vedtatt" in response.content.decode()
    response = client.post(url("study_visit_report", visit), {"report": "For tidlig."})
    assert response.status_code == 400
    assert "Bare vedtatte studiebesøk kan rapporteres." in response.content.decode()

    services.study_visit_decide(visit=visit, approved=True, reason="Bra.")
    for person in (wg_leader, secretariat):
        login(person)
        assert client.get(url("study_visit_report", visit)).status_code == 403
    login(partner_rep)
    response = client.post(url("study_visit_report", visit), {"report": "   "})
    assert response.status_code == 400
    assert "Skriv en kort rapport fra besøket." in response.content.decode()
    response = client.post(url("study_visit_report", visit), {"report": "Vi lærte mye."})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Status.REPORTED
    assert visit.report == "Vi lærte mye."
    html = client.get(url("study_visit_detail", visit)).content.decode()
    assert "Vi lærte mye." in html


# --- Query counts -------------------------------------------------------------------------------
def _sql(ctx: CaptureQueriesContext) -> str:
    return "\n".join(f"  {i + 1}. {q['sql']}" for i, q in enumerate(ctx.captured_queries))


def _visits(n: int, partners: list[Partner], meeting) -> None:
    for i in range(n):
        visit = StudyVisit.objects.create(
            title=f"Besøk {i}",
            destination="Oslo",
            purpose="Lære.",
            participants="Noen.",
            budget=Decimal("1000"),
            status=Status.ON_AGENDA if i % 2 else Status.SUBMITTED,
            deciding_meeting=meeting if i % 2 else None,
        )
        visit.partners.set(partners)


@pytest.mark.parametrize(("role", "pinned"), [("partner_rep", 6), ("secretariat", 7)])
def test_list_query_count_is_constant(login, client, registry, personas, role, pinned):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20))
    partners = [registry.partner, registry.other_partner]
    login(personas[role])
    _visits(2, partners, meeting)
    client.get(LIST)  # warm per-process caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(LIST).status_code == 200
    _visits(20, partners, meeting)
    with CaptureQueriesContext(connection) as large:
        assert client.get(LIST).status_code == 200
    assert len(small) == len(large), f"small:\n{_sql(small)}\n\nlarge:\n{_sql(large)}"
    assert len(large) == pinned, _sql(large)
