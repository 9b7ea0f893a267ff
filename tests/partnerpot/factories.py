"""Building blocks for Partnerpotten tests: adopted criteria, calls, complete applications.

Everything is created through the services, so a factory-built object has passed the same
checks a user's would.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import GoverningDocument, Meeting
from partnerpot import services
from partnerpot.models import CRITERIA_DOCUMENT_KEY, Application, BudgetLine, Call
from partnership.models import Body, Partner, Person
from tests.meetings.factories import MeetingFactory, held_meeting, in_days

CRITERIA_TEXT = """Kriterier for Partnerpotten

- Prosjektet bidrar til partnerskapets mål og minst ett av delmålene.
- Barn og unge medvirker i prosjektet.
- Prosjektet er et samarbeid mellom partnere og/eller andre lokale og nasjonale aktører.
- Budsjettet er realistisk, og søkeren bidrar med egne ressurser.
"""


def partners_body() -> Body:
    return Body.objects.get(kind=Body.Kind.PARTNERS)


def adopted_criteria(*, text: str = CRITERIA_TEXT):
    """A version of "Kriterier for Partnerpotten" adopted by the Partnermøte (R12)."""
    body = partners_body()
    document, _ = GoverningDocument.objects.get_or_create(
        key=CRITERIA_DOCUMENT_KEY,
        defaults={"title": "Kriterier for partnerpotten", "responsible_body": body},
    )
    version = meeting_services.document_version_create(document=document, text=text)
    meeting = held_meeting(body=body, days_ago=60)
    decision = meeting_services.decision_record(
        meeting=meeting, text="Kriteriene for Partnerpotten vedtas.", title="Kriterier"
    )
    return meeting_services.document_version_adopt(version=version, decision=decision)


def deciding_meeting(*, days: float = 40) -> Meeting:
    return MeetingFactory(body=partners_body(), starts_at=in_days(days))


def open_call(
    *,
    envelope: Decimal | str = "500000",
    max_per_application: Decimal | str = "200000",
    closes_in_days: float = 20,
    meeting: Meeting | None = None,
    by: Person | None = None,
    **fields,
) -> Call:
    """A published call that is open now and closes in ``closes_in_days``."""
    from partnerpot.services import criteria_in_force

    if criteria_in_force() is None:
        adopted_criteria()
    now = timezone.now()
    call = services.call_create(
        year=fields.pop("year", timezone.localdate().year),
        title=fields.pop("title", "Partnerpotten høsten"),
        description=fields.pop("description", "Søk om midler til samarbeid mot mobbing."),
        opens_at=fields.pop("opens_at", now - dt.timedelta(days=1)),
        closes_at=fields.pop("closes_at", now + dt.timedelta(days=closes_in_days)),
        envelope=Decimal(envelope),
        max_per_application=Decimal(max_per_application),
        deciding_meeting=meeting or deciding_meeting(days=closes_in_days + 20),
        created_by=by,
        **fields,
    )
    return services.call_publish(call=call, by=by)


COMPLETE = {
    "title": "Trygge overganger",
    "summary": "Elevrådene i tre kommuner lager et opplegg for trygge overganger.",
    "sub_goals": ["involvement", "cooperation"],
    "target_group": "Elever på 7. og 8. trinn",
    "county": "Vestland",
    "municipality": "Vestland: Bergen",
    "participation": "Elevrådene planlegger og leder samlingene selv.",
    "bullying_forms": ["verbal", "digital"],
    "activities": "Tre samlinger og en digital ressurs.",
    "starts_on": dt.date(2027, 1, 1),
    "ends_on": dt.date(2027, 12, 31),
    "own_contribution": "20000",
    "requested_amount": "100000",
}


def draft_application(
    *, call: Call, applicant: Partner, by: Person | None = None, **values
) -> Application:
    application = services.application_create(call=call, applicant=applicant, by=by)
    if values:
        application = services.application_save(application=application, by=by, **values)
    return application


def complete_application(
    *, call: Call, applicant: Partner, by: Person | None = None, **overrides
) -> Application:
    """A draft that passes the checklist: the form filled in and budget lines that add up."""
    values = {**COMPLETE, **overrides}
    application = draft_application(call=call, applicant=applicant, by=by, **values)
    total = Decimal(values["requested_amount"]) + Decimal(values["own_contribution"])
    services.budget_line_add(
        application=application,
        category=BudgetLine.Category.EVENTS,
        description="Samlinger",
        amount=total - Decimal("10000"),
        by=by,
    )
    services.budget_line_add(
        application=application,
        category=BudgetLine.Category.COMMUNICATION,
        description="Digital ressurs",
        amount=Decimal("10000"),
        by=by,
    )
    application.refresh_from_db()
    return application


def submitted_application(*, call: Call, applicant: Partner, by: Person | None = None, **kw):
    application = complete_application(call=call, applicant=applicant, by=by, **kw)
    return services.application_submit(application=application, by=by)


def assessed_application(
    *, call: Call, applicant: Partner, by: Person | None = None, assessor=None, **kw
) -> Application:
    application = submitted_application(call=call, applicant=applicant, by=by, **kw)
    services.assessment_save(
        application=application,
        by=assessor,
        is_complete=True,
        fits_criteria=True,
        recommendation="grant",
        recommendation_text="Godt forankret og med tydelig medvirkning.",
        scores={c.pk: (4, "") for c in call.criteria.all()},
    )
    application.refresh_from_db()
    return application


def after_deadline(call: Call):
    """A time machine standing just after the call's deadline."""
    return time_machine.travel(call.closes_at + dt.timedelta(minutes=1), tick=True)


def at_meeting(meeting: Meeting):
    """A time machine standing during the meeting (decisions need a meeting that has begun)."""
    return time_machine.travel(meeting.starts_at + dt.timedelta(minutes=30), tick=True)


def on_agenda(*, call: Call, applications, by=None) -> None:
    """Move past the deadline and put the assessed applications on the agenda."""
    with after_deadline(call):
        services.call_put_on_agenda(call=call, by=by)
    for application in applications:
        application.refresh_from_db()
