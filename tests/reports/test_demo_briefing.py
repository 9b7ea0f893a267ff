"""The briefing's demo data (``manage.py seed_demo`` → reports.demo_briefing.seed): a flagged
decision and one quarter's briefing, sent; a second run changes nothing."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from pypdf import PdfReader

from partnership.models import OutboxMessage
from reports import briefing as services
from reports.models import Briefing, PoliticalFlag
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    old, django_settings.MEDIA_ROOT = django_settings.MEDIA_ROOT, media
    with shared_data(django_db_blocker):
        call_command("seed_demo", stdout=StringIO())
        yield media
    django_settings.MEDIA_ROOT = old


def test_a_flagged_decision_and_a_sent_briefing(seeded, settings):
    settings.MEDIA_ROOT = seeded
    flag = PoliticalFlag.objects.get()
    assert flag.kind == "decision"
    briefing = Briefing.objects.get()
    assert briefing.status == Briefing.Status.SENT
    assert briefing.period_start <= flag.decision.decided_on <= briefing.period_end
    with default_storage.open(briefing.pdf, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert flag.decision.label in text
    assert OutboxMessage.objects.filter(kind=services.Kind.BRIEFING).exists()


def test_a_second_run_changes_nothing(seeded, settings):
    settings.MEDIA_ROOT = seeded
    before = (
        PoliticalFlag.objects.count(),
        Briefing.objects.count(),
        OutboxMessage.objects.filter(kind=services.Kind.BRIEFING).count(),
    )
    call_command("seed_demo", stdout=StringIO())
    after = (
        PoliticalFlag.objects.count(),
        Briefing.objects.count(),
        OutboxMessage.objects.filter(kind=services.Kind.BRIEFING).count(),
    )
    assert after == before
