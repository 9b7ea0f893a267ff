"""Meetings, agendas, minutes and the decision register (issue 3; R1–R7, R9, R12).

The decision register is the hub of the portal: a ``Decision`` can concern any
object through a generic relation, so later apps (budgets, grants, measure
plans) hang their adoption on it without this app knowing them.

Writes go through ``meetings.services``; the rules that the database can hold
(ordering of times, unique numbers, a legal basis for exempt items) are
constraints here, so a bug in a service cannot break them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.models import Body, Membership
from partnership.uploads import stored_name

OSLO = ZoneInfo("Europe/Oslo")


def local_year(moment: dt.datetime) -> int:
    """The year of an aware datetime in Norway (a meeting on 31 Dec 23:30 UTC is next year's)."""
    return moment.astimezone(OSLO).year


# --- Per-body settings ------------------------------------------------------------------------
class MeetingSettingsManager(models.Manager):
    def for_body(self, body: Body) -> MeetingSettings:
        """The body's settings, created with the defaults the first time they are needed."""
        obj, _created = self.get_or_create(body=body)
        return obj

    def effective(self, body: Body) -> MeetingSettings:
        """The body's settings for reading: the defaults (unsaved) when none are stored."""
        return self.filter(body=body).first() or self.model(body=body)


class MeetingSettings(models.Model):
    """Deadlines and the quorum rule of one body; the secretariat may change them."""

    body = models.OneToOneField(
        Body, on_delete=models.CASCADE, related_name="meeting_settings", verbose_name=_("organ")
    )
    proposal_deadline_days = models.PositiveSmallIntegerField(
        _("frist for saksforslag (dager før møtet)"), default=14
    )
    notice_days = models.PositiveSmallIntegerField(_("innkalling (dager før møtet)"), default=7)
    minutes_reminder_days = models.PositiveSmallIntegerField(
        _("påminnelse om referat (dager etter møtet)"), default=14
    )
    quorum_fraction = models.DecimalField(
        _("vedtaksførhet (andel)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        help_text=_(
            "Møtet er vedtaksført når flere enn denne andelen av de stemmeberettigede er til "
            "stede. 0,50 betyr «mer enn halvparten»."
        ),
    )

    objects = MeetingSettingsManager()

    class Meta:
        verbose_name = _("møteinnstillinger")
        verbose_name_plural = _("møteinnstillinger")
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_fraction__gte=0) & Q(quorum_fraction__lt=1),
                name="meetingsettings_quorum_fraction_range",
                violation_error_message=_("Andelen for vedtaksførhet må være mellom 0 og 1."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.body)


