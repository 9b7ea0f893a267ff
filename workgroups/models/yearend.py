"""The working group's year-end report (R5): drafted by the finance lead and the leader,
submitted by the leader, approved by the secretariat (or sent back with a comment)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .accounts import MAX_AMOUNT


class YearEndReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Sendt inn")
        APPROVED = "approved", _("Godkjent")

    TRANSITIONS = {
        Status.DRAFT: (Status.SUBMITTED,),
        Status.SUBMITTED: (Status.APPROVED, Status.DRAFT),
        Status.APPROVED: (),
    }

    working_group = models.ForeignKey(
        "partnership.Body",
        on_delete=models.PROTECT,
        related_name="year_end_reports",
        verbose_name=_("arbeidsgruppe"),
    )
    budget_year = models.ForeignKey(
        "partnership.BudgetYear",
        on_delete=models.PROTECT,
        related_name="year_end_reports",
        verbose_name=_("budsjettår"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    activities = models.TextField(_("hva ble gjort, per tiltak"), blank=True)
    deviations = models.TextField(_("avvik og forklaringer"), blank=True)
    proposals = models.TextField(_("forslag til neste år"), blank=True)
    proposed_allocation = models.DecimalField(
        _("foreslått grunnbevilgning neste år"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    return_comment = models.TextField(_("sekretariatets merknad"), blank=True)
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-budget_year__year", "working_group__name"]
        verbose_name = _("årsrapport")
        verbose_name_plural = _("årsrapporter")
        constraints = [
            models.UniqueConstraint(
                fields=["working_group", "budget_year"], name="year_end_report_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(proposed_allocation__isnull=True)
                | Q(proposed_allocation__gte=0, proposed_allocation__lte=MAX_AMOUNT),
                name="year_end_report_proposed_allocation_range",
                violation_error_message=_("Beløpet må være mellom 0 og 1 000 000 000 kr."),
            ),
        ]

    def __str__(self) -> str:
        return _("Årsrapport %(year)s: %(group)s") % {
            "year": self.budget_year.year,
            "group": self.working_group.name,
        }
