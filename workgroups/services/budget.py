"""Adopting a budget version by a decision in the register (R2, R3).

The budget frame lives in ``partnership`` (the core) and cannot know the decision register;
this is where the two meet: one transaction records the decision, which *concerns* the
version, and puts the version in force. A decision of the AU is made under the authority
delegated from the Partnermøte and is reported to its next meeting (the register does that).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from meetings import services as meeting_services
from meetings.models import Decision, Meeting
from partnership import budget_selectors, budget_services, formats
from partnership.models import Body, BudgetVersion, Person

# The bodies that adopt the budget: the Partnermøte, and the AU under delegation (R2, R3).
ADOPTING_KINDS = (Body.Kind.PARTNERS, Body.Kind.WORKING_COMMITTEE)
STORED_LANGUAGE = "nb"  # the register is kept in bokmål, like the other apps' decisions


def adoptable_meetings():
    """Meetings of the Partnermøte and the AU that have begun and are not cancelled."""
    return (
        Meeting.objects.select_related("body")
        .filter(body__kind__in=ADOPTING_KINDS, starts_at__lte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
    )


def _decision_text(version: BudgetVersion, meeting: Meeting) -> tuple[str, str]:
    totals = budget_selectors.version_totals(version)
    values = {
        "body": meeting.body.name,
        "year": version.budget_year.year,
        "number": version.number,
        "income": formats.money(totals.income),
        "allocated": formats.money(totals.allocated),
    }
    with override(STORED_LANGUAGE):
        title = _("Budsjett for %(year)s, versjon %(number)s") % values
        if version.based_on_id:
            text = (
                _(
                    "%(body)s vedtar endret budsjett for %(year)s (versjon %(number)s): inntekter "
                    "%(income)s, fordelt %(allocated)s."
                )
                % values
            )
        else:
            text = (
                _(
                    "%(body)s vedtar budsjettet for %(year)s: inntekter %(income)s, fordelt "
                    "%(allocated)s."
                )
                % values
            )
        if version.note:
            text += "\n" + version.note
    return title, text


@transaction.atomic
def budget_adopt(*, version: BudgetVersion, meeting: Meeting, by: Person | None = None) -> Decision:
    """Record the decision that adopts a proposed version, and put the version in force."""
    if meeting.body.kind not in ADOPTING_KINDS:
        raise ValidationError(
            {
                "meeting": _(
                    "Bare partnermøtet, eller arbeidsutvalget etter delegasjon, vedtar budsjettet."
                )
            }
        )
    version = (
        BudgetVersion.objects.select_for_update().select_related("budget_year").get(pk=version.pk)
    )
    if version.status != BudgetVersion.Status.PROPOSED:
        raise ValidationError(_("Bare et foreslått budsjett kan vedtas."))
    title, text = _decision_text(version, meeting)
    decision = meeting_services.decision_record(
        meeting=meeting,
        title=title,
        text=text,
        concerns=version,
        made_under_delegation=meeting.body.kind == Body.Kind.WORKING_COMMITTEE,
        recorded_by=by,
    )
    budget_services.budget_mark_adopted(version=version, adopted_on=decision.decided_on, by=by)
    return decision