# --- Meetings ---------------------------------------------------------------------------------
class Meeting(models.Model):
    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinært møte")
        EXTRAORDINARY = "extraordinary", _("Ekstraordinært møte")
        START_UP = "start_up", _("Oppstartsmøte")
        BEFORE_PARTNER_MEETING = "before_partner_meeting", _("Underveismøte før partnermøtet")
        REPORTING = "reporting", _("Rapporteringsmøte")
        GROUP_LEADERS = "group_leaders", _("Gruppeledermøte")
        FAGLIG_FORUM = "faglig_forum", _("Faglig forum")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        NOTICE_SENT = "notice_sent", _("Innkalling sendt")
        HELD = "held", _("Avholdt")
        MINUTES_DRAFT = "minutes_draft", _("Referat under arbeid")
        MINUTES_APPROVED = "minutes_approved", _("Referat godkjent")
        CANCELLED = "cancelled", _("Avlyst")

    # The life cycle; ``services.meeting_set_status`` refuses any other step.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PLANNED: frozenset({Status.NOTICE_SENT, Status.CANCELLED}),
        Status.NOTICE_SENT: frozenset({Status.HELD, Status.CANCELLED}),
        Status.HELD: frozenset({Status.MINUTES_DRAFT}),
        Status.MINUTES_DRAFT: frozenset({Status.MINUTES_APPROVED}),
        Status.MINUTES_APPROVED: frozenset(),
        Status.CANCELLED: frozenset({Status.PLANNED}),  # reinstated
    }
    # Meetings that have not taken place and can still get items, proposals and notices.
    UPCOMING_STATUSES = (Status.PLANNED, Status.NOTICE_SENT)

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("organ")
    )
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.ORDINARY)
    title = models.CharField(
        _("tittel"), max_length=200, blank=True, help_text=_("Tom: organets navn og møtetypen.")
    )
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter"))
    place = models.CharField(_("sted"), max_length=300, blank=True)
    video_url = models.URLField(_("videolenke"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    cancellation_reason = models.TextField(_("begrunnelse for avlysning"), blank=True)
    notice_sent_at = models.DateTimeField(_("innkalling sendt"), null=True, blank=True)
    # The notice went out by e-mail outside the portal (a meeting recorded after the fact).
    notice_sent_outside = models.BooleanField(_("innkalling sendt utenfor portalen"), default=False)
    # The last supplementary notice (tilleggsinnkalling) and how many have gone out.
    supplement_sent_at = models.DateTimeField(_("tilleggsinnkalling sendt"), null=True, blank=True)
    supplements_sent = models.PositiveIntegerField(default=0, editable=False)
    # Generated by the year plan and not yet confirmed by the body's leader (R5).
    suggested = models.BooleanField(_("forslag"), default=False)
    # The year-plan slot a generated meeting fills ("2026:ordinary:1"); keeps
    # ``generate_year`` from creating the same meeting twice, even after a move.
    plan_slot = models.CharField(max_length=80, blank=True, editable=False)
    # iCal: UID is stable for the meeting's life; SEQUENCE rises with every change
    # a calendar shows, so subscribers update instead of duplicating.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("møte")
        verbose_name_plural = _("møter")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("Møtet kan ikke slutte før det begynner."),
            ),
            models.UniqueConstraint(
                fields=["body", "plan_slot"],
                condition=~Q(plan_slot=""),
                name="meeting_unique_plan_slot",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled") | Q(cancellation_reason=""),
                name="meeting_reason_only_when_cancelled",
            ),
        ]
        indexes = [
            models.Index(fields=["body", "starts_at"]),
            models.Index(fields=["starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.display_title} {timezone.localtime(self.starts_at, OSLO):%d.%m.%Y}"

    @property
    def display_title(self) -> str:
        """The title, or one made from the body and the kind (translated when shown)."""
        return self.title_of(self.title, self.kind, self.body.name)

    @classmethod
    def title_of(cls, title: str, kind: str, body_name: str) -> str:
        """``display_title`` from plain values (a list that reads rows, not instances)."""
        if title:
            return title
        if kind == cls.Kind.ORDINARY:
            return body_name
        return f"{dict(cls.Kind.choices).get(kind, kind)} – {body_name}"

    @property
    def year(self) -> int:
        return local_year(self.starts_at)

    @property
    def local_date(self) -> dt.date:
        return self.starts_at.astimezone(OSLO).date()

    @property
    def is_upcoming(self) -> bool:
        return self.status in self.UPCOMING_STATUSES

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def minutes_are_approved(self) -> bool:
        return self.status == self.Status.MINUTES_APPROVED

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())


# --- Agenda -----------------------------------------------------------------------------------
class AgendaCounter(models.Model):
    """The last number used per body, year and series (agenda items, decisions).

    The service locks the row (``select_for_update``) while it takes the next
    number, so concurrent creations get unique and gapless numbers; a rolled
    back creation rolls its number back with it.
    """

    class Series(models.TextChoices):
        AGENDA_ITEM = "agenda_item", _("Saker")
        DECISION = "decision", _("Vedtak")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=20, choices=Series.choices, default=Series.AGENDA_ITEM)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("nummerserie")
        verbose_name_plural = _("nummerserier")
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "series"], name="agendacounter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.body_id}/{self.year}/{self.series}: {self.last_number}"


