"""The action plan's working level (issue 12 §2, §3; R9): activities under a common measure and
the yearly measure plans (tiltaksplaner) with their planned activities and progress.

DESIGN.md §5: measure plans and activities live with the working groups. A measure's
responsible working group's leader drafts its plan and records its activities; the plan is
adopted by the Partnermøte or the AU through a decision in the register (the core's
``DecisionSource``). A plan carries a ``version`` for optimistic locking
(``partnership.locking.ConflictError``): two people changing it at once, the second is told.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.uploads import stored_name

# Norway's counties from 1 January 2024, and the whole country for national events.
COUNTIES = (
    "Agder",
    "Akershus",
    "Buskerud",
    "Finnmark",
    "Innlandet",
    "Møre og Romsdal",
    "Nordland",
    "Oslo",
    "Rogaland",
    "Telemark",
    "Troms",
    "Trøndelag",
    "Vestfold",
    "Vestland",
    "Østfold",
)
# The sub-goal about children's and young people's participation (000 §4, sub-goal 2).
PARTICIPATION_GOAL_NUMBER = 2
NATIONWIDE = "Hele landet"
COUNTY_CHOICES = [(NATIONWIDE, _("Hele landet"))] + [(name, name) for name in COUNTIES]


def activity_file_path(instance: Activity, filename: str) -> str:
    """ "activities/<measure pk>/<uuid4><ext>": never the uploader's file name (kept in the row)."""
    return stored_name(f"activities/{instance.measure_id}", filename)


class Activity(models.Model):
    """An activity or event carried out under a common measure (a Faglig forum seminar, a
    regional partner conference, WABF, an Arendalsuka event)."""

    class Format(models.TextChoices):
        PHYSICAL = "physical", _("Fysisk")
        DIGITAL = "digital", _("Digitalt")
        HYBRID = "hybrid", _("Hybrid")

    measure = models.ForeignKey(
        "partnership.Measure",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("felles tiltak"),
    )
    title = models.CharField(_("tittel"), max_length=200)
    date = models.DateField(_("dato"))
    county = models.CharField(_("fylke"), max_length=40, choices=COUNTY_CHOICES)
    place = models.CharField(_("sted"), max_length=200, blank=True)
    format = models.CharField(_("form"), max_length=10, choices=Format.choices)
    participant_count = models.PositiveIntegerField(_("antall deltakere"), null=True, blank=True)
    partners = models.ManyToManyField(
        "partnership.Partner",
        blank=True,
        related_name="plan_activities",
        verbose_name=_("partnere som deltok"),
    )
    youth_participation = models.TextField(
        _("hvordan barn og unge deltok"),
        blank=True,
        help_text=_("Påkrevd for aktiviteter under delmålet om barn og unges medvirkning."),
    )
    outcomes = models.TextField(_("resultater"), blank=True)
    link = models.URLField(_("lenke"), blank=True, max_length=500)
    file = models.FileField(
        _("fil"), upload_to=activity_file_path, max_length=200, blank=True, default=""
    )
    file_name = models.CharField(_("filnavn"), max_length=255, blank=True)
    file_type = models.CharField(_("filtype"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        indexes = [models.Index(fields=["measure", "date"], name="activity_measure_date")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""),
                name="activity_title_required",
                violation_error_message=_("Aktiviteten må ha en tittel."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workgroups:activity_detail", kwargs={"pk": self.pk})


class MeasurePlan(models.Model):
    """One measure's plan for one year (R9)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        ADOPTED = "adopted", _("Vedtatt")

    measure = models.ForeignKey(
        "partnership.Measure",
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("felles tiltak"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    note = models.TextField(_("merknad"), blank=True)
    adopted_on = models.DateField(_("vedtatt dato"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
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
        ordering = ["-year", "measure__position"]
        verbose_name = _("tiltaksplan")
        verbose_name_plural = _("tiltaksplaner")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "year"],
                name="measureplan_one_per_measure_and_year",
                violation_error_message=_("Tiltaket har allerede en plan for dette året."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="measureplan_year_sane",
                violation_error_message=_("Året må være mellom 2000 og 2100."),
            ),
            models.CheckConstraint(
                condition=Q(status="adopted", adopted_on__isnull=False)
                | (~Q(status="adopted") & Q(adopted_on__isnull=True)),
                name="measureplan_adopted_has_date",
                violation_error_message=_("En vedtatt plan har en vedtaksdato."),
            ),
        ]

    def __str__(self) -> str:
        return _("Tiltaksplan %(year)s: %(measure)s") % {"year": self.year, "measure": self.measure}

    def get_absolute_url(self) -> str:
        return reverse("workgroups:plan_detail", kwargs={"pk": self.pk})

    @property
    def is_adopted(self) -> bool:
        return self.status == self.Status.ADOPTED


class PlannedActivity(models.Model):
    """A line in a measure plan: what is planned, when, by whom, with what resources, and
    how far it has come."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("Ikke startet")
        IN_PROGRESS = "in_progress", _("Pågår")
        DONE = "done", _("Gjennomført")
        DROPPED = "dropped", _("Droppet")

    plan = models.ForeignKey(
        MeasurePlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("tiltaksplan")
    )
    title = models.CharField(_("planlagt aktivitet"), max_length=200)
    month = models.PositiveSmallIntegerField(_("måned"))
    responsible_partner = models.ForeignKey(
        "partnership.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarlig partner"),
    )
    responsible_person = models.ForeignKey(
        "partnership.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarlig person"),
    )
    resource_amount = models.DecimalField(
        _("ressursbehov (kr)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    budget_line = models.ForeignKey(
        "partnership.BudgetLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mot budsjettpost"),
    )
    progress = models.CharField(
        _("framdrift"), max_length=12, choices=Progress.choices, default=Progress.NOT_STARTED
    )
    progress_comment = models.TextField(_("kommentar til framdriften"), blank=True)
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planned_items",
        verbose_name=_("gjennomført som aktivitet"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "month", "position", "pk"]
        verbose_name = _("planlagt aktivitet")
        verbose_name_plural = _("planlagte aktiviteter")
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12),
                name="plannedactivity_month_1_to_12",
                violation_error_message=_("Måneden er 1–12."),
            ),
            models.CheckConstraint(
                condition=Q(resource_amount__isnull=True) | Q(resource_amount__gte=0),
                name="plannedactivity_amount_not_negative",
                violation_error_message=_("Ressursbehovet kan ikke være negativt."),
            ),
            models.CheckConstraint(
                condition=Q(activity__isnull=True) | Q(progress="done"),
                name="plannedactivity_activity_only_when_done",
                violation_error_message=_(
                    "Bare en gjennomført planlagt aktivitet lenkes til en aktivitet."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title
