"""Who reads the leaders' dashboard and the indicators, and who changes them (issue 12 §7):
one function per object type, fetching it for a user or raising 404 (outsiders) / 403
(insiders without the right).

Readers: partner leaders (the Ledermøte), partner representatives (the Partnermøte), the
ministries' observers and the secretariat (and admins). Other people with a seat somewhere
(a working group's members) are insiders without the right: 403. A signed-in person with no
seat gets 403 on the pages and 404 on an object. Only the secretariat changes indicators,
their versions, values and evaluations.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from meetings.access import is_secretariat
from partnership.models import Goal, Indicator, IndicatorEvaluation, IndicatorSet
from partnership.roles import roles_for


def can_read(user) -> bool:
    if not user.is_authenticated:
        return False
    if is_secretariat(user):
        return True
    roles = roles_for(user)
    return bool(
        roles.is_partner_leader or roles.is_partner_representative or roles.is_ministry_observer
    )


def can_manage(user) -> bool:
    return is_secretariat(user)


def _is_insider(user) -> bool:
    return user.is_authenticated and (is_secretariat(user) or bool(roles_for(user).body_ids))


def require_reader(user) -> None:
    if not can_read(user):
        raise PermissionDenied


def require_manager(user) -> None:
    if not can_manage(user):
        raise PermissionDenied


def _check(user, obj, action: str):
    if not can_read(user):
        if _is_insider(user):
            raise PermissionDenied
        raise Http404
    if action == "view":
        return obj
    if action == "change":
        require_manager(user)
        return obj
    raise ValueError(action)


def _get(queryset, pk: int):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def goal_for_reader(user, pk: int, action: str = "view") -> Goal:
    return _check(user, _get(Goal.objects.all(), pk), action)


def indicator_set_for_user(user, pk: int, action: str = "view") -> IndicatorSet:
    indicator_set = _get(IndicatorSet.objects.all(), pk)
    _check(user, indicator_set, action)
    if indicator_set.is_draft and not can_manage(user):
        raise PermissionDenied  # a draft is the secretariat's working space
    return indicator_set


def indicator_for_user(user, pk: int, action: str = "view") -> Indicator:
    indicator = _get(Indicator.objects.select_related("goal", "indicator_set"), pk)
    _check(user, indicator, action)
    if indicator.indicator_set.is_draft and not can_manage(user):
        raise PermissionDenied
    return indicator


def evaluation_for_user(user, pk: int, action: str = "view") -> IndicatorEvaluation:
    evaluation = _get(
        IndicatorEvaluation.objects.select_related("goal", "period", "written_by"), pk
    )
    return _check(user, evaluation, action)
