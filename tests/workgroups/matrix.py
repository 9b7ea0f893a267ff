"""The economy's rows in the authorization matrix (tests/partnership/test_authorization_matrix.py).

Insiders (everyone with a seat in a body, and the secretariat) read the budget versions that
have been put forward; drafts and every change are the secretariat's (403 for other
insiders); a signed-in person with no seat anywhere gets 403 on the list and 404 on a
version or line. Objects:

- ``budget_2026``: adopted by a Partnermøte a week ago, and ``budget_2026_draft``, its
  revision being drafted (with a line, ``budget_draft_line``);
- ``budget_2027``: proposed, waiting for its decision;
- ``budget_2025``: adopted, with no draft (so a revision can be started);
- ``budget_meeting``: a Partnermøte held a week ago (for the adoption form).

The accounts are the local working group's (``registry.wg_local``): its finance lead and
leader edit, its member reads, the secretariat reads and books; everyone else gets 404.
Entries in 2026 against the group's 300 000 kr: ``entry_open`` (committed), ``entry_paid``
(paid, with ``voucher``), ``entry_booked`` and ``entry_pending`` (over the allocation).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnership import budget_services, services_plan
from partnership.budget_models import BudgetLine
from partnership.models import Goal
from workgroups import services
from workgroups.models import AccountEntry
from workgroups.services import plan as plan_services

from ..authz import Redirect, expect
from ..meetings.factories import held_meeting

NOT_ALLOWED = 405


def _b(ctx) -> dict:
    return ctx["workgroups"]


def _pk(key: str):
    return lambda ctx: {"pk": _b(ctx)[key].pk}


def _to_version(key: str) -> Redirect:
    return Redirect(
        lambda ctx: reverse("workgroups:budget_version", kwargs={"pk": _b(ctx)[key].pk})
    )


def _managers(expected, *, insiders=403, user=404) -> dict:
    return expect(signed_in=insiders, managers=expected, user=user)


GET_ONLY = expect(signed_in=NOT_ALLOWED)
POST_ONLY = expect(signed_in=NOT_ALLOWED)

URL_KWARGS = {
    "workgroups:budget_version": _pk("budget_2026"),
    "workgroups:budget_line_add": _pk("budget_2026_draft"),
    "workgroups:budget_propose": _pk("budget_2026_draft"),
    "workgroups:budget_withdraw": _pk("budget_2027"),
    "workgroups:budget_adopt": _pk("budget_2027"),
    "workgroups:budget_revise": _pk("budget_2025"),
    "workgroups:budget_line_edit": _pk("budget_draft_line"),
    "workgroups:budget_line_delete": _pk("budget_draft_line"),
}

EXPECTED = {
    "workgroups:budget_list": expect(user=403),
    "workgroups:budget_version": expect(user=404),
    "workgroups:budget_line_add": POST_ONLY,
    "workgroups:budget_propose": POST_ONLY,
    "workgroups:budget_withdraw": POST_ONLY,
    "workgroups:budget_adopt": _managers(200),
    "workgroups:budget_revise": POST_ONLY,
    "workgroups:budget_line_edit": _managers(200),
    "workgroups:budget_line_delete": POST_ONLY,
}


def _line_form(ctx, **extra) -> dict:
    return {
        "lock_version": _b(ctx)["budget_2026_draft"].lock_version,
        "kind": "common_costs",
        "title": "Reiser",
        "amount": "1 000,50",
        **extra,
    }


POST_DATA = {
    "workgroups:budget_list": lambda ctx: {"year": "2031"},
    "workgroups:budget_line_add": lambda ctx: _line_form(ctx, title="Ny post"),
    "workgroups:budget_line_edit": lambda ctx: _line_form(ctx),
    "workgroups:budget_line_delete": lambda ctx: {
        "lock_version": _b(ctx)["budget_2026_draft"].lock_version
    },
    "workgroups:budget_adopt": lambda ctx: {"meeting": _b(ctx)["budget_meeting"].pk},
    "workgroups:budget_revise": lambda ctx: {"note": "Mer til tiltak"},
}

POST_EXPECTED = {
    "workgroups:budget_list": expect(
        signed_in=403, managers=Redirect("/okonomi/budsjett/", prefix=True)
    ),
    "workgroups:budget_version": GET_ONLY,
    "workgroups:budget_line_add": _managers(_to_version("budget_2026_draft")),
    "workgroups:budget_propose": _managers(_to_version("budget_2026_draft")),
    "workgroups:budget_withdraw": _managers(_to_version("budget_2027")),
    "workgroups:budget_adopt": _managers(_to_version("budget_2027")),
    "workgroups:budget_revise": _managers(Redirect("/okonomi/budsjett/", prefix=True)),
    "workgroups:budget_line_edit": _managers(_to_version("budget_2026_draft")),
    "workgroups:budget_line_delete": _managers(_to_version("budget_2026_draft")),
}


def _adopt(version, meeting):
    budget_services.budget_propose(version=version)
    services.budget_adopt(version=version, meeting=meeting)
    version.refresh_from_db()
    return version


def add_objects(ctx: dict) -> None:
    registry = ctx["registry"]
    meeting = held_meeting(body=registry.partners_meeting)
    objects = ctx.setdefault("workgroups", {})
    objects["budget_meeting"] = meeting
    objects["budget_2025"] = _adopt(budget_services.budget_year_create(year=2025), meeting)
    v2026 = budget_services.budget_year_create(year=2026)
    budget_services.budget_line_save(
        version=v2026,
        kind=BudgetLine.Kind.GROUP_BASE,
        working_group=registry.wg_local,
        amount=Decimal("300000"),
        expected_lock_version=v2026.lock_version,
    )
    objects["budget_2026"] = _adopt(v2026, meeting)
    draft = budget_services.budget_revise(budget_year=v2026.budget_year, note="Justering")
    objects["budget_draft_line"] = budget_services.budget_line_save(
        version=draft,
        kind=BudgetLine.Kind.COMMON_COSTS,
        title="Møter",
        amount=Decimal("20000"),
        expected_lock_version=draft.lock_version,
    )
    draft.refresh_from_db()
    objects["budget_2026_draft"] = draft
    v2027 = budget_services.budget_year_create(year=2027)
    budget_services.budget_propose(version=v2027)
    v2027.refresh_from_db()
    objects["budget_2027"] = v2027
    _add_accounts(ctx)
    _add_plan_work(ctx)


# --- Accounts -----------------------------------------------------------------------------------
GROUP = ("wg_member", "wg_leader", "finance_lead")
EDITORS = ("wg_leader", "finance_lead")
OUTSIDERS = ("user", "partner_rep", "partner_leader", "ministry_observer")
ENTRY_DAY = "2026-03-01"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


def _group(*, members=404, editors=None, managers=None, others=404) -> dict:
    """``members``: what the group's member gets (editors too unless given)."""
    table = expect(signed_in=others)
    table.update(dict.fromkeys(GROUP, members))
    if editors is not None:
        table.update(dict.fromkeys(EDITORS, editors))
    if managers is not None:
        table.update({"secretariat": managers, "admin": managers})
    return table


