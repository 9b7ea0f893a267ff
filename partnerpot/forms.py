"""Forms for the applicants' pages of Partnerpotten: they parse input; the services decide.

Amounts are taken as text ("25 000,50") and parsed by the services, which say what is wrong
next to the field. The application form is split in its sections (``Application.Section``);
each section's form carries the ``version`` the user opened, so two representatives drafting
together get a conflict instead of overwriting each other.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partnership.forms import DateInput
from partnership.models import Partner
from partnership.uploads import human_size, max_bytes

from . import areas
from .models import Application, BudgetLine, BullyingForm, CoApplicant, LetterLanguage, SubGoal

MAX_TEXT = 20_000
Section = Application.Section


class AmountField(forms.CharField):
    """An amount in kroner as typed ("25 000,50"); parsed and checked by the services."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "class": "pp-amount"})
        return attrs


class VersionedForm(forms.Form):
    """A section of the application, saved against the version the user opened."""

    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"class": "pp-version"}))

    def values(self) -> dict:
        """The section's fields for ``services.application_save`` (without the version)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ProjectForm(VersionedForm):
    title = forms.CharField(
        label=_("Prosjekttittel"), max_length=200, required=False, widget=forms.TextInput()
    )
    summary = forms.CharField(
        label=_("Sammendrag"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Hva skal gjøres, for hvem og hvorfor? Noen få setninger."),
    )
    sub_goals = forms.MultipleChoiceField(
        label=_("Hvilke delmål bidrar prosjektet til?"),
        choices=SubGoal.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Delmålene i handlingsplanen. Velg ett eller flere."),
    )
    letter_language = forms.ChoiceField(
        label=_("Målform for vedtaksbrevet"),
        choices=LetterLanguage.choices,
        widget=forms.RadioSelect,
    )


class TargetForm(VersionedForm):
    target_group = forms.CharField(
        label=_("Målgruppe"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For eksempel alder, trinn eller hvilke barn og unge prosjektet når."),
    )
    county = forms.ChoiceField(
        label=_("Fylke"),
        choices=[("", _("Velg fylke"))] + areas.COUNTY_CHOICES,
        required=False,
        error_messages={"invalid_choice": _("Velg et fylke fra listen.")},
        # static/src/partnerpot.js narrows the municipalities to the county chosen here.
        widget=forms.Select(attrs={"data-pp-county": ""}),
    )
    municipality = forms.ChoiceField(
        label=_("Kommune"),
        choices=[("", _("Hele fylket / ingen bestemt kommune"))] + areas.MUNICIPALITY_CHOICES,
        required=False,
        error_messages={"invalid_choice": _("Velg en kommune fra listen.")},
        widget=forms.Select(attrs={"data-pp-municipality": ""}),
        help_text=_("Kommunene er gruppert etter fylke. Velg en kommune i fylket over."),
    )


class ParticipationForm(VersionedForm):
    participation = forms.CharField(
        label=_("Hvordan medvirker barn og unge i prosjektet?"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Påkrevd: Partnerpotten støtter bare prosjekter der barn og unge medvirker. "
            "Beskriv hvordan de er med på å planlegge, gjennomføre eller vurdere prosjektet."
        ),
    )


class BullyingFormsForm(VersionedForm):
    bullying_forms = forms.MultipleChoiceField(
        label=_("Hvilke former for mobbing tar prosjektet for seg?"),
        choices=BullyingForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ActivitiesForm(VersionedForm):
    activities = forms.CharField(
        label=_("Aktiviteter og tidsplan"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Hva skal skje, og når? Før gjerne opp aktivitetene måned for måned."),
    )
    starts_on = forms.DateField(
        label=_("Prosjektstart"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Skriv en gyldig dato.")},
    )
    ends_on = forms.DateField(
        label=_("Prosjektslutt"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Skriv en gyldig dato.")},
    )


class BudgetForm(VersionedForm):
    own_contribution = AmountField(
        label=_("Egeninnsats (kroner)"),
        help_text=_("Det dere selv bidrar med, i penger eller arbeid. Skriv 0 om dere ikke har."),
    )
    requested_amount = AmountField(
        label=_("Omsøkt beløp (kroner)"),
        help_text=_("Budsjettlinjene skal til sammen være omsøkt beløp pluss egeninnsats."),
    )


SECTION_FORMS: dict[str, type[VersionedForm]] = {
    Section.PROJECT: ProjectForm,
    Section.TARGET: TargetForm,
    Section.PARTICIPATION: ParticipationForm,
    Section.BULLYING: BullyingFormsForm,
    Section.ACTIVITIES: ActivitiesForm,
    Section.BUDGET: BudgetForm,
}


def section_initial(application: Application, section: str) -> dict:
    """What the section's form shows: the stored values and the current version."""
    form_class = SECTION_FORMS[section]
    initial = {
        name: getattr(application, name) for name in form_class.base_fields if name != "version"
    }
    initial["version"] = application.version
    if section == Section.BUDGET:
        for name in ("own_contribution", "requested_amount"):
            value = initial[name]
            # "20 000,00": as the portal shows amounts (the parser takes spaces and a comma).
            initial[name] = (
                "" if value is None else f"{value:,.2f}".replace(",", " ").replace(".", ",")
            )
    return initial


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Kategori"),
        choices=[("", _("Velg kategori"))] + list(BudgetLine.Category.choices),
        error_messages={
            "required": _("Velg en kategori."),
            "invalid_choice": _("Velg en kategori."),
        },
    )
    description = forms.CharField(
        label=_("Beskrivelse"),
        max_length=300,
        error_messages={"required": _("Beskriv budsjettlinjen.")},
    )
    amount = AmountField(
        label=_("Beløp (kroner)"),
        required=True,
        error_messages={"required": _("Skriv beløpet.")},
    )


class CoApplicantForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type aktør"),
        choices=[("", _("Velg type"))] + list(CoApplicant.Kind.choices),
        error_messages={
            "required": _("Velg hva slags aktør medsøkeren er."),
            "invalid_choice": _("Velg hva slags aktør medsøkeren er."),
        },
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Partner.objects.none(),
        required=False,
        empty_label=_("Velg partner"),
        help_text=_("Når medsøkeren er en partner i partnerskapet."),
        error_messages={"invalid_choice": _("Velg en partner fra listen.")},
    )
    name = forms.CharField(
        label=_("Navn på aktøren"),
        max_length=200,
        required=False,
        help_text=_("Når medsøkeren ikke er en partner, for eksempel en kommune eller en skole."),
    )

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partners is not None:
            self.fields["partner"].queryset = partners


class FileForm(forms.Form):
    """An attachment; its type and size are checked by ``services.file_add``."""

    file = forms.FileField(
        label=_("Vedlegg"),
        help_text=_(
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG eller ren tekst, høyst %(max)s."
        ),
        error_messages={"required": _("Velg en fil."), "empty": _("Filen er tom.")},
    )

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.help_text = field.help_text % {"max": human_size(max_bytes())}


class StartForm(forms.Form):
    """Which partner the new application is for (those the user may apply for)."""

    applicant = forms.ModelChoiceField(
        label=_("Søker"),
        queryset=Partner.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Velg partneren dere søker for."),
            "invalid_choice": _("Du kan ikke søke på vegne av denne partneren."),
        },
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = partners


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Hvorfor trekkes søknaden?"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sekretariatet får se begrunnelsen."),
    )


class InfoReplyForm(forms.Form):
    answer = forms.CharField(
        label=_("Svar til sekretariatet"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Skriv et svar til sekretariatet.")},
    )


class GrantReportForm(forms.Form):
    """The final report: the texts and, per budget line, what was spent (``spent_<id>``,
    ``comment_<id>``)."""

    what_was_done = forms.CharField(
        label=_("Hva ble gjort?"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    participation = forms.CharField(
        label=_("Hvordan medvirket barn og unge?"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reach_count = forms.CharField(
        label=_("Omtrent hvor mange nådde prosjektet?"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reach_description = forms.CharField(
        label=_("Hvem ble nådd?"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For eksempel elever, lærere, foreldre eller trenere, og hvor."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("Jeg bekrefter at rapporten og regnskapet stemmer."),
        required=False,
    )

    def __init__(self, *args, budget_lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.budget_lines = list(budget_lines)
        for line in self.budget_lines:
            self.fields[f"spent_{line.pk}"] = AmountField(
                label=_("Brukt på «%(line)s» (kroner)") % {"line": line.description}
            )
            self.fields[f"comment_{line.pk}"] = forms.CharField(
                label=_("Kommentar til «%(line)s»") % {"line": line.description},
                max_length=300,
                required=False,
            )

    def line_rows(self):
        """(budget line, spent field, comment field) for the accounts table."""
        return [
            (line, self[f"spent_{line.pk}"], self[f"comment_{line.pk}"])
            for line in self.budget_lines
        ]

    def texts(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("what_was_done", "participation", "reach_count", "reach_description")
        }

    def lines(self) -> dict[int, tuple[str, str]]:
        return {
            line.pk: (
                self.cleaned_data[f"spent_{line.pk}"],
                self.cleaned_data[f"comment_{line.pk}"],
            )
            for line in self.budget_lines
            if self.cleaned_data.get(f"spent_{line.pk}") not in (None, "")
        }
