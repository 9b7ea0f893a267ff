"""The project form renderer writes <select> in Python: the markup must equal Django's."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from partnership.forms_renderer import PortalFormRenderer


class _Form(forms.Form):
    plain = forms.ChoiceField(
        choices=[("", "---"), ("x", 'X & <y> "z"'), ("G & H", [("1", "one"), ("2", "two")])],
        initial="2",
    )
    multiple = forms.MultipleChoiceField(
        choices=[("1", "a"), ("2", "b"), ("3", "c")], initial=["1", "3"], required=False
    )
    yes_no = forms.NullBooleanField()
    attrs = forms.ChoiceField(
        choices=[("a", "A")],
        widget=forms.Select(attrs={"disabled": True, "hidden": False, "data-x": '"q"'}),
    )


@pytest.mark.parametrize("name", ["plain", "multiple", "yes_no", "attrs"])
@pytest.mark.parametrize("data", [None, {"plain": "x", "multiple": ["2"], "yes_no": "true"}])
def test_select_markup_equals_djangos(name, data):
    ours = _Form(data, renderer=PortalFormRenderer())[name].as_widget()
    djangos = _Form(data, renderer=DjangoTemplates())[name].as_widget()
    assert ours == djangos
    assert "<select" in ours


def test_field_group_uses_the_portal_field_template():
    html = _Form(renderer=PortalFormRenderer())["plain"].as_field_group()
    assert 'class="ds-field"' in html
    assert 'class="ds-label"' in html
