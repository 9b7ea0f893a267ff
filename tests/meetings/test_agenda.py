"""Agenda items: numbering per body and year, exempt items, templates from the guide (002)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings import services
from meetings.models import AgendaItem, AgendaTemplate, Meeting
from meetings.seeds import AGENDA_TEMPLATES

from .factories import AgendaItemFactory, MeetingFactory, approve_minutes, held_meeting, oslo


def test_items_are_numbered_per_body_and_year_with_a_label(registry):
    pm_2031 = MeetingFactory(body=registry.partners_meeting, starts_at=oslo(2031, 3, 4))
    pm_2031_b = MeetingFactory(body=registry.partners_meeting, starts_at=oslo(2031, 6, 10))
    au_2031 = MeetingFactory(body=registry.working_committee, starts_at=oslo(2031, 3, 5))
    pm_2032 = MeetingFactory(body=registry.partners_meeting, starts_at=oslo(2032, 3, 2))

    first = AgendaItemFactory(meeting=pm_2031)
    second = AgendaItemFactory(meeting=pm_2031)
    third = AgendaItemFactory(meeting=pm_2031_b)
    au_item = AgendaItemFactory(meeting=au_2031)
    next_year = AgendaItemFactory(meeting=pm_2032)

    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert (au_item.number, next_year.number) == (1, 1)
    assert third.label == "PM-sak 3/2031"
    assert au_item.label == "AU-sak 1/2031"
    assert next_year.label == "PM-sak 1/2032"
    assert [first.position, second.position, third.position] == [1, 2, 1]


def test_year_is_the_norwegian_year_of_the_meeting(registry):
    # 00:30 on 1 January in Oslo is still 31 December in UTC.
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=oslo(2032, 1, 1, 0, 30))
    assert AgendaItemFactory(meeting=meeting).year == 2032


def test_refused_or_rolled_back_items_leave_no_gap(registry):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=oslo(2031, 3, 4))
    with pytest.raises(ValidationError):
        AgendaItemFactory(meeting=meeting, title="")
    with pytest.raises(RuntimeError), transaction.atomic():
        AgendaItemFactory(meeting=meeting)
        raise RuntimeError("the view failed after creating the item")
    assert AgendaItemFactory(meeting=meeting).number == 1


def test_exempt_item_needs_a_legal_basis(registry):
    meeting = MeetingFactory(body=registry.partners_meeting)
    with pytest.raises(ValidationError) as exc:
        AgendaItemFactory(meeting=meeting, exempt=True, legal_basis="  ")
    assert exc.value.message_dict["legal_basis"] == [
        "Oppgi hjemmel for å unnta saken fra offentlighet, for eksempel «offl. § 14»."
    ]
    item = AgendaItemFactory(meeting=meeting, exempt=True, legal_basis="offl. § 14")
    assert item.exempt
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.filter(pk=item.pk).update(legal_basis="")


def test_database_keeps_numbers_unique(registry):
    item = AgendaItemFactory(meeting=MeetingFactory(body=registry.partners_meeting))
    other = AgendaItemFactory(meeting=item.meeting)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.filter(pk=other.pk).update(number=item.number)


def test_update_and_reorder(registry, secretariat):
    meeting = MeetingFactory(body=registry.partners_meeting)
    a, b, c = (AgendaItemFactory(meeting=meeting) for _ in range(3))
    a = services.agenda_item_update(
        item=a, by=secretariat, title="Budsjett 2031", responsible=secretariat
    )
    assert (a.title, a.responsible, a.number) == ("Budsjett 2031", secretariat, 1)
    services.agenda_reorder(meeting=meeting, item_ids=[c.pk, a.pk, b.pk])
    assert list(meeting.agenda_items.order_by("position").values_list("pk", flat=True)) == [
        c.pk,
        a.pk,
        b.pk,
    ]
    with pytest.raises(ValidationError, match="alle sakene"):
        services.agenda_reorder(meeting=meeting, item_ids=[c.pk, a.pk])


def test_no_items_on_a_cancelled_meeting_or_after_approved_minutes(registry):
    cancelled = services.meeting_cancel(meeting=MeetingFactory(body=registry.partners_meeting))
    with pytest.raises(ValidationError, match="Møtet er avlyst"):
        AgendaItemFactory(meeting=cancelled)

    meeting = held_meeting(body=registry.partners_meeting, items=1)
    minutes = services.minutes_start(meeting=meeting)
    approve_minutes(minutes=minutes, how="circulation")
    with pytest.raises(ValidationError, match="Referatet er godkjent og kan ikke endres"):
        AgendaItemFactory(meeting=meeting)
    item = meeting.agenda_items.get()
    with pytest.raises(ValidationError, match="Referatet er godkjent"):
        services.agenda_item_update(item=item, title="Ny tittel")
    item.refresh_from_db()
    assert item.title != "Ny tittel"


def test_templates_are_seeded_from_the_working_group_guide(db):
    services.seed_agenda_templates()  # the data migration did it; a flush may have removed it
    start_up = AgendaTemplate.objects.get(meeting_kind=Meeting.Kind.START_UP)
    assert list(start_up.items.values_list("title", flat=True)) == [
        "Valg av leder",
        "Valg av budsjettansvarlig",
        "Bemanning av gruppa",
        "Årshjul/plan for aktiviteten i arbeidsgruppa",
        "Budsjett/plan for disponering av arbeidsgruppas midler",
    ]
    during = AgendaTemplate.objects.get(meeting_kind=Meeting.Kind.BEFORE_PARTNER_MEETING)
    assert list(during.items.values_list("title", flat=True)) == [
        "Oppfølging av tiltak",
        "Søknader til Partnerpotten",
        "Saker til Partnermøte",
        "Saker til Gruppeledermøte",
    ]
    reporting = AgendaTemplate.objects.get(meeting_kind=Meeting.Kind.REPORTING)
    assert reporting.items.count() == 3
    assert AgendaTemplate.objects.count() == len(AGENDA_TEMPLATES)
    assert services.seed_agenda_templates() == 0  # idempotent


def test_seeding_leaves_edited_templates_alone(db):
    services.seed_agenda_templates()
    template = AgendaTemplate.objects.get(meeting_kind=Meeting.Kind.REPORTING)
    services.agenda_template_item_add(
        template=template, title="Evaluering av året", kind="information"
    )
    services.agenda_template_item_remove(
        item=template.items.get(title="Regnskap for arbeidsgruppa")
    )
    services.seed_agenda_templates()
    titles = list(template.items.values_list("title", flat=True))
    assert "Evaluering av året" in titles and "Regnskap for arbeidsgruppa" not in titles


def test_applying_a_template_builds_the_agenda_once(registry, wg_leader):
    services.seed_agenda_templates()
    meeting = MeetingFactory(
        body=registry.wg_local, kind=Meeting.Kind.START_UP, starts_at=oslo(2031, 1, 14)
    )
    created = services.agenda_template_apply(meeting=meeting, by=wg_leader)
    assert [i.label for i in created] == [f"AG-L-sak {n}/2031" for n in range(1, 6)]
    assert created[0].title == "Valg av leder"
    assert services.agenda_template_apply(meeting=meeting) == []
    assert meeting.agenda_items.count() == 5


def test_applying_without_a_template_for_the_kind_is_refused(registry):
    services.seed_agenda_templates()
    meeting = MeetingFactory(
        body=registry.leaders_meeting
    )  # the Partnermøte and the AU have theirs
    with pytest.raises(ValidationError, match="ingen saksliste-mal"):
        services.agenda_template_apply(meeting=meeting)
