"""Indicators of goal attainment ("kjennetegn på måloppnåelse", 000 §4; R8, R12).

The indicator set is a governing document version adopted by the Ledermøte: a draft is
edited by the secretariat, adopted through a decision in the register (linked through
``extensions.decision_source``), and the adopted version is the one in force; adopting the
next one supersedes it. Values are entered only against indicators of the set in force.

Each value carries a copy of its indicator's unit so that the database itself checks that
the value's shape fits it (a number for a count, 0–100 for a percent, a whole 1–5 for a
scale, a red/amber/green status for a qualitative indicator).

Evaluations after two and four years (R8) are per goal, with a snapshot of the indicator
values at their date copied into rows of their own: later values never change them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Floor
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Unit(models.TextChoices):
    COUNT = "count", _("Antall")
    PERCENT = "percent", _("Prosent")
    NOK = "nok", _("Kroner")
    SCALE = "scale", _("Skala 1–5")
    QUALITATIVE = "qualitative", _("Kvalitativ vurdering")


QUANTITATIVE = (Unit.COUNT, Unit.PERCENT, Unit.NOK, Unit.SCALE)


class Direction(models.TextChoices):
    HIGHER = "higher", _("Høyere er bedre")
    LOWER = "lower", _("Lavere er bedre")


class RagStatus(models.TextChoices):
    GREEN = "green", _("Grønn")
    AMBER = "amber", _("Gul")
    RED = "red", _("Rød")


def _fits_unit(field: str, *, nullable: bool) -> Q:
    """A number in ``field`` that fits the row's unit (empty allowed where ``nullable``)."""
    fits = (
        Q(unit=Unit.QUALITATIVE, **{f"{field}__isnull": True})
        | Q(unit=Unit.NOK)
        | Q(unit=Unit.COUNT, **{f"{field}__gte": 0, field: Floor(F(field))})
        | Q(unit=Unit.PERCENT, **{f"{field}__gte": 0, f"{field}__lte": 100})
        | Q(unit=Unit.SCALE, **{f"{field}__gte": 1, f"{field}__lte": 5, field: Floor(F(field))})
    )
    if nullable:
        fits |= Q(**{f"{field}__isnull": True})
    return fits


