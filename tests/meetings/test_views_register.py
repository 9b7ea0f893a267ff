"""The decision register (search, permanent URLs, what a decision concerns) and the governing
documents (versions, adoption by the responsible body only, the diff)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Decision, GoverningDocument

from .factories import AgendaItemFactory, held_meeting

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def decisions(registry):
    pm = held_meeting(body=registry.partners_meeting)
    exempt_item = AgendaItemFactory(meeting=pm, exempt=True, legal_basis="offl. § 14")
    return {
        "budget": services.decision_record(
            meeting=pm, title="Budsjett 2026", text="Partnermøtet vedtar budsjettet for 2026."
        ),
        "exempt": services.decision_record(
            meeting=pm, agenda_item=exempt_item, text="Personalsaken er avgjort."
        ),
        "lm": services.decision_record(
            meeting=held_meeting(body=registry.leaders_meeting),
            title="Indikatorer",
            text="Ledermøtet vedtar kjennetegnene på måloppnåelse.",
        ),
    }


def test_search_in_norwegian(client, login, user, decisions):
    login(user)
    url = reverse("meetings:decision_search")
    page = client.get(url)
    assert page.status_code == 200
    assert decisions["budget"].label in page.text
    assert decisions["exempt"].label not in page.text  # exempt: members and the secretariat
    # "budsjettene" finds "budsjettet" (Norwegian stemming); htmx gets the results fragment.
    response = client.get(url, {"q": "budsjettene"}, **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert decisions["budget"].label in response.text
    assert decisions["lm"].label not in response.text
    number = client.get(url, {"q": f"{decisions['lm'].number}/{decisions['lm'].year}"})
    assert decisions["lm"].label in number.text


def test_search_filters_and_bad_input(client, login, user, registry, decisions):
    login(user)
    url = reverse("meetings:decision_search")
    by_body = client.get(url, {"body": registry.leaders_meeting.pk})
    assert decisions["lm"].label in by_body.text
    assert decisions["budget"].label not in by_body.text
    bad = client.get(url, {"year": "tjuetjue", "body": "999999", "page": "x"})
    assert bad.status_code == 200  # invalid filters are shown as errors and left out
    assert 'aria-invalid="true"' in bad.text
    assert decisions["budget"].label in bad.text
    assert "Ingen vedtak passer" in client.get(url, {"q": "xyzzy"}).text


def test_decision_has_a_permanent_url(client, login, user, partner_rep, decisions):
    budget = decisions["budget"]
    assert budget.get_absolute_url() == f"/moter/vedtak/{budget.pk}/"
    login(user)
    page = client.get(budget.get_absolute_url())
    assert page.status_code == 200
    assert "Partnermøtet vedtar budsjettet for 2026." in page.text
    assert client.get(decisions["exempt"].get_absolute_url()).status_code == 403
    login(partner_rep)
    assert client.get(decisions["exempt"].get_absolute_url()).status_code == 200


def test_decision_shows_what_it_concerns(client, login, secretariat, registry, decisions):
    # A generic link: str() of any object, and its URL when it has one.
    services.decision_link(decision=decisions["budget"], concerns=registry.partner)
    services.decision_link(decision=decisions["lm"], concerns=decisions["budget"])
    login(secretariat)
    page = client.get(decisions["budget"].get_absolute_url())
    assert str(registry.partner) in page.text
    page = client.get(decisions["lm"].get_absolute_url())
    assert f'<a class="ds-link" href="{decisions["budget"].get_absolute_url()}">' in page.text


# --- Governing documents -----------------------------------------------------------------------
@pytest.fixture
def document(registry):
    services.governing_documents_seed()
    return GoverningDocument.objects.filter(responsible_body=registry.partners_meeting).first()


def test_documents_list_and_detail(client, login, partner_rep, document):
    """A member of the responsible body (the Partnermøte) reads the draft too."""
    services.document_version_create(document=document, text="Første tekst")
    login(partner_rep)
    page = client.get(reverse("meetings:document_list"))
    assert page.status_code == 200
    assert page.text.count('scope="row"') == 8  # the eight attachments of §8
    assert "Ingen vedtatt versjon" in page.text
    detail = client.get(reverse("meetings:document_detail", args=[document.pk]))
    assert "Første tekst" in detail.text
    assert "Ny versjon" not in detail.text  # the secretariat drafts versions
    assert (
        client.get(reverse("meetings:document_version_create", args=[document.pk])).status_code
        == 403
    )


def test_new_version_and_adoption_by_the_responsible_body_only(
    client, login, secretariat, registry, document, decisions
):
    login(secretariat)
    url = reverse("meetings:document_version_create", args=[document.pk])
    assert client.post(url, {"text": "  ", "change_note": ""}).status_code == 400
    assert client.post(url, {"text": "Versjon en", "change_note": "Ny"}).status_code == 302
    version = document.versions.get()
    adopt_url = reverse("meetings:document_version_adopt", args=[version.pk])
    page = client.get(adopt_url)
    assert decisions["budget"].label in page.text
    assert decisions["lm"].label not in page.text  # only the responsible body's are offered
    wrong = client.post(adopt_url, {"decision": decisions["lm"].pk})
    assert wrong.status_code == 400
    assert "vedtas av Partnermøtet" in wrong.text
    version.refresh_from_db()
    assert version.adopted_by is None
    assert client.post(adopt_url, {"decision": decisions["budget"].pk}).status_code == 302
    version.refresh_from_db()
    assert version.adopted_by == decisions["budget"]
    decision_page = client.get(decisions["budget"].get_absolute_url())
    assert document.title in decision_page.text


def test_diff_marks_insertions_and_deletions_with_text(client, login, partner_rep, document):
    services.document_version_create(document=document, text="Linje en\nLinje to\nLinje tre")
    services.document_version_create(document=document, text="Linje en\nLinje 2\nLinje tre")
    login(partner_rep)
    url = reverse("meetings:document_diff", args=[document.pk])
    page = client.get(url, {"fra": "1", "til": "2"})
    assert page.status_code == 200
    assert '<del><span class="ds-sr-only">Fjernet: </span>Linje to</del>' in page.text
    assert '<ins><span class="ds-sr-only">Lagt til: </span>Linje 2</ins>' in page.text
    # Bad or equal versions: a message, no 500.
    assert client.get(url, {"fra": "abc", "til": "99"}).status_code == 200
    assert "Velg to forskjellige versjoner." in client.get(url, {"fra": "2", "til": "2"}).text


def test_search_counts_at_most_the_cap(client, login, user, registry, monkeypatch):
    """A search with more hits than the cap says "over N" and pages up to the cap (the count
    of 25 000 full-text hits was most of the search's time)."""
    from partnership import viewhelpers

    pm = held_meeting(body=registry.partners_meeting)
    for n in range(5):
        services.decision_record(meeting=pm, title=f"Budsjett {n}", text="Om budsjettet.")
    monkeypatch.setattr(viewhelpers, "SEARCH_HIT_CAP", 3)
    login(user)
    url = reverse("meetings:decision_search")
    page = client.get(url, {"q": "budsjett"}).content.decode()
    assert "over 3 treff" in page
    assert "Over 3 vedtak funnet." in page
    monkeypatch.setattr(viewhelpers, "SEARCH_HIT_CAP", 10)
    page = client.get(url, {"q": "budsjett"}).content.decode()
    assert "(5 treff)" in page


def test_over_the_cap_the_newest_come_first(client, login, user, registry, monkeypatch):
    """Under the cap the best hit comes first; over it the page does not score thousands of
    hits on every view: the newest come first, and the page says how to get the best first.
    "Nyeste først" can also be chosen."""
    from partnership import viewhelpers

    pm = held_meeting(body=registry.partners_meeting)
    best = services.decision_record(
        meeting=pm, title="Budsjett, budsjettramme og budsjettfordeling", text="Budsjett budsjett."
    )
    for n in range(4):
        services.decision_record(meeting=pm, title=f"Sak {n}", text="Nevner budsjett en gang.")
    newest = Decision.objects.order_by("-number").first()
    login(user)
    url = reverse("meetings:decision_search")

    def first_row(params) -> str:
        page = client.get(url, params).content.decode()
        return page.split("<tbody>", 1)[1].split("</tr>", 1)[0], page

    monkeypatch.setattr(viewhelpers, "SEARCH_HIT_CAP", 10)
    row, page = first_row({"q": "budsjett"})
    assert best.label in row and "beste treff først" in page
    row, page = first_row({"q": "budsjett", "sort": "nyeste"})
    assert newest.label in row and "det siste først" in page
    monkeypatch.setattr(viewhelpers, "SEARCH_HIT_CAP", 3)
    row, page = first_row({"q": "budsjett"})
    assert newest.label in row
    assert "Søket gir over 3 treff, så de nyeste vises først." in page
    assert "de 3 nyeste vises" in page


def test_capped_paginator_on_a_list_and_a_queryset(registry):
    from partnership.models import Body
    from partnership.viewhelpers import CappedPaginator

    paginator = CappedPaginator(list(range(10)), 4, cap=6)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (6, True, 2)
    bodies = Body.objects.order_by("pk")
    paginator = CappedPaginator(bodies, 4, cap=100)
    assert (paginator.count, paginator.capped) == (bodies.count(), False)
