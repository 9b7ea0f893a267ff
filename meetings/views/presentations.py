"""The plan for presenting partners' own work at the Ledermøte (issue 12 §6, R13)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from partnership import formats
from partnership.models import Body, Partner
from partnership.viewhelpers import apply_validation_error, done, form_page, posted

from .. import access, presentations
from ..models import Meeting


class PresentationForm(forms.Form):
    partner = forms.ModelChoiceField(label=gettext_lazy("Partner"), queryset=Partner.objects.none())
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Ledermøte"), queryset=Meeting.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.order_by("name")
        self.fields["partner"].label_from_instance = lambda p: p.name
        self.fields["meeting"].queryset = Meeting.objects.filter(
            body__kind=Body.Kind.LEADERS,
            status__in=Meeting.UPCOMING_STATUSES,
            starts_at__gte=timezone.now(),
        ).order_by("starts_at")
        self.fields["meeting"].label_from_instance = lambda m: formats.datetime(m.starts_at)


@require_http_methods(["GET", "POST"])
def presentation_plan(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        access.require_presentation_manager(request.user)
    else:
        access.require_presentation_reader(request.user)
    can_manage = access.is_secretariat(request.user)
    form = PresentationForm(posted(request)) if can_manage else None
    if request.method == "POST" and form.is_valid():
        try:
            presentations.presentation_assign(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return done(
                request,
                _("Presentasjonen er satt opp og lagt på sakslisten."),
                "meetings:presentation_plan",
            )
    period = presentations.agreement_period()
    return form_page(
        request,
        "meetings/presentations.html",
        {
            "coming": list(presentations.coming_presentations()),
            "not_presented": presentations.partners_not_presented(period),
            "period": period,
            "form": form,
        },
    )
