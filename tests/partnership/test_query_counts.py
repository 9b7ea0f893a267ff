"""Every list and detail page runs the same number of queries with 2 rows as with 50.

Each test renders the page with two rows of the data it lists, grows the data
to fifty rows and renders it again. A count that grows with the data is an
N+1 in a selector, a view or a template; the failure prints the SQL of both runs.
The counts are also pinned, so an extra query per page shows up in review.

These tests read; the rows are written with ``bulk_create`` (rights and groups
do not matter to what the pages show, and the services would make the suite slow).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from functools import partial
from itertools import count

import pytest
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from partnership.models import Affiliation, Body, Invitation, Membership, Partner, Person, today
from tests import querycounts

from ..factories import BodyFactory, PersonFactory, valid_orgnr

SMALL, LARGE = 2, 50
assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(SMALL, LARGE))
_numbers = count(5_000_000)  # distinct names and organisation numbers across a worker's tests


class Rows:
    """``rows(n)`` tops a kind of data up to n rows with ``make(k)``, which makes k rows at once."""

    def __init__(self, make: Callable[[int], object], start: int = 0):
        self.make = make
        self.count = start

    def __call__(self, n: int) -> None:
        if n > self.count:
            self.make(n - self.count)
            self.count = n


# --- Bulk data ----------------------------------------------------------------------------------
def partners(k: int, *, with_history: bool = False) -> list[Partner]:
    objs = []
    for _ in range(k):
        i = next(_numbers)
        objs.append(
            Partner(
                name=f"Partner {i:06d}",
                short_name=f"QP{i:06d}",
                kind=Partner.Kind.OTHER,
                organisation_number=valid_orgnr(i),
                active_from=dt.date(2021, 1, 1),
            )
        )
    if with_history:
        return bulk_create_with_history(objs, Partner)
    return Partner.objects.bulk_create(objs)


def people(k: int) -> list[Person]:
    objs = []
    for _ in range(k):
        i = next(_numbers)
        objs.append(
            Person(
                email=f"q{i}@example.org",
                full_name=f"Person {i:06d}",
                title="Rådgiver",
                phone="+47 900 00 000",
            )
        )
    return Person.objects.bulk_create(objs)


def bodies(k: int, kind: str = Body.Kind.PARTNERS) -> list[Body]:
    objs = []
    for _ in range(k):
        i = next(_numbers)
        wg = kind == Body.Kind.WORKING_GROUP
        objs.append(
            Body(
                name=f"Organ {i:06d}",
                short_name=f"QO{i:06d}",
                kind=kind,
                level=Body.Level.LOCAL if wg else "",
                term_years=2 if wg else None,
            )
        )
    return Body.objects.bulk_create(objs)


def seats(
    pairs,
    *,
    role: str = Membership.Role.MEMBER,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> None:
    """Memberships for (person, body, partner) triples."""
    starts_on = starts_on or today() - dt.timedelta(days=30)
    Membership.objects.bulk_create(
        [
            Membership(
                person=person,
                body=body,
                partner=partner,
                role=role,
                starts_on=starts_on,
                ends_on=ends_on,
            )
            for person, body, partner in pairs
        ]
    )


def affiliate(pairs) -> None:
    Affiliation.objects.bulk_create(
        [
            Affiliation(person=person, partner=partner, starts_on=today() - dt.timedelta(days=365))
            for person, partner in pairs
        ]
    )


# --- Partners ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("viewer", "pinned"), [("wg_member", 4), ("secretariat", 4)])
def test_partner_list(viewer, pinned, client, login, registry, request):
    login(request.getfixturevalue(viewer))
    assert_constant_queries(
        client,
        reverse("partner_list"),
        Rows(partners, start=Partner.objects.count()),
        pinned=pinned,
    )


def test_partner_detail(client, login, wg_member, registry):
    partner = registry.other_partner

    def people_of_partner(k):
        new = people(k)
        affiliate((p, partner) for p in new)
        seats((p, b, partner) for p, b in zip(new, bodies(k), strict=True))

    login(wg_member)
    assert_constant_queries(
        client,
        reverse("partner_detail", kwargs={"pk": partner.pk}),
        Rows(people_of_partner),
        pinned=5,
    )


# --- People --------------------------------------------------------------------------------------
def test_person_list(client, login, user, registry):
    def affiliated_people(k):
        new = people(k)
        affiliate([(p, registry.partner) for p in new] + [(p, registry.other_partner) for p in new])

    login(user)
    assert_constant_queries(
        client,
        reverse("person_list"),
        Rows(affiliated_people, start=Person.objects.filter(is_active=True).count()),
        # The page's rows counted, and each person's current partners read, in its own query.
        pinned=4,
    )


def test_person_detail(client, login, user, registry):
    person = PersonFactory()

    def seats_and_affiliations(k):
        new_partners = partners(k)
        affiliate((person, p) for p in new_partners)
        seats((person, b, p) for b, p in zip(bodies(k), new_partners, strict=True))

    login(user)
    assert_constant_queries(
        client,
        reverse("person_detail", kwargs={"pk": person.pk}),
        Rows(seats_and_affiliations),
        pinned=5,
    )


def test_profile(client, login, registry):
    person = PersonFactory()
    login(person)
    assert_constant_queries(
        client,
        reverse("profile"),
        Rows(lambda k: seats((person, b, registry.partner) for b in bodies(k))),
        pinned=5,
    )


# --- Bodies --------------------------------------------------------------------------------------
def test_body_list(client, login, wg_member, registry):
    def bodies_with_members(k):
        new = bodies(k)
        seats((p, b, registry.partner) for p, b in zip(people(k), new, strict=True))

    login(wg_member)
    assert_constant_queries(
        client,
        reverse("body_list"),
        Rows(bodies_with_members, start=Body.objects.count()),
        pinned=3,
    )


@pytest.mark.parametrize(("viewer", "pinned"), [("wg_member", 4), ("secretariat", 5)])
def test_body_detail(viewer, pinned, client, login, registry, request):
    """As the secretariat the page also has the management forms and the past members.

    The members are paged (one page, counted in the same query), so a body of hundreds
    stays cheap."""
    body = BodyFactory(kind=Body.Kind.PARTNERS)
    past_start = today() - dt.timedelta(days=400)

    def current_and_past_members(k):
        new_people, new_partners = people(k), partners(k)
        seats(zip(new_people, [body] * k, new_partners, strict=True))
        seats(
            zip(new_people, [body] * k, new_partners, strict=True),
            starts_on=past_start,
            ends_on=past_start + dt.timedelta(days=100),
        )

    login(request.getfixturevalue(viewer))
    assert_constant_queries(
        client,
        reverse("body_detail", kwargs={"pk": body.pk}),
        Rows(current_and_past_members),
        pinned=pinned,
    )


# --- Invitations and history ------------------------------------------------------------------------
def _invitations(k: int, *, invited_by: Person, accepted_every: int = 2) -> None:
    now = timezone.now()
    new_partners, new_people = partners(k), people(k)
    Invitation.objects.bulk_create(
        [
            Invitation(
                email=f"inv{next(_numbers)}@example.org",
                full_name="Invitert",
                partner=partner,
                token_hash=secrets.token_hex(32),
                invited_by=invited_by,
                created_at=now + dt.timedelta(microseconds=i),  # a definite order
                expires_at=now + dt.timedelta(days=14),
                accepted_at=now if i % accepted_every else None,
                accepted_by=person if i % accepted_every else None,
            )
            for i, (partner, person) in enumerate(zip(new_partners, new_people, strict=True))
        ]
    )


def test_invitation_list(client, login, secretariat, registry):
    login(secretariat)
    assert_constant_queries(
        client,
        reverse("invitation_list"),
        Rows(lambda k: _invitations(k, invited_by=secretariat)),
        pinned=4,
    )


def test_history(client, login, secretariat, registry):
    login(secretariat)
    assert_constant_queries(
        # The session's two, then one UNION of the history tables and the people they name.
        client,
        reverse("history"),
        Rows(lambda k: partners(k, with_history=True)),
        pinned=3,  # the people the rows name joined in the UNION's arms
    )


# --- Home, per role ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "pinned"),
    # The admin (staff) sees more on the home page than the other roles (the extra queries).
    [
        ("user", 5),
        ("partner_rep", 6),
        ("partner_leader", 6),
        ("wg_member", 6),
        ("wg_leader", 6),
        ("finance_lead", 6),
        ("ministry_observer", 6),
        ("admin", 8),  # the governance checks: one query (partners, bodies, seats, measures)
    ],
)
def test_home(role, pinned, client, login, registry, request):
    person = request.getfixturevalue(role)

    def seats_and_affiliations(k):
        new_partners = partners(k)
        affiliate((person, p) for p in new_partners)
        seats((person, b, p) for b, p in zip(bodies(k), new_partners, strict=True))

    login(person)
    assert_constant_queries(client, reverse("home"), Rows(seats_and_affiliations), pinned=pinned)


def test_home_secretariat_dashboard(client, login, secretariat, registry):
    """The dashboard runs the governance checks over every partner and working group."""

    def partners_groups_and_invitations(k):
        new_partners = partners(k)
        groups = bodies(k, kind=Body.Kind.WORKING_GROUP)
        seats(zip(people(k), groups, new_partners, strict=True), role=Membership.Role.LEADER)
        seats(zip(people(k), [registry.partners_meeting] * k, new_partners, strict=True))
        _invitations(k, invited_by=secretariat, accepted_every=3)

    login(secretariat)
    assert_constant_queries(
        client, reverse("home"), Rows(partners_groups_and_invitations), pinned=8
    )
    response = client.get(reverse("home"))
    assert (
        response.context["failing_checks"] > 0
    )  # the new groups lack finance and communication leads
    newest = list(Invitation.objects.order_by("-created_at")[:20])
    assert len(response.context["open_invitations"]) > 0, (
        timezone.now(),
        [(i.created_at, i.expires_at, i.accepted_at, i.status) for i in newest],
    )


def test_the_body_pages_one_statement_reads_what_the_querysets_give(registry):
    """selectors.body_member_page (one statement) gives the page of body_members, their number
    and the latest of body_past_members, in the same order, as the querysets it replaced."""
    from partnership import selectors
    from partnership.views import _MEMBER_COLUMNS

    body = registry.partners_meeting
    roles = ["member", "leader", "deputy", "member", "deputy_leader", "observer", "member"]
    members = people(len(roles))
    for person, role in zip(members, roles, strict=True):
        Membership.objects.create(
            person=person, body=body, partner=registry.partner, role=role, starts_on=today()
        )
    past = people(4)
    for i, person in enumerate(past):
        Membership.objects.create(
            person=person,
            body=body,
            partner=registry.other_partner,
            role="member",
            starts_on=today() - dt.timedelta(days=400),
            ends_on=today() - dt.timedelta(days=10 + i),
        )
    expected = list(selectors.body_members(body=body).values_list(*_MEMBER_COLUMNS, named=True))
    expected_past = list(
        selectors.body_past_members(body=body, limit=3).values_list(*_MEMBER_COLUMNS, named=True)
    )
    assert expected[0].role == "leader"  # leaders first
    rows, total, ended = selectors.body_member_page(body=body, offset=0, limit=4, past=3)
    assert total == len(expected)
    assert [tuple(r) for r in rows] == [tuple(r) for r in expected[:4]]
    assert [tuple(r) for r in ended] == [tuple(r) for r in expected_past]
    rows, total, ended = selectors.body_member_page(body=body, offset=4, limit=4)
    assert [tuple(r) for r in rows] == [tuple(r) for r in expected[4:8]]
    assert ended == []  # the past members only when asked for
