"""Issue 10 §2: a conflicted person never reads the secretariat's recommendation.

An application on the Partnermøte's agenda carries the recommendation as the item's proposed
decision. Everyone who acts for the applicant or a co-applicant is conflicted: they see that the
item exists and that they step aside, never the proposed decision: not on the meeting page, in
the notice e-mail or its PDF, the notice preview, the item's edit form or the minutes draft.
"""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from meetings import notifications, services
from meetings.models import AgendaItem
from partnership.models import Membership
from tests.factories import MembershipFactory, PersonFactory
from tests.partnerpot.factories import assessed_application, at_meeting, on_agenda, open_call

pytestmark = pytest.mark.django_db

INHABIL = "Du er inhabil i denne saken"


@pytest.fixture
def agenda(registry, partner_rep, secretariat, admin):
    """FUG's application (partner_rep acts for FUG and sits in the Partnermøte) and Udir's (the
    secretariat persona acts for Udir) on the deciding meeting's agenda; a neutral member."""
    call = open_call(envelope="500000", max_per_application="200000", by=secretariat)
    fug = assessed_application(
        call=call, applicant=registry.partner, by=partner_rep, assessor=secretariat
    )
    udir = assessed_application(
        call=call,
        applicant=registry.udir,
        by=secretariat,
        assessor=admin,
        requested_amount="90000",  # a recommendation that reads differently from FUG's
    )
    on_agenda(call=call, applications=[fug, udir], by=secretariat)
    neutral = PersonFactory(full_name="Nina Nøytral", email="nina@example.org")
    MembershipFactory(
        person=neutral,
        body=call.deciding_meeting.body,
        partner=registry.other_partner,
        role=Membership.Role.MEMBER,
    )
    fug_item = AgendaItem.objects.get(pk=fug.agenda_item_id)
    udir_item = AgendaItem.objects.get(pk=udir.agenda_item_id)
    assert fug_item.proposed_decision and udir_item.proposed_decision
    assert fug_item.proposed_decision != udir_item.proposed_decision
    return {
        "meeting": call.deciding_meeting,
        "fug": fug_item,
        "udir": udir_item,
        "neutral": neutral,
    }


def _meeting_page(client, meeting) -> str:
    response = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 200
    return response.text


def _item_html(page: str, item: AgendaItem) -> str:
    start = page.index(f'id="item-{item.pk}"')
    ends = [i for i in (page.find('<li id="item-', start + 1), page.find("</ol>", start)) if i > 0]
    return page[start : min(ends)]


def test_the_meeting_page_withholds_the_recommendation_from_the_conflicted(
    login, agenda, partner_rep, secretariat, admin
):
    fug, udir = agenda["fug"], agenda["udir"]
    page = _meeting_page(login(partner_rep), agenda["meeting"])
    assert fug.title in page  # the item exists
    assert fug.proposed_decision not in _item_html(page, fug)
    assert INHABIL in _item_html(page, fug)
    assert "Forslag til vedtak" in _item_html(page, udir)

    page = _meeting_page(login(secretariat), agenda["meeting"])
    assert INHABIL in _item_html(page, udir)
    assert "Forslag til vedtak" not in _item_html(page, udir)
    assert "Forslag til vedtak" in _item_html(page, fug)

    page = _meeting_page(login(admin), agenda["meeting"])
    assert INHABIL not in page
    assert "Forslag til vedtak" in _item_html(page, fug)
    assert "Forslag til vedtak" in _item_html(page, udir)


def test_the_notice_preview_and_the_item_form_are_closed_to_the_conflicted(
    login, agenda, secretariat, admin
):
    client = login(secretariat)
    udir = agenda["udir"]
    preview = client.get(reverse("meetings:meeting_send_notice", args=[agenda["meeting"].pk]))
    assert preview.status_code == 200
    assert udir.proposed_decision not in preview.text  # the preview lists titles only
    download = client.get(reverse("meetings:notice_pdf", args=[agenda["meeting"].pk]))
    text = _pdf_text(download.content)
    assert "inhabil i denne saken" in text and text.count("Forslag til vedtak") == 1
    edit = client.get(reverse("meetings:agenda_item_edit", args=[udir.pk]))
    assert edit.status_code == 403
    assert login(admin).get(reverse("meetings:agenda_item_edit", args=[udir.pk])).status_code == 200


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_each_recipient_gets_a_notice_and_pdf_without_what_they_may_not_read(
    agenda, partner_rep, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.send_notice(meeting=agenda["meeting"], by=secretariat)
    by_address = {m.to[0]: m for m in mail.outbox}
    fug = agenda["fug"]

    conflicted = by_address[partner_rep.email]
    assert fug.proposed_decision not in conflicted.body
    assert INHABIL in conflicted.body
    html, _ = conflicted.alternatives[0]
    assert fug.proposed_decision not in html
    (_name, content, _type), *_ = conflicted.attachments
    text = _pdf_text(content)
    assert "inhabil i denne saken" in text
    assert text.count("Forslag til vedtak") == 1  # Udir's item only

    neutral = by_address[agenda["neutral"].email]
    assert fug.proposed_decision in neutral.body and INHABIL not in neutral.body
    (_name, content, _type), *_ = neutral.attachments
    text = _pdf_text(content)
    assert "inhabil" not in text
    assert text.count("Forslag til vedtak") == 2


def test_the_minutes_draft_hides_the_conflicted_items_entry_until_approved(
    login, agenda, secretariat, admin
):
    meeting = services.meeting_send_notice(meeting=agenda["meeting"], by=admin)
    with at_meeting(meeting):
        services.minutes_start(meeting=meeting, by=admin)
        page = login(secretariat).get(reverse("meetings:minutes", args=[meeting.pk])).text
        udir = agenda["udir"]
        assert f"Du er inhabil i {udir.label}" in page
        assert f'id="entry-{udir.minutes_entry.pk}"' not in page
        response = login(secretariat).post(
            reverse("meetings:minutes_entry_save", args=[udir.minutes_entry.pk]),
            {"summary": "x", "decision_text": "y", "version": 1},
        )
        assert response.status_code == 403
        page = login(admin).get(reverse("meetings:minutes", args=[meeting.pk])).text
        assert f'id="entry-{udir.minutes_entry.pk}"' in page
