"""The ministries' briefing and the exports in the authorization matrix
(tests/partnership/test_authorization_matrix.py).

Briefings are read by the secretariat (admins through it) and the state actors' group's members
(the ministry observer); anyone else signed in gets 403 on the list and 404 on a briefing.
Asking for one, retrying one and flagging matters are the secretariat's (403 for the ministry
observer and everyone else). The export page is for every signed-in role; the download without
its filters answers the page with the form's errors (400). Objects: ``briefing`` (sent, with
its PDF stored), ``decision`` (a Partnermøte decision) and ``flag`` (on that decision).
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from meetings import services as meetings_services
from reports.models import Briefing, PoliticalFlag

from ..authz import Redirect, expect
from ..meetings.factories import held_meeting

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
NOT_ALLOWED = 405
READERS = {"managers": 200, "ministry_observer": 200}


def _r(ctx) -> dict:
    return ctx["reports"]


def _briefing(ctx) -> dict:
    """The briefing's pk, its PDF stored in this test's media folder."""
    briefing = _r(ctx)["briefing"]
    if not default_storage.exists(briefing.pdf):
        default_storage.save(briefing.pdf, ContentFile(PDF))
    return {"pk": briefing.pk}


def _to_briefing(ctx) -> str:
    return f"/styring/orienteringer/{_r(ctx)['briefing'].pk}/"


URL_KWARGS = {
    "reports:briefing_detail": _briefing,
    "reports:briefing_download": _briefing,
    "reports:briefing_retry": _briefing,
    "reports:flag_remove": lambda ctx: {"pk": _r(ctx)["flag"].pk},
}

EXPECTED = {
    "reports:briefing_list": expect(signed_in=403, **READERS),
    "reports:briefing_create": expect(signed_in=403, managers=200),
    "reports:briefing_detail": expect(signed_in=404, **READERS),
    "reports:briefing_download": expect(signed_in=404, **READERS),
    "reports:briefing_retry": expect(signed_in=NOT_ALLOWED),
    "reports:flag_list": expect(signed_in=403, managers=200),
    "reports:flag_set": expect(signed_in=NOT_ALLOWED),
    "reports:flag_remove": expect(signed_in=NOT_ALLOWED),
    "reports:export_page": expect(),
    "reports:export_download": expect(signed_in=400),
}

POST_DATA = {
    "reports:briefing_create": lambda ctx: {
        "period_start": "2025-01-01",
        "period_end": "2025-03-31",
        "language": "nb",
    },
    "reports:flag_set": lambda ctx: {
        "kind": "decision",
        "target": _r(ctx)["decision"].pk,
        "note": "Av politisk interesse",
    },
}

GET_ONLY = expect(signed_in=NOT_ALLOWED)
TO_FLAGS = Redirect("/styring/politisk-interesse/", prefix=True)
POST_EXPECTED = {
    "reports:briefing_list": GET_ONLY,
    "reports:briefing_create": expect(
        signed_in=403, managers=Redirect("/styring/orienteringer/", prefix=True)
    ),
    "reports:briefing_detail": GET_ONLY,
    "reports:briefing_download": GET_ONLY,
    "reports:briefing_retry": expect(
        signed_in=404, ministry_observer=403, managers=Redirect(_to_briefing)
    ),
    "reports:flag_list": GET_ONLY,
    "reports:flag_set": expect(signed_in=403, managers=TO_FLAGS),
    "reports:flag_remove": expect(signed_in=403, managers=TO_FLAGS),
    "reports:export_page": GET_ONLY,
    "reports:export_download": GET_ONLY,
}


def add_objects(ctx: dict) -> None:
    registry = ctx["registry"]
    meeting = held_meeting(body=registry.partners_meeting)
    decision = meetings_services.decision_record(
        meeting=meeting, title="Et vedtak", text="Partnermøtet vedtar planen."
    )
    objects = ctx.setdefault("reports", {})
    objects["decision"] = decision
    objects["flag"] = PoliticalFlag.objects.create(decision=decision, note="Viktig for KD")
    briefing = Briefing.objects.create(
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        status=Briefing.Status.SENT,
    )
    briefing.pdf = f"reports/briefings/{briefing.pk}/orientering-{briefing.key}.pdf"
    briefing.save(update_fields=["pdf"])
    objects["briefing"] = briefing
