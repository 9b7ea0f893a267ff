"""The partnership registry: partners, people, bodies, memberships and periods.

Rights follow memberships (DESIGN.md §5 Permissions): every Body and Partner is
backed by a Django group that ``services.sync_person_rights`` keeps in step
with the person's current memberships and affiliations.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from . import extensions
from .validators import validate_organisation_number


class DateRangeSpan(models.Func):
    """``daterange(start, end, '[]')`` for exclusion constraints."""

    function = "DATERANGE"
    output_field = DateRangeField()

    def __init__(self, start, end):
        super().__init__(start, end, RangeBoundary(inclusive_lower=True, inclusive_upper=True))


def today() -> dt.date:
    return timezone.localdate()


class ActiveOnQuerySet(models.QuerySet):
    """Rows with ``starts_on``/``ends_on`` (end inclusive, open-ended when null)."""

    start_field = "starts_on"
    end_field = "ends_on"

    def active_on(self, day: dt.date | None = None):
        day = day or today()
        return self.filter(
            Q(**{f"{self.start_field}__lte": day}),
            Q(**{f"{self.end_field}__isnull": True}) | Q(**{f"{self.end_field}__gte": day}),
        )


class PartnerQuerySet(ActiveOnQuerySet):
    start_field = "active_from"
    end_field = "active_to"


class Partner(models.Model):
    class Kind(models.TextChoices):
        STATE = "state", _("Departement eller direktorat")
        MUNICIPAL = "municipal", _("Kommunesektoren")
        UNION = "union", _("Arbeidstakerorganisasjon")
        PARENTS = "parents", _("Foreldreorgan")
        PUPILS = "pupils", _("Elev- og studentorgan")
        CIVIL = "civil", _("Idrett, kultur og frivillighet")
        OTHER = "other", _("Annet")

    name = models.CharField(_("navn"), max_length=200, unique=True)
    short_name = models.CharField(_("kortnavn"), max_length=40, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    organisation_number = models.CharField(
        _("organisasjonsnummer"),
        max_length=9,
        unique=True,
        validators=[validate_organisation_number],
        error_messages={"unique": _("En partner med dette organisasjonsnummeret finnes allerede.")},
    )
    website = models.URLField(_("nettsted"), blank=True)
    contact_email = models.EmailField(_("kontakt-e-post"), blank=True)
    active_from = models.DateField(_("partner fra"))
    active_to = models.DateField(_("partner til"), null=True, blank=True)
    is_demo = models.BooleanField(_("demodata"), default=False)
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, null=True, blank=True, editable=False
    )

    history = HistoricalRecords()
    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partnere")
        permissions = [("act_for_partner", _("Kan handle på vegne av partneren"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=F("active_from")),
                name="partner_active_period_ordered",
                violation_error_message=_("Sluttdatoen kan ikke være før startdatoen."),
            ),
            models.CheckConstraint(
                condition=Q(organisation_number__regex=r"^[0-9]{9}$"),
                name="partner_orgnr_nine_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        d = today()
        return self.active_from <= d and (self.active_to is None or self.active_to >= d)


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields):
        email = self.normalize_email(email).lower()
        person = self.model(email=email, **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """A person using the portal; the e-mail address is the login."""

    email = models.EmailField(
        _("e-post"),
        unique=True,
        error_messages={"unique": _("Det finnes allerede en person med denne e-postadressen.")},
    )
    full_name = models.CharField(_("navn"), max_length=200)
    title = models.CharField(_("stilling"), max_length=200, blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    preferred_language = models.CharField(
        _("foretrukket språk"),
        max_length=5,
        choices=[("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")],
        default="nb",
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(_("administrator"), default=False)
    is_demo = models.BooleanField(_("demodata"), default=False)
    date_joined = models.DateTimeField(_("opprettet"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        permissions = [
            ("manage_registry", _("Kan forvalte partnerregisteret")),
            ("invite_people", _("Kan invitere personer")),
            ("view_history", _("Kan lese endringshistorikken")),
        ]

    def __str__(self) -> str:
        return self.text_of(self.full_name, self.email)

    @staticmethod
    def text_of(full_name: str | None, email: str | None) -> str:
        """How a person is named: the full name, else the e-mail address (lists read the
        two as plain values)."""
        return full_name or email or ""

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)


class Affiliation(models.Model):
    """A person works for (or represents) a partner during a period."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="affiliations")
    starts_on = models.DateField(_("fra"))
    ends_on = models.DateField(_("til"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ActiveOnQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("tilknytning")
        verbose_name_plural = _("tilknytninger")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="affiliation_period_ordered",
                violation_error_message=_("Sluttdatoen kan ikke være før startdatoen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.partner}"


class Body(models.Model):
    """An organ of the partnership (R1–R7)."""

    class Kind(models.TextChoices):
        LEADERS = "leaders", _("Ledermøte")
        PARTNERS = "partners", _("Partnermøte")
        WORKING_COMMITTEE = "au", _("Arbeidsutvalg")
        WORKING_GROUP = "working_group", _("Arbeidsgruppe")
        GROUP_LEADERS = "group_leaders", _("Gruppeledermøte")
        SECRETARIAT = "secretariat", _("Sekretariat")
        STATE_GROUP = "state_group", _("Arbeidsgruppe for statlige aktører")

    class Level(models.TextChoices):
        LOCAL = "local", _("Lokalt nivå")
        NATIONAL = "national", _("Nasjonalt nivå")

    name = models.CharField(_("navn"), max_length=200, unique=True)
    short_name = models.CharField(_("kortnavn"), max_length=20, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("nivå"), max_length=10, choices=Level.choices, blank=True)
    chairing_partner = models.ForeignKey(
        Partner,
        verbose_name=_("leder-partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_bodies",
    )
    mandate = models.TextField(_("mandat"), blank=True)
    delegated_from = models.ForeignKey(
        "self",
        verbose_name=_("delegert fra"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegates",
    )
    required_meetings_per_year = models.PositiveSmallIntegerField(
        _("påkrevde møter per år"), default=0
    )
    term_years = models.PositiveSmallIntegerField(
        _("periode (år)"),
        null=True,
        blank=True,
        help_text=_("Arbeidsgrupper oppnevnes for to år av gangen."),
    )
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, null=True, blank=True, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organ")
        verbose_name_plural = _("organer")
        permissions = [
            ("view_body_papers", _("Kan lese organets møtepapirer")),
            ("lead_body", _("Kan lede organet")),
            ("manage_body_finances", _("Er økonomiansvarlig for organet")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="working_group", level__in=["local", "national"])
                | (~Q(kind="working_group") & Q(level="")),
                name="body_level_only_for_working_groups",
                violation_error_message=_("Bare arbeidsgrupper har nivå, og de må ha det."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_working_group(self) -> bool:
        return self.kind == self.Kind.WORKING_GROUP


class BodyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Body, on_delete=models.CASCADE)


class BodyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Body, on_delete=models.CASCADE)


class PartnerUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Partner, on_delete=models.CASCADE)


class PartnerGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Partner, on_delete=models.CASCADE)


class MembershipQuerySet(ActiveOnQuerySet):
    pass


class Membership(models.Model):
    """A person sits in a body, representing a partner, in a role, for a period."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leder")
        DEPUTY_LEADER = "deputy_leader", _("Nestleder")
        FINANCE_LEAD = "finance_lead", _("Økonomiansvarlig")
        COMMUNICATION_LEAD = "communication_lead", _("Kommunikasjonsansvarlig")
        MEMBER = "member", _("Medlem")
        DEPUTY = "deputy", _("Vara")
        OBSERVER = "observer", _("Observatør")
        SECRETARY = "secretary", _("Sekretær")

    # Roles of which a working group has exactly one per term (R4).
    UNIQUE_WORKING_GROUP_ROLES = (Role.LEADER, Role.FINANCE_LEAD, Role.COMMUNICATION_LEAD)

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organ")
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("representerer"),
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    starts_on = models.DateField(_("fra"))
    ends_on = models.DateField(_("til"), null=True, blank=True)
    # The rights last applied for this membership; the daily job compares it
    # with the dates to find memberships that started or ended since.
    rights_active = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords(excluded_fields=["rights_active"])
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["body", "role", "person__full_name"]
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="membership_period_ordered",
                violation_error_message=_("Medlemskapet kan ikke slutte før det begynner."),
            ),
            # R4: one leader, one finance lead and one communication lead at a time.
            ExclusionConstraint(
                name="membership_one_holder_per_unique_role",
                expressions=[
                    ("body", RangeOperators.EQUAL),
                    ("role", RangeOperators.EQUAL),
                    (
                        DateRangeSpan("starts_on", "ends_on"),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(role__in=["leader", "finance_lead", "communication_lead"]),
                violation_error_message=_(
                    "Organet har allerede en person i denne rollen i perioden."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["body", "role", "starts_on"]),
            # A body's latest ended memberships (its page lists 25 of thousands over the years).
            models.Index(fields=["body", "-ends_on", "-id"], name="membership_body_ended"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.body} ({self.get_role_display()})"

    def is_active_on(self, day: dt.date | None = None) -> bool:
        day = day or today()
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class Period(models.Model):
    """The agreement (2021–2025) and the action plan (2022–2025)."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Partnerskapsavtale")
        ACTION_PLAN = "action_plan", _("Handlingsplan")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("tittel"), max_length=200)
    starts_on = models.DateField(_("fra"))
    ends_on = models.DateField(_("til"))

    history = HistoricalRecords()
    objects = ActiveOnQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-starts_on"]
        verbose_name = _("periode")
        verbose_name_plural = _("perioder")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="period_ordered",
                violation_error_message=_("Sluttdatoen kan ikke være før startdatoen."),
            ),
            models.UniqueConstraint(fields=["kind", "starts_on"], name="period_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on.year}–{self.ends_on.year})"


class Invitation(models.Model):
    """A single-use, expiring invitation to the portal, sent by the secretariat."""

    email = models.EmailField(_("e-post"))
    full_name = models.CharField(_("navn"), max_length=200)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.SET_NULL, null=True, blank=True
    )
    language = models.CharField(
        _("språk"),
        max_length=5,
        default="nb",
        choices=[("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")],
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitasjon")
        verbose_name_plural = _("invitasjoner")
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
                violation_error_message=_(
                    "Det finnes allerede en åpen invitasjon til denne adressen."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.email

    STATUS_LABELS = {
        "accepted": _("Akseptert"),
        "revoked": _("Trukket tilbake"),
        "expired": _("Utløpt"),
        "open": _("Åpen"),
    }

    @staticmethod
    def status_of(*, accepted_at, revoked_at, expires_at, now=None) -> str:
        """The status from the three dates (a list reads them as plain values)."""
        if accepted_at:
            return "accepted"
        if revoked_at:
            return "revoked"
        if expires_at <= (now or timezone.now()):
            return "expired"
        return "open"

    @property
    def status(self) -> str:
        return self.status_of(
            accepted_at=self.accepted_at, revoked_at=self.revoked_at, expires_at=self.expires_at
        )

    def get_status_display(self) -> str:
        return str(self.STATUS_LABELS[self.status])


# --- E-mail: the outbox and notification preferences --------------------------------------
class NotificationKind(models.TextChoices):
    """The kinds of e-mail the core sends. Each app registers its own kinds (and which of them
    cannot be turned off) with ``partnership.extensions.register_notification_kinds``."""

    INVITATION = "invitation", _("Invitasjon til portalen")
    # Sign-in and account messages from allauth: password reset, e-mail confirmation, second
    # factor notices (partnership.adapters.AccountAdapter.send_mail).
    ACCOUNT = "account", _("Innlogging og konto")


# Always sent: an invitation (the recipient has no account yet) and sign-in messages.
MANDATORY_NOTIFICATION_KINDS = frozenset({NotificationKind.INVITATION, NotificationKind.ACCOUNT})


class OutboxMessage(models.Model):
    """One e-mail to one recipient, written in the same transaction as the change it tells
    about and sent by ``partnership.outbox`` once it is due.

    The subject and both bodies are rendered when the row is written, in the recipient's
    language, so the row is the record of what was sent. Only the attachment (a PDF) is
    rendered at send time, by a registered renderer named in ``attachment``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        SENDING = "sending", _("Sendes")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Feilet")
        CANCELLED = "cancelled", _("Avbrutt")
        SUPPRESSED = "suppressed", _("Slått av av mottakeren")

    kind = models.CharField(_("type"), max_length=40)
    # Empty for an address without an account (an invitation).
    recipient = models.ForeignKey(
        Person,
        verbose_name=_("mottaker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    to_email = models.EmailField(_("til"))
    language = models.CharField(_("språk"), max_length=5, default="nb")
    subject = models.CharField(_("emne"), max_length=300)
    body_text = models.TextField(_("tekst"))
    body_html = models.TextField(_("HTML"), blank=True)
    # {"renderer": "app.module.function", "kwargs": {...}, "filename": "...", "mimetype": "..."}
    attachment = models.JSONField(_("vedlegg"), null=True, blank=True)
    # The body holds a secret (an invitation link): it is blanked once the message is sent.
    scrub_after_send = models.BooleanField(default=False, editable=False)
    idempotency_key = models.CharField(_("nøkkel"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    due_at = models.DateTimeField(_("skal sendes"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("forsøk"), default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    last_error = models.TextField(_("siste feil"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-poster")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="outboxmessage_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_at__isnull=False),
                name="outboxmessage_sending_is_claimed",
            ),
        ]
        indexes = [
            # The dispatcher's two claim queries: due pending rows in due order, and rows whose
            # sender's lease has run out. Partial, so they stay small as sent rows pile up.
            models.Index(
                fields=["due_at", "id"], condition=Q(status="pending"), name="outbox_pending_due"
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(status="sending"), name="outbox_sending_lease"
            ),
            models.Index(fields=["recipient", "-created_at"], name="outbox_recipient_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.get_status_display()})"

    def get_kind_display(self) -> str:
        return str(extensions.notification_kind_label(self.kind))


class NotificationPreference(models.Model):
    """A person's choice for one optional kind of e-mail; no row means the kind is on."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(
        _("varsel"),
        max_length=40,
        # The apps' optional kinds (partnership.extensions); checked by the profile form.
    )
    enabled = models.BooleanField(_("på"), default=True)

    class Meta:
        ordering = ["person", "kind"]
        verbose_name = _("varslingsvalg")
        verbose_name_plural = _("varslingsvalg")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], name="notificationpreference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.kind} = {self.enabled}"


# The budget frame (issue 13) and the action plan's goals and measures (issue 12) live in
# modules of their own; re-exported so Django registers them with the app.
from .budget_models import BudgetLine as BudgetLine  # noqa: E402
from .budget_models import BudgetVersion as BudgetVersion  # noqa: E402
from .budget_models import BudgetYear as BudgetYear  # noqa: E402
from .models_indicators import EvaluationSnapshot as EvaluationSnapshot  # noqa: E402
from .models_indicators import Indicator as Indicator  # noqa: E402
from .models_indicators import IndicatorEvaluation as IndicatorEvaluation  # noqa: E402
from .models_indicators import IndicatorSet as IndicatorSet  # noqa: E402
from .models_indicators import IndicatorValue as IndicatorValue  # noqa: E402
from .models_own_work import OwnWork as OwnWork  # noqa: E402
from .models_plan import Goal as Goal  # noqa: E402
from .models_plan import Measure as Measure  # noqa: E402
from .models_plan import MeasureEvaluation as MeasureEvaluation  # noqa: E402
