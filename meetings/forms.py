"""Forms for the meetings pages: they parse and validate input; the services decide.

Times are entered in Norwegian wall time (``datetime-local``) and made aware in
Europe/Oslo here, so the services only ever see aware datetimes.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.forms.fields import BaseTemporalField
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from partnership import formats
from partnership.forms import DateInput, LabelChoiceField
from partnership.models import Body, Membership, Person
from partnership.uploads import human_size, max_bytes

from .models import (
    OSLO,
    AgendaItem,
    AgendaTemplate,
    AgendaTemplateItem,
    Decision,
    FollowUp,
    Meeting,
    Minutes,
)

MAX_TEXT = 20_000


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)

    def format_value(self, value):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = value.astimezone(OSLO)
        return super().format_value(value)


class OsloDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` value read as Europe/Oslo wall time.

    A time that does not exist (the hour skipped when summer time starts) is refused
    with a message, not guessed.
    """

    widget = DateTimeLocalInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"])
        super().__init__(**kwargs)

    def strptime(self, value, format):
        return dt.datetime.strptime(value, format)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            naive = timezone.make_naive(value, OSLO) if timezone.is_aware(value) else value
        else:
            # Parse without Django's own time-zone step, to say what is wrong in our words.
            naive = BaseTemporalField.to_python(self, str(value).strip())
        aware = naive.replace(tzinfo=OSLO)
        # zoneinfo accepts non-existent wall times; a round trip through UTC shows them.
        if aware.astimezone(dt.UTC).astimezone(OSLO).replace(tzinfo=None) != naive:
            raise forms.ValidationError(
                _("Klokkeslettet finnes ikke denne dagen (overgang til sommertid)."),
                code="nonexistent",
            )
        return aware


def _no_model_validation(form_class):
    """ModelForms here leave model validation to the services, which report per field."""
    form_class._post_clean = lambda self: None
    return form_class


# --- Meetings ---------------------------------------------------------------------------------
# A meeting dated further back than this asks for a confirmation.
PAST_WARNING = dt.timedelta(days=365)


@_no_model_validation
class MeetingForm(forms.ModelForm):
    starts_at = OsloDateTimeField(label=_("Starter"))
    ends_at = OsloDateTimeField(label=_("Slutter"))
    confirm_overlap = forms.BooleanField(
        label=_("Jeg vet at møtene overlapper. Lagre likevel."), required=False
    )
    confirm_past = forms.BooleanField(
        label=_("Datoen er riktig: møtet var for over et år siden."), required=False
    )
    video_url = forms.URLField(
        label=capfirst(_("videolenke")),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("For eksempel en Teams-lenke."),
    )

    class Meta:
        model = Meeting
        fields = ["body", "kind", "title", "starts_at", "ends_at", "place", "video_url"]
        help_texts = {"video_url": _("For eksempel en Teams-lenke.")}

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["body"]
        else:
            self.fields["body"].queryset = bodies.order_by("kind", "name")
        # The overlap confirmation is only offered once the warning has been shown.
        self.overlaps: list[Meeting] = []
        self.long_past = False  # the same for a date more than a year back

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("Møtet kan ikke slutte før det begynner."))
        # A meeting long past is most often a typo in the year (issue 11 §10): warn, and save
        # only when confirmed (last year's history is recorded this way on purpose).
        self.long_past = bool(
            starts and starts < timezone.now() - PAST_WARNING and not cleaned.get("confirm_past")
        )
        if self.long_past:
            self.add_error(
                "starts_at",
                _(
                    "Møtet er mer enn et år tilbake i tid (%(when)s). Sjekk årstallet, eller "
                    "kryss av for at datoen er riktig."
                )
                % {"when": formats.long_date(timezone.localtime(starts).date())},
            )
        return cleaned

    def calendar_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("kind", "title", "starts_at", "ends_at", "place", "video_url")
        }


class MeetingMoveForm(forms.Form):
    starts_at = OsloDateTimeField(label=_("Ny start"))
    ends_at = OsloDateTimeField(label=_("Ny slutt"))

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("Møtet kan ikke slutte før det begynner."))
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Begrunnelse"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Begrunnelsen står i kalenderen til alle som er invitert."),
    )


class RecordHeldForm(forms.Form):
    """A meeting held although the portal did not call it: when the notice went out."""

    notice_sent_on = forms.DateField(
        label=_("Innkallingen ble sendt"),
        widget=DateInput(),
        required=False,
        help_text=_("Datoen innkallingen gikk ut på e-post, utenfor portalen."),
    )


class YearPlanForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    bodies = forms.ModelMultipleChoiceField(
        label=_("Organer"),
        queryset=Body.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg minst ett organ.")},
        help_text=_(
            "Partnermøtet planlegges først, så arbeidsgruppene kan få et møte uka før hvert "
            "partnermøte."
        ),
    )

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bodies"].queryset = bodies.order_by("kind", "name")


