"""The annual report in the browser (issue 14 §1): the secretariat writes the foreword,
previews, generates, watches the progress panel (htmx polling, announced in a live region)
and downloads the PDF; axe-core on every page of the annual report.

The task is queued on commit as in production; the test takes the queued job and runs it
itself (as the PDF worker would), so the page's polling sees the run go from queued to done
without the test depending on a worker's timing.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from reports import tasks_annual
from reports.models import ReportRun

from ..reports.factories import YEAR, agreement_period
from .conftest import SCREENSHOTS, axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)

# The annual report's URL names: pages checked here, and what is not a page.
ANNUAL_PAGES = {
    "reports:annual_list",
    "reports:annual_detail",
    "reports:annual_edit",
    "reports:annual_preview",
    "reports:annual_generate",
}
ANNUAL_NOT_PAGES = {
    "reports:annual_progress",  # the htmx fragment of the detail page (checked there)
    "reports:annual_download",  # a PDF
    "reports:annual_retry",  # POST only
}


def test_write_preview_generate_watch_and_download(
    page, live_server, registry, secretariat, monkeypatch
):
    agreement_period()
    queued: list[int] = []
    monkeypatch.setattr(tasks_annual.annual_report_task, "delay", queued.append)
    sign_in_with_cookie(page, live_server, secretariat)

    page.goto(reverse("reports:annual_list"))
    axe_check(page)
    page.get_by_role("link", name=f"Årsrapport {YEAR}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Årsrapport {YEAR}")
    axe_check(page)

    # The foreword
    page.get_by_role("link", name="Skriv tekstene").click()
    axe_check(page)
    page.get_by_label("Forord").fill(
        "<p>Et år med godt samarbeid mot mobbing.</p><script>alert(1)</script>"
    )
    page.get_by_role("button", name="Lagre tekstene").click()
    expect(page.get_by_text("Teksten er lagret.")).to_be_visible()

    # The preview
    page.get_by_role("link", name="Forhåndsvis rapporten").click()
    expect(page.get_by_text("Et år med godt samarbeid mot mobbing.")).to_be_visible()
    expect(page.get_by_role("heading", name="Møter og vedtak")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=f"Tilbake til årsrapport {YEAR}").click()

    # Generate, with confirmation
    page.get_by_role("link", name="Lag PDF").click()
    axe_check(page)
    page.get_by_role("button", name="Ja, lag PDF-en").click()
    status = page.locator("#run-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text("Versjon 1: i kø")
    axe_check(page)
    assert len(queued) == 1

    # The worker takes the job; the page's polling shows it done
    with page.expect_response(lambda r: "/framdrift/" in r.url):
        pass
    tasks_annual.annual_report_task(queued[0])
    expect(status).to_contain_text("Versjon 1 er ferdig", timeout=20_000)
    expect(page.locator("#progress-panel")).not_to_have_attribute("hx-trigger", "every 2s")
    axe_check(page)

    # Download
    run = ReportRun.objects.get()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Last ned versjon 1 ({run.page_count} sider)").click()
    download = download_info.value
    assert download.suggested_filename == f"arsrapport-{YEAR}-nb-v1.pdf"
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data[:5] == b"%PDF-"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Et år med godt samarbeid mot mobbing." in " ".join(text.split())
    assert "alert(1)" not in text


def test_the_preview_shows_the_charts_as_images(page, live_server, registry, secretariat):
    """The preview carries the charts as data: images: the page's Content-Security-Policy
    (no inline styles) does not reach into an image, so each chart is drawn with its colours,
    and each has its text alternative."""
    from ..conftest import make_persona
    from ..reports.factories import year_of_data

    year_of_data(registry, secretariat, make_persona("partner_rep", registry))
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in_with_cookie(page, live_server, secretariat)
    page.goto(reverse("reports:annual_preview", kwargs={"year": YEAR}))
    chart = page.get_by_role("img", name=f"Bevilget og brukt per post {YEAR}")
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    # Loaded and decoded (an SVG with only a viewBox has the default natural width, 300)
    assert chart.evaluate("img => img.complete && img.naturalWidth") > 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(SCREENSHOTS / "annual-preview-chart.png"))
    assert chart.get_attribute("src").startswith("data:image/svg+xml;base64,")
    axe_check(page)
    assert violations == []