def _to_entry(key: str) -> Redirect:
    return Redirect(lambda ctx: reverse("workgroups:entry_detail", kwargs={"pk": _b(ctx)[key].pk}))


TO_ACCOUNTS = Redirect(
    lambda ctx: reverse(
        "workgroups:group_accounts", kwargs={"pk": ctx["registry"].wg_local.pk, "year": 2026}
    )
)


def _voucher(ctx) -> dict:
    """The test's media folder is per test: the stored file is put back where the row says."""
    voucher = _b(ctx)["voucher"]
    if not default_storage.exists(voucher.file.name):
        default_storage.save(voucher.file.name, ContentFile(PDF))
    return {"pk": voucher.pk}


GROUP_KWARGS = lambda ctx: {"pk": ctx["registry"].wg_local.pk, "year": 2026}  # noqa: E731

URL_KWARGS.update(
    {
        "workgroups:group_accounts": GROUP_KWARGS,
        "workgroups:contribution_add": GROUP_KWARGS,
        "workgroups:entry_detail": _pk("entry_open"),
        "workgroups:entry_status": _pk("entry_open"),
        "workgroups:entry_delete": _pk("entry_open"),
        "workgroups:entry_reverse": _pk("entry_booked"),
        "workgroups:entry_book": _pk("entry_paid"),
        "workgroups:entry_decide": _pk("entry_pending"),
        "workgroups:voucher_upload": _pk("entry_open"),
        "workgroups:voucher_download": _voucher,
    }
)

EXPECTED.update(
    {
        "workgroups:accounts_home": expect(user=403),
        "workgroups:group_accounts": _group(members=200, managers=200),
        "workgroups:contribution_add": POST_ONLY,
        "workgroups:entry_detail": _group(members=200, managers=200),
        "workgroups:entry_status": POST_ONLY,
        "workgroups:entry_delete": POST_ONLY,
        "workgroups:entry_reverse": POST_ONLY,
        "workgroups:entry_book": POST_ONLY,
        "workgroups:entry_decide": POST_ONLY,
        "workgroups:voucher_upload": POST_ONLY,
        "workgroups:voucher_download": _group(members=200, managers=200),
    }
)


