"""A working group's accounts: entries against the group's allocation (its base allocation in
the budget in force), their vouchers, and the partners' own contributions (R11's "own
resources", kept apart from the state money).

An entry is recorded by the group's finance lead or leader and moves committed → invoiced →
paid. The secretariat checks it and books it; a booked entry is never changed or deleted, only
corrected by a reversing entry (the same amount, negative, pointing at it). An expense that
would take the group past its allocation is *pending* until the secretariat approves it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.uploads import stored_name

MAX_AMOUNT = Decimal("1000000000.00")


class AccountEntry(models.Model):
    class Status(models.TextChoices):
        COMMITTED = "committed", _("Forpliktet")
        INVOICED = "invoiced", _("Fakturert")
        PAID = "paid", _("Betalt")

    class Approval(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Innenfor rammen")
        PENDING = "pending", _("Venter på godkjenning")
        APPROVED = "approved", _("Godkjent over rammen")
        REFUSED = "refused", _("Avvist")

    class Category(models.TextChoices):
        TRAVEL = "travel", _("Reiser")
        MEETINGS = "meetings", _("Møter og bevertning")
        MATERIALS = "materials", _("Materiell og trykk")
        FEES = "fees", _("Honorarer")
        SERVICES = "services", _("Tjenester")
        OTHER = "other", _("Annet")

    TRANSITIONS = {
        Status.COMMITTED: (Status.INVOICED, Status.PAID),
        Status.INVOICED: (Status.PAID,),
        Status.PAID: (),
    }
    # What counts against the allocation: everything but what waits or was refused.
    COUNTED = (Approval.NOT_NEEDED, Approval.APPROVED)

    working_group = models.ForeignKey(
        "partnership.Body",
        on_delete=models.PROTECT,
        related_name="account_entries",
        verbose_name=_("arbeidsgruppe"),
    )
    budget_year = models.ForeignKey(
        "partnership.BudgetYear",
        on_delete=models.PROTECT,
        related_name="account_entries",
        verbose_name=_("budsjettår"),
    )
    date = models.DateField(_("dato"))
    description = models.CharField(_("beskrivelse"), max_length=300)
    amount = models.DecimalField(_("beløp"), max_digits=14, decimal_places=2)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    # The common measure (the action plan's) the money went to; else a free-text purpose.
    common_measure = models.ForeignKey(
        "partnership.Measure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_entries",
        verbose_name=_("felles tiltak"),
    )
    measure = models.CharField(_("annet tiltak eller formål"), max_length=200, blank=True)
    supplier = models.CharField(_("leverandør"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.COMMITTED
    )
    approval = models.CharField(
        _("godkjenning"), max_length=12, choices=Approval.choices, default=Approval.NOT_NEEDED
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("tilbakefører"),
    )
    booked_at = models.DateTimeField(_("bokført"), null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    lock_version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("regnskapspost")
        verbose_name_plural = _("regnskapsposter")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__lte=MAX_AMOUNT) & Q(amount__gte=-MAX_AMOUNT) & ~Q(amount=0),
                name="account_entry_amount_range",
                violation_error_message=_(
                    "Beløpet må være større enn null og høyst 1 000 000 000 kr."
                ),
            ),
            # Only a reversing entry is negative, and it always is.
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0)
                | Q(reverses__isnull=False, amount__lt=0),
                name="account_entry_reversal_negative",
            ),
            models.CheckConstraint(
                condition=Q(booked_at__isnull=True) | ~Q(approval__in=["pending", "refused"]),
                name="account_entry_booked_only_when_counted",
            ),
        ]
        indexes = [
            models.Index(fields=["working_group", "budget_year", "date"]),
            models.Index(fields=["budget_year", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.description}"

    @property
    def measure_label(self) -> str:
        """The common measure's name, else the free-text purpose (select_related the measure)."""
        return self.common_measure.name if self.common_measure_id else self.measure

    @property
    def is_booked(self) -> bool:
        return self.booked_at is not None

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class AccountTotal(models.Model):
    """The entries summed by year, group, month, category, status and approval.

    Kept by PostgreSQL triggers on ``workgroups_accountentry`` (migration 0006): every insert,
    update and delete of an entry adds or subtracts its amount in the same transaction, so
    ``bulk_create``, ``update()`` and raw SQL are counted too and the sums are never stale.
    A key whose last entry goes is deleted. Budget against actuals and the accounts' totals
    read these few hundred rows instead of summing a year's 10 000 entries on every page view
    (make bench). The service that decides whether an expense fits the allocation still sums
    the entries themselves, under the group's lock (``services.counted_total``).
    """

    budget_year = models.ForeignKey(
        "partnership.BudgetYear", on_delete=models.CASCADE, related_name="+"
    )
    working_group = models.ForeignKey(
        "partnership.Body", on_delete=models.CASCADE, related_name="+"
    )
    month = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=20, choices=AccountEntry.Category.choices)
    status = models.CharField(max_length=12, choices=AccountEntry.Status.choices)
    approval = models.CharField(max_length=12, choices=AccountEntry.Approval.choices)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    entries = models.IntegerField()  # no CHECK: the upsert proposes -1 before it meets the row

    class Meta:
        constraints = [
            # The triggers' ON CONFLICT target.
            models.UniqueConstraint(
                fields=["budget_year", "working_group", "month", "category", "status", "approval"],
                name="account_total_one_per_key",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="account_total_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_year_id}/{self.working_group_id}/{self.month}: {self.amount}"


def voucher_path(instance: Voucher, filename: str) -> str:
    """ "vouchers/<entry pk>/<uuid4><ext>": never the uploader's file name (kept in the row)."""
    return stored_name(f"vouchers/{instance.entry_id}", filename)


class Voucher(models.Model):
    """A voucher (bilag): checked by content when uploaded, served only through an
    access-checked view."""

    entry = models.ForeignKey(
        AccountEntry, on_delete=models.PROTECT, related_name="vouchers", verbose_name=_("post")
    )
    file = models.FileField(_("fil"), upload_to=voucher_path, max_length=200)
    original_name = models.CharField(_("filnavn"), max_length=255)
    content_type = models.CharField(_("filtype"), max_length=120)
    size = models.PositiveBigIntegerField(_("størrelse"))
    sha256 = models.CharField(_("sjekksum (SHA-256)"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entry", "uploaded_at", "pk"]
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")

    def __str__(self) -> str:
        return self.original_name


class OwnContribution(models.Model):
    """A partner's own resources put into the group's work: hours and value in kind (R11)."""

    working_group = models.ForeignKey(
        "partnership.Body",
        on_delete=models.PROTECT,
        related_name="own_contributions",
        verbose_name=_("arbeidsgruppe"),
    )
    budget_year = models.ForeignKey(
        "partnership.BudgetYear",
        on_delete=models.PROTECT,
        related_name="own_contributions",
        verbose_name=_("budsjettår"),
    )
    partner = models.ForeignKey(
        "partnership.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    date = models.DateField(_("dato"))
    description = models.CharField(_("beskrivelse"), max_length=300)
    hours = models.DecimalField(_("timer"), max_digits=8, decimal_places=2, default=Decimal(0))
    value = models.DecimalField(
        _("verdi i kroner"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("egeninnsats")
        verbose_name_plural = _("egeninnsats")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=100000, value__gte=0, value__lte=MAX_AMOUNT)
                & (Q(hours__gt=0) | Q(value__gt=0)),
                name="own_contribution_positive",
                violation_error_message=_("Før opp timer, verdi eller begge, større enn null."),
            ),
        ]

    def __str__(self) -> str:
        return self.description
