"""Who may see and change the budget and the working groups' accounts: one function per
object type, fetching it for a user or raising 404 (outsiders) / 403 (insiders without the right).

Insiders are people with a seat in one of the partnership's bodies (the Partnermøte, the
Ledermøte, the AU, a working group, the ministries' group …) and the secretariat. The
budget is the partnership's common frame, so every insider reads the versions that have been
put forward (proposed, adopted, superseded); drafts are the secretariat's working space, and
only the secretariat changes a budget.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from meetings.access import is_secretariat
from partnership.models import BudgetLine, BudgetVersion
from partnership.roles import roles_for


def is_insider(user) -> bool:
    if not user.is_authenticated:
        return False
    return is_secretariat(user) or bool(roles_for(user).body_ids)


def require_budget_reader(user) -> None:
    """The list of budget years: insiders read it; anyone else signed in gets 403."""
    if not is_insider(user):
        raise PermissionDenied


def require_budget_manager(user) -> None:
    if not is_secretariat(user):
        raise PermissionDenied


def _check_version(user, version: BudgetVersion, action: str) -> BudgetVersion:
    if not is_insider(user):
        raise Http404
    if action == "view":
        if version.status == BudgetVersion.Status.DRAFT and not is_secretariat(user):
            raise PermissionDenied
        return version
    if action == "edit":
        require_budget_manager(user)
        return version
    raise ValueError(action)


def budget_version_for_user(user, pk: int, action: str = "view") -> BudgetVersion:
    version = get_object_or_404(BudgetVersion.objects.select_related("budget_year"), pk=pk)
    return _check_version(user, version, action)


def budget_line_for_user(user, pk: int, action: str = "edit") -> BudgetLine:
    line = get_object_or_404(
        BudgetLine.objects.select_related("version__budget_year", "working_group"), pk=pk
    )
    _check_version(user, line.version, action)
    return line
