"""The annual report (issue 14 §1, §4): the secretariat's narrative sections for a year and
the generated PDF versions (runs).

The narrative sections are rich text, sanitised with nh3 on every save (only a small set of
tags survives: paragraphs, emphasis, lists, links); text over ``NARRATIVE_MAX_BYTES`` is
refused by the services before it gets here. A run is one generation on the PDF queue; at
most one run per report is queued or running at a time (a partial unique constraint), so
two requests give one job.
"""

from __future__ import annotations

import nh3
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NARRATIVE_FIELDS = ("foreword", "summary", "highlights", "next_year")
NARRATIVE_MAX_BYTES = 100 * 1024
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "blockquote",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def sanitise(html: str) -> str:
    """The narrative as safe HTML: scripts, styles, event handlers and unknown tags go."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


class Language(models.TextChoices):
    NB = "nb", _("Bokmål")
    NN = "nn", _("Nynorsk")


class AnnualReport(models.Model):
    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    language = models.CharField(
        _("målform"), max_length=2, choices=Language.choices, default=Language.NB
    )
    foreword = models.TextField(_("forord"), blank=True)
    summary = models.TextField(_("sammendrag"), blank=True)
    highlights = models.TextField(_("høydepunkter"), blank=True)
    next_year = models.TextField(_("planer for neste år"), blank=True)
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("årsrapport for partnerskapet")
        verbose_name_plural = _("årsrapporter for partnerskapet")

    def __str__(self) -> str:
        return _("Årsrapport %(year)s") % {"year": self.year}

    def save(self, *args, **kwargs):
        for name in NARRATIVE_FIELDS:
            setattr(self, name, sanitise(getattr(self, name)))
        super().save(*args, **kwargs)


class ReportRun(models.Model):
    """One generation of the report's PDF: a version, kept with who asked and when."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("Lages")
        DONE = "done", _("Ferdig")
        FAILED = "failed", _("Feilet")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    report = models.ForeignKey(
        AnnualReport, on_delete=models.CASCADE, related_name="runs", verbose_name=_("årsrapport")
    )
    version = models.PositiveIntegerField(_("versjon"))
    language = models.CharField(_("målform"), max_length=2, choices=Language.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("framdrift"), default=0)
    failure_reason = models.TextField(_("årsak til feil"), blank=True)
    retry_allowed = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("bestilt"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.CharField(_("fil"), max_length=255, blank=True)
    page_count = models.PositiveIntegerField(_("sider"), null=True, blank=True)
    gather_seconds = models.FloatField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("versjon av årsrapporten")
        verbose_name_plural = _("versjoner av årsrapporten")
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="report_run_unique_version"),
            # Two requests for the same report while one is under way give one job.
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(status__in=["queued", "running"]),
                name="report_run_one_active",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_run_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return _("Årsrapport %(year)s, versjon %(version)s") % {
            "year": self.report.year,
            "version": self.version,
        }

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
