"""Demo data for the annual report (``manage.py seed_demo``, after the economy's): last
year's report with the secretariat's narrative sections and one generated version.
Idempotent: a year that already has its report is left as it is."""

from __future__ import annotations

from django.utils import timezone

from partnership.models import Person

from . import annual_pdf, services_annual, tasks_annual
from .models_annual import AnnualReport, ReportRun

SECRETARIAT_LOGIN = "sekretariat@demo.example.no"  # as the other apps' demo data

TEXTS = {
    "foreword": (
        "<p>Partnerskap mot mobbing har hatt et år med mye felles arbeid. Partnerne har "
        "møttes jevnlig, og arbeidsgruppene har fulgt opp de felles tiltakene.</p>"
    ),
    "summary": (
        "<p>Året i korte trekk: møtene ble holdt som planlagt, Partnerpotten delte ut "
        "tilskudd til lokale prosjekter, og budsjettet ble fulgt.</p>"
    ),
    "highlights": (
        "<ul><li>Skolestartkampanjen nådde mange skoler.</li>"
        "<li>Faglig forum samlet partnerne to ganger.</li></ul>"
    ),
    "next_year": "<p>Neste år evalueres handlingsplanen, og en ny plan forberedes.</p>",
}


def seed(stdout=None) -> None:
    say = stdout.write if stdout else (lambda _text: None)
    year = timezone.localdate().year - 1
    if AnnualReport.objects.filter(year=year).exists():
        return
    try:
        services_annual.check_year(year)
    except Exception:  # no agreement period covers it: nothing to seed
        say(f"  årsrapport {year}: utenfor avtaleperioden, ikke laget")
        return
    secretariat = Person.objects.filter(email=SECRETARIAT_LOGIN).first()
    report = services_annual.report_save(
        year=year, expected_lock_version=1, by=secretariat, language="nb", **TEXTS
    )
    # One generated version, made here rather than on the queue (the demo has no worker yet).
    run = ReportRun.objects.create(
        report=report,
        version=1,
        language=report.language,
        requested_by=secretariat,
        status=ReportRun.Status.RUNNING,
    )
    rendered = annual_pdf.report_pdf(year=year, report=report, language=report.language)
    name = tasks_annual.store(tasks_annual.storage_name(run), rendered.pdf)
    now = timezone.now()
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.DONE,
        progress=100,
        file=name,
        page_count=rendered.pages,
        gather_seconds=rendered.gather_seconds,
        render_seconds=rendered.render_seconds,
        started_at=now,
        finished_at=now,
        heartbeat_at=now,
    )
    say(f"  årsrapport {year}: tekster og versjon 1 ({rendered.pages} sider)")
