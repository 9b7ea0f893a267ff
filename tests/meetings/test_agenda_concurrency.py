"""Agenda numbers stay unique and gapless when items are created at the same moment.

Real threads, each with its own database connection, race for the same body and year.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from meetings import services
from meetings.models import AgendaItem, Decision

from ..factories import BodyFactory
from .factories import MeetingFactory, held_meeting, oslo

THREADS = 4
PER_THREAD = 8


def _race(work) -> list[BaseException]:
    """Run ``work(i)`` in THREADS threads released together; return their exceptions."""
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_item_creation_gives_numbers_one_to_n():
    body = BodyFactory(name="Partnermøtet", short_name="PM")
    # Two meetings of the same body and year: the series is per body and year, not per meeting.
    meetings = [
        MeetingFactory(body=body, starts_at=oslo(2031, 3, 4)),
        MeetingFactory(body=body, starts_at=oslo(2031, 6, 3)),
    ]

    def work(i: int) -> None:
        for n in range(PER_THREAD):
            services.agenda_item_create(meeting=meetings[i % 2], title=f"Tråd {i} sak {n}")

    assert _race(work) == []
    numbers = sorted(
        AgendaItem.objects.filter(body=body, year=2031).values_list("number", flat=True)
    )
    assert numbers == list(range(1, THREADS * PER_THREAD + 1))
    for meeting in meetings:
        positions = sorted(meeting.agenda_items.values_list("position", flat=True))
        assert positions == list(range(1, len(positions) + 1))


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_are_numbered_without_gaps():
    body = BodyFactory(name="Partnermøtet", short_name="PM")
    meeting = held_meeting(body=body)

    def work(i: int) -> None:
        for n in range(PER_THREAD):
            services.decision_record(meeting=meeting, text=f"Vedtak fra tråd {i} nummer {n}.")

    assert _race(work) == []
    numbers = sorted(Decision.objects.filter(body=body).values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * PER_THREAD + 1))
