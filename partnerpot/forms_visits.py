"""Forms for the study-visit pages (R9): they parse and validate input; the services decide.

Amounts are typed the Norwegian way ("25 000,50"); the form reads them into a ``Decimal`` and
leaves the rules (not negative, two decimals at most) to ``partnerpot.services``, so the
messages come from one place.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from partnership.forms import DateInput
from partnership.models import Body, Partner

from .models import StudyVisit

MAX_TEXT = 20_000
NBSP = "\u00a0"


def amount_text(amount: Decimal | None) -> str:
    """ "25 000,50": how an amount is shown in an input (no currency, no-break spaces)."""
    if amount is None:
        return ""
    quantized = Decimal(amount).quantize(Decimal("0.01"))
    sign = "-" if quantized < 0 else ""
    whole, _sep, cents = f"{abs(quantized):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{' '.join(groups)},{cents}"


class AmountInput(forms.TextInput):
    """A text input for kroner: a numeric keyboard on phones, and the value shown as
    "25 000,50" (a number input would refuse the comma and the spaces)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal):
            return amount_text(value)
        return super().format_value(value)


class AmountField(forms.CharField):
    """Kroner as "25000", "25 000" or "25 000,50"; cleaned to a ``Decimal`` (or None).

    The form says at once what the service would refuse anyway (a negative amount, øre
    beyond two decimals), so every message comes in one round.
    """

    widget = AmountInput
    default_error_messages = {
        "invalid": _("Skriv et beløp i kroner, for eksempel 25000 eller 25 000,50."),
        "decimals": _("Beløpet kan ha høyst to desimaler."),
        "negative": _("Beløpet kan ikke være negativt."),
    }
    MAX_CHARS = 30

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value.as_tuple().exponent < -2:
            raise forms.ValidationError(self.error_messages["decimals"], code="decimals")
        if value < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": str(self.MAX_CHARS)}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > self.MAX_CHARS:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        text = value.replace(NBSP, "").replace(" ", "").replace(",", ".")
        if text.endswith("kr"):
            text = text[:-2]
        try:
            amount = Decimal(text)
        except (InvalidOperation, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


class _FirstOptionLabel:
    """Designsystemet's look for each option; and the field's id is its first option's, so
    the error summary's link lands on it."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "ds-input", **(attrs or {})}, choices)

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class Checkboxes(_FirstOptionLabel, forms.CheckboxSelectMultiple):
    pass


class Radios(_FirstOptionLabel, forms.RadioSelect):
    pass


class PartnerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Partner) -> str:
        return f"{obj.name} ({obj.short_name})" if obj.short_name != obj.name else obj.name


class StudyVisitForm(forms.Form):
    """A proposal: what, where, why, who, when, how much, and which partners propose it."""

    title = forms.CharField(label=_("Tittel"), max_length=200)
    destination = forms.CharField(
        label=_("Reisemål"),
        max_length=300,
        help_text=_("Sted og det dere skal besøke, for eksempel en skole eller et senter."),
    )
    purpose = forms.CharField(
        label=_("Formål"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT,
        help_text=_("Hva partnerskapet skal lære, og hvordan det skal brukes i arbeidet."),
    )
    participants = forms.CharField(
        label=_("Deltakere"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_TEXT,
        help_text=_("Hvem som skal reise, og omtrent hvor mange."),
    )
    starts_on = forms.DateField(label=_("Fra dato"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Til dato"), required=False, widget=DateInput())
    budget = AmountField(
        label=_("Budsjett (kr)"),
        error_messages={"negative": _("Budsjettet kan ikke være negativt.")},
        help_text=_("Hele kroner eller med øre, for eksempel 25 000 eller 25 000,50."),
    )
    on_request = forms.BooleanField(
        label=_("Partnerne har bedt om dette besøket"),
        required=False,
        help_text=_(
            "Studiebesøk holdes hvert andre år. Kryss av hvis besøket kommer i tillegg, "
            "fordi partnerne ønsker det."
        ),
    )
    partners = PartnerChoiceField(
        label=_("Partnere som foreslår besøket"),
        queryset=Partner.objects.none(),
        widget=Checkboxes,
        help_text=_(
            "Minst én av partnerne du representerer. Andre partnere kan være med som "
            "medforslagsstillere."
        ),
        error_messages={"required": _("Velg minst én partner som foreslår besøket.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, acting_partner_ids, visit: StudyVisit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.acting_partner_ids = frozenset(acting_partner_ids)
        current = Q(pk__in=visit.partners.values("pk")) if visit is not None else Q(pk__in=[])
        self.fields["partners"].queryset = Partner.objects.filter(
            Q(pk__in=Partner.objects.active_on().values("pk")) | current
        ).order_by("name")
        if visit is None:
            del self.fields["version"]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("Besøket kan ikke slutte før det starter."))
        partners = data.get("partners")
        if partners is not None and not any(p.pk in self.acting_partner_ids for p in partners):
            self.add_error(
                "partners",
                _("Velg minst én av partnerne du representerer som forslagsstiller."),
            )
        return data

    def values(self) -> dict:
        """The service's keyword arguments (without ``partners`` and ``version``)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("partners", "version")
        }


def visit_initial(visit: StudyVisit) -> dict:
    return {
        "title": visit.title,
        "destination": visit.destination,
        "purpose": visit.purpose,
        "participants": visit.participants,
        "starts_on": visit.starts_on,
        "ends_on": visit.ends_on,
        "budget": visit.budget,
        "on_request": visit.on_request,
        "partners": list(visit.partners.all()),
        "version": visit.version,
    }


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return str(obj)


def upcoming_partner_meetings():
    """Partnermøte meetings that have not begun and are not cancelled: where a proposal can
    go on the agenda."""
    return (
        Meeting.objects.filter(
            body__kind=Body.Kind.PARTNERS,
            status__in=Meeting.UPCOMING_STATUSES,
            starts_at__gt=timezone.now(),
        )
        .select_related("body")
        .order_by("starts_at", "pk")
    )


class StudyVisitAgendaForm(forms.Form):
    meeting = MeetingChoiceField(
        label=_("Partnermøte"),
        queryset=Meeting.objects.none(),
        empty_label=_("Velg møte"),
        help_text=_("Forslaget blir en vedtakssak på sakslisten til møtet du velger."),
        error_messages={"required": _("Velg partnermøtet som skal behandle forslaget.")},
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class StudyVisitDecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    outcome = forms.ChoiceField(
        label=_("Vedtak"),
        choices=[(APPROVE, _("Vedtatt")), (REJECT, _("Avslått"))],
        widget=Radios,
        error_messages={"required": _("Velg om forslaget vedtas eller avslås.")},
    )
    amount = AmountField(
        label=_("Vedtatt beløp (kr)"),
        required=False,
        help_text=_("Bare ved vedtak. Står feltet tomt, gjelder budsjettet i forslaget."),
    )
    reason = forms.CharField(
        label=_("Begrunnelse"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        error_messages={"required": _("Begrunn vedtaket.")},
    )

    def approved(self) -> bool:
        return self.cleaned_data["outcome"] == self.APPROVE


class StudyVisitReportForm(forms.Form):
    report = forms.CharField(
        label=_("Rapport fra besøket"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_TEXT,
        help_text=_("Kort: hva dere så og lærte, og hva partnerskapet kan ta med seg videre."),
        error_messages={"required": _("Skriv en kort rapport fra besøket.")},
    )


class ConfirmForm(forms.Form):
    """Nothing to fill in: the button is the confirmation (a page that works without JS)."""
