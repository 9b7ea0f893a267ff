"""The meetings app's rows in the authorization matrix (tests/partnership/test_authorization_matrix.py).

Every meetings URL × every role, GET and POST. The objects the URLs point at:

- ``pm``: a Partnermøte in 30 days with an item and a working group's proposal: its
  members (partner_rep) read it, the secretariat and the admin manage it;
- ``held``: a Partnermøte a week ago with minutes in draft, an entry, a follow-up for
  partner_rep and a step-aside;
- ``wg``: a suggested meeting of the local working group (its leader confirms or moves it);
- ``cancelled``: a cancelled Partnermøte (to reinstate);
- a decision, a governing document with two versions, and partner_rep's calendar token;
- ``template``: the start-up meeting's agenda template and ``template_item``, its first item
  (the secretariat's pages);
- ``attachment``: a PDF on ``pm``'s item (its bytes are written into the test's MEDIA_ROOT
  when its URL is built, since the world outlives the per-test media directory).
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import absence, ical, services
from meetings.models import (
    AgendaAttachment,
    AgendaTemplate,
    GoverningDocument,
    Meeting,
    Proposal,
)

from ..authz import MANAGERS, PUBLIC, SIGNED_IN_ONLY, Redirect, expect
from .factories import (
    AgendaItemFactory,
    MeetingFactory,
    everyone_present,
    held_meeting,
    in_days,
)

MANAGE_PM = expect(signed_in=403, managers=200)  # the secretariat (and the admin) manage
VIEW_PM = expect(signed_in=403, partner_rep=200, managers=200)  # members of the Partnermøte
MANAGE_WG = expect(signed_in=403, wg_leader=200, managers=200)  # the group's leader too
POST_ONLY = expect(signed_in=405)
GET_ONLY = expect(signed_in=405)
PROPOSERS = ("partner_rep", "wg_member", "wg_leader", "finance_lead", *MANAGERS)


def _m(ctx) -> dict:
    return ctx["meetings"]


def _to(name: str, key: str | None = None):
    """A redirect to a meetings page of one of the world's objects."""
    if key is None:
        return Redirect(f"meetings:{name}")
    return Redirect(lambda ctx: reverse(f"meetings:{name}", args=[_m(ctx)[key].pk]))


def _managers(expected, **others) -> dict:
    return expect(signed_in=403, managers=expected, **others)


# --- URL parameters ----------------------------------------------------------------------------
def _pk(key: str):
    return lambda ctx: {"pk": _m(ctx)[key].pk}


PDF_BYTES = b"%PDF-1.4\n% matrix\n"


def _attachment(ctx) -> dict:
    attachment = _m(ctx)["attachment"]
    if not default_storage.exists(attachment.file.name):
        default_storage.save(attachment.file.name, ContentFile(PDF_BYTES))
    return {"pk": attachment.pk}


