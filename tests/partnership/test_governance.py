"""The governance checks (R1, R2, R4) on the secretariat's dashboard: each passes on a
complete registry and names what breaks it otherwise."""

from __future__ import annotations

import datetime as dt

import pytest

from partnership import services
from partnership.governance import governance_checks
from partnership.models import Body, Measure, Membership, Partner, today

from ..factories import BodyFactory, MembershipFactory, PartnerFactory, PersonFactory

R = Membership.Role


def seat(body: Body, partner: Partner, role: str = R.MEMBER, **kwargs) -> Membership:
    return MembershipFactory(
        person=PersonFactory(), body=body, partner=partner, role=role, **kwargs
    )


@pytest.fixture
def complete(db):
    """Two partners and the bodies staffed exactly as R1, R2 and R4 ask."""
    a = PartnerFactory(name="Alfa-organisasjonen")
    b = PartnerFactory(name="Beta-forbundet")
    lm = BodyFactory(name="Ledermøtet", kind=Body.Kind.LEADERS)
    pm = BodyFactory(name="Partnermøtet", kind=Body.Kind.PARTNERS)
    local = BodyFactory(working_group=True, name="Arbeidsgruppe lokalt", level=Body.Level.LOCAL)
    national = BodyFactory(
        working_group=True, name="Arbeidsgruppe nasjonalt", level=Body.Level.NATIONAL
    )
    for partner in (a, b):
        seat(lm, partner)
        seat(pm, partner)
    seat(pm, a)  # two representatives is still fine
    for group, partner in ((local, a), (national, b)):
        seat(group, partner, R.LEADER)
        seat(group, partner, R.FINANCE_LEAD)
        seat(group, partner, R.COMMUNICATION_LEAD)
        seat(group, partner)
    for group, names in (
        (local, ("Faglig forum", "Partnerkonferanser")),
        (national, ("WABF", "Arendalsuka")),
    ):
        for name in names:
            Measure.objects.create(
                name=name, category="local", description="Et tiltak.", responsible_group=group
            )
    return {"a": a, "b": b, "lm": lm, "pm": pm, "local": local, "national": national}


def by_key(day: dt.date | None = None) -> dict:
    return {c.key: c for c in governance_checks(day)}


def test_a_complete_registry_passes_every_check(complete):
    checks = governance_checks()
    assert [c.key for c in checks] == [
        "partners_in_groups",
        "group_roles",
        "pm_representatives",
        "leaders_meeting",
        "measures_per_group",
    ]
    assert all(c.passed for c in checks), {c.key: c.problems for c in checks}


def test_checks_run_in_a_fixed_number_of_queries(complete, django_assert_num_queries):
    with django_assert_num_queries(1):
        governance_checks()


# --- R4: every active partner in at least one working group -------------------------------
def test_a_partner_outside_every_working_group_is_named(complete):
    gamma = PartnerFactory(name="Gamma-rådet")
    seat(complete["lm"], gamma)
    seat(complete["pm"], gamma)
    check = by_key()["partners_in_groups"]
    assert not check.passed
    assert check.problems == ["Gamma-rådet er ikke med i noen arbeidsgruppe."]


def test_an_inactive_partner_is_not_counted(complete):
    PartnerFactory(
        name="Gammel partner", active_from=dt.date(2015, 1, 1), active_to=dt.date(2020, 12, 31)
    )
    assert all(c.passed for c in governance_checks())


def test_an_ended_working_group_seat_no_longer_counts(complete):
    membership = Membership.objects.get(
        body=complete["national"], partner=complete["b"], role=R.MEMBER
    )
    services.membership_end(membership=membership, ends_on=today() - dt.timedelta(days=1))
    # Beta still has its leader roles in the national group: still passes.
    assert by_key()["partners_in_groups"].passed
    for m in Membership.objects.filter(body=complete["national"]).active_on():
        services.membership_end(membership=m, ends_on=today() - dt.timedelta(days=1))
    assert by_key()["partners_in_groups"].problems == [
        "Beta-forbundet er ikke med i noen arbeidsgruppe."
    ]


# --- R4: one leader, one finance lead, one communication lead per working group -----------
def test_a_working_group_without_a_finance_lead_is_named(complete):
    finance = Membership.objects.get(body=complete["local"], role=R.FINANCE_LEAD)
    services.membership_end(membership=finance, ends_on=today() - dt.timedelta(days=1))
    check = by_key()["group_roles"]
    assert not check.passed
    assert check.problems == ["Arbeidsgruppe lokalt har 0 i rollen økonomiansvarlig (skal ha 1)."]


def test_a_new_working_group_lists_every_missing_role(complete):
    BodyFactory(working_group=True, name="Arbeidsgruppe ny", level=Body.Level.LOCAL)
    problems = by_key()["group_roles"].problems
    assert problems == [
        "Arbeidsgruppe ny har 0 i rollen leder (skal ha 1).",
        "Arbeidsgruppe ny har 0 i rollen økonomiansvarlig (skal ha 1).",
        "Arbeidsgruppe ny har 0 i rollen kommunikasjonsansvarlig (skal ha 1).",
    ]


def test_the_check_looks_at_the_given_day(complete):
    """A leader whose term has run out no longer counts, even before the daily job runs."""
    leader = Membership.objects.get(body=complete["national"], role=R.LEADER)
    after_term = leader.ends_on + dt.timedelta(days=1)
    problems = by_key(after_term)["group_roles"].problems
    assert "Arbeidsgruppe nasjonalt har 0 i rollen leder (skal ha 1)." in problems


# --- R2: 1–2 Partnermøte representatives per partner ---------------------------------------
def test_a_partner_without_a_partnermote_representative_is_named(complete):
    rep = Membership.objects.get(body=complete["pm"], partner=complete["b"])
    services.membership_end(membership=rep, ends_on=today() - dt.timedelta(days=1))
    check = by_key()["pm_representatives"]
    assert not check.passed
    assert check.problems == ["Beta-forbundet har 0 representanter i Partnermøtet (skal ha 1–2)."]


def test_a_partner_with_three_representatives_is_named(complete):
    seat(complete["pm"], complete["a"])
    assert by_key()["pm_representatives"].problems == [
        "Alfa-organisasjonen har 3 representanter i Partnermøtet (skal ha 1–2)."
    ]


def test_observers_and_deputies_are_not_representatives(complete):
    seat(complete["pm"], complete["b"], R.OBSERVER)
    seat(complete["pm"], complete["b"], R.DEPUTY)
    assert by_key()["pm_representatives"].passed


# --- R1: the Ledermøte has a leader from every partner ----------------------------------------
def test_a_partner_missing_from_the_ledermote_is_named(complete):
    gamma = PartnerFactory(name="Gamma-rådet")
    seat(complete["local"], gamma)
    seat(complete["pm"], gamma)
    check = by_key()["leaders_meeting"]
    assert not check.passed
    assert check.problems == ["Gamma-rådet har ingen leder i Ledermøtet."]


def test_no_ledermote_at_all_is_reported(db):
    PartnerFactory(name="Alfa-organisasjonen")
    assert by_key()["leaders_meeting"].problems == ["Det finnes ikke noe ledermøte i registeret."]
