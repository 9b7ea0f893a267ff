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
from partnership.models import Body, BudgetLine, BudgetVersion, Measure
from partnership.roles import roles_for

from .models import AccountEntry, Activity, MeasurePlan, PlannedActivity, Voucher


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


# --- Working-group accounts -------------------------------------------------------------------
# A group's finance lead and leader edit its entries; its members read them; the secretariat
# reads and books everything. Anyone else, another group's people included, gets 404: the
# accounts and vouchers of a group are not shown to be there.
def _group_rights(user, group_id: int) -> str | None:
    """ "manage" (the secretariat), "edit" (finance lead, leader), "view" (member) or None."""
    if not user.is_authenticated:
        return None
    if is_secretariat(user):
        return "manage"
    roles = roles_for(user)
    if group_id in roles.finance_working_group_ids or group_id in roles.led_working_group_ids:
        return "edit"
    if group_id in roles.working_group_ids:
        return "view"
    return None


def _check_group(user, group_id: int, action: str) -> str:
    rights = _group_rights(user, group_id)
    if rights is None:
        raise Http404
    allowed = {
        "view": ("view", "edit", "manage"),
        "edit": ("edit",),  # the group's own people record; the secretariat checks
        "manage": ("manage",),
        "correct": ("edit", "manage"),  # a reversing entry
    }[action]
    if rights not in allowed:
        raise PermissionDenied
    return rights


def require_group_leader(user, group: Body) -> None:
    """Only the group's leader submits its year-end report (R5)."""
    if group.pk not in roles_for(user).led_working_group_ids:
        raise PermissionDenied


def accounts_group_for_user(user, pk: int, action: str = "view") -> Body:
    group = get_object_or_404(Body, pk=pk, kind=Body.Kind.WORKING_GROUP)
    _check_group(user, group.pk, action)
    return group


def group_rights(user, group: Body) -> str | None:
    return _group_rights(user, group.pk)


def account_groups_for_user(user):
    """The working groups whose accounts the user reads (all of them for the secretariat)."""
    groups = Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("name")
    if is_secretariat(user):
        return groups
    return groups.filter(pk__in=roles_for(user).working_group_ids)


def entry_for_user(user, pk: int, action: str = "view") -> AccountEntry:
    entry = get_object_or_404(
        AccountEntry.objects.select_related("working_group", "budget_year", "reverses"), pk=pk
    )
    _check_group(user, entry.working_group_id, action)
    return entry


def voucher_for_user(user, pk: int) -> Voucher:
    voucher = get_object_or_404(Voucher.objects.select_related("entry"), pk=pk)
    _check_group(user, voucher.entry.working_group_id, "view")
    return voucher


def can_read_partnership_actuals(user) -> bool:
    """The partnership-wide budget against actuals: the secretariat, the partners' leaders
    (Ledermøte) and the ministries' observers."""
    if not user.is_authenticated:
        return False
    roles = roles_for(user)
    return is_secretariat(user) or roles.is_partner_leader or roles.is_ministry_observer


def require_partnership_actuals_reader(user) -> None:
    if not can_read_partnership_actuals(user):
        raise PermissionDenied


# --- The action plan's working level (issue 12 §2, §3, §7) --------------------------------------
# A measure's responsible working group's leader edits its plans and activities; the group's
# members read them; the secretariat edits everything; the partners' leaders and
# representatives and the ministries' observers read. Anyone else (another group's people
# included) gets 404: another group's plans are not shown to be there.
PLAN_READ, PLAN_EDIT = "read", "edit"


def _measure_plan_rights(user, group_id: int | None) -> str | None:
    if not user.is_authenticated:
        return None
    if is_secretariat(user):
        return PLAN_EDIT
    roles = roles_for(user)
    if group_id is not None and group_id in roles.led_working_group_ids:
        return PLAN_EDIT
    if group_id is not None and group_id in roles.working_group_ids:
        return PLAN_READ
    if roles.is_partner_leader or roles.is_partner_representative or roles.is_ministry_observer:
        return PLAN_READ
    return None


def _check_measure_plan(user, group_id: int | None, action: str) -> str:
    rights = _measure_plan_rights(user, group_id)
    if rights is None:
        raise Http404
    if action == "edit" and rights != PLAN_EDIT:
        raise PermissionDenied
    if action not in ("view", "edit"):
        raise ValueError(action)
    return rights


def can_edit_measure_work(user, measure) -> bool:
    return _measure_plan_rights(user, measure.responsible_group_id) == PLAN_EDIT


def can_adopt_plans(user) -> bool:
    """The secretariat records a plan's adoption (the decision is the Partnermøte's or AU's)."""
    return is_secretariat(user)


def measure_work_for_user(user, pk: int, action: str = "view") -> Measure:
    """A common measure's working page (plans and activities)."""
    measure = get_object_or_404(
        Measure.objects.select_related("responsible_group").prefetch_related("sub_goals"), pk=pk
    )
    _check_measure_plan(user, measure.responsible_group_id, action)
    return measure


def activity_for_user(user, pk: int, action: str = "view") -> Activity:
    activity = get_object_or_404(
        Activity.objects.select_related("measure__responsible_group", "created_by"), pk=pk
    )
    _check_measure_plan(user, activity.measure.responsible_group_id, action)
    return activity


def measure_plan_for_user(user, pk: int, action: str = "view") -> MeasurePlan:
    plan = get_object_or_404(
        MeasurePlan.objects.select_related("measure__responsible_group", "updated_by"), pk=pk
    )
    _check_measure_plan(user, plan.measure.responsible_group_id, action)
    return plan


def planned_activity_for_user(user, pk: int, action: str = "view") -> PlannedActivity:
    item = get_object_or_404(
        PlannedActivity.objects.select_related("plan__measure__responsible_group"), pk=pk
    )
    _check_measure_plan(user, item.plan.measure.responsible_group_id, action)
    return item


def require_plan_adopter(user, plan: MeasurePlan) -> None:
    _check_measure_plan(user, plan.measure.responsible_group_id, "view")
    if not can_adopt_plans(user):
        raise PermissionDenied


def require_activity_reader(user) -> None:
    """The list of activities: whoever reads some measure's work; anyone else signed in 403."""
    if _measure_plan_rights(user, None) is None and not roles_for(user).working_group_ids:
        raise PermissionDenied
