"""Partnerpotten (the partnership's internal grant scheme) and study visits (issue 4; R2, R9,
R10, R12).

A call (utlysning) opens a round; partners apply (søknad); the secretariat assesses; the
Partnermøte decides (R2: only it decides grants and study visits), and the decision is a row in
the meetings app's register that *concerns* the application. A granted application gets a
``Grant`` that is followed up until its final report (sluttrapport) is approved.

Writes go through ``partnerpot.services``. What the database can hold is a constraint here
(positive amounts, a decision for every decided application, the rejected get nothing); what it
cannot (the sum of grants within the call's envelope) is guarded by locking the call row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meetings.models import AgendaItem, Decision, DocumentVersion, Meeting
from partnership.models import Partner
from partnership.uploads import stored_name

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")
# The governing document whose version in force a call is judged by (R12).
CRITERIA_DOCUMENT_KEY = "kriterier-partnerpotten"


def _user_fk(related_name: str = "+", **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        editable=False,
        **kwargs,
    )


class SubGoal(models.TextChoices):
    """The action plan's three sub-goals (000 §4)."""

    AGENDA = "agenda", _("Sette arbeidet mot alle former for mobbing på dagsorden")
    INVOLVEMENT = (
        "involvement",
        _(
            "Bidra til at barn og unge blir involvert i et helhetlig arbeid for et inkluderende "
            "oppvekst- og læringsmiljø"
        ),
    )
    COOPERATION = (
        "cooperation",
        _(
            "Samarbeide med relevante aktører for å styrke og utvikle kompetanse og kapasitet til å "
            "motvirke mobbing i lokalsamfunnet"
        ),
    )


class BullyingForm(models.TextChoices):
    """The forms of bullying the action plan names (000 §4)."""

    PHYSICAL = "physical", _("Fysisk mobbing")
    VERBAL = "verbal", _("Verbal mobbing")
    INDIRECT = "indirect", _("Indirekte mobbing")
    IDENTITY = "identity", _("Identitetsbasert mobbing")
    DIGITAL = "digital", _("Digital mobbing")


class LetterLanguage(models.TextChoices):
    BOKMAAL = "nb", _("Bokmål")
    NYNORSK = "nn", _("Nynorsk")


# --- Calls ------------------------------------------------------------------------------------
class Call(models.Model):
    """A round of Partnerpotten (utlysning)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        PUBLISHED = "published", _("Publisert")
        CANCELLED = "cancelled", _("Avlyst")

    year = models.PositiveSmallIntegerField(_("år"))
    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    criteria_version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerpot_calls",
        verbose_name=_("kriterier (versjon)"),
    )
    # Whether and how a rejection or a partial grant can be appealed, as the decision letters
    # say it; empty → the criteria document's own wording, else the portal's default.
    appeal_text = models.TextField(_("klageadgang"), blank=True)
    opens_at = models.DateTimeField(_("åpner"))
    closes_at = models.DateTimeField(_("søknadsfrist"))
    envelope = models.DecimalField(_("ramme"), **MONEY)
    max_per_application = models.DecimalField(_("høyeste beløp per søknad"), **MONEY)
    deciding_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerpot_calls",
        verbose_name=_("partnermøtet som vedtar"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("publisert"), null=True, blank=True, editable=False)
    # iCal: the deadline's event keeps its UID; SEQUENCE rises when the deadline moves.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = _user_fk()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-closes_at", "-pk"]
        verbose_name = _("utlysning")
        verbose_name_plural = _("utlysninger")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="call_closes_after_opening",
                violation_error_message=_("Søknadsfristen må være etter at utlysningen åpner."),
            ),
            models.CheckConstraint(
                condition=Q(envelope__gt=0),
                name="call_envelope_positive",
                violation_error_message=_("Rammen må være større enn null."),
            ),
            models.CheckConstraint(
                condition=Q(max_per_application__gt=0) & Q(max_per_application__lte=F("envelope")),
                name="call_max_within_envelope",
                violation_error_message=_(
                    "Høyeste beløp per søknad må være større enn null og ikke over rammen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(criteria_version__isnull=False) & Q(deciding_meeting__isnull=False)),
                name="call_published_is_complete",
                violation_error_message=_(
                    "En publisert utlysning må ha kriterier og et partnermøte som vedtar."
                ),
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerpot:call_detail", kwargs={"pk": self.pk})

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and self.opens_at <= now < self.closes_at

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Criterion(models.Model):
    """One criterion of the call's version of "Kriterier for Partnerpotten", scored in the
    assessment. Copied onto the call so a later revision of the document leaves it alone."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("nummer"), default=0)
    text = models.CharField(_("kriterium"), max_length=500)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = _("kriterium")
        verbose_name_plural = _("kriterier")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="criterion_text_required"),
        ]

    def __str__(self) -> str:
        return self.text


