"""The secretariat's Partnerpotten pages: calls and criteria, the call's page, the decision
page, assessment and information requests, the pipeline and grant follow-up.

Allowed and denied roles side by side; conflicts of interest (the secretariat persona acts
for Udir, so it is conflicted on Udir's applications; the admin is not); the envelope; bad
input that must give a message and no 500.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings.models import OSLO, AgendaItem
from partnerpot import services
from partnerpot.models import Application, Assessment, Call, Criterion, Grant, GrantReport
from tests.meetings.factories import MeetingFactory, in_days
from tests.partnerpot.factories import (
    adopted_criteria,
    after_deadline,
    assessed_application,
    at_meeting,
    complete_application,
    deciding_meeting,
    on_agenda,
    open_call,
    partners_body,
    submitted_application,
)

pytestmark = pytest.mark.django_db

Status = Application.Status


def url(name: str, *args) -> str:
    return reverse(f"partnerpot:{name}", args=args)


def htmx(client, path: str, data: dict):
    return client.post(path, data, HTTP_HX_REQUEST="true")


def draft_call(*, by=None, **fields) -> Call:
    if services.criteria_in_force() is None:
        adopted_criteria()
    now = timezone.now()
    return services.call_create(
        year=fields.pop("year", timezone.localdate().year),
        title=fields.pop("title", "Partnerpotten våren"),
        opens_at=fields.pop("opens_at", now + dt.timedelta(days=1)),
        closes_at=fields.pop("closes_at", now + dt.timedelta(days=20)),
        envelope=Decimal(fields.pop("envelope", "300000")),
        max_per_application=Decimal(fields.pop("max_per_application", "100000")),
        deciding_meeting=fields.pop("deciding_meeting", None) or deciding_meeting(days=45),
        created_by=by,
        **fields,
    )


@pytest.fixture
def call(secretariat):
    return open_call(envelope="150000", max_per_application="100000", by=secretariat)


@pytest.fixture
def on_the_agenda(registry, call, partner_rep, secretariat, admin):
    """FUG's and Udir's applications on the deciding meeting's agenda; the secretariat
    persona acts for Udir and is conflicted on Udir's application."""
    fug = assessed_application(
        call=call, applicant=registry.partner, by=partner_rep, assessor=secretariat
    )
    udir = assessed_application(call=call, applicant=registry.udir, by=secretariat, assessor=admin)
    on_agenda(call=call, applications=[fug, udir], by=secretariat)
    return fug, udir


# --- The list of calls ----------------------------------------------------------------------
def test_call_list_shows_published_calls_to_everyone_and_drafts_to_the_secretariat(
    login, call, partner_rep, secretariat, user
):
    draft = draft_call(title="Et utkast til utlysning")
    client = login(partner_rep)
    response = client.get(url("call_list"))
    assert response.status_code == 200
    assert call.title in response.text
    assert draft.title not in response.text
    assert "Ny utlysning" not in response.text
    assert login(user).get(url("call_list")).status_code == 200

    response = login(secretariat).get(url("call_list"))
    assert draft.title in response.text
    assert "Ny utlysning" in response.text
    assert url("call_manage", draft.pk) in response.text


