"""Who may see and do what in Partnerpotten: one function per object type.

A person acts for a partner when they are in the partner's group (django-guardian
``act_for_partner``, kept in step with their memberships and affiliations). They draft and
submit that partner's applications together. Drafts are the partner's own working space:
nobody else sees them, the secretariat included, and another partner gets a 404, not a 403,
so an application's existence is not revealed.

Conflicts of interest: everyone who acts for the applicant or a co-applicant partner is
conflicted on the application; they never see its assessment and cannot assess or decide it.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from meetings.access import is_secretariat
from partnership.models import Partner, PartnerGroupObjectPermission, PartnerUserObjectPermission
from partnership.roles import rights_for

from .models import (
    Application,
    ApplicationFile,
    BudgetLine,
    Call,
    CoApplicant,
    Grant,
    StudyVisit,
)

ACT_FOR_PARTNER = {
    "permission__codename": "act_for_partner",
    "permission__content_type__app_label": "partnership",
}


def _require_signed_in(user) -> None:
    if not user.is_authenticated:
        raise PermissionDenied


def acting_partner_ids(user) -> frozenset[int]:
    """The partners ``user`` may act for: django-guardian's ``act_for_partner`` rows (through
    the partner's group, or granted directly), read with the user's other rights in the
    request's one rights query (``partnership.roles``)."""
    if not user.is_authenticated:
        return frozenset()
    return rights_for(user).acting_partner_ids


def partners_user_may_apply_for(user):
    """Active partners the user may start an application for."""
    return Partner.objects.active_on().filter(pk__in=acting_partner_ids(user)).order_by("name")


def can_manage(user) -> bool:
    return is_secretariat(user)


# --- Calls ------------------------------------------------------------------------------------
def visible_calls_q(user) -> Q:
    if is_secretariat(user):
        return Q()
    return Q(status=Call.Status.PUBLISHED)


def call_for_user(user, pk: int, action: str = "view") -> Call:
    """``view``: published calls to anyone signed in; drafts and cancelled calls to the
    secretariat only (404 for others). ``manage``: the secretariat."""
    _require_signed_in(user)
    call = get_object_or_404(Call.objects.select_related("deciding_meeting__body"), pk=pk)
    if action == "view":
        if call.status == Call.Status.PUBLISHED or is_secretariat(user):
            return call
        raise Http404
    if action == "manage":
        if is_secretariat(user):
            return call
        if call.status != Call.Status.PUBLISHED:
            raise Http404
        raise PermissionDenied
    raise ValueError(action)


# --- Applications -----------------------------------------------------------------------------
def visible_applications_q(user, prefix: str = "") -> Q:
    """Applications (reached by ``prefix``) the user may see: their partners' own (drafts too),
    submitted ones where their partner is a co-applicant, and every submitted one for the
    secretariat."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    partners = acting_partner_ids(user)
    submitted = ~Q(**{f"{prefix}status": Application.Status.DRAFT}) & ~Q(
        **{f"{prefix}status": Application.Status.WITHDRAWN, f"{prefix}submitted_at__isnull": True}
    )
    q = Q(**{f"{prefix}applicant_id__in": partners})
    co_applied = CoApplicant.objects.filter(partner_id__in=partners).values("application_id")
    q |= submitted & Q(**{f"{prefix}pk__in": co_applied})
    if is_secretariat(user):
        q |= submitted
    return q


def is_applicant(user, application: Application) -> bool:
    return application.applicant_id in acting_partner_ids(user)


def is_conflicted(user, application: Application) -> bool:
    """``user`` acts for the applicant or a co-applicant partner."""
    partners = acting_partner_ids(user)
    if not partners:
        return False
    if application.applicant_id in partners:
        return True
    return application.co_applicants.filter(partner_id__in=partners).exists()


def can_view(user, application: Application) -> bool:
    if is_applicant(user, application):
        return True
    was_submitted = application.submitted_at is not None
    if not was_submitted:
        return False
    if is_secretariat(user):
        return True
    return application.co_applicants.filter(partner_id__in=acting_partner_ids(user)).exists()


def can_view_assessment(user, application: Application) -> bool:
    return (
        is_secretariat(user)
        and application.submitted_at is not None
        and not is_conflicted(user, application)
    )


def application_for_user(user, pk: int, action: str = "view") -> Application:
    """``view``: see above (404 for anyone else). ``edit``: the applicant's people while the
    application (or a reopened part of it) is open. ``assess`` / ``decide``: the secretariat,
    unless conflicted (403)."""
    _require_signed_in(user)
    application = get_object_or_404(
        Application.objects.select_related("call__deciding_meeting__body", "applicant"), pk=pk
    )
    if not can_view(user, application):
        raise Http404
    if action == "view":
        return application
    if action == "edit":
        if is_applicant(user, application):
            return application
        raise PermissionDenied
    if action in ("assess", "decide"):
        if can_view_assessment(user, application):
            return application
        raise PermissionDenied
    raise ValueError(action)


def application_file_for_user(user, pk: int, action: str = "view") -> ApplicationFile:
    _require_signed_in(user)
    attachment = get_object_or_404(ApplicationFile.objects.select_related("application"), pk=pk)
    application_for_user(user, attachment.application_id, "edit" if action == "edit" else "view")
    return attachment


# --- Grants -----------------------------------------------------------------------------------
def grant_for_user(user, pk: int, action: str = "view") -> Grant:
    """``view``: the applicant's people and the secretariat. ``report``: the applicant's people.
    ``manage`` (pay out, cancel, approve the report): the secretariat, unless conflicted."""
    _require_signed_in(user)
    grant = get_object_or_404(
        Grant.objects.select_related("application__call", "application__applicant"), pk=pk
    )
    application = grant.application
    applicant = is_applicant(user, application)
    secretariat = is_secretariat(user)
    if not (applicant or secretariat):
        raise Http404
    if action == "view":
        return grant
    if action == "report":
        if applicant:
            return grant
        raise PermissionDenied
    if action == "manage":
        if can_manage_grant(user, grant):
            return grant
        raise PermissionDenied
    raise ValueError(action)


def grant_of_application_for_user(user, application_pk: int, action: str = "view") -> Grant:
    """The grant of an application (404 when it has none), by ``grant_for_user``'s rule."""
    grant_pk = Grant.objects.filter(application_id=application_pk).values_list("pk", flat=True)
    grant_pk = grant_pk.first()
    if grant_pk is None:
        _require_signed_in(user)
        raise Http404
    return grant_for_user(user, grant_pk, action)