# --- Agenda -----------------------------------------------------------------------------------
@_no_model_validation
class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["kind", "title", "background", "proposed_decision", "exempt", "legal_basis"]
        widgets = {
            "background": forms.Textarea(attrs={"rows": 3}),
            "proposed_decision": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "exempt": _("Bare organets medlemmer og sekretariatet ser saken."),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("exempt") and not (cleaned.get("legal_basis") or "").strip():
            self.add_error(
                "legal_basis",
                _("Oppgi hjemmel for å unnta saken fra offentlighet, for eksempel «offl. § 14»."),
            )
        return cleaned


class AttachmentForm(forms.Form):
    """A file for an agenda item; its type and size are checked by ``services.attachment_add``."""

    file = forms.FileField(
        label=_("Vedlegg"),
        help_text=_(
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG eller ren tekst, høyst %(max)s."
        ),
        error_messages={"required": _("Velg en fil."), "empty": _("Filen er tom.")},
    )
    exempt = forms.BooleanField(
        label=_("Unntatt offentlighet"),
        required=False,
        help_text=_("Bare organets medlemmer og sekretariatet ser vedlegget."),
    )
    legal_basis = forms.CharField(
        label=_("Hjemmel"),
        max_length=100,
        required=False,
        help_text=_("For eksempel «offl. § 14»."),
    )

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.help_text = field.help_text % {"max": human_size(max_bytes())}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("exempt") and not (cleaned.get("legal_basis") or "").strip():
            self.add_error(
                "legal_basis",
                _(
                    "Oppgi hjemmel for å unnta vedlegget fra offentlighet, "
                    "for eksempel «offl. § 14»."
                ),
            )
        return cleaned


class TemplateApplyForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Saksliste-mal"),
        queryset=AgendaTemplate.objects.order_by("name"),
        empty_label=_("Velg mal"),
    )


class AgendaMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


# --- Agenda templates (the secretariat) ---------------------------------------------------------
@_no_model_validation
class AgendaTemplateForm(forms.ModelForm):
    class Meta:
        model = AgendaTemplate
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class AgendaTemplateCreateForm(forms.Form):
    body_kind = forms.ChoiceField(
        label=_("Organtype"),
        required=False,
        choices=[("", _("Alle organer")), *Body.Kind.choices],
        help_text=_("«Alle organer» gjelder de organene som ikke har en egen mal for møtetypen."),
    )
    meeting_kind = forms.ChoiceField(
        label=_("Møtetype"), choices=[("", _("Velg møtetype")), *Meeting.Kind.choices]
    )
    name = forms.CharField(label=_("Navn"), max_length=200)


@_no_model_validation
class AgendaTemplateItemForm(forms.ModelForm):
    class Meta:
        model = AgendaTemplateItem
        fields = ["kind", "title", "background"]
        widgets = {"background": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"background": _("Teksten følger med saken når malen brukes.")}


