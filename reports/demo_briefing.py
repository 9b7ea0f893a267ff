"""Demo data for the ministries' briefing (settings.DEMO_SEEDERS): a decision of the latest
Partnermøte flagged as being of political interest, and the briefing of the quarter it was
made in, made and sent at once (the e-mails go through the outbox). Idempotent."""

from __future__ import annotations

from django.db.models import Q

from meetings.models import Decision
from partnership.models import Body, Person

from . import briefing as services
from .models_briefing import Briefing, PoliticalFlag

SECRETARIAT_LOGIN = "sekretariat@demo.example.no"
NOTE = (
    "Vedtaket berører skolemiljøarbeidet i kommunene og kan bli tatt opp i Stortinget; "
    "departementene bør kjenne til det."
)


def seed(stdout=None) -> None:
    say = stdout.write if stdout else (lambda _text: None)
    secretariat = Person.objects.filter(email=SECRETARIAT_LOGIN).first()
    decision = (
        Decision.objects.filter(body__kind=Body.Kind.PARTNERS, decided_on__lte=services.today())
        .filter(Q(agenda_item__isnull=True) | Q(agenda_item__exempt=False))
        .order_by("-decided_on", "-number")
        .first()
    )
    if secretariat is None or decision is None:
        say("  orientering: ingen vedtak å merke ennå")
        return
    if not PoliticalFlag.objects.filter(decision=decision).exists():
        services.flag_set(target=decision, note=NOTE, by=secretariat)
        say(f"  politisk interesse: {decision.label}")
    start, end = services.quarter_of(decision.decided_on)
    if Briefing.objects.filter(period_start=start, period_end=end).exists():
        return
    briefing, _created = services.briefing_request(
        period_start=start, period_end=end, requested_by=secretariat
    )
    # Made here rather than waiting for a worker, so the demo has the PDF at once; the
    # queued task then finds the briefing sent and does nothing.
    result = services.briefing_make_and_send(briefing_id=briefing.pk)
    say(f"  orientering {briefing}: {result}")
