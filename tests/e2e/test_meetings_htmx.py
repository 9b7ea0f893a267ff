"""htmx flows on the meetings pages in a real browser, axe-core on each resulting state: agenda
template items edited in place, a proposal accepted and one returned, a minutes-notes conflict."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings import services
from meetings.models import AgendaTemplate, Meeting

from ..meetings.factories import MeetingFactory, held_meeting, in_days
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def test_agenda_template_items_edit_in_place(page, live_server, registry, personas):
    services.seed_agenda_templates()
    template = AgendaTemplate.objects.get(meeting_kind=Meeting.Kind.START_UP)
    sign_in_with_cookie(page, live_server, personas["secretariat"])
    page.goto(reverse("meetings:agenda_template_detail", args=[template.pk]))
    first = template.items.order_by("position").first()
    page.locator(f"#titem-{first.pk}").get_by_role("link", name="Endre").click()
    title = page.locator(f"#titem-{first.pk}-title")
    expect(page.locator(f"#titem-{first.pk}-kind")).to_be_focused()
    axe_check(page)
    title.fill("")
    page.locator(f"#titem-{first.pk}").get_by_role("button", name="Lagre").click()
    expect(page.locator(f"#titem-{first.pk} [data-error-summary]")).to_be_focused()
    axe_check(page)
    page.locator(f"#titem-{first.pk}-title").fill("Valg av leder og nestleder")
    page.locator(f"#titem-{first.pk}").get_by_role("button", name="Lagre").click()
    expect(page.locator("#live-region")).to_contain_text("er endret")
    expect(page.locator(f"#titem-{first.pk} h3")).to_have_text("Valg av leder og nestleder")
    page.locator(f"#titem-{first.pk}").get_by_role("button", name="Flytt ned").click()
    expect(page.locator("#live-region")).to_contain_text("er flyttet")
    expect(page.locator(f"#titem-{first.pk}")).to_be_focused()
    page.get_by_label("Tittel", exact=True).fill("Eventuelt")
    page.get_by_role("button", name="Legg til sak").click()
    expect(page.locator("#live-region")).to_contain_text("«Eventuelt» er lagt til i malen.")
    expect(page.locator("#template-items ol > li").last).to_contain_text("Eventuelt")
    page.locator("#template-items ol > li").last.get_by_role("button", name="Fjern").click()
    expect(page.locator("#live-region")).to_contain_text("er fjernet fra malen")
    axe_check(page)


def test_proposals_and_notes_htmx(page, live_server, registry, personas):
    pm = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(30))
    MeetingFactory(body=registry.partners_meeting, starts_at=in_days(60))
    a = services.proposal_submit(proposed_by=personas["wg_member"], target_meeting=pm, title="A")
    services.proposal_submit(proposed_by=personas["wg_member"], target_meeting=pm, title="B")
    sign_in_with_cookie(page, live_server, personas["secretariat"])
    page.goto(reverse("meetings:meeting_detail", args=[pm.pk]))
    page.locator(f"#proposal-{a.pk}").get_by_role("button", name="Sett på sakslisten").click()
    expect(page.locator("#live-region")).to_contain_text("er satt på sakslisten")
    expect(page.locator("#agenda")).to_contain_text("A")
    expect(page.locator(f"#proposal-{a.pk}")).to_be_focused()
    axe_check(page)
    b = pm.proposals.get(title="B")
    page.locator(f"#proposal-{b.pk}").get_by_role("button", name="Returner").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe_check(page)
    page.locator(f"#return-{b.pk}").fill("Ikke nå")
    page.locator(f"#proposal-{b.pk}").get_by_role("button", name="Returner").click()
    expect(page.locator("#live-region")).to_contain_text("er returnert")

    held = held_meeting(body=registry.partners_meeting, items=1)
    minutes = services.minutes_start(meeting=held)
    page.goto(reverse("meetings:minutes", args=[held.pk]))
    page.locator("#notes-notes").fill("Min tekst")
    services.minutes_save(minutes=minutes, notes="Annen tekst", version=1)
    page.locator("#minutes-notes").get_by_role("button", name="Lagre").click()
    expect(page.locator("#minutes-notes [data-error-summary]")).to_be_focused()
    expect(page.locator("#minutes-notes")).to_contain_text("Annen tekst")
    axe_check(page)
    page.locator("#minutes-notes").get_by_role("button", name="Lagre").click()
    expect(page.locator("#live-region")).to_contain_text("Andre merknader er lagret.")
    axe_check(page)


def test_attachment_form_opens_in_place_and_uploads(page, live_server, registry, personas):
    """The meeting page has no upload form per item: "Legg ved fil" fetches one into the
    item's place (focus on the file field), and the upload swaps the agenda."""
    pm = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(30))
    item = services.agenda_item_create(meeting=pm, title="Budsjett 2027")
    sign_in_with_cookie(page, live_server, personas["secretariat"])
    page.goto(reverse("meetings:meeting_detail", args=[pm.pk]))
    expect(page.locator("#agenda input[type=file]")).to_have_count(0)
    page.locator(f"#attach-{item.pk}").get_by_role("link", name="Legg ved fil").click()
    file_field = page.locator(f"#att-{item.pk}-file")
    expect(file_field).to_be_focused()
    axe_check(page)
    file_field.set_input_files(
        {"name": "budsjett.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    )
    page.locator(f"#attach-{item.pk}").get_by_role("button", name="Last opp").click()
    expect(page.locator("#live-region")).to_contain_text("er lagt ved")
    expect(page.locator(f"#item-{item.pk}")).to_contain_text("budsjett.pdf")


def test_confirmation_dialog_with_the_keyboard(page, live_server, registry, personas):
    """Approving minutes asks first in a native dialog: Escape dismisses it (nothing happens,
    focus back on the button); the keyboard reaches "Ja, godkjenn referatet", which approves."""
    from meetings.models import Minutes

    from ..meetings.factories import everyone_present

    meeting = held_meeting(body=registry.partners_meeting, items=1)
    everyone_present(meeting)
    minutes = services.minutes_start(meeting=meeting)
    entry = minutes.entries.get()
    services.minutes_entry_save(
        entry=entry, summary="Drøftet.", decision_text="Vedtatt.", version=entry.version
    )
    sign_in_with_cookie(page, live_server, personas["secretariat"])
    page.goto(reverse("meetings:minutes", args=[meeting.pk]))
    page.get_by_label("Godkjent ved sirkulasjon").check()
    approve = page.get_by_role("button", name="Godkjenn referatet")
    approve.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Godkjenne referatet?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Avbryt")).to_be_focused()
    axe_check(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(approve).to_be_focused()
    assert not Minutes.objects.get(pk=minutes.pk).is_approved  # dismissed: nothing happened
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Ja, godkjenn referatet")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Referatet er godkjent. Ført i vedtaksregisteret:")).to_be_visible(
        timeout=20_000
    )
    assert Minutes.objects.get(pk=minutes.pk).is_approved
