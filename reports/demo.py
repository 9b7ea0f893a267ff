"""Demo indicators for ``manage.py seed_demo`` (after the meetings' demo, which holds the
Ledermøter): the indicator set adopted by the latest Ledermøte held, with indicators for the
three sub-goals, and a year and a half of monthly values, the latest of one qualitative
indicator amber and of another red.

Idempotent: nothing is done when an indicator set exists.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import Meeting
from partnership import services_indicators
from partnership.models import Body, Goal, IndicatorSet, Person

SECRETARIAT_LOGIN = "sekretariat@demo.example.no"
MONTHS = 18

# (goal number, code, name, definition, unit, source, direction, baseline, 2y, 4y, series)
# ``series`` gives the first and last value (numbers, drawn as a straight line with a wobble)
# or, for a qualitative indicator, the statuses month by month from the oldest.
INDICATORS = (
    (
        1,
        "1.1",
        "Partnere med egen plan mot mobbing",
        "Antall partnere som har vedtatt en egen plan eller strategi mot mobbing.",
        "count",
        "Partnernes rapportering til sekretariatet",
        "higher",
        "14",
        "20",
        "26",
        ("14", "19"),
    ),
    (
        1,
        "1.2",
        "Deltakere på Faglig forum",
        "Antall deltakere på Faglig forum, fysisk og digitalt, per samling.",
        "count",
        "Påmeldingslister",
        "higher",
        "120",
        "150",
        "180",
        ("110", "160"),
    ),
    (
        2,
        "2.1",
        "Elever som opplever mobbing",
        "Andel elever på 7. trinn som svarer at de blir mobbet to–tre ganger i måneden eller "
        "oftere.",
        "percent",
        "Elevundersøkelsen (Udir)",
        "lower",
        "6.2",
        "5.5",
        "5.0",
        ("6.3", "5.9"),
    ),
    (
        2,
        "2.2",
        "Partnernes vurdering av samarbeidet",
        "Gjennomsnittlig vurdering på skalaen 1–5 i partnerundersøkelsen.",
        "scale",
        "Partnerundersøkelsen",
        "higher",
        "3",
        "4",
        "4",
        ("3", "4"),
    ),
    (
        3,
        "3.1",
        "Barn og unges medvirkning i tiltakene",
        "Sekretariatets vurdering av om barn og unge har vært med og påvirket tiltakene.",
        "qualitative",
        "Sekretariatets vurdering",
        "higher",
        None,
        None,
        None,
        ("green",) * 10 + ("amber",) * 8,
    ),
    (
        3,
        "3.2",
        "Kunnskapsdeling mellom partnerne",
        "Sekretariatets vurdering av om partnerne deler erfaringer og materiell.",
        "qualitative",
        "Sekretariatets vurdering",
        "higher",
        None,
        None,
        None,
        ("green",) * 6 + ("amber",) * 8 + ("red",) * 4,
    ),
    (
        3,
        "3.3",
        "Midler fordelt gjennom Partnerpotten",
        "Sum tilskudd innvilget fra Partnerpotten hittil i året.",
        "nok",
        "Portalens tilskuddsregister",
        "higher",
        "400000",
        "600000",
        "800000",
        ("150000", "720000"),
    ),
)


def _month(months_ago: int) -> dt.date:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months_ago
    return dt.date(index // 12, index % 12 + 1, 1)


def _series(unit: str, spec) -> list:
    if unit == "qualitative":
        return list(spec)
    first, last = Decimal(spec[0]), Decimal(spec[1])
    step = (last - first) / (MONTHS - 1)
    values = []
    for i in range(MONTHS):
        wobble = Decimal((-1, 0, 1)[i % 3]) * step / 2
        value = first + step * i + (wobble if 0 < i < MONTHS - 1 else 0)
        if unit in ("count", "scale"):
            value = value.quantize(Decimal(1))
        values.append(value.quantize(Decimal("0.01")))
    return values


def _leaders_meeting() -> Meeting | None:
    return (
        Meeting.objects.filter(body__kind=Body.Kind.LEADERS, starts_at__lte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .first()
    )


@transaction.atomic
def seed(stdout=None) -> None:
    say = stdout.write if stdout else (lambda _text: None)
    if IndicatorSet.objects.exists():
        return
    secretariat = Person.objects.filter(email=SECRETARIAT_LOGIN).first()
    goals = {g.number: g for g in Goal.objects.all()}
    if not {1, 2, 3} <= set(goals):
        say("  kjennetegn: ingen delmål å knytte dem til")
        return
    start = _month(MONTHS - 1)
    draft = services_indicators.indicator_set_draft(
        title="Kjennetegn på måloppnåelse", by=secretariat
    )
    made = []
    for position, row in enumerate(INDICATORS, start=1):
        number, code, name, definition, unit, source, direction, base, two, four, spec = row
        made.append(
            (
                services_indicators.indicator_save(
                    indicator_set=draft,
                    goal=goals[number],
                    code=code,
                    name=name,
                    definition=definition,
                    unit=unit,
                    data_source=source,
                    direction=direction,
                    baseline=None if base is None else Decimal(base),
                    baseline_on=None if base is None else start,
                    target_2y=None if two is None else Decimal(two),
                    target_4y=None if four is None else Decimal(four),
                    position=position,
                    by=secretariat,
                ),
                spec,
            )
        )
    meeting = _leaders_meeting()
    if meeting is None:
        say("  kjennetegn: utkast (ikke noe Ledermøte å vedta dem i)")
        return
    decision = meeting_services.decision_record(
        meeting=meeting,
        title="Kjennetegn på måloppnåelse",
        text="Ledermøtet vedtar kjennetegnene på måloppnåelse for handlingsplanen.",
        recorded_by=secretariat,
    )
    services_indicators.indicator_set_adopt(
        indicator_set=draft, decision_pk=decision.pk, by=secretariat
    )
    count = 0
    for indicator, spec in made:
        for months_ago, value in zip(
            range(MONTHS - 1, -1, -1), _series(indicator.unit, spec), strict=True
        ):
            qualitative = indicator.unit == "qualitative"
            services_indicators.value_add(
                indicator=indicator,
                measured_on=_month(months_ago),
                value=None if qualitative else value,
                status=value if qualitative else "",
                narrative=(
                    {
                        "amber": "Noe aktivitet, men for lite til å nå målet.",
                        "red": "Lite deling det siste halvåret; tas opp i Ledermøtet.",
                    }.get(value, "")
                    if qualitative
                    else ""
                ),
                source_note=indicator.data_source,
                by=secretariat,
            )
            count += 1
    say(f"  kjennetegn: {len(made)} vedtatt i {meeting}, {count} verdier")
