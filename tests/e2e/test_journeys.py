"""The foundation's journeys in a real browser, each page checked with axe-core."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from partnership import services
from partnership.models import Membership, Person

from ..conftest import PASSWORD
from .conftest import axe_check
from .helpers import sign_in_with_cookie, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()


def test_sign_in_with_totp(page, secretariat):
    page.goto("/konto/login/")
    axe_check(page)
    _sign_in(page, secretariat.email)
    # allauth asks for the second factor; a wrong code is refused with a message.
    code_field = page.get_by_label(re.compile("kode", re.IGNORECASE))
    axe_check(page)
    code_field.fill("000000" if totp_code(secretariat) != "000000" else "111111")
    page.get_by_role("button", name=re.compile("Logg inn|Bekreft|Autentiser", re.I)).click()
    expect(
        page.locator("[aria-invalid=true], .ds-validation-message, [role=alert]").first
    ).to_be_visible()
    page.get_by_label(re.compile("kode", re.IGNORECASE)).fill(totp_code(secretariat))
    page.get_by_role("button", name=re.compile("Logg inn|Bekreft|Autentiser", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # The secretariat's dashboard shows the governance checks.
    expect(page.get_by_text("Alle partnere er med i minst én arbeidsgruppe")).to_be_visible()
    axe_check(page)


def test_sign_in_by_keyboard_alone(page, partner_rep):
    page.goto("/konto/login/")
    # The skip link is the first stop; then the form is reachable by Tab alone.
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.name")
        if focused == "login":
            break
    else:
        pytest.fail("The e-mail field could not be reached with the Tab key")
    page.keyboard.type(partner_rep.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Partnere")).to_be_visible()
    assert "/konto/login/" not in page.url


def test_invited_person_accepts_and_signs_in(page, browser, live_server, secretariat, registry):
    sign_in_with_cookie(page, live_server, secretariat)
    page.goto("/invitasjoner/")
    axe_check(page)
    page.get_by_label("E-post").fill("ny.person@example.org")
    page.get_by_label("Navn").fill("Nina Nyansatt")
    page.get_by_label("Partner").select_option(label=registry.partner.name)
    page.get_by_role("button", name=re.compile("Send invitasjon", re.I)).click()
    expect(page.get_by_text("ny.person@example.org").first).to_be_visible()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/invitasjon/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]

    context = browser.new_context(base_url=live_server.url, locale="nb-NO", bypass_csp=True)
    newcomer = context.new_page()
    newcomer.goto(path)
    axe_check(newcomer)
    newcomer.get_by_label("Velg passord").fill("et-langt-og-godt-passord")
    newcomer.get_by_label("Gjenta passordet").fill("et-langt-og-godt-passord")
    newcomer.get_by_role("button", name=re.compile("Opprett|Aktiver|Fullfør", re.I)).click()
    expect(newcomer.get_by_text("Velkommen")).to_be_visible()
    person = Person.objects.get(email="ny.person@example.org")
    assert person.affiliations.filter(partner=registry.partner).exists()

    # The link works once.
    newcomer.context.clear_cookies()
    newcomer.goto(path)
    expect(newcomer.get_by_text("allerede brukt")).to_be_visible()

    # And the newcomer signs in with the chosen password.
    _sign_in(newcomer, "ny.person@example.org", "et-langt-og-godt-passord")
    expect(newcomer.get_by_role("link", name="Partnere")).to_be_visible()
    context.close()


def test_add_and_end_membership_with_htmx(page, live_server, secretariat, registry):
    newcomer = Person.objects.create_user(
        email="nils@example.org", full_name="Nils Nymann", password=PASSWORD
    )
    sign_in_with_cookie(page, live_server, secretariat)
    page.goto(f"/organer/{registry.wg_national.pk}/")
    axe_check(page)
    # A marker on window survives only if the page is not reloaded: htmx swaps in place.
    page.evaluate("window.__noReload = true")

    members = page.locator("#members")
    members.get_by_label("Personens e-post").fill(newcomer.email)
    members.get_by_label("Representerer").select_option(label=registry.partner.name)
    members.get_by_label("Rolle").select_option(value=Membership.Role.MEMBER)
    members.get_by_role("button", name=re.compile("Legg til", re.I)).click()

    row = page.locator("#members tr", has_text="Nils Nymann")
    expect(row).to_be_visible()
    expect(page.locator("#live-region")).to_contain_text("Nils Nymann")
    assert page.evaluate("window.__noReload") is True
    membership = Membership.objects.get(person=newcomer, body=registry.wg_national)
    # Working-group seats default to the two-year term (R4).
    assert (membership.ends_on - membership.starts_on).days in (729, 730)
    axe_check(page)

    row = page.locator("#members tr", has_text="Nils Nymann")
    row.get_by_role("button", name=re.compile("Avslutt i dag", re.I)).click()
    page.get_by_role("dialog").get_by_role("button", name="Ja, avslutt i dag").click()
    expect(page.locator("#live-region")).to_contain_text("avsluttet")
    assert page.evaluate("window.__noReload") is True
    membership.refresh_from_db()
    assert membership.ends_on == timezone.localdate()
    # The last day is today (inclusive); the daily job takes the rights away tomorrow.
    services.sync_due_memberships(day=timezone.localdate() + dt.timedelta(days=1))
    assert not newcomer.groups.filter(pk=registry.wg_national.group_id).exists()
