"""Partnerpotten's whole life cycle in a real browser, in Norwegian, each page and state checked
with axe-core (issue 4, "Tests that must exist"):

a partner representative drafts an application from an open call (saved as they type, with
htmx, the checklist shrinking), adds budget lines and submits it after confirming; the
secretariat assesses it, puts the call's applications on the Partnermøte's agenda after the
deadline and, at the meeting, records a partial grant while the remaining envelope updates;
the applicant downloads the decision letter; the secretariat registers the payout; the
applicant writes and submits the final report; the secretariat approves it (the unspent money
is flagged for repayment) and records the repayment, which closes the grant. Also: another partner's representative gets
the 404 page on the first partner's draft.

The live server runs in a thread of the test's process, so ``time_machine`` moves its clock
too: past the deadline, then into the meeting. Sessions last 12 hours, so each person signs in
again after a jump.
"""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from partnerpot.models import Application, Grant, GrantReport, SubGoal
from partnerpot.notifications import Kind as PotKind
from partnership.models import OutboxMessage

from ..partnerpot.factories import after_deadline, at_meeting, draft_application, open_call
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Elevrådene mot digital mobbing"
NBSP = "\u00a0"


def _new_page(browser, live_server, person):
    context = browser.new_context(base_url=live_server.url, locale="nb-NO", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    sign_in_with_cookie(page, live_server, person)
    return page


def _sign_in_again(page, live_server, person) -> None:
    """After a jump in time the 12-hour session has expired: a fresh one, at the new time."""
    page.context.clear_cookies()
    sign_in_with_cookie(page, live_server, person)


def _missing(page) -> int:
    """How many items the application form's checklist lists."""
    return page.locator("#pp-checklist li").count()


def _saved(page, action) -> None:
    """Do ``action`` (which changes a section) and wait for the form to be saved in place."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/rediger/" in r.url and r.status == 200
    ):
        action()
    expect(page.locator("#pp-save-status")).to_contain_text("Lagret kl.")


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace(NBSP, " ").split())


def test_application_from_draft_to_closed_grant(
    page, browser, live_server, registry, partner_rep, secretariat
):
    call = open_call(by=secretariat, envelope="500000", max_per_application="200000")
    meeting = call.deciding_meeting

    # 1. The applicant starts an application from the open call.
    sign_in_with_cookie(page, live_server, partner_rep)
    page.goto(reverse("partnerpot:home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnerpotten")
    axe_check(page)
    page.get_by_role("link", name=call.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(call.title)
    axe_check(page)
    page.get_by_role("button", name="Start søknad").click()
    expect(page.get_by_text("er opprettet som utkast")).to_be_visible()
    application = Application.objects.get(call=call, applicant=registry.partner)
    assert application.status == Application.Status.DRAFT
    axe_check(page)
    page.screenshot(path="/tmp/pp-edit-empty.png", full_page=True)

    # 2. The sections save as they are filled in (htmx, no reload); the checklist shrinks.
    page.evaluate("window.__noReload = true")
    missing = _missing(page)
    assert missing >= 10, missing
    project = page.locator("#section-project")

    def fill_project():
        project.get_by_label("Prosjekttittel").fill(TITLE)
        project.get_by_label("Sammendrag").fill(
            "Elevrådene i tre kommuner lager et opplegg mot digital mobbing."
        )
        project.get_by_label(str(SubGoal.INVOLVEMENT.label)).check()

    _saved(page, fill_project)
    expect(page.locator("#pp-checklist li")).to_have_count(missing - 3)
    assert page.evaluate("window.__noReload") is True
    axe_check(page)

    target = page.locator("#section-target")

    def fill_target():
        target.get_by_label("Målgruppe", exact=True).fill("Elever på 7. og 8. trinn")
        target.get_by_label("Fylke", exact=True).select_option("Vestland")
        target.get_by_label("Kommune", exact=True).select_option("Vestland: Bergen")

    _saved(page, fill_target)

    def fill_participation():
        page.locator("#section-participation").get_by_label(
            "Hvordan medvirker barn og unge i prosjektet?"
        ).fill("Elevrådene planlegger og leder samlingene selv.")
        page.keyboard.press("Tab")

    _saved(page, fill_participation)
    _saved(page, lambda: page.locator("#section-bullying").get_by_label("Digital mobbing").check())
    activities = page.locator("#section-activities")

    def fill_activities():
        activities.get_by_role("textbox", name="Aktiviteter og tidsplan").fill(
            "Tre samlinger for elevrådene og en digital ressurs for skolene."
        )
        activities.get_by_label("Prosjektstart", exact=True).fill("2027-01-01")
        activities.get_by_label("Prosjektslutt", exact=True).fill("2027-12-31")
        page.keyboard.press("Tab")

    _saved(page, fill_activities)
    budget = page.locator("#section-budget")

    def fill_budget():
        budget.get_by_label("Egeninnsats (kroner)").fill("20 000")
        budget.get_by_label("Omsøkt beløp (kroner)").fill("100 000")
        page.keyboard.press("Tab")

    _saved(page, fill_budget)
    assert page.evaluate("window.__noReload") is True
    # What is left: the budget lines.
    expect(page.locator("#pp-checklist li")).to_have_count(1)
    expect(page.locator("#pp-checklist")).to_contain_text("Legg inn minst én budsjettlinje")
    axe_check(page)

    # 3. Budget lines (htmx): the totals follow, the checklist empties when they add up.
    for category, description, amount in (
        ("Møter, samlinger og lokaler", "Samlinger", "110 000"),
        ("Kommunikasjon og formidling", "Digital ressurs", "10 000"),
    ):
        lines = page.locator("#budget-lines")
        lines.get_by_label("Kategori").select_option(label=category)
        lines.get_by_label("Beskrivelse", exact=True).fill(description)
        lines.get_by_label("Beløp (kroner)").fill(amount)
        lines.get_by_role("button", name="Legg til budsjettlinje").click()
        expect(page.locator("#pp-save-status")).to_contain_text(
            f"Budsjettlinjen «{description}» er lagt til."
        )
        expect(page.locator("#budget-lines table")).to_contain_text(description)
    expect(page.locator("#budget-totals")).to_contain_text("Summene stemmer.")
    expect(page.locator("#pp-checklist li")).to_have_count(0)
    expect(page.locator("#pp-checklist")).to_contain_text("Alt som trengs, er fylt ut.")
    assert page.evaluate("window.__noReload") is True
    axe_check(page)
    page.screenshot(path="/tmp/pp-edit-complete.png", full_page=True)
    application.refresh_from_db()
    assert application.title == TITLE
    assert application.requested_amount == Decimal("100000")
    assert application.municipality == "Vestland: Bergen"

    # 4. Submission after confirming: the receipt, by e-mail and as a PDF link.
    page.get_by_role("link", name="Gå videre til innsending").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Send inn søknad")
    axe_check(page)
    page.screenshot(path="/tmp/pp-submit.png", full_page=True)
    page.get_by_role("button", name="Send inn søknaden").click()
    expect(page.get_by_text("er sendt inn. Du får en kvittering på e-post")).to_be_visible()
    expect(page.get_by_role("link", name="Last ned kvitteringen (PDF)")).to_be_visible()
    axe_check(page)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert OutboxMessage.objects.filter(
        kind=PotKind.APPLICATION_RECEIPT, recipient=partner_rep
    ).exists()
    page.goto(reverse("partnerpot:my_applications"))
    expect(page.get_by_role("cell", name="Sendt inn")).to_be_visible()
    axe_check(page)

    # 5. The secretariat assesses it.
    office = _new_page(browser, live_server, secretariat)
    office.goto(reverse("partnerpot:pipeline"))
    axe_check(office)
    office.goto(reverse("partnerpot:call_manage", args=[call.pk]))
    axe_check(office)
    office.get_by_role("link", name=f"Vurdering av {application.reference}").click()
    expect(office.get_by_role("heading", level=1)).to_contain_text(application.reference)
    axe_check(office)
    office.locator("fieldset", has_text="Er søknaden komplett?").get_by_label("Ja").check()
    office.locator("fieldset", has_text="Passer søknaden med kriteriene?").get_by_label(
        "Ja"
    ).check()
    for number in range(1, call.criteria.count() + 1):
        office.get_by_label(f"Poeng for kriterium {number}").select_option("4")
    office.get_by_label("Kommentar til kriterium 1").fill("Klart forankret i delmål 2.")
    office.get_by_label("Innvilges delvis").check()
    office.get_by_label("Foreslått beløp").fill("80 000")
    office.get_by_label("Begrunnelse for innstillingen").fill(
        "Godt prosjekt, men den digitale ressursen finnes allerede."
    )
    office.get_by_role("button", name="Lagre vurderingen").click()
    expect(
        office.get_by_text("Vurderingen er lagret. Søknaden er klar til å settes på sakslisten.")
    ).to_be_visible()
    axe_check(office)
    office.screenshot(path="/tmp/pp-assessment.png", full_page=True)
    application.refresh_from_db()
    assert application.status == Application.Status.ASSESSED

    # 6. After the deadline: the call's applications go on the Partnermøte's agenda.
    with after_deadline(call):
        _sign_in_again(office, live_server, secretariat)
        office.goto(reverse("partnerpot:call_manage", args=[call.pk]))
        expect(
            office.get_by_text("1 vurdert søknad venter på å bli satt på sakslisten.")
        ).to_be_visible()
        axe_check(office)
        office.get_by_role("button", name="Sett på sakslisten").click()
        expect(office.get_by_text("1 søknad er satt på sakslisten til")).to_be_visible()
        axe_check(office)
    application.refresh_from_db()
    assert application.status == Application.Status.ON_AGENDA
    assert application.agenda_item.meeting_id == meeting.pk

    # 7. At the meeting: partly granted; the remaining envelope updates in place.
    with at_meeting(meeting):
        _sign_in_again(office, live_server, secretariat)
        office.goto(reverse("partnerpot:call_decide", args=[call.pk]))
        envelope = office.locator("#envelope")
        expect(envelope).to_contain_text("500 000,00 kr")
        axe_check(office)
        row = office.locator(f"#decide-{application.pk}")
        # The assessment's recommendation is filled in: partly granted, 80 000.
        expect(row.get_by_label("Delvis innvilget")).to_be_checked()
        row.get_by_label("Innvilget beløp").fill("80 000")
        row.get_by_label("Vilkår").fill("Sluttrapport innen fristen.")
        row.get_by_label("Begrunnelse").fill("Godt prosjekt; den digitale ressursen dekkes ikke.")
        office.evaluate("window.__noReload = true")
        row.get_by_role("button", name=re.compile("^Registrer vedtaket")).click()
        office.get_by_role("dialog").get_by_role("button", name="Ja, registrer vedtaket").click()
        expect(office.locator("#live-region")).to_contain_text(
            f"Vedtaket om {application.reference} er registrert. Igjen av rammen: 420 000,00 kr."
        )
        expect(envelope).to_contain_text("420 000,00 kr")
        expect(envelope).to_contain_text("80 000,00 kr")
        expect(office.locator(f"#decide-{application.pk}")).to_contain_text("Delvis innvilget")
        assert office.evaluate("window.__noReload") is True
        axe_check(office)
        office.screenshot(path="/tmp/pp-decide.png", full_page=True)
        application.refresh_from_db()
        assert application.status == Application.Status.PARTLY_GRANTED
        assert application.granted_amount == Decimal("80000")
        grant = application.grant

        # 8. The applicant downloads the decision letter.
        _sign_in_again(page, live_server, partner_rep)
        page.goto(reverse("partnerpot:application_detail", args=[application.pk]))
        expect(page.get_by_role("heading", name="Vedtak")).to_be_visible()
        axe_check(page)
        page.screenshot(path="/tmp/pp-detail-decided.png", full_page=True)
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Last ned vedtaksbrevet (PDF)").click()
        with open(download_info.value.path(), "rb") as letter:
            data = letter.read()
        assert data[:5] == b"%PDF-"
        text = _pdf_text(data)
        assert "80 000,00 kr" in text, text
        assert registry.partner.name in text, text

        # 9. The secretariat registers the payout.
        office.goto(reverse("partnerpot:grant_detail", args=[grant.pk]))
        axe_check(office)
        office.get_by_role("button", name="Registrer utbetalingen").click()
        expect(office.get_by_text("Tilskuddet er registrert som utbetalt.")).to_be_visible()
        axe_check(office)
        grant.refresh_from_db()
        assert grant.status == Grant.Status.PAID_OUT

        # 10. The applicant writes and submits the final report: 5 000 kr of the grant unspent.
        page.goto(reverse("partnerpot:application_detail", args=[application.pk]))
        page.get_by_role("link", name="Skriv sluttrapporten").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Sluttrapport")
        axe_check(page)
        page.get_by_label("Hva ble gjort?").fill("Tre samlinger for elevrådene i Bergen.")
        page.get_by_label("Hvordan medvirket barn og unge?").fill(
            "Elevrådene planla og ledet samlingene."
        )
        page.get_by_label("Omtrent hvor mange nådde prosjektet?").fill("240")
        page.get_by_label("Hvem ble nådd?").fill("Elever og lærere på seks skoler.")
        page.get_by_label("Brukt på «Samlinger» (kroner)").fill("85 000")
        page.get_by_label("Brukt på «Digital ressurs» (kroner)").fill("10 000")
        page.get_by_role("button", name="Lagre utkast").click()
        expect(page.get_by_text("Sluttrapporten er lagret som utkast.")).to_be_visible()
        expect(page.locator("main")).to_contain_text("5 000,00 kr")
        axe_check(page)
        page.get_by_label("Jeg bekrefter at rapporten og regnskapet stemmer.").check()
        page.get_by_role("button", name="Send inn sluttrapporten").click()
        expect(page.get_by_text("Sluttrapporten er sendt inn.")).to_be_visible()
        axe_check(page)
        page.screenshot(path="/tmp/pp-report-submitted.png", full_page=True)
        grant.refresh_from_db()
        assert grant.status == Grant.Status.REPORT_DUE

        # 11. The secretariat approves it (the unspent money flagged) and records the repayment.
        office.goto(reverse("partnerpot:grant_detail", args=[grant.pk]))
        expect(office.get_by_text("Ubrukte midler", exact=True)).to_be_visible()
        expect(office.locator("main")).to_contain_text("5 000,00 kr av tilskuddet er ikke brukt")
        axe_check(office)
        office.screenshot(path="/tmp/pp-grant-report.png", full_page=True)
        office.get_by_role("button", name="Godkjenn sluttrapporten").click()
        expect(
            office.get_by_text(
                "Sluttrapporten er godkjent. Ubrukte midler, 5 000,00 kr, skal betales tilbake."
            )
        ).to_be_visible()
        expect(office.locator("main")).to_contain_text("5 000,00 kr av tilskuddet ble ikke brukt")
        axe_check(office)
        grant.refresh_from_db()
        assert grant.status == Grant.Status.TO_BE_REPAID
        assert grant.repayment_amount == Decimal("5000")
        assert grant.report.status == GrantReport.Status.APPROVED
        # The money came back: recording it (date and amount are offered) closes the grant,
        # after a confirmation dialog.
        expect(office.get_by_role("button", name="Avslutt tilskuddet")).to_have_count(0)
        expect(office.get_by_label("Tilbakebetalt beløp")).to_have_value("5 000,00")
        office.get_by_role("button", name="Registrer tilbakebetalingen").click()
        dialog = office.get_by_role("dialog", name="Registrere tilbakebetalingen?")
        expect(dialog).to_be_visible()
        axe_check(office)
        dialog.get_by_role("button", name="Ja, registrer og avslutt").click()
        expect(
            office.get_by_text(
                "Tilbakebetalingen på 5 000,00 kr er registrert, og tilskuddet er avsluttet."
            )
        ).to_be_visible()
        axe_check(office)
        office.screenshot(path="/tmp/pp-grant-closed.png", full_page=True)
        grant.refresh_from_db()
        assert grant.status == Grant.Status.CLOSED

        # The applicant sees the outcome on the grant list.
        page.goto(reverse("partnerpot:grant_list"))
        expect(page.get_by_role("cell", name="Avsluttet")).to_be_visible()
        axe_check(page)

    office.context.close()
    assert not office.js_errors, f"JavaScript errors on the secretariat's pages: {office.js_errors}"


def test_another_partners_representative_gets_404_on_a_draft(
    page, live_server, registry, partner_rep, wg_leader
):
    """wg_leader acts for another partner (NIF): the FUG's draft does not exist for them."""
    call = open_call()
    draft = draft_application(call=call, applicant=registry.partner, by=partner_rep, title=TITLE)
    sign_in_with_cookie(page, live_server, wg_leader)
    for name in ("application_edit", "application_detail", "application_submit"):
        response = page.goto(reverse(f"partnerpot:{name}", args=[draft.pk]))
        assert response.status == 404, f"{name} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text("Fant ikke siden")
        expect(page.locator("main")).not_to_contain_text(TITLE)
        axe_check(page)
