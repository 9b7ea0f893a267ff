"""Governing documents (R12) and follow-up items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from meetings import selectors, services
from meetings.models import FollowUp, GoverningDocument

from ..factories import PersonFactory
from .factories import approve_minutes, held_meeting


# --- Governing documents (R12) ---------------------------------------------------------------
@pytest.fixture
def documents(registry):
    services.governing_documents_seed()
    return {d.key: d for d in GoverningDocument.objects.all()}


def test_the_eight_attachments_with_their_responsible_bodies(documents, registry):
    assert len(documents) == 8
    by_body = {d.title: d.responsible_body for d in documents.values()}
    assert by_body["Kjennetegn på partnerskapets måloppnåelse"] == registry.leaders_meeting
    assert by_body["Prinsipper for ledermøte"] == registry.leaders_meeting
    assert by_body["Kriterier for partnerpotten"] == registry.partners_meeting
    assert by_body["Prinsipper for AU"] == registry.partners_meeting
    assert sum(b == registry.partners_meeting for b in by_body.values()) == 5
    assert services.governing_documents_seed() == 0


def test_a_version_is_in_force_only_once_its_body_adopts_it(documents, registry, secretariat):
    criteria = documents["kriterier-partnerpotten"]
    v1 = services.document_version_create(
        document=criteria, text="Prosjekter må involvere barn og unge.", created_by=secretariat
    )
    assert selectors.document_in_force(criteria) is None

    lm = held_meeting(body=registry.leaders_meeting)
    wrong = services.decision_record(meeting=lm, text="Kriteriene vedtas.")
    with pytest.raises(ValidationError) as exc:
        services.document_version_adopt(version=v1, decision=wrong)
    assert exc.value.message_dict["adopted_by"] == [
        "«Kriterier for partnerpotten» vedtas av Partnermøtet. "
        "Et vedtak i Ledermøtet kan ikke sette det i kraft."
    ]
    assert selectors.document_in_force(criteria) is None

    pm = held_meeting(body=registry.partners_meeting)
    decision = services.decision_record(meeting=pm, text="Kriteriene for Partnerpotten vedtas.")
    services.document_version_adopt(version=v1, decision=decision)
    assert selectors.document_in_force(criteria) == v1
    decision.refresh_from_db()
    assert decision.concerns == v1

    v2 = services.document_version_create(
        document=criteria,
        text="Prosjekter må involvere barn og unge.\nSøknader behandles fire ganger i året.",
    )
    assert v2.number == 2
    assert selectors.document_in_force(criteria) == v1  # the draft is not in force
    with pytest.raises(ValidationError, match="allerede vedtatt"):
        services.document_version_adopt(version=v1, decision=decision)

    listed = {d.key: d for d in selectors.document_list()}
    assert listed["kriterier-partnerpotten"].in_force == v1
    assert listed["kriterier-partnerpotten"].latest_number == 2
    assert listed["prinsipper-au"].in_force is None
    assert [v.number for v in selectors.document_versions(criteria)] == [2, 1]


def test_versions_must_change_the_text(documents):
    doc = documents["prinsipper-au"]
    services.document_version_create(document=doc, text="Tekst")
    with pytest.raises(ValidationError, match="lik versjon 1"):
        services.document_version_create(document=doc, text="Tekst")
    with pytest.raises(ValidationError):
        services.document_version_create(document=doc, text="  ")


def test_unified_diff_between_versions(documents):
    doc = documents["prinsipper-partnermote"]
    v1 = services.document_version_create(
        document=doc, text="Møtes fire ganger i året.\nLedes av Udir."
    )
    v2 = services.document_version_create(
        document=doc, text="Møtes fire ganger i året.\nLedes av KD."
    )
    diff = selectors.document_version_diff(v1, v2)
    assert diff[:2] == ["--- v1", "+++ v2"]
    assert "-Ledes av Udir." in diff and "+Ledes av KD." in diff
    assert " Møtes fire ganger i året." in diff


# --- Follow-up items ---------------------------------------------------------------------------------
@pytest.fixture
def entry(registry):
    meeting = held_meeting(body=registry.partners_meeting, items=1)
    return services.minutes_start(meeting=meeting).entries.get()


def test_my_follow_ups_by_name_and_through_a_body(entry, registry, wg_member, wg_leader):
    mine = services.follow_up_create(
        minutes_entry=entry,
        what="Send kriteriene på høring",
        due_on=dt.date(2031, 3, 1),
        responsible_person=wg_member,
    )
    group = services.follow_up_create(
        minutes_entry=entry,
        what="Lag årshjul",
        due_on=dt.date(2031, 2, 1),
        responsible_body=registry.wg_local,
    )
    services.follow_up_create(
        minutes_entry=entry,
        what="Andres sak",
        due_on=dt.date(2031, 1, 1),
        responsible_body=registry.wg_national,
    )
    assert list(selectors.my_follow_ups(wg_member)) == [group, mine]
    assert list(selectors.my_follow_ups(wg_leader)) == [group]

    services.follow_up_set_status(follow_up=group, status=FollowUp.Status.DONE, by=wg_leader)
    group.refresh_from_db()
    assert group.completed_at is not None
    assert list(selectors.my_follow_ups(wg_member)) == [mine]
    assert len(selectors.my_follow_ups(wg_member, include_closed=True)) == 2
    assert list(selectors.follow_ups_due(on_or_before=dt.date(2031, 3, 1))) != []


def test_follow_up_needs_someone_responsible(entry):
    with pytest.raises(ValidationError) as exc:
        services.follow_up_create(minutes_entry=entry, what="Noe", due_on=dt.date(2031, 1, 1))
    assert "responsible_person" in exc.value.message_dict
    assert not FollowUp.objects.exists()


def test_open_follow_ups_can_be_postponed_after_approval(entry):
    person = PersonFactory()
    follow_up = services.follow_up_create(
        minutes_entry=entry, what="Noe", due_on=dt.date(2031, 1, 1), responsible_person=person
    )
    approve_minutes(minutes=entry.minutes, how="circulation")
    follow_up = services.follow_up_update(
        follow_up=follow_up, due_on=dt.date(2031, 2, 1), responsible_person=person
    )
    assert follow_up.due_on == dt.date(2031, 2, 1)
    services.follow_up_set_status(follow_up=follow_up, status=FollowUp.Status.CANCELLED)
    with pytest.raises(ValidationError, match="lukket"):
        services.follow_up_update(
            follow_up=follow_up, due_on=dt.date(2031, 3, 1), responsible_person=person
        )


def test_drafts_only_for_the_adopting_body_and_the_secretariat(
    client, login, registry, secretariat, partner_rep, wg_member
):
    """Unadopted versions of a governing document: the secretariat and the members of the
    responsible body read them; other signed-in users see only adopted versions (issue 11 §10)."""
    from django.urls import reverse

    from meetings.models import GoverningDocument

    services.governing_documents_seed(
        leaders_body=registry.leaders_meeting, partners_body=registry.partners_meeting
    )
    document = GoverningDocument.objects.filter(responsible_body=registry.partners_meeting).first()
    draft = services.document_version_create(document=document, text="Hemmelig utkast")
    url = reverse("meetings:document_detail", args=[document.pk])
    for person, sees in ((secretariat, True), (partner_rep, True), (wg_member, False)):
        login(person)
        page = client.get(url)
        assert page.status_code == 200
        assert ("Hemmelig utkast" in page.text) is sees, person
    login(wg_member)
    diff = client.get(reverse("meetings:document_diff", args=[document.pk]), {"til": draft.number})
    assert "Hemmelig utkast" not in diff.text
    adopt = reverse("meetings:document_version_adopt", args=[draft.pk])
    assert client.get(adopt).status_code in (403, 404)
