"""Issue 11 in the browser, as the secretariat really works: last month's Partnermøte was
called by e-mail and held outside the portal. The secretariat creates it afterwards, records
it as held with the date the notice went out, fills attendance in one form (one member sent
a deputy), writes the minutes, is refused approval while a decision item has no decision,
then approves through the confirmation dialog with the keyboard. The decision is in the
register. axe-core on every page and on the open dialog."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Attendance, Decision, Meeting, Minutes
from partnership.models import Membership, today

from ..factories import MembershipFactory, PersonFactory
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def test_last_months_meeting_held_outside_the_portal_is_recorded_with_minutes_and_decisions(
    page, live_server, registry, secretariat, partner_rep
):
    pm = registry.partners_meeting
    deputy = PersonFactory(full_name="Vera Vara")
    MembershipFactory(
        person=deputy,
        body=pm,
        partner=partner_rep.memberships.get(body=pm).partner,
        role=Membership.Role.DEPUTY,
        starts_on=today() - dt.timedelta(days=365),
    )
    held_on = timezone.localdate() - dt.timedelta(days=30)
    sign_in_with_cookie(page, live_server, secretariat)

    # 1. The meeting, created after it was held (a date last month is accepted as it is).
    page.goto("/moter/ny/")
    axe_check(page)
    page.get_by_label("Organ").select_option(label=pm.name)
    page.get_by_label("Tittel").fill("Partnermøte (holdt i Teams)")
    page.get_by_label("Starter").fill(f"{held_on.isoformat()}T10:00")
    page.get_by_label("Slutter").fill(f"{held_on.isoformat()}T12:00")
    page.get_by_role("button", name="Planlegg møtet").click()
    meeting = Meeting.objects.get(title="Partnermøte (holdt i Teams)")
    expect(page).to_have_url(re.compile(f"/moter/{meeting.pk}/"))
    assert meeting.status == Meeting.Status.PLANNED
    # Its agenda, as it was sent by e-mail.
    agenda = page.locator("#agenda")
    agenda.get_by_label("Tittel").fill("Budsjett for neste år")
    agenda.get_by_role("button", name="Legg til sak").click()
    expect(page.locator("#live-region")).to_contain_text("er lagt til")
    axe_check(page)

    # 2. Recorded as held, with the date the notice went out by e-mail.
    page.get_by_role("link", name="Registrer at møtet er holdt").click()
    axe_check(page)
    notice_on = held_on - dt.timedelta(days=14)
    page.get_by_label("Innkallingen ble sendt").fill(notice_on.isoformat())
    page.get_by_role("button", name="Registrer som avholdt").click()
    expect(page.get_by_text("Møtet er registrert som avholdt")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert meeting.notice_sent_outside
    assert timezone.localtime(meeting.notice_sent_at).date() == notice_on

    # 3. Attendance in one form: everyone with a vote present; the partner's member sent
    # the deputy (only that partner's deputies are offered).
    expect(page).to_have_url(re.compile(f"/moter/{meeting.pk}/oppmote/"))
    axe_check(page)
    page.get_by_label(f"Oppmøte for {partner_rep}").select_option("deputy_attending")
    page.get_by_label(f"Vara for {partner_rep}").select_option(label="Vera Vara")
    page.get_by_role("button", name="Lagre oppmøtet").click()
    expect(page.locator("#live-region")).to_contain_text("Oppmøtet er lagret")
    axe_check(page)
    row = Attendance.objects.get(meeting=meeting, person=partner_rep)
    assert (row.status, row.deputy_id) == ("deputy_attending", deputy.pk)

    # 4. The minutes: refused while the decision item has no decision, with a list.
    page.goto(f"/moter/{meeting.pk}/referat/")
    page.get_by_role("button", name="Start referatet").click()
    expect(page.get_by_text("Referatet er opprettet")).to_be_visible()
    axe_check(page)
    page.get_by_label("Godkjent ved sirkulasjon").check()
    page.get_by_role("button", name="Godkjenn referatet").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Ja, godkjenn referatet").click()
    refusal = page.locator("[data-error-summary], .ds-alert").first
    expect(refusal).to_contain_text("vedtak")
    expect(refusal).to_contain_text(re.compile(r"PM-sak 1/\d{4} er en vedtakssak uten vedtak"))
    minutes = Minutes.objects.get(meeting=meeting)
    assert not minutes.is_approved
    axe_check(page)

    entry = minutes.entries.get()
    block = page.locator(f"#entry-{entry.pk}")
    block.get_by_label("Referat", exact=True).fill("Budsjettet ble lagt fram og drøftet.")
    block.get_by_label("Vedtak", exact=True).fill("Partnermøtet vedtar budsjettet for neste år.")
    block.get_by_role("button", name=re.compile("^Lagre")).click()
    expect(page.locator("#live-region")).to_contain_text("er lagret")

    # 5. Approval through the confirmation dialog, with the keyboard only.
    page.get_by_label("Godkjent ved sirkulasjon").check()  # the refused form may not keep it
    approve = page.get_by_role("button", name="Godkjenn referatet")
    approve.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    axe_check(page)
    # Escape keeps everything as it was.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    minutes.refresh_from_db()
    assert not minutes.is_approved
    approve.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    yes = dialog.get_by_role("button", name="Ja, godkjenn referatet")
    yes.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Referatet er godkjent. Ført i vedtaksregisteret:")).to_be_visible()
    axe_check(page)
    minutes.refresh_from_db()
    assert minutes.is_approved
    decision = Decision.objects.get(meeting=meeting)
    assert decision.text == "Partnermøtet vedtar budsjettet for neste år."
    assert decision.decided_on == held_on

    # 6. The register has it.
    page.goto("/moter/vedtak/?q=budsjettet")
    expect(page.get_by_role("link", name=str(decision.label)).first).to_be_visible()
    axe_check(page)
