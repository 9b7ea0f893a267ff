"""Forms for the secretariat's Partnerpotten pages: they parse and validate input; the
services decide.

Times are entered as a date and a time of day in Norwegian wall time and made aware in
Europe/Oslo here, so the services only ever see aware datetimes. Amounts are written the
Norwegian way ("25 000,50") and parsed into ``Decimal``.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import OSLO, DocumentVersion, Meeting
from partnership.forms import DateInput
from partnership.forms_money import MoneyField
from partnership.models import Body

from . import services
from .models import CRITERIA_DOCUMENT_KEY, Application, Assessment, Call, Criterion, Grant
from .selectors import PIPELINE_STATUSES

MAX_TEXT = 20_000


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def oslo_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A date and a wall-clock time in Oslo as an aware datetime; a time that does not exist
    (the hour skipped when summer time starts) is refused, not guessed."""
    naive = dt.datetime.combine(day, time.replace(second=0, microsecond=0))
    aware = naive.replace(tzinfo=OSLO)
    if aware.astimezone(dt.UTC).astimezone(OSLO).replace(tzinfo=None) != naive:
        raise forms.ValidationError(
            _("Klokkeslettet finnes ikke denne dagen (overgang til sommertid)."),
            code="nonexistent",
        )
    return aware


class CriteriaVersionField(forms.ModelChoiceField):
    def __init__(self, *args, in_force: DocumentVersion | None = None, **kwargs):
        self.in_force_pk = in_force.pk if in_force else None
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: DocumentVersion) -> str:
        if obj.pk == self.in_force_pk:
            state = _("gjeldende, vedtatt")
        elif obj.is_adopted:
            state = _("vedtatt, erstattet")
        else:
            state = _("ikke vedtatt")
        return _("Versjon %(number)s (%(state)s)") % {"number": obj.number, "state": state}


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        local = timezone.localtime(obj.starts_at, OSLO)
        return f"{obj.display_title} {local:%d.%m.%Y}"


