"""Forms for the action plan's goals and common measures: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DateInput
from .models import Body, Goal, Measure, MeasureEvaluation, today


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "text", "explanation"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 6}),
        }


class MeasureForm(forms.ModelForm):
    sub_goals = forms.ModelMultipleChoiceField(
        label=_("Delmål tiltaket støtter"),
        queryset=Goal.objects.filter(kind=Goal.Kind.SUB).order_by("number"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg minst ett delmål tiltaket støtter.")},
    )
    responsible_group = forms.ModelChoiceField(
        label=_("Ansvarlig arbeidsgruppe"),
        queryset=Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("name"),
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Measure.Status.ACTIVE, Measure.Status.ACTIVE.label),
            (Measure.Status.UNDER_EVALUATION, Measure.Status.UNDER_EVALUATION.label),
        ],
        help_text=_("Et tiltak avvikles etter evaluering og vedtak i Ledermøtet (R1)."),
    )

    class Meta:
        model = Measure
        fields = [
            "name",
            "category",
            "description",
            "sub_goals",
            "target_count",
            "target_period_years",
            "responsible_group",
            "status",
            "position",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub_goals"].label_from_instance = str
        if self.instance.pk and self.instance.is_ended:
            # An ended measure keeps its status; the other fields may still be corrected.
            del self.fields["status"]


class MeasureEvaluationForm(forms.ModelForm):
    class Meta:
        model = MeasureEvaluation
        fields = ["evaluated_on", "assessment", "recommendation"]
        widgets = {
            "evaluated_on": DateInput(),
            "assessment": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluated_on"].initial = today()


class MeasureEndForm(forms.Form):
    decision = forms.TypedChoiceField(
        label=_("Ledermøtets vedtak om avvikling"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Vedtaket fra vedtaksregisteret der Ledermøtet vedtok å avvikle tiltaket."),
    )
    ended_on = forms.DateField(label=_("Avviklet dato"), widget=DateInput())

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("", _("Velg vedtak"))] + [
            (d.pk, f"{d.label} {d.title}".strip()) for d in decisions
        ]
        self.fields["ended_on"].initial = today()
