"""Forms for the budget and accounts pages: they parse and validate; the services decide."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from partnership.forms import DateInput
from partnership.forms_money import MoneyField
from partnership.models import Body, BudgetLine, Measure, Membership, Partner

from . import services
from .models import AccountEntry


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


# --- Accounts ---------------------------------------------------------------------------------
class EntryForm(forms.Form):
    date = forms.DateField(label=_("Dato"), widget=DateInput())
    description = forms.CharField(label=_("Beskrivelse"), max_length=300)
    amount = MoneyField(
        label=_("Beløp"), help_text=_("I kroner, for eksempel 1 500 eller 1 500,50.")
    )
    category = forms.ChoiceField(label=_("Kategori"), choices=AccountEntry.Category.choices)
    common_measure = forms.ModelChoiceField(
        label=_("Felles tiltak"),
        queryset=Measure.objects.none(),
        required=False,
        empty_label=_("Ikke et felles tiltak"),
        help_text=_("Det felles tiltaket i handlingsplanen som utgiften hører til."),
    )
    measure = forms.CharField(
        label=_("Annet tiltak eller formål"),
        max_length=200,
        required=False,
        help_text=_("Hvis utgiften ikke hører til et felles tiltak."),
    )
    supplier = forms.CharField(label=_("Leverandør"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Running measures, and the one an entry already names even if it has ended since.
        current = self.initial.get("common_measure")
        running = ~Q(status=Measure.Status.ENDED)
        if current:
            running |= Q(pk=getattr(current, "pk", current))
        self.fields["common_measure"].queryset = Measure.objects.filter(running).order_by(
            "position", "name"
        )


class NewEntryForm(EntryForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=AccountEntry.Status.choices,
        initial=AccountEntry.Status.COMMITTED,
    )


class EditEntryForm(LockedForm, EntryForm):
    pass


class EntryStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=AccountEntry.Status.choices)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Hvorfor tilbakeføres posten?"), max_length=200)


class VoucherForm(forms.Form):
    file = forms.FileField(
        label=_("Bilag"), help_text=_("PDF, bilde (PNG, JPEG) eller et kontorformat.")
    )


class ContributionForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    date = forms.DateField(label=_("Dato"), widget=DateInput())
    description = forms.CharField(label=_("Hva ble gjort"), max_length=300)
    hours = forms.DecimalField(
        label=_("Timer"), min_value=0, max_value=100000, decimal_places=2, required=False
    )
    value = MoneyField(label=_("Verdi i kroner"), allow_zero=True, required=False)

    def __init__(self, *args, group: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(
            pk__in=Membership.objects.filter(body=group).values("partner_id")
        ).order_by("name")


# --- Year-end ---------------------------------------------------------------------------------
class YearEndReportForm(LockedForm):
    activities = forms.CharField(
        label=_("Hva ble gjort, per tiltak"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        required=False,
    )
    deviations = forms.CharField(
        label=_("Avvik og forklaringer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        required=False,
        help_text=_("Hvor regnskapet eller arbeidet avvek fra planen, og hvorfor."),
    )
    proposals = forms.CharField(
        label=_("Forslag til neste år"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        required=False,
    )
    proposed_allocation = MoneyField(
        label=_("Foreslått grunnbevilgning neste år"),
        required=False,
        allow_zero=True,
        help_text=_("Føres inn i neste års budsjettutkast når året avsluttes."),
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Merknad (når rapporten sendes tilbake)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
