"""Writes of consequence in the registry. Keyword-only, transactional, no request.

Rights follow memberships: every write that starts, changes or ends a
membership or an affiliation ends with ``sync_person_rights``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from . import outbox, timeutils
from .models import (
    Affiliation,
    Body,
    BodyUserObjectPermission,
    Invitation,
    Membership,
    NotificationKind,
    Partner,
    Person,
    today,
)

# Model-level rights that come with a seat in the secretariat (R6).
SECRETARIAT_PERMISSIONS = ("manage_registry", "invite_people", "view_history")
# Object rights on a body that follow a role in it.
ROLE_BODY_PERMISSIONS = {
    Membership.Role.LEADER: ("lead_body",),
    Membership.Role.DEPUTY_LEADER: ("lead_body",),
    Membership.Role.FINANCE_LEAD: ("manage_body_finances",),
}


# --- Groups backing bodies and partners -------------------------------------------
def ensure_body_group(*, body: Body) -> Group:
    """The body's group exists, may read the body's papers, and (for the secretariat) manage."""
    if body.group_id is None:
        group, _created = Group.objects.get_or_create(name=f"body:{body.pk}")
        Body.objects.filter(pk=body.pk).update(group=group)
        body.group = group
    group = body.group
    assign_perm("partnership.view_body_papers", group, body)
    if body.kind == Body.Kind.SECRETARIAT:
        perms = Permission.objects.filter(
            content_type__app_label="partnership", codename__in=SECRETARIAT_PERMISSIONS
        )
        group.permissions.add(*perms)
    return group


def ensure_partner_group(*, partner: Partner) -> Group:
    if partner.group_id is None:
        group, _created = Group.objects.get_or_create(name=f"partner:{partner.pk}")
        Partner.objects.filter(pk=partner.pk).update(group=group)
        partner.group = group
    assign_perm("partnership.act_for_partner", partner.group, partner)
    return partner.group


def _managed_group_ids() -> set[int]:
    return set(
        Group.objects.filter(
            Q(name__startswith="body:") | Q(name__startswith="partner:")
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def sync_person_rights(*, person: Person, day: dt.date | None = None) -> None:
    """Make the person's groups and object rights match their memberships on ``day``.

    Idempotent; called whenever a membership or affiliation starts, changes or
    ends, and by the daily job for memberships whose dates have passed.
    """
    day = day or today()
    memberships = list(Membership.objects.filter(person=person).select_related("body", "partner"))
    active = [m for m in memberships if m.is_active_on(day)]
    affiliated_partners = list(
        Partner.objects.filter(
            pk__in=Affiliation.objects.filter(person=person).active_on(day).values("partner")
        )
    )
    wanted_groups: set[int] = set()
    for m in active:
        wanted_groups.add(ensure_body_group(body=m.body).pk)
        wanted_groups.add(ensure_partner_group(partner=m.partner).pk)
    for partner in affiliated_partners:
        wanted_groups.add(ensure_partner_group(partner=partner).pk)

    managed = _managed_group_ids()
    current = set(person.groups.values_list("pk", flat=True))
    person.groups.remove(*((current & managed) - wanted_groups))
    person.groups.add(*(wanted_groups - current))

    wanted_perms = {
        (codename, m.body_id) for m in active for codename in ROLE_BODY_PERMISSIONS.get(m.role, ())
    }
    existing = {
        (row.permission.codename, row.content_object_id): row
        for row in BodyUserObjectPermission.objects.filter(user=person).select_related("permission")
    }
    for key, row in existing.items():
        if key not in wanted_perms:
            row.delete()
    bodies = {m.body_id: m.body for m in active}
    for codename, body_id in wanted_perms - set(existing):
        assign_perm(f"partnership.{codename}", person, bodies[body_id])

    # Remember what was applied so the daily job can find what has changed since.
    for m in memberships:
        is_active = m.is_active_on(day)
        if m.rights_active != is_active:
            Membership.objects.filter(pk=m.pk).update(rights_active=is_active)
    # Rights are cached on the user object by Django and guardian.
    for attr in (
        "_perm_cache",
        "_user_perm_cache",
        "_group_perm_cache",
        "_portal_roles",
        "_portal_rights",
        "_portal_user_values",
    ):
        if hasattr(person, attr):
            delattr(person, attr)


def sync_due_memberships(*, day: dt.date | None = None) -> int:
    """Daily job: apply rights for memberships that started or ended since the last sync."""
    day = day or today()
    started = Q(rights_active=False, starts_on__lte=day) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    ended = Q(rights_active=True) & (Q(ends_on__lt=day) | Q(starts_on__gt=day))
    person_ids = set(Membership.objects.filter(started | ended).values_list("person_id", flat=True))
    for person in Person.objects.filter(pk__in=person_ids):
        sync_person_rights(person=person, day=day)
    return len(person_ids)


# --- Partners -------------------------------------------------------------------------
PARTNER_FIELDS = (
    "name",
    "short_name",
    "kind",
    "organisation_number",
    "website",
    "contact_email",
    "active_from",
    "active_to",
)


@transaction.atomic
def partner_create(**fields) -> Partner:
    partner = Partner(**{k: fields[k] for k in fields if k in PARTNER_FIELDS + ("is_demo",)})
    partner.full_clean()
    partner.save()
    ensure_partner_group(partner=partner)
    return partner


@transaction.atomic
def partner_update(*, partner: Partner, **fields) -> Partner:
    for name in PARTNER_FIELDS:
        if name in fields:
            setattr(partner, name, fields[name])
    partner.full_clean()
    partner.save()
    return partner


# --- People --------------------------------------------------------------------------------
@transaction.atomic
def person_update_profile(
    *, person: Person, full_name: str, title: str, phone: str, preferred_language: str
) -> Person:
    person.full_name = full_name
    person.title = title
    person.phone = phone
    person.preferred_language = preferred_language
    person.full_clean(exclude=["password"])
    person.save()
    return person


@transaction.atomic
def affiliation_start(
    *, person: Person, partner: Partner, starts_on: dt.date, ends_on: dt.date | None = None
) -> Affiliation:
    affiliation = Affiliation(person=person, partner=partner, starts_on=starts_on, ends_on=ends_on)
    affiliation.full_clean()
    affiliation.save()
    sync_person_rights(person=person)
    return affiliation


# --- Memberships ----------------------------------------------------------------------------
def _term_end(body: Body, starts_on: dt.date) -> dt.date | None:
    """Working groups are appointed for terms of ``term_years`` (2) years (R4)."""
    if not body.term_years:
        return None
    try:
        end = starts_on.replace(year=starts_on.year + body.term_years)
    except ValueError:  # 29 February: the anniversary is 1 March, so the term ends 28 February
        end = starts_on.replace(year=starts_on.year + body.term_years, month=3, day=1)
    return end - dt.timedelta(days=1)


def _check_unique_role(membership: Membership) -> None:
    """R4: one leader, finance lead and communication lead in a body at a time.

    The body row is locked by the caller, so two secretariat staff adding a
    leader at the same moment cannot both pass; the exclusion constraint in the
    database is the last line.
    """
    if membership.role not in Membership.UNIQUE_WORKING_GROUP_ROLES:
        return
    end = membership.ends_on or dt.date.max
    clash = (
        Membership.objects.filter(body=membership.body, role=membership.role)
        .exclude(pk=membership.pk)
        .filter(starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=membership.starts_on))
        .select_related("person")
        .first()
    )
    if clash:
        raise ValidationError(
            {
                "role": _(
                    "%(body)s har allerede %(role)s i perioden: %(person)s. "
                    "Avslutt det medlemskapet først."
                )
                % {
                    "body": membership.body,
                    "role": membership.get_role_display().lower(),
                    "person": clash.person,
                }
            }
        )


def _lock_body(body: Body) -> Body:
    return Body.objects.select_for_update().get(pk=body.pk)


@transaction.atomic
def membership_start(
    *,
    person: Person,
    body: Body,
    partner: Partner,
    role: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> Membership:
    """Seat a person in a body; working-group seats default to the 2-year term."""
    body = _lock_body(body)
    if ends_on is None:
        ends_on = _term_end(body, starts_on)
    membership = Membership(
        person=person, body=body, partner=partner, role=role, starts_on=starts_on, ends_on=ends_on
    )
    # The clear message on "role" (naming who holds it) before the generic one of the
    # exclusion constraint, which full_clean() would otherwise raise first.
    membership.full_clean(validate_constraints=False)
    _check_unique_role(membership)
    membership.validate_constraints()
    membership.save()
    sync_person_rights(person=person)
    return membership


@transaction.atomic
def membership_change(
    *,
    membership: Membership,
    role: str,
    partner: Partner,
    starts_on: dt.date,
    ends_on: dt.date | None,
) -> Membership:
    _lock_body(membership.body)
    membership.role = role
    membership.partner = partner
    membership.starts_on = starts_on
    membership.ends_on = ends_on
    # The clear message on "role" (naming who holds it) before the generic one of the
    # exclusion constraint, which full_clean() would otherwise raise first.
    membership.full_clean(validate_constraints=False)
    _check_unique_role(membership)
    membership.validate_constraints()
    membership.save()
    sync_person_rights(person=membership.person)
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, ends_on: dt.date | None = None) -> Membership:
    """End a membership (default: today); the rights end with it."""
    ends_on = ends_on or today()
    if ends_on < membership.starts_on:
        raise ValidationError({"ends_on": _("Medlemskapet kan ikke slutte før det begynner.")})
    membership.ends_on = ends_on
    membership.full_clean()
    membership.save()
    sync_person_rights(person=membership.person)
    return membership


# --- Invitations ------------------------------------------------------------------------------
def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A repeated submit of the same invitation within this window is the same invitation.
INVITATION_REPEAT_WINDOW = dt.timedelta(minutes=10)


@transaction.atomic
def invitation_create(
    *,
    invited_by: Person,
    email: str,
    full_name: str,
    partner: Partner | None = None,
    language: str = "nb",
) -> tuple[Invitation, str | None]:
    """Create an invitation and send its link once the transaction commits.

    Only a hash of the token is stored; the link itself is the secret. The same invitation
    submitted again by the same person within ``INVITATION_REPEAT_WINDOW`` returns the one
    already sent, with no token (nothing is sent again).
    """
    email = email.strip().lower()
    if Person.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Det finnes allerede en person med denne e-postadressen.")}
        )
    now = timezone.now()
    # An expired, unused invitation to the same address is closed so a new one can be sent.
    Invitation.objects.filter(
        email=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now
    ).update(revoked_at=now)
    existing = (
        Invitation.objects.select_for_update()
        .filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if existing is not None:
        if (
            existing.invited_by_id == invited_by.pk
            and existing.full_name == full_name
            and existing.partner_id == (partner.pk if partner else None)
            and existing.created_at >= now - INVITATION_REPEAT_WINDOW
        ):
            # The same invitation submitted again (a double click, a reload after a slow
            # answer): the one already sent stands; nothing is sent twice (issue 11 §9).
            return existing, None
        raise ValidationError(
            {"email": _("Det finnes allerede en åpen invitasjon til denne adressen.")}
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        full_name=full_name,
        partner=partner,
        language=language,
        token_hash=_hash_token(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=timeutils.days_after(now, settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    # Through the outbox: the e-mail is a row of this transaction, sent once it commits.
    _send_invitation(invitation, token)
    return invitation, token


def invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})


def _send_invitation(invitation: Invitation, token: str) -> None:
    context = {
        "invitation": invitation,
        "url": invitation_url(token),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    draft = outbox.compose(
        kind=NotificationKind.INVITATION,
        # One message per invitation; a new invitation to the same address is a new row.
        idempotency_key=f"invitation:{invitation.pk}:email",
        template="partnership/email/invitation",
        context=context,
        subject=lambda: _("Invitasjon til portalen for Partnerskap mot mobbing"),
        to_email=invitation.email,
        language=invitation.language,
        # The body holds the single-use link; only a hash of the token is kept after sending.
        scrub_after_send=True,
    )
    outbox.enqueue([draft])


class InvitationInvalid(Exception):
    """The link is unknown, used, revoked or expired; ``reason`` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    qs = Invitation.objects.select_related("partner")
    if lock:
        # of=("self",): the partner is joined with an outer join, which PostgreSQL cannot lock.
        qs = qs.select_for_update(of=("self",))
    invitation = qs.filter(token_hash=_hash_token(token)).first()
    if invitation is None:
        raise InvitationInvalid("unknown")
    if invitation.status != "open":
        raise InvitationInvalid(invitation.status)
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> Person:
    """Create the person from an open invitation; the link can be used once.

    The row is locked, so two clicks on the link cannot create two accounts.
    The address is verified: the person received the link there.
    """
    from allauth.account.models import EmailAddress

    invitation = invitation_for_token(token, lock=True)
    if Person.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationInvalid("accepted")
    person = Person(
        email=invitation.email,
        full_name=invitation.full_name,
        preferred_language=invitation.language,
    )
    person.set_password(password)
    person.full_clean(exclude=["password"])
    person.save()
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    if invitation.partner_id:
        affiliation_start(person=person, partner=invitation.partner, starts_on=today())
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = person
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return person


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.status == "open":
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        outbox.cancel_pending(key_prefix=f"invitation:{invitation.pk}:")
    return invitation
