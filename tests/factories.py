"""factory_boy factories for the registry.

Rows whose creation has consequences (memberships, affiliations, invitations)
go through ``partnership.services`` so groups and object rights are kept in
step exactly as in production.
"""

from __future__ import annotations

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from partnership import services
from partnership.models import (
    Affiliation,
    Body,
    Invitation,
    Membership,
    Partner,
    Period,
    Person,
    today,
)

ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def orgnr_check_digit(first_eight: str) -> int | None:
    """The mod-11 check digit for the first eight digits, or None when there is none (10)."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, ORGNR_WEIGHTS, strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return None if check == 10 else check


def valid_orgnr(n: int) -> str:
    """The n-th valid organisation number; unique per n.

    Two neighbouring prefixes differ by the last weight (2) in their sums, so at
    most one of them lacks a check digit.
    """
    prefix = 81_000_000 + 2 * n
    for candidate in (prefix, prefix + 1):
        check = orgnr_check_digit(str(candidate))
        if check is not None:
            return f"{candidate}{check}"
    raise AssertionError("unreachable")


def spare_orgnr(k: int) -> str:
    """A valid number far above the factories' sequence, for tests that type one in."""
    return valid_orgnr(9_000_000 + k)


def invalid_orgnr(n: int = 0) -> str:
    """A nine-digit number whose check digit is wrong."""
    good = valid_orgnr(n)
    return good[:8] + str((int(good[8]) + 1) % 10)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partnerorganisasjon {n:04d}")
    short_name = factory.Sequence(lambda n: f"P{n:04d}")
    kind = Partner.Kind.OTHER
    organisation_number = factory.Sequence(valid_orgnr)
    active_from = dt.date(2021, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.partner_create(**kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="no_NO")
    title = "Rådgiver"
    phone = factory.Sequence(lambda n: f"+47 900 {n:05d}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook
        obj.set_password(extracted or "korrekt-hest-batteri-stift")
        if create:
            obj.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Organ {n:04d}")
    short_name = factory.Sequence(lambda n: f"O{n:04d}")
    kind = Body.Kind.PARTNERS
    level = ""

    class Params:
        working_group = factory.Trait(
            kind=Body.Kind.WORKING_GROUP,
            level=Body.Level.LOCAL,
            term_years=2,
            name=factory.Sequence(lambda n: f"Arbeidsgruppe {n:04d}"),
        )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        body = model_class(*args, **kwargs)
        body.full_clean()
        body.save()
        services.ensure_body_group(body=body)
        return body


class MembershipFactory(factory.django.DjangoModelFactory):
    """Seats a person through ``services.membership_start`` (groups and rights follow)."""

    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    body = factory.SubFactory(BodyFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = Membership.Role.MEMBER
    starts_on = factory.LazyFunction(lambda: today() - dt.timedelta(days=30))
    ends_on = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.membership_start(**kwargs)


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    partner = factory.SubFactory(PartnerFactory)
    starts_on = factory.LazyFunction(lambda: today() - dt.timedelta(days=365))
    ends_on = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.affiliation_start(**kwargs)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    kind = Period.Kind.AGREEMENT
    title = "Partnerskapsavtale"
    starts_on = dt.date(2021, 1, 1)
    ends_on = dt.date(2025, 12, 31)


class InvitationFactory(factory.django.DjangoModelFactory):
    """Creates through ``services.invitation_create``; the raw token is on ``.token``."""

    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitert{n}@example.org")
    full_name = factory.Faker("name", locale="no_NO")
    partner = None
    language = "nb"
    invited_by = factory.SubFactory(PersonFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        invitation, token = services.invitation_create(**kwargs)
        invitation.token = token
        return invitation


def add_totp(person: Person) -> str:
    """Give the person a TOTP authenticator; returns the secret for computing codes."""
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    return secret
