"""The annual report in the bench (issue 14 benchmark): gathering and rendering one year's
report, timed separately, with the process's peak memory.

Run by ``tests/bench/run.py`` in a child process per year (so peak RSS is that report's):

    python -m tests.bench.annual YEAR bench|demo      # prints one line of JSON

The bench data set has no accounts; for "bench" the child adds ``EXPENSE_LINES`` expense lines to the
year once (bulk_create, idempotent) so the economy section has the issue's 10 000 lines.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXPENSE_LINES = 10_000
TARGET_S = {"demo": 5.0, "bench": 15.0}
TARGET_MB = 300.0
GATHER_SHARE = 0.30


def _expense_lines(year: int) -> None:
    from partnership.models import Body, BudgetYear
    from workgroups.models import AccountEntry

    budget_year, _ = BudgetYear.objects.get_or_create(year=year)
    have = AccountEntry.objects.filter(budget_year=budget_year).count()
    groups = list(Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("pk")[:20])
    if have >= EXPENSE_LINES or not groups:
        return
    categories = [c for c, _label in AccountEntry.Category.choices]
    AccountEntry.objects.bulk_create(
        [
            AccountEntry(
                working_group=groups[i % len(groups)],
                budget_year=budget_year,
                date=dt.date(year, 1 + i % 12, 1 + i % 28),
                description=f"Utgift {i}",
                amount=Decimal(100 + i % 5000),
                category=categories[i % len(categories)],
                status=AccountEntry.Status.PAID if i % 3 else AccountEntry.Status.COMMITTED,
            )
            for i in range(have, EXPENSE_LINES)
        ],
        batch_size=2000,
    )


def child(year: int, *, bench_data: bool) -> dict:
    import django

    django.setup()
    import weasyprint  # noqa: F401 - imported before the clock starts, as in a warm worker

    from reports import annual_pdf

    if bench_data:
        _expense_lines(year)
    started = time.perf_counter()
    rendered = annual_pdf.report_pdf(year=year, language="nb")
    total = time.perf_counter() - started
    return {
        "year": year,
        "pages": rendered.pages,
        "bytes": len(rendered.pdf),
        "gather_s": rendered.gather_seconds,
        "render_s": rendered.render_seconds,
        "total_s": total,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def bench_annual_report(year: int, *, kind: str, env: dict) -> dict:
    """One year's report in a child process, with PASS/FAIL against the issue's targets."""
    out = subprocess.run(
        [sys.executable, "-m", "tests.bench.annual", str(year), kind],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        return {"year": year, "kind": kind, "error": out.stderr[-2000:], "result": "FAIL"}
    result = json.loads(out.stdout.strip().splitlines()[-1])
    share = result["gather_s"] / result["total_s"] if result["total_s"] else 0.0
    ok = (
        result["total_s"] <= TARGET_S[kind]
        and result["peak_mb"] <= TARGET_MB
        and share <= GATHER_SHARE
    )
    return {**result, "kind": kind, "gather_share": share, "result": "PASS" if ok else "FAIL"}


def describe(r: dict) -> str:
    if "error" in r:
        return f"annual report {r['year']} ({r['kind']}): error\n{r['error']}"
    return (
        f"annual report {r['year']} ({r['kind']}): {r['total_s']:.2f} s, {r['pages']} pages "
        f"(gathering {r['gather_s']:.2f} s beside rendering {r['render_s']:.2f} s: "
        f"gathering {r['gather_share']:.0%} of the total), peak {r['peak_mb']:.0f} MB; "
        f"targets ≤ {TARGET_S[r['kind']]:.0f} s, ≤ {TARGET_MB:.0f} MB, gathering ≤ "
        f"{GATHER_SHARE:.0%} → {r['result']}"
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.settings")
    sys.path.insert(0, str(ROOT))
    print(json.dumps(child(int(sys.argv[1]), bench_data=sys.argv[2:] == ["bench"])))