def test_call_list_anonymous_is_sent_to_sign_in(client):
    response = client.get(url("call_list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_deadline_at_2359_oslo_time_is_shown_as_2359(login, secretariat, partner_rep):
    day = timezone.localdate() + dt.timedelta(days=10)
    closes = dt.datetime.combine(day, dt.time(23, 59), tzinfo=OSLO)
    call = open_call(closes_at=closes, meeting=deciding_meeting(days=30), by=secretariat)
    assert call.closes_at.astimezone(dt.UTC).hour in (21, 22)  # stored in UTC
    for person in (partner_rep, secretariat):
        response = login(person).get(url("call_list"))
        assert "kl. 23:59" in response.text
    response = login(secretariat).get(url("call_manage", call.pk))
    assert "kl. 23:59" in response.text


# --- Creating and editing calls -------------------------------------------------------------
def _call_post(meeting, **overrides) -> dict:
    closes = timezone.localdate() + dt.timedelta(days=20)
    data = {
        "year": closes.year,
        "title": "Partnerpotten 2040",
        "description": "Søk om midler.",
        "opens_on": timezone.localdate().isoformat(),
        "opens_time": "09:00",
        "closes_on": closes.isoformat(),
        "closes_time": "23:59",
        "envelope": "500 000",
        "max_per_application": "100 000,50",
        "deciding_meeting": meeting.pk if meeting else "",
        "criteria_version": services.criteria_in_force().pk,
    }
    data.update(overrides)
    return data


def test_call_create_builds_aware_oslo_times_and_copies_the_criteria(login, secretariat):
    adopted_criteria()
    meeting = deciding_meeting(days=40)
    client = login(secretariat)
    response = client.get(url("call_create"))
    assert response.status_code == 200
    assert "Gjeldende kriterier er versjon" in response.text
    response = client.post(url("call_create"), _call_post(meeting))
    call = Call.objects.get(title="Partnerpotten 2040")
    assert response.status_code == 302
    assert response["Location"] == url("call_manage", call.pk)
    local = call.closes_at.astimezone(OSLO)
    assert (local.hour, local.minute) == (23, 59)
    assert call.envelope == Decimal("500000.00")
    assert call.max_per_application == Decimal("100000.50")
    assert call.status == Call.Status.DRAFT
    assert call.criteria.count() == 4
    assert call.deciding_meeting == meeting


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"closes_on": "2001-01-01", "opens_on": "2000-01-01"}, "closes_on", "har passert"),
        ({"closes_on": "2000-01-01"}, "closes_on", "etter at utlysningen åpner"),
        ({"envelope": "mange penger"}, "envelope", "Skriv et beløp i kroner"),
        ({"max_per_application": "900 000"}, "max_per_application", "over rammen"),
        ({"closes_time": "25:00"}, "closes_time", ""),
        ({"year": "tjue"}, "year", ""),
    ],
)
def test_call_create_bad_input_gives_errors_next_to_the_fields(
    login, secretariat, overrides, field, message
):
    adopted_criteria()
    client = login(secretariat)
    response = client.post(url("call_create"), _call_post(deciding_meeting(days=40), **overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert not Call.objects.filter(title="Partnerpotten 2040").exists()


def test_call_create_refuses_a_meeting_before_the_deadline(login, secretariat):
    adopted_criteria()
    early = MeetingFactory(body=partners_body(), starts_at=in_days(5))
    response = login(secretariat).post(url("call_create"), _call_post(early))
    assert response.status_code == 400
    assert "etter søknadsfristen" in " ".join(response.context["form"].errors["deciding_meeting"])
    assert not Call.objects.filter(title="Partnerpotten 2040").exists()


def test_call_create_and_edit_are_the_secretariats(login, partner_rep, call):
    client = login(partner_rep)
    assert client.get(url("call_create")).status_code == 403
    assert client.get(url("call_edit", call.pk)).status_code == 403
    draft = draft_call()
    assert client.get(url("call_edit", draft.pk)).status_code == 404


def test_a_published_call_only_changes_the_published_fields(login, secretariat, call):
    client = login(secretariat)
    response = client.get(url("call_edit", call.pk))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["year"].disabled
    assert form.fields["max_per_application"].disabled
    assert not form.fields["title"].disabled
    data = _call_post(
        call.deciding_meeting,
        year=call.year + 5,  # disabled: ignored
        max_per_application="1",  # disabled: ignored
        title="Ny tittel",
        closes_on=call.closes_at.astimezone(OSLO).date().isoformat(),
        closes_time=call.closes_at.astimezone(OSLO).strftime("%H:%M"),
        envelope="150 000",
    )
    response = client.post(url("call_edit", call.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    call.refresh_from_db()
    assert call.title == "Ny tittel"
    assert call.year == timezone.localdate().year
    assert call.max_per_application == Decimal("100000.00")


def test_a_published_deadline_can_only_be_extended(login, secretariat, call):
    earlier = (call.closes_at - dt.timedelta(days=2)).astimezone(OSLO)
    data = _call_post(
        call.deciding_meeting,
        closes_on=earlier.date().isoformat(),
        closes_time=earlier.strftime("%H:%M"),
        envelope="150000",
    )
    response = login(secretariat).post(url("call_edit", call.pk), data)
    assert response.status_code == 400
    assert "forlenges" in " ".join(response.context["form"].errors["closes_on"])


# --- The call's page ------------------------------------------------------------------------
def test_call_manage_shows_the_envelope_and_the_applications(
    login, registry, call, partner_rep, secretariat
):
    application = submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    response = login(secretariat).get(url("call_manage", call.pk))
    assert response.status_code == 200
    envelope = response.context["envelope"]
    assert envelope["envelope"] == Decimal("150000.00")
    assert envelope["applied"] == Decimal("100000.00")
    assert envelope["remaining"] == Decimal("150000.00")
    assert application.reference in response.text
    assert url("assessment", application.pk) in response.text
    assert url("call_export", call.pk) in response.text
    assert url("call_decide", call.pk) in response.text


def test_call_manage_is_refused_to_others(login, call, partner_rep, admin):
    assert login(partner_rep).get(url("call_manage", call.pk)).status_code == 403
    draft = draft_call()
    assert login(partner_rep).get(url("call_manage", draft.pk)).status_code == 404
    assert login(admin).get(url("call_manage", draft.pk)).status_code == 200


def test_publish_is_refused_while_the_criteria_are_not_adopted(login, secretariat):
    from meetings import services as meeting_services

    adopted_criteria()
    call = draft_call()
    # A new version of the criteria, not adopted by the Partnermøte.
    pending = meeting_services.document_version_create(
        document=services.criteria_document(), text="- Nytt kriterium"
    )
    services.call_update(call=call, criteria_version=pending)
    response = login(secretariat).post(url("call_publish", call.pk))
    assert response.status_code == 400
    assert "Kriteriene må være vedtatt av partnermøtet" in response.text
    assert "Utlysningen kan ikke publiseres ennå" in response.text
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT


def test_publish_publishes_a_complete_draft(login, secretariat, partner_rep):
    call = draft_call()
    assert login(partner_rep).post(url("call_publish", call.pk)).status_code == 404
    response = login(secretariat).post(url("call_publish", call.pk))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED


def test_criteria_are_added_edited_and_removed_while_draft(login, secretariat):
    call = draft_call()
    client = login(secretariat)
    response = htmx(client, url("criterion_add", call.pk), {"text": "Prosjektet er nyskapende."})
    assert response.status_code == 200
    assert 'id="criteria"' in response.text
    assert "<html" not in response.text
    assert "Kriteriet er lagt til" in response["HX-Trigger"]
    criterion = call.criteria.get(text="Prosjektet er nyskapende.")

    response = htmx(client, url("criterion_add", call.pk), {"text": "  "})
    assert response.status_code == 400
    assert "Skriv kriteriet." in response.text

    response = client.post(url("criterion_edit", criterion.pk), {"text": "Nyskapende."})
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.text == "Nyskapende."

    response = htmx(client, url("criterion_edit", criterion.pk), {"text": ""})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text

    response = htmx(client, url("criterion_remove", criterion.pk), {})
    assert response.status_code == 200
    assert not Criterion.objects.filter(pk=criterion.pk).exists()


def test_criteria_are_locked_once_published(login, secretariat, call, partner_rep):
    criterion = call.criteria.first()
    client = login(secretariat)
    response = htmx(client, url("criterion_edit", criterion.pk), {"text": "Endret"})
    assert response.status_code == 400
    assert "før utlysningen publiseres" in response.text
    response = client.post(url("criterion_add", call.pk), {"text": "Nytt"})
    assert response.status_code == 400
    assert call.criteria.count() == 4
    assert login(partner_rep).post(url("criterion_remove", criterion.pk)).status_code == 403
    assert login(partner_rep).post(url("criterion_remove", 999_999)).status_code == 403


def test_call_cancel_asks_for_confirmation(login, secretariat, call):
    client = login(secretariat)
    assert client.get(url("call_cancel", call.pk)).status_code == 200
    response = client.post(url("call_cancel", call.pk), {})
    assert response.status_code == 400
    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED
    response = client.post(url("call_cancel", call.pk), {"confirm": "on"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == Call.Status.CANCELLED


def test_put_on_the_agenda_after_the_deadline(login, registry, call, partner_rep, secretariat):
    application = assessed_application(
        call=call, applicant=registry.partner, by=partner_rep, assessor=secretariat
    )
    client = login(secretariat)
    response = client.post(url("call_agenda", call.pk))
    assert response.status_code == 400
    assert "etter søknadsfristen" in response.text
    with after_deadline(call):
        client = login(secretariat)  # signed in again: the session would have expired
        page = client.get(url("call_manage", call.pk))
        assert "Sett på sakslisten" in page.text
        response = client.post(url("call_agenda", call.pk), follow=True)
    assert response.status_code == 200
    assert "1 søknad er satt på sakslisten til" in response.text
    assert reverse("meetings:meeting_detail", args=[call.deciding_meeting.pk]) in response.text
    application.refresh_from_db()
    assert application.status == Status.ON_AGENDA
    assert AgendaItem.objects.filter(meeting=call.deciding_meeting).count() == 1


# --- The decision page ----------------------------------------------------------------------
def test_decide_page_shows_the_remaining_envelope_and_hides_conflicted_recommendations(
    login, call, on_the_agenda, secretariat, admin
):
    fug, udir = on_the_agenda
    response = login(secretariat).get(url("call_decide", call.pk))
    assert response.status_code == 200
    assert "Igjen av rammen" in response.text
    assert "150\u00a0000,00\u00a0kr" in response.text
    rows = {row["application"].pk: row for row in response.context["rows"]}
    assert rows[udir.pk]["conflicted"] and rows[udir.pk]["form"] is None
    assert rows[udir.pk]["assessment"] is None
    assert rows[fug.pk]["form"] is not None
    assert "Du er inhabil" in response.text
    assert url("application_decide", udir.pk) not in response.text
    assert url("application_decide", fug.pk) in response.text
    # Udir's recommendation text is not on the page; FUG's is.
    assert response.text.count("Godt forankret og med tydelig medvirkning.") == 1

    response = login(admin).get(url("call_decide", call.pk))
    assert url("application_decide", udir.pk) in response.text


def _decide(prefix_pk: int, **values) -> dict:
    data = {"outcome": "granted", "amount": "", "conditions": "", "reason": "Godt prosjekt."}
    data.update(values)
    return {f"a{prefix_pk}-{k}": v for k, v in data.items()}


def test_deciding_through_htmx_updates_the_row_and_the_envelope(
    login, call, on_the_agenda, secretariat
):
    fug, _udir = on_the_agenda
    with at_meeting(call.deciding_meeting):
        client = login(secretariat)
        response = htmx(client, url("application_decide", fug.pk), _decide(fug.pk))
    assert response.status_code == 200, response.text
    assert f'id="decide-{fug.pk}"' in response.text
    assert 'id="envelope"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "50\u00a0000,00\u00a0kr" in response.text  # what remains
    message = json.loads(response["HX-Trigger"])["portal:message"]
    assert "Igjen av rammen: 50\u00a0000,00\u00a0kr" in message
    fug.refresh_from_db()
    assert fug.status == Status.GRANTED
    assert fug.decision.get_absolute_url() in response.text


def test_envelope_overflow_shows_what_remains_and_saves_nothing(
    login, registry, call, on_the_agenda, secretariat, admin, wg_leader
):
    fug, udir = on_the_agenda
    with at_meeting(call.deciding_meeting):
        services.application_decide(
            application=udir, outcome=Status.GRANTED, reason="Godt.", by=admin
        )
        client = login(secretariat)
        response = htmx(
            client,
            url("application_decide", fug.pk),
            _decide(fug.pk, outcome="partly_granted", amount="60 000"),
        )
        assert response.status_code == 400
        assert "Det er 50\u00a0000,00\u00a0kr igjen av rammen" in response.text
        assert 'aria-invalid="true"' in response.text
        # Without htmx: the whole page, the error next to the amount field.
        response = client.post(
            url("application_decide", fug.pk),
            _decide(fug.pk, outcome="partly_granted", amount="60 000"),
        )
    assert response.status_code == 400
    assert "Det er 50\u00a0000,00\u00a0kr igjen av rammen" in response.text
    assert f'id="id_a{fug.pk}-amount-error"' in response.text
    fug.refresh_from_db()
    assert fug.status == Status.ON_AGENDA
    assert fug.decision is None
    assert not Grant.objects.filter(application=fug).exists()


def test_a_conflicted_person_cannot_decide(login, call, on_the_agenda, secretariat, partner_rep):
    _fug, udir = on_the_agenda
    with at_meeting(call.deciding_meeting):
        response = login(secretariat).post(url("application_decide", udir.pk), _decide(udir.pk))
        assert response.status_code == 403
        response = login(partner_rep).post(url("call_decide", call.pk))
        assert response.status_code == 405
        assert login(partner_rep).get(url("call_decide", call.pk)).status_code == 403
    udir.refresh_from_db()
    assert udir.status == Status.ON_AGENDA


def test_deciding_without_htmx_redirects_back_to_the_decision_page(
    login, call, on_the_agenda, secretariat
):
    fug, _udir = on_the_agenda
    with at_meeting(call.deciding_meeting):
        response = login(secretariat).post(
            url("application_decide", fug.pk), _decide(fug.pk, outcome="rejected")
        )
    assert response.status_code == 302
    assert response["Location"] == url("call_decide", call.pk)
    fug.refresh_from_db()
    assert fug.status == Status.REJECTED


def test_deciding_before_the_meeting_has_begun_is_refused(login, call, on_the_agenda, secretariat):
    fug, _udir = on_the_agenda
    client = login(secretariat)
    page = client.get(url("call_decide", call.pk))
    assert "Vedtak kan registreres når møtet har begynt" in page.text
    response = htmx(client, url("application_decide", fug.pk), _decide(fug.pk))
    assert response.status_code == 400
    assert "Møtet er ikke holdt ennå." in response.text
    fug.refresh_from_db()
    assert fug.status == Status.ON_AGENDA


# --- Assessment ---------------------------------------------------------------------------------
def _assessment_post(application, *, version=1, **overrides) -> dict:
    data = {
        "version": version,
        "is_complete": "yes",
        "fits_criteria": "yes",
        "recommendation": "partly",
        "recommended_amount": "75 000",
        "recommendation_text": "Relevant, men dyrt.",
    }
    for criterion in application.call.criteria.all():
        data[f"score_{criterion.pk}"] = "4"
        data[f"comment_{criterion.pk}"] = "Bra."
    data.update(overrides)
    return data


def test_assessment_saves_and_marks_the_application_assessed(
    login, registry, call, partner_rep, secretariat
):
    application = submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    client = login(secretariat)
    response = client.get(url("assessment", application.pk))
    assert response.status_code == 200
    assert application.summary in response.text  # the content, read-only alongside
    assert "Barn og unge medvirker i prosjektet." in response.text  # a criterion
    response = client.post(url("assessment", application.pk), _assessment_post(application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.ASSESSED
    assessment = application.assessment
    assert assessment.recommended_amount == Decimal("75000.00")
    assert assessment.scores.filter(score=4).count() == 4


def test_assessment_bad_input_and_stale_version(login, registry, call, partner_rep, secretariat):
    application = submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    client = login(secretariat)
    response = client.post(
        url("assessment", application.pk),
        _assessment_post(application, recommendation="partly", recommended_amount=""),
    )
    assert response.status_code == 400
    assert "Oppgi beløpet du foreslår." in response.text
    first = client.post(url("assessment", application.pk), _assessment_post(application))
    assert first.status_code == 302
    # A second person opened the form at version 1 and saves later.
    response = client.post(
        url("assessment", application.pk),
        _assessment_post(application, recommendation_text="Min egen tekst som ikke må mistes."),
    )
    assert response.status_code == 400
    assert "Noen andre har lagret vurderingen" in response.text
    assert "Min egen tekst som ikke må mistes." in response.text
    assert response.context["form"]["version"].value() == Assessment.objects.get().version
    assert Assessment.objects.get().recommendation_text == "Relevant, men dyrt."


def test_a_conflicted_secretariat_member_cannot_open_the_assessment(
    login, registry, call, secretariat, admin, partner_rep, wg_leader
):
    udir = submitted_application(call=call, applicant=registry.udir, by=secretariat)
    response = login(secretariat).get(url("assessment", udir.pk))
    assert response.status_code == 403
    assert "Du er inhabil i denne søknaden" in response.text
    response = login(secretariat).post(url("assessment", udir.pk), _assessment_post(udir))
    assert response.status_code == 403
    assert not Assessment.objects.filter(application=udir).exists()
    assert login(admin).get(url("assessment", udir.pk)).status_code == 200

    fug = submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    assert login(partner_rep).get(url("assessment", fug.pk)).status_code == 403  # the applicant
    assert login(wg_leader).get(url("assessment", fug.pk)).status_code == 404  # another partner


def test_conflicted_rows_are_marked_in_the_pipeline(login, registry, call, secretariat, admin):
    udir = assessed_application(call=call, applicant=registry.udir, by=secretariat, assessor=admin)
    response = login(secretariat).get(url("pipeline"))
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row["application"].pk == udir.pk and row["conflicted"] and row["assessment"] is None
    assert "Du er inhabil" in response.text
    assert "Godt forankret" not in response.text
    assert url("assessment", udir.pk) not in response.text
    response = login(admin).get(url("pipeline"))
    assert url("assessment", udir.pk) in response.text


# --- Information requests -----------------------------------------------------------------------
def test_info_request_reopens_the_chosen_sections(login, registry, call, partner_rep, secretariat):
    application = submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    client = login(secretariat)
    assert client.get(url("info_request", application.pk)).status_code == 200
    response = client.post(url("info_request", application.pk), {"message": "Mer om budsjettet."})
    assert response.status_code == 400
    assert "Velg minst én del av søknaden som skal åpnes." in response.text
    reply_by = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = client.post(
        url("info_request", application.pk),
        {"sections": ["budget"], "message": "Mer om budsjettet.", "reply_by": reply_by},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    assert application.reopened_sections == ["budget"]
    page = client.get(url("info_request", application.pk))
    assert "Mer om budsjettet." in page.text
    assert "Ikke besvart" in page.text
    assert login(partner_rep).get(url("info_request", application.pk)).status_code == 403


def test_info_request_refuses_a_past_reply_date(login, registry, call, partner_rep, secretariat):
    application = submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    response = login(secretariat).post(
        url("info_request", application.pk),
        {"sections": ["budget"], "message": "Mer.", "reply_by": "2001-01-01"},
    )
    assert response.status_code == 400
    assert "Svarfristen må være etter i dag." in response.text


# --- The pipeline -------------------------------------------------------------------------------
def test_pipeline_counts_and_sums_per_call(login, registry, call, partner_rep, secretariat):
    submitted_application(call=call, applicant=registry.partner, by=partner_rep)
    assessed_application(
        call=call,
        applicant=registry.partner,
        by=partner_rep,
        assessor=secretariat,
        requested_amount="50000",
        own_contribution="10000",
    )
    response = login(secretariat).get(url("pipeline"))
    assert response.status_code == 200
    (entry,) = response.context["pipeline"]
    assert entry["total"] == 2
    assert entry["row"].applied == Decimal("150000.00")
    response = login(secretariat).get(url("pipeline"), {"status": "assessed"})
    assert [r["application"].status for r in response.context["rows"]] == [Status.ASSESSED]


@pytest.mark.parametrize(
    "params",
    [
        {"call": "abc"},
        {"call": "999999"},
        {"call": "-1"},
        {"status": "bogus"},
        {"status": "draft"},
        {"page": "x"},
        {"page": "99999"},
        {"call": "1' OR 1=1 --", "status": "<script>"},
    ],
)
def test_pipeline_bad_parameters_do_not_500(login, secretariat, call, params):
    response = login(secretariat).get(url("pipeline"), params)
    assert response.status_code == 200
    if "call" in params or "status" in params:
        assert "Viser alle" in response.text


def test_pipeline_is_the_secretariats(login, partner_rep, ministry_observer):
    assert login(partner_rep).get(url("pipeline")).status_code == 403
    assert login(ministry_observer).get(url("pipeline")).status_code == 403


def test_pipeline_htmx_returns_the_results(login, secretariat, call):
    response = login(secretariat).get(
        url("pipeline"), {"status": "submitted"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="results"' in response.text
    assert "<html" not in response.text


# --- Grants -------------------------------------------------------------------------------------
@pytest.fixture
def grant(call, on_the_agenda, admin):
    fug, _udir = on_the_agenda
    with at_meeting(call.deciding_meeting):
        fug = services.application_decide(
            application=fug, outcome=Status.GRANTED, reason="Godt prosjekt.", by=admin
        )
    return fug.grant


def test_grant_list_shows_each_viewer_what_they_may_see(
    login, grant, secretariat, partner_rep, wg_leader
):
    response = login(secretariat).get(url("grant_list"))
    assert response.status_code == 200
    assert [r["grant"] for r in response.context["rows"]] == [grant]
    response = login(partner_rep).get(url("grant_list"))
    assert [r["grant"] for r in response.context["rows"]] == [grant]
    response = login(wg_leader).get(url("grant_list"))
    assert response.status_code == 200
    assert response.context["rows"] == []


def test_grant_list_highlights_overdue_reports_and_survives_bad_filters(login, grant, secretariat):
    Grant.objects.filter(pk=grant.pk).update(report_due_on=timezone.localdate() - dt.timedelta(1))
    client = login(secretariat)
    response = client.get(url("grant_list"), {"status": "overdue"})
    assert [r["overdue"] for r in response.context["rows"]] == [True]
    assert "Forfalt" in response.text
    response = client.get(url("grant_list"), {"status": "ikke-en-status", "page": "abc"})
    assert response.status_code == 200
    assert "Ukjent status" in response.text


def test_grant_detail_roles(login, grant, secretariat, partner_rep, wg_leader, ministry_observer):
    response = login(partner_rep).get(url("grant_detail", grant.pk))
    assert response.status_code == 200
    assert url("grant_pay_out", grant.pk) not in response.text
    response = login(secretariat).get(url("grant_detail", grant.pk))
    assert response.status_code == 200
    assert url("grant_pay_out", grant.pk) in response.text
    assert login(wg_leader).get(url("grant_detail", grant.pk)).status_code == 404
    assert login(ministry_observer).get(url("grant_detail", grant.pk)).status_code == 404
    assert login(partner_rep).post(url("grant_pay_out", grant.pk)).status_code == 403


def test_grant_follow_up_from_pay_out_to_close(login, grant, secretariat, partner_rep):
    client = login(secretariat)
    response = client.post(url("grant_pay_out", grant.pk), {"paid_out_on": "2999-01-01"})
    assert response.status_code == 400
    assert "kan ikke være frem i tid" in response.text
    today = timezone.localdate().isoformat()
    assert client.post(url("grant_pay_out", grant.pk), {"paid_out_on": today}).status_code == 302
    grant.refresh_from_db()
    assert grant.status == Grant.Status.PAID_OUT
    response = client.post(url("grant_pay_out", grant.pk), {"paid_out_on": today})  # twice
    assert response.status_code == 400
    assert "Tilskuddet kan ikke registreres som utbetalt nå." in response.text

    application = grant.application
    services.grant_report_save(
        grant=grant,
        by=partner_rep,
        what_was_done="Tre samlinger.",
        participation="Elevrådene ledet.",
        reach_count=300,
        lines={line.pk: ("30000", "Som planlagt") for line in application.budget_lines.all()},
    )
    services.grant_report_submit(grant=grant, by=partner_rep)
    page = client.get(url("grant_detail", grant.pk))
    assert "Tre samlinger." in page.text
    assert "Som planlagt" in page.text
    assert "Ubrukte midler" in page.text  # 60 000 spent, 20 000 own: 40 000 of 100 000 used

    response = client.post(url("report_request_more", grant.pk), {"feedback": ""})
    assert response.status_code == 400
    response = client.post(url("report_request_more", grant.pk), {"feedback": "Legg ved bilder."})
    assert response.status_code == 302
    assert GrantReport.objects.get(grant=grant).status == GrantReport.Status.MORE_REQUESTED
    services.grant_report_submit(grant=grant, by=partner_rep)

    response = client.post(url("report_approve", grant.pk), follow=True)
    assert "skal betales tilbake" in response.text
    grant.refresh_from_db()
    assert grant.status == Grant.Status.TO_BE_REPAID
    assert grant.repayment_amount == Decimal("60000.00")
    # Money is owed: closing is refused until the repayment is recorded, which closes it.
    response = client.post(url("grant_close", grant.pk))
    assert response.status_code == 400
    assert "Registrer tilbakebetalingen" in response.text
    today = timezone.localdate().isoformat()
    response = client.post(
        url("grant_record_repayment", grant.pk), {"repaid_on": today, "amount": "70 000"}
    )
    assert response.status_code == 400
    assert "mer enn det som skal betales tilbake" in response.text
    response = client.post(
        url("grant_record_repayment", grant.pk), {"repaid_on": today, "amount": "50 000"}
    )
    assert response.status_code == 400
    assert "Forklar hvorfor resten ikke skal betales" in response.text
    grant.refresh_from_db()
    assert grant.status == Grant.Status.TO_BE_REPAID and grant.repaid_on is None
    response = client.post(
        url("grant_record_repayment", grant.pk),
        {"repaid_on": today, "amount": "60 000,00"},
        follow=True,
    )
    assert "Tilbakebetalingen på 60\u00a0000,00\u00a0kr er registrert" in response.text
    grant.refresh_from_db()
    assert grant.status == Grant.Status.CLOSED
    assert (grant.repaid_on, grant.repaid_amount) == (timezone.localdate(), Decimal("60000.00"))
    response = client.post(url("grant_close", grant.pk))
    assert response.status_code == 400
    assert "kan avsluttes når sluttrapporten er godkjent" in response.text


def test_grant_cancel_asks_for_a_reason(login, grant, secretariat):
    client = login(secretariat)
    assert client.get(url("grant_cancel", grant.pk)).status_code == 200
    response = client.post(url("grant_cancel", grant.pk), {"note": ""})
    assert response.status_code == 400
    assert "Begrunn hvorfor tilskuddet annulleres." in response.text
    response = client.post(url("grant_cancel", grant.pk), {"note": "Prosjektet ble ikke noe av."})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == Grant.Status.CANCELLED


def test_a_conflicted_secretariat_member_cannot_manage_the_grant(
    login, call, on_the_agenda, secretariat, admin
):
    _fug, udir = on_the_agenda
    with at_meeting(call.deciding_meeting):
        udir = services.application_decide(
            application=udir, outcome=Status.GRANTED, reason="Godt.", by=admin
        )
    grant = udir.grant
    response = login(secretariat).get(url("grant_detail", grant.pk))
    assert response.status_code == 200  # the applicant's own people see it
    assert "Du er inhabil" in response.text
    assert url("grant_pay_out", grant.pk) not in response.text
    assert login(secretariat).post(url("grant_pay_out", grant.pk)).status_code == 403


# --- Times ------------------------------------------------------------------------------------
def test_nonexistent_summer_time_minute_is_refused(login, secretariat):
    adopted_criteria()
    # The last Sunday of March: 02:00–03:00 does not exist in Oslo.
    year = timezone.localdate().year + 1
    day = max(dt.date(year, 3, d) for d in range(25, 32) if dt.date(year, 3, d).weekday() == 6)
    meeting = MeetingFactory(
        body=partners_body(), starts_at=dt.datetime(year, 4, 20, 10, tzinfo=OSLO)
    )
    with time_machine.travel(dt.datetime(year, 1, 10, 12, tzinfo=OSLO)):
        response = login(secretariat).post(
            url("call_create"),
            _call_post(
                meeting,
                year=year,
                opens_on=f"{year}-01-15",
                closes_on=day.isoformat(),
                closes_time="02:30",
            ),
        )
    assert response.status_code == 400
    assert "sommertid" in " ".join(response.context["form"].errors["closes_time"])


def test_a_co_applicant_partners_people_are_conflicted_too(
    login, registry, call, partner_rep, secretariat, admin
):
    """Udir as a co-applicant on FUG's application: the secretariat persona (Udir) is
    conflicted on it everywhere; the admin is not."""
    application = complete_application(call=call, applicant=registry.partner, by=partner_rep)
    services.co_applicant_add(
        application=application, kind="partner", partner=registry.udir, by=partner_rep
    )
    application = services.application_submit(application=application, by=partner_rep)
    client = login(secretariat)
    assert client.get(url("assessment", application.pk)).status_code == 403
    assert client.get(url("info_request", application.pk)).status_code == 403
    (row,) = client.get(url("pipeline")).context["rows"]
    assert row["conflicted"]
    (row,) = client.get(url("call_manage", call.pk)).context["rows"]
    assert row["conflicted"]
    assert login(admin).get(url("assessment", application.pk)).status_code == 200
