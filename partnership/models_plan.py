"""The action plan's goals and common measures (000 §4, §5; R1, R4, R8, R9).

One overall goal and three sub-goals; the common measures serve sub-goals, have a target
frequency, a responsible working group and a status. A measure is only ended after an
evaluation and a Ledermøte decision (R1, ``services_plan.measure_end``).

This module names the registry's models by string only, so that ``models`` can import it
without a circle.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Goal(models.Model):
    """The overall goal (number 0) or one of the sub-goals (1, 2, 3)."""

    class Kind(models.TextChoices):
        OVERALL = "overall", _("Overordnet mål")
        SUB = "sub", _("Delmål")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)
    title = models.CharField(_("kort navn"), max_length=120)
    text = models.TextField(_("målformulering"))
    explanation = models.TextField(_("utdyping"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="overall", number=0) | Q(kind="sub", number__gte=1),
                name="goal_overall_is_number_zero",
                violation_error_message=_(
                    "Det overordnede målet har nummer 0, delmålene 1 og opp."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="goal_text_required",
                violation_error_message=_("Målet må ha en formulering."),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.OVERALL:
            return str(self.title)
        return _("Delmål %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    def get_absolute_url(self) -> str:
        return reverse("goal_detail", kwargs={"pk": self.pk})

    @property
    def is_overall(self) -> bool:
        return self.kind == self.Kind.OVERALL


class Measure(models.Model):
    """A common measure (felles tiltak) of the action plan."""

    class Category(models.TextChoices):
        LOCAL = "local", _("Lokalt tiltak")
        NATIONAL = "national", _("Nasjonalt tiltak")
        SUPPORT = "support", _("Støttetiltak")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktivt")
        UNDER_EVALUATION = "evaluation", _("Under evaluering")
        ENDED = "ended", _("Avviklet")

    name = models.CharField(
        _("navn"),
        max_length=120,
        unique=True,
        error_messages={"unique": _("Et tiltak med dette navnet finnes allerede.")},
    )
    category = models.CharField(_("kategori"), max_length=10, choices=Category.choices)
    description = models.TextField(_("beskrivelse"))
    sub_goals = models.ManyToManyField(
        Goal,
        verbose_name=_("delmål tiltaket støtter"),
        related_name="measures",
        limit_choices_to={"kind": Goal.Kind.SUB},
    )
    target_count = models.PositiveSmallIntegerField(
        _("antall ganger"),
        null=True,
        blank=True,
        help_text=_("Hvor mange ganger tiltaket skal gjennomføres per periode. Tomt: etter behov."),
    )
    target_period_years = models.PositiveSmallIntegerField(
        _("per antall år"), default=1, help_text=_("1 for hvert år, 2 for hvert andre år.")
    )
    responsible_group = models.ForeignKey(
        "partnership.Body",
        verbose_name=_("ansvarlig arbeidsgruppe"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        limit_choices_to={"kind": "working_group"},
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    ended_on = models.DateField(_("avviklet dato"), null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("felles tiltak")
        verbose_name_plural = _("felles tiltak")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="ended", ended_on__isnull=False)
                | (~Q(status="ended") & Q(ended_on__isnull=True)),
                name="measure_ended_has_date",
                violation_error_message=_("Et avviklet tiltak har en avviklingsdato."),
            ),
            models.CheckConstraint(
                condition=Q(target_period_years__gte=1, target_period_years__lte=4),
                name="measure_target_period_1_to_4",
                violation_error_message=_("Perioden for hyppighet er 1–4 år."),
            ),
            models.CheckConstraint(
                condition=Q(target_count__isnull=True) | Q(target_count__gte=1),
                name="measure_target_count_positive",
                violation_error_message=_("Antall ganger må være minst 1, eller tomt."),
            ),
            models.CheckConstraint(
                condition=~Q(description=""),
                name="measure_description_required",
                violation_error_message=_("Tiltaket må ha en beskrivelse."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("measure_detail", kwargs={"pk": self.pk})

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED

    @property
    def frequency_text(self) -> str:
        if self.target_count is None:
            return str(_("Etter behov"))
        if self.target_period_years == 1:
            if self.target_count == 1:
                return str(_("Én gang i året"))
            return str(_("%(count)s ganger i året") % {"count": self.target_count})
        return str(
            _("%(count)s gang(er) hvert %(years)s. år")
            % {"count": self.target_count, "years": self.target_period_years}
        )


class MeasureEvaluation(models.Model):
    """An evaluation of a common measure: what R1 asks for before the Ledermøte may end it."""

    class Recommendation(models.TextChoices):
        CONTINUE = "continue", _("Videreføre")
        CHANGE = "change", _("Endre")
        END = "end", _("Avvikle")

    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("tiltak")
    )
    evaluated_on = models.DateField(_("evaluert dato"))
    assessment = models.TextField(_("vurdering"))
    recommendation = models.CharField(
        _("anbefaling"), max_length=10, choices=Recommendation.choices
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-evaluated_on", "-pk"]
        verbose_name = _("evaluering av tiltak")
        verbose_name_plural = _("evalueringer av tiltak")
        constraints = [
            models.CheckConstraint(
                condition=~Q(assessment=""),
                name="measureevaluation_assessment_required",
                violation_error_message=_("Evalueringen må ha en vurdering."),
            ),
        ]

    def __str__(self) -> str:
        return _("Evaluering av %(measure)s") % {"measure": self.measure}