URL_KWARGS = {
    "meetings:meeting_detail": _pk("pm"),
    "meetings:meeting_edit": _pk("pm"),
    "meetings:meeting_confirm": _pk("wg"),
    "meetings:meeting_move": _pk("wg"),
    "meetings:meeting_send_notice": _pk("pm"),
    "meetings:meeting_cancel": _pk("pm"),
    "meetings:meeting_send_supplement": _pk("pm"),
    "meetings:meeting_reinstate": _pk("cancelled"),
    "meetings:meeting_record_held": _pk("past_planned"),
    "meetings:notice_pdf": _pk("pm"),
    "meetings:minutes_pdf": _pk("held"),
    "meetings:meeting_ics": _pk("pm"),
    "meetings:agenda_item_add": _pk("pm"),
    "meetings:agenda_template_apply": _pk("pm"),
    "meetings:agenda_item_edit": _pk("item"),
    "meetings:agenda_item_move": _pk("item"),
    "meetings:attachment_upload": _pk("item"),
    "meetings:attachment_download": _attachment,
    "meetings:attachment_delete": _attachment,
    "meetings:proposal_handle": _pk("proposal"),
    "meetings:proposal_withdraw": _pk("proposal"),
    "meetings:attendance": _pk("pm"),
    "meetings:step_aside_add": _pk("pm"),
    "meetings:step_aside_remove": _pk("step"),
    "meetings:minutes": _pk("held"),
    "meetings:minutes_start": _pk("held"),
    "meetings:minutes_approve": _pk("held"),
    "meetings:minutes_entry_save": _pk("entry"),
    "meetings:follow_up_create": _pk("entry"),
    "meetings:follow_up_status": _pk("follow_up"),
    "meetings:calendar_feed": lambda ctx: {"token": _m(ctx)["token"]},
    "meetings:absence_report": _pk("pm"),
    "meetings:absence_withdraw": _pk("pm"),
    # partner_rep's link from the notice of ``pm`` (a public URL: the signed token is the key)
    "meetings:absence_link": lambda ctx: {
        "token": absence.token_for(_m(ctx)["pm"], ctx["personas"]["partner_rep"])
    },
    "meetings:decision_detail": _pk("decision"),
    "meetings:document_detail": _pk("document"),
    "meetings:document_version_create": _pk("document"),
    "meetings:document_diff": _pk("document"),
    "meetings:document_version_adopt": _pk("version"),
    "meetings:agenda_template_detail": _pk("template"),
    "meetings:agenda_template_item_add": _pk("template"),
    "meetings:agenda_template_item_edit": _pk("template_item"),
    "meetings:agenda_template_item_move": _pk("template_item"),
    "meetings:agenda_template_item_remove": _pk("template_item"),
    "meetings:minutes_notes_save": _pk("held"),
}


# --- GET ---------------------------------------------------------------------------------------
EXPECTED = {
    "meetings:meeting_list": SIGNED_IN_ONLY,
    "meetings:meeting_create": MANAGE_WG,  # whoever may plan a meeting of some body
    "meetings:year_plan": MANAGE_WG,
    "meetings:meeting_detail": VIEW_PM,
    "meetings:meeting_edit": MANAGE_PM,
    "meetings:meeting_confirm": POST_ONLY,
    "meetings:meeting_move": MANAGE_WG,
    "meetings:meeting_send_notice": MANAGE_PM,
    "meetings:meeting_cancel": MANAGE_PM,
    "meetings:meeting_send_supplement": POST_ONLY,
    "meetings:meeting_record_held": MANAGE_PM,
    "meetings:meeting_reinstate": POST_ONLY,
    "meetings:notice_pdf": VIEW_PM,
    "meetings:minutes_pdf": expect(signed_in=403, partner_rep=404, managers=404),  # draft
    "meetings:meeting_ics": VIEW_PM,
    "meetings:agenda_item_add": POST_ONLY,
    "meetings:agenda_template_apply": POST_ONLY,
    "meetings:agenda_item_edit": MANAGE_PM,
    "meetings:agenda_item_move": POST_ONLY,
    "meetings:attachment_upload": MANAGE_PM,  # GET: the upload form for one item
    # Whoever may not see the meeting is not told the file exists.
    "meetings:attachment_download": expect(signed_in=404, partner_rep=200, managers=200),
    "meetings:attachment_delete": POST_ONLY,
    "meetings:my_proposals": SIGNED_IN_ONLY,
    "meetings:proposal_create": SIGNED_IN_ONLY,
    "meetings:proposal_handle": POST_ONLY,
    "meetings:proposal_withdraw": POST_ONLY,
    "meetings:attendance": MANAGE_PM,
    "meetings:step_aside_add": POST_ONLY,
    "meetings:step_aside_remove": POST_ONLY,
    "meetings:minutes": VIEW_PM,
    "meetings:minutes_start": POST_ONLY,
    "meetings:minutes_approve": POST_ONLY,
    "meetings:minutes_entry_save": POST_ONLY,
    "meetings:follow_up_create": POST_ONLY,
    "meetings:my_follow_ups": SIGNED_IN_ONLY,
    "meetings:follow_up_status": POST_ONLY,
    "meetings:calendar": SIGNED_IN_ONLY,
    "meetings:year_wheel": SIGNED_IN_ONLY,
    "meetings:calendar_subscription": SIGNED_IN_ONLY,
    "meetings:calendar_subscription_revoke": POST_ONLY,
    "meetings:calendar_feed": PUBLIC,  # the token is the key; no session needed
    "meetings:absence_report": POST_ONLY,
    "meetings:absence_withdraw": POST_ONLY,
    "meetings:absence_link": PUBLIC,  # the signed token is the key; a GET changes nothing
    "meetings:decision_search": SIGNED_IN_ONLY,
    "meetings:decision_detail": SIGNED_IN_ONLY,
    "meetings:document_list": SIGNED_IN_ONLY,
    "meetings:document_detail": SIGNED_IN_ONLY,
    "meetings:document_version_create": MANAGE_PM,
    "meetings:document_diff": SIGNED_IN_ONLY,
    "meetings:document_version_adopt": MANAGE_PM,
    # Agenda templates: the secretariat's (and the admin's) alone.
    "meetings:agenda_template_list": MANAGE_PM,
    "meetings:agenda_template_detail": MANAGE_PM,
    "meetings:agenda_template_item_add": POST_ONLY,
    "meetings:agenda_template_item_edit": MANAGE_PM,
    "meetings:agenda_template_item_move": POST_ONLY,
    "meetings:agenda_template_item_remove": POST_ONLY,
    "meetings:minutes_notes_save": POST_ONLY,
}


