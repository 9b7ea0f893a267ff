"""Calendar subscriptions (the private iCal feed's tokens).

Imported at the end of ``meetings.models`` (which it would otherwise outgrow); it needs no
other meetings model.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnership.timeutils import OSLO


# --- Calendar subscriptions (iCal) ------------------------------------------------------------
class CalendarToken(models.Model):
    """A person's private calendar subscription URL (iCal feed).

    Only a hash of the token is stored: the URL is shown once, when it is made, and a
    leaked database does not give anyone a working feed. Revoking keeps the row (when it
    was made and revoked) and makes the URL answer 404.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_tokens",
        verbose_name=_("person"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("kalenderabonnement")
        verbose_name_plural = _("kalenderabonnementer")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True),
                name="calendartoken_one_active_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({timezone.localtime(self.created_at, OSLO):%d.%m.%Y})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
