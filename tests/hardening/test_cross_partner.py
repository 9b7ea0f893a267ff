"""Issue 10, the matrix completed: partner A's people against partner B's objects, for every
URL of the object type (generated from the URLconf, so a new URL is probed too).

Applications and their parts are probed in tests/partnerpot/test_views_applicant_idor.py;
here: study visits, and agenda attachments of another body's meeting."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings import services as meeting_services
from meetings import urls as meeting_urls
from meetings.models import AgendaAttachment
from meetings.views import attachments as attachment_views
from partnerpot.models import StudyVisit
from partnerpot.views import visits
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, in_days
from tests.meetings.test_attachments import PDF, upload
from tests.partnerpot.test_views_visits import make_visit

pytestmark = pytest.mark.django_db


def _pk_urls(patterns) -> list[str]:
    return [p.name for p in patterns if "<int:pk>" in str(p.pattern)]


def test_another_partner_gets_404_on_every_url_of_a_draft_study_visit(
    client, login, registry, partner_rep, wg_leader
):
    visit = make_visit(registry.partner, by=partner_rep)  # FUG's draft; wg_leader acts for NIF
    before = StudyVisit.objects.values().get(pk=visit.pk)
    login(wg_leader)
    names = _pk_urls(visits.urlpatterns)
    assert len(names) >= 6, names
    for name in names:
        url = reverse(f"partnerpot:{name}", kwargs={"pk": visit.pk})
        assert client.get(url).status_code in (404, 405), url
        # 405 on a GET-only page: refused before anything is looked up.
        assert client.post(url, {"title": "Kapret"}).status_code in (404, 405), url
    assert StudyVisit.objects.values().get(pk=visit.pk) == before
    # The proposer's own partner reaches it.
    login(partner_rep)
    assert (
        client.get(reverse("partnerpot:study_visit_detail", kwargs={"pk": visit.pk})).status_code
        == 200
    )


def test_people_outside_a_body_get_no_attachment_of_its_meetings(
    client, login, registry, secretariat, partner_rep, wg_member
):
    meeting = MeetingFactory(body=registry.wg_local, starts_at=in_days(10))
    item = AgendaItemFactory(meeting=meeting)
    attachment = meeting_services.attachment_add(
        item=item, file=upload("notat.pdf", PDF), uploaded_by=secretariat
    )
    names = [
        p.name
        for p in meeting_urls.urlpatterns
        if p.callback.__module__ == attachment_views.__name__ and "<int:pk>" in str(p.pattern)
    ]
    assert {"attachment_download", "attachment_delete"} <= set(names)
    login(partner_rep)  # in the Partnermøte, not in the working group
    for name in names:
        url = reverse(f"meetings:{name}", args=[attachment.pk])
        assert client.get(url).status_code in (403, 404, 405), url
        assert client.post(url).status_code in (403, 404, 405), url
    assert AgendaAttachment.objects.filter(pk=attachment.pk).exists()
    login(wg_member)
    download = client.get(reverse("meetings:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
