"""Partnerpotten's secretariat pages in the authorization matrix: calls, criteria, the decision
page, assessment, information requests, the pipeline, the export and grant follow-up.

Every URL × every role, GET and POST. The objects (``ctx["partnerpot"]["secretariat_*"]``):

- ``draft``: a draft call (only the secretariat sees it: others get 404) and ``criterion``,
  its first criterion;
- ``open``: a published call that is open now, with no applications (to cancel);
- ``call``: a published call whose deadline passed 20 days ago, decided by a Partnermøte that
  began yesterday. FUG's applications on it: ``submitted`` (to assess, to ask for more
  information), ``waiting`` (assessed after the others went on the agenda), ``on_agenda``
  (to decide) and three granted ones whose grants are ``grant`` (awarded), ``grant_report``
  (its final report submitted) and ``grant_done`` (report approved, unspent money to repay);
- ``future_pm``: a Partnermøte in 90 days (for a new call).

FUG's people (partner_rep, partner_leader, wg_member) see FUG's applications and grants but may
not assess, decide or manage them (403); everyone else outside the secretariat is not told they
exist (404).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings.models import OSLO
from partnerpot import services
from partnerpot.models import Application, Call, Grant

from ..authz import MANAGERS, MANAGERS_ONLY, SIGNED_IN_ONLY, Redirect, expect
from ..meetings.factories import MeetingFactory, in_days
from .factories import COMPLETE, adopted_criteria, complete_application

PREFIX = "secretariat_"
APPLICANT_PEOPLE = ("partner_rep", "partner_leader", "wg_member")
GET_ONLY = expect(signed_in=405)
POST_ONLY = expect(signed_in=405)


def _o(ctx, key: str):
    return ctx["partnerpot"][PREFIX + key]


def _pk(key: str):
    return lambda ctx: {"pk": _o(ctx, key).pk}


def _to(name: str, key: str) -> Redirect:
    return Redirect(lambda ctx: reverse(f"partnerpot:{name}", args=[_o(ctx, key).pk]))


def _managers(expected, *, others=403, applicants=None) -> dict:
    """The secretariat and the admin get ``expected``; FUG's people ``applicants``; the rest
    ``others``."""
    table = expect(signed_in=others, managers=expected)
    if applicants is not None:
        table.update(dict.fromkeys(APPLICANT_PEOPLE, applicants))
    return table


# Published calls: 403 for others; drafts: 404. FUG's application or grant: 403 for FUG's
# people, 404 for the others.
MANAGE_CALL = _managers(200)
MANAGE_DRAFT = _managers(200, others=404)
ASSESS = _managers(200, others=404, applicants=403)
GRANT_VIEW = _managers(200, others=404, applicants=200)

URL_KWARGS = {
    "partnerpot:call_edit": _pk("call"),
    "partnerpot:call_manage": _pk("call"),
    "partnerpot:call_publish": _pk("draft"),
    "partnerpot:call_cancel": _pk("open"),
    "partnerpot:criterion_add": _pk("draft"),
    "partnerpot:criterion_edit": _pk("criterion"),
    "partnerpot:criterion_remove": _pk("criterion"),
    "partnerpot:call_agenda": _pk("call"),
    "partnerpot:call_decide": _pk("call"),
    "partnerpot:call_export": _pk("call"),
    "partnerpot:assessment": _pk("submitted"),
    "partnerpot:info_request": _pk("submitted"),
    "partnerpot:application_decide": _pk("on_agenda"),
    "partnerpot:grant_detail": _pk("grant"),
    "partnerpot:grant_pay_out": _pk("grant"),
    "partnerpot:grant_cancel": _pk("grant"),
    "partnerpot:grant_close": _pk("grant_done"),
    "partnerpot:grant_record_repayment": _pk("grant_done"),
    "partnerpot:report_approve": _pk("grant_report"),
    "partnerpot:report_request_more": _pk("grant_report"),
}

# --- GET ---------------------------------------------------------------------------------------
EXPECTED = {
    "partnerpot:call_list": SIGNED_IN_ONLY,
    "partnerpot:call_create": MANAGERS_ONLY,
    "partnerpot:call_edit": MANAGE_CALL,
    "partnerpot:call_manage": MANAGE_CALL,
    "partnerpot:call_publish": POST_ONLY,
    "partnerpot:call_cancel": MANAGE_CALL,
    "partnerpot:criterion_add": POST_ONLY,
    "partnerpot:criterion_edit": POST_ONLY,
    "partnerpot:criterion_remove": POST_ONLY,
    "partnerpot:call_agenda": POST_ONLY,
    "partnerpot:call_decide": MANAGE_CALL,
    "partnerpot:call_export": MANAGE_CALL,
    "partnerpot:assessment": ASSESS,
    "partnerpot:info_request": ASSESS,
    "partnerpot:application_decide": POST_ONLY,
    "partnerpot:pipeline": MANAGERS_ONLY,
    "partnerpot:grant_list": SIGNED_IN_ONLY,
    "partnerpot:grant_detail": GRANT_VIEW,
    "partnerpot:grant_pay_out": POST_ONLY,
    "partnerpot:grant_cancel": _managers(200, others=404, applicants=403),
    "partnerpot:grant_close": POST_ONLY,
    "partnerpot:grant_record_repayment": POST_ONLY,
    "partnerpot:report_approve": POST_ONLY,
    "partnerpot:report_request_more": POST_ONLY,
}


# --- POST --------------------------------------------------------------------------------------
def _local(moment: dt.datetime) -> tuple[str, str]:
    local = moment.astimezone(OSLO)
    return local.date().isoformat(), local.strftime("%H:%M")


def _call_form(call: Call, **overrides) -> dict:
    opens_on, opens_time = _local(call.opens_at)
    closes_on, closes_time = _local(call.closes_at)
    data = {
        "year": call.year,
        "title": call.title,
        "description": call.description,
        "opens_on": opens_on,
        "opens_time": opens_time,
        "closes_on": closes_on,
        "closes_time": closes_time,
        "envelope": str(call.envelope),
        "max_per_application": str(call.max_per_application),
        "deciding_meeting": call.deciding_meeting_id or "",
        "criteria_version": call.criteria_version_id or "",
        "appeal_text": services.appeal_wording(call),
    }
    data.update(overrides)
    return data


def _new_call(ctx) -> dict:
    closes_on = timezone.localdate() + dt.timedelta(days=30)
    return {
        "year": closes_on.year,
        "title": "Partnerpotten, ny runde",
        "description": "",
        "opens_on": timezone.localdate().isoformat(),
        "opens_time": "09:00",
        "closes_on": closes_on.isoformat(),
        "closes_time": "23:59",
        "envelope": "400 000",
        "max_per_application": "100 000",
        "deciding_meeting": _o(ctx, "future_pm").pk,
        "criteria_version": services.criteria_in_force().pk,
        "appeal_text": str(services.DEFAULT_APPEAL_TEXT),
    }


def _assessment_form(ctx) -> dict:
    return {
        "version": 1,
        "is_complete": "yes",
        "fits_criteria": "yes",
        "recommendation": "grant",
        "recommended_amount": "",
        "recommendation_text": "Godt forankret.",
    }


def _decide_form(ctx) -> dict:
    prefix = f"a{_o(ctx, 'on_agenda').pk}"
    return {f"{prefix}-outcome": "rejected", f"{prefix}-reason": "Utenfor kriteriene."}


POST_DATA = {
    "partnerpot:call_create": _new_call,
    "partnerpot:call_edit": lambda ctx: _call_form(_o(ctx, "call"), title="Nytt navn"),
    "partnerpot:call_cancel": lambda ctx: {"confirm": "on"},
    "partnerpot:criterion_add": lambda ctx: {"text": "Prosjektet når mange barn."},
    "partnerpot:criterion_edit": lambda ctx: {"text": "Prosjektet bidrar til målene."},
    "partnerpot:assessment": _assessment_form,
    "partnerpot:info_request": lambda ctx: {
        "sections": ["budget"],
        "message": "Forklar reisekostnadene.",
        "reply_by": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    },
    "partnerpot:application_decide": _decide_form,
    "partnerpot:grant_pay_out": lambda ctx: {"paid_out_on": timezone.localdate().isoformat()},
    "partnerpot:grant_cancel": lambda ctx: {"note": "Prosjektet ble avlyst."},
    "partnerpot:report_request_more": lambda ctx: {"feedback": "Legg ved regnskapet."},
    "partnerpot:grant_record_repayment": lambda ctx: {
        "repaid_on": timezone.localdate().isoformat(),
        "amount": str(Grant.objects.get(pk=_o(ctx, "grant_done").pk).repayment_amount),
    },
}

TO_CALL = _to("call_manage", "call")
TO_GRANT = _to("grant_detail", "grant")
TO_GRANT_REPORT = _to("grant_detail", "grant_report")
TO_ASSESSMENT = _to("assessment", "submitted")
POST_EXPECTED = {
    "partnerpot:call_list": GET_ONLY,
    "partnerpot:call_create": expect(
        signed_in=403, managers=Redirect("/partnerpotten/utlysninger/", prefix=True)
    ),
    "partnerpot:call_edit": _managers(TO_CALL),
    "partnerpot:call_manage": GET_ONLY,
    "partnerpot:call_publish": _managers(_to("call_manage", "draft"), others=404),
    "partnerpot:call_cancel": _managers(_to("call_manage", "open")),
    "partnerpot:criterion_add": _managers(_to("call_manage", "draft"), others=404),
    "partnerpot:criterion_edit": _managers(_to("call_manage", "draft"), others=404),
    "partnerpot:criterion_remove": _managers(_to("call_manage", "draft"), others=404),
    "partnerpot:call_agenda": _managers(TO_CALL),
    "partnerpot:call_decide": GET_ONLY,
    "partnerpot:call_export": GET_ONLY,
    "partnerpot:assessment": _managers(TO_ASSESSMENT, others=404, applicants=403),
    "partnerpot:info_request": _managers(TO_ASSESSMENT, others=404, applicants=403),
    "partnerpot:application_decide": _managers(
        _to("call_decide", "call"), others=404, applicants=403
    ),
    "partnerpot:pipeline": GET_ONLY,
    "partnerpot:grant_list": GET_ONLY,
    "partnerpot:grant_detail": GET_ONLY,
    "partnerpot:grant_pay_out": _managers(TO_GRANT, others=404, applicants=403),
    "partnerpot:grant_cancel": _managers(TO_GRANT, others=404, applicants=403),
    # Money is owed on grant_done: closing is refused (400, the page says to record the
    # repayment), recording it closes the grant.
    "partnerpot:grant_close": _managers(400, others=404, applicants=403),
    "partnerpot:grant_record_repayment": _managers(
        _to("grant_detail", "grant_done"), others=404, applicants=403
    ),
    "partnerpot:report_approve": _managers(TO_GRANT_REPORT, others=404, applicants=403),
    "partnerpot:report_request_more": _managers(TO_GRANT_REPORT, others=404, applicants=403),
}

# Every URL of this part has a GET and a POST row.
WITHOUT_OBJECT = {
    "partnerpot:call_list",
    "partnerpot:call_create",
    "partnerpot:pipeline",
    "partnerpot:grant_list",
}
assert set(EXPECTED) == set(POST_EXPECTED) == set(URL_KWARGS) | WITHOUT_OBJECT
assert set(MANAGERS) == {"secretariat", "admin"}


# --- The objects -------------------------------------------------------------------------------
def _report(grant, by) -> None:
    services.grant_pay_out(grant=grant, by=None)
    services.grant_report_save(
        grant=grant,
        by=by,
        what_was_done="To samlinger.",
        participation="Elevrådet planla.",
        reach_count=120,
        lines={line.pk: ("30000", "") for line in grant.application.budget_lines.all()},
    )
    services.grant_report_submit(grant=grant, by=by)


def add_objects(ctx: dict) -> None:
    registry, personas = ctx["registry"], ctx["personas"]
    secretariat, rep, admin = personas["secretariat"], personas["partner_rep"], personas["admin"]
    if services.criteria_in_force() is None:
        adopted_criteria()
    pm = registry.partners_meeting
    now = timezone.now()
    objects: dict = {}

    objects["future_pm"] = MeetingFactory(body=pm, starts_at=in_days(90))
    objects["draft"] = services.call_create(
        year=now.year,
        title="Partnerpotten, utkast",
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=20),
        envelope=Decimal("300000"),
        max_per_application=Decimal("100000"),
        deciding_meeting=MeetingFactory(body=pm, starts_at=in_days(47)),
        created_by=secretariat,
    )
    objects["criterion"] = objects["draft"].criteria.order_by("position").first()
    objects["open"] = services.call_publish(
        call=services.call_create(
            year=now.year,
            title="Partnerpotten, åpen",
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=25),
            envelope=Decimal("300000"),
            max_per_application=Decimal("100000"),
            deciding_meeting=MeetingFactory(body=pm, starts_at=in_days(50)),
        )
    )

    # A call that was open a month ago, decided by a Partnermøte that began yesterday.
    with time_machine.travel(now - dt.timedelta(days=30), tick=False):
        meeting = MeetingFactory(body=pm, starts_at=in_days(29))
        call = services.call_publish(
            call=services.call_create(
                year=now.year,
                title="Partnerpotten, til vedtak",
                opens_at=now - dt.timedelta(days=31),
                closes_at=now - dt.timedelta(days=20),
                envelope=Decimal("1000000"),
                max_per_application=Decimal("100000"),
                deciding_meeting=meeting,
            )
        )
        made = {}
        for key in ("on_agenda", "granted_1", "granted_2", "granted_3", "submitted", "waiting"):
            application = complete_application(
                call=call, applicant=registry.partner, by=rep, title=f"{COMPLETE['title']} {key}"
            )
            made[key] = services.application_submit(application=application, by=rep)
        for key in ("on_agenda", "granted_1", "granted_2", "granted_3"):
            services.assessment_save(
                application=made[key],
                by=secretariat,
                is_complete=True,
                fits_criteria=True,
                recommendation="grant",
                recommendation_text="Godt forankret.",
            )
    services.call_put_on_agenda(call=call, by=secretariat)
    services.assessment_save(
        application=made["waiting"],
        by=secretariat,
        is_complete=True,
        recommendation="reject",
        recommendation_text="Utenfor kriteriene.",
    )
    grants = []
    for key in ("granted_1", "granted_2", "granted_3"):
        application = services.application_decide(
            application=Application.objects.get(pk=made[key].pk),
            outcome=Application.Status.GRANTED,
            reason="Godt prosjekt.",
            by=admin,
        )
        grants.append(application.grant)
    _report(grants[1], rep)
    _report(grants[2], rep)
    services.grant_report_approve(grant=grants[2], by=secretariat)

    objects.update(
        call=call,
        on_agenda=made["on_agenda"],
        submitted=made["submitted"],
        waiting=made["waiting"],
        grant=grants[0],
        grant_report=grants[1],
        grant_done=grants[2],
    )
    for key, value in objects.items():
        ctx["partnerpot"][PREFIX + key] = value
    ctx["objects"].setdefault(("partnerpot", "call"), call)
    ctx["objects"].setdefault(("partnerpot", "grant"), grants[0])