def _entry_form(**extra) -> dict:
    return {
        "date": ENTRY_DAY,
        "description": "Reise til samling",
        "amount": "1 250,50",
        "category": "travel",
        "measure": "",
        "supplier": "Vy",
        "status": "committed",
        **extra,
    }


POST_DATA.update(
    {
        "workgroups:group_accounts": lambda ctx: _entry_form(),
        "workgroups:contribution_add": lambda ctx: {
            "partner": ctx["registry"].other_partner.pk,
            "date": ENTRY_DAY,
            "description": "Planlegging",
            "hours": "4",
            "value": "2 000",
        },
        "workgroups:entry_detail": lambda ctx: _entry_form(
            lock_version=_b(ctx)["entry_open"].lock_version
        ),
        "workgroups:entry_status": lambda ctx: {"status": "invoiced"},
        "workgroups:entry_reverse": lambda ctx: {"reason": "Feil beløp"},
        "workgroups:entry_decide": lambda ctx: {"decision": "approve"},
        "workgroups:voucher_upload": lambda ctx: {
            "file": SimpleUploadedFile("bilag.pdf", PDF, content_type="application/pdf")
        },
    }
)

POST_EXPECTED.update(
    {
        "workgroups:accounts_home": GET_ONLY,
        "workgroups:group_accounts": _group(
            members=403, editors=Redirect("/okonomi/poster/", prefix=True), managers=403
        ),
        "workgroups:contribution_add": _group(members=403, editors=TO_ACCOUNTS, managers=403),
        "workgroups:entry_detail": _group(
            members=403, editors=_to_entry("entry_open"), managers=403
        ),
        "workgroups:entry_status": _group(
            members=403, editors=_to_entry("entry_open"), managers=403
        ),
        "workgroups:entry_delete": _group(members=403, editors=TO_ACCOUNTS, managers=403),
        "workgroups:entry_reverse": _group(
            members=403,
            editors=Redirect("/okonomi/poster/", prefix=True),
            managers=Redirect("/okonomi/poster/", prefix=True),
        ),
        "workgroups:entry_book": _group(members=403, managers=_to_entry("entry_paid")),
        "workgroups:entry_decide": _group(members=403, managers=_to_entry("entry_pending")),
        "workgroups:voucher_upload": _group(
            members=403, editors=_to_entry("entry_open"), managers=403
        ),
        "workgroups:voucher_download": GET_ONLY,
    }
)


def _add_accounts(ctx: dict) -> None:
    registry = ctx["registry"]
    objects = ctx["workgroups"]
    group = registry.wg_local
    day = dt.date(2026, 3, 1)

    def spend(amount, description):
        return services.entry_record(
            working_group=group,
            date=day,
            description=description,
            amount=Decimal(amount),
            category="travel",
        )

    objects["entry_open"] = spend("1000", "Bevertning")
    paid = spend("2000", "Trykking")
    services.entry_set_status(entry=paid, status="paid")
    objects["voucher"] = services.voucher_add(
        entry=paid, file=SimpleUploadedFile("faktura.pdf", PDF, content_type="application/pdf")
    )
    objects["entry_paid"] = AccountEntry.objects.get(pk=paid.pk)
    booked = spend("3000", "Leie av lokale")
    services.entry_set_status(entry=booked, status="paid")
    services.voucher_add(
        entry=booked, file=SimpleUploadedFile("leie.pdf", PDF, content_type="application/pdf")
    )
    objects["entry_booked"] = services.entry_book(entry=booked)
    objects["entry_pending"] = spend("400000", "Stor konferanse")
    assert objects["entry_pending"].approval == AccountEntry.Approval.PENDING


# --- Budget against actuals ---------------------------------------------------------------------
# A group's figures: as its accounts. The whole partnership's: the secretariat, the partners'
# leaders and the ministries' observers; other people 403.
PARTNERSHIP_READERS = expect(signed_in=403, managers=200, partner_leader=200, ministry_observer=200)
YEAR_KWARGS = lambda ctx: {"year": 2026}  # noqa: E731

