"""Child objects are fetched through access functions with one rule (issue 9 §3): another
partner's people (outsiders) get 404, the parent's readers without the right 403, the right
person gets through. GET and POST."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from meetings import access as meeting_access
from meetings import services as meeting_services
from partnerpot import access as pot_access
from partnerpot import services
from partnerpot.models import BudgetLine, CoApplicant
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, held_meeting, in_days
from tests.meetings.test_attachments import PDF, upload
from tests.partnerpot.factories import complete_application, open_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def applications(registry, partner_rep, secretariat):
    """FUG's draft and FUG's submitted application, each with a co-applicant and budget lines."""
    call = open_call(by=secretariat)

    def with_parts():
        application = complete_application(call=call, applicant=registry.partner, by=partner_rep)
        services.co_applicant_add(application=application, kind="school", name="Skolen")
        return application

    draft = with_parts()
    submitted = services.application_submit(application=with_parts(), by=partner_rep)
    return draft, submitted


@pytest.mark.parametrize(
    ("fetch", "model", "url_name"),
    [
        (pot_access.budget_line_for_user, BudgetLine, "partnerpot:budget_line_remove"),
        (pot_access.co_applicant_for_user, CoApplicant, "partnerpot:co_applicant_remove"),
    ],
)
def test_parts_of_an_application_follow_its_rule(
    client, login, applications, partner_rep, wg_leader, secretariat, fetch, model, url_name
):
    draft, submitted = applications
    own = model.objects.filter(application=draft).first()
    theirs_submitted = model.objects.filter(application=submitted).first()
    # The function: outsiders 404, readers without the right 403, the applicant through.
    with pytest.raises(Http404):
        fetch(wg_leader, own.pk)  # NIF's person on FUG's draft
    with pytest.raises(PermissionDenied):
        fetch(secretariat, theirs_submitted.pk)  # reads a submitted one, may not edit it
    assert fetch(partner_rep, own.pk).application.pk == draft.pk
    # The view answers the same.
    url = reverse(url_name, args=[own.pk])
    assert login(wg_leader).post(url).status_code == 404
    assert login(secretariat).post(reverse(url_name, args=[theirs_submitted.pk])).status_code == 403
    assert model.objects.filter(pk=own.pk).exists()
    assert login(partner_rep).post(url).status_code in (200, 302)
    assert not model.objects.filter(pk=own.pk).exists()


def test_step_asides_and_minutes_entries_follow_the_meeting(
    client, login, registry, secretariat, partner_rep
):
    meeting = held_meeting(body=registry.partners_meeting, items=1)
    item = meeting.agenda_items.get()
    step = meeting_services.step_aside_record(
        agenda_item=item, person=partner_rep, reason="Inhabil", by=secretariat
    )
    minutes = meeting_services.minutes_start(meeting=meeting, by=secretariat)
    entry = minutes.entries.get()
    # A member who does not manage the meeting: 403; an id that does not exist: 404.
    login(partner_rep)
    assert client.post(reverse("meetings:step_aside_remove", args=[step.pk])).status_code == 403
    assert client.post(reverse("meetings:step_aside_remove", args=[10**9])).status_code == 404
    entry_url = reverse("meetings:minutes_entry_save", args=[entry.pk])
    assert client.post(entry_url, {"summary": "x", "version": 1}).status_code == 403
    assert meeting_access.step_aside_for_user(secretariat, step.pk).agenda_item.pk == item.pk
    assert meeting_access.minutes_entry_for_user(secretariat, entry.pk).pk == entry.pk


def test_attachments_follow_their_item(
    client, login, registry, secretariat, partner_rep, wg_member
):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(10))
    item = AgendaItemFactory(meeting=meeting)
    attachment = meeting_services.attachment_add(
        item=item, file=upload("notat.pdf", PDF), uploaded_by=secretariat
    )
    delete = reverse("meetings:attachment_delete", args=[attachment.pk])
    assert login(partner_rep).post(delete).status_code == 403  # reads it, may not delete it
    assert (
        login(partner_rep)
        .get(reverse("meetings:attachment_download", args=[attachment.pk]))
        .status_code
        == 200
    )
    assert (
        login(wg_member)
        .get(reverse("meetings:attachment_download", args=[attachment.pk]))
        .status_code
        == 404
    )  # not in the Partnermøte: its existence is not revealed
    assert login(secretariat).post(delete).status_code in (200, 302)