# --- POST --------------------------------------------------------------------------------------
def _local(moment: dt.datetime) -> str:
    from meetings.models import OSLO

    return moment.astimezone(OSLO).strftime("%Y-%m-%dT%H:%M")


def _meeting_form(ctx, starts: dt.datetime, *, body=True) -> dict:
    data = {
        "kind": "ordinary",
        "title": "",
        "place": "Oslo",
        "video_url": "",
        "starts_at": _local(starts),
        "ends_at": _local(starts + dt.timedelta(hours=2)),
    }
    if body:
        data["body"] = ctx["registry"].partners_meeting.pk
    return data


def _item_form(ctx) -> dict:
    return {
        "kind": "decision",
        "title": "Ny sak",
        "background": "",
        "proposed_decision": "",
        "legal_basis": "",
    }


POST_DATA = {
    "meetings:meeting_create": lambda ctx: _meeting_form(ctx, in_days(45)),
    "meetings:year_plan": lambda ctx: {
        "year": 2040,
        "bodies": [ctx["registry"].leaders_meeting.pk],
    },
    "meetings:meeting_edit": lambda ctx: {
        **_meeting_form(ctx, _m(ctx)["pm"].starts_at, body=False),
        "place": "Bergen",
    },
    "meetings:meeting_move": lambda ctx: {
        "starts_at": _local(_m(ctx)["wg"].starts_at + dt.timedelta(days=1)),
        "ends_at": _local(_m(ctx)["wg"].ends_at + dt.timedelta(days=1)),
    },
    "meetings:meeting_cancel": lambda ctx: {"reason": "For få deltakere."},
    "meetings:agenda_item_add": _item_form,
    "meetings:agenda_template_apply": lambda ctx: {
        "template": AgendaTemplate.objects.order_by("pk").first().pk
    },
    "meetings:agenda_item_edit": _item_form,
    "meetings:agenda_item_move": lambda ctx: {"direction": "down"},
    "meetings:attachment_upload": lambda ctx: {
        "file": SimpleUploadedFile("sak.pdf", PDF_BYTES, content_type="application/pdf"),
        "legal_basis": "",
    },
    "meetings:proposal_create": lambda ctx: {
        "target_meeting": _m(ctx)["pm"].pk,
        "title": "Forslag",
        "on_behalf_of": "",
        "background": "",
        "proposed_decision": "",
    },
    "meetings:proposal_handle": lambda ctx: {"action": "accept"},
    "meetings:attendance": lambda ctx: {
        f"status-{ctx['personas']['partner_rep'].pk}": "absent_with_notice",
        f"note-{ctx['personas']['partner_rep'].pk}": "",
    },
    "meetings:step_aside_add": lambda ctx: {
        "agenda_item": _m(ctx)["item"].pk,
        "person": ctx["personas"]["partner_rep"].pk,
        "reason": "Inhabil",
    },
    "meetings:minutes_approve": lambda ctx: {"how": "circulation"},
    "meetings:meeting_record_held": lambda ctx: {
        "notice_sent_on": (_m(ctx)["past_planned"].local_date - dt.timedelta(days=14)).isoformat()
    },
    "meetings:minutes_entry_save": lambda ctx: {
        "summary": "Referat",
        "decision_text": "Vedtatt.",
        "version": _m(ctx)["entry"].version,
    },
    "meetings:follow_up_create": lambda ctx: {
        "what": "Følg opp",
        "responsible_person": ctx["personas"]["partner_rep"].pk,
        "responsible_body": "",
        "due_on": "2040-01-01",
    },
    "meetings:follow_up_status": lambda ctx: {"status": "done"},
    "meetings:document_version_create": lambda ctx: {"text": "Ny tekst", "change_note": ""},
    "meetings:document_version_adopt": lambda ctx: {"decision": _m(ctx)["decision"].pk},
    "meetings:agenda_template_list": lambda ctx: {
        "meeting_kind": "faglig_forum",
        "name": "Faglig forum",
    },
    "meetings:agenda_template_detail": lambda ctx: {"name": "Oppstartsmøte", "description": ""},
    "meetings:agenda_template_item_add": lambda ctx: {
        "kind": "decision",
        "title": "Valg av nestleder",
        "background": "",
    },
    "meetings:agenda_template_item_edit": lambda ctx: {
        "kind": "decision",
        "title": "Valg av leder og nestleder",
        "background": "",
    },
    "meetings:agenda_template_item_move": lambda ctx: {"direction": "down"},
    "meetings:minutes_notes_save": lambda ctx: {
        "notes": "Ingen saker under eventuelt.",
        "version": _m(ctx)["minutes"].version,
    },
}

