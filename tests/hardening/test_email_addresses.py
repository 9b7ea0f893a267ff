"""Issue 10 §8: nobody can attach another person's login address to their account, and a
changed address replaces the old one only once it is confirmed."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from partnership.models import NotificationKind, OutboxMessage, Person

pytestmark = pytest.mark.django_db


def test_another_accounts_address_is_refused_without_saying_whose(
    client, login, partner_rep, wg_member
):
    login(partner_rep)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": wg_member.email.upper()}
    )
    assert response.status_code == 200
    assert "kan ikke legges til kontoen din" in response.text
    assert wg_member.full_name not in response.text
    assert not EmailAddress.objects.filter(user=partner_rep, email__iexact=wg_member.email)
    assert not OutboxMessage.objects.filter(to_email__iexact=wg_member.email)


def test_a_new_address_replaces_the_old_only_once_confirmed(client, login, partner_rep):
    old = partner_rep.email
    login(partner_rep)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "pia.ny@example.org"}
    )
    assert response.status_code == 302
    partner_rep.refresh_from_db()
    assert partner_rep.email == old  # still signs in with the old one
    assert EmailAddress.objects.get(user=partner_rep, primary=True).email == old

    row = OutboxMessage.objects.get(kind=NotificationKind.ACCOUNT, to_email="pia.ny@example.org")
    key = re.search(r"/confirm-email/([^/\s]+)/", row.body_text).group(1)
    response = client.post(reverse("account_confirm_email", args=[key]))
    assert response.status_code == 302
    partner_rep = Person.objects.get(pk=partner_rep.pk)
    assert partner_rep.email == "pia.ny@example.org"
    assert list(EmailAddress.objects.filter(user=partner_rep).values_list("email", flat=True)) == [
        "pia.ny@example.org"
    ]
