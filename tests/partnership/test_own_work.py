"""Partners' own work (issue 12 §6, R13): the partner's people keep its page, everyone signed in
reads it, others are refused; bad input is told on the form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import presentations
from meetings.models import AgendaItem, Meeting, PartnerPresentation
from partnership import services_own_work
from partnership.models import OwnWork, Partner

from ..factories import PeriodFactory
from ..meetings.factories import MeetingFactory, held_meeting, in_days


def _work(partner, **extra) -> OwnWork:
    fields = {
        "kind": "strategy",
        "title": "Kommunal strategi mot mobbing",
        "description": "Nulltoleranse og tidlig innsats.",
        "target_group": "Barnehager og skoler",
        "starts_on": dt.date(2024, 1, 1),
        "ends_on": dt.date(2027, 12, 31),
        **extra,
    }
    return services_own_work.own_work_save(partner=partner, **fields)


def test_a_period_ending_before_it_starts_is_refused(registry):
    with pytest.raises(ValidationError):
        _work(registry.partner, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2024, 1, 1))
    assert not OwnWork.objects.exists()


def test_the_partners_people_add_and_everyone_signed_in_reads(registry, partner_rep, user, client):
    url = reverse("own_work", args=[registry.partner.pk])
    client.force_login(partner_rep)
    response = client.post(
        url,
        {
            "kind": "routine",
            "title": "Rutine mot mobbing og trakassering",
            "description": "Slik varsler og følger vi opp.",
            "target_group": "Ansatte og frivillige",
            "link": "https://example.org/rutine",
        },
    )
    assert response.status_code == 302
    work = OwnWork.objects.get()
    assert work.partner == registry.partner and work.updated_by == partner_rep
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Rutine mot mobbing og trakassering" in text
    assert reverse("own_work_edit", args=[work.pk]) not in text
    assert client.post(url, {"title": "x"}).status_code == 403
    assert client.post(reverse("own_work_delete", args=[work.pk])).status_code == 403


def test_another_partners_people_may_not_edit(registry, wg_leader, client):
    # The working-group leader works for the other partner.
    work = _work(registry.partner)
    client.force_login(wg_leader)
    assert client.get(reverse("own_work_edit", args=[work.pk])).status_code == 403
    assert client.get(reverse("own_work", args=[registry.other_partner.pk])).status_code == 200


def test_missing_fields_are_linked_from_the_summary(registry, partner_leader, client):
    client.force_login(partner_leader)
    response = client.post(reverse("own_work", args=[registry.partner.pk]), {"kind": "routine"})
    assert response.status_code == 400
    text = response.content.decode()
    for field in ("title", "description", "target_group"):
        assert f'href="#id_{field}"' in text


def test_removing_asks_for_confirmation_and_removes(registry, partner_leader, client):
    work = _work(registry.partner)
    client.force_login(partner_leader)
    page = client.get(reverse("own_work", args=[registry.partner.pk])).content.decode()
    assert 'data-confirm="delete-dialog"' in page and 'id="delete-dialog"' in page
    response = client.post(reverse("own_work_delete", args=[work.pk]))
    assert response.status_code == 302
    assert not OwnWork.objects.exists()


# --- Presenting partners' own work at the Ledermøte (meetings/presentations.py) ------------------
def test_a_presentation_is_put_on_the_coming_ledermotes_agenda(registry, secretariat):
    meeting = MeetingFactory(body=registry.leaders_meeting, starts_at=in_days(30))
    presentation = presentations.presentation_assign(
        partner=registry.partner, meeting=meeting, by=secretariat
    )
    item = presentation.agenda_item
    assert item.meeting == meeting and item.kind == AgendaItem.Kind.INFORMATION
    assert registry.partner.name in item.title
    assert reverse("own_work", args=[registry.partner.pk]) in item.background
    assert not item.exempt
    with pytest.raises(ValidationError):
        presentations.presentation_assign(partner=registry.partner, meeting=meeting)
    assert meeting.agenda_items.count() == 1
    assert list(presentations.coming_presentations()) == [presentation]


def test_only_a_coming_ledermote(registry):
    partners = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(30))
    with pytest.raises(ValidationError) as exc:
        presentations.presentation_assign(partner=registry.partner, meeting=partners)
    assert "Ledermøtet" in exc.value.message_dict["meeting"][0]
    held = held_meeting(body=registry.leaders_meeting)
    with pytest.raises(ValidationError):
        presentations.presentation_assign(partner=registry.partner, meeting=held)
    assert not PartnerPresentation.objects.exists()


def test_partners_that_have_not_presented_during_the_agreement_period(
    registry, django_assert_num_queries
):
    period = PeriodFactory(starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2030, 12, 31))
    meeting = MeetingFactory(body=registry.leaders_meeting, starts_at=in_days(20))
    presentations.presentation_assign(partner=registry.partner, meeting=meeting)
    presentations.presentation_assign(partner=registry.kd, meeting=meeting)
    # Assigned but not yet held: still not presented.
    assert registry.partner in presentations.partners_not_presented(period)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    with django_assert_num_queries(1):
        missing = presentations.partners_not_presented(period)
    assert registry.partner not in missing and registry.kd not in missing
    assert registry.other_partner in missing and registry.udir in missing
    # The dashboard's list: the same partners' names, the inactive ones left out by the query.
    Partner.objects.filter(pk=registry.udir.pk).update(active_to=dt.date(2022, 12, 31))
    with django_assert_num_queries(1):
        names = presentations.partner_names_not_presented(period)
    assert names == [str(p) for p in presentations.partners_not_presented(period)]
    assert registry.other_partner.name in names and registry.udir.name not in names
    # A presentation at a meeting outside the period does not count for it.
    earlier = PeriodFactory(starts_on=dt.date(2019, 1, 1), ends_on=dt.date(2020, 12, 31))
    names = presentations.partner_names_not_presented(earlier)
    assert names == [str(p) for p in presentations.partners_not_presented(earlier)]
    assert registry.partner.name in names


# --- A file as well as a link (issue 12 §6: "link or file") -------------------------------------
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FORM = {
    "kind": "routine",
    "title": "Rutine mot mobbing og trakassering",
    "description": "Slik varsler og følger vi opp.",
    "target_group": "Ansatte og frivillige",
}


def test_a_file_goes_through_the_upload_checks_and_is_served_to_readers(
    registry, partner_rep, user, client, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("own_work", args=[registry.partner.pk])
    client.force_login(partner_rep)
    response = client.post(
        url, {**FORM, "file": SimpleUploadedFile("Rutine 2025.pdf", PDF, "application/pdf")}
    )
    assert response.status_code == 302
    work = OwnWork.objects.get()
    assert (work.file_name, work.file_type) == ("Rutine 2025.pdf", "application/pdf")
    assert work.file.name.startswith(f"own-work/{registry.partner.pk}/")
    assert "Rutine 2025" not in work.file.name  # a stored name of our own
    # Everyone signed in reads the page and downloads the file, never inline.
    client.force_login(user)
    page = client.get(url).content.decode()
    assert reverse("own_work_file", args=[work.pk]) in page and "Rutine 2025.pdf" in page
    download = client.get(reverse("own_work_file", args=[work.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    client.logout()
    assert client.get(reverse("own_work_file", args=[work.pk])).status_code == 302  # sign in


def test_a_wrong_type_or_too_large_file_is_refused_and_nothing_is_saved(
    registry, partner_rep, client, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("own_work", args=[registry.partner.pk])
    client.force_login(partner_rep)
    # An executable renamed to .pdf: judged by its content.
    refused = client.post(
        url,
        {**FORM, "file": SimpleUploadedFile("rutine.pdf", b"MZ\x90\x00" * 64, "application/pdf")},
    )
    assert refused.status_code == 400
    assert "data-error-summary" in refused.content.decode()
    assert not OwnWork.objects.exists()
    # Larger than the limit: stopped while it streams in, with the size in the message.
    settings.ATTACHMENT_MAX_BYTES = 1024
    big = client.post(url, {**FORM, "file": SimpleUploadedFile("stor.pdf", PDF + b" " * 4096)})
    assert big.status_code == 400
    assert "for stor" in big.content.decode()
    assert not OwnWork.objects.exists()


def test_replacing_or_removing_the_file_deletes_the_old_one(
    registry, partner_rep, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        work = services_own_work.own_work_save(
            partner=registry.partner, file=SimpleUploadedFile("a.pdf", PDF), **FORM
        )
    first = work.file.name
    storage = work.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        work = services_own_work.own_work_save(
            partner=registry.partner, work=work, file=SimpleUploadedFile("b.pdf", PDF), **FORM
        )
    assert work.file_name == "b.pdf" and not storage.exists(first)
    second = work.file.name
    with django_capture_on_commit_callbacks(execute=True):
        work = services_own_work.own_work_save(
            partner=registry.partner, work=work, remove_file=True, **FORM
        )
    assert not work.file and work.file_name == "" and not storage.exists(second)
