"""The budget pages: what each person sees, the secretariat's changes through the forms, bad
input and a stale page, in Norwegian."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django.urls import reverse

from partnership import budget_services
from partnership.budget_models import BudgetLine

from .. import querycounts
from ..meetings.factories import held_meeting

D = Decimal
Kind = BudgetLine.Kind
assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(2, 20))


def _page(client, person, url, method="get", data=None):
    client.force_login(person)
    return getattr(client, method)(url, data or {})


def test_the_secretariat_builds_and_proposes_a_budget(client, registry, secretariat):
    response = _page(client, secretariat, reverse("workgroups:budget_list"), "post", {"year": 2026})
    assert response.status_code == 302
    url = response["Location"]
    page = client.get(url)
    assert "2\u00a0000\u00a0000,00\u00a0kr" in page.content.decode()
    pk = int(url.rstrip("/").split("/")[-1])
    add = reverse("workgroups:budget_line_add", kwargs={"pk": pk})
    lock = page.context["version"].lock_version
    # The Norwegian forms are accepted …
    response = client.post(
        add,
        {
            "lock_version": lock,
            "kind": "group_base",
            "working_group": registry.wg_local.pk,
            "title": "",
            "amount": "1 500 000,50",
        },
    )
    assert response.status_code == 302
    # … "1.500,50" is refused next to the field, and nothing is saved.
    page = client.get(url)
    lock = page.context["version"].lock_version
    response = client.post(
        add, {"lock_version": lock, "kind": "secretariat", "title": "", "amount": "1.500,50"}
    )
    assert response.status_code == 400
    assert "ikke punktum" in response.content.decode()
    # Beyond the funds: refused with the amount over.
    response = client.post(
        add, {"lock_version": lock, "kind": "secretariat", "title": "", "amount": "500 000"}
    )
    assert response.status_code == 400
    assert "0,50\u00a0kr høyere enn årets midler" in response.content.decode()
    # 90 % warns.
    response = client.post(
        add, {"lock_version": lock, "kind": "secretariat", "title": "", "amount": "400 000"}
    )
    page = client.get(url)
    assert "95,0 % av midlene er fordelt" in page.content.decode()
    response = client.post(reverse("workgroups:budget_propose", kwargs={"pk": pk}))
    assert response.status_code == 302
    page = client.get(url)
    assert "Registrer vedtaket" in page.content.decode()


def test_a_stale_form_is_told_and_keeps_what_was_written(client, registry, secretariat):
    version = budget_services.budget_year_create(year=2026)
    stale = version.lock_version
    budget_services.budget_line_save(
        version=version,
        kind=Kind.COMMON_COSTS,
        title="Møter",
        amount=D("100"),
        expected_lock_version=stale,
        by=secretariat,
    )
    response = _page(
        client,
        secretariat,
        reverse("workgroups:budget_line_add", kwargs={"pk": version.pk}),
        "post",
        {"lock_version": stale, "kind": "measure", "title": "Kampanje", "amount": "5 000"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "endret budsjettet" in body and "Siri Sekretariat" in body
    assert 'value="Kampanje"' in body and 'value="5 000"' in body
    assert not version.lines.filter(title="Kampanje").exists()


def test_drafts_are_the_secretariats_and_outsiders_see_nothing(client, registry, wg_member, user):
    version = budget_services.budget_year_create(year=2026)
    url = reverse("workgroups:budget_version", kwargs={"pk": version.pk})
    assert _page(client, wg_member, url).status_code == 403
    assert _page(client, user, url).status_code == 404
    budget_services.budget_propose(version=version)
    page = _page(client, wg_member, url)
    assert page.status_code == 200
    assert "Legg til en post" not in page.content.decode()
    listing = _page(client, wg_member, reverse("workgroups:budget_list")).content.decode()
    assert "Versjon 1" in listing


def test_the_adoption_form_records_the_decision(client, registry, secretariat):
    version = budget_services.budget_year_create(year=2026)
    budget_services.budget_propose(version=version)
    meeting = held_meeting(body=registry.working_committee)
    url = reverse("workgroups:budget_adopt", kwargs={"pk": version.pk})
    page = _page(client, secretariat, url)
    assert "AU:" in page.content.decode()
    response = client.post(url, {"meeting": meeting.pk})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "AU-vedtak 1/" in page and "Vedtatt" in page


def test_version_page_queries_do_not_grow_with_lines(client, registry, secretariat):
    version = budget_services.budget_year_create(year=2026)
    groups = []

    def make(k):
        for _ in range(k):
            n = len(groups)
            groups.append(n)
            version.refresh_from_db()
            budget_services.budget_line_save(
                version=version,
                kind=Kind.MEASURE,
                title=f"Tiltak {n}",
                amount=D("1000"),
                expected_lock_version=version.lock_version,
            )

    client.force_login(secretariat)
    assert_constant_queries(
        client,
        reverse("workgroups:budget_version", kwargs={"pk": version.pk}),
        querycounts.topped_up(make),
        pinned=PINNED_VERSION_PAGE,
    )


PINNED_VERSION_PAGE = 7