class CallForm(forms.Form):
    """A call (utlysning). Once published, only ``services.PUBLISHED_CALL_FIELDS`` may change:
    the other fields are disabled (and the service refuses changes to them anyway)."""

    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tittel"), max_length=200)
    description = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Hva det kan søkes om, og hva søkerne bør vite."),
    )
    opens_on = forms.DateField(label=_("Åpner, dato"), widget=DateInput())
    opens_time = forms.TimeField(
        label=_("Åpner, klokkeslett"),
        widget=TimeInput(),
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        initial=dt.time(9, 0),
    )
    closes_on = forms.DateField(label=_("Søknadsfrist, dato"), widget=DateInput())
    closes_time = forms.TimeField(
        label=_("Søknadsfrist, klokkeslett"),
        widget=TimeInput(),
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        initial=dt.time(23, 59),
    )
    # Zero is let through here so that clean() can say which amount must be above it.
    envelope = MoneyField(
        allow_zero=True,
        label=_("Ramme"),
        help_text=_("Beløpet som er satt av til utlysningen, i kroner."),
    )
    max_per_application = MoneyField(allow_zero=True, label=_("Høyeste beløp per søknad"))
    deciding_meeting = MeetingChoiceField(
        label=_("Partnermøtet som vedtar"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("Velg senere"),
        help_text=_("Et partnermøte etter søknadsfristen. Må være valgt før publisering."),
    )
    criteria_version = CriteriaVersionField(
        label=_("Kriterier for Partnerpotten"),
        queryset=DocumentVersion.objects.none(),
        required=False,
        empty_label=_("Ingen versjon valgt"),
        help_text=_("Versjonen av styringsdokumentet søknadene vurderes etter."),
    )
    appeal_text = forms.CharField(
        label=_("Klageadgang"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Det avslagsbrev og brev om delvis innvilgelse sier om hvordan vedtaket kan "
            "påklages. Hentet fra kriteriene, ellers portalens standardtekst; du kan endre den. "
            "Står feltet tomt, brukes kriterienes tekst eller standardteksten."
        ),
    )

    # The services name the datetimes; the form shows each as a date and a time.
    DATETIME_PARTS = {
        "opens_at": ("opens_on", "opens_time"),
        "closes_at": ("closes_on", "closes_time"),
    }

    def __init__(self, *args, call: Call | None = None, **kwargs):
        self.call = call
        in_force = services.criteria_in_force()
        initial = kwargs.setdefault("initial", {})
        if call is not None:
            for name, (day, time) in self.DATETIME_PARTS.items():
                local = timezone.localtime(getattr(call, name), OSLO)
                initial.setdefault(day, local.date())
                initial.setdefault(time, local.time().replace(second=0, microsecond=0))
            for name in ("year", "title", "description", "envelope", "max_per_application"):
                initial.setdefault(name, getattr(call, name))
            initial.setdefault("deciding_meeting", call.deciding_meeting_id)
            initial.setdefault("criteria_version", call.criteria_version_id)
            initial.setdefault("appeal_text", services.appeal_wording(call))
        else:
            initial.setdefault("year", timezone.localdate().year)
            initial.setdefault("criteria_version", in_force.pk if in_force else None)
            initial.setdefault(
                "appeal_text", services.appeal_wording(Call(criteria_version=in_force))
            )
        super().__init__(*args, **kwargs)
        meetings = Meeting.objects.filter(
            body__kind=Body.Kind.PARTNERS,
            status__in=Meeting.UPCOMING_STATUSES,
            starts_at__gt=timezone.now(),
        )
        if call is not None and call.deciding_meeting_id:
            meetings = meetings | Meeting.objects.filter(pk=call.deciding_meeting_id)
        self.fields["deciding_meeting"].queryset = meetings.select_related("body").order_by(
            "starts_at"
        )
        versions = DocumentVersion.objects.filter(document__key=CRITERIA_DOCUMENT_KEY)
        field = self.fields["criteria_version"]
        field.queryset = versions.order_by("-number")
        field.in_force_pk = in_force.pk if in_force else None
        if call is not None and call.is_published:
            for name in self.locked_fields():
                self.fields[name].disabled = True

    @staticmethod
    def locked_fields() -> list[str]:
        """The form fields a published call keeps as they are."""
        allowed = set(services.PUBLISHED_CALL_FIELDS)
        locked = []
        for name in services.CALL_FIELDS:
            if name in allowed:
                continue
            locked.extend(CallForm.DATETIME_PARTS.get(name, (name,)))
        return locked

    def clean(self):
        cleaned = super().clean()
        for name, (day, time) in self.DATETIME_PARTS.items():
            if cleaned.get(day) and cleaned.get(time):
                try:
                    cleaned[name] = oslo_datetime(cleaned[day], cleaned[time])
                except forms.ValidationError as exc:
                    self.add_error(time, exc)
                    continue
                stored = getattr(self.call, name, None)
                if stored and stored.replace(second=0, microsecond=0) == cleaned[name]:
                    # Shown to the minute: an unchanged time keeps its seconds.
                    cleaned[name] = stored
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_on", _("Søknadsfristen må være etter at utlysningen åpner."))
        elif (
            closes
            and closes <= timezone.now()
            # Only a deadline that is set or moved now must lie ahead: a closed call keeps its own.
            and (self.call is None or closes != self.call.closes_at)
        ):
            self.add_error("closes_on", _("Søknadsfristen har passert. Velg en senere frist."))
        envelope, most = cleaned.get("envelope"), cleaned.get("max_per_application")
        if envelope is not None and envelope <= 0:
            self.add_error("envelope", _("Rammen må være større enn null."))
        elif most is not None and most <= 0:
            self.add_error("max_per_application", _("Beløpet må være større enn null."))
        elif envelope is not None and most is not None and most > envelope:
            self.add_error(
                "max_per_application", _("Høyeste beløp per søknad kan ikke være over rammen.")
            )
        return cleaned

    def call_fields(self) -> dict:
        """The service's keyword arguments; for a published call only those it may change."""
        names = services.CALL_FIELDS
        if self.call is not None and self.call.is_published:
            names = services.PUBLISHED_CALL_FIELDS
        return {name: self.cleaned_data[name] for name in names}


class CriterionForm(forms.Form):
    text = forms.CharField(
        label=_("Kriterium"),
        max_length=500,
        error_messages={"required": _("Skriv kriteriet.")},
    )


class CallCancelForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, avlys utlysningen"),
        error_messages={"required": _("Kryss av for å bekrefte at utlysningen skal avlyses.")},
    )