class IndicatorSet(models.Model):
    """A version of the indicator set (a governing document the Ledermøte adopts, R12)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        ADOPTED = "adopted", _("Vedtatt")
        SUPERSEDED = "superseded", _("Erstattet")

    version = models.PositiveSmallIntegerField(_("versjon"), unique=True)
    title = models.CharField(_("tittel"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    adopted_on = models.DateField(_("vedtatt dato"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("indikatorsett")
        verbose_name_plural = _("indikatorsett")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="adopted"),
                name="indicatorset_one_in_force",
                violation_error_message=_("Bare én versjon av kjennetegnene gjelder om gangen."),
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="draft"),
                name="indicatorset_one_draft",
                violation_error_message=_("Det finnes allerede et utkast til ny versjon."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft", adopted_on__isnull=True)
                | (~Q(status="draft") & Q(adopted_on__isnull=False)),
                name="indicatorset_adopted_has_date",
                violation_error_message=_("En vedtatt versjon har en vedtaksdato."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(title)s, versjon %(version)s") % {"title": self.title, "version": self.version}

    def get_absolute_url(self) -> str:
        return reverse("reports:indicator_set", kwargs={"pk": self.pk})

    @property
    def in_force(self) -> bool:
        return self.status == self.Status.ADOPTED

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Indicator(models.Model):
    """One indicator of a goal in one version of the set."""

    indicator_set = models.ForeignKey(
        IndicatorSet,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("indikatorsett"),
    )
    goal = models.ForeignKey(
        "partnership.Goal",
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("mål"),
    )
    code = models.CharField(
        _("kode"),
        max_length=20,
        help_text=_("Kort kode som brukes i importfiler, for eksempel 1.2."),
    )
    name = models.CharField(_("navn"), max_length=200)
    definition = models.TextField(_("definisjon"))
    unit = models.CharField(_("enhet eller skala"), max_length=12, choices=Unit.choices)
    data_source = models.CharField(_("datakilde"), max_length=300)
    direction = models.CharField(
        _("retning"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    baseline = models.DecimalField(
        _("utgangsverdi"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_on = models.DateField(_("dato for utgangsverdi"), null=True, blank=True)
    target_2y = models.DecimalField(
        _("mål etter to år"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_4y = models.DecimalField(
        _("mål etter fire år"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["goal__number", "position", "code"]
        verbose_name = _("kjennetegn")
        verbose_name_plural = _("kjennetegn")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "code"],
                name="indicator_code_unique_in_set",
                violation_error_message=_("Koden er allerede brukt i denne versjonen."),
            ),
            models.CheckConstraint(
                condition=_fits_unit("baseline", nullable=True)
                & _fits_unit("target_2y", nullable=True)
                & _fits_unit("target_4y", nullable=True),
                name="indicator_numbers_fit_unit",
                violation_error_message=_(
                    "Utgangsverdi og mål må passe enheten: prosent 0–100, skala 1–5 i hele "
                    "tall, antall i hele tall, ingen tall for kvalitative kjennetegn."
                ),
            ),
            models.CheckConstraint(
                condition=Q(baseline__isnull=True, baseline_on__isnull=True)
                | Q(baseline__isnull=False, baseline_on__isnull=False)
                | Q(unit="qualitative", baseline__isnull=True),
                name="indicator_baseline_has_date",
                violation_error_message=_("En utgangsverdi har en dato."),
            ),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(definition="") & ~Q(code=""),
                name="indicator_texts_required",
                violation_error_message=_("Kjennetegnet må ha kode, navn og definisjon."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("reports:indicator_detail", kwargs={"pk": self.pk})

    @property
    def is_qualitative(self) -> bool:
        return self.unit == Unit.QUALITATIVE


class IndicatorValue(models.Model):
    """A measurement of an indicator on a date: a number, or for a qualitative indicator a
    red/amber/green status with a narrative."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("kjennetegn")
    )
    unit = models.CharField(max_length=12, choices=Unit.choices, editable=False)
    measured_on = models.DateField(_("dato"))
    value = models.DecimalField(_("verdi"), max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=5, choices=RagStatus.choices, blank=True)
    narrative = models.TextField(_("vurdering"), blank=True)
    source_note = models.CharField(_("kilde"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
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
        ordering = ["indicator", "measured_on"]
        verbose_name = _("verdi for kjennetegn")
        verbose_name_plural = _("verdier for kjennetegn")
        indexes = [models.Index(fields=["indicator", "-measured_on"], name="indvalue_latest")]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"],
                name="indicatorvalue_one_per_date",
                violation_error_message=_("Kjennetegnet har allerede en verdi for denne datoen."),
            ),
            models.CheckConstraint(
                condition=(Q(unit="qualitative", value__isnull=True) & ~Q(status=""))
                | (~Q(unit="qualitative") & Q(value__isnull=False, status="")),
                name="indicatorvalue_shape_fits_unit",
                violation_error_message=_(
                    "Et kvalitativt kjennetegn får en status (rød, gul, grønn), de andre et tall."
                ),
            ),
            models.CheckConstraint(
                condition=_fits_unit("value", nullable=False) | Q(unit="qualitative"),
                name="indicatorvalue_value_in_range",
                violation_error_message=_(
                    "Verdien passer ikke enheten: prosent 0–100, skala 1–5 i hele tall, antall "
                    "i hele tall."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.measured_on}"


class IndicatorEvaluation(models.Model):
    """The evaluation of a goal after two or four years of an agreement period (R8)."""

    class Point(models.IntegerChoices):
        TWO_YEARS = 2, _("Etter to år")
        FOUR_YEARS = 4, _("Etter fire år")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        ADOPTED = "adopted", _("Vedtatt")

    goal = models.ForeignKey(
        "partnership.Goal",
        on_delete=models.PROTECT,
        related_name="indicator_evaluations",
        verbose_name=_("mål"),
    )
    period = models.ForeignKey(
        "partnership.Period",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("avtaleperiode"),
    )
    point = models.PositiveSmallIntegerField(_("evalueringspunkt"), choices=Point.choices)
    evaluated_on = models.DateField(_("dato"))
    assessment = models.TextField(_("vurdering"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    adopted_on = models.DateField(_("vedtatt dato"), null=True, blank=True, editable=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Raised by each save of the assessment: two people editing it at once do not overwrite
    # each other (``partnership.locking``).
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-evaluated_on", "goal__number"]
        verbose_name = _("evaluering av måloppnåelse")
        verbose_name_plural = _("evalueringer av måloppnåelse")
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "period", "point"],
                name="indicatorevaluation_one_per_point",
                violation_error_message=_("Målet er allerede evaluert ved dette punktet."),
            ),
            models.CheckConstraint(
                condition=Q(point__in=[2, 4]),
                name="indicatorevaluation_point_2_or_4",
                violation_error_message=_("Evalueringspunktene er etter to og fire år."),
            ),
            models.CheckConstraint(
                condition=~Q(assessment=""),
                name="indicatorevaluation_assessment_required",
                violation_error_message=_("Evalueringen må ha en vurdering."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft", adopted_on__isnull=True)
                | Q(status="adopted", adopted_on__isnull=False),
                name="indicatorevaluation_adopted_has_date",
                violation_error_message=_("En vedtatt evaluering har en vedtaksdato."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(goal)s: %(point)s") % {"goal": self.goal, "point": self.get_point_display()}

    def get_absolute_url(self) -> str:
        return reverse("reports:evaluation_detail", kwargs={"pk": self.pk})


class EvaluationSnapshot(models.Model):
    """One indicator's state at an evaluation's date, copied (never recomputed)."""

    evaluation = models.ForeignKey(
        IndicatorEvaluation, on_delete=models.CASCADE, related_name="snapshot"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=12, choices=Unit.choices)
    direction = models.CharField(max_length=6, choices=Direction.choices)
    baseline = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    measured_on = models.DateField(null=True, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=5, choices=RagStatus.choices, blank=True)
    narrative = models.TextField(blank=True)
    assessment = models.CharField(max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["evaluation", "position", "code"]
        verbose_name = _("øyeblikksbilde av kjennetegn")
        verbose_name_plural = _("øyeblikksbilder av kjennetegn")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
