"""The form for a partner's own work (issue 12 §6): it parses; the service decides."""

from __future__ import annotations

from django import forms

from .forms import DateInput
from .models import OwnWork


class OwnWorkForm(forms.ModelForm):
    class Meta:
        model = OwnWork
        fields = ["kind", "title", "description", "target_group", "starts_on", "ends_on", "link"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }
