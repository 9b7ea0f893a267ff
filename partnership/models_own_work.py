"""Partners' own work against bullying (issue 12 §6, R13): each partner keeps a page of its
initiatives and routines (a municipality's strategy, an organisation's routine against bullying
and harassment). A partner's own people edit it; everyone signed in reads it.

This module names the registry's models by string only, so that ``models`` can import it
without a circle.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .uploads import stored_name


def own_work_file_path(instance: OwnWork, filename: str) -> str:
    """ "own-work/<partner pk>/<uuid4><ext>": never the uploader's file name (kept in the row)."""
    return stored_name(f"own-work/{instance.partner_id}", filename)


class OwnWork(models.Model):
    """One initiative or routine on a partner's page."""

    class Kind(models.TextChoices):
        INITIATIVE = "initiative", _("Tiltak")
        ROUTINE = "routine", _("Rutine")
        STRATEGY = "strategy", _("Strategi eller plan")

    partner = models.ForeignKey(
        "partnership.Partner",
        on_delete=models.PROTECT,
        related_name="own_work",
        verbose_name=_("partner"),
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("beskrivelse"))
    target_group = models.CharField(_("målgruppe"), max_length=200)
    starts_on = models.DateField(_("fra"), null=True, blank=True)
    ends_on = models.DateField(_("til"), null=True, blank=True)
    link = models.URLField(_("lenke"), blank=True, max_length=500)
    # A strategy or a routine as a document (003, 004 are examples), through the upload checks.
    file = models.FileField(
        _("fil"), upload_to=own_work_file_path, max_length=200, blank=True, default=""
    )
    file_name = models.CharField(_("filnavn"), max_length=255, blank=True, editable=False)
    file_type = models.CharField(_("filtype"), max_length=120, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partner", "-starts_on", "title"]
        verbose_name = _("partnerens eget arbeid")
        verbose_name_plural = _("partnernes eget arbeid")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="ownwork_period_ordered",
                violation_error_message=_("Sluttdatoen kan ikke være før startdatoen."),
            ),
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(description=""),
                name="ownwork_title_and_description",
                violation_error_message=_("Arbeidet må ha en tittel og en beskrivelse."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("own_work", kwargs={"pk": self.partner_id}) + f"#arbeid-{self.pk}"
