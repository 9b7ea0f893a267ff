"""Writes to the budget frame: years, versions and lines, and the sum rule.

The sum rule: a version's allocations never exceed its income (the year's funds). A change
that would break it is refused with the amount over; the pages warn from 90 % (see
``budget_selectors.totals``). Every change to a version or its lines locks the version's row,
so two people changing the same draft are serialised: the second is told (``ConflictError``)
when the draft changed since they opened it, and nothing is half-saved.

Adopting a version needs a decision in the register, which lives in ``meetings``; the service
that records that decision (``workgroups.budget_adoption``) calls ``budget_mark_adopted`` here
in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import formats
from .actors import acting_person
from .budget_models import ZERO, BudgetLine, BudgetVersion, BudgetYear, state_grant_for
from .locking import ConflictError
from .models import Body, Person

Status = BudgetVersion.Status
Kind = BudgetLine.Kind


def _lock_version(version: BudgetVersion, *, expected_lock_version: int | None) -> BudgetVersion:
    locked = (
        BudgetVersion.objects.select_for_update(of=("self",))
        .select_related("budget_year", "updated_by")
        .get(pk=version.pk)
    )
    if expected_lock_version is not None and locked.lock_version != expected_lock_version:
        raise ConflictError(
            current_version=locked.lock_version,
            updated_by=locked.updated_by,
            updated_at=locked.updated_at,
        )
    return locked


def _touch(version: BudgetVersion, *, by: Person | None) -> None:
    version.lock_version += 1
    version.updated_by = acting_person(by)
    version.updated_at = timezone.now()
    version.save(
        update_fields=["lock_version", "updated_by", "updated_at", "status", "note", "adopted_on"]
    )


def _require_open_year(version: BudgetVersion) -> None:
    if version.budget_year.is_closed:
        raise ValidationError(
            _("Budsjettåret %(year)s er avsluttet.") % {"year": version.budget_year}
        )


def _require_draft(version: BudgetVersion) -> None:
    _require_open_year(version)
    if version.status != Status.DRAFT:
        raise ValidationError(
            _("Bare et utkast kan endres. Lag en ny versjon for å endre budsjettet.")
        )


def _move(version: BudgetVersion, to: str) -> None:
    if to not in BudgetVersion.TRANSITIONS[version.status]:
        raise ValidationError(
            _("Budsjettet kan ikke gå fra «%(from)s» til «%(to)s».")
            % {"from": version.get_status_display(), "to": Status(to).label}
        )
    version.status = to


def sums(version: BudgetVersion) -> tuple[Decimal, Decimal]:
    """(income, allocations) of a version, summed in the database as Decimal."""
    rows = dict(
        version.lines.values_list("kind").annotate(total=Sum("amount")).values_list("kind", "total")
    )
    income = sum((rows.get(k, ZERO) for k in BudgetLine.INCOME_KINDS), ZERO)
    allocated = sum((rows.get(k, ZERO) for k in BudgetLine.ALLOCATION_KINDS), ZERO)
    return income, allocated


def check_sum_rule(version: BudgetVersion) -> None:
    """Refuse allocations beyond the funds, saying by how much."""
    income, allocated = sums(version)
    if allocated > income:
        raise ValidationError(
            {
                "amount": _(
                    "Fordelingen blir %(over)s høyere enn årets midler (%(funds)s). "
                    "Reduser en post eller legg inn mer inntekt."
                )
                % {"over": formats.money(allocated - income), "funds": formats.money(income)}
            }
        )


# --- Years and versions -----------------------------------------------------------------------
@transaction.atomic
def budget_year_create(*, year: int, by: Person | None = None) -> BudgetVersion:
    """A new budget year with its first draft, holding the year's state grant (R11)."""
    if BudgetYear.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("Det finnes allerede et budsjett for %(year)s.") % {"year": year}}
        )
    budget_year = BudgetYear(year=year)
    budget_year.full_clean()
    budget_year.save()
    version = BudgetVersion.objects.create(
        budget_year=budget_year,
        number=1,
        created_by=acting_person(by),
        updated_by=acting_person(by),
    )
    BudgetLine.objects.create(
        version=version, kind=Kind.STATE_GRANT, amount=state_grant_for(year), position=0
    )
    return version


@transaction.atomic
def budget_revise(
    *, budget_year: BudgetYear, note: str = "", by: Person | None = None
) -> BudgetVersion:
    """A new draft copied from the version in force, for a change during the year."""
    BudgetYear.objects.select_for_update().get(pk=budget_year.pk)
    budget_year.refresh_from_db()
    if budget_year.is_closed:
        raise ValidationError(_("Budsjettåret %(year)s er avsluttet.") % {"year": budget_year})
    if budget_year.versions.filter(status__in=BudgetVersion.OPEN_STATUSES).exists():
        raise ValidationError(_("Året har allerede et budsjettutkast."))
    current = budget_year.versions.filter(status=Status.ADOPTED).first()
    if current is None:
        raise ValidationError(_("Året har ikke et vedtatt budsjett å endre."))
    number = (budget_year.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = BudgetVersion.objects.create(
        budget_year=budget_year,
        number=number,
        based_on=current,
        note=(note or "").strip(),
        created_by=acting_person(by),
        updated_by=acting_person(by),
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            version=draft,
            kind=line.kind,
            working_group_id=line.working_group_id,
            title=line.title,
            amount=line.amount,
            position=line.position,
        )
        for line in current.lines.all()
    )
    return draft


