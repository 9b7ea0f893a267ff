from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models_annual import Language


def _text(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=True,
    )


class AnnualReportForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    language = forms.ChoiceField(label=_("Målform"), choices=Language.choices)
    foreword = _text(
        _("Forord"),
        _("Du kan bruke enkel HTML (avsnitt, uthevinger, lister, lenker). Annet fjernes."),
    )
    summary = _text(_("Sammendrag"))
    highlights = _text(_("Høydepunkter"))
    next_year = _text(_("Planer for neste år"))
