"""The applicants' pages of Partnerpotten in the authorization matrix (gathered by
tests/partnerpot/matrix.py into tests/partnership/test_authorization_matrix.py).

The objects, all of FUG (``registry.partner``: partner_rep, partner_leader and wg_member act for
it), in one open call:

- ``applicant_draft``: a complete draft with a budget line, an external co-applicant and a file
  (a draft is the partner's own: everyone else gets 404, the secretariat too);
- ``applicant_submitted``: a submitted application with a file (the secretariat reads it);
- ``applicant_info``: a submitted application the secretariat has asked more about;
- ``applicant_decided``: an application granted by the Partnermøte, its grant paid out.

Also used by the view tests (``granted_application``, ``upload``).
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partnerpot import services
from partnerpot.models import Application

from ..authz import MANAGERS, SIGNED_IN, Redirect, expect
from .factories import (
    assessed_application,
    at_meeting,
    complete_application,
    on_agenda,
    open_call,
    submitted_application,
)

PDF_BYTES = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
APPLICANTS = ("partner_rep", "partner_leader", "wg_member")  # act for FUG


def upload(name: str = "plan.pdf", data: bytes = PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def granted_application(*, call, applicant, by, secretariat, pay_out: bool = True) -> Application:
    """An application granted by the Partnermøte (past its deadline and at its meeting, by time
    travel), with its grant paid out today."""
    application = assessed_application(call=call, applicant=applicant, by=by, assessor=secretariat)
    on_agenda(call=call, applications=[application], by=secretariat)
    with at_meeting(call.deciding_meeting):
        application = services.application_decide(
            application=application,
            outcome=Application.Status.GRANTED,
            conditions="Sluttrapport innen fristen.",
            reason="Godt forankret, med tydelig medvirkning.",
            by=secretariat,
        )
    if pay_out:
        services.grant_pay_out(grant=application.grant, paid_out_on=timezone.localdate())
    application.refresh_from_db()
    return application


# --- Roles ---------------------------------------------------------------------------------------
def _applicants(expected, *, managers=404, others=404) -> dict:
    """FUG's people get ``expected``; the secretariat ``managers``; everyone else ``others``."""
    return expect(signed_in=others, managers=managers, **dict.fromkeys(APPLICANTS, expected))


def _p(ctx) -> dict:
    return ctx["partnerpot"]


def _pk(key: str):
    return lambda ctx: {"pk": _p(ctx)[key].pk}


def _file(key: str):
    """The file's bytes are written into the test's MEDIA_ROOT when its URL is built (the
    world outlives the per-test media directory)."""

    def kwargs(ctx) -> dict:
        attachment = _p(ctx)[key]
        if not default_storage.exists(attachment.file.name):
            default_storage.save(attachment.file.name, ContentFile(PDF_BYTES))
        return {"pk": attachment.pk}

    return kwargs


def _to(name: str, key: str):
    return Redirect(lambda ctx: reverse(f"partnerpot:{name}", args=[_p(ctx)[key].pk]))


URL_KWARGS = {
    "partnerpot:call_detail": _pk("applicant_call"),
    "partnerpot:application_start": _pk("applicant_call"),
    "partnerpot:application_detail": _pk("applicant_submitted"),
    "partnerpot:application_edit": _pk("applicant_draft"),
    "partnerpot:budget_line_add": _pk("applicant_draft"),
    "partnerpot:budget_line_remove": _pk("applicant_line"),
    "partnerpot:co_applicant_add": _pk("applicant_draft"),
    "partnerpot:co_applicant_remove": _pk("applicant_co"),
    "partnerpot:file_add": _pk("applicant_draft"),
    "partnerpot:file_download": _file("applicant_file"),
    "partnerpot:file_remove": _file("applicant_draft_file"),
    "partnerpot:application_submit": _pk("applicant_draft"),
    "partnerpot:application_withdraw": _pk("applicant_submitted"),
    "partnerpot:info_reply": _pk("applicant_info"),
    "partnerpot:receipt_pdf": _pk("applicant_submitted"),
    "partnerpot:letter_pdf": _pk("applicant_decided"),
    "partnerpot:grant_report": _pk("applicant_grant"),
}

SIGNED_IN_ONLY = expect()
POST_ONLY = expect(signed_in=405)
GET_ONLY = expect(signed_in=405)

# --- GET ---------------------------------------------------------------------------------------
EXPECTED = {
    "partnerpot:home": SIGNED_IN_ONLY,
    "partnerpot:call_detail": SIGNED_IN_ONLY,  # a published call
    "partnerpot:application_start": POST_ONLY,
    "partnerpot:my_applications": SIGNED_IN_ONLY,  # everyone sees their own partners'
    # Submitted: FUG's people and the secretariat; nobody else is told it exists.
    "partnerpot:application_detail": _applicants(200, managers=200),
    # A draft: FUG's people only (the secretariat does not see drafts).
    "partnerpot:application_edit": _applicants(200),
    "partnerpot:budget_line_add": POST_ONLY,
    "partnerpot:budget_line_remove": POST_ONLY,
    "partnerpot:co_applicant_add": POST_ONLY,
    "partnerpot:co_applicant_remove": POST_ONLY,
    "partnerpot:file_add": POST_ONLY,
    "partnerpot:file_download": _applicants(200, managers=200),
    "partnerpot:file_remove": POST_ONLY,
    "partnerpot:application_submit": _applicants(200),
    # The secretariat sees the application but may not act for the applicant.
    "partnerpot:application_withdraw": _applicants(200, managers=403),
    "partnerpot:info_reply": _applicants(200, managers=403),
    "partnerpot:receipt_pdf": _applicants(200, managers=200),
    "partnerpot:letter_pdf": _applicants(200, managers=200),
    "partnerpot:grant_report": _applicants(200, managers=200),  # read-only for the secretariat
}


