"""Forms for the budget and accounts pages: they parse and validate; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from partnership.forms_money import MoneyField
from partnership.models import Body, BudgetLine

from . import services


class BudgetYearForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1


class LockedForm(forms.Form):
    """Carries the version's lock number, so a change made meanwhile is noticed."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class BudgetLineForm(LockedForm):
    kind = forms.ChoiceField(label=capfirst(_("type")), choices=BudgetLine.Kind.choices)
    working_group = forms.ModelChoiceField(
        label=capfirst(_("arbeidsgruppe")),
        queryset=Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("name"),
        required=False,
        help_text=_("Bare for en grunnbevilgning."),
    )
    title = forms.CharField(
        label=capfirst(_("tekst")),
        max_length=200,
        required=False,
        help_text=_("Hva posten gjelder, for eksempel tiltakets navn."),
    )
    amount = MoneyField(
        label=capfirst(_("beløp")),
        allow_zero=True,
        help_text=_("I kroner, for eksempel 250 000 eller 250 000,50."),
    )


class BudgetReviseForm(forms.Form):
    note = forms.CharField(
        label=_("Hva endres og hvorfor"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class BudgetAdoptForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Møtet som vedtok budsjettet"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = services.adoptable_meetings()
        self.fields["meeting"].label_from_instance = lambda m: f"{m.body.short_name}: {m}"
