"""The demo (``manage.py seed_demo``) has an upcoming noticed AU meeting with an item added
after the notice (issue 11 §3), and a second run adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from meetings.demo import ADDED_ITEM_TITLE, SECRETARIAT_LOGIN
from meetings.models import AgendaItem, Meeting
from partnership.models import Person
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        call_command("seed_demo", stdout=StringIO())
        yield


def test_a_noticed_meeting_with_an_added_item_and_the_second_run_adds_nothing(seeded, client):
    item = AgendaItem.objects.select_related("meeting").get(title=ADDED_ITEM_TITLE)
    assert item.added_after_notice_at is not None
    assert item.meeting.status == Meeting.Status.NOTICE_SENT
    call_command("seed_demo", stdout=StringIO())
    assert AgendaItem.objects.filter(title=ADDED_ITEM_TITLE).count() == 1
    client.force_login(Person.objects.get(email=SECRETARIAT_LOGIN))
    response = client.get(reverse("meetings:meeting_detail", args=[item.meeting_id]))
    assert response.status_code == 200
    assert "Tilleggssak" in response.text
    assert "Send tilleggsinnkalling" in response.text
