"""The two small meetings pages added for issue 11 run a pinned, constant number of queries:
recording a held meeting (however many items the meeting has) and an agenda item's upload
form (however many files the item has)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from itertools import count

from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaAttachment, AgendaItem, Meeting
from tests import querycounts
from tests.querycounts import topped_up

assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(2, 30))
_numbers = count(1)


def _items(meeting: Meeting, k: int) -> list[AgendaItem]:
    return AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                body=meeting.body,
                year=meeting.local_date.year,
                number=next(_numbers),
                position=next(_numbers),
                title=f"Sak {n}",
            )
            for n in range(k)
        ]
    )


def test_record_held_page(client, login, registry, secretariat):
    began = timezone.now() - dt.timedelta(days=20)
    meeting = Meeting.objects.create(
        body=registry.partners_meeting, starts_at=began, ends_at=began + dt.timedelta(hours=2)
    )
    login(secretariat)
    assert_constant_queries(
        client,
        reverse("meetings:meeting_record_held", args=[meeting.pk]),
        topped_up(lambda k: _items(meeting, k)),
        pinned=PINNED_RECORD_HELD,
    )


def test_attachment_upload_form(client, login, registry, secretariat):
    starts = timezone.now() + dt.timedelta(days=20)
    meeting = Meeting.objects.create(
        body=registry.partners_meeting, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    (item,) = _items(meeting, 1)

    def make(k):
        AgendaAttachment.objects.bulk_create(
            [
                AgendaAttachment(
                    agenda_item=item,
                    file=f"vedlegg/{n}.pdf",
                    original_name=f"Vedlegg {n}.pdf",
                    content_type="application/pdf",
                    size=100,
                    sha256="0" * 64,
                )
                for n in range(k)
            ]
        )

    login(secretariat)
    url = reverse("meetings:attachment_upload", args=[item.pk])
    assert_constant_queries(client, url, topped_up(make), pinned=PINNED_UPLOAD)
    # The htmx fragment (into the item's place on the meeting page) costs the same.
    client.defaults["HTTP_HX_REQUEST"] = "true"
    querycounts.assert_constant_queries(
        client, url, topped_up(make), sizes=(31, 40), pinned=PINNED_UPLOAD
    )


PINNED_RECORD_HELD = 4
PINNED_UPLOAD = 5