URL_KWARGS.update(
    {
        "workgroups:group_actuals": GROUP_KWARGS,
        "workgroups:group_actuals_chart": GROUP_KWARGS,
        "workgroups:group_actuals_export": lambda ctx: {**GROUP_KWARGS(ctx), "fmt": "xlsx"},
        "workgroups:partnership_actuals": YEAR_KWARGS,
        "workgroups:partnership_actuals_chart": YEAR_KWARGS,
        "workgroups:partnership_actuals_export": lambda ctx: {"year": 2026, "fmt": "csv"},
    }
)
for _name in ("group_actuals", "group_actuals_chart", "group_actuals_export"):
    EXPECTED[f"workgroups:{_name}"] = _group(members=200, managers=200)
    POST_EXPECTED[f"workgroups:{_name}"] = GET_ONLY
for _name in ("partnership_actuals", "partnership_actuals_chart", "partnership_actuals_export"):
    EXPECTED[f"workgroups:{_name}"] = PARTNERSHIP_READERS
    POST_EXPECTED[f"workgroups:{_name}"] = GET_ONLY


# --- Year-end -----------------------------------------------------------------------------------
# The group's report: read as its accounts, drafted by its finance lead and leader, submitted
# by the leader alone, reviewed by the secretariat. Closing a year: the secretariat.
URL_KWARGS.update(
    {
        "workgroups:year_end_report": GROUP_KWARGS,
        "workgroups:year_end_submit": GROUP_KWARGS,
        "workgroups:year_end_review": GROUP_KWARGS,
        "workgroups:year_end_pdf": GROUP_KWARGS,
        "workgroups:year_close": YEAR_KWARGS,
    }
)
TO_REPORT = Redirect(
    lambda ctx: reverse(
        "workgroups:year_end_report", kwargs={"pk": ctx["registry"].wg_local.pk, "year": 2026}
    )
)
EXPECTED.update(
    {
        "workgroups:year_end_report": _group(members=200, managers=200),
        "workgroups:year_end_submit": POST_ONLY,
        "workgroups:year_end_review": POST_ONLY,
        "workgroups:year_end_pdf": _group(members=200, managers=200),
        "workgroups:year_close": expect(signed_in=403, managers=200),
    }
)
POST_DATA.update(
    {
        "workgroups:year_end_report": lambda ctx: {
            "lock_version": 1,
            "activities": "Kampanje",
            "deviations": "",
            "proposals": "Mer",
            "proposed_allocation": "250 000",
        },
        "workgroups:year_end_review": lambda ctx: {"decision": "return", "comment": "Mangler"},
    }
)
POST_EXPECTED.update(
    {
        "workgroups:year_end_report": _group(members=403, editors=TO_REPORT, managers=403),
        # The draft is empty: the leader is told what is missing (400); the finance lead may
        # draft but not submit (403).
        "workgroups:year_end_submit": _group(members=403, editors=403, managers=403)
        | {"wg_leader": 400},
        # Nothing submitted yet: the secretariat is told (400).
        "workgroups:year_end_review": _group(members=403, managers=400),
        "workgroups:year_end_pdf": GET_ONLY,
        # Reports not approved: refused with the reason (400).
        "workgroups:year_close": expect(signed_in=403, managers=400),
    }
)


# --- The action plan's working level (issue 12 §2, §3, §7) --------------------------------------
# A measure of the local working group (``plan_measure``): its leader and the secretariat edit
# its plans and activities; its members and the partners' leaders, representatives and the
# ministries' observers read them; anyone else gets 404. Recording a plan's adoption is the
# secretariat's. Objects: ``plan_activity`` (with a file), ``plan_2025`` with ``plan_item``.
PLAN_EDITORS = ("wg_leader", "secretariat", "admin")


def _work(*, readers=200, editors=200, user=404) -> dict:
    table = expect(signed_in=readers, user=user)
    table.update(dict.fromkeys(PLAN_EDITORS, editors))
    return table


def _activity_file(ctx) -> dict:
    activity = _b(ctx)["plan_activity"]
    if not default_storage.exists(activity.file.name):
        default_storage.save(activity.file.name, ContentFile(PDF))
    return {"pk": activity.pk}


def _to_plan(ctx) -> str:
    return reverse("workgroups:plan_detail", kwargs={"pk": _b(ctx)["plan_2025"].pk})


URL_KWARGS.update(
    {
        "workgroups:measure_work": _pk("plan_measure"),
        "workgroups:activity_create": _pk("plan_measure"),
        "workgroups:activity_detail": _pk("plan_activity"),
        "workgroups:activity_edit": _pk("plan_activity"),
        "workgroups:activity_file": _activity_file,
        "workgroups:plan_detail": _pk("plan_2025"),
        "workgroups:plan_edit": _pk("plan_2025"),
        "workgroups:plan_adopt": _pk("plan_2025"),
        "workgroups:progress_update": _pk("plan_item"),
    }
)
EXPECTED.update(
    {
        "workgroups:measure_work": _work(),
        "workgroups:activity_create": _work(readers=403),
        "workgroups:activity_list": expect(user=403),
        "workgroups:activity_detail": _work(),
        "workgroups:activity_edit": _work(readers=403),
        "workgroups:activity_file": _work(),
        "workgroups:plan_detail": _work(),
        "workgroups:plan_edit": _work(readers=403),
        "workgroups:plan_adopt": _work(readers=403, editors=403)
        | {"secretariat": 200, "admin": 200},
        "workgroups:progress_update": POST_ONLY,
    }
)


