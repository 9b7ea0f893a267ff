"""Who may read briefings, make them and flag matters (R7): one function per object type.

- Briefings are read by the secretariat and by the state actors' group's members (the
  ministries they are written for); anyone else signed in gets 403 on the list and 404 on a
  briefing. Only the secretariat asks for one (a ministry observer gets 403).
- Flags are the secretariat's: it sets and removes them; the flagged matters reach the
  ministries through the briefing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from meetings.access import is_secretariat
from partnership.roles import roles_for

from .models_briefing import Briefing, PoliticalFlag


def _require_signed_in(user) -> None:
    if not user.is_authenticated:
        raise PermissionDenied


def can_read_briefings(user) -> bool:
    if not user.is_authenticated:
        return False
    return is_secretariat(user) or roles_for(user).is_ministry_observer


def can_manage_briefings(user) -> bool:
    return is_secretariat(user)


def require_briefing_reader(user) -> None:
    if not can_read_briefings(user):
        raise PermissionDenied


def require_briefing_manager(user) -> None:
    """Asking for a briefing and flagging matters: the secretariat (403 for anyone else)."""
    if not can_manage_briefings(user):
        raise PermissionDenied


def briefing_for_user(user, pk: int, action: str = "view") -> Briefing:
    """``view`` (the page, the PDF): readers; ``manage`` (try again): the secretariat."""
    _require_signed_in(user)
    briefing = get_object_or_404(Briefing.objects.select_related("requested_by"), pk=pk)
    if not can_read_briefings(user):
        raise Http404
    if action == "view":
        return briefing
    if action == "manage":
        require_briefing_manager(user)
        return briefing
    raise ValueError(action)


def flag_for_user(user, pk: int, action: str = "manage") -> PoliticalFlag:
    if action != "manage":
        raise ValueError(action)
    _require_signed_in(user)
    flag = get_object_or_404(PoliticalFlag, pk=pk)
    require_briefing_manager(user)
    return flag