# --- POST --------------------------------------------------------------------------------------
def _section_data(ctx) -> dict:
    return {
        "section": "project",
        "version": _p(ctx)["applicant_draft"].version,
        "title": "Trygge overganger 2",
        "summary": "Elevrådene lager et opplegg.",
        "sub_goals": ["involvement"],
        "letter_language": "nb",
    }


POST_DATA = {
    "partnerpot:application_edit": _section_data,
    "partnerpot:budget_line_add": lambda ctx: {
        "category": "other",
        "description": "Diverse",
        "amount": "1 000",
    },
    "partnerpot:co_applicant_add": lambda ctx: {"kind": "school", "name": "Nordnes skole"},
    "partnerpot:file_add": lambda ctx: {"file": upload()},
    "partnerpot:application_withdraw": lambda ctx: {"reason": "Prosjektet er utsatt."},
    "partnerpot:info_reply": lambda ctx: {"answer": "Elevrådet leder samlingene."},
    "partnerpot:grant_report": lambda ctx: {
        "version": 1,
        "what_was_done": "Tre samlinger.",
        "participation": "",
        "reach_count": "120",
        "reach_description": "",
        "action": "save",
    },
}

TO_DRAFT_FORM = _to("application_edit", "applicant_draft")
# Whoever acts for exactly one partner starts a draft for it and lands on its form; the user
# and the admin act for no partner.
TO_NEW_DRAFT = Redirect("/partnerpotten/soknader/", prefix=True)
POST_EXPECTED = {
    "partnerpot:home": GET_ONLY,
    "partnerpot:call_detail": GET_ONLY,
    "partnerpot:application_start": expect(signed_in=TO_NEW_DRAFT, user=403, admin=403),
    "partnerpot:my_applications": GET_ONLY,
    "partnerpot:application_detail": GET_ONLY,
    "partnerpot:application_edit": _applicants(TO_DRAFT_FORM),
    "partnerpot:budget_line_add": _applicants(TO_DRAFT_FORM),
    "partnerpot:budget_line_remove": _applicants(TO_DRAFT_FORM),
    "partnerpot:co_applicant_add": _applicants(TO_DRAFT_FORM),
    "partnerpot:co_applicant_remove": _applicants(TO_DRAFT_FORM),
    "partnerpot:file_add": _applicants(TO_DRAFT_FORM),
    "partnerpot:file_download": GET_ONLY,
    "partnerpot:file_remove": _applicants(TO_DRAFT_FORM),
    "partnerpot:application_submit": _applicants(_to("application_detail", "applicant_draft")),
    "partnerpot:application_withdraw": _applicants(
        _to("application_detail", "applicant_submitted"), managers=403
    ),
    "partnerpot:info_reply": _applicants(_to("application_detail", "applicant_info"), managers=403),
    "partnerpot:receipt_pdf": GET_ONLY,
    "partnerpot:letter_pdf": GET_ONLY,
    "partnerpot:grant_report": _applicants(_to("grant_report", "applicant_grant"), managers=403),
}

# Every applicant URL has a GET and a POST row.
assert (
    set(EXPECTED)
    == set(POST_EXPECTED)
    == set(URL_KWARGS)
    | {
        "partnerpot:home",
        "partnerpot:my_applications",
    }
)
assert set(SIGNED_IN) >= set(APPLICANTS) and set(MANAGERS) == {"secretariat", "admin"}


# --- The objects -------------------------------------------------------------------------------
def add_objects(ctx: dict) -> None:
    registry, personas = ctx["registry"], ctx["personas"]
    rep, secretariat = personas["partner_rep"], personas["secretariat"]
    fug = registry.partner
    call = open_call(by=secretariat)
    draft = complete_application(call=call, applicant=fug, by=rep)
    co = services.co_applicant_add(
        application=draft, kind="municipality", name="Bergen kommune", by=rep
    )
    draft_file = services.file_add(application=draft, file=upload("budsjett.pdf"), by=rep)
    draft.refresh_from_db()
    submitted = complete_application(call=call, applicant=fug, by=rep)
    submitted_file = services.file_add(application=submitted, file=upload("plan.pdf"), by=rep)
    submitted = services.application_submit(application=submitted, by=rep)
    info = submitted_application(call=call, applicant=fug, by=rep)
    services.info_request_create(
        application=info,
        sections=["participation"],
        message="Beskriv hvordan elevrådet er med.",
        reply_by=timezone.localdate() + dt.timedelta(days=14),
        by=secretariat,
    )
    decided = granted_application(call=call, applicant=fug, by=rep, secretariat=secretariat)
    ctx["partnerpot"].update(
        {
            "applicant_call": call,
            "applicant_draft": draft,
            "applicant_line": draft.budget_lines.first(),
            "applicant_co": co,
            "applicant_draft_file": draft_file,
            "applicant_submitted": submitted,
            "applicant_file": submitted_file,
            "applicant_info": info,
            "applicant_decided": decided,
            "applicant_grant": decided.grant,
        }
    )
