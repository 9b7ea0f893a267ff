"""IDOR probes: a representative of another partner (wg_leader acts for NIF) gets 404 on every
applicant URL of FUG's draft and submitted application (and of FUG's granted one, for the
final report and the letter), with GET and with POST; nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partnerpot import services
from partnerpot.models import Application, ApplicationFile, BudgetLine, CoApplicant
from partnerpot.views import applicant
from tests.partnerpot.factories import complete_application, open_call
from tests.partnerpot.matrix_applicant import granted_application, upload

pytestmark = pytest.mark.django_db

# Pages of a call or of the user's own lists: nothing of another partner's to probe.
NOT_AN_APPLICATION = {"home", "call_detail", "application_start", "my_applications"}

# What each URL points at: the application itself, or one of its parts.
PARTS = {
    "budget_line_remove": "line",
    "co_applicant_remove": "co",
    "file_download": "file",
    "file_remove": "file",
    "grant_report": "grant",
}


def _objects(application: Application) -> dict:
    grant = getattr(application, "grant", None)
    return {
        "application": application,
        "line": BudgetLine.objects.filter(application=application).first(),
        "co": CoApplicant.objects.filter(application=application).first(),
        "file": ApplicationFile.objects.filter(application=application).first(),
        "grant": grant,
    }


@pytest.fixture
def fug_applications(registry, partner_rep, secretariat):
    call = open_call(by=secretariat)
    fug = registry.partner

    def with_parts():
        application = complete_application(call=call, applicant=fug, by=partner_rep)
        services.co_applicant_add(application=application, kind="school", name="Skolen")
        services.file_add(application=application, file=upload(), by=partner_rep)
        application.refresh_from_db()
        return application

    draft = with_parts()
    submitted = services.application_submit(application=with_parts(), by=partner_rep)
    granted = granted_application(call=call, applicant=fug, by=partner_rep, secretariat=secretariat)
    return {"draft": draft, "submitted": submitted, "granted": granted}


def test_every_applicant_url_is_probed():
    names = {p.name for p in applicant.urlpatterns}
    assert names - NOT_AN_APPLICATION, names
    assert set(PARTS) <= names


@pytest.mark.parametrize("which", ["draft", "submitted", "granted"])
def test_another_partner_gets_404_on_every_url(client, login, wg_leader, fug_applications, which):
    application = fug_applications[which]
    objects = _objects(application)
    before = Application.objects.get(pk=application.pk).version
    login(wg_leader)
    probed = []
    for pattern in applicant.urlpatterns:
        name = pattern.name
        if name in NOT_AN_APPLICATION:
            continue
        target = objects[PARTS.get(name, "application")]
        if target is None:  # drafts have no grant; the granted one no file or co-applicant
            assert which == "granted" or name == "grant_report", name
            continue
        url = reverse(f"partnerpot:{name}", args=[target.pk])
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            # Views that take only one method answer 405 before looking anything up; that
            # tells nothing about the object either.
            assert response.status_code in (404, 405), (method, url, response.status_code)
            if response.status_code == 405:
                continue
            probed.append((method, name))
        data_response = client.post(url, {"section": "project", "version": before, "title": "X"})
        assert data_response.status_code in (404, 405), (url, data_response.status_code)
    # Each URL was refused with 404 for at least one method.
    names = {name for _method, name in probed}
    expected = {p.name for p in applicant.urlpatterns} - NOT_AN_APPLICATION
    if which == "granted":
        expected -= {"co_applicant_remove", "file_download", "file_remove"}
    else:
        expected.discard("grant_report")
    assert names == expected
    files = len([o for o in (objects["file"],) if o is not None])
    after = Application.objects.get(pk=application.pk)
    assert after.version == before
    assert after.title == "Trygge overganger"
    assert BudgetLine.objects.filter(application=application).count() == 2
    assert ApplicationFile.objects.filter(application=application).count() == files