# --- Decisions --------------------------------------------------------------------------------
OUTCOME_CHOICES = [
    (Application.Status.GRANTED.value, Application.Status.GRANTED.label),
    (Application.Status.PARTLY_GRANTED.value, Application.Status.PARTLY_GRANTED.label),
    (Application.Status.REJECTED.value, Application.Status.REJECTED.label),
]


class DecideForm(forms.Form):
    """The Partnermøte's decision on one application (several on one page: use a prefix)."""

    outcome = forms.ChoiceField(
        label=_("Vedtak"),
        choices=OUTCOME_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg et utfall."), "invalid_choice": _("Velg et utfall.")},
    )
    amount = forms.CharField(
        label=_("Innvilget beløp"),
        required=False,
        max_length=30,
        help_text=_("Bare ved delvis innvilgelse. Innvilget gir omsøkt beløp."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    conditions = forms.CharField(
        label=_("Vilkår"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Begrunnelse"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Begrunn vedtaket.")},
    )


# --- Assessment -------------------------------------------------------------------------------
YES_NO = [("", _("Ikke vurdert")), ("yes", _("Ja")), ("no", _("Nei"))]
_YES_NO_VALUE = {"yes": True, "no": False, "": None}
_YES_NO_KEY = {True: "yes", False: "no", None: ""}
SCORE_CHOICES = [("", _("Ikke satt"))] + [(str(n), str(n)) for n in range(1, 6)]


class AssessmentForm(forms.Form):
    """The secretariat's assessment: completeness, fit, a score and comment per criterion of
    the call, and a recommendation. ``version`` is the assessment's version the form was
    opened with (two people assessing at once get a conflict, not a silent overwrite)."""

    is_complete = forms.ChoiceField(
        label=_("Er søknaden komplett?"), choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    fits_criteria = forms.ChoiceField(
        label=_("Passer søknaden med kriteriene?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    recommendation = forms.ChoiceField(
        label=_("Innstilling"),
        choices=[("", _("Ingen innstilling ennå"))] + list(Assessment.Recommendation.choices),
        widget=forms.RadioSelect,
        required=False,
    )
    recommended_amount = forms.CharField(
        label=_("Foreslått beløp"),
        required=False,
        max_length=30,
        help_text=_("Må fylles ut ved delvis innvilgelse. Tomt ved «innvilges» gir omsøkt beløp."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    recommendation_text = forms.CharField(
        label=_("Begrunnelse for innstillingen"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        *args,
        criteria: list[Criterion],
        assessment: Assessment | None = None,
        scores: dict | None = None,
        **kwargs,
    ):
        self.criteria = criteria
        initial = kwargs.setdefault("initial", {})
        if assessment is not None:
            initial.setdefault("is_complete", _YES_NO_KEY[assessment.is_complete])
            initial.setdefault("fits_criteria", _YES_NO_KEY[assessment.fits_criteria])
            initial.setdefault("recommendation", assessment.recommendation)
            if assessment.recommended_amount is not None:
                initial.setdefault(
                    "recommended_amount", MoneyField().prepare_value(assessment.recommended_amount)
                )
            initial.setdefault("recommendation_text", assessment.recommendation_text)
            initial.setdefault("version", assessment.version)
        else:
            # The service creates the assessment at version 1 on the first save.
            initial.setdefault("version", 1)
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            score = (scores or {}).get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=_("Poeng for kriterium %(n)s") % {"n": criterion.position},
                choices=SCORE_CHOICES,
                required=False,
                initial=str(score.score) if score and score.score else "",
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Kommentar til kriterium %(n)s") % {"n": criterion.position},
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=score.comment if score else "",
            )

    def criteria_rows(self):
        """(criterion, score field, comment field) for the template."""
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "version": data["version"],
            "is_complete": _YES_NO_VALUE[data["is_complete"]],
            "fits_criteria": _YES_NO_VALUE[data["fits_criteria"]],
            "recommendation": data["recommendation"],
            "recommended_amount": data["recommended_amount"],
            "recommendation_text": data["recommendation_text"],
            "scores": {
                c.pk: (data[f"score_{c.pk}"] or None, data[f"comment_{c.pk}"])
                for c in self.criteria
            },
        }


class InfoRequestForm(forms.Form):
    sections = forms.MultipleChoiceField(
        label=_("Deler av søknaden som åpnes for søkeren"),
        choices=Application.Section.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg minst én del av søknaden som skal åpnes.")},
        help_text=_("Bare disse delene kan endres til søkeren har svart."),
    )
    message = forms.CharField(
        label=_("Hva søkeren må svare på"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Skriv hva søkeren må svare på.")},
    )
    reply_by = forms.DateField(
        label=_("Svarfrist"),
        widget=DateInput(),
        error_messages={"required": _("Oppgi en svarfrist.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "reply_by", timezone.localdate() + dt.timedelta(days=14)
        )
        super().__init__(*args, **kwargs)


# --- Grants -----------------------------------------------------------------------------------
class PayOutForm(forms.Form):
    paid_out_on = forms.DateField(
        label=_("Utbetalingsdato"),
        widget=DateInput(),
        error_messages={"required": _("Oppgi datoen.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("paid_out_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class RepaymentForm(forms.Form):
    repaid_on = forms.DateField(
        label=_("Tilbakebetalt dato"),
        widget=DateInput(),
        error_messages={"required": _("Oppgi datoen.")},
    )
    amount = MoneyField(label=_("Tilbakebetalt beløp"))
    note = forms.CharField(
        label=_("Merknad"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Påkrevd om det er betalt tilbake mindre enn det som skulle betales."),
    )

    def __init__(self, *args, grant: Grant | None = None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("repaid_on", timezone.localdate())
        if grant is not None and grant.repayment_amount is not None:
            initial.setdefault("amount", grant.repayment_amount)
        super().__init__(*args, **kwargs)


class GrantCancelForm(forms.Form):
    note = forms.CharField(
        label=_("Begrunnelse"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Begrunn hvorfor tilskuddet annulleres.")},
        help_text=_("Er tilskuddet utbetalt, skal hele beløpet betales tilbake."),
    )


class ReportFeedbackForm(forms.Form):
    feedback = forms.CharField(
        label=_("Hva mangler i sluttrapporten?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Skriv hva som mangler i rapporten.")},
        help_text=_("Søkeren får teksten på e-post og kan endre rapporten og sende den inn igjen."),
    )


# --- Filters (GET) ----------------------------------------------------------------------------
class PipelineFilterForm(forms.Form):
    """Filters of the pipeline. A bad value is reported and ignored, never a 500."""

    call = forms.ModelChoiceField(
        label=_("Utlysning"),
        queryset=Call.objects.none(),
        required=False,
        empty_label=_("Alle utlysninger"),
        error_messages={"invalid_choice": _("Fant ikke utlysningen. Viser alle.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Alle statuser"))] + [(s.value, s.label) for s in PIPELINE_STATUSES],
        required=False,
        error_messages={"invalid_choice": _("Ukjent status. Viser alle.")},
    )

    def __init__(self, *args, calls=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls if calls is not None else Call.objects.none()

    def filters(self) -> dict:
        """The valid filters; an invalid one is left out."""
        if not self.is_bound:
            return {"call": None, "status": ""}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"call": data.get("call"), "status": data.get("status", "")}


class GrantFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Alle statuser")), ("overdue", _("Sluttrapport forfalt"))]
        + list(Grant.Status.choices),
        required=False,
        error_messages={"invalid_choice": _("Ukjent status. Viser alle.")},
    )

    def selected(self) -> str:
        if not self.is_bound or not self.is_valid():
            return ""
        return self.cleaned_data["status"]
