"""The project form renderer writes <select> in Python: the markup must equal Django's."""

import datetime as dt

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


@pytest.mark.django_db
def test_label_choice_field_renders_and_validates_as_a_model_choice_field():
    """The partner select read as (pk, name) pairs gives Django's markup and still validates
    through the queryset (a partner not in it is refused)."""
    from django.utils.text import capfirst

    from partnership.forms import InvitationForm, LabelChoiceField
    from partnership.models import Invitation, Partner
    from tests.factories import PartnerFactory

    active = PartnerFactory(name="Aktiv partner")
    ended = PartnerFactory(name="Avsluttet partner", active_to=dt.date(2021, 6, 1))
    queryset = Partner.objects.active_on().order_by("name")

    class Plain(forms.Form):
        partner = forms.ModelChoiceField(queryset, required=False)

    class Light(forms.Form):
        partner = LabelChoiceField(queryset, required=False)

    for data in ({}, {"partner": str(active.pk)}):
        assert str(Light(data)["partner"]) == str(Plain(data)["partner"])
    chosen = Light({"partner": str(active.pk)})
    assert chosen.is_valid()
    assert chosen.cleaned_data["partner"] == active
    refused = Light({"partner": str(ended.pk)})
    assert not refused.is_valid() and "partner" in refused.errors
    # The registry's forms use it, with the model field's own label.
    field = InvitationForm().fields["partner"]
    assert isinstance(field, LabelChoiceField)
    assert str(field.label) == str(capfirst(Invitation._meta.get_field("partner").verbose_name))


@pytest.mark.parametrize("data", [None, {"pick": "x"}, {"pick": "nope"}])
def test_pairs_select_writes_what_django_writes(data):
    """PairsSelect skips Django's option dictionaries: the same markup, with the selected
    option, the attributes the bound field adds (aria-invalid on an error) and escaping;
    grouped choices fall back to Django's way."""
    from partnership.forms import PairsSelect

    choices = [("", "---"), ("x", 'X & <y> "z"'), ("x", "again"), ("3", "three")]

    class Ours(forms.Form):
        pick = forms.ChoiceField(choices=choices, widget=PairsSelect(attrs={"data-x": '"q"'}))
        grouped = forms.ChoiceField(choices=_Form.base_fields["plain"].choices, widget=PairsSelect)

    class Djangos(forms.Form):
        pick = forms.ChoiceField(choices=choices, widget=forms.Select(attrs={"data-x": '"q"'}))
        grouped = forms.ChoiceField(choices=_Form.base_fields["plain"].choices)

    for name in ("pick", "grouped"):
        ours = Ours(data, renderer=PortalFormRenderer())[name].as_widget(
            attrs={"aria-invalid": "true"} if data else None
        )
        djangos = Djangos(data, renderer=DjangoTemplates())[name].as_widget(
            attrs={"aria-invalid": "true"} if data else None
        )
        assert ours == djangos


class _Fields(forms.Form):
    name = forms.CharField(label='Navn & "tittel"', help_text="Som i <em>registeret</em>.")
    note = forms.CharField(required=False, widget=forms.Textarea)
    pick = forms.ChoiceField(choices=[("", "---"), ("a", "A")], required=False)
    agree = forms.BooleanField(label="Jeg godtar", help_text="Må krysses av.")
    day = forms.DateField(required=False)


def _spaces(html: str) -> str:
    import re

    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


@pytest.mark.parametrize("data", [None, {"name": "", "agree": "", "day": "x"}])
@pytest.mark.parametrize("name", ["name", "note", "pick", "agree", "day"])
def test_field_groups_written_in_python_equal_the_template(name, data):
    """as_field_group writes _field.html's markup in Python: the same label (escaped), the
    "(valgfritt)" mark, help text, widget with aria-describedby/aria-invalid, and error."""
    from django.forms.renderers import TemplatesSetting

    from partnership.forms_renderer import FIELD_TEMPLATE

    field = _Fields(data, renderer=PortalFormRenderer())[name]
    ours = field.as_field_group()
    template = TemplatesSetting().render(FIELD_TEMPLATE, {"field": field})
    assert _spaces(ours) == _spaces(template)
    assert 'class="ds-field"' in ours


class _Inputs(forms.Form):
    text = forms.CharField(initial='Tom & "Jerry" <b>', max_length=20)
    empty = forms.CharField(required=False)
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    number = forms.IntegerField(initial=7, min_value=0)
    money = forms.DecimalField(initial="12.50", decimal_places=2)
    day = forms.DateField(
        initial=dt.date(2026, 12, 4), widget=forms.DateInput(attrs={"type": "date"})
    )
    url = forms.URLField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="x<y")
    hidden = forms.CharField(widget=forms.HiddenInput, initial="h")
    flag = forms.BooleanField(initial=True)
    off = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"disabled": True}))
    upload = forms.FileField(required=False)
    note = forms.CharField(widget=forms.Textarea, initial="Linje 1\n<script>")
    blank_note = forms.CharField(widget=forms.Textarea, required=False)


@pytest.mark.parametrize("name", list(_Inputs.base_fields))
@pytest.mark.parametrize(
    "data", [None, {"text": "a&b", "empty": "", "note": "", "number": "x", "flag": "on"}]
)
def test_inputs_and_textareas_written_in_python_equal_djangos(name, data):
    """The input widgets and the textarea, byte for byte as Django's templates write them,
    with the attributes the portal adds (class, aria-invalid, aria-describedby)."""
    attrs = {"class": "ds-input", "aria-describedby": 'x-help "q"', "aria-invalid": "true"}
    ours = _Inputs(data, renderer=PortalFormRenderer())[name].as_widget(attrs=attrs)
    djangos = _Inputs(data, renderer=DjangoTemplates())[name].as_widget(attrs=attrs)
    assert ours == djangos
