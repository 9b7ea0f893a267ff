"""The meeting cycle in a real browser, in Norwegian, each page checked with axe-core:

the secretariat plans a year, builds a Partnermøte agenda from a working group's proposal,
sends the notice, records attendance and minutes on the day, approves them and downloads
the PDF; a partner representative subscribes to the calendar.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting, Minutes

from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def _new_page(browser, live_server, person):
    context = browser.new_context(base_url=live_server.url, locale="nb-NO", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in_with_cookie(page, live_server, person)
    return page


def test_secretariat_runs_a_partnermote_from_plan_to_approved_minutes(
    page, browser, live_server, registry, secretariat, wg_member, partner_rep
):
    year = timezone.localdate().year + 1
    title = "Felles kampanje mot digital mobbing"

    # 1. The year plan.
    sign_in_with_cookie(page, live_server, secretariat)
    page.goto("/moter/arsplan/")
    axe_check(page)
    page.get_by_label("År", exact=True).fill(str(year))
    page.get_by_role("button", name="Lag møtene").click()
    expect(page.get_by_text(re.compile(r"\d+ møter er laget\."))).to_be_visible()
    axe_check(page)
    pm = (
        Meeting.objects.filter(body=registry.partners_meeting, kind=Meeting.Kind.ORDINARY)
        .order_by("starts_at")
        .first()
    )
    assert pm is not None and pm.local_date.year == year
    # A suggested working-group meeting is confirmed in place (htmx).
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name=re.compile("^Bekreft")).first.click()
    expect(page.locator("#live-region")).to_contain_text("er bekreftet")
    assert page.evaluate("window.__noReload") is True
    axe_check(page)

    # 2. A working group proposes an item to the first Partnermøte.
    member = _new_page(browser, live_server, wg_member)
    member.goto("/moter/forslag/ny/")
    axe_check(member)
    member.get_by_label("Møte", exact=True).select_option(str(pm.pk))
    member.get_by_label("På vegne av").select_option(label=registry.wg_local.name)
    member.get_by_label("Tittel").fill(title)
    member.get_by_label("Bakgrunn").fill("Arbeidsgruppa foreslår en felles kampanje i skolestart.")
    member.get_by_role("button", name="Send forslaget").click()
    expect(member.get_by_text("Forslaget er sendt")).to_be_visible()
    expect(member.get_by_role("cell", name="Sendt inn")).to_be_visible()
    axe_check(member)
    member.context.close()

    # 3. The secretariat builds the agenda: the proposal, then an item of its own (htmx).
    page.goto(f"/moter/{pm.pk}/")
    axe_check(page)
    page.get_by_role("button", name=re.compile(f"^Sett på sakslisten.*{title}")).click()
    expect(page.get_by_text("er satt på sakslisten")).to_be_visible()
    agenda = page.locator("#agenda")
    expect(agenda.get_by_role("heading", name=f"PM-sak 1/{year} {title}")).to_be_visible()
    page.evaluate("window.__noReload = true")
    agenda.get_by_label("Tittel").fill(f"Budsjett {year + 1}")
    agenda.get_by_label("Forslag til vedtak").fill("Partnermøtet vedtar budsjettet.")
    agenda.get_by_role("button", name="Legg til sak").click()
    expect(page.locator("#live-region")).to_contain_text(f"PM-sak 2/{year} er lagt til")
    assert page.evaluate("window.__noReload") is True
    # An exempt item without a legal basis: the error summary takes focus, nothing is saved.
    agenda = page.locator("#agenda")
    agenda.get_by_label("Tittel").fill("Personalsak")
    # Each item's attachment form has its own exemption box: use the add-item form's.
    add_item = agenda.locator("form").filter(has=page.get_by_role("button", name="Legg til sak"))
    add_item.get_by_label("Unntatt offentlighet").check()
    agenda.get_by_role("button", name="Legg til sak").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary]")).to_contain_text("Oppgi hjemmel")
    axe_check(page)
    assert pm.agenda_items.count() == 2

    # 4. The notice, with a confirm step.
    page.goto(f"/moter/{pm.pk}/")
    page.get_by_role("link", name="Send innkalling").click()
    axe_check(page)
    page.get_by_role("button", name="Send innkallingen nå").click()
    page.get_by_role("dialog").get_by_role("button", name="Ja, send innkallingen").click()
    expect(page.get_by_text("Innkallingen er sendt")).to_be_visible()
    pm.refresh_from_db()
    assert pm.status == Meeting.Status.NOTICE_SENT

    # 5. The meeting day: attendance, minutes, approval, the PDF.
    with time_machine.travel(pm.starts_at + dt.timedelta(hours=1), tick=True):
        page.context.clear_cookies()
        sign_in_with_cookie(page, live_server, secretariat)
        page.goto(f"/moter/{pm.pk}/oppmote/")
        axe_check(page)
        expect(page.get_by_label(f"Oppmøte for {partner_rep}")).to_have_value("present")
        page.get_by_role("button", name="Lagre oppmøtet").click()
        expect(page.locator("#live-region")).to_contain_text("Oppmøtet er lagret")
        expect(page.locator("#quorum")).to_contain_text("Møtet er vedtaksført.")
        axe_check(page)

        page.goto(f"/moter/{pm.pk}/referat/")
        page.get_by_role("button", name="Start referatet").click()
        expect(page.get_by_text("Referatet er opprettet")).to_be_visible()
        axe_check(page)
        minutes = Minutes.objects.get(meeting=pm)
        for entry in minutes.entries.select_related("agenda_item"):
            block = page.locator(f"#entry-{entry.pk}")
            block.get_by_label("Referat", exact=True).fill(f"Drøftet {entry.agenda_item.title}.")
            block.get_by_label("Vedtak", exact=True).fill(f"Vedtatt: {entry.agenda_item.title}.")
            block.get_by_role("button", name=re.compile("^Lagre")).click()
            expect(page.locator("#live-region")).to_contain_text(
                f"Referatet for {entry.agenda_item.label} er lagret"
            )
        axe_check(page)
        page.get_by_label("Godkjent ved sirkulasjon").check()
        page.get_by_role("button", name="Godkjenn referatet").click()
        page.get_by_role("dialog").get_by_role("button", name="Ja, godkjenn referatet").click()
        expect(page.get_by_text("Referatet er godkjent. Ført i vedtaksregisteret:")).to_be_visible()
        axe_check(page)
        minutes.refresh_from_db()
        assert minutes.is_approved
        assert pm.decisions.count() == 2

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Last ned referatet (PDF)").click()
        download = download_info.value
        assert download.suggested_filename == f"referat-{pm.pk}.pdf"
        with open(download.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"

        # The decisions are in the register, at their permanent URLs.
        page.goto("/moter/vedtak/?q=kampanje")
        axe_check(page)
        page.get_by_role("link", name="PM-vedtak").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(title)
        axe_check(page)


def test_partner_representative_subscribes_to_the_calendar(
    browser, live_server, registry, partner_rep
):
    page = _new_page(browser, live_server, partner_rep)
    page.goto("/moter/kalender/")
    axe_check(page)
    page.get_by_role("link", name="Abonner på kalenderen").click()
    axe_check(page)
    page.get_by_role("button", name="Lag abonnementslenke").click()
    field = page.get_by_label("Din abonnementslenke")
    expect(field).to_be_visible()
    axe_check(page)
    url = field.input_value()
    assert url.startswith(live_server.url + "/moter/kalender/feed/")
    # No session needed: a fresh browser context fetches the feed.
    anonymous = browser.new_context()
    response = anonymous.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in response.body()
    # Revoked: the URL answers 404.
    page.get_by_role("button", name="Trekk tilbake lenken").click()
    expect(page.get_by_text("er trukket tilbake")).to_be_visible()
    assert anonymous.request.get(url).status == 404
    anonymous.close()
    page.context.close()
