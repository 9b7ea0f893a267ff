"""One function per object type: fetch it for a user or raise Http404/PermissionDenied.

Views never check permissions inline; they call these. Rights come from the
groups and django-guardian rows that ``services.sync_person_rights`` keeps in
step with memberships.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Body, Goal, Invitation, Measure, Membership, OwnWork, Partner, Person
from .roles import roles_for


def can_manage_registry(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("partnership.manage_registry"))


def require_registry_manager(user) -> None:
    if not can_manage_registry(user):
        raise PermissionDenied


def require_history_reader(user) -> None:
    if not (user.is_authenticated and user.has_perm("partnership.view_history")):
        raise PermissionDenied


def require_inviter(user) -> None:
    if not (user.is_authenticated and user.has_perm("partnership.invite_people")):
        raise PermissionDenied


def partner_for_user(user, pk: int, action: str = "view") -> Partner:
    """Partners are public to signed-in users; only the secretariat changes them."""
    partner = get_object_or_404(Partner, pk=pk)
    if action == "view":
        return partner
    if action == "change":
        require_registry_manager(user)
        return partner
    raise ValueError(action)


def person_for_user(user, pk: int, action: str = "view") -> Person:
    """The directory is for signed-in users; a person changes their own profile.

    People whose accounts are closed stay viewable: past memberships link to them.
    """
    person = get_object_or_404(Person, pk=pk)
    if action == "view":
        return person
    if action == "change":
        if person.pk == user.pk or can_manage_registry(user):
            return person
        raise PermissionDenied
    raise ValueError(action)


def body_for_user(user, pk: int, action: str = "view") -> Body:
    body = get_object_or_404(
        Body.objects.select_related("chairing_partner", "delegated_from"), pk=pk
    )
    if action == "view":
        return body
    if action == "view_papers":
        if can_manage_registry(user) or user.has_perm("partnership.view_body_papers", body):
            return body
        raise PermissionDenied
    if action == "manage_members":
        require_registry_manager(user)
        return body
    raise ValueError(action)


def membership_for_user(user, pk: int, action: str = "change") -> Membership:
    membership = get_object_or_404(
        Membership.objects.select_related("person", "body", "partner"), pk=pk
    )
    if action in ("change", "end"):
        require_registry_manager(user)
        return membership
    raise ValueError(action)


def invitation_for_user(user, pk: int, action: str = "revoke") -> Invitation:
    require_inviter(user)
    invitation = get_object_or_404(Invitation, pk=pk)
    if action == "revoke":
        return invitation
    raise Http404


# --- The action plan (issue 12 §7) --------------------------------------------------------------
# Goals and common measures are the whole partnership's plan: every signed-in person reads them;
# the secretariat edits them, evaluates measures and records their ending (R1).
def goal_for_user(user, pk: int, action: str = "view") -> Goal:
    goal = get_object_or_404(Goal, pk=pk)
    if action == "view":
        return goal
    if action == "change":
        require_registry_manager(user)
        return goal
    raise ValueError(action)


def measure_for_user(user, pk: int, action: str = "view") -> Measure:
    measure = get_object_or_404(Measure.objects.select_related("responsible_group"), pk=pk)
    if action == "view":
        return measure
    if action in ("change", "evaluate", "end"):
        require_registry_manager(user)
        return measure
    raise ValueError(action)


def require_plan_manager(user) -> None:
    require_registry_manager(user)


def can_manage_plan(user) -> bool:
    return can_manage_registry(user)


# --- Partners' own work (issue 12 §6, R13) --------------------------------------------------------
def _acts_for_partner(user, partner_id: int) -> bool:
    """The partner's own people (affiliated, representing or leading it) and the secretariat."""
    if can_manage_registry(user):
        return True
    roles = roles_for(user)
    return partner_id in (
        roles.affiliated_partner_ids | roles.represented_partner_ids | roles.led_partner_ids
    )


def can_edit_own_work(user, partner: Partner) -> bool:
    return bool(user.is_authenticated) and _acts_for_partner(user, partner.pk)


def own_work_partner_for_user(user, pk: int, action: str = "view") -> Partner:
    """A partner's page of its own work: everyone signed in reads it; its people edit it."""
    partner = get_object_or_404(Partner, pk=pk)
    if not user.is_authenticated:
        raise Http404
    if action == "edit" and not _acts_for_partner(user, partner.pk):
        raise PermissionDenied
    return partner


def own_work_for_user(user, pk: int, action: str = "view") -> OwnWork:
    work = get_object_or_404(OwnWork.objects.select_related("partner"), pk=pk)
    own_work_partner_for_user(user, work.partner_id, action)
    return work