def budget_line_for_user(user, pk: int, action: str = "edit") -> BudgetLine:
    """A budget line, by its application's rule (``application_for_user``): another partner's
    people get 404, the application's readers who may not edit it 403."""
    line = get_object_or_404(BudgetLine, pk=pk)
    line.application = application_for_user(user, line.application_id, action)
    return line


def co_applicant_for_user(user, pk: int, action: str = "edit") -> CoApplicant:
    """A co-applicant row, by its application's rule (``application_for_user``)."""
    co = get_object_or_404(CoApplicant.objects.select_related("partner"), pk=pk)
    co.application = application_for_user(user, co.application_id, action)
    return co


def can_manage_grant(user, grant: Grant) -> bool:
    """What ``grant_for_user(user, grant.pk, "manage")`` allows, for a grant already checked
    with ``view``: the secretariat, unless conflicted on the application."""
    return is_secretariat(user) and not is_conflicted(user, grant.application)


# --- Study visits -----------------------------------------------------------------------------
def visible_study_visits_q(user) -> Q:
    """Proposers see their own (drafts too); everyone signed in sees proposals once sent."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    own = StudyVisit.partners.through.objects.filter(
        partner_id__in=acting_partner_ids(user)
    ).values("studyvisit_id")
    # A withdrawn draft was never sent: it stays the proposers' own.
    private = Q(status=StudyVisit.Status.DRAFT) | Q(
        status=StudyVisit.Status.WITHDRAWN, submitted_at__isnull=True
    )
    return ~private | Q(pk__in=own)


def is_proposer(user, visit: StudyVisit) -> bool:
    partners = acting_partner_ids(user)
    return bool(partners) and visit.partners.filter(pk__in=partners).exists()


def study_visit_for_user(user, pk: int, action: str = "view") -> StudyVisit:
    """``view``: see ``visible_study_visits_q``. ``edit`` (change, submit, withdraw, report):
    people acting for a proposing partner. ``manage`` (agenda, decision): the secretariat.

    The visit comes back with ``user_is_proposer``: ``is_proposer(user, visit)``, already asked.
    """
    _require_signed_in(user)
    visit = get_object_or_404(StudyVisit.objects.select_related("deciding_meeting__body"), pk=pk)
    proposer = is_proposer(user, visit)
    visit.user_is_proposer = proposer
    never_sent = visit.submitted_at is None and visit.status in (
        StudyVisit.Status.DRAFT,
        StudyVisit.Status.WITHDRAWN,
    )
    if never_sent and not proposer:
        raise Http404
    if action == "view":
        return visit
    if action == "edit":
        if proposer:
            return visit
        raise PermissionDenied
    if action == "manage":
        if is_secretariat(user):
            return visit
        raise PermissionDenied
    raise ValueError(action)


def conflicted_on_agenda_items(*, item_ids) -> dict[int, set[int]]:
    """For the agenda items that carry an application, everyone who acts for its applicant or a
    co-applicant (the rule of ``is_conflicted``): they never read the item's proposed decision,
    the secretariat's recommendation. Registered with ``meetings.extensions`` (apps.py); four
    queries whatever the number of items, one when none carries an application."""
    rows = list(
        Application.objects.filter(agenda_item_id__in=item_ids).values_list(
            "pk", "agenda_item_id", "applicant_id"
        )
    )
    if not rows:
        return {}
    partners_of = {pk: {applicant} for pk, _item, applicant in rows}
    for application_id, partner_id in CoApplicant.objects.filter(
        application_id__in=partners_of, partner__isnull=False
    ).values_list("application_id", "partner_id"):
        partners_of[application_id].add(partner_id)
    partners = set().union(*partners_of.values())
    people_of: dict[int, set[int]] = defaultdict(set)
    for partner_id, person_id in PartnerGroupObjectPermission.objects.filter(
        content_object_id__in=partners, group__user__isnull=False, **ACT_FOR_PARTNER
    ).values_list("content_object_id", "group__user"):
        people_of[partner_id].add(person_id)
    for partner_id, person_id in PartnerUserObjectPermission.objects.filter(
        content_object_id__in=partners, **ACT_FOR_PARTNER
    ).values_list("content_object_id", "user_id"):
        people_of[partner_id].add(person_id)
    return {
        item_id: set().union(*(people_of[p] for p in partners_of[pk])) for pk, item_id, _ in rows
    }
