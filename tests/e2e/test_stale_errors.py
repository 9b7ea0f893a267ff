"""Issue 11 §8: an error shown by an autosave (end before start) goes once the autosave of the
corrected value succeeds, on the Partnerpotten application form.

Each wait is for the response to one particular request (matched by what it posts), never for
"some" save: the form also saves the start date on its own, and those saves may come back in
any order relative to when the test types; and the test types only once htmx has settled
the previous answer."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ..partnerpot.factories import draft_application, open_call
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def _posting(value: str):
    return lambda r: (
        r.request.method == "POST" and "/rediger/" in r.url and value in (r.request.post_data or "")
    )


def _settled(page) -> None:
    """htmx has swapped and processed the answer (its new form listens for changes again):
    typing before that would be typing into a form that cannot save yet."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def test_an_error_goes_once_the_autosave_of_the_fix_succeeds(page, live_server, registry, personas):
    call = open_call()
    rep = personas["partner_rep"]
    application = draft_application(call=call, applicant=registry.partner, by=rep)
    sign_in_with_cookie(page, live_server, rep)
    page.goto(reverse("partnerpot:application_edit", args=[application.pk]))
    section = page.locator("#section-activities")
    start = section.get_by_label("Prosjektstart", exact=True)
    end = section.get_by_label("Prosjektslutt", exact=True)

    # The start on its own is valid and saved.
    with page.expect_response(_posting("2027-12-31")) as saved:
        start.fill("2027-12-31")
        start.press("Tab")
    assert saved.value.status == 200
    _settled(page)
    # An end before the start: refused, the error shown at the field.
    with page.expect_response(_posting("2027-01-01")) as refused:
        section.get_by_label("Prosjektslutt", exact=True).fill("2027-01-01")
        section.get_by_label("Prosjektslutt", exact=True).press("Tab")
    assert refused.value.status == 400
    error = page.locator("#section-activities .ds-validation-message")
    expect(error).to_contain_text("Prosjektet kan ikke slutte før det starter.")
    _settled(page)
    # The fix is saved: the error and the field's invalid state go.
    with page.expect_response(_posting("2028-01-31")) as fixed:
        end = page.locator("#section-activities").get_by_label("Prosjektslutt", exact=True)
        end.fill("2028-01-31")
        end.press("Tab")
    assert fixed.value.status == 200
    expect(page.locator("#section-activities .ds-validation-message")).to_have_count(0)
    expect(page.locator("#section-activities [data-error-summary]")).to_have_count(0)
    expect(
        page.locator("#section-activities").get_by_label("Prosjektslutt", exact=True)
    ).not_to_have_attribute("aria-invalid", "true")
    axe_check(page)
