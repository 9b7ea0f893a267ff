"""Partners presenting their own work at the Ledermøte (issue 12 §6, R13): the assignment, which
puts an information item on the meeting's agenda through the agenda service, and which partners
have not presented during the agreement period.

Writes are keyword-only and transactional; refusals are translated ``ValidationError``s.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from partnership.actors import acting_person
from partnership.models import Body, Partner, Period, today

from .models import OSLO, AgendaItem, Meeting, PartnerPresentation
from .services.agenda import agenda_item_create

# A presentation counts once its meeting has taken place.
HELD_STATUSES = (
    Meeting.Status.HELD,
    Meeting.Status.MINUTES_DRAFT,
    Meeting.Status.MINUTES_APPROVED,
)


@transaction.atomic
def presentation_assign(*, partner: Partner, meeting: Meeting, by=None) -> PartnerPresentation:
    """Assign ``partner`` to present its own work at a coming Ledermøte, with an information
    item on that meeting's agenda."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)
    )
    if meeting.body.kind != Body.Kind.LEADERS:
        raise ValidationError({"meeting": _("Partnernes eget arbeid presenteres i Ledermøtet.")})
    if not meeting.is_upcoming:
        raise ValidationError({"meeting": _("Velg et Ledermøte som ikke er holdt eller avlyst.")})
    if not partner.is_active:
        raise ValidationError({"partner": _("Partneren er ikke aktiv.")})
    if PartnerPresentation.objects.filter(partner=partner, meeting=meeting).exists():
        raise ValidationError({"partner": _("Partneren presenterer allerede på dette møtet.")})
    item = agenda_item_create(
        meeting=meeting,
        kind=AgendaItem.Kind.INFORMATION,
        title=_("%(partner)s presenterer sitt eget arbeid mot mobbing") % {"partner": partner.name},
        background=_("Partnerens side: %(url)s")
        % {"url": reverse("own_work", kwargs={"pk": partner.pk})},
        created_by=by,
    )
    presentation = PartnerPresentation(
        partner=partner, meeting=meeting, agenda_item=item, created_by=acting_person(by)
    )
    presentation.full_clean()
    presentation.save()
    return presentation


def agreement_period(day: dt.date | None = None) -> Period | None:
    day = day or today()
    return (
        Period.objects.filter(kind=Period.Kind.AGREEMENT, starts_on__lte=day, ends_on__gte=day)
        .order_by("-starts_on")
        .first()
    )


def _presented_in(period: Period | None):
    presented = PartnerPresentation.objects.filter(meeting__status__in=HELD_STATUSES)
    if period is not None:
        presented = presented.filter(
            meeting__starts_at__date__gte=period.starts_on,
            meeting__starts_at__date__lte=period.ends_on,
        )
    return presented.values("partner_id")


def partners_not_presented(period: Period | None = None) -> list[Partner]:
    """The active partners that have not presented their own work at a Ledermøte held in the
    agreement period (the one in force today unless given): one query."""
    period = period or agreement_period()
    return [
        p
        for p in Partner.objects.exclude(pk__in=_presented_in(period)).order_by("name")
        if p.is_active
    ]


def _names_not_presented_sql(*, in_period: bool) -> str:
    """The active partners' names (by name) with no presentation at a held meeting (in the
    period, by the meeting's date in Oslo): ``partners_not_presented``'s rule, written out
    for the dashboard, where the queryset cost more to build than to run (make bench). Table
    names come from the models; values are parameters."""
    partner, presentation = Partner._meta.db_table, PartnerPresentation._meta.db_table
    meeting = Meeting._meta.db_table
    period = (
        "AND (m.starts_at AT TIME ZONE %(zone)s)::date BETWEEN %(starts_on)s AND %(ends_on)s"
        if in_period
        else ""
    )
    return f"""
SELECT p.name FROM {partner} p
 WHERE p.active_from <= %(day)s AND (p.active_to IS NULL OR p.active_to >= %(day)s)
   AND NOT EXISTS (
       SELECT 1 FROM {presentation} pp JOIN {meeting} m ON m.id = pp.meeting_id
        WHERE pp.partner_id = p.id AND m.status = ANY(%(held)s) {period})
 ORDER BY p.name
"""  # noqa: S608


def partner_names_not_presented(period: Period | None = None) -> list[str]:
    """The names of ``partners_not_presented``, for a page that only lists them: one query,
    no instances."""
    period = period or agreement_period()
    params = {
        "day": today(),
        "held": [str(s) for s in HELD_STATUSES],
        "zone": str(OSLO),
        "starts_on": period.starts_on if period else None,
        "ends_on": period.ends_on if period else None,
    }
    with connection.cursor() as cursor:
        cursor.execute(_names_not_presented_sql(in_period=period is not None), params)
        return [name for (name,) in cursor.fetchall()]


def coming_presentations():
    """Presentations assigned to Ledermøter that have not been held yet, in meeting order."""
    return PartnerPresentation.objects.filter(
        meeting__status__in=Meeting.UPCOMING_STATUSES
    ).select_related("partner", "meeting__body", "agenda_item")
