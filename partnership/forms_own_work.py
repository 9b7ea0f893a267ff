"""The form for a partner's own work (issue 12 §6): it parses; the service decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DateInput
from .models import OwnWork
from .uploads import max_bytes


class OwnWorkForm(forms.ModelForm):
    file = forms.FileField(label=_("Fil"), required=False)
    remove_file = forms.BooleanField(label=_("Fjern filen"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.instance.pk and self.instance.file):
            del self.fields["remove_file"]
        self.fields["file"].help_text = _(
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG eller tekst, høyst %(mb)s MB."
        ) % {"mb": max_bytes() // (1024 * 1024)}

    class Meta:
        model = OwnWork
        fields = ["kind", "title", "description", "target_group", "starts_on", "ends_on", "link"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }
