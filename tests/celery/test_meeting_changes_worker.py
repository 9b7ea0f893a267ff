"""Changes after a notice through a real Celery worker on real Redis (issue 11, "Tests that
must exist": one e-mail per person per change, also when the task runs twice).

The services queue the change on commit; the worker composes the e-mails (with the notice PDF
or the .ics rendered when sent) and the outbox delivers them. Each delivered message is
counted by its Message-ID, made from its outbox row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from meetings import notifications, services
from meetings.models import Meeting
from meetings.notifications import Kind
from partnership import outbox
from partnership.models import Membership, OutboxMessage, today

from ..factories import MembershipFactory, PersonFactory
from ..meetings.factories import AgendaItemFactory, MeetingFactory, in_days
from .conftest import wait_for

pytestmark = [pytest.mark.xdist_group("celery"), pytest.mark.django_db(transaction=True)]

TIMEOUT = 60  # seconds; the notice PDF is rendered by WeasyPrint in the worker
CHANGE_KINDS = (
    Kind.MEETING_NOTICE,
    Kind.MEETING_SUPPLEMENT,
    Kind.MEETING_CHANGED,
    Kind.MEETING_CANCELLED,
)


def sent(kind: str, expected: int) -> bool:
    rows = OutboxMessage.objects.filter(kind=kind)
    return rows.count() == expected and not rows.exclude(status=OutboxMessage.Status.SENT).exists()


def test_supplement_move_and_cancel_reach_each_person_once_through_a_real_worker(
    cluster, registry, partner_rep, secretariat
):
    for role in (Membership.Role.DEPUTY, Membership.Role.MEMBER):
        MembershipFactory(
            person=PersonFactory(),
            body=registry.partners_meeting,
            partner=registry.other_partner,
            role=role,
            starts_on=today() - dt.timedelta(days=30),
        )
    cluster.worker(concurrency=2)
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20), place="Oslo")
    AgendaItemFactory(meeting=meeting, title="Budsjett")
    meeting = notifications.send_notice(meeting=meeting, by=secretariat)
    people = set(
        OutboxMessage.objects.filter(kind=Kind.MEETING_NOTICE).values_list(
            "recipient_id", flat=True
        )
    )
    assert len(people) >= 3

    # A tilleggssak and the supplementary notice.
    services.agenda_item_create(meeting=meeting, title="Studiebesøk til Danmark")
    meeting, queued = notifications.send_supplement(meeting=meeting, by=secretariat)
    assert queued >= len(people)

    # Moved: the change goes to the worker on commit; the same task published again (a
    # retry, a second producer) adds nothing.
    starts = meeting.starts_at + dt.timedelta(days=1)
    meeting = services.meeting_move(
        meeting=meeting, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    previous = meeting.starts_at - dt.timedelta(days=1)
    for _ in range(2):
        notifications.send_meeting_change_task.delay(
            meeting.pk,
            meeting.sequence,
            services.meetings.CHANGED,
            previous.isoformat(),
            (previous + dt.timedelta(hours=2)).isoformat(),
        )
    wait_for(
        lambda: sent(Kind.MEETING_CHANGED, len(people)),
        TIMEOUT,
        "one change e-mail per person",
        cluster.logs,
    )

    # Cancelled: one more e-mail each, with METHOD:CANCEL.
    meeting = services.meeting_cancel(meeting=Meeting.objects.get(pk=meeting.pk), reason="Utsatt")
    notifications.send_meeting_change_task.delay(
        meeting.pk, meeting.sequence, services.meetings.CANCELLED
    )
    for kind in CHANGE_KINDS:
        wait_for(
            lambda kind=kind: (
                OutboxMessage.objects.filter(kind=kind).exists()
                and not OutboxMessage.objects.filter(kind=kind)
                .exclude(status=OutboxMessage.Status.SENT)
                .exists()
            ),
            TIMEOUT,
            f"every {kind} e-mail to be sent",
            cluster.logs,
        )

    for kind in (Kind.MEETING_CHANGED, Kind.MEETING_CANCELLED):
        per_person = Counter(
            OutboxMessage.objects.filter(kind=kind).values_list("recipient_id", flat=True)
        )
        assert per_person == Counter(dict.fromkeys(people, 1)), (kind, per_person)
    supplements = Counter(
        OutboxMessage.objects.filter(
            kind=Kind.MEETING_SUPPLEMENT, recipient__isnull=False
        ).values_list("recipient_id", flat=True)
    )
    assert set(supplements) >= people and set(supplements.values()) == {1}

    # Each row was delivered exactly once, and nothing else was.
    delivered = cluster.drop.message_ids()
    wanted = {outbox.message_id(row) for row in OutboxMessage.objects.filter(kind__in=CHANGE_KINDS)}
    assert set(delivered) == wanted, cluster.logs()
    assert set(delivered.values()) == {1}, (delivered, cluster.logs())
    changed = OutboxMessage.objects.filter(kind=Kind.MEETING_CHANGED).first()
    assert (
        "Tidligere tid" in changed.body_text
        or "Tidlegare tid" in changed.body_text
        or ("Previous time" in changed.body_text)
    )
