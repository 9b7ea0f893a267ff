"""Partners' own work (issue 12 §6, R13): the partner's people keep its page, everyone signed in
reads it, others are refused; bad input is told on the form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import presentations
from meetings.models import AgendaItem, Meeting, PartnerPresentation
from partnership import services_own_work
from partnership.models import OwnWork

from ..factories import PeriodFactory
from ..meetings.factories import MeetingFactory, held_meeting, in_days


def _work(partner, **extra) -> OwnWork:
    fields = {
        "kind": "strategy",
        "title": "Kommunal strategi mot mobbing",
        "description": "Nulltoleranse og tidlig innsats.",
        "target_group": "Barnehager og skoler",
        "starts_on": dt.date(2024, 1, 1),
        "ends_on": dt.date(2027, 12, 31),
        **extra,
    }
    return services_own_work.own_work_save(partner=partner, **fields)


def test_a_period_ending_before_it_starts_is_refused(registry):
    with pytest.raises(ValidationError):
        _work(registry.partner, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2024, 1, 1))
    assert not OwnWork.objects.exists()


def test_the_partners_people_add_and_everyone_signed_in_reads(registry, partner_rep, user, client):
    url = reverse("own_work", args=[registry.partner.pk])
    client.force_login(partner_rep)
    response = client.post(
        url,
        {
            "kind": "routine",
            "title": "Rutine mot mobbing og trakassering",
            "description": "Slik varsler og følger vi opp.",
            "target_group": "Ansatte og frivillige",
            "link": "https://example.org/rutine",
        },
    )
    assert response.status_code == 302
    work = OwnWork.objects.get()
    assert work.partner == registry.partner and work.updated_by == partner_rep
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Rutine mot mobbing og trakassering" in text
    assert reverse("own_work_edit", args=[work.pk]) not in text
    assert client.post(url, {"title": "x"}).status_code == 403
    assert client.post(reverse("own_work_delete", args=[work.pk])).status_code == 403


def test_another_partners_people_may_not_edit(registry, wg_leader, client):
    # The working-group leader works for the other partner.
    work = _work(registry.partner)
    client.force_login(wg_leader)
    assert client.get(reverse("own_work_edit", args=[work.pk])).status_code == 403
    assert client.get(reverse("own_work", args=[registry.other_partner.pk])).status_code == 200


def test_missing_fields_are_linked_from_the_summary(registry, partner_leader, client):
    client.force_login(partner_leader)
    response = client.post(reverse("own_work", args=[registry.partner.pk]), {"kind": "routine"})
    assert response.status_code == 400
    text = response.content.decode()
    for field in ("title", "description", "target_group"):
        assert f'href="#id_{field}"' in text


def test_removing_asks_for_confirmation_and_removes(registry, partner_leader, client):
    work = _work(registry.partner)
    client.force_login(partner_leader)
    page = client.get(reverse("own_work", args=[registry.partner.pk])).content.decode()
    assert 'data-confirm="delete-dialog"' in page and 'id="delete-dialog"' in page
    response = client.post(reverse("own_work_delete", args=[work.pk]))
    assert response.status_code == 302
    assert not OwnWork.objects.exists()


# --- Presenting partners' own work at the Ledermøte (meetings/presentations.py) ------------------
def test_a_presentation_is_put_on_the_coming_ledermotes_agenda(registry, secretariat):
    meeting = MeetingFactory(body=registry.leaders_meeting, starts_at=in_days(30))
    presentation = presentations.presentation_assign(
        partner=registry.partner, meeting=meeting, by=secretariat
    )
    item = presentation.agenda_item
    assert item.meeting == meeting and item.kind == AgendaItem.Kind.INFORMATION
    assert registry.partner.name in item.title
    assert reverse("own_work", args=[registry.partner.pk]) in item.background
    assert not item.exempt
    with pytest.raises(ValidationError):
        presentations.presentation_assign(partner=registry.partner, meeting=meeting)
    assert meeting.agenda_items.count() == 1
    assert list(presentations.coming_presentations()) == [presentation]


def test_only_a_coming_ledermote(registry):
    partners = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(30))
    with pytest.raises(ValidationError) as exc:
        presentations.presentation_assign(partner=registry.partner, meeting=partners)
    assert "Ledermøtet" in exc.value.message_dict["meeting"][0]
    held = held_meeting(body=registry.leaders_meeting)
    with pytest.raises(ValidationError):
        presentations.presentation_assign(partner=registry.partner, meeting=held)
    assert not PartnerPresentation.objects.exists()


def test_partners_that_have_not_presented_during_the_agreement_period(
    registry, django_assert_num_queries
):
    period = PeriodFactory(starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2030, 12, 31))
    meeting = MeetingFactory(body=registry.leaders_meeting, starts_at=in_days(20))
    presentations.presentation_assign(partner=registry.partner, meeting=meeting)
    presentations.presentation_assign(partner=registry.kd, meeting=meeting)
    # Assigned but not yet held: still not presented.
    assert registry.partner in presentations.partners_not_presented(period)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    with django_assert_num_queries(1):
        missing = presentations.partners_not_presented(period)
    assert registry.partner not in missing and registry.kd not in missing
    assert registry.other_partner in missing and registry.udir in missing
