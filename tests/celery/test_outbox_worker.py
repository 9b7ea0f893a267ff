"""The outbox with a real Celery worker on real Redis (issue 3, "Tests that must exist").

Each message is counted by its Message-ID, which is made from its outbox row (and so from
its idempotency key): "exactly once" means one delivered file per row, no more, no less.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from meetings import notifications
from meetings.notifications import Kind as MeetingKind
from partnership import outbox
from partnership.models import OutboxMessage

from ..factories import PersonFactory
from ..meetings.factories import MeetingFactory, in_days
from .conftest import Cluster, wait_for

pytestmark = [pytest.mark.xdist_group("celery"), pytest.mark.django_db(transaction=True)]

Status = OutboxMessage.Status
TIMEOUT = 45  # seconds; generous for a loaded CI machine, the tests take a few seconds each


def messages(n: int, *, prefix: str) -> list[outbox.Draft]:
    return [
        outbox.compose(
            kind=MeetingKind.FOLLOW_UP_DUE,
            idempotency_key=f"{prefix}:{i}",
            template="partnership/email/invitation",
            context={
                "invitation": {"full_name": f"Person {i}"},
                "url": "http://x/",
                "valid_days": 1,
            },
            subject=f"Melding {prefix} {i}",
            recipient=person,
        )
        for i, person in enumerate(PersonFactory.create_batch(n))
    ]


def expected_ids(prefix: str) -> set[str]:
    return {
        outbox.message_id(row)
        for row in OutboxMessage.objects.filter(idempotency_key__startswith=f"{prefix}:")
    }


def all_sent(prefix: str) -> bool:
    rows = OutboxMessage.objects.filter(idempotency_key__startswith=f"{prefix}:")
    return rows.exists() and not rows.exclude(status=Status.SENT).exists()


def assert_each_delivered_once(cluster: Cluster, *prefixes: str) -> None:
    delivered = cluster.drop.message_ids()
    wanted = set().union(*(expected_ids(p) for p in prefixes))
    assert set(delivered) == wanted, cluster.logs()
    assert set(delivered.values()) == {1}, (delivered, cluster.logs())


def test_a_worker_killed_while_sending_loses_nothing_and_repeats_only_the_message_in_the_window(
    cluster,
):
    """At-least-once, and the window where it shows: the server has taken a message but its
    "250 OK" has not reached the worker (a slow server: a second here) when the worker is
    killed. That message is sent again after the restart; every other one arrives once."""
    slow = cluster.worker(MAIL_DROP_DELAY="1.0")
    outbox.enqueue(messages(6, prefix="kill"))  # handed to the worker on commit

    def mid_send():
        return len(cluster.drop.message_ids()) >= 2 and cluster.drop.in_flight()

    (in_flight,) = wait_for(mid_send, TIMEOUT, "the worker to be sending", cluster.logs)
    cluster.kill(slow)  # kill -9, the pool child with it

    delivered_before = cluster.drop.message_ids()
    assert in_flight in delivered_before  # the server has it; the row does not say so
    assert OutboxMessage.objects.filter(status=Status.SENDING).exists()
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == len(delivered_before) - 1

    # A new worker with beat: the sweep takes over the dead worker's rows once their lease
    # (3 s here) has run out, and sends each that was not marked sent.
    cluster.worker(beat=True)
    wait_for(lambda: all_sent("kill"), TIMEOUT, "every message to be sent", cluster.logs)
    delivered = cluster.drop.message_ids()
    assert set(delivered) == expected_ids("kill"), cluster.logs()  # none lost
    assert delivered[in_flight] == 2, (delivered, cluster.logs())  # the one in the window
    assert {n for mid, n in delivered.items() if mid != in_flight} == {1}
    interrupted = next(
        row for row in OutboxMessage.objects.all() if outbox.message_id(row) == in_flight
    )
    assert interrupted.attempts == 2


def test_two_beats_and_three_workers_send_no_duplicates(cluster):
    cluster.worker(concurrency=3, OUTBOX_BATCH_SIZE="4")
    cluster.beat()
    cluster.beat()
    # Not handed over on commit: only the two beats' sweeps send these.
    outbox.enqueue(messages(40, prefix="beats"), dispatch=False)
    wait_for(lambda: all_sent("beats"), TIMEOUT, "every message to be sent", cluster.logs)
    assert_each_delivered_once(cluster, "beats")
    claims = set(OutboxMessage.objects.values_list("claimed_by", flat=True))
    assert len(claims) >= 40 // 4  # batch by batch, in several sweeps


def test_a_rolled_back_transaction_sends_nothing(cluster, registry, wg_member, secretariat):
    cluster.worker()
    meeting = MeetingFactory(body=registry.wg_local, starts_at=in_days(10))
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications.send_notice(meeting=meeting, by=secretariat)
        outbox.enqueue(messages(2, prefix="rolled-back"))
        raise RuntimeError("the view failed after queueing")
    # A message committed afterwards goes through the same worker and queue.
    outbox.enqueue(messages(1, prefix="after"))
    wait_for(lambda: all_sent("after"), TIMEOUT, "the later message to be sent", cluster.logs)
    assert not OutboxMessage.objects.exclude(idempotency_key__startswith="after:").exists()
    assert_each_delivered_once(cluster, "after")
    meeting.refresh_from_db()
    assert meeting.notice_sent_at is None


def test_queued_work_completes_after_redis_restarts(cluster):
    # 1. A task waits in Redis while no worker runs; Redis restarts and still has it.
    outbox.enqueue(messages(3, prefix="queued"))
    assert cluster.queued() == 1
    cluster.redis.stop()
    cluster.redis.start()
    assert cluster.queued() == 1
    cluster.worker()
    cluster.beat()
    wait_for(lambda: all_sent("queued"), TIMEOUT, "the queued messages", cluster.logs)
    wait_for(lambda: cluster.queued() == 0, TIMEOUT, "the queued task to be taken", cluster.logs)

    # 2. Redis goes away under the running worker and beat. Messages written meanwhile cannot
    # be handed over (that is logged; the rows are committed); once Redis is back, worker and
    # beat reconnect and the sweep sends them.
    cluster.redis.stop()
    outbox.enqueue(messages(3, prefix="outage"))
    assert (
        OutboxMessage.objects.filter(
            idempotency_key__startswith="outage:", status=Status.PENDING
        ).count()
        == 3
    )
    cluster.redis.start()
    wait_for(lambda: all_sent("outage"), TIMEOUT, "the messages of the outage", cluster.logs)
    assert_each_delivered_once(cluster, "queued", "outage")
