"""Forms for the indicators, their values, imports and evaluations: they parse; the
services in ``partnership.services_indicators`` decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partnership.forms import DateInput
from partnership.indicator_import import parse_number
from partnership.models import Goal, Indicator, IndicatorEvaluation, today
from partnership.models_indicators import RagStatus, Unit


class IndicatorSetForm(forms.Form):
    title = forms.CharField(
        label=_("Tittel"), max_length=200, initial=_("Kjennetegn på måloppnåelse")
    )


class IndicatorForm(forms.ModelForm):
    goal = forms.ModelChoiceField(label=_("Mål"), queryset=Goal.objects.order_by("number"))

    class Meta:
        model = Indicator
        fields = [
            "goal",
            "code",
            "name",
            "definition",
            "unit",
            "data_source",
            "direction",
            "baseline",
            "baseline_on",
            "target_2y",
            "target_4y",
            "position",
        ]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 4}),
            "baseline_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].label_from_instance = str

    def validate_unique(self):
        """The service checks the code against the version (the form has no set)."""


class ValueForm(forms.Form):
    measured_on = forms.DateField(label=_("Dato"), widget=DateInput())
    value = forms.CharField(
        label=_("Verdi"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Velg status")), *RagStatus.choices], required=False
    )
    narrative = forms.CharField(
        label=_("Vurdering"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    source_note = forms.CharField(label=_("Kilde"), required=False, max_length=300)

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["measured_on"].initial = today()
        if indicator.unit == Unit.QUALITATIVE:
            del self.fields["value"]
            self.fields["status"].required = True
            self.fields["status"].error_messages["required"] = _(
                "Velg status: grønn, gul eller rød."
            )
        else:
            del self.fields["status"]
            self.fields["value"].required = True
            self.fields["value"].error_messages["required"] = _("Oppgi verdien som et tall.")
            self.fields["value"].help_text = Unit(indicator.unit).label

    def clean_value(self):
        number, problem = parse_number(self.cleaned_data.get("value"), self.indicator.unit)
        if problem:
            raise forms.ValidationError(problem)
        return number


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller Excel)"),
        help_text=_(
            "Kolonnene Kode, Dato, Verdi og Status (for kvalitative kjennetegn); Vurdering og "
            "Kilde kan tas med. Én rad per verdi."
        ),
        error_messages={"required": _("Velg en fil.")},
    )


class DecisionForm(forms.Form):
    decision = forms.TypedChoiceField(
        label=_("Ledermøtets vedtak"),
        coerce=int,
        required=True,
        empty_value=None,
        error_messages={"required": _("Velg Ledermøtets vedtak.")},
        help_text=_("Vedtaket fra vedtaksregisteret der Ledermøtet vedtok dette."),
    )

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("", _("Velg vedtak"))] + [
            (d.pk, f"{d.label} {d.title}".strip()) for d in decisions
        ]


class EvaluationEditForm(forms.Form):
    """The assessment of a draft evaluation; ``version`` is the one the editor opened."""

    assessment = forms.CharField(
        label=_("Vurdering"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Verdiene per evalueringsdatoen står fast; her skriver dere vurderingen av dem."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class EvaluationForm(forms.ModelForm):
    goal = forms.ModelChoiceField(label=_("Mål"), queryset=Goal.objects.order_by("number"))

    class Meta:
        model = IndicatorEvaluation
        fields = ["goal", "point", "evaluated_on", "assessment"]
        widgets = {
            "evaluated_on": DateInput(),
            "assessment": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].label_from_instance = str
        self.fields["evaluated_on"].initial = today()

    def validate_unique(self):
        """The service checks one evaluation per goal and point."""