TO_PM = _to("meeting_detail", "pm")
TO_WG = _to("meeting_detail", "wg")
TO_HELD_MINUTES = _to("minutes", "held")
TO_TEMPLATE = _to("agenda_template_detail", "template")
POST_EXPECTED = {
    "meetings:meeting_list": GET_ONLY,
    # Planned → the new meeting's page; the group's leader may not plan a Partnermøte.
    "meetings:meeting_create": expect(
        signed_in=403, wg_leader=400, managers=Redirect("/moter/", prefix=True)
    ),
    "meetings:year_plan": _managers(200),
    "meetings:meeting_detail": GET_ONLY,
    "meetings:meeting_edit": _managers(TO_PM),
    "meetings:meeting_confirm": expect(signed_in=403, wg_leader=TO_WG, managers=TO_WG),
    "meetings:meeting_move": expect(signed_in=403, wg_leader=TO_WG, managers=TO_WG),
    "meetings:meeting_send_notice": _managers(TO_PM),
    "meetings:meeting_cancel": _managers(TO_PM),
    # ``pm`` has no notice sent: the secretariat is told why on the meeting page.
    "meetings:meeting_send_supplement": _managers(400),
    "meetings:meeting_record_held": _managers(_to("attendance", "past_planned")),
    "meetings:meeting_reinstate": _managers(_to("meeting_detail", "cancelled")),
    "meetings:notice_pdf": GET_ONLY,
    "meetings:minutes_pdf": GET_ONLY,
    "meetings:meeting_ics": GET_ONLY,
    "meetings:agenda_item_add": _managers(TO_PM),
    "meetings:agenda_template_apply": _managers(TO_PM),
    "meetings:agenda_item_edit": _managers(TO_PM),
    "meetings:agenda_item_move": _managers(TO_PM),
    "meetings:attachment_upload": _managers(TO_PM),
    "meetings:attachment_download": GET_ONLY,
    "meetings:attachment_delete": _managers(TO_PM),
    "meetings:my_proposals": GET_ONLY,
    # Members of the Partnermøte or a working group, and the secretariat, may propose; the
    # others find no meeting to choose (400 with the error next to the field).
    "meetings:proposal_create": expect(
        signed_in=400, **dict.fromkeys(PROPOSERS, _to("my_proposals"))
    ),
    "meetings:proposal_handle": _managers(TO_PM),
    "meetings:proposal_withdraw": expect(signed_in=403, wg_member=_to("my_proposals")),
    "meetings:attendance": _managers(_to("attendance", "pm")),
    "meetings:step_aside_add": _managers(_to("attendance", "pm")),
    "meetings:step_aside_remove": _managers(_to("attendance", "held")),
    "meetings:minutes": GET_ONLY,
    "meetings:minutes_start": _managers(TO_HELD_MINUTES),  # already started: shown again
    "meetings:minutes_approve": _managers(TO_HELD_MINUTES),
    "meetings:minutes_entry_save": _managers(TO_HELD_MINUTES),
    "meetings:follow_up_create": _managers(TO_HELD_MINUTES),
    "meetings:my_follow_ups": GET_ONLY,
    # The person responsible, or whoever manages the meeting.
    "meetings:follow_up_status": expect(
        signed_in=403, partner_rep=_to("my_follow_ups"), managers=_to("my_follow_ups")
    ),
    "meetings:calendar": GET_ONLY,
    "meetings:year_wheel": GET_ONLY,
    "meetings:calendar_subscription": expect(signed_in=200),  # the new URL, shown once
    "meetings:calendar_subscription_revoke": expect(signed_in=_to("calendar_subscription")),
    "meetings:calendar_feed": expect(anonymous=405, signed_in=405),
    # Members of the Partnermøte report absence; the secretariat is told it has no seat (400).
    "meetings:absence_report": expect(signed_in=403, partner_rep=TO_PM, managers=400),
    # Nothing reported to withdraw (400) for those who read the meeting.
    "meetings:absence_withdraw": expect(signed_in=403, partner_rep=400, managers=400),
    # The link reports partner_rep's absence whoever opens it: it is the key, not the session.
    "meetings:absence_link": PUBLIC,
    "meetings:decision_search": GET_ONLY,
    "meetings:decision_detail": GET_ONLY,
    "meetings:document_list": GET_ONLY,
    "meetings:document_detail": GET_ONLY,
    "meetings:document_version_create": _managers(_to("document_detail", "document")),
    "meetings:document_diff": GET_ONLY,
    "meetings:document_version_adopt": _managers(_to("document_detail", "document")),
    # A new template → its page; changes to one → back to its page.
    "meetings:agenda_template_list": _managers(Redirect("/moter/maler/", prefix=True)),
    "meetings:agenda_template_detail": _managers(TO_TEMPLATE),
    "meetings:agenda_template_item_add": _managers(TO_TEMPLATE),
    "meetings:agenda_template_item_edit": _managers(TO_TEMPLATE),
    "meetings:agenda_template_item_move": _managers(TO_TEMPLATE),
    "meetings:agenda_template_item_remove": _managers(TO_TEMPLATE),
    "meetings:minutes_notes_save": _managers(TO_HELD_MINUTES),
}

