"""Registry services: what a view, a Celery task and a management command all rely on."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from partnership import services, tasks
from partnership.models import (
    Affiliation,
    Body,
    BodyUserObjectPermission,
    Invitation,
    Membership,
    Partner,
    Person,
    today,
)
from partnership.validators import validate_organisation_number

from ..factories import (
    BodyFactory,
    InvitationFactory,
    MembershipFactory,
    PartnerFactory,
    PersonFactory,
    invalid_orgnr,
    spare_orgnr,
)

FORMAT_MESSAGE = "Organisasjonsnummeret må ha nøyaktig 9 sifre."
CHECKSUM_MESSAGE = "Organisasjonsnummeret er ikke gyldig (kontrollsifferet stemmer ikke)."


def fresh(person: Person) -> Person:
    """Django and guardian cache rights on the user object: read the person again."""
    return Person.objects.get(pk=person.pk)


# --- Organisation numbers ----------------------------------------------------------------
@pytest.mark.parametrize("number", ["974760673", "923609016", spare_orgnr(1), spare_orgnr(2)])
def test_valid_organisation_numbers_pass(number):
    validate_organisation_number(number)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("974760674", CHECKSUM_MESSAGE),  # wrong check digit
        (invalid_orgnr(3), CHECKSUM_MESSAGE),
        ("97476067", FORMAT_MESSAGE),  # 8 digits
        ("9747606731", FORMAT_MESSAGE),  # 10 digits
        ("97476067A", FORMAT_MESSAGE),  # letters
        ("974 760 673", FORMAT_MESSAGE),  # the form strips spaces; the validator does not
    ],
)
def test_invalid_organisation_numbers_get_a_clear_message(number, message):
    with pytest.raises(ValidationError) as exc:
        validate_organisation_number(number)
    assert exc.value.messages == [message]


def test_a_number_whose_check_digit_would_be_10_is_never_valid():
    # 10000001x: weights give remainder 1 → check digit 10, so no ninth digit works.
    prefix = next(
        f"{n:08d}"
        for n in range(10_000_000, 10_001_000)
        if (sum(int(d) * w for d, w in zip(f"{n:08d}", (3, 2, 7, 6, 5, 4, 3, 2))) % 11) == 1
    )
    for last in "0123456789":
        with pytest.raises(ValidationError):
            validate_organisation_number(prefix + last)


# --- Partners --------------------------------------------------------------------------------
def partner_fields(**overrides) -> dict:
    fields = {
        "name": "Elevorganisasjonen",
        "short_name": "EO",
        "kind": Partner.Kind.PUPILS,
        "organisation_number": spare_orgnr(500),
        "website": "https://elev.no/",
        "contact_email": "post@elev.no",
        "active_from": dt.date(2021, 1, 1),
        "active_to": None,
    }
    fields.update(overrides)
    return fields


def test_partner_create_makes_the_partner_and_its_group(db):
    partner = services.partner_create(**partner_fields())
    assert Partner.objects.get(pk=partner.pk).organisation_number == spare_orgnr(500)
    assert partner.group is not None
    assert partner.group.name == f"partner:{partner.pk}"


def test_partner_create_with_a_duplicate_organisation_number_saves_nothing(db):
    services.partner_create(**partner_fields())
    with pytest.raises(ValidationError) as exc:
        services.partner_create(**partner_fields(name="Noe annet", short_name="NA"))
    assert exc.value.message_dict["organisation_number"] == [
        "En partner med dette organisasjonsnummeret finnes allerede."
    ]
    assert Partner.objects.count() == 1


def test_partner_create_with_a_bad_check_digit_saves_nothing(db):
    with pytest.raises(ValidationError) as exc:
        services.partner_create(**partner_fields(organisation_number=invalid_orgnr(7)))
    assert exc.value.message_dict["organisation_number"] == [CHECKSUM_MESSAGE]
    assert not Partner.objects.exists()


def test_partner_create_refuses_an_end_before_the_start(db):
    with pytest.raises(ValidationError) as exc:
        services.partner_create(**partner_fields(active_to=dt.date(2020, 1, 1)))
    assert "Sluttdatoen kan ikke være før startdatoen." in exc.value.messages
    assert not Partner.objects.exists()


def test_partner_update_changes_fields_and_keeps_history(db):
    partner = PartnerFactory()
    services.partner_update(partner=partner, website="https://ny.example.org/")
    partner.refresh_from_db()
    assert partner.website == "https://ny.example.org/"
    assert partner.history.count() == 2


# --- Memberships ----------------------------------------------------------------------------
def test_membership_that_ends_before_it_starts_is_refused_and_nothing_saved(registry):
    person = PersonFactory()
    with pytest.raises(ValidationError) as exc:
        services.membership_start(
            person=person,
            body=registry.partners_meeting,
            partner=registry.partner,
            role=Membership.Role.MEMBER,
            starts_on=dt.date(2025, 3, 1),
            ends_on=dt.date(2025, 2, 1),
        )
    assert "Medlemskapet kan ikke slutte før det begynner." in exc.value.messages
    assert not Membership.objects.filter(person=person).exists()
    assert not fresh(person).groups.exists()


def test_working_group_membership_defaults_to_a_two_year_term(registry):
    membership = services.membership_start(
        person=PersonFactory(),
        body=registry.wg_local,
        partner=registry.partner,
        role=Membership.Role.MEMBER,
        starts_on=dt.date(2025, 1, 1),
    )
    assert membership.ends_on == dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (dt.date(2024, 2, 28), dt.date(2026, 2, 27)),
        (dt.date(2024, 2, 29), dt.date(2026, 2, 28)),  # leap day: a full two years
        (dt.date(2024, 3, 1), dt.date(2026, 2, 28)),
    ],
)
def test_two_year_terms_around_a_leap_day(registry, starts_on, ends_on):
    membership = services.membership_start(
        person=PersonFactory(),
        body=registry.wg_local,
        partner=registry.partner,
        role=Membership.Role.MEMBER,
        starts_on=starts_on,
    )
    assert membership.ends_on == ends_on


def test_other_bodies_have_open_ended_memberships(registry):
    membership = services.membership_start(
        person=PersonFactory(),
        body=registry.partners_meeting,
        partner=registry.partner,
        role=Membership.Role.MEMBER,
        starts_on=dt.date(2025, 1, 1),
    )
    assert membership.ends_on is None


def test_an_explicit_end_overrides_the_default_term(registry):
    membership = services.membership_start(
        person=PersonFactory(),
        body=registry.wg_local,
        partner=registry.partner,
        role=Membership.Role.MEMBER,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 6, 30),
    )
    assert membership.ends_on == dt.date(2025, 6, 30)


def _leader(registry, **kwargs) -> Membership:
    defaults = {
        "person": PersonFactory(full_name="Første Leder"),
        "body": registry.wg_local,
        "partner": registry.partner,
        "role": Membership.Role.LEADER,
        "starts_on": dt.date(2025, 1, 1),
    }
    defaults.update(kwargs)
    return services.membership_start(**defaults)


def test_a_second_leader_in_the_same_term_is_refused_on_the_role_field(registry):
    _leader(registry)
    second = PersonFactory(full_name="Andre Leder")
    with pytest.raises(ValidationError) as exc:
        services.membership_start(
            person=second,
            body=registry.wg_local,
            partner=registry.other_partner,
            role=Membership.Role.LEADER,
            starts_on=dt.date(2025, 6, 1),
        )
    messages = exc.value.message_dict["role"]
    assert len(messages) == 1
    assert "Arbeidsgruppe lokalt nivå" in messages[0]
    assert "Første Leder" in messages[0]
    assert not Membership.objects.filter(person=second).exists()
    assert not fresh(second).groups.exists()


@pytest.mark.parametrize("role", [Membership.Role.FINANCE_LEAD, Membership.Role.COMMUNICATION_LEAD])
def test_finance_and_communication_leads_are_unique_too(registry, role):
    services.membership_start(
        person=PersonFactory(),
        body=registry.wg_local,
        partner=registry.partner,
        role=role,
        starts_on=dt.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.membership_start(
            person=PersonFactory(),
            body=registry.wg_local,
            partner=registry.partner,
            role=role,
            starts_on=dt.date(2025, 2, 1),
        )
    assert "role" in exc.value.message_dict


def test_many_ordinary_members_are_fine(registry):
    for _ in range(3):
        services.membership_start(
            person=PersonFactory(),
            body=registry.wg_local,
            partner=registry.partner,
            role=Membership.Role.MEMBER,
            starts_on=dt.date(2025, 1, 1),
        )
    assert Membership.objects.filter(body=registry.wg_local).count() == 3


def test_the_database_refuses_a_second_leader_even_without_the_service(registry):
    first = _leader(registry)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            person=PersonFactory(),
            body=registry.wg_local,
            partner=registry.partner,
            role=Membership.Role.LEADER,
            starts_on=dt.date(2025, 3, 1),
            ends_on=dt.date(2025, 4, 1),
        )
    assert list(Membership.objects.filter(body=registry.wg_local)) == [first]


def test_the_database_refuses_a_membership_ending_before_it_starts(registry):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            person=PersonFactory(),
            body=registry.wg_local,
            partner=registry.partner,
            role=Membership.Role.MEMBER,
            starts_on=dt.date(2025, 3, 1),
            ends_on=dt.date(2025, 2, 1),
        )


def test_a_new_leader_after_the_old_one_ends_is_fine(registry):
    old = _leader(registry)  # 2025-01-01 – 2026-12-31
    new = _leader(registry, person=PersonFactory(), starts_on=dt.date(2027, 1, 1))
    assert new.ends_on == dt.date(2028, 12, 31)
    assert old.ends_on < new.starts_on


def test_the_same_role_in_another_working_group_is_fine(registry):
    _leader(registry)
    _leader(registry, person=PersonFactory(), body=registry.wg_national)
    assert Membership.objects.filter(role=Membership.Role.LEADER).count() == 2


def test_ending_the_old_leader_makes_room_for_a_new_one(registry):
    old = _leader(registry)
    services.membership_end(membership=old, ends_on=dt.date(2025, 5, 31))
    new = _leader(registry, person=PersonFactory(), starts_on=dt.date(2025, 6, 1))
    assert new.pk


def test_membership_change_updates_role_and_dates(registry, wg_member):
    membership = Membership.objects.get(person=wg_member)
    services.membership_change(
        membership=membership,
        role=Membership.Role.DEPUTY_LEADER,
        partner=registry.other_partner,
        starts_on=membership.starts_on,
        ends_on=membership.starts_on + dt.timedelta(days=100),
    )
    membership.refresh_from_db()
    assert membership.role == Membership.Role.DEPUTY_LEADER
    assert membership.partner == registry.other_partner
    # A deputy leader may lead the body (direct object permission).
    assert fresh(wg_member).has_perm("partnership.lead_body", registry.wg_local)


def test_membership_change_into_a_taken_role_is_refused_and_nothing_saved(
    registry, wg_member, wg_leader
):
    membership = Membership.objects.get(person=wg_member)
    with pytest.raises(ValidationError) as exc:
        services.membership_change(
            membership=membership,
            role=Membership.Role.LEADER,
            partner=membership.partner,
            starts_on=membership.starts_on,
            ends_on=membership.ends_on,
        )
    assert "Gro Gruppeleder" in exc.value.message_dict["role"][0]
    assert Membership.objects.get(pk=membership.pk).role == Membership.Role.MEMBER


def test_membership_end_sets_the_last_day(registry, wg_member):
    membership = Membership.objects.get(person=wg_member)
    services.membership_end(membership=membership)
    assert Membership.objects.get(pk=membership.pk).ends_on == today()


def test_membership_end_before_the_start_is_refused(registry, wg_member):
    membership = Membership.objects.get(person=wg_member)
    with pytest.raises(ValidationError) as exc:
        services.membership_end(
            membership=membership, ends_on=membership.starts_on - dt.timedelta(days=1)
        )
    assert exc.value.message_dict["ends_on"] == ["Medlemskapet kan ikke slutte før det begynner."]
    assert Membership.objects.get(pk=membership.pk).ends_on == membership.ends_on


def test_membership_changes_are_recorded_with_history(registry, wg_member):
    membership = Membership.objects.get(person=wg_member)
    services.membership_end(membership=membership)
    assert [r.history_type for r in membership.history.order_by("history_id")] == ["+", "~"]


# --- Rights follow memberships ------------------------------------------------------------------
def test_starting_a_membership_gives_the_groups_and_object_rights(registry):
    person = PersonFactory()
    services.membership_start(
        person=person,
        body=registry.wg_local,
        partner=registry.partner,
        role=Membership.Role.MEMBER,
        starts_on=today(),
    )
    person = fresh(person)
    assert set(person.groups.all()) == {registry.wg_local.group, registry.partner.group}
    assert person.has_perm("partnership.view_body_papers", registry.wg_local)
    assert not person.has_perm("partnership.view_body_papers", registry.wg_national)
    assert not person.has_perm("partnership.lead_body", registry.wg_local)


def test_a_leader_gets_lead_body_directly_and_the_finance_lead_the_finances(registry):
    leader, finance = PersonFactory(), PersonFactory()
    services.membership_start(
        person=leader,
        body=registry.wg_local,
        partner=registry.partner,
        role=Membership.Role.LEADER,
        starts_on=today(),
    )
    services.membership_start(
        person=finance,
        body=registry.wg_local,
        partner=registry.partner,
        role=Membership.Role.FINANCE_LEAD,
        starts_on=today(),
    )
    assert BodyUserObjectPermission.objects.filter(
        user=leader, content_object=registry.wg_local, permission__codename="lead_body"
    ).exists()
    assert fresh(leader).has_perm("partnership.lead_body", registry.wg_local)
    assert not fresh(leader).has_perm("partnership.manage_body_finances", registry.wg_local)
    assert fresh(finance).has_perm("partnership.manage_body_finances", registry.wg_local)
    assert not fresh(finance).has_perm("partnership.lead_body", registry.wg_local)


def test_a_secretariat_seat_gives_the_registry_rights(registry, secretariat, wg_member):
    for codename in ("manage_registry", "invite_people", "view_history"):
        assert fresh(secretariat).has_perm(f"partnership.{codename}")
        assert not fresh(wg_member).has_perm(f"partnership.{codename}")


def test_ending_a_membership_removes_the_rights(registry):
    person = PersonFactory()
    membership = services.membership_start(
        person=person,
        body=registry.wg_local,
        partner=registry.partner,
        role=Membership.Role.LEADER,
        starts_on=today() - dt.timedelta(days=10),
    )
    services.membership_end(membership=membership, ends_on=today() - dt.timedelta(days=1))
    person = fresh(person)
    assert not person.groups.exists()
    assert not person.has_perm("partnership.view_body_papers", registry.wg_local)
    assert not person.has_perm("partnership.lead_body", registry.wg_local)
    assert not BodyUserObjectPermission.objects.filter(user=person).exists()


def test_the_partner_group_stays_while_the_person_is_affiliated(registry, wg_member):
    services.membership_end(
        membership=Membership.objects.get(person=wg_member), ends_on=today() - dt.timedelta(days=1)
    )
    assert list(fresh(wg_member).groups.all()) == [registry.partner.group]


def test_the_daily_job_ends_rights_when_a_membership_runs_out(registry):
    person = PersonFactory()
    services.membership_start(
        person=person,
        body=registry.wg_local,
        partner=registry.partner,
        role=Membership.Role.LEADER,
        starts_on=today() - dt.timedelta(days=10),
        ends_on=today(),
    )
    assert fresh(person).has_perm("partnership.lead_body", registry.wg_local)

    assert services.sync_due_memberships(day=today()) == 0  # nothing has changed yet
    assert services.sync_due_memberships(day=today() + dt.timedelta(days=1)) == 1
    person = fresh(person)
    assert not person.groups.exists()
    assert not person.has_perm("partnership.lead_body", registry.wg_local)
    assert not Membership.objects.get(person=person).rights_active


def test_a_membership_starting_tomorrow_gives_rights_only_when_the_job_runs_that_day(registry):
    person = PersonFactory()
    tomorrow = today() + dt.timedelta(days=1)
    services.membership_start(
        person=person,
        body=registry.wg_local,
        partner=registry.partner,
        role=Membership.Role.LEADER,
        starts_on=tomorrow,
    )
    assert not fresh(person).groups.exists()
    assert not fresh(person).has_perm("partnership.lead_body", registry.wg_local)

    assert services.sync_due_memberships(day=today()) == 0
    assert not fresh(person).groups.exists()

    assert services.sync_due_memberships(day=tomorrow) == 1
    person = fresh(person)
    assert registry.wg_local.group in person.groups.all()
    assert person.has_perm("partnership.view_body_papers", registry.wg_local)
    assert person.has_perm("partnership.lead_body", registry.wg_local)
    assert services.sync_due_memberships(day=tomorrow) == 0  # idempotent


def test_the_celery_task_runs_the_daily_job(registry):
    person = PersonFactory()
    services.membership_start(
        person=person,
        body=registry.wg_local,
        partner=registry.partner,
        role=Membership.Role.MEMBER,
        starts_on=today() - dt.timedelta(days=5),
        ends_on=today(),
    )
    newcomer = PersonFactory()
    services.membership_start(
        person=newcomer,
        body=registry.wg_national,
        partner=registry.partner,
        role=Membership.Role.MEMBER,
        starts_on=today() + dt.timedelta(days=1),
    )
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=1)):
        assert tasks.sync_membership_rights() == 2
        assert not fresh(person).groups.exists()
        assert registry.wg_national.group in fresh(newcomer).groups.all()


# --- Invitations ----------------------------------------------------------------------------------
def test_invitation_sends_one_email_with_the_link(
    registry, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invitation_create(
            invited_by=secretariat,
            email="  Ny.Person@Example.org ",
            full_name="Ny Person",
            partner=registry.partner,
        )
    assert invitation.email == "ny.person@example.org"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny.person@example.org"]
    link = services.invitation_url(token)
    assert urlsplit(link).path == reverse("invitation_accept", kwargs={"token": token})
    assert link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert link in html
    # Only a hash of the token is stored.
    assert token not in Invitation.objects.values_list("token_hash", flat=True)


def test_no_email_when_the_transaction_rolls_back(
    registry, secretariat, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.invitation_create(invited_by=secretariat, email="x@example.org", full_name="X")
        raise RuntimeError
    assert callbacks == []
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_the_invitation_email_is_in_the_invitees_language(
    registry, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            invited_by=secretariat, email="en@example.org", full_name="E", language="en"
        )
    with translation.override("en"):
        expected = translation.gettext("Invitasjon til portalen for Partnerskap mot mobbing")
    assert mail.outbox[0].subject == expected


def test_accepting_creates_a_verified_affiliated_person_who_can_sign_in(
    registry, secretariat, client
):
    invitation = InvitationFactory(
        invited_by=secretariat,
        email="ny@example.org",
        full_name="Nina Ny",
        partner=registry.partner,
        language="nn",
    )
    person = services.invitation_accept(token=invitation.token, password="et-langt-og-godt-passord")

    assert person.email == "ny@example.org"
    assert person.full_name == "Nina Ny"
    assert person.preferred_language == "nn"
    assert EmailAddress.objects.filter(
        user=person, email="ny@example.org", verified=True, primary=True
    ).exists()
    affiliation = Affiliation.objects.get(person=person)
    assert affiliation.partner == registry.partner
    assert affiliation.starts_on == today()
    assert registry.partner.group in fresh(person).groups.all()
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert invitation.accepted_by == person

    response = client.post(
        reverse("account_login"),
        {"login": "ny@example.org", "password": "et-langt-og-godt-passord"},
    )
    assert response.status_code == 302
    assert response.wsgi_request.user == person


def test_an_invitation_link_works_only_once(registry, secretariat):
    invitation = InvitationFactory(invited_by=secretariat)
    services.invitation_accept(token=invitation.token, password="et-langt-og-godt-passord")
    with pytest.raises(services.InvitationInvalid) as exc:
        services.invitation_accept(token=invitation.token, password="et-annet-godt-passord")
    assert exc.value.reason == "accepted"
    assert Person.objects.filter(email=invitation.email).count() == 1


def test_an_expired_invitation_is_refused(registry, secretariat, settings):
    invitation = InvitationFactory(invited_by=secretariat)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.INVITATION_VALID_DAYS, minutes=1)
    with time_machine.travel(later), pytest.raises(services.InvitationInvalid) as exc:
        services.invitation_accept(token=invitation.token, password="et-langt-og-godt-passord")
    assert exc.value.reason == "expired"
    assert not Person.objects.filter(email=invitation.email).exists()


def test_an_invitation_is_valid_until_it_expires(registry, secretariat, settings):
    invitation = InvitationFactory(invited_by=secretariat)
    almost = dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.INVITATION_VALID_DAYS, minutes=-1)
    with time_machine.travel(almost):
        assert services.invitation_for_token(invitation.token) == invitation


def test_a_revoked_invitation_is_refused(registry, secretariat):
    invitation = InvitationFactory(invited_by=secretariat)
    services.invitation_revoke(invitation=invitation)
    with pytest.raises(services.InvitationInvalid) as exc:
        services.invitation_accept(token=invitation.token, password="et-langt-og-godt-passord")
    assert exc.value.reason == "revoked"


def test_an_unknown_token_is_refused(db):
    with pytest.raises(services.InvitationInvalid) as exc:
        services.invitation_for_token("finnes-ikke")
    assert exc.value.reason == "unknown"


def test_inviting_an_existing_person_is_refused(registry, secretariat, wg_member):
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(
            invited_by=secretariat, email=wg_member.email.upper(), full_name="X"
        )
    assert exc.value.message_dict["email"] == [
        "Det finnes allerede en person med denne e-postadressen."
    ]
    assert not Invitation.objects.filter(email=wg_member.email).exists()


def test_a_second_open_invitation_to_the_same_address_is_refused(registry, secretariat):
    InvitationFactory(invited_by=secretariat, email="dobbel@example.org")
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(
            invited_by=secretariat, email="Dobbel@example.org", full_name="X"
        )
    assert exc.value.message_dict["email"] == [
        "Det finnes allerede en åpen invitasjon til denne adressen."
    ]
    assert Invitation.objects.filter(email="dobbel@example.org").count() == 1


def test_a_new_invitation_may_replace_an_expired_or_revoked_one(registry, secretariat, settings):
    revoked = InvitationFactory(invited_by=secretariat, email="igjen@example.org")
    services.invitation_revoke(invitation=revoked)
    expired = InvitationFactory(invited_by=secretariat, email="igjen@example.org")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.INVITATION_VALID_DAYS + 1)
    with time_machine.travel(later):
        fresh_invitation, _token = services.invitation_create(
            invited_by=secretariat, email="igjen@example.org", full_name="X"
        )
    expired.refresh_from_db()
    assert expired.status != "open"
    assert fresh_invitation.status == "open"


def test_registry_writes_are_kept_in_the_history(db):
    body = BodyFactory(kind=Body.Kind.PARTNERS)
    partner = PartnerFactory()
    MembershipFactory(body=body, partner=partner)
    assert partner.history.count() == 1
    assert Membership.history.count() == 1


def test_the_same_invitation_submitted_twice_is_sent_once(registry, secretariat, mailoutbox):
    """A double click (or a reload) on the same invitation returns the one already sent; a
    different invitation to an address with an open one is refused (issue 11 §9)."""
    from partnership.models import Invitation, OutboxMessage

    first, token = services.invitation_create(
        invited_by=secretariat, email="ny@example.no", full_name="Ny Person"
    )
    again, token_again = services.invitation_create(
        invited_by=secretariat, email="NY@example.no ", full_name="Ny Person"
    )
    assert again.pk == first.pk and token and token_again is None
    assert Invitation.objects.filter(email="ny@example.no").count() == 1
    assert OutboxMessage.objects.filter(to_email="ny@example.no").count() == 1
    with pytest.raises(ValidationError):
        services.invitation_create(
            invited_by=secretariat, email="ny@example.no", full_name="Et annet navn"
        )