def _activity_form(**extra) -> dict:
    return {
        "title": "Faglig forum om digital mobbing",
        "date": "2025-05-05",
        "county": "Oslo",
        "place": "Oslo kongressenter",
        "format": "hybrid",
        "participant_count": "120",
        "youth_participation": "",
        "outcomes": "God deltakelse.",
        "link": "",
        **extra,
    }


def _plan_form(ctx) -> dict:
    item = _b(ctx)["plan_item"]
    return {
        "version": _b(ctx)["plan_2025"].version,
        "note": "Justert plan",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "1",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "60",
        "items-0-id": item.pk,
        "items-0-title": "Vårseminar",
        "items-0-month": "4",
        "items-0-resource_amount": "25 000",
        "items-0-progress": "in_progress",
        "items-0-progress_comment": "Program klart",
        "items-1-title": "",
        "items-1-month": "1",
        "items-1-progress": "not_started",
    }


def _progress_form(ctx) -> dict:
    prefix = f"item-{_b(ctx)['plan_item'].pk}"
    return {
        f"{prefix}-version": _b(ctx)["plan_2025"].version,
        f"{prefix}-progress": "in_progress",
        f"{prefix}-comment": "Lokale bestilt",
    }


POST_DATA.update(
    {
        "workgroups:measure_work": lambda ctx: {"year": "2027"},
        "workgroups:activity_create": lambda ctx: _activity_form(),
        "workgroups:activity_edit": lambda ctx: _activity_form(title="Faglig forum, vår"),
        "workgroups:plan_edit": _plan_form,
        "workgroups:plan_adopt": lambda ctx: {
            "version": _b(ctx)["plan_2025"].version,
            "decision": "",
        },
        "workgroups:progress_update": _progress_form,
    }
)
POST_EXPECTED.update(
    {
        "workgroups:measure_work": _work(
            readers=403, editors=Redirect("/okonomi/tiltaksplaner/", prefix=True)
        ),
        "workgroups:activity_create": _work(
            readers=403, editors=Redirect("/okonomi/aktiviteter/", prefix=True)
        ),
        "workgroups:activity_list": GET_ONLY,
        "workgroups:activity_detail": GET_ONLY,
        "workgroups:activity_edit": _work(
            readers=403,
            editors=Redirect(
                lambda ctx: reverse(
                    "workgroups:activity_detail", kwargs={"pk": _b(ctx)["plan_activity"].pk}
                )
            ),
        ),
        "workgroups:activity_file": GET_ONLY,
        "workgroups:plan_detail": GET_ONLY,
        "workgroups:plan_edit": _work(readers=403, editors=Redirect(_to_plan)),
        # No decision chosen: the secretariat is told (400).
        "workgroups:plan_adopt": _work(readers=403, editors=403)
        | {"secretariat": 400, "admin": 400},
        "workgroups:progress_update": _work(readers=403, editors=Redirect(_to_plan)),
    }
)


def _add_plan_work(ctx: dict) -> None:
    objects = ctx["workgroups"]
    services_plan.goals_seed()
    measure = services_plan.measure_create(
        sub_goals=[Goal.objects.get(number=1)],
        name="Matrisetiltak",
        category="local",
        description="Et tiltak for matrisen.",
        target_count=2,
        target_period_years=1,
        responsible_group=ctx["registry"].wg_local,
    )
    objects["plan_measure"] = measure
    objects["plan_activity"] = plan_services.activity_save(
        measure=measure,
        file=SimpleUploadedFile("program.pdf", PDF, content_type="application/pdf"),
        title="Faglig forum høst",
        date=dt.date(2025, 10, 20),
        county="Vestland",
        format="physical",
    )
    plan = plan_services.plan_create(measure=measure, year=2025)
    plan = plan_services.plan_save(
        plan=plan,
        expected_version=plan.version,
        items=[{"pk": None, "title": "Vårseminar", "month": 4}],
    )
    objects["plan_2025"] = plan
    objects["plan_item"] = plan.items.get()
