"""Writes to a working group's accounts: entries, their vouchers, booking, approval of spending
over the allocation, reversing entries, and the partners' own contributions.

Money raced for: every write that changes what counts against a group's allocation locks the
working group's row first (``select_for_update``), so two finance leads spending the last of
the allocation at the same moment are serialised; the second sees the first's entry and
its expense waits for the secretariat's approval instead of over-spending.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership import budget_selectors, uploads
from partnership.actors import acting_person
from partnership.locking import ConflictError
from partnership.models import Body, BudgetYear, Measure, Membership, Partner, Person

from ..models import AccountEntry, OwnContribution, Voucher

ZERO = Decimal("0.00")
Status = AccountEntry.Status
Approval = AccountEntry.Approval


def _no_float(amount) -> None:
    if isinstance(amount, float):
        raise TypeError("amounts are Decimal")


def _lock_group(working_group: Body) -> Body:
    group = Body.objects.select_for_update().get(pk=working_group.pk)
    if group.kind != Body.Kind.WORKING_GROUP:
        raise ValidationError(_("Regnskap føres bare for arbeidsgrupper."))
    return group


def _open_year_for(day: dt.date) -> BudgetYear:
    budget_year = BudgetYear.objects.filter(year=day.year).first()
    if budget_year is None:
        raise ValidationError(
            {"date": _("Det finnes ikke noe budsjett for %(year)s.") % {"year": day.year}}
        )
    if budget_year.is_closed:
        raise ValidationError(
            {
                "date": _("Året %(year)s er avsluttet: poster kan ikke dateres i det.")
                % {"year": day.year}
            }
        )
    return budget_year


def counted_total(*, working_group_id: int, budget_year_id: int, exclude_pk=None) -> Decimal:
    """What counts against the allocation: entries within it or approved over it, reversals
    included (negative)."""
    entries = AccountEntry.objects.filter(
        working_group_id=working_group_id,
        budget_year_id=budget_year_id,
        approval__in=AccountEntry.COUNTED,
    )
    if exclude_pk is not None:
        entries = entries.exclude(pk=exclude_pk)
    return entries.aggregate(total=Sum("amount"))["total"] or ZERO


def _approval_for(entry: AccountEntry, *, previous: AccountEntry | None = None) -> str:
    allocation = budget_selectors.group_allocation(entry.budget_year_id, entry.working_group_id)
    used = counted_total(
        working_group_id=entry.working_group_id,
        budget_year_id=entry.budget_year_id,
        exclude_pk=entry.pk,
    )
    if used + entry.amount <= allocation:
        return Approval.NOT_NEEDED
    if (
        previous is not None
        and previous.approval == Approval.APPROVED
        and entry.amount <= previous.amount
    ):
        return Approval.APPROVED
    return Approval.PENDING


def _lock_entry(entry: AccountEntry, *, expected_lock_version: int | None = None) -> AccountEntry:
    locked = AccountEntry.objects.select_for_update().get(pk=entry.pk)
    if expected_lock_version is not None and locked.lock_version != expected_lock_version:
        raise ConflictError(current_version=locked.lock_version)
    return locked


def _require_unbooked(entry: AccountEntry) -> None:
    if entry.is_booked:
        raise ValidationError(
            _("Posten er bokført og kan ikke endres. Rett den med en tilbakeføring.")
        )
    if BudgetYear.objects.filter(pk=entry.budget_year_id, closed_at__isnull=False).exists():
        raise ValidationError(_("Året er avsluttet, og postene er låst."))


def _require_running(measure: Measure | None) -> None:
    """New money goes to measures that run; an ended measure (R1) takes none."""
    if measure is not None and measure.status == Measure.Status.ENDED:
        raise ValidationError(
            {"common_measure": _("Tiltaket «%(name)s» er avviklet.") % {"name": measure.name}}
        )


# --- Entries ----------------------------------------------------------------------------------
@transaction.atomic
def entry_record(
    *,
    working_group: Body,
    date: dt.date,
    description: str,
    amount: Decimal,
    category: str,
    measure: str = "",
    supplier: str = "",
    status: str = Status.COMMITTED,
    common_measure: Measure | None = None,
    by: Person | None = None,
) -> AccountEntry:
    """Record a commitment or an expense; past the allocation it waits for approval."""
    _no_float(amount)
    _require_running(common_measure)
    _lock_group(working_group)
    budget_year = _open_year_for(date)
    entry = AccountEntry(
        working_group=working_group,
        budget_year=budget_year,
        date=date,
        description=(description or "").strip(),
        amount=amount,
        category=category,
        common_measure=common_measure,
        measure=(measure or "").strip(),
        supplier=(supplier or "").strip(),
        status=status,
        created_by=acting_person(by),
    )
    if amount is not None and amount <= 0:
        raise ValidationError({"amount": _("Beløpet må være større enn null.")})
    entry.full_clean(exclude=["reverses", "booked_by"])
    entry.approval = _approval_for(entry)
    entry.save()
    return entry


@transaction.atomic
def entry_update(
    *,
    entry: AccountEntry,
    expected_lock_version: int,
    date: dt.date,
    description: str,
    amount: Decimal,
    category: str,
    measure: str = "",
    supplier: str = "",
    common_measure: Measure | None = None,
    by: Person | None = None,
) -> AccountEntry:
    _no_float(amount)
    _lock_group(entry.working_group)
    previous = _lock_entry(entry, expected_lock_version=expected_lock_version)
    _require_unbooked(previous)
    if previous.is_reversal:
        raise ValidationError(_("En tilbakeføring kan ikke endres."))
    budget_year = _open_year_for(date)
    if amount is not None and amount <= 0:
        raise ValidationError({"amount": _("Beløpet må være større enn null.")})
    entry = AccountEntry.objects.get(pk=previous.pk)
    entry.budget_year = budget_year
    entry.date = date
    entry.description = (description or "").strip()
    entry.amount = amount
    entry.category = category
    if common_measure is not None and common_measure.pk != previous.common_measure_id:
        _require_running(common_measure)
    entry.common_measure = common_measure
    entry.measure = (measure or "").strip()
    entry.supplier = (supplier or "").strip()
    entry.full_clean(exclude=["reverses", "booked_by"])
    # A changed expense is judged afresh; one approved over the allocation stays approved
    # as long as it does not grow.
    entry.approval = _approval_for(entry, previous=previous)
    entry.lock_version = previous.lock_version + 1
    entry.save()
    return entry


@transaction.atomic
def entry_set_status(*, entry: AccountEntry, status: str, by: Person | None = None) -> AccountEntry:
    """Committed → invoiced → paid (or straight to paid)."""
    entry = _lock_entry(entry)
    _require_unbooked(entry)
    if status not in AccountEntry.TRANSITIONS[entry.status]:
        raise ValidationError(
            _("Posten kan ikke gå fra «%(from)s» til «%(to)s».")
            % {"from": entry.get_status_display(), "to": Status(status).label}
        )
    entry.status = status
    entry.lock_version += 1
    entry.save(update_fields=["status", "lock_version"])
    return entry


@transaction.atomic
def entry_delete(*, entry: AccountEntry, by: Person | None = None) -> None:
    """An entry not yet booked may be taken away (with its vouchers)."""
    entry = _lock_entry(entry)
    _require_unbooked(entry)
    vouchers = list(entry.vouchers.all())
    names = [v.file.name for v in vouchers]
    for voucher in vouchers:
        voucher.delete()
    entry.delete()
    storage = Voucher._meta.get_field("file").storage
    transaction.on_commit(lambda: [uploads.delete_stored(storage, n) for n in names])


@transaction.atomic
def entry_decide(*, entry: AccountEntry, approve: bool, by: Person | None = None) -> AccountEntry:
    """The secretariat approves or refuses an expense over the allocation."""
    _lock_group(entry.working_group)
    entry = _lock_entry(entry)
    if entry.approval != Approval.PENDING:
        raise ValidationError(_("Posten venter ikke på godkjenning."))
    entry.approval = Approval.APPROVED if approve else Approval.REFUSED
    entry.lock_version += 1
    entry.save(update_fields=["approval", "lock_version"])
    return entry


@transaction.atomic
def entry_book(*, entry: AccountEntry, by: Person | None = None) -> AccountEntry:
    """The secretariat has checked the entry against its voucher: booked, and locked."""
    entry = _lock_entry(entry)
    _require_unbooked(entry)
    if entry.approval not in AccountEntry.COUNTED:
        raise ValidationError(_("Posten må godkjennes før den kan bokføres."))
    if entry.status != Status.PAID:
        raise ValidationError(_("Bare betalte poster kan bokføres."))
    if not entry.is_reversal and not entry.vouchers.exists():
        raise ValidationError(_("Posten har ikke bilag."))
    entry.booked_at = timezone.now()
    entry.booked_by = acting_person(by)
    entry.lock_version += 1
    entry.save(update_fields=["booked_at", "booked_by", "lock_version"])
    return entry


@transaction.atomic
def entry_reverse(*, entry: AccountEntry, reason: str, by: Person | None = None) -> AccountEntry:
    """Correct a booked entry: a new entry of the same amount, negative, that points at it."""
    _lock_group(entry.working_group)
    entry = _lock_entry(entry)
    if not entry.is_booked:
        raise ValidationError(_("Bare bokførte poster tilbakeføres; denne kan endres direkte."))
    if entry.is_reversal:
        raise ValidationError(_("En tilbakeføring kan ikke tilbakeføres."))
    if AccountEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("Posten er allerede tilbakeført."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv hvorfor posten tilbakeføres.")})
    budget_year = BudgetYear.objects.get(pk=entry.budget_year_id)
    if budget_year.is_closed:
        raise ValidationError(_("Året er avsluttet, og postene er låst."))
    day = min(timezone.localdate(), dt.date(budget_year.year, 12, 31))
    reversal = AccountEntry(
        working_group_id=entry.working_group_id,
        budget_year=budget_year,
        date=day,
        description=(
            _("Tilbakeføring av «%(description)s»: %(reason)s")
            % {"description": entry.description, "reason": reason}
        )[:300],
        amount=-entry.amount,
        category=entry.category,
        common_measure_id=entry.common_measure_id,
        measure=entry.measure,
        supplier=entry.supplier,
        status=Status.PAID,
        approval=Approval.NOT_NEEDED,
        reverses=entry,
        created_by=acting_person(by),
    )
    reversal.full_clean(exclude=["booked_by", "reverses"])
    reversal.save()
    return reversal


# --- Vouchers ---------------------------------------------------------------------------------
def voucher_add(*, entry: AccountEntry, file, by: Person | None = None) -> Voucher:
    """A voucher through the portal's upload checks (type judged by content, size). The file is
    written when the row is saved, in the same transaction; if that fails, it is deleted."""
    checked = uploads.check_upload(file)
    storage = Voucher._meta.get_field("file").storage
    stored: list[str] = []
    try:
        with transaction.atomic():
            entry = _lock_entry(entry)
            _require_unbooked(entry)
            voucher = Voucher(
                entry=entry,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=acting_person(by),
            )
            voucher.file.save(checked.original_name, file, save=False)
            stored.append(voucher.file.name)
            voucher.save()
    except BaseException:
        for name in stored:
            uploads.delete_stored(storage, name)
        raise
    return voucher


# --- Own contributions ------------------------------------------------------------------------
@transaction.atomic
def contribution_record(
    *,
    working_group: Body,
    partner: Partner,
    date: dt.date,
    description: str,
    hours: Decimal,
    value: Decimal,
    by: Person | None = None,
) -> OwnContribution:
    _no_float(hours)
    _no_float(value)
    budget_year = _open_year_for(date)
    if not Membership.objects.filter(body=working_group, partner=partner).exists():
        raise ValidationError({"partner": _("Partneren er ikke med i arbeidsgruppen.")})
    contribution = OwnContribution(
        working_group=working_group,
        budget_year=budget_year,
        partner=partner,
        date=date,
        description=(description or "").strip(),
        hours=hours or ZERO,
        value=value or ZERO,
        created_by=acting_person(by),
    )
    contribution.full_clean()
    contribution.save()
    return contribution


def money_left(*, working_group: Body, budget_year: BudgetYear) -> Decimal:
    allocation = budget_selectors.group_allocation(budget_year.pk, working_group.pk)
    return allocation - counted_total(
        working_group_id=working_group.pk, budget_year_id=budget_year.pk
    )
