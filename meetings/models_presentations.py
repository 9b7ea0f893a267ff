"""The plan for presenting partners' own work (issue 12 §6, R13): partners assigned to coming
Ledermøter, each presentation an item on that meeting's agenda.

This module is imported at the end of ``meetings.models``, so it names the models by string.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PartnerPresentation(models.Model):
    """A partner presents its own work against bullying at a Ledermøte."""

    partner = models.ForeignKey(
        "partnership.Partner",
        on_delete=models.PROTECT,
        related_name="presentations",
        verbose_name=_("partner"),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        related_name="partner_presentations",
        verbose_name=_("møte"),
    )
    agenda_item = models.OneToOneField(
        "meetings.AgendaItem",
        on_delete=models.PROTECT,
        related_name="partner_presentation",
        verbose_name=_("sak"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["meeting__starts_at", "pk"]
        verbose_name = _("presentasjon av partnerens eget arbeid")
        verbose_name_plural = _("presentasjoner av partnernes eget arbeid")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "meeting"],
                name="partnerpresentation_once_per_meeting",
                violation_error_message=_("Partneren presenterer allerede på dette møtet."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.partner)
