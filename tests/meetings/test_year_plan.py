"""Year planning (årshjul): required meetings per body, suggested working-group meetings (R1, R2,
R5, R9), in Europe/Oslo time, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from meetings import selectors, services
from meetings.models import OSLO, Meeting

from .factories import oslo

YEAR = 2031


def local(m: Meeting) -> dt.datetime:
    return m.starts_at.astimezone(OSLO)


def test_partnermote_gets_four_meetings_and_faglig_forum_twice(registry, secretariat):
    created = services.generate_year(
        year=YEAR, body=registry.partners_meeting, created_by=secretariat
    )
    ordinary = [m for m in created if m.kind == Meeting.Kind.ORDINARY]
    forum = [m for m in created if m.kind == Meeting.Kind.FAGLIG_FORUM]
    assert len(ordinary) == 4 and len(forum) == 2
    assert [local(m).month for m in ordinary] == [3, 6, 9, 11]
    # 10:00 Oslo time both in winter (UTC+1) and in summer (UTC+2).
    assert {(local(m).hour, local(m).minute, local(m).weekday()) for m in ordinary} == {(10, 0, 2)}
    assert local(ordinary[0]).utcoffset() == dt.timedelta(hours=1)
    assert local(ordinary[1]).utcoffset() == dt.timedelta(hours=2)
    assert all(m.status == Meeting.Status.PLANNED and not m.suggested for m in created)
    assert all(m.starts_at.year == YEAR for m in created)
    assert created == sorted(created, key=lambda m: m.starts_at)


def test_ledermote_meets_twice(registry):
    created = services.generate_year(year=YEAR, body=registry.leaders_meeting)
    assert [(local(m).month, local(m).hour) for m in created] == [(4, 12), (10, 12)]


def test_body_frequency_from_the_registry(registry):
    registry.working_committee.required_meetings_per_year = 6
    registry.working_committee.save()
    created = services.generate_year(year=YEAR, body=registry.working_committee)
    assert [local(m).month for m in created] == [1, 3, 5, 6, 9, 11]  # none in July
    assert services.generate_year(year=YEAR, body=registry.secretariat) == []


def test_running_twice_creates_nothing_new_even_after_moves(registry):
    first = services.generate_year(year=YEAR, body=registry.partners_meeting)
    moved = services.meeting_move(
        meeting=first[0], starts_at=oslo(YEAR, 3, 20, 9), ends_at=oslo(YEAR, 3, 20, 15)
    )
    services.meeting_cancel(meeting=first[1])
    assert services.generate_year(year=YEAR, body=registry.partners_meeting) == []
    assert Meeting.objects.filter(body=registry.partners_meeting).count() == 6
    assert Meeting.objects.get(pk=moved.pk).starts_at == oslo(YEAR, 3, 20, 9)


def test_working_groups_get_suggested_meetings_around_the_partnermote(registry, wg_leader):
    pm = [
        m
        for m in services.generate_year(year=YEAR, body=registry.partners_meeting)
        if m.kind == Meeting.Kind.ORDINARY
    ]
    created = services.generate_year(year=YEAR, body=registry.wg_local)
    kinds = [m.kind for m in created]
    assert kinds == ["start_up"] + ["before_partner_meeting"] * 4 + ["reporting"]
    assert local(created[0]).month == 1 and local(created[-1]).month == 12
    before = [m for m in created if m.kind == Meeting.Kind.BEFORE_PARTNER_MEETING]
    assert [m.local_date for m in before] == [p.local_date - dt.timedelta(days=7) for p in pm]
    assert all(m.suggested for m in created)
    assert {local(m).hour for m in created} == {10}
    national = services.generate_year(year=YEAR, body=registry.wg_national)
    assert {local(m).hour for m in national} == {13}  # not at the same time as the local group
    assert list(selectors.suggested_meetings(body=registry.wg_local)) == created
    assert services.generate_year(year=YEAR, body=registry.wg_local) == []

    confirmed = services.meeting_confirm(meeting=created[0], by=wg_leader)
    assert (confirmed.suggested, confirmed.sequence) == (False, 1)
    moved = services.meeting_move(
        meeting=created[1],
        starts_at=before[0].starts_at + dt.timedelta(days=1),
        ends_at=before[0].ends_at + dt.timedelta(days=1),
        by=wg_leader,
    )
    assert moved.suggested is False
    assert len(selectors.suggested_meetings(body=registry.wg_local)) == 4


def test_bulk_generation_plans_the_partnermote_before_the_groups(registry):
    created = services.bulk_generate_year(
        year=YEAR, bodies=[registry.wg_local, registry.partners_meeting, registry.leaders_meeting]
    )
    assert (
        Meeting.objects.filter(body=registry.wg_local, kind="before_partner_meeting").count() == 4
    )
    assert len(created) == 6 + 2 + 6


def test_invalid_year(registry):
    with pytest.raises(ValidationError):
        services.generate_year(year=31, body=registry.partners_meeting)
