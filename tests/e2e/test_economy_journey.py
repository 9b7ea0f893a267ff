"""The economy in a real browser (issue 13, "Tests that must exist"): the local group's finance
lead records an expense and uploads its voucher, the secretariat books it after a confirmation
dialog, the group's leader writes and submits the year-end report (confirmed in a dialog) and
the secretariat approves it. Every page and open dialog is checked with axe-core."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from workgroups.models import AccountEntry, YearEndReport

from ..workgroups.factories import PDF, adopted_budget
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def _as(page, live_server, person) -> None:
    page.context.clear_cookies()
    sign_in_with_cookie(page, live_server, person)


def test_expense_booking_and_year_end_report(
    page, live_server, tmp_path, registry, finance_lead, wg_leader, secretariat
):
    year = timezone.localdate().year
    adopted_budget(registry, year=year, local="10000")
    group = registry.wg_local
    accounts = reverse("workgroups:group_accounts", kwargs={"pk": group.pk, "year": year})

    # 1. The finance lead records an expense; a wrongly written amount is refused first.
    _as(page, live_server, finance_lead)
    page.goto(accounts)
    axe_check(page)
    form = page.locator("form", has=page.get_by_role("button", name="Registrer posten"))
    form.get_by_label("Beskrivelse").fill("Reise til samling i Bergen")
    form.get_by_label("Beløp").fill("1.500,50")
    form.get_by_label("Kategori").select_option("travel")
    form.get_by_label("Leverandør").fill("Vy")
    form.get_by_label("Status").select_option("paid")
    form.get_by_role("button", name="Registrer posten").click()
    expect(page.locator(".ds-error-summary")).to_contain_text("ikke punktum")
    axe_check(page)
    assert not AccountEntry.objects.exists()
    form = page.locator("form", has=page.get_by_role("button", name="Registrer posten"))
    form.get_by_label("Beløp").fill("1 500,50")
    form.get_by_role("button", name="Registrer posten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reise til samling i Bergen")
    entry = AccountEntry.objects.get()
    assert entry.amount == Decimal("1500.50")

    # 2. …and uploads the voucher on the entry's page.
    voucher = tmp_path / "kvittering.pdf"
    voucher.write_bytes(PDF)
    page.locator("input[type=file][name=file]").set_input_files(str(voucher))
    page.get_by_role("button", name="Last opp bilaget").click()
    expect(page.get_by_role("link", name="kvittering.pdf")).to_be_visible()
    axe_check(page)
    entry_url = reverse("workgroups:entry_detail", kwargs={"pk": entry.pk})

    # 3. The secretariat books it: a dialog says what booking means; Escape keeps it unbooked.
    _as(page, live_server, secretariat)
    page.goto(entry_url)
    page.get_by_role("button", name="Bokfør").click()
    dialog = page.get_by_role("dialog", name="Bokføre posten?")
    expect(dialog).to_be_visible()
    axe_check(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    entry.refresh_from_db()
    assert not entry.is_booked
    page.get_by_role("button", name="Bokfør").click()
    dialog.get_by_role("button", name="Ja, bokfør").click()
    expect(page.get_by_text("Posten er bokført.")).to_be_visible()
    entry.refresh_from_db()
    assert entry.is_booked

    # 4. The leader writes the year-end report, saves it and sends it after confirming.
    report_url = reverse("workgroups:year_end_report", kwargs={"pk": group.pk, "year": year})
    _as(page, live_server, wg_leader)
    page.goto(report_url)
    expect(page.locator("main")).to_contain_text("1 500,50")
    axe_check(page)
    page.get_by_label("Hva ble gjort, per tiltak").fill("Faglig forum: to samlinger.")
    page.get_by_label("Forslag til neste år").fill("Samme grunnbevilgning.")
    page.get_by_label("Foreslått grunnbevilgning neste år").fill("200 000")
    page.get_by_role("button", name="Lagre utkastet").click()
    expect(page.get_by_label("Forslag til neste år")).to_have_value("Samme grunnbevilgning.")
    page.get_by_role("button", name="Send rapporten til sekretariatet").click()
    dialog = page.get_by_role("dialog", name="Sende rapporten?")
    expect(dialog).to_be_visible()
    axe_check(page)
    dialog.get_by_role("button", name="Ja, send rapporten").click()
    expect(page.get_by_role("button", name="Send rapporten til sekretariatet")).to_have_count(0)
    report = YearEndReport.objects.get(working_group=group)
    assert report.status == YearEndReport.Status.SUBMITTED
    assert report.proposed_allocation == Decimal("200000")

    # 5. The secretariat approves it.
    _as(page, live_server, secretariat)
    page.goto(report_url)
    axe_check(page)
    page.get_by_role("button", name="Godkjenn rapporten").click()
    expect(page.get_by_role("button", name="Godkjenn rapporten")).to_have_count(0)
    axe_check(page)
    report.refresh_from_db()
    assert report.status == YearEndReport.Status.APPROVED