class AgendaItem(models.Model):
    """A numbered item (sak) on a meeting's agenda: "PM-sak 7/2026"."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Vedtakssak")
        INFORMATION = "information", _("Orienteringssak")
        DELEGATED_REPORT = "delegated_report", _("Referatsak")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("møte")
    )
    # Denormalised from the meeting so the database can hold the number unique per body and year.
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="agenda_items", editable=False
    )
    year = models.PositiveSmallIntegerField(_("år"), editable=False)
    number = models.PositiveIntegerField(_("saksnummer"), editable=False)
    position = models.PositiveIntegerField(_("rekkefølge"), default=0)
    kind = models.CharField(
        _("sakstype"), max_length=20, choices=Kind.choices, default=Kind.DECISION
    )
    title = models.CharField(_("tittel"), max_length=300)
    background = models.TextField(_("bakgrunn"), blank=True)
    proposed_decision = models.TextField(_("forslag til vedtak"), blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarlig"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_agenda_items",
    )
    exempt = models.BooleanField(_("unntatt offentlighet"), default=False)
    legal_basis = models.CharField(
        _("hjemmel"), max_length=100, blank=True, help_text=_("For eksempel «offl. § 14».")
    )
    # Put on the agenda after the notice was sent (a tilleggssak).
    added_after_notice_at = models.DateTimeField(
        _("tilleggssak"), null=True, blank=True, editable=False
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

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "number"]
        verbose_name = _("sak")
        verbose_name_plural = _("saker")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "number"],
                name="agendaitem_unique_number",
                violation_error_message=_("Saksnummeret er allerede brukt i år."),
            ),
            models.CheckConstraint(
                condition=Q(exempt=False) | ~Q(legal_basis=""),
                name="agendaitem_exempt_needs_legal_basis",
                violation_error_message=_("En sak som er unntatt offentlighet, må ha hjemmel."),
            ),
        ]
        indexes = [models.Index(fields=["meeting", "position"])]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    @property
    def label(self) -> str:
        """ "PM-sak 7/2026" (the body's short name, the number and the year)."""
        return _("%(body)s-sak %(number)s/%(year)s") % {
            "body": self.body.short_name,
            "number": self.number,
            "year": self.year,
        }


class AgendaTemplate(models.Model):
    """The suggested agenda for a kind of meeting of a kind of body: the working-group guide's
    three (002), and the Partnermøte's and the AU's ordinary and extraordinary meetings (their
    mandates in the action plan, 000). A template with no body kind serves every body that has
    none of its own for that kind of meeting."""

    body_kind = models.CharField(
        _("organtype"),
        max_length=20,
        choices=Body.Kind.choices,
        blank=True,
        default="",
        help_text=_("Tomt: gjelder alle organer som ikke har en egen mal for møtetypen."),
    )
    meeting_kind = models.CharField(_("møtetype"), max_length=30, choices=Meeting.Kind.choices)
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)

    class Meta:
        ordering = ["body_kind", "meeting_kind"]
        verbose_name = _("saksliste-mal")
        verbose_name_plural = _("saksliste-maler")
        constraints = [
            models.UniqueConstraint(
                fields=["body_kind", "meeting_kind"],
                name="agenda_template_one_per_body_and_meeting_kind",
                violation_error_message=_(
                    "Det finnes allerede en saksliste-mal for denne organtypen og møtetypen."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def body_kind_label(self) -> str:
        return self.get_body_kind_display() if self.body_kind else str(_("Alle organer"))


class AgendaTemplateItem(models.Model):
    template = models.ForeignKey(AgendaTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("rekkefølge"), default=0)
    title = models.CharField(_("tittel"), max_length=300)
    kind = models.CharField(
        _("sakstype"),
        max_length=20,
        choices=AgendaItem.Kind.choices,
        default=AgendaItem.Kind.DECISION,
    )
    background = models.TextField(_("bakgrunn"), blank=True)

    class Meta:
        ordering = ["template", "position", "pk"]
        verbose_name = _("punkt i saksliste-mal")
        verbose_name_plural = _("punkter i saksliste-mal")

    def __str__(self) -> str:
        return self.title


# --- Proposals --------------------------------------------------------------------------------
class Proposal(models.Model):
    """A proposed agenda item for a Partnermøte or Gruppeledermøte, sent before the deadline."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Sendt inn")
        ACCEPTED = "accepted", _("Satt på saklisten")
        RETURNED = "returned", _("Returnert")
        DEFERRED = "deferred", _("Utsatt")
        WITHDRAWN = "withdrawn", _("Trukket")

    # Bodies that take proposals from members and working groups.
    TARGET_BODY_KINDS = (Body.Kind.PARTNERS, Body.Kind.GROUP_LEADERS)
    OPEN_STATUSES = (Status.SUBMITTED, Status.DEFERRED)

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("foreslått av"),
    )
    on_behalf_of = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals_made",
        verbose_name=_("på vegne av"),
    )
    target_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        related_name="proposals_received",
        verbose_name=_("til organ"),
    )
    target_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("til møte")
    )
    # The meeting first proposed for, kept when the proposal is deferred.
    original_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="+", null=True, blank=True, editable=False
    )
    title = models.CharField(_("tittel"), max_length=300)
    background = models.TextField(_("bakgrunn"), blank=True)
    proposed_decision = models.TextField(_("forslag til vedtak"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    return_reason = models.TextField(_("begrunnelse"), blank=True)
    agenda_item = models.OneToOneField(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("sak"),
    )
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    handled_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("saksforslag")
        verbose_name_plural = _("saksforslag")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="proposal_returned_needs_reason",
                violation_error_message=_("Skriv hvorfor forslaget returneres."),
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(agenda_item__isnull=False),
                name="proposal_accepted_has_item",
            ),
        ]
        indexes = [models.Index(fields=["target_meeting", "status"])]

    def __str__(self) -> str:
        return self.title


# --- Attendance and quorum --------------------------------------------------------------------
class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Til stede")
        ABSENT_WITH_NOTICE = "absent_with_notice", _("Meldt forfall")
        ABSENT = "absent", _("Fraværende")
        DEPUTY_ATTENDING = "deputy_attending", _("Forfall, vara møter")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("møte")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("person"),
    )
    # The seat the person holds on the meeting date; empty for guests (e.g. the secretariat).
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("medlemskap"),
    )
    status = models.CharField(
        _("oppmøte"), max_length=20, choices=Status.choices, default=Status.PRESENT
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputised_attendances",
        verbose_name=_("vara"),
    )
    note = models.CharField(_("merknad"), max_length=300, blank=True)

    class Meta:
        ordering = ["meeting", "person__full_name"]
        verbose_name = _("oppmøte")
        verbose_name_plural = _("oppmøter")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="attendance_once_per_meeting",
                violation_error_message=_("Oppmøtet er allerede registrert."),
            ),
            models.CheckConstraint(
                condition=(Q(status="deputy_attending") & Q(deputy__isnull=False))
                | (~Q(status="deputy_attending") & Q(deputy__isnull=True)),
                name="attendance_deputy_iff_deputy_attending",
                violation_error_message=_("Oppgi vara når vara møter, og bare da."),
            ),
            models.CheckConstraint(
                condition=~Q(deputy=F("person")),
                name="attendance_deputy_not_self",
                violation_error_message=_("En person kan ikke være sin egen vara."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_status_display()}"


class StepAside(models.Model):
    """A person who steps aside on an item (inhabil, fratrer); left out of its quorum."""

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="step_asides", verbose_name=_("sak")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="step_asides",
        verbose_name=_("person"),
    )
    reason = models.CharField(_("grunn"), max_length=500)

    class Meta:
        ordering = ["agenda_item", "person__full_name"]
        verbose_name = _("fratreden")
        verbose_name_plural = _("fratredener")
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "person"],
                name="stepaside_once_per_item",
                violation_error_message=_("Personen har allerede fratrådt i saken."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="stepaside_reason_required",
                violation_error_message=_("Oppgi grunnen til at personen fratrer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.agenda_item})"


# --- Minutes ----------------------------------------------------------------------------------
class Minutes(models.Model):
    """The minutes of a meeting: one entry per agenda item, approved as a whole."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        APPROVED = "approved", _("Godkjent")

    class ApprovedHow(models.TextChoices):
        NEXT_MEETING = "next_meeting", _("Godkjent i neste møte")
        CIRCULATION = "circulation", _("Godkjent ved sirkulasjon")

    meeting = models.OneToOneField(
        Meeting, on_delete=models.PROTECT, related_name="minutes", verbose_name=_("møte")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    notes = models.TextField(_("andre merknader"), blank=True)
    approved_at = models.DateTimeField(_("godkjent"), null=True, blank=True)
    approved_how = models.CharField(
        _("godkjent hvordan"), max_length=20, choices=ApprovedHow.choices, blank=True
    )
    approved_at_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("godkjent i møte"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Optimistic locking: a save carrying an older version is refused (partnership.locking.ConflictError).
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referat")
        verbose_name_plural = _("referater")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status="approved") & Q(approved_at__isnull=False) & ~Q(approved_how="")
                )
                | (Q(status="draft") & Q(approved_at__isnull=True) & Q(approved_how="")),
                name="minutes_approval_complete",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Referat: %(meeting)s") % {"meeting": self.meeting})

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class MinutesEntry(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="entries")
    agenda_item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="minutes_entry", verbose_name=_("sak")
    )
    summary = models.TextField(_("referat"), blank=True)
    decision_text = models.TextField(_("vedtak"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item__position", "agenda_item__number"]
        verbose_name = _("referatpunkt")
        verbose_name_plural = _("referatpunkter")

    def __str__(self) -> str:
        return str(self.agenda_item)


# --- The decision register --------------------------------------------------------------------
class Decision(models.Model):
    """A decision (vedtak), numbered per body and year: the register's row."""

    number = models.PositiveIntegerField(_("vedtaksnummer"), editable=False)
    year = models.PositiveSmallIntegerField(_("år"), editable=False)
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("organ")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("møte")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("sak"),
    )
    decided_on = models.DateField(_("vedtaksdato"))
    title = models.CharField(_("tittel"), max_length=300, blank=True)
    text = models.TextField(_("vedtak"))
    # What the decision adopts or concerns (a budget, a grant, a document version …).
    concerns_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concerns_id = models.PositiveBigIntegerField(null=True, blank=True)
    concerns = GenericForeignKey("concerns_type", "concerns_id")
    # R3: the AU decides under authority delegated from the Partnermøte, and reports it there.
    made_under_delegation = models.BooleanField(_("delegert vedtak"), default=False)
    report_to = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    # Empty while the report waits for the next meeting of ``report_to`` to be planned.
    report_item = models.OneToOneField(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_decision",
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    # Kept by PostgreSQL itself, so no write path can forget it ('norwegian' stems "vedtak",
    # "vedtakene" alike).
    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="norwegian")
        + SearchVector("text", weight="B", config="norwegian"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-decided_on", "-number"]
        verbose_name = _("vedtak")
        verbose_name_plural = _("vedtak")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "number"],
                name="decision_unique_number",
                violation_error_message=_("Vedtaksnummeret er allerede brukt i år."),
            ),
            models.CheckConstraint(
                condition=Q(concerns_type__isnull=True, concerns_id__isnull=True)
                | Q(concerns_type__isnull=False, concerns_id__isnull=False),
                name="decision_concerns_complete",
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="decision_text_required",
                violation_error_message=_("Vedtaket må ha en tekst."),
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="decision_search_gin"),
            models.Index(fields=["concerns_type", "concerns_id"]),
            models.Index(fields=["body", "-decided_on"]),
            models.Index(fields=["-decided_on", "-number"]),
            models.Index(
                fields=["report_to"],
                condition=Q(report_to__isnull=False, report_item__isnull=True),
                name="decision_pending_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}".strip()

    def get_absolute_url(self) -> str:
        # Reversed on call: the URLs are wired by the views' issue.
        return reverse("meetings:decision_detail", kwargs={"pk": self.pk})

    @property
    def label(self) -> str:
        """ "PM-vedtak 3/2026"."""
        return _("%(body)s-vedtak %(number)s/%(year)s") % {
            "body": self.body.short_name,
            "number": self.number,
            "year": self.year,
        }

    @property
    def is_exempt(self) -> bool:
        return bool(self.agenda_item_id and self.agenda_item.exempt)

    @property
    def report_pending(self) -> bool:
        return self.report_to_id is not None and self.report_item_id is None


# --- Follow-up items --------------------------------------------------------------------------
class FollowUp(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Åpen")
        DONE = "done", _("Utført")
        CANCELLED = "cancelled", _("Avbrutt")

    minutes_entry = models.ForeignKey(
        MinutesEntry,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("referatpunkt"),
    )
    what = models.TextField(_("hva"))
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("ansvarlig person"),
    )
    responsible_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("ansvarlig organ"),
    )
    due_on = models.DateField(_("frist"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
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
        ordering = ["due_on", "pk"]
        verbose_name = _("oppfølgingspunkt")
        verbose_name_plural = _("oppfølgingspunkter")
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible_person__isnull=False) | Q(responsible_body__isnull=False),
                name="followup_has_responsible",
                violation_error_message=_("Oppgi en ansvarlig person eller et ansvarlig organ."),
            ),
            models.CheckConstraint(condition=~Q(what=""), name="followup_what_required"),
        ]
        indexes = [
            models.Index(fields=["responsible_person", "status", "due_on"]),
            models.Index(fields=["responsible_body", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.what[:80]


# --- Governing documents (R12) ----------------------------------------------------------------
class GoverningDocument(models.Model):
    """One of the action plan's attachments (§8), adopted by its responsible body."""

    key = models.SlugField(max_length=60, unique=True)
    title = models.CharField(_("tittel"), max_length=200)
    responsible_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        related_name="governing_documents",
        verbose_name=_("vedtas av"),
    )
    description = models.TextField(_("beskrivelse"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("styringsdokument")
        verbose_name_plural = _("styringsdokumenter")

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    document = models.ForeignKey(
        GoverningDocument, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("versjon"), editable=False)
    text = models.TextField(_("tekst"))
    change_note = models.CharField(_("hva er endret"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    adopted_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_versions",
        verbose_name=_("vedtatt ved"),
    )

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("dokumentversjon")
        verbose_name_plural = _("dokumentversjoner")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="documentversion_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    @property
    def is_adopted(self) -> bool:
        return self.adopted_by_id is not None


def agenda_attachment_path(instance: AgendaAttachment, filename: str) -> str:
    """ "agenda/<item pk>/<uuid4><ext>": never the uploader's file name (it is kept in the row)."""
    return stored_name(f"agenda/{instance.agenda_item_id}", filename)


class AgendaAttachment(models.Model):
    """A file attached to an agenda item (saksdokument), checked by content when uploaded and
    served only through an access-checked view."""

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("sak"),
    )
    file = models.FileField(_("fil"), upload_to=agenda_attachment_path, max_length=200)
    original_name = models.CharField(_("filnavn"), max_length=255)
    content_type = models.CharField(_("filtype"), max_length=120)
    size = models.PositiveBigIntegerField(_("størrelse"))
    sha256 = models.CharField(_("sjekksum (SHA-256)"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lastet opp av"),
    )
    uploaded_at = models.DateTimeField(_("lastet opp"), default=timezone.now)
    exempt = models.BooleanField(_("unntatt offentlighet"), default=False)
    legal_basis = models.CharField(
        _("hjemmel"), max_length=100, blank=True, help_text=_("For eksempel «offl. § 14».")
    )

    class Meta:
        ordering = ["agenda_item", "uploaded_at", "pk"]
        verbose_name = _("vedlegg")
        verbose_name_plural = _("vedlegg")
        constraints = [
            models.CheckConstraint(
                condition=Q(exempt=False) | ~Q(legal_basis=""),
                name="agendaattachment_exempt_needs_legal_basis",
                violation_error_message=_("Et vedlegg som er unntatt offentlighet, må ha hjemmel."),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


from .models_calendar import CalendarToken as CalendarToken  # noqa: E402
from .models_presentations import PartnerPresentation as PartnerPresentation  # noqa: E402
