"""Helpers for the economy tests: an adopted budget with the groups' base allocations."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from partnership import budget_services
from partnership.budget_models import BudgetLine, BudgetVersion
from workgroups import services

from ..meetings.factories import held_meeting

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


def pdf(name: str = "kvittering.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def adopted_budget(registry, *, year: int, local: str = "10000", national: str = "20000"):
    """The year's budget adopted by a Partnermøte held a week ago."""
    version = budget_services.budget_year_create(year=year)
    for group, amount in ((registry.wg_local, local), (registry.wg_national, national)):
        version.refresh_from_db()
        budget_services.budget_line_save(
            version=version,
            kind=BudgetLine.Kind.GROUP_BASE,
            working_group=group,
            amount=Decimal(amount),
            expected_lock_version=version.lock_version,
        )
    budget_services.budget_propose(version=version)
    services.budget_adopt(version=version, meeting=held_meeting(body=registry.partners_meeting))
    return BudgetVersion.objects.get(pk=version.pk)