# --- Applications -----------------------------------------------------------------------------
class ApplicationCounter(models.Model):
    """The last application number of a year ("PP-2026-7"), taken under a row lock so numbers
    are unique across the year's calls."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Application(models.Model):
    """A partner's application to a call (søknad)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Sendt inn")
        INFO_REQUESTED = "info_requested", _("Venter på mer informasjon")
        ASSESSED = "assessed", _("Vurdert")
        ON_AGENDA = "on_agenda", _("Til behandling i partnermøtet")
        GRANTED = "granted", _("Innvilget")
        PARTLY_GRANTED = "partly_granted", _("Delvis innvilget")
        REJECTED = "rejected", _("Avslått")
        WITHDRAWN = "withdrawn", _("Trukket")

    # The parts of the form; an information request reopens some of them.
    class Section(models.TextChoices):
        PROJECT = "project", _("Prosjektet")
        TARGET = "target", _("Målgruppe og område")
        PARTICIPATION = "participation", _("Barn og unges medvirkning")
        BULLYING = "bullying", _("Former for mobbing")
        ACTIVITIES = "activities", _("Aktiviteter og tidsplan")
        BUDGET = "budget", _("Budsjett")
        PARTNERS = "partners", _("Medsøkere")
        ATTACHMENTS = "attachments", _("Vedlegg")

    DECIDED = (Status.GRANTED, Status.PARTLY_GRANTED, Status.REJECTED)
    GRANTING = (Status.GRANTED, Status.PARTLY_GRANTED)
    # Withdrawal is possible until the decision.
    WITHDRAWABLE = (
        Status.DRAFT,
        Status.SUBMITTED,
        Status.INFO_REQUESTED,
        Status.ASSESSED,
        Status.ON_AGENDA,
    )
    # Submitted and waiting for the secretariat or the meeting.
    IN_PROCESS = (Status.SUBMITTED, Status.INFO_REQUESTED, Status.ASSESSED, Status.ON_AGENDA)
    # The life of an application (like ``Meeting.TRANSITIONS`` and ``Grant.TRANSITIONS``):
    # every status change in the services goes through ``can_move_to``. The services check
    # the finer conditions first (a deadline, the envelope) and say them in their own words.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
        Status.SUBMITTED: frozenset({Status.INFO_REQUESTED, Status.ASSESSED, Status.WITHDRAWN}),
        Status.INFO_REQUESTED: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
        Status.ASSESSED: frozenset(
            {Status.SUBMITTED, Status.INFO_REQUESTED, Status.ON_AGENDA, Status.WITHDRAWN}
        ),
        Status.ON_AGENDA: frozenset(
            {Status.GRANTED, Status.PARTLY_GRANTED, Status.REJECTED, Status.WITHDRAWN}
        ),
        Status.GRANTED: frozenset(),
        Status.PARTLY_GRANTED: frozenset(),
        Status.REJECTED: frozenset(),
        Status.WITHDRAWN: frozenset(),
    }

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("utlysning")
    )
    applicant = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="partnerpot_applications",
        verbose_name=_("søker"),
    )
    # The call's year, kept here for the numbering: "PP-<year>-<number>" is unique.
    year = models.PositiveSmallIntegerField(_("år"), editable=False)
    number = models.PositiveIntegerField(_("søknadsnummer"), editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # --- the form
    title = models.CharField(_("prosjekttittel"), max_length=200, blank=True)
    summary = models.TextField(_("sammendrag"), blank=True)
    sub_goals = ArrayField(
        models.CharField(max_length=20, choices=SubGoal.choices),
        default=list,
        blank=True,
        verbose_name=_("delmål"),
    )
    target_group = models.TextField(_("målgruppe"), blank=True)
    county = models.CharField(_("fylke"), max_length=60, blank=True)
    municipality = models.CharField(_("kommune"), max_length=120, blank=True)
    participation = models.TextField(_("barn og unges medvirkning"), blank=True)
    bullying_forms = ArrayField(
        models.CharField(max_length=20, choices=BullyingForm.choices),
        default=list,
        blank=True,
        verbose_name=_("former for mobbing"),
    )
    activities = models.TextField(_("aktiviteter"), blank=True)
    starts_on = models.DateField(_("prosjektstart"), null=True, blank=True)
    ends_on = models.DateField(_("prosjektslutt"), null=True, blank=True)
    own_contribution = models.DecimalField(_("egeninnsats"), default=ZERO, **MONEY)
    requested_amount = models.DecimalField(_("omsøkt beløp"), null=True, blank=True, **MONEY)
    letter_language = models.CharField(
        _("målform for vedtaksbrev"),
        max_length=2,
        choices=LetterLanguage.choices,
        default=LetterLanguage.BOKMAAL,
    )
    # --- life cycle
    # Rises with every save of the form, so two representatives drafting together cannot
    # overwrite each other unnoticed.
    version = models.PositiveIntegerField(default=1, editable=False)
    reopened_sections = ArrayField(
        models.CharField(max_length=20, choices=Section.choices),
        default=list,
        blank=True,
        editable=False,
    )
    created_by = _user_fk()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = _user_fk()
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_by = _user_fk()
    submitted_at = models.DateTimeField(_("sendt inn"), null=True, blank=True, editable=False)
    withdrawn_by = _user_fk()
    withdrawn_at = models.DateTimeField(_("trukket"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("begrunnelse for å trekke"), blank=True)
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerpot_applications",
        editable=False,
    )
    # --- the Partnermøte's decision
    decision = models.OneToOneField(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerpot_application",
        editable=False,
    )
    granted_amount = models.DecimalField(
        _("innvilget beløp"), null=True, blank=True, editable=False, **MONEY
    )
    conditions = models.TextField(_("vilkår"), blank=True, editable=False)
    decision_reason = models.TextField(_("begrunnelse"), blank=True, editable=False)
    receipt_pdf = models.FileField(max_length=200, blank=True, editable=False)
    letter_pdf = models.FileField(max_length=200, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["receipt_pdf", "letter_pdf"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("søknad")
        verbose_name_plural = _("søknader")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="application_unique_number"),
            models.CheckConstraint(
                condition=Q(requested_amount__isnull=True) | Q(requested_amount__gt=0),
                name="application_requested_positive",
                violation_error_message=_("Omsøkt beløp må være større enn null."),
            ),
            models.CheckConstraint(
                condition=Q(own_contribution__gte=0),
                name="application_own_contribution_not_negative",
                violation_error_message=_("Egeninnsatsen kan ikke være negativ."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="application_period_ordered",
                violation_error_message=_("Prosjektet kan ikke slutte før det starter."),
            ),
            # A decided application has its decision in the register, and only then an amount.
            models.CheckConstraint(
                condition=(
                    Q(status__in=["granted", "partly_granted", "rejected"])
                    & Q(decision__isnull=False)
                    & Q(granted_amount__isnull=False)
                )
                | (
                    ~Q(status__in=["granted", "partly_granted", "rejected"])
                    & Q(decision__isnull=True)
                    & Q(granted_amount__isnull=True)
                ),
                name="application_decision_matches_status",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | Q(granted_amount=0),
                name="application_rejected_gets_nothing",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["granted", "partly_granted"])
                | (Q(granted_amount__gt=0) & Q(granted_amount__lte=F("requested_amount"))),
                name="application_granted_within_request",
                violation_error_message=_(
                    "Innvilget beløp må være større enn null og ikke over omsøkt beløp."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(submitted_at__isnull=False)
                # withdrawn drafts were never submitted
                | Q(status="withdrawn"),
                name="application_submitted_has_time",
            ),
        ]
        indexes = [
            # The pipeline's counts and sums per call and status read only this index
            # (an index-only scan; it was a visit to every application's row).
            models.Index(
                fields=["call", "status"],
                # submitted_at: the pipeline counts the drafts withdrawn unsent from it too.
                include=["requested_amount", "granted_amount", "submitted_at"],
                name="application_call_sums_sent",
            ),
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["status", "-submitted_at"]),
            # The secretariat's pipeline: submitted first, a page at a time.
            models.Index(fields=["submitted_at", "id"], name="application_pipeline_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("partnerpot:application_detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        """ "PP-2026-7"."""
        return self.reference_of(self.year, self.number)

    @staticmethod
    def reference_of(year: int, number: int) -> str:
        """The reference from its parts (lists read them as plain values)."""
        return f"PP-{year}-{number}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    @property
    def is_granted(self) -> bool:
        return self.status in self.GRANTING

    def section_is_open(self, section: str) -> bool:
        """Whether the applicant may edit ``section`` now."""
        if self.status == self.Status.DRAFT:
            return True
        return self.status == self.Status.INFO_REQUESTED and section in self.reopened_sections


class ApplicationTotal(models.Model):
    """Submitted applications counted and summed per call, status and whether they were
    withdrawn without ever being sent (``unsent``): what the secretariat's pipeline shows.

    Kept by PostgreSQL triggers on ``partnerpot_application`` (migration 0007), in the same
    transaction as the change, so ``bulk_create``, ``update()`` and raw SQL are counted too
    and the totals are never stale; a key whose last application goes is deleted. Drafts are
    not counted (the pipeline leaves them out), so a partner's autosaves never touch a total.
    The pipeline reads these few rows a call instead of counting ten thousand applications
    on every page view (make bench). An update moves its two keys in a fixed order, so two
    applications changing status in opposite directions cannot deadlock.
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Application.Status.choices)
    unsent = models.BooleanField()
    applications = models.IntegerField()  # no CHECK: the upsert proposes -1 before the row
    requested = models.DecimalField(max_digits=18, decimal_places=2)
    granted = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        constraints = [
            # The triggers' ON CONFLICT target.
            models.UniqueConstraint(
                fields=["call", "status", "unsent"], name="application_total_one_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}/{self.status}/{self.unsent}: {self.applications}"


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        PERSONNEL = "personnel", _("Lønn og honorarer")
        TRAVEL = "travel", _("Reise og opphold")
        EVENTS = "events", _("Møter, samlinger og lokaler")
        MATERIALS = "materials", _("Materiell og utstyr")
        COMMUNICATION = "communication", _("Kommunikasjon og formidling")
        OTHER = "other", _("Annet")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    position = models.PositiveSmallIntegerField(default=0)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    description = models.CharField(_("beskrivelse"), max_length=300)
    amount = models.DecimalField(_("beløp"), **MONEY)

    class Meta:
        ordering = ["application_id", "position", "pk"]
        verbose_name = _("budsjettlinje")
        verbose_name_plural = _("budsjettlinjer")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="budgetline_amount_positive",
                violation_error_message=_("Beløpet må være større enn null."),
            ),
            models.CheckConstraint(
                condition=~Q(description=""),
                name="budgetline_description_required",
                violation_error_message=_("Beskriv budsjettlinjen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description}"


class CoApplicant(models.Model):
    """Another partner, or an external actor, that takes part in the project."""

    class Kind(models.TextChoices):
        PARTNER = "partner", _("Partner i partnerskapet")
        MUNICIPALITY = "municipality", _("Kommune")
        SCHOOL = "school", _("Skole")
        KINDERGARTEN = "kindergarten", _("Barnehage")
        VOLUNTARY = "voluntary", _("Frivillig organisasjon")
        COUNTY_GOVERNOR = "county_governor", _("Statsforvalter")
        OMBUD = "ombud", _("Mobbeombud")
        OTHER = "other", _("Annen aktør")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="co_applicants"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerpot_co_applications",
        verbose_name=_("partner"),
    )
    name = models.CharField(_("navn"), max_length=200, blank=True)

    class Meta:
        ordering = ["application_id", "pk"]
        verbose_name = _("medsøker")
        verbose_name_plural = _("medsøkere")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="partner") & Q(partner__isnull=False) & Q(name=""))
                | (~Q(kind="partner") & Q(partner__isnull=True) & ~Q(name="")),
                name="coapplicant_partner_or_name",
                violation_error_message=_(
                    "Velg en partner, eller oppgi navnet på en annen aktør og velg typen."
                ),
            ),
            models.UniqueConstraint(
                fields=["application", "partner"],
                condition=Q(partner__isnull=False),
                name="coapplicant_partner_once",
                violation_error_message=_("Partneren er allerede medsøker."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.partner) if self.partner_id else self.name

    @property
    def display_name(self) -> str:
        return self.partner.name if self.partner_id else self.name


def application_file_path(instance: ApplicationFile, filename: str) -> str:
    """ "partnerpot/<application pk>/<uuid4><ext>": never the uploader's file name."""
    return stored_name(f"partnerpot/{instance.application_id}", filename)


class ApplicationFile(models.Model):
    """An attachment to an application or its final report, checked by content on upload and
    served only through an access-checked view."""

    class Purpose(models.TextChoices):
        APPLICATION = "application", _("Søknad")
        REPORT = "report", _("Sluttrapport")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="files")
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.APPLICATION)
    file = models.FileField(_("fil"), upload_to=application_file_path, max_length=200)
    original_name = models.CharField(_("filnavn"), max_length=255)
    content_type = models.CharField(_("filtype"), max_length=120)
    size = models.PositiveBigIntegerField(_("størrelse"))
    sha256 = models.CharField(_("sjekksum (SHA-256)"), max_length=64)
    uploaded_by = _user_fk()
    uploaded_at = models.DateTimeField(_("lastet opp"), default=timezone.now)

    class Meta:
        ordering = ["application_id", "uploaded_at", "pk"]
        verbose_name = _("vedlegg")
        verbose_name_plural = _("vedlegg")

    def __str__(self) -> str:
        return self.original_name


class InfoRequest(models.Model):
    """The secretariat asks the applicant for more information; only the named sections
    reopen, until the applicant answers."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="info_requests"
    )
    message = models.TextField(_("hva som mangler"))
    sections = ArrayField(
        models.CharField(max_length=20, choices=Application.Section.choices),
        verbose_name=_("deler som åpnes"),
    )
    reply_by = models.DateField(_("svarfrist"))
    requested_by = _user_fk()
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    answer = models.TextField(_("svar"), blank=True)
    answered_by = _user_fk()
    answered_at = models.DateTimeField(_("besvart"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["application_id", "-requested_at"]
        verbose_name = _("forespørsel om mer informasjon")
        verbose_name_plural = _("forespørsler om mer informasjon")
        constraints = [
            models.CheckConstraint(
                condition=~Q(sections=[]),
                name="inforequest_sections_required",
                violation_error_message=_("Velg minst én del av søknaden som skal åpnes."),
            ),
            # One open request per application at a time.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(answered_at__isnull=True),
                name="inforequest_one_open",
                violation_error_message=_("Søknaden har allerede en ubesvart forespørsel."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} ({self.reply_by})"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class Assessment(models.Model):
    """The secretariat's assessment of an application: completeness, fit with the criteria,
    a score per criterion and a recommendation. Hidden from conflicted persons."""

    class Recommendation(models.TextChoices):
        GRANT = "grant", _("Innvilges")
        PARTLY = "partly", _("Innvilges delvis")
        REJECT = "reject", _("Avslås")

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="assessment"
    )
    is_complete = models.BooleanField(_("søknaden er komplett"), null=True, blank=True)
    fits_criteria = models.BooleanField(_("søknaden passer med kriteriene"), null=True, blank=True)
    recommendation = models.CharField(
        _("innstilling"), max_length=10, choices=Recommendation.choices, blank=True
    )
    recommended_amount = models.DecimalField(_("foreslått beløp"), null=True, blank=True, **MONEY)
    recommendation_text = models.TextField(_("begrunnelse for innstillingen"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    assessed_by = _user_fk()
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vurdering")
        verbose_name_plural = _("vurderinger")
        constraints = [
            models.CheckConstraint(
                condition=Q(recommended_amount__isnull=True) | Q(recommended_amount__gte=0),
                name="assessment_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.application)


class CriterionScore(models.Model):
    SCORES = [(n, str(n)) for n in range(1, 6)]

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("poeng (1–5)"), choices=SCORES, null=True)
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["assessment", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="criterionscore_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="criterionscore_range",
                violation_error_message=_("Poeng må være fra 1 til 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


# --- Grants and final reports -----------------------------------------------------------------
class Grant(models.Model):
    """Money granted by the Partnermøte, followed up until the final report is approved."""

    class Status(models.TextChoices):
        AWARDED = "awarded", _("Tildelt")
        PAID_OUT = "paid_out", _("Utbetalt")
        REPORT_DUE = "report_due", _("Sluttrapport til behandling")
        REPORT_APPROVED = "report_approved", _("Sluttrapport godkjent")
        CLOSED = "closed", _("Avsluttet")
        CANCELLED = "cancelled", _("Annullert")
        TO_BE_REPAID = "to_be_repaid", _("Skal tilbakebetales")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.AWARDED: frozenset({Status.PAID_OUT, Status.CANCELLED}),
        Status.PAID_OUT: frozenset({Status.REPORT_DUE, Status.TO_BE_REPAID, Status.CANCELLED}),
        Status.REPORT_DUE: frozenset({Status.PAID_OUT, Status.REPORT_APPROVED}),
        Status.REPORT_APPROVED: frozenset({Status.CLOSED, Status.TO_BE_REPAID}),
        Status.TO_BE_REPAID: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    amount = models.DecimalField(_("tilskudd"), **MONEY)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AWARDED
    )
    report_due_on = models.DateField(_("frist for sluttrapport"))
    paid_out_on = models.DateField(_("utbetalt"), null=True, blank=True)
    repayment_amount = models.DecimalField(
        _("beløp som skal tilbakebetales"), null=True, blank=True, **MONEY
    )
    # What actually came back, recorded by the secretariat before the grant is closed.
    repaid_on = models.DateField(_("tilbakebetalt dato"), null=True, blank=True)
    repaid_amount = models.DecimalField(_("tilbakebetalt beløp"), null=True, blank=True, **MONEY)
    note = models.TextField(_("merknad"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["report_due_on", "pk"]
        verbose_name = _("tilskudd")
        verbose_name_plural = _("tilskudd")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(
                condition=Q(repayment_amount__isnull=True)
                | (Q(repayment_amount__gt=0) & Q(repayment_amount__lte=F("amount"))),
                name="grant_repayment_within_amount",
                violation_error_message=_(
                    "Beløpet som skal tilbakebetales, må være større enn null og ikke over "
                    "tilskuddet."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="to_be_repaid") | Q(repayment_amount__isnull=False),
                name="grant_repay_has_amount",
            ),
            models.CheckConstraint(
                condition=(Q(repaid_on__isnull=True) & Q(repaid_amount__isnull=True))
                | (
                    Q(repaid_on__isnull=False)
                    & Q(repaid_amount__gt=0)
                    & Q(repaid_amount__lte=F("amount"))
                    & Q(repayment_amount__isnull=False)
                ),
                name="grant_repaid_dated_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["status", "report_due_on"])]

    def __str__(self) -> str:
        return str(self.application)

    def get_absolute_url(self) -> str:
        return reverse("partnerpot:grant_detail", kwargs={"pk": self.pk})

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())


class GrantReport(models.Model):
    """The final report (sluttrapport) on a grant."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Sendt inn")
        MORE_REQUESTED = "more_requested", _("Sekretariatet ber om mer")
        APPROVED = "approved", _("Godkjent")

    grant = models.OneToOneField(Grant, on_delete=models.PROTECT, related_name="report")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    what_was_done = models.TextField(_("hva ble gjort"), blank=True)
    participation = models.TextField(_("hvordan barn og unge medvirket"), blank=True)
    reach_count = models.PositiveIntegerField(_("antall nådd"), null=True, blank=True)
    reach_description = models.TextField(_("hvem ble nådd"), blank=True)
    feedback = models.TextField(_("tilbakemelding fra sekretariatet"), blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = _user_fk()
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_by = _user_fk()
    submitted_at = models.DateTimeField(_("sendt inn"), null=True, blank=True, editable=False)
    approved_by = _user_fk()
    approved_at = models.DateTimeField(_("godkjent"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sluttrapport")
        verbose_name_plural = _("sluttrapporter")

    def __str__(self) -> str:
        return str(self.grant)

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.MORE_REQUESTED)


class GrantReportLine(models.Model):
    """Accounts against one budget line: what was spent of the grant."""

    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="lines")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="+")
    spent = models.DecimalField(_("brukt"), **MONEY)
    comment = models.CharField(_("kommentar"), max_length=300, blank=True)

    class Meta:
        ordering = ["report", "budget_line__position", "budget_line_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_line"], name="reportline_once"),
            models.CheckConstraint(
                condition=Q(spent__gte=0),
                name="reportline_spent_not_negative",
                violation_error_message=_("Brukt beløp kan ikke være negativt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_line}: {self.spent}"


# --- Study visits (R9) ------------------------------------------------------------------------
class StudyVisit(models.Model):
    """A study visit (studiebesøk) proposed by one or more partners and decided by the
    Partnermøte; held every second year or on request, with a short report afterwards."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Foreslått")
        ON_AGENDA = "on_agenda", _("Til behandling i partnermøtet")
        APPROVED = "approved", _("Vedtatt")
        REJECTED = "rejected", _("Avslått")
        WITHDRAWN = "withdrawn", _("Trukket")
        REPORTED = "reported", _("Rapportert")

    DECIDED = (Status.APPROVED, Status.REJECTED, Status.REPORTED)

    title = models.CharField(_("tittel"), max_length=200)
    destination = models.CharField(_("reisemål"), max_length=300)
    purpose = models.TextField(_("formål"))
    participants = models.TextField(_("deltakere"))
    starts_on = models.DateField(_("fra"), null=True, blank=True)
    ends_on = models.DateField(_("til"), null=True, blank=True)
    budget = models.DecimalField(_("budsjett"), **MONEY)
    on_request = models.BooleanField(
        _("etter ønske fra partnerne"),
        default=False,
        help_text=_("Studiebesøk holdes hvert andre år, eller når partnerne ønsker det."),
    )
    partners = models.ManyToManyField(
        Partner, related_name="study_visits", verbose_name=_("partnere som foreslår")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    deciding_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="study_visits",
        verbose_name=_("partnermøtet som vedtar"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.OneToOneField(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="study_visit",
        editable=False,
    )
    approved_amount = models.DecimalField(
        _("vedtatt beløp"), null=True, blank=True, editable=False, **MONEY
    )
    decision_reason = models.TextField(_("begrunnelse"), blank=True, editable=False)
    report = models.TextField(_("rapport"), blank=True)
    reported_at = models.DateTimeField(_("rapportert"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = _user_fk()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("studiebesøk")
        verbose_name_plural = _("studiebesøk")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="studyvisit_budget_not_negative",
                violation_error_message=_("Budsjettet kan ikke være negativt."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="studyvisit_period_ordered",
                violation_error_message=_("Besøket kan ikke slutte før det starter."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "rejected", "reported"])
                | Q(decision__isnull=False),
                name="studyvisit_decided_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerpot:study_visit_detail", kwargs={"pk": self.pk})
