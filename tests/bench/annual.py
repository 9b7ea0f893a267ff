"""The annual report in the bench (issue 14 benchmark): gathering and rendering one year's
report, timed separately, with the process's peak memory.

Run by ``tests/bench/run.py`` in a child process per year (so peak RSS is that report's):

    python -m tests.bench.annual YEAR bench|demo      # prints one line of JSON

The issue's targets: the demo year (``manage.py seed_demo``'s last year, about 40 pages) in at
most 5 s and 300 MB peak; the bench year in at most 15 s (its peak memory is printed, with no
target); gathering at most 30 % of the total for both. The demo year is rendered from a
database of its own (``partnership_bench_demo``, migrated and seeded here; kept with
``--reuse``), or from ``ANNUAL_DEMO_DATABASE_URL`` when that is set.

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
TARGET_MB = {"demo": 300.0}  # the issue sets no memory target for the bench year
GATHER_SHARE = 0.30
DEMO_DB = "partnership_bench_demo"


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
        and result["peak_mb"] <= TARGET_MB.get(kind, float("inf"))
        and share <= GATHER_SHARE
    )
    return {**result, "kind": kind, "gather_share": share, "result": "PASS" if ok else "FAIL"}


def describe(r: dict) -> str:
    if "error" in r:
        return f"annual report {r['year']} ({r['kind']}): error\n{r['error']}"
    memory = f"≤ {TARGET_MB[r['kind']]:.0f} MB, " if r["kind"] in TARGET_MB else ""
    return (
        f"annual report {r['year']} ({r['kind']}): {r['total_s']:.2f} s, {r['pages']} pages "
        f"(gathering {r['gather_s']:.2f} s beside rendering {r['render_s']:.2f} s: "
        f"gathering {r['gather_share']:.0%} of the total), peak {r['peak_mb']:.0f} MB; "
        f"targets ≤ {TARGET_S[r['kind']]:.0f} s, {memory}gathering ≤ "
        f"{GATHER_SHARE:.0%} → {r['result']}"
    )


def demo_database(bench_url: str, *, reuse: bool, log=print) -> str:
    """The URL of a database holding the demo data (``migrate`` and ``seed_demo`` in child
    processes, as ``make run`` does); with ``reuse`` an already seeded one is kept."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    from tests.bench import run

    parts = urlsplit(bench_url)
    head, _sep, _name = parts.path.rpartition("/")
    url = urlunsplit(parts._replace(path=f"{head}/{DEMO_DB}"))
    if reuse:
        try:
            with run._connect_bench(url) as conn:  # noqa: SLF001 - the bench's own helper
                if conn.execute("SELECT 1 FROM reports_annualreport LIMIT 1").fetchone():
                    return url
        except psycopg.Error:
            pass
    log(f"creating database {DEMO_DB} with the demo data (migrate, seed_demo)")
    with run._server_connection(url) as conn:  # noqa: SLF001
        conn.execute(f'DROP DATABASE IF EXISTS "{DEMO_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DEMO_DB}"')
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.bench.settings"}
    for command in (["migrate", "--no-input"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return url


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.settings")
    sys.path.insert(0, str(ROOT))
    print(json.dumps(child(int(sys.argv[1]), bench_data=sys.argv[2:] == ["bench"])))