# --- Proposals --------------------------------------------------------------------------------
class ProposalForm(forms.Form):
    target_meeting = forms.ModelChoiceField(
        label=_("Møte"),
        queryset=Meeting.objects.none(),
        empty_label=_("Velg møte"),
        help_text=_(
            "Møter i Partnermøtet og Gruppeledermøtet der fristen for saksforslag ikke har gått ut."
        ),
    )
    on_behalf_of = forms.ModelChoiceField(
        label=_("På vegne av"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=_("Meg selv"),
    )
    title = forms.CharField(label=_("Tittel"), max_length=300)
    background = forms.CharField(
        label=_("Bakgrunn"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=MAX_TEXT,
    )
    proposed_decision = forms.CharField(
        label=_("Forslag til vedtak"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
    )

    def __init__(self, *args, meetings, open_meetings, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["target_meeting"]
        # Any upcoming meeting validates (so a late proposal reaches the service and its
        # message with the deadline), but only those still open are offered.
        field.queryset = meetings
        self.open_meetings = list(open_meetings)
        field.widget.choices = [("", field.empty_label)] + [
            (m.pk, f"{m} ({m.body.short_name})") for m in self.open_meetings
        ]
        self.fields["on_behalf_of"].queryset = bodies


class ProposalReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Begrunnelse"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ProposalDeferForm(forms.Form):
    to_meeting = forms.ModelChoiceField(
        label=_("Utsett til møte"), queryset=Meeting.objects.none(), empty_label=_("Velg møte")
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_meeting"].queryset = meetings


# --- Attendance and minutes -------------------------------------------------------------------
class StepAsideForm(forms.Form):
    agenda_item = forms.ModelChoiceField(label=_("Sak"), queryset=AgendaItem.objects.none())
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    reason = forms.CharField(label=_("Grunn"), max_length=500)

    def __init__(self, *args, items, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = items
        self.fields["person"].queryset = people


class MinutesEntryForm(forms.Form):
    summary = forms.CharField(
        label=_("Referat"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=MAX_TEXT,
    )
    decision_text = forms.CharField(
        label=_("Vedtak"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MinutesNotesForm(forms.Form):
    """The minutes' general notes ("Andre merknader"), saved against the version opened."""

    notes = forms.CharField(
        label=_("Andre merknader"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=MAX_TEXT,
        help_text=_("Det som ikke hører til en bestemt sak, for eksempel eventuelt."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MinutesApproveForm(forms.Form):
    how = forms.ChoiceField(
        label=_("Hvordan er referatet godkjent?"),
        choices=Minutes.ApprovedHow.choices,
        widget=forms.RadioSelect,
    )
    at_meeting = forms.ModelChoiceField(
        label=_("Godkjent i møte"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("Velg møte"),
        help_text=_("Bare når referatet er godkjent i neste møte."),
    )
    confirm_empty = forms.BooleanField(
        label=_("Godkjenn likevel: sakene over skal stå uten referat"), required=False
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at_meeting"].queryset = meetings
        # Items without notes, named when approval asks for a confirmation.
        self.empty_items: list[str] = []


class FollowUpForm(forms.Form):
    what = forms.CharField(
        label=_("Hva skal følges opp?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    responsible_person = forms.ModelChoiceField(
        label=_("Ansvarlig person"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Ingen"),
    )
    responsible_body = forms.ModelChoiceField(
        label=_("Ansvarlig organ"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=_("Ingen"),
    )
    due_on = forms.DateField(label=_("Frist"), widget=DateInput())
    confirm_past = forms.BooleanField(
        label=_("Fristen er riktig: den var for over et år siden."), required=False
    )

    def __init__(self, *args, people, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_person"].queryset = people
        self.fields["responsible_body"].queryset = bodies
        self.long_past = False  # the confirmation is offered once the warning was shown

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("responsible_person") and not cleaned.get("responsible_body"):
            self.add_error(
                "responsible_person", _("Oppgi en ansvarlig person eller et ansvarlig organ.")
            )
        # As for meetings (issue 11 §10): a deadline years back is most often a typo in the
        # year; it is saved once confirmed (old minutes are recorded this way on purpose).
        due_on = cleaned.get("due_on")
        self.long_past = bool(
            due_on
            and due_on < timezone.localdate() - PAST_WARNING
            and not cleaned.get("confirm_past")
        )
        if self.long_past:
            self.add_error(
                "due_on",
                _(
                    "Fristen er mer enn et år tilbake i tid (%(when)s). Sjekk årstallet, eller "
                    "kryss av for at datoen er riktig."
                )
                % {"when": formats.long_date(due_on)},
            )
        return cleaned


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUp.Status.choices)


# --- The decision register --------------------------------------------------------------------
class DecisionSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Søk i vedtakene"),
        required=False,
        max_length=200,
        widget=forms.SearchInput,
        help_text=_("Ord fra tittel eller tekst, eller et vedtaksnummer som «7/2026»."),
    )
    body = LabelChoiceField(
        label=_("Organ"), queryset=Body.objects.none(), required=False, empty_label=_("Alle")
    )
    year = forms.IntegerField(
        label=_("År"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    NEWEST = "nyeste"
    sort = forms.ChoiceField(
        label=_("Rekkefølge"),
        required=False,
        choices=[("", _("Beste treff først")), (NEWEST, _("Nyeste først"))],
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies

    def filters(self) -> dict:
        """The valid filters; an invalid one is left out (and shown as an error)."""
        if not self.is_bound:
            return {"q": "", "body": None, "year": None}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"q": data.get("q") or "", "body": data.get("body"), "year": data.get("year")}

    def newest_first(self) -> bool:
        return self.is_bound and getattr(self, "cleaned_data", {}).get("sort") == self.NEWEST


# --- Governing documents ----------------------------------------------------------------------
class DocumentVersionForm(forms.Form):
    text = forms.CharField(
        label=_("Tekst"), widget=forms.Textarea(attrs={"rows": 16}), max_length=200_000, strip=False
    )
    change_note = forms.CharField(label=_("Hva er endret"), max_length=300, required=False)


class AdoptForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=_("Vedtak"), queryset=Decision.objects.none(), empty_label=_("Velg vedtak")
    )

    def __init__(self, *args, decisions, offered, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        # Any decision the user may see validates, so the service can say why another body's
        # decision cannot adopt the document; the responsible body's are offered.
        field.queryset = decisions
        field.widget.choices = [("", field.empty_label)] + [(d.pk, str(d)) for d in offered]


# --- Calendar ---------------------------------------------------------------------------------
class CalendarFilterForm(forms.Form):
    # The options as (pk, name) pairs: no Body instance per option.
    body = LabelChoiceField(
        label=_("Organ"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=_("Alle organer"),
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies.order_by("kind", "name")

    def selected_body(self) -> Body | None:
        return self.cleaned_data.get("body") if self.is_valid() else None


def people_of_body(body: Body, day: dt.date):
    """People holding a seat in the body on the day (choices for responsible persons)."""
    return Person.objects.filter(
        pk__in=Membership.objects.active_on(day).filter(body=body).values("person_id")
    ).order_by("full_name")