@transaction.atomic
def budget_note_update(
    *, version: BudgetVersion, note: str, expected_lock_version: int, by: Person | None = None
) -> BudgetVersion:
    version = _lock_version(version, expected_lock_version=expected_lock_version)
    _require_draft(version)
    version.note = (note or "").strip()
    _touch(version, by=by)
    return version


@transaction.atomic
def budget_propose(
    *, version: BudgetVersion, expected_lock_version: int | None = None, by: Person | None = None
) -> BudgetVersion:
    """A draft goes forward to the Partnermøte (or the AU): the sum rule must hold."""
    version = _lock_version(version, expected_lock_version=expected_lock_version)
    _require_open_year(version)
    income, _allocated = sums(version)
    if income <= ZERO:
        raise ValidationError(_("Budsjettet har ingen inntekter."))
    check_sum_rule(version)
    _move(version, Status.PROPOSED)
    _touch(version, by=by)
    return version


@transaction.atomic
def budget_withdraw(*, version: BudgetVersion, by: Person | None = None) -> BudgetVersion:
    """A proposal back to draft, to be changed before it is decided."""
    version = _lock_version(version, expected_lock_version=None)
    _require_open_year(version)
    _move(version, Status.DRAFT)
    _touch(version, by=by)
    return version


def budget_mark_adopted(
    *, version: BudgetVersion, adopted_on: dt.date, by: Person | None = None
) -> BudgetVersion:
    """The proposal is in force; the version it replaces is kept, superseded.

    Called inside the transaction that records the adopting decision (it needs one).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("budget_mark_adopted runs inside the decision's transaction")
    version = _lock_version(version, expected_lock_version=None)
    _require_open_year(version)
    check_sum_rule(version)
    previous = (
        BudgetVersion.objects.select_for_update()
        .filter(budget_year_id=version.budget_year_id, status=Status.ADOPTED)
        .first()
    )
    if previous is not None:
        _move(previous, Status.SUPERSEDED)
        previous.save(update_fields=["status"])
    _move(version, Status.ADOPTED)
    version.adopted_on = adopted_on
    _touch(version, by=by)
    return version


# --- Lines ------------------------------------------------------------------------------------
def _clean_line(line: BudgetLine) -> None:
    if line.kind not in Kind.values:
        raise ValidationError({"kind": _("Ukjent type post.")})
    if line.kind == Kind.GROUP_BASE:
        line.title = ""
        if line.working_group_id is None:
            raise ValidationError({"working_group": _("Velg arbeidsgruppen.")})
        if not Body.objects.filter(pk=line.working_group_id, kind=Body.Kind.WORKING_GROUP).exists():
            raise ValidationError({"working_group": _("Velg en arbeidsgruppe.")})
    else:
        line.working_group = None
        if line.kind in (Kind.MEASURE, Kind.OTHER_INCOME) and not line.title:
            raise ValidationError({"title": _("Skriv hva posten gjelder.")})
    if line.amount is None:
        raise ValidationError({"amount": _("Skriv et beløp.")})
    line.full_clean(exclude=["version"])
    line.validate_constraints()


@transaction.atomic
def budget_line_save(
    *,
    version: BudgetVersion,
    kind: str,
    amount: Decimal,
    expected_lock_version: int,
    title: str = "",
    working_group: Body | None = None,
    line: BudgetLine | None = None,
    by: Person | None = None,
) -> BudgetLine:
    """Add a line to a draft, or change one; refused if the allocations would pass the funds."""
    if isinstance(amount, float):
        raise TypeError("amounts are Decimal")
    version = _lock_version(version, expected_lock_version=expected_lock_version)
    _require_draft(version)
    if line is None:
        position = (version.lines.aggregate(p=Max("position"))["p"] or 0) + 1
        line = BudgetLine(version=version, position=position)
    elif line.version_id != version.pk:
        raise ValidationError(_("Posten hører til et annet budsjett."))
    line.kind = kind
    line.title = (title or "").strip()
    line.working_group = working_group
    line.amount = amount
    _clean_line(line)
    line.save()
    check_sum_rule(version)  # raises inside the transaction: the line is rolled back
    _touch(version, by=by)
    return line


@transaction.atomic
def budget_line_delete(
    *, line: BudgetLine, expected_lock_version: int, by: Person | None = None
) -> None:
    version = _lock_version(line.version, expected_lock_version=expected_lock_version)
    _require_draft(version)
    line.delete()
    check_sum_rule(version)  # removing income can break it too
    _touch(version, by=by)
