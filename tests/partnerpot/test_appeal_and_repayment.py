"""Appeal wording in decision letters and recorded repayments (the meetings-in-practice
issue, finding 10): where the wording comes from, and what a repayment record refuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnerpot import services
from partnerpot.models import Application, Call, Grant

from ..conftest import make_persona, make_registry
from .factories import assessed_application, at_meeting, on_agenda, open_call

pytestmark = pytest.mark.django_db

CRITERIA = """Kriterier for Partnerpotten

1. Prosjektet når barn og unge.
2. Barn og unge medvirker.

5. Klageadgang

Vedtaket kan påklages til partnermøtet innen tre uker.
"""


def test_appeal_from_text_takes_the_paragraph_under_the_heading():
    assert services.appeal_from_text(CRITERIA) == (
        "Vedtaket kan påklages til partnermøtet innen tre uker."
    )
    one_paragraph = "Innledning.\n\nKlage: vedtaket kan ikke påklages.\n"
    assert services.appeal_from_text(one_paragraph) == "Klage: vedtaket kan ikke påklages."
    heading_with_text = "Klageadgang\nSend klagen til sekretariatet.\n"
    assert services.appeal_from_text(heading_with_text) == "Send klagen til sekretariatet."
    assert services.appeal_from_text("1. Prosjektet når barn.\n") == ""
    assert services.appeal_from_text("") == ""


def test_appeal_wording_call_first_then_criteria_then_default():
    make_registry()
    call = open_call()
    version = call.criteria_version
    version.text = CRITERIA
    version.save(update_fields=["text"])
    call.refresh_from_db()
    assert services.appeal_wording(call) == "Vedtaket kan påklages til partnermøtet innen tre uker."
    call.appeal_text = "  Egen tekst for denne runden.  "
    assert services.appeal_wording(call) == "Egen tekst for denne runden."
    bare = Call(criteria_version=None)
    expected = str(services.DEFAULT_APPEAL_TEXT)
    if services.criteria_in_force() is not None:
        expected = services.appeal_from_text(services.criteria_in_force().text) or expected
    assert services.appeal_wording(bare) == expected


def test_the_call_form_offers_the_wording_and_stores_an_edit():
    make_registry()
    call = open_call()
    call = services.call_update(call=call, appeal_text="Klag til partnermøtet.")
    assert Call.objects.get(pk=call.pk).appeal_text == "Klag til partnermøtet."


@pytest.fixture
def owed_grant(db):
    """A paid-out grant with 40 000 to repay."""
    registry = make_registry()
    secretariat = make_persona("secretariat", registry)
    rep = make_persona("partner_rep", registry)
    call = open_call(by=secretariat)
    application = assessed_application(
        call=call, applicant=registry.partner, by=rep, assessor=secretariat
    )
    on_agenda(call=call, applications=[application], by=secretariat)
    with at_meeting(call.deciding_meeting):
        application = services.application_decide(
            application=application,
            outcome=Application.Status.GRANTED,
            reason="Godt prosjekt.",
            by=secretariat,
        )
    grant = services.grant_pay_out(
        grant=application.grant,
        paid_out_on=timezone.localdate() - dt.timedelta(days=30),
        by=secretariat,
    )
    Grant.objects.filter(pk=grant.pk).update(
        status=Grant.Status.TO_BE_REPAID, repayment_amount=Decimal("40000")
    )
    grant.refresh_from_db()
    return grant


def test_repayment_refusals_leave_the_grant_as_it_was(owed_grant):
    grant = owed_grant
    today = timezone.localdate()
    cases = [
        ({"repaid_on": today + dt.timedelta(days=1), "amount": Decimal("40000")}, "repaid_on"),
        (
            {"repaid_on": grant.paid_out_on - dt.timedelta(days=1), "amount": Decimal("1")},
            "repaid_on",
        ),
        ({"repaid_on": today, "amount": Decimal("0")}, "amount"),
        ({"repaid_on": today, "amount": Decimal("40000.01")}, "amount"),
        ({"repaid_on": today, "amount": Decimal("30000")}, "note"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as caught:
            services.grant_record_repayment(grant=grant, **kwargs)
        assert field in caught.value.error_dict, kwargs
    grant.refresh_from_db()
    assert grant.status == Grant.Status.TO_BE_REPAID and grant.repaid_on is None


def test_a_partial_repayment_with_a_reason_closes_the_grant(owed_grant):
    grant = services.grant_record_repayment(
        grant=owed_grant,
        repaid_on=timezone.localdate(),
        amount=Decimal("30000"),
        note="Partnermøtet frafalt resten (PM-vedtak 4/2026).",
    )
    assert grant.status == Grant.Status.CLOSED
    assert grant.repaid_amount == Decimal("30000.00")
    assert "frafalt resten" in grant.note
    with pytest.raises(ValidationError, match="ikke noe som skal betales tilbake"):
        services.grant_record_repayment(
            grant=grant, repaid_on=timezone.localdate(), amount=Decimal("1")
        )


def test_the_database_refuses_a_repayment_without_a_date(owed_grant):
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.filter(pk=owed_grant.pk).update(repaid_amount=Decimal("10"))
