"""Bench data for Partnerpotten: calls and 10,000 applications in every state, bulk-loaded.

Called from ``run.py``'s ``seed`` after the meetings are in place. Plain ``bulk_create`` (no
history rows); decided applications get a decision row of their own (numbered far above what
the meetings loader used, so the register's unique numbers hold) and granted ones a grant.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

APPLICATIONS = 10_000
CALLS = 10
# (status, share): the mix a few years of rounds leave behind.
MIX = [
    ("draft", 10),
    ("submitted", 8),
    ("info_requested", 4),
    ("assessed", 4),
    ("on_agenda", 4),
    ("granted", 30),
    ("partly_granted", 15),
    ("rejected", 20),
    ("withdrawn", 5),
]
DECISION_NUMBER_BASE = 100_000


def seed_partnerpot(*, applications: int = APPLICATIONS, bench_partner_share: int = 20) -> dict:
    """``bench_partner_share``: every n-th application is the bench user's partner's (Udir, the
    second partner), so "our applications" has applications/n rows to page through."""
    from django.utils import timezone

    from meetings.models import OSLO, Decision, DocumentVersion, GoverningDocument, Meeting
    from partnerpot.models import (
        CRITERIA_DOCUMENT_KEY,
        Application,
        ApplicationCounter,
        Call,
        Criterion,
        Grant,
    )
    from partnership.models import Body, Partner

    pm = Body.objects.get(kind=Body.Kind.PARTNERS)
    partners = list(Partner.objects.order_by("pk").values_list("pk", flat=True))
    bench_partner = partners[1]
    others = [p for p in partners if p != bench_partner]
    document, _ = GoverningDocument.objects.get_or_create(
        key=CRITERIA_DOCUMENT_KEY,
        defaults={"title": "Kriterier for partnerpotten", "responsible_body": pm},
    )
    version = document.versions.order_by("-number").first() or DocumentVersion.objects.create(
        document=document,
        number=1,
        text="- Mål og delmål\n- Barn og unges medvirkning\n- Samarbeid\n- Realistisk budsjett\n",
    )
    this_year = timezone.localdate().year
    calls, deciding = [], {}
    for i in range(CALLS):
        year = this_year - CALLS + 1 + i
        closes = dt.datetime(year, 9, 1, 12, tzinfo=OSLO)
        meeting = (
            Meeting.objects.filter(body=pm, starts_at__gt=closes).order_by("starts_at").first()
        )
        calls.append(
            Call(
                year=year,
                title=f"Partnerpotten {year}",
                description="Søk om midler til samarbeid mot mobbing.",
                criteria_version=version,
                opens_at=closes - dt.timedelta(days=60),
                closes_at=closes,
                envelope=Decimal("2000000"),
                max_per_application=Decimal("200000"),
                deciding_meeting=meeting,
                status=Call.Status.PUBLISHED if meeting else Call.Status.DRAFT,
                published_at=closes - dt.timedelta(days=61) if meeting else None,
            )
        )
        deciding[year] = meeting
    calls = Call.objects.bulk_create(calls)
    Criterion.objects.bulk_create(
        [
            Criterion(call=call, position=n, text=text)
            for call in calls
            for n, text in enumerate(["Mål", "Medvirkning", "Samarbeid", "Budsjett"], start=1)
        ]
    )
    statuses = list(itertools.chain.from_iterable([s] * share for s, share in MIX))
    decided = {"granted", "partly_granted", "rejected"}
    rows, decisions = [], []
    per_call = applications // CALLS
    for i in range(applications):
        call = calls[i // per_call if i // per_call < len(calls) else -1]
        status = statuses[i % len(statuses)]
        if status in decided and call.deciding_meeting_id is None:
            status = "submitted"
        applicant = bench_partner if i % bench_partner_share == 0 else others[i % len(others)]
        requested = Decimal(50_000 + (i * 7919) % 150_000)
        submitted_at = None if status == "draft" else call.closes_at - dt.timedelta(hours=i % 500)
        granted = None
        if status == "granted":
            granted = requested
        elif status == "partly_granted":
            granted = (requested / 2).quantize(Decimal("1"))
        elif status == "rejected":
            granted = Decimal("0")
        if status in decided:
            meeting = deciding[call.year]
            decisions.append(
                Decision(
                    number=DECISION_NUMBER_BASE + i,
                    year=meeting.starts_at.astimezone(OSLO).year,
                    body=pm,
                    meeting=meeting,
                    decided_on=meeting.starts_at.astimezone(OSLO).date(),
                    title=f"Partnerpotten: søknad {i}",
                    text=f"Partnermøtet behandlet søknad {i} om tilskudd.",
                )
            )
        rows.append(
            Application(
                call=call,
                applicant_id=applicant,
                year=call.year,
                number=i % per_call + 1,
                status=status,
                title=f"Prosjekt mot mobbing nr. {i}",
                summary="Et samarbeid mellom skoler og frivillige om trygge skolemiljø.",
                sub_goals=["involvement"],
                target_group="Elever på mellomtrinnet",
                county="Vestland",
                participation="Elevrådene er med fra start.",
                bullying_forms=["verbal", "digital"],
                activities="Samlinger og en digital ressurs.",
                own_contribution=Decimal("10000"),
                requested_amount=requested,
                submitted_at=submitted_at,
                granted_amount=granted,
                decision_reason="Vurdert etter kriteriene." if status in decided else "",
            )
        )
    decisions = iter(Decision.objects.bulk_create(decisions))
    for application in rows:
        if application.status in decided:
            application.decision = next(decisions)
    rows = Application.objects.bulk_create(rows, batch_size=2000)
    ApplicationCounter.objects.bulk_create(
        [ApplicationCounter(year=call.year, last_number=per_call) for call in calls]
    )
    grants = [
        Grant(
            application=a,
            amount=a.granted_amount,
            status=Grant.Status.PAID_OUT,
            report_due_on=dt.date(a.call.year + 1, 3, 1),
        )
        for a in rows
        if a.status in ("granted", "partly_granted")
    ]
    Grant.objects.bulk_create(grants, batch_size=2000)
    return {"calls": len(calls), "applications": len(rows), "grants": len(grants)}


def sample_decided_application():
    from partnerpot.models import Application

    return (
        Application.objects.filter(status="partly_granted")
        .select_related("call", "applicant", "decision__meeting")
        .order_by("pk")
        .first()
    )
