"""Agenda templates (saksliste-maler): the secretariat lists them, creates one for a kind of
meeting that has none, and adds, edits, moves and removes items, in place (htmx) or by plain
POST and redirect; nobody else gets in. The services keep positions distinct and gapless."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, AgendaTemplate, AgendaTemplateItem, Meeting

from .factories import MeetingFactory, in_days

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def template(db):
    services.seed_agenda_templates()  # the data migration did it; a flush may have removed it
    return AgendaTemplate.objects.get(meeting_kind=Meeting.Kind.START_UP)


def titles(template) -> list[str]:
    return list(template.items.order_by("position", "pk").values_list("title", flat=True))


def item_data(**extra) -> dict:
    return {"kind": "decision", "title": "Valg av nestleder", "background": "", **extra}


# --- Services ----------------------------------------------------------------------------------
def test_move_renumbers_and_stops_at_the_ends(template):
    first, second, *_rest = template.items.order_by("position", "pk")
    before = titles(template)
    services.agenda_template_item_move(item=second, direction="up")
    assert titles(template) == [before[1], before[0], *before[2:]]
    positions = list(template.items.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(before) + 1))
    # At the top already: nothing moves, no error.
    services.agenda_template_item_move(item=second, direction="up")
    assert titles(template)[0] == before[1]
    last = template.items.order_by("-position").first()
    services.agenda_template_item_move(item=last, direction="down")
    assert titles(template)[-1] == last.title
    with pytest.raises(ValidationError):
        services.agenda_template_item_move(item=first, direction="sideways")


def test_add_goes_last_and_a_blank_title_is_refused(template):
    item = services.agenda_template_item_add(
        template=template, title="  Eventuelt ", kind="information"
    )
    assert titles(template)[-1] == "Eventuelt"
    assert item.position == template.items.count()
    count = template.items.count()
    with pytest.raises(ValidationError) as exc:
        services.agenda_template_item_add(template=template, title="  ")
    assert "title" in exc.value.error_dict
    assert template.items.count() == count


def test_one_template_per_body_kind_and_meeting_kind(template):
    with pytest.raises(ValidationError) as exc:
        services.agenda_template_create(
            body_kind="working_group", meeting_kind=Meeting.Kind.START_UP, name="Ny"
        )
    assert "meeting_kind" in exc.value.error_dict
    # The same meeting kind for every body, or for another kind of body, is another template.
    created = services.agenda_template_create(
        meeting_kind=Meeting.Kind.FAGLIG_FORUM, name=" Faglig forum "
    )
    assert (created.name, created.body_kind, created.items.count()) == ("Faglig forum", "", 0)
    assert services.agenda_template_create(
        body_kind="leaders", meeting_kind=Meeting.Kind.FAGLIG_FORUM, name="Faglig forum, LM"
    )
    # The database holds the rule too (two people creating the same pair at once).
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaTemplate.objects.create(
            body_kind="", meeting_kind=Meeting.Kind.FAGLIG_FORUM, name="Dobbel"
        )


def test_partnermote_and_au_templates_are_seeded_from_their_mandates(db):
    """Issue 11: ordinary and extraordinary Partnermøte and AU meetings have templates; the
    working-group guide's three are the working groups' own."""
    services.seed_agenda_templates()
    by_key = {(t.body_kind, t.meeting_kind): t for t in AgendaTemplate.objects.all()}
    for body_kind in ("partners", "au"):
        ordinary = by_key[(body_kind, Meeting.Kind.ORDINARY)]
        extraordinary = by_key[(body_kind, Meeting.Kind.EXTRAORDINARY)]
        assert titles(ordinary)[:2] == [
            "Godkjenning av innkalling og saksliste",
            "Godkjenning av protokoll fra forrige møte",
        ]
        assert titles(ordinary)[-1] == "Eventuelt"
        # An extraordinary meeting handles what it was called for, nothing else.
        assert "Eventuelt" not in titles(extraordinary)
        assert "Saken møtet er kalt inn for" in titles(extraordinary)
    assert "Søknader til Partnerpotten og studiebesøk" in titles(
        by_key[("partners", Meeting.Kind.ORDINARY)]
    )
    assert "Barn og unges involvering og medvirkning" in titles(
        by_key[("au", Meeting.Kind.ORDINARY)]
    )
    for kind in (
        Meeting.Kind.START_UP,
        Meeting.Kind.BEFORE_PARTNER_MEETING,
        Meeting.Kind.REPORTING,
    ):
        assert ("working_group", kind) in by_key
        assert ("", kind) not in by_key
    assert services.seed_agenda_templates() == 0  # idempotent


def test_a_meeting_gets_its_body_kinds_template_else_the_one_for_every_body(
    db, registry, secretariat
):
    from meetings import selectors

    services.seed_agenda_templates()
    pm = MeetingFactory(body=registry.partners_meeting, kind=Meeting.Kind.ORDINARY)
    au = MeetingFactory(body=registry.working_committee, kind=Meeting.Kind.EXTRAORDINARY)
    lm = MeetingFactory(body=registry.leaders_meeting, kind=Meeting.Kind.ORDINARY)
    assert selectors.template_for_meeting(pm).name == "Ordinært partnermøte"
    assert selectors.template_for_meeting(au).name == "Ekstraordinært møte i arbeidsutvalget"
    assert selectors.template_for_meeting(lm) is None
    with pytest.raises(ValidationError):
        services.agenda_template_apply(meeting=lm)
    every = services.agenda_template_create(meeting_kind=Meeting.Kind.ORDINARY, name="Alle")
    assert selectors.template_for_meeting(lm) == every
    assert selectors.template_for_meeting(pm).name == "Ordinært partnermøte"  # its own first
    added = services.agenda_template_apply(meeting=pm, by=secretariat)
    assert [item.title for item in added] == titles(selectors.template_for_meeting(pm))
    assert services.agenda_template_apply(meeting=pm, by=secretariat) == []  # twice adds nothing


# --- Pages -------------------------------------------------------------------------------------
def test_the_list_shows_the_templates_and_creates_a_missing_one(
    client, login, secretariat, template
):
    login(secretariat)
    url = reverse("meetings:agenda_template_list")
    page = client.get(url)
    assert page.status_code == 200
    for name in (template.name, "Ordinært partnermøte", "Ekstraordinært møte i arbeidsutvalget"):
        assert name in page.text
    assert "Alle organer" in page.text  # the body kind select's "any body"
    missing = client.post(url, {"meeting_kind": "", "name": ""})
    assert missing.status_code == 400
    assert "data-error-summary" in missing.text
    taken = client.post(
        url, {"body_kind": "working_group", "meeting_kind": Meeting.Kind.START_UP, "name": "To"}
    )
    assert taken.status_code == 400
    assert "Det finnes allerede en saksliste-mal" in taken.text
    assert AgendaTemplate.objects.filter(meeting_kind=Meeting.Kind.START_UP).count() == 1
    response = client.post(url, {"meeting_kind": Meeting.Kind.ORDINARY, "name": "Møte"})
    created = AgendaTemplate.objects.get(meeting_kind=Meeting.Kind.ORDINARY, body_kind="")
    assert response["Location"] == reverse("meetings:agenda_template_detail", args=[created.pk])


def test_add_edit_move_and_remove_with_htmx(client, login, secretariat, template):
    login(secretariat)
    page = client.get(reverse("meetings:agenda_template_detail", args=[template.pk]))
    assert page.status_code == 200
    assert "Valg av leder" in page.text

    response = client.post(
        reverse("meetings:agenda_template_item_add", args=[template.pk]), item_data(), **HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="template-items"')
    assert json.loads(response["HX-Trigger"])["portal:message"] == (
        "«Valg av nestleder» er lagt til i malen."
    )
    item = template.items.get(title="Valg av nestleder")
    assert titles(template)[-1] == item.title

    # Edit in place: the form comes into the item's place; errors stay there.
    edit_url = reverse("meetings:agenda_template_item_edit", args=[item.pk])
    form = client.get(edit_url, **HTMX)
    assert form.status_code == 200
    assert form.text.lstrip().startswith(f'<li id="titem-{item.pk}"')
    assert 'name="title"' in form.text and "<h1" not in form.text
    bad = client.post(edit_url, item_data(title=""), **HTMX)
    assert bad.status_code == 400
    assert "data-error-summary" in bad.text and f'id="titem-{item.pk}-title"' in bad.text
    item.refresh_from_db()
    assert item.title == "Valg av nestleder"
    ok = client.post(
        edit_url, item_data(title="Valg av nestleder og sekretær", kind="information"), **HTMX
    )
    assert ok.status_code == 200
    item.refresh_from_db()
    assert (item.title, item.kind) == ("Valg av nestleder og sekretær", "information")

    move = client.post(
        reverse("meetings:agenda_template_item_move", args=[item.pk]), {"direction": "up"}, **HTMX
    )
    assert move.status_code == 200
    assert titles(template)[-2] == item.title
    assert "er flyttet" in json.loads(move["HX-Trigger"])["portal:message"]
    nonsense = client.post(
        reverse("meetings:agenda_template_item_move", args=[item.pk]), {"direction": "x"}, **HTMX
    )
    assert nonsense.status_code == 400

    remove = client.post(reverse("meetings:agenda_template_item_remove", args=[item.pk]), **HTMX)
    assert remove.status_code == 200
    assert not AgendaTemplateItem.objects.filter(pk=item.pk).exists()
    assert item.title not in remove.text


def test_without_javascript_each_change_redirects_back(client, login, secretariat, template):
    login(secretariat)
    detail = reverse("meetings:agenda_template_detail", args=[template.pk])
    response = client.post(
        reverse("meetings:agenda_template_item_add", args=[template.pk]), item_data()
    )
    assert response.status_code == 302 and response["Location"] == detail
    assert "er lagt til i malen" in client.get(detail).text
    bad = client.post(
        reverse("meetings:agenda_template_item_add", args=[template.pk]), item_data(title="")
    )
    assert bad.status_code == 400 and "<h1" in bad.text and "data-error-summary" in bad.text

    item = template.items.get(title="Valg av nestleder")
    edit_url = reverse("meetings:agenda_template_item_edit", args=[item.pk])
    page = client.get(edit_url)  # the template page with this item's form
    assert page.status_code == 200
    assert "<h1" in page.text and f'id="titem-{item.pk}-title"' in page.text
    assert client.post(edit_url, item_data(title="Nestleder")).status_code == 302
    move_url = reverse("meetings:agenda_template_item_move", args=[item.pk])
    assert client.post(move_url, {"direction": "up"})["Location"] == detail
    assert (
        client.post(reverse("meetings:agenda_template_item_remove", args=[item.pk]))["Location"]
        == detail
    )

    # Name and description.
    assert client.post(detail, {"name": "", "description": ""}).status_code == 400
    assert (
        client.post(detail, {"name": "Oppstart", "description": "Første møte."}).status_code == 302
    )
    template.refresh_from_db()
    assert (template.name, template.description) == ("Oppstart", "Første møte.")


def test_only_the_secretariat_gets_in(client, login, partner_rep, wg_leader, template):
    item = template.items.first()
    urls = [
        ("get", reverse("meetings:agenda_template_list")),
        ("get", reverse("meetings:agenda_template_detail", args=[template.pk])),
        ("post", reverse("meetings:agenda_template_item_add", args=[template.pk])),
        ("get", reverse("meetings:agenda_template_item_edit", args=[item.pk])),
        ("post", reverse("meetings:agenda_template_item_move", args=[item.pk])),
        ("post", reverse("meetings:agenda_template_item_remove", args=[item.pk])),
    ]
    for person in (partner_rep, wg_leader):
        login(person)
        for method, url in urls:
            data = {"direction": "up", **item_data()} if method == "post" else {}
            assert getattr(client, method)(url, data).status_code == 403, (person, url)
    assert AgendaTemplateItem.objects.filter(pk=item.pk).exists()
    login(None)
    assert client.get(urls[0][1]).status_code == 302  # to sign-in


def test_an_edited_template_is_what_a_meeting_gets(client, login, registry, secretariat, template):
    login(secretariat)
    client.post(reverse("meetings:agenda_template_item_add", args=[template.pk]), item_data())
    first = template.items.order_by("position").first()
    client.post(reverse("meetings:agenda_template_item_remove", args=[first.pk]))
    meeting = MeetingFactory(
        body=registry.wg_local, kind=Meeting.Kind.START_UP, starts_at=in_days(20)
    )
    client.post(
        reverse("meetings:agenda_template_apply", args=[meeting.pk]), {"template": template.pk}
    )
    agenda = list(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("position")
        .values_list("title", flat=True)
    )
    assert agenda == titles(template)
    assert first.title not in agenda and "Valg av nestleder" in agenda


def test_links_to_the_templates_for_the_secretariat_only(client, login, secretariat, partner_rep):
    login(secretariat)
    url = reverse("meetings:agenda_template_list")
    assert url in client.get(reverse("meetings:meeting_list")).text
    login(partner_rep)
    assert url not in client.get(reverse("meetings:meeting_list")).text
