"""A year of data for the annual report's tests (the current year, inside an agreement period
that runs 2021–2030)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from meetings import services as meeting_services
from partnerpot import services as pp_services
from partnerpot.models import Application
from partnership.models import Period
from workgroups import services as wg_services

from ..factories import PeriodFactory
from ..meetings.factories import held_meeting
from ..partnerpot.factories import assessed_application, at_meeting, on_agenda, open_call
from ..workgroups.factories import adopted_budget

YEAR = timezone.localdate().year


def agreement_period() -> Period:
    return PeriodFactory(starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2030, 12, 31))


def year_of_data(registry, secretariat, rep) -> dict:
    """Two Ledermøter, one Partnermøte, a decision, a grant and spending."""
    agreement_period()
    lm = [held_meeting(body=registry.leaders_meeting, days_ago=d) for d in (20, 10)]
    decision = meeting_services.decision_record(
        meeting=lm[0], title="Handlingsplanen evalueres", text="Evalueringen settes i gang."
    )
    adopted_budget(registry, year=YEAR, local="300000")
    wg_services.entry_record(
        working_group=registry.wg_local,
        date=dt.date(YEAR, 2, 1),
        description="Reise",
        amount=Decimal("12345.50"),
        category="travel",
        status="paid",
    )
    call = open_call(by=secretariat)
    application = assessed_application(
        call=call, applicant=registry.partner, by=rep, assessor=secretariat
    )
    on_agenda(call=call, applications=[application], by=secretariat)
    with at_meeting(call.deciding_meeting):
        application = pp_services.application_decide(
            application=application,
            outcome=Application.Status.GRANTED,
            reason="Godt prosjekt.",
            by=secretariat,
        )
    return {"decision": decision, "application": application, "call": call}