# Every meetings URL has a GET and a POST row (the matrix checks the URLs exist).
assert set(EXPECTED) == set(POST_EXPECTED)


# --- The objects -------------------------------------------------------------------------------
def add_objects(ctx: dict) -> None:
    registry, personas = ctx["registry"], ctx["personas"]
    secretariat, partner_rep = personas["secretariat"], personas["partner_rep"]
    pm = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(30))
    item = AgendaItemFactory(meeting=pm, title="Budsjett")
    AgendaItemFactory(meeting=pm, title="Eventuelt")
    proposal = services.proposal_submit(
        proposed_by=personas["wg_member"],
        target_meeting=pm,
        title="Kampanje",
        on_behalf_of=registry.wg_local,
    )
    MeetingFactory(body=registry.partners_meeting, starts_at=in_days(60))
    cancelled = services.meeting_cancel(
        meeting=MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20)),
        reason="Avlyst",
    )
    wg = MeetingFactory(
        body=registry.wg_local, kind="start_up", starts_at=in_days(25), suggested=True
    )
    # A Partnermøte last week that the portal did not call (recorded as held afterwards).
    past_planned = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(-5))
    held = held_meeting(body=registry.partners_meeting, items=1)
    held_item = held.agenda_items.get()
    step = services.step_aside_record(agenda_item=held_item, person=partner_rep, reason="Inhabil")
    everyone_present(held)  # minutes can be approved only with attendance and a quorum
    minutes = services.minutes_start(meeting=held, by=secretariat)
    entry = services.minutes_entry_save(
        entry=minutes.entries.get(),
        summary="Budsjettet ble lagt fram.",
        decision_text="Partnermøtet vedtar budsjettet.",
        version=1,
        by=secretariat,
    )
    follow_up = services.follow_up_create(
        minutes_entry=entry,
        what="Send budsjettet",
        due_on=dt.date(2040, 1, 1),
        responsible_person=partner_rep,
    )
    decision = services.decision_record(
        meeting=held, title="Prinsipper", text="Partnermøtet vedtar prinsippene."
    )
    services.governing_documents_seed(
        leaders_body=registry.leaders_meeting, partners_body=registry.partners_meeting
    )
    document = GoverningDocument.objects.filter(responsible_body=registry.partners_meeting).first()
    services.document_version_create(document=document, text="Første versjon")
    version = services.document_version_create(document=document, text="Andre versjon")
    services.seed_agenda_templates()  # the data migration's rows, unless a flush removed them
    template = AgendaTemplate.objects.get(meeting_kind=Meeting.Kind.START_UP)
    # The row only: its bytes go into the test's MEDIA_ROOT when its URL is built (_attachment).
    attachment = AgendaAttachment.objects.create(
        agenda_item=item,
        file=f"agenda/{item.pk}/matrise.pdf",
        original_name="Budsjett 2026.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=secretariat,
    )
    ctx["meetings"] = {
        "pm": pm,
        "item": item,
        "attachment": attachment,
        "proposal": proposal,
        "cancelled": cancelled,
        "wg": wg,
        "held": held,
        "past_planned": past_planned,
        "step": step,
        "entry": entry,
        "follow_up": follow_up,
        "decision": decision,
        "document": document,
        "version": version,
        "token": ical.token_create(person=partner_rep),
        "minutes": minutes,
        "template": template,
        "template_item": template.items.order_by("position", "pk").first(),
    }
    objects = ctx["objects"]
    objects[("meetings", "meeting")] = pm
    objects[("meetings", "agendaitem")] = item
    objects[("meetings", "agendaattachment")] = attachment
    objects[("meetings", "proposal")] = proposal
    objects[("meetings", "minutes")] = minutes
    objects[("meetings", "minutesentry")] = entry
    objects[("meetings", "decision")] = decision
    objects[("meetings", "followup")] = follow_up
    objects[("meetings", "stepaside")] = step
    objects[("meetings", "governingdocument")] = document
    objects[("meetings", "documentversion")] = version
    objects[("meetings", "agendatemplate")] = template
    objects[("meetings", "agendatemplateitem")] = ctx["meetings"]["template_item"]
    assert Proposal.objects.filter(pk=proposal.pk).exists()
    assert Meeting.objects.filter(pk=wg.pk, suggested=True).exists()
