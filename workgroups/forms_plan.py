"""Forms for activities and measure plans (issue 12 §2, §3): they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partnership.forms import DateInput
from partnership.forms_money import MoneyField
from partnership.models import Partner, Person, today
from partnership.uploads import max_bytes

from .models import Activity, MeasurePlan, PlannedActivity

MONTHS = [
    (1, _("januar")),
    (2, _("februar")),
    (3, _("mars")),
    (4, _("april")),
    (5, _("mai")),
    (6, _("juni")),
    (7, _("juli")),
    (8, _("august")),
    (9, _("september")),
    (10, _("oktober")),
    (11, _("november")),
    (12, _("desember")),
]


class ActivityForm(forms.ModelForm):
    partners = forms.ModelMultipleChoiceField(
        label=_("Partnere som deltok"),
        queryset=Partner.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    file = forms.FileField(
        label=_("Fil"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG eller tekst."),
    )
    remove_file = forms.BooleanField(label=_("Fjern filen"), required=False)

    class Meta:
        model = Activity
        fields = [
            "title",
            "date",
            "county",
            "place",
            "format",
            "participant_count",
            "partners",
            "youth_participation",
            "outcomes",
            "link",
        ]
        widgets = {
            "date": DateInput(),
            "youth_participation": forms.Textarea(attrs={"rows": 4}),
            "outcomes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, participation_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].label_from_instance = lambda p: p.name
        self.fields["county"].choices = [("", _("Velg fylke"))] + list(
            Activity._meta.get_field("county").choices
        )
        if participation_required:
            self.fields["youth_participation"].required = True
            self.fields["youth_participation"].error_messages["required"] = _(
                "Tiltaket hører under delmålet om barn og unges medvirkning: skriv hvordan barn "
                "og unge deltok."
            )
        if not (self.instance.pk and self.instance.file):
            del self.fields["remove_file"]
        self.fields["file"].help_text = _(
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG eller tekst, høyst %(mb)s MB."
        ) % {"mb": max_bytes() // (1024 * 1024)}


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = today().year


class PlanNoteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Merknad til planen"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlannedActivityForm(forms.ModelForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    month = forms.TypedChoiceField(label=_("Måned"), choices=MONTHS, coerce=int)
    resource_amount = MoneyField(label=_("Ressursbehov (kr)"), required=False, allow_zero=True)

    class Meta:
        model = PlannedActivity
        fields = [
            "title",
            "month",
            "responsible_partner",
            "responsible_person",
            "resource_amount",
            "budget_line",
            "progress",
            "progress_comment",
            "activity",
        ]
        widgets = {"progress_comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: MeasurePlan, activities=(), budget_lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        # A blank row's selects show these: unchanged, the row is not a new line.
        self.fields["month"].initial = 1
        self.fields["responsible_partner"].queryset = Partner.objects.order_by("name")
        self.fields["responsible_partner"].label_from_instance = lambda p: p.name
        self.fields["responsible_person"].queryset = Person.objects.filter(is_active=True).order_by(
            "full_name"
        )
        self.fields["budget_line"].queryset = budget_lines
        self.fields["activity"].queryset = activities
        self.fields["activity"].label_from_instance = lambda a: f"{a.date:%d.%m.%Y} {a.title}"


PlannedActivityFormSet = forms.formset_factory(PlannedActivityForm, extra=1, max_num=60)


class ProgressForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    progress = forms.ChoiceField(label=_("Framdrift"), choices=PlannedActivity.Progress.choices)
    comment = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    activity = forms.ModelChoiceField(
        label=_("Gjennomført som aktivitet"), queryset=Activity.objects.none(), required=False
    )

    def __init__(self, *args, activities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activities is not None:
            self.fields["activity"].queryset = activities
        self.fields["activity"].label_from_instance = lambda a: f"{a.date:%d.%m.%Y} {a.title}"


class PlanAdoptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.TypedChoiceField(
        label=_("Vedtaket om planen"),
        coerce=int,
        help_text=_("Partnermøtets vedtak, eller Arbeidsutvalgets etter delegasjon."),
        error_messages={"required": _("Velg vedtaket fra vedtaksregisteret.")},
    )

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("", _("Velg vedtak"))] + [
            (d.pk, f"{d} ({d.decided_on:%d.%m.%Y})" if d.decided_on else str(d)) for d in decisions
        ]
