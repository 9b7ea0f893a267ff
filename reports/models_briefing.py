"""The ministries' briefing (issue 14 §2, R7): matters flagged as being of political interest,
and one briefing per period, sent once to the state actors' group's members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import AgendaItem, Decision
from partnerpot.models import Application

FLAG_TARGETS = ("agenda_item", "decision", "application")


def _exactly_one(fields) -> Q:
    condition = Q(pk__in=[])
    for chosen in fields:
        one = Q(**{f"{chosen}__isnull": False})
        for other in fields:
            if other != chosen:
                one &= Q(**{f"{other}__isnull": True})
        condition |= one
    return condition


class PoliticalFlag(models.Model):
    """The secretariat's mark that an agenda item, a decision or an application may be of
    political interest, with a short note for the ministries. One flag per object."""

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("merknad til departementene"), max_length=500)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    flagged_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-flagged_at", "-pk"]
        verbose_name = _("politisk interesse")
        verbose_name_plural = _("politisk interesse")
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(FLAG_TARGETS), name="politicalflag_exactly_one_target"
            ),
            models.CheckConstraint(
                condition=~Q(note=""),
                name="politicalflag_note_required",
                violation_error_message=_("Skriv en kort merknad til departementene."),
            ),
            *(
                models.UniqueConstraint(
                    fields=[target],
                    condition=Q(**{f"{target}__isnull": False}),
                    name=f"politicalflag_unique_{target}",
                    violation_error_message=_("Saken er allerede merket."),
                )
                for target in FLAG_TARGETS
            ),
        ]

    def __str__(self) -> str:
        return str(self.target)

    @property
    def kind(self) -> str:
        return next(t for t in FLAG_TARGETS if getattr(self, f"{t}_id") is not None)

    @property
    def target(self):
        return getattr(self, self.kind)


class Briefing(models.Model):
    """The briefing for one period: generated once (on demand or by beat each quarter) and
    sent through the outbox to the state actors' group's members. Unique per period, so two
    requests, two beat ticks or a task run twice make one briefing and one e-mail each."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Lages")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Feilet")

    period_start = models.DateField(_("fra"))
    period_end = models.DateField(_("til"))
    language = models.CharField(
        _("språk"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    pdf = models.CharField(max_length=200, blank=True, editable=False)
    error = models.TextField(blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("orientering til departementene")
        verbose_name_plural = _("orienteringer til departementene")
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end"],
                name="briefing_unique_period",
                violation_error_message=_("Det finnes allerede en orientering for perioden."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="briefing_period_in_order",
                violation_error_message=_("Perioden må slutte etter at den starter."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"

    @property
    def key(self) -> str:
        """The period as the outbox's idempotency keys name it."""
        return f"{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}"
