"""The budget frame (R11, R2, R3): a budget year, its versions and their lines.

A year's budget is a chain of versions. The first is drafted by the secretariat, proposed, and
adopted by a decision in the register (the Partnermøte, or the AU under delegation); a change
during the year is a new version drafted from the adopted one and adopted the same way, and
the version it replaces is kept, superseded, so every earlier budget stays readable. Only a
draft's lines change. The decision that adopts a version *concerns* it (``meetings.Decision``'s
generic relation), so this core module knows nothing of meetings.

Imported by ``partnership.models`` so Django registers the models with the app; it names the
other models by string, so there is no import circle.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# An amount in kroner with øre; the ceiling keeps absurd figures out (DESIGN.md §5).
MAX_AMOUNT = Decimal("1000000000.00")
ZERO = Decimal("0.00")


def state_grant_for(year: int) -> Decimal:
    """R11: 1 500 000 kr from the state budget in 2022, 2 000 000 kr in 2023–2025 (and since)."""
    return Decimal("1500000.00") if year <= 2022 else Decimal("2000000.00")


class BudgetYear(models.Model):
    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    closed_at = models.DateTimeField(_("avsluttet"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("budsjettår")
        verbose_name_plural = _("budsjettår")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="budget_year_range",
                violation_error_message=_("Året må være mellom 2000 og 2100."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class BudgetVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        PROPOSED = "proposed", _("Foreslått")
        ADOPTED = "adopted", _("Vedtatt")
        SUPERSEDED = "superseded", _("Erstattet")

    # Which status may follow which (the services refuse any other change).
    TRANSITIONS = {
        Status.DRAFT: (Status.PROPOSED,),
        Status.PROPOSED: (Status.DRAFT, Status.ADOPTED),
        Status.ADOPTED: (Status.SUPERSEDED,),
        Status.SUPERSEDED: (),
    }
    OPEN_STATUSES = (Status.DRAFT, Status.PROPOSED)

    budget_year = models.ForeignKey(
        BudgetYear, on_delete=models.PROTECT, related_name="versions", verbose_name=_("år")
    )
    number = models.PositiveSmallIntegerField(_("versjon"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bygger på"),
    )
    note = models.TextField(_("hva endres og hvorfor"), blank=True)
    adopted_on = models.DateField(_("vedtatt"), null=True, blank=True)
    # Optimistic locking (partnership.locking): each change to the version or its lines raises it.
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["budget_year", "number"]
        verbose_name = _("budsjettversjon")
        verbose_name_plural = _("budsjettversjoner")
        constraints = [
            models.UniqueConstraint(
                fields=["budget_year", "number"], name="budget_version_unique_number"
            ),
            # At most one version in force and one being worked on per year.
            models.UniqueConstraint(
                fields=["budget_year"],
                condition=Q(status="adopted"),
                name="budget_version_one_adopted",
                violation_error_message=_("Året har allerede et vedtatt budsjett."),
            ),
            models.UniqueConstraint(
                fields=["budget_year"],
                condition=Q(status__in=["draft", "proposed"]),
                name="budget_version_one_open",
                violation_error_message=_("Året har allerede et budsjettutkast."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["adopted", "superseded"], adopted_on__isnull=False)
                | Q(status__in=["draft", "proposed"], adopted_on__isnull=True),
                name="budget_version_adopted_on",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="budget_version_number"),
        ]

    def __str__(self) -> str:
        return _("Budsjett %(year)s, versjon %(number)s") % {
            "year": self.budget_year.year,
            "number": self.number,
        }

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class BudgetLine(models.Model):
    class Kind(models.TextChoices):
        # Income
        STATE_GRANT = "state_grant", _("Statlig tilskudd")
        OTHER_INCOME = "other_income", _("Andre inntekter")
        # Allocations
        GROUP_BASE = "group_base", _("Grunnbevilgning til arbeidsgruppe")
        MEASURE = "measure", _("Felles tiltak")
        PARTNERPOT = "partnerpot", _("Partnerpotten")
        STUDY_VISITS = "study_visits", _("Studiebesøk")
        COMMON_COSTS = "common_costs", _("Felles kostnader")
        SECRETARIAT = "secretariat", _("Sekretariatets kostnader")

    INCOME_KINDS = (Kind.STATE_GRANT, Kind.OTHER_INCOME)
    ALLOCATION_KINDS = (
        Kind.GROUP_BASE,
        Kind.MEASURE,
        Kind.PARTNERPOT,
        Kind.STUDY_VISITS,
        Kind.COMMON_COSTS,
        Kind.SECRETARIAT,
    )

    version = models.ForeignKey(
        BudgetVersion, on_delete=models.CASCADE, related_name="lines", verbose_name=_("versjon")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    working_group = models.ForeignKey(
        "partnership.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name=_("arbeidsgruppe"),
    )
    title = models.CharField(_("tekst"), max_length=200, blank=True)
    amount = models.DecimalField(_("beløp"), max_digits=14, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("budsjettpost")
        verbose_name_plural = _("budsjettposter")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount__lte=MAX_AMOUNT),
                name="budget_line_amount_range",
                violation_error_message=_("Beløpet må være mellom 0 og 1 000 000 000 kr."),
            ),
            models.CheckConstraint(
                condition=Q(kind="group_base", working_group__isnull=False)
                | (~Q(kind="group_base") & Q(working_group__isnull=True)),
                name="budget_line_group_only_for_base",
                violation_error_message=_(
                    "En grunnbevilgning gjelder én arbeidsgruppe; andre poster gjelder ingen."
                ),
            ),
            # A line's identity across versions (for the differences): one base allocation per
            # group, one line per kind and text otherwise.
            models.UniqueConstraint(
                fields=["version", "working_group"],
                condition=Q(kind="group_base"),
                name="budget_line_one_base_per_group",
                violation_error_message=_("Arbeidsgruppen har allerede en grunnbevilgning."),
            ),
            models.UniqueConstraint(
                fields=["version", "kind", "title"],
                condition=~Q(kind="group_base"),
                name="budget_line_unique_title",
                violation_error_message=_("Budsjettet har allerede en slik post med den teksten."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_income(self) -> bool:
        return self.kind in self.INCOME_KINDS

    @property
    def label(self) -> str:
        if self.kind == self.Kind.GROUP_BASE and self.working_group_id:
            return f"{self.get_kind_display()}: {self.working_group.name}"
        if self.title:
            return f"{self.get_kind_display()}: {self.title}"
        return str(self.get_kind_display())

    @property
    def key(self) -> tuple:
        """What makes two versions' lines "the same line" when showing the differences."""
        if self.kind == self.Kind.GROUP_BASE:
            return (self.kind, self.working_group_id)
        return (self.kind, self.title)
