from __future__ import annotations

from allauth.account import forms as allauth_forms
from allauth.account.utils import filter_users_by_email
from django import forms
from django.contrib.auth import password_validation
from django.core.validators import MaxLengthValidator
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import extensions
from .forms_renderer import render_pairs_select
from .models import Invitation, Membership, Partner, Person, today


class LabelChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices from ``values_list(pk, label)``: no model instance per option. A select of
    the 200 partners cost 2.7 ms a render, most of it building the instances (measured on
    the bench data); the option values and labels are the same."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, label in self.queryset.values_list("pk", self.field.label_field):
            yield (forms.models.ModelChoiceIteratorValue(pk, None), label)


class PairsSelect(forms.Select):
    """A single select written straight from its ``(value, label)`` choices, in the markup the
    form renderer gives (``forms_renderer.render_pairs_select``): Django builds a dictionary
    of attributes per option first, two hundred for the partners' select."""

    def render(self, name, value, attrs=None, renderer=None):
        if not self.allow_multiple_selected:
            html = render_pairs_select(
                name,
                self.build_attrs(self.attrs, attrs),
                self.choices,
                set(self.format_value(value)),
            )
            if html is not None:
                return mark_safe(html)  # noqa: S308 - every value escaped there
        return super().render(name, value, attrs, renderer)


class LabelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose options are read as ``(pk, label_field)`` pairs; the
    label field must be what the model's ``__str__`` gives. Validation still fetches the
    chosen object through the queryset."""

    iterator = LabelChoiceIterator
    widget = PairsSelect

    def __init__(self, queryset, *, label_field: str = "name", **kwargs):
        self.label_field = label_field
        super().__init__(queryset, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PartnerForm(forms.ModelForm):
    website = forms.URLField(label=capfirst(_("nettsted")), required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = [
            "name",
            "short_name",
            "kind",
            "organisation_number",
            "website",
            "contact_email",
            "active_from",
            "active_to",
        ]
        widgets = {
            "active_from": DateInput(),
            "active_to": DateInput(),
            "organisation_number": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # People write "974 760 673": let the spaces through this field's length check;
        # clean_organisation_number strips them before the model checks the nine digits.
        orgnr = self.fields["organisation_number"]
        orgnr.max_length = 11
        orgnr.validators = [v for v in orgnr.validators if not isinstance(v, MaxLengthValidator)]
        orgnr.widget.attrs["maxlength"] = "11"

    def clean_organisation_number(self):
        return self.cleaned_data["organisation_number"].replace(" ", "")


class MembershipAddForm(forms.ModelForm):
    # The person is named by e-mail address, not picked from a list: the registry
    # holds thousands of people, and a select of them all made the page heavy
    # (measured in make bench). The directory finds the address.
    person = forms.ModelChoiceField(
        label=_("Personens e-post"),
        queryset=Person.objects.filter(is_active=True),
        to_field_name="email",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Finn adressen i personkatalogen. Er personen ikke i portalen, send en invitasjon først."
        ),
        error_messages={
            "invalid_choice": _(
                "Fant ingen aktiv person med denne e-postadressen. Send en invitasjon først."
            ),
        },
    )

    class Meta:
        model = Membership
        fields = ["person", "partner", "role", "starts_on", "ends_on"]
        field_classes = {"partner": LabelChoiceField}
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
        help_texts = {"ends_on": _("La stå tomt for arbeidsgrupper: perioden blir to år.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.active_on().order_by("name")

    def _post_clean(self):
        # Model validation runs in the service, which reports errors per field.
        pass


class MembershipChangeForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["partner", "role", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def _post_clean(self):
        pass


class MembershipEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Siste dag"), widget=DateInput(), required=False)

    def clean_ends_on(self):
        # The row's button ends the membership today; another day is set under "Endre".
        return self.cleaned_data["ends_on"] or today()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["full_name", "title", "phone", "preferred_language"]
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def _post_clean(self):
        pass


class NotificationPreferencesForm(forms.Form):
    """A checkbox per optional kind of e-mail; meeting notices and invitations always go out."""

    def __init__(self, *args, preferences: dict[str, bool], **kwargs):
        kwargs.setdefault("prefix", "varsel")
        super().__init__(*args, **kwargs)
        for kind, label in extensions.optional_notification_kinds():
            self.fields[kind] = forms.BooleanField(
                label=label, required=False, initial=preferences.get(kind, True)
            )


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "full_name", "partner", "language"]
        field_classes = {"partner": LabelChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.active_on().order_by("name")
        self.fields["partner"].required = False

    def _post_clean(self):
        pass


class InvitationAcceptForm(forms.Form):
    password1 = forms.CharField(
        label=_("Velg passord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minst 10 tegn. Ikke bare tall, og ikke et vanlig passord."),
    )
    password2 = forms.CharField(
        label=_("Gjenta passordet"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Passordene er ikke like."))
        if p1:
            probe = Person(email=self.invitation.email, full_name=self.invitation.full_name)
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class AddEmailForm(allauth_forms.AddEmailForm):
    """allauth's form for adding (or, with ``ACCOUNT_CHANGE_EMAIL``, changing to) an address,
    refusing at once an address another account uses (issue 10 §8), without saying whose.

    allauth would accept it and, to hide that the address is taken, mail its owner a confusing
    message; following that link signed them out. In this portal everyone is invited by the
    secretariat, so nobody has a reason to add an address that is another person's login."""

    def clean_email(self) -> str:
        value = super().clean_email()
        if any(user.pk != self.user.pk for user in filter_users_by_email(value)):
            raise forms.ValidationError(
                _(
                    "Denne e-postadressen kan ikke legges til kontoen din. Bruk en annen adresse, "
                    "eller kontakt sekretariatet."
                ),
                code="email_taken",
            )
        return value
