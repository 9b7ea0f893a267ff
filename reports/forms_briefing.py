"""Forms of the ministries' briefing and the exports: they parse and validate, nothing more."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from partnership.models import Body

from . import briefing as briefing_services

FLAG_KINDS = (
    ("agenda_item", _("Sak")),
    ("decision", _("Vedtak")),
    ("application", _("Søknad")),
)


class PeriodForm(forms.Form):
    period_start = forms.DateField(
        label=_("Fra og med"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Til og med"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end:
            try:
                briefing_services.validate_period(start, end)
            except ValidationError as exc:
                for field, errors in exc.error_dict.items():
                    self.add_error(field, errors)
        return data


class BriefingForm(PeriodForm):
    language = forms.ChoiceField(
        label=_("Språk i orienteringen"),
        choices=[(code, name) for code, name in settings.LANGUAGES if code in ("nb", "nn")],
        initial="nb",
    )


class FlagForm(forms.Form):
    kind = forms.ChoiceField(choices=FLAG_KINDS, widget=forms.HiddenInput)
    target = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Merknad til departementene"),
        max_length=500,
        widget=forms.TextInput(),
        error_messages={"required": _("Skriv en kort merknad til departementene.")},
    )


def current_quarter() -> tuple[dt.date, dt.date]:
    return briefing_services.quarter_of(briefing_services.today())


class ExportForm(forms.Form):
    """The export's filters: a year, a body, and for csv the one table to write."""

    FORMATS = (("xlsx", "Excel (xlsx)"), ("csv", "CSV"))

    year = forms.IntegerField(
        label=_("År"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Tomt: alle år."),
    )
    body = forms.ModelChoiceField(
        label=_("Organ"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=_("Alle organer"),
        help_text=_("Gjelder saker, vedtak og regnskap."),
    )
    entity = forms.ChoiceField(label=_("Tabell (for CSV)"), required=False)
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="xlsx")

    def __init__(self, *args, bodies, entities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        self.fields["entity"].choices = [("", _("Alle (bare Excel)")), *entities]

    def clean(self):
        data = super().clean()
        if data.get("format") == "csv" and not data.get("entity"):
            self.add_error(
                "entity", _("Velg én tabell for CSV; Excel-filen har alle som egne ark.")
            )
        return data
