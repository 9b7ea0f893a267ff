"""Issue 11 §6: each irreversible action asks first in the accessible dialog, and the
keyboard alone operates it. For each: Enter on the button opens the dialog with focus on
"Avbryt", the dialog says what will happen and to whom; Escape closes it, focus is back on
the button and nothing happened (checked in the database); Enter again, Shift+Tab to the
confirming button, Enter: it is done. axe-core on each open dialog.

Approving minutes is covered the same way in test_meetings_htmx.py and
test_meetings_record_held.py; moving a noticed meeting in test_meetings_changes.py; booking
an expense in test_economy_journey.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting
from partnerpot.models import Application, Call
from partnership.models import Membership, OutboxMessage, today

from ..factories import MembershipFactory, PersonFactory
from ..meetings.factories import AgendaItemFactory, MeetingFactory, in_days
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def confirm_with_keyboard(
    page, trigger, *, title: str, says: list[str], yes: str, nothing_happened: Callable[[], bool]
) -> None:
    trigger.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=title)
    expect(dialog).to_be_visible()
    for text in says:
        expect(dialog).to_contain_text(text)
    expect(dialog.get_by_role("button", name="Avbryt")).to_be_focused()
    axe_check(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(trigger).to_be_focused()
    assert nothing_happened(), "dismissing the dialog must change nothing"
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name=yes)).to_be_focused()
    page.keyboard.press("Enter")


def test_ending_a_membership_today(page, live_server, registry, secretariat):
    person = PersonFactory(full_name="Nils Nymann")
    membership = MembershipFactory(
        person=person,
        body=registry.wg_national,
        partner=registry.partner,
        role=Membership.Role.MEMBER,
        starts_on=today() - dt.timedelta(days=100),
    )
    term_end = membership.ends_on  # a working-group seat has its two-year term
    assert term_end != timezone.localdate()
    sign_in_with_cookie(page, live_server, secretariat)
    page.goto(f"/organer/{registry.wg_national.pk}/")
    row = page.locator("#members tr", has_text="Nils Nymann")
    confirm_with_keyboard(
        page,
        row.get_by_role("button", name=re.compile("Avslutt i dag", re.I)),
        title="Avslutte medlemskapet i dag?",
        says=["Nils Nymann slutter i", registry.wg_national.name],
        yes="Ja, avslutt i dag",
        nothing_happened=lambda: Membership.objects.get(pk=membership.pk).ends_on == term_end,
    )
    expect(page.locator("#live-region")).to_contain_text("avsluttet")
    assert Membership.objects.get(pk=membership.pk).ends_on == timezone.localdate()


def test_sending_a_notice(page, live_server, registry, secretariat, partner_rep):
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20))
    AgendaItemFactory(meeting=meeting, title="Budsjett")
    sign_in_with_cookie(page, live_server, secretariat)
    page.goto(reverse("meetings:meeting_send_notice", args=[meeting.pk]))
    confirm_with_keyboard(
        page,
        page.get_by_role("button", name="Send innkallingen nå"),
        title="Sende innkallingen?",
        says=[f"medlemmene og varamedlemmene i {registry.partners_meeting.name}"],
        yes="Ja, send innkallingen",
        nothing_happened=lambda: (
            Meeting.objects.get(pk=meeting.pk).notice_sent_at is None
            and not OutboxMessage.objects.exists()
        ),
    )
    expect(page.get_by_text("Innkallingen er sendt")).to_be_visible()
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.NOTICE_SENT
    assert OutboxMessage.objects.filter(recipient=partner_rep).count() == 1


def test_publishing_a_call_and_deciding_an_application(page, live_server, registry, personas):
    from ..partnerpot.matrix import add_objects

    ctx = {"registry": registry, "personas": personas, "objects": {}}
    add_objects(ctx)
    world = ctx["partnerpot"]
    draft = world["secretariat_draft"]
    sign_in_with_cookie(page, live_server, personas["secretariat"])

    page.goto(reverse("partnerpot:call_manage", args=[draft.pk]))
    confirm_with_keyboard(
        page,
        page.get_by_role("button", name="Publiser utlysningen"),
        title="Publisere utlysningen?",
        says=["synlig for alle partnerne", "kan ikke trekkes tilbake"],
        yes="Ja, publiser",
        nothing_happened=lambda: Call.objects.get(pk=draft.pk).status == Call.Status.DRAFT,
    )
    expect(page.get_by_text(re.compile("publisert", re.I)).first).to_be_visible()
    assert Call.objects.get(pk=draft.pk).status != Call.Status.DRAFT

    on_agenda = world["secretariat_on_agenda"]
    page.goto(reverse("partnerpot:call_decide", args=[world["secretariat_call"].pk]))
    row = page.locator(f"#decide-{on_agenda.pk}")
    row.get_by_label("Avslått").check()
    row.get_by_label(re.compile("^Begrunnelse")).fill("Prosjektet faller utenfor kriteriene.")
    confirm_with_keyboard(
        page,
        row.get_by_role("button", name=re.compile("^Registrer vedtaket")),
        title="Registrere vedtaket?",
        says=[on_agenda.reference, on_agenda.applicant.name, "får vedtaksbrevet på e-post"],
        yes="Ja, registrer vedtaket",
        nothing_happened=lambda: (
            Application.objects.get(pk=on_agenda.pk).status == Application.Status.ON_AGENDA
        ),
    )
    expect(page.locator("#live-region")).to_contain_text(re.compile("vedtak", re.I))
    assert Application.objects.get(pk=on_agenda.pk).status == Application.Status.REJECTED
