"""The pipeline's running totals (``ApplicationTotal``), kept by database triggers: whatever
changes the applications (the services, ``update()``, a deletion), the totals equal the
applications counted and summed from scratch, drafts are never counted, and the pipeline shows
what the applications add up to."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum

from partnerpot import selectors, services
from partnerpot.models import Application, ApplicationTotal
from tests.partnerpot.factories import (
    assessed_application,
    at_meeting,
    draft_application,
    on_agenda,
    open_call,
    submitted_application,
)

Status = Application.Status


def _from_scratch() -> dict:
    unsent = Q(status=Status.WITHDRAWN, submitted_at__isnull=True)
    out = {}
    for call_id, status, n, n_unsent, requested, granted in (
        Application.objects.exclude(status=Status.DRAFT)
        .values_list("call_id", "status")
        .annotate(
            n=Count("pk"),
            unsent=Count("pk", filter=unsent),
            requested=Sum("requested_amount"),
            granted=Sum("granted_amount"),
        )
        .order_by()
    ):
        # Split as the totals are keyed: sent and unsent apart.
        sent = n - n_unsent
        if sent:
            out[(call_id, status, False)] = sent
        if n_unsent:
            out[(call_id, status, True)] = n_unsent
        out[(call_id, status, "requested")] = requested or Decimal(0)
        out[(call_id, status, "granted")] = granted or Decimal(0)
    return out


def _kept() -> dict:
    out: dict = {}
    for call_id, status, unsent, n, requested, granted in ApplicationTotal.objects.values_list(
        "call_id", "status", "unsent", "applications", "requested", "granted"
    ):
        out[(call_id, status, unsent)] = n
        for key, amount in (("requested", requested), ("granted", granted)):
            out[(call_id, status, key)] = out.get((call_id, status, key), Decimal(0)) + amount
    return out


def _partly_grant(call, application, amount: Decimal, *, by) -> None:
    """Through the agenda and the Partnermøte's decision, as the services do it."""
    on_agenda(call=call, applications=[application], by=by)
    with at_meeting(call.deciding_meeting):
        services.application_decide(
            application=Application.objects.get(pk=application.pk),
            outcome=Status.PARTLY_GRANTED,
            amount=amount,
            reason="Delvis.",
            by=by,
        )


def test_the_totals_follow_every_kind_of_change(registry, partner_rep, secretariat):
    call = open_call(by=secretariat)
    other = open_call(by=secretariat, title="Utlysning to")
    draft = draft_application(call=call, applicant=registry.partner, by=partner_rep)
    assert not ApplicationTotal.objects.exists()  # a draft is not counted
    services.application_save(application=draft, by=partner_rep, requested_amount="40000")
    assert not ApplicationTotal.objects.exists()  # nor its autosave
    submitted = submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    assessed = assessed_application(
        call=call, applicant=registry.other_partner, by=partner_rep, assessor=secretariat
    )
    services.application_withdraw(application=draft, by=partner_rep)  # withdrawn unsent
    assert _kept() == _from_scratch()
    assert ApplicationTotal.objects.get(status=Status.WITHDRAWN).unsent
    services.application_withdraw(application=submitted, by=partner_rep)  # withdrawn, sent
    assert _kept() == _from_scratch()
    _partly_grant(call, assessed, Decimal("12345.50"), by=secretariat)
    assert _kept() == _from_scratch()
    assert ApplicationTotal.objects.get(status=Status.PARTLY_GRANTED).granted == Decimal("12345.50")
    # Past the services: update() of an amount and of the call, a step back, a deletion.
    Application.objects.filter(pk=assessed.pk).update(granted_amount=Decimal("10000"))
    assert _kept() == _from_scratch()
    Application.objects.filter(pk=assessed.pk).update(call=other)
    assert _kept() == _from_scratch()
    assert not ApplicationTotal.objects.filter(call=call, status=Status.PARTLY_GRANTED).exists()
    extra = submitted_application(call=other, applicant=registry.partner, by=partner_rep)
    Application.objects.filter(pk=extra.pk).update(status=Status.DRAFT)  # back to a draft
    assert _kept() == _from_scratch()
    keys = ApplicationTotal.objects.count()
    Application.objects.filter(pk=extra.pk).update(status=Status.SUBMITTED)
    assert ApplicationTotal.objects.count() == keys + 1
    extra.budget_lines.all().delete()
    extra.delete()
    assert _kept() == _from_scratch()
    assert ApplicationTotal.objects.count() == keys  # its key had no other application


def test_the_pipeline_shows_what_the_applications_add_up_to(registry, partner_rep, secretariat):
    call = open_call(by=secretariat)
    submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    assessed = assessed_application(
        call=call,
        applicant=registry.other_partner,
        by=partner_rep,
        assessor=secretariat,
        requested_amount="50000",
        own_contribution="10000",
    )
    unsent = draft_application(
        call=call, applicant=registry.partner, by=partner_rep, requested_amount="7000"
    )
    services.application_withdraw(application=unsent, by=partner_rep)
    _partly_grant(call, assessed, Decimal("45000"), by=secretariat)
    (row,) = selectors.pipeline()
    assert row.counts == {Status.SUBMITTED: 1, Status.PARTLY_GRANTED: 1, Status.WITHDRAWN: 1}
    assert row.listed == {Status.SUBMITTED: 1, Status.PARTLY_GRANTED: 1, Status.WITHDRAWN: 0}
    assert row.requested[Status.SUBMITTED] == Decimal("100000")
    assert row.requested[Status.PARTLY_GRANTED] == Decimal("50000")
    assert row.requested[Status.WITHDRAWN] == Decimal("7000")
    assert row.granted == Decimal("45000")
    assert row.applied == Decimal("150000")
