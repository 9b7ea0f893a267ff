"""The decision register: numbers, what a decision concerns, delegated reports (R3), search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch

from meetings import selectors, services
from meetings.models import AgendaItem, Decision, Meeting

from .factories import AgendaItemFactory, MeetingFactory, approve_minutes, held_meeting, in_days


def test_decisions_are_numbered_per_body_and_year(registry):
    pm = held_meeting(body=registry.partners_meeting, items=1)
    lm = held_meeting(body=registry.leaders_meeting)
    first = services.decision_record(meeting=pm, agenda_item=pm.agenda_items.get(), text="Vedtatt.")
    second = services.decision_record(
        meeting=pm, text="Også vedtatt.", decided_on=dt.date(2030, 12, 30)
    )
    other = services.decision_record(meeting=lm, text="Handlingsplanen vedtas.")
    year = pm.local_date.year
    assert (first.number, first.year) == (1, year)
    assert (second.number, second.year) == (1, 2030)  # the year of the decision date
    assert other.number == 1
    assert first.label == f"PM-vedtak 1/{year}"
    assert first.title == pm.agenda_items.get().title


def test_bad_decisions_are_refused(registry):
    pm = held_meeting(body=registry.partners_meeting)
    other = held_meeting(body=registry.partners_meeting, items=1, days_ago=30)
    future = MeetingFactory(body=registry.partners_meeting)
    with pytest.raises(ValidationError) as exc:
        services.decision_record(meeting=pm, text=" ")
    assert exc.value.message_dict["text"] == ["Vedtaket må ha en tekst."]
    with pytest.raises(ValidationError) as exc:
        services.decision_record(meeting=pm, text="Vedtatt.", agenda_item=other.agenda_items.get())
    assert "agenda_item" in exc.value.message_dict
    with pytest.raises(ValidationError, match="ikke holdt ennå"):
        services.decision_record(meeting=future, text="Vedtatt.")
    with pytest.raises(ValidationError) as exc:
        services.decision_record(meeting=pm, text="Vedtatt.", made_under_delegation=True)
    assert exc.value.message_dict["made_under_delegation"] == [
        "Partnermøtet har ikke delegert myndighet."
    ]
    assert not Decision.objects.exists()


def test_a_decision_concerns_any_object(registry):
    pm = held_meeting(body=registry.partners_meeting)
    decision = services.decision_record(
        meeting=pm, text="Arbeidsgruppa opprettes.", concerns=registry.wg_local
    )
    decision.refresh_from_db()
    assert decision.concerns == registry.wg_local
    assert list(selectors.decisions_concerning(registry.wg_local)) == [decision]
    with pytest.raises(ValidationError, match="gjelder allerede noe annet"):
        services.decision_link(decision=decision, concerns=registry.wg_national)


def test_permanent_url_is_reversed_lazily(registry):
    decision = services.decision_record(
        meeting=held_meeting(body=registry.partners_meeting), text="Vedtatt."
    )
    # The URL is wired by the views' issue; until then reversing fails only when asked.
    try:
        url = decision.get_absolute_url()
    except NoReverseMatch:
        return
    assert str(decision.pk) in url


# --- Delegated decisions (R3) -------------------------------------------------------------------
def test_au_decision_under_delegation_is_reported_to_the_next_partnermote(registry):
    later = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(60))
    next_pm = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20))
    MeetingFactory(
        body=registry.partners_meeting, starts_at=in_days(10), kind=Meeting.Kind.FAGLIG_FORUM
    )
    au = held_meeting(body=registry.working_committee, items=1)
    decision = services.decision_record(
        meeting=au,
        agenda_item=au.agenda_items.get(),
        made_under_delegation=True,
        text="Budsjettet for Faglig forum økes med 50 000 kr.",
    )
    item = decision.report_item
    assert item.meeting == next_pm
    assert item.kind == AgendaItem.Kind.DELEGATED_REPORT
    assert item.title.startswith(f"Melding om delegert vedtak: AU-vedtak 1/{decision.year}")
    assert item.background == decision.text
    assert decision.report_to == registry.partners_meeting
    assert not later.agenda_items.exists()


def test_without_a_planned_partnermote_the_report_waits_and_attaches_when_one_is_created(registry):
    au = held_meeting(body=registry.working_committee)
    decision = services.decision_record(
        meeting=au, text="Arbeidsgruppene får 10 000 kr hver.", made_under_delegation=True
    )
    assert decision.report_pending
    assert list(selectors.pending_delegated_reports(body=registry.partners_meeting)) == [decision]

    MeetingFactory(body=registry.leaders_meeting)  # another body: does not take it
    pm = MeetingFactory(body=registry.partners_meeting)
    decision.refresh_from_db()
    assert decision.report_item.meeting == pm
    assert not selectors.pending_delegated_reports().exists()


def test_reports_on_a_cancelled_meeting_move_on(registry):
    first = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20))
    au = held_meeting(body=registry.working_committee)
    decision = services.decision_record(
        meeting=au, text="Vedtatt under delegasjon.", made_under_delegation=True
    )
    assert decision.report_item.meeting == first

    services.meeting_cancel(meeting=first, reason="Flyttes")
    decision.refresh_from_db()
    assert decision.report_pending
    second = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(40))
    decision.refresh_from_db()
    assert decision.report_item.meeting == second


def test_approving_au_minutes_records_delegated_decisions(registry):
    pm = MeetingFactory(body=registry.partners_meeting)
    au = held_meeting(body=registry.working_committee, items=1)
    minutes = services.minutes_start(meeting=au)
    entry = minutes.entries.get()
    services.minutes_entry_save(
        entry=entry, summary="", decision_text="Tiltaksplanen justeres.", version=1
    )
    approve_minutes(minutes=minutes, how="circulation")
    decision = Decision.objects.get(body=registry.working_committee)
    assert decision.made_under_delegation
    assert decision.report_item.meeting == pm


def test_exempt_decisions_are_reported_as_exempt(registry):
    pm = MeetingFactory(body=registry.partners_meeting)
    au = held_meeting(body=registry.working_committee)
    item = AgendaItemFactory(meeting=au, exempt=True, legal_basis="offl. § 13")
    decision = services.decision_record(
        meeting=au, agenda_item=item, text="Personalsak.", made_under_delegation=True
    )
    assert decision.report_item.meeting == pm
    assert (decision.report_item.exempt, decision.report_item.legal_basis) == (True, "offl. § 13")


# --- Search ----------------------------------------------------------------------------------------
@pytest.fixture
def register(registry):
    pm = held_meeting(body=registry.partners_meeting, days_ago=10)
    lm = held_meeting(body=registry.leaders_meeting, days_ago=20)
    return {
        "budget": services.decision_record(
            meeting=pm,
            title="Budsjett for 2031",
            text="Partnermøtet vedtar budsjettet for arbeidsgruppene slik det er foreslått.",
        ),
        "pot": services.decision_record(
            meeting=pm,
            title="Tildeling fra Partnerpotten",
            text="Søknaden fra elevorganisasjonen innvilges med 80 000 kroner.",
        ),
        "plan": services.decision_record(
            meeting=lm,
            title="Handlingsplanen",
            text="Ledermøtet vedtar handlingsplanen og budsjettrammen.",
        ),
        "old": services.decision_record(
            meeting=pm,
            title="Budsjett",
            decided_on=dt.date(2029, 11, 1),
            text="Budsjettet for 2030 vedtas.",
        ),
    }


def test_search_uses_norwegian_stemming(register):
    # "budsjettene" and "budsjettet" share the stem "budsjett".
    found = list(selectors.decision_search(q="budsjettene"))
    assert set(found) == {register["budget"], register["old"]}
    assert list(selectors.decision_search(q="søknadene")) == [register["pot"]]


def test_search_ranks_title_matches_first_and_filters(register, registry):
    found = list(selectors.decision_search(q="handlingsplan"))
    assert found == [register["plan"]]
    year = register["budget"].year
    assert list(selectors.decision_search(q="budsjett", year=2029)) == [register["old"]]
    assert register["plan"] not in selectors.decision_search(
        q="vedtar", body=registry.partners_meeting
    )
    assert list(selectors.decision_search(body=registry.leaders_meeting)) == [register["plan"]]
    ranked = list(selectors.decision_search(q="budsjett", year=year))
    assert ranked[0] == register["budget"]  # title (weight A) beats text (weight B)


def test_websearch_syntax_and_numbers(register):
    assert list(selectors.decision_search(q="budsjett -arbeidsgruppene")) == [register["old"]]
    assert list(selectors.decision_search(q='"80 000 kroner"')) == [register["pot"]]
    assert list(selectors.decision_search(q="kroner OR handlingsplanen")) != []
    assert list(selectors.decision_search(q="ordsomikkefinnes")) == []
    pot = register["pot"]
    assert list(selectors.decision_search(q=f"{pot.number}/{pot.year}", body=pot.body)) == [pot]
    assert list(
        selectors.decision_search(q=f"PM-vedtak {pot.number}/{pot.year}", body=pot.body)
    ) == [pot]
    # Nonsense syntax does not raise.
    assert list(selectors.decision_search(q='"(&|!')) == []


def test_search_index_follows_edits(register):
    decision = register["pot"]
    Decision.objects.filter(pk=decision.pk).update(text="Rettet: innvilges med 90 000 kroner.")
    assert list(selectors.decision_search(q="rettet")) == [decision]
