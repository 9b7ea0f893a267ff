"""Issue 11 §1–§2: a meeting held outside the portal can be recorded, and minutes cannot be
approved empty (missing attendance, no quorum, a decision item without a decision) or with
items left without notes unless the secretariat confirms; the message says what was
registered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, Decision, Meeting

from .factories import (
    AgendaItemFactory,
    MeetingFactory,
    everyone_present,
    held_meeting,
    in_days,
)

pytestmark = pytest.mark.django_db


# --- §1 Recording a held meeting ---------------------------------------------------------------
def test_a_meeting_called_by_e_mail_can_be_recorded_as_held(registry, secretariat):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(-30))
    notice_day = meeting.local_date - dt.timedelta(days=14)
    # Before: the portal said it was too late to send a notice, and no minutes could start.
    with pytest.raises(ValidationError):
        services.meeting_send_notice(meeting=meeting)
    with pytest.raises(ValidationError):
        services.minutes_start(meeting=meeting)
    held = services.meeting_record_held(meeting=meeting, notice_sent_on=notice_day, by=secretariat)
    assert held.status == Meeting.Status.HELD
    assert held.notice_sent_outside
    assert held.notice_sent_at.date() == notice_day
    minutes = services.minutes_start(meeting=held, by=secretariat)
    assert minutes.meeting_id == meeting.pk


def test_recording_held_refuses_the_future_and_a_notice_after_the_meeting(registry):
    future = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(3))
    with pytest.raises(ValidationError, match="før det har begynt"):
        services.meeting_record_held(meeting=future, notice_sent_on=dt.date.today())
    past = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(-3))
    with pytest.raises(ValidationError) as refused:
        services.meeting_record_held(
            meeting=past, notice_sent_on=past.local_date + dt.timedelta(days=1)
        )
    assert "notice_sent_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.meeting_record_held(meeting=past)
    assert "notice_sent_on" in refused.value.message_dict
    past.refresh_from_db()
    assert past.status == Meeting.Status.PLANNED  # nothing half-saved


def test_record_held_page(client, login, secretariat, partner_rep, registry):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(-10))
    login(partner_rep)
    assert client.get(reverse("meetings:meeting_record_held", args=[meeting.pk])).status_code == 403
    login(secretariat)
    detail = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).text
    url = reverse("meetings:meeting_record_held", args=[meeting.pk])
    assert url in detail
    assert reverse("meetings:meeting_send_notice", args=[meeting.pk]) not in detail
    page = client.get(url)
    assert page.status_code == 200 and 'name="notice_sent_on"' in page.text
    bad = client.post(url, {"notice_sent_on": (meeting.local_date + dt.timedelta(2)).isoformat()})
    assert bad.status_code == 400
    assert "etter møtedagen" in bad.text
    response = client.post(
        url, {"notice_sent_on": (meeting.local_date - dt.timedelta(14)).isoformat()}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:attendance", args=[meeting.pk])
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    detail = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).text
    assert "utenfor portalen" in detail


# --- §2 Minutes that cannot be approved empty ---------------------------------------------------
@pytest.fixture
def held(registry, partner_rep):
    meeting = held_meeting(body=registry.partners_meeting)
    AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.DECISION, title="Budsjett")
    AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.INFORMATION, title="Orientering")
    return meeting


def test_approval_is_refused_with_what_is_missing(held):
    minutes = services.minutes_start(meeting=held)
    with pytest.raises(ValidationError) as refused:
        services.minutes_approve(minutes=minutes, how="circulation")
    text = " ".join(refused.value.messages)
    assert "Oppmøtet er ikke registrert." in text
    assert "vedtakssak uten vedtak" in text
    minutes.refresh_from_db()
    assert not minutes.is_approved
    assert not Decision.objects.filter(meeting=held).exists()


def test_a_meeting_without_quorum_cannot_approve(held, partner_rep):
    minutes = services.minutes_start(meeting=held)
    services.attendance_record(meeting=held, person=partner_rep, status="absent")
    with pytest.raises(ValidationError, match="ikke vedtaksført"):
        services.minutes_approve(minutes=minutes, how="circulation", confirm_empty=True)


def test_empty_information_items_need_a_confirmation(held):
    everyone_present(held)
    minutes = services.minutes_start(meeting=held)
    decision_item = held.agenda_items.get(kind=AgendaItem.Kind.DECISION)
    entry = minutes.entries.get(agenda_item=decision_item)
    services.minutes_entry_save(
        entry=entry, summary="", decision_text="Budsjettet er vedtatt.", version=entry.version
    )
    with pytest.raises(services.EmptyItemsNeedConfirmation) as asked:
        services.minutes_approve(minutes=minutes, how="circulation")
    assert any("har ikke noe referat" in item for item in asked.value.items)
    approved = services.minutes_approve(minutes=minutes, how="circulation", confirm_empty=True)
    assert approved.is_approved
    assert Decision.objects.filter(meeting=held, agenda_item=decision_item).count() == 1


def test_the_approval_message_names_the_decisions(client, login, secretariat, held):
    everyone_present(held)
    minutes = services.minutes_start(meeting=held)
    decision_item = held.agenda_items.get(kind=AgendaItem.Kind.DECISION)
    entry = minutes.entries.get(agenda_item=decision_item)
    services.minutes_entry_save(
        entry=entry, summary="", decision_text="Budsjettet er vedtatt.", version=entry.version
    )
    login(secretariat)
    url = reverse("meetings:minutes_approve", args=[held.pk])
    asked = client.post(url, {"how": "circulation"})
    assert asked.status_code == 400
    assert "Disse sakene står uten referat" in asked.text
    assert 'name="confirm_empty"' in asked.text
    done = client.post(url, {"how": "circulation", "confirm_empty": "on"}, follow=True)
    decision = Decision.objects.get(meeting=held)
    assert f"Ført i vedtaksregisteret: {decision.label}." in done.text


def test_minutes_without_decisions_say_so(client, login, secretariat, registry):
    meeting = held_meeting(body=registry.partners_meeting)
    AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.INFORMATION, title="Orientering")
    everyone_present(meeting)
    minutes = services.minutes_start(meeting=meeting)
    entry = minutes.entries.get()
    services.minutes_entry_save(
        entry=entry, summary="Orientert.", decision_text="", version=entry.version
    )
    login(secretariat)
    done = client.post(
        reverse("meetings:minutes_approve", args=[meeting.pk]), {"how": "circulation"}, follow=True
    )
    assert "fattet ingen vedtak" in done.text


def test_a_meeting_years_back_asks_for_a_confirmation(client, login, secretariat, registry):
    """A date more than a year back is most often a typo in the year: the form warns and
    saves only when the secretariat confirms (issue 11 §10)."""
    login(secretariat)
    url = reverse("meetings:meeting_create")
    data = {
        "body": registry.partners_meeting.pk,
        "kind": "ordinary",
        "title": "",
        "starts_at": "2019-03-14T10:00",
        "ends_at": "2019-03-14T12:00",
        "place": "Oslo",
        "video_url": "",
    }
    warned = client.post(url, data)
    assert warned.status_code == 400
    assert "mer enn et år tilbake i tid" in warned.text
    assert 'name="confirm_past"' in warned.text
    assert not Meeting.objects.filter(body=registry.partners_meeting).exists()
    saved = client.post(url, {**data, "confirm_past": "on"})
    assert saved.status_code == 302
    assert Meeting.objects.filter(body=registry.partners_meeting).count() == 1
