"""One home for money and dates (issue 9 §3): each is made by one function in
``partnership.formats``, and a page, an e-mail, a PDF and an xlsx cell agree with it, in
bokmål, nynorsk and English."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from meetings import notifications
from meetings.models import OSLO
from meetings.pdf import notice_pdf
from partnership import formats
from partnership.models import Person
from tests.meetings.factories import AgendaItemFactory, MeetingFactory
from tests.partnerpot.test_export import _export, _rows, decided  # noqa: F401

pytestmark = pytest.mark.django_db
NBSP = "\xa0"


def test_money_has_one_rule():
    assert formats.money(Decimal("1500000")) == f"1{NBSP}500{NBSP}000,00{NBSP}kr"
    assert formats.money(Decimal("-1234.5")) == f"-1{NBSP}234,50{NBSP}kr"
    # Half up, never the banker's half-to-even.
    assert formats.money(Decimal("0.125")) == f"0,13{NBSP}kr"
    assert formats.money(Decimal("2.5"), decimals=0) == f"3{NBSP}kr"
    assert formats.money(None) == ""
    with pytest.raises(TypeError):
        formats.money(0.1)


@pytest.mark.parametrize(
    ("language", "day", "moment", "weekday", "short"),
    [
        (
            "nb",
            "8. desember 2026",
            "8. desember 2026 kl. 10:00",
            "tirsdag 8. desember 2026",
            "08.12.2026",
        ),
        (
            "nn",
            "8. desember 2026",
            "8. desember 2026 kl. 10:00",
            "tysdag 8. desember 2026",
            "08.12.2026",
        ),
        (
            "en",
            "8 December 2026",
            "8 December 2026, 10:00",
            "Tuesday 8 December 2026",
            "8 Dec 2026",
        ),
    ],
)
def test_one_date_style_per_language(language, day, moment, weekday, short):
    when = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)  # 10:00 in Oslo (winter time)
    with translation.override(language):
        assert formats.date(when) == day
        # Tables' compact style, as the template filter writes it; 23:30 UTC is the next day.
        assert formats.short_date(when) == short
        assert formats.short_date(when.date()) == short
        assert formats.short_date(dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC)) == short
        assert Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(Context({"d": when})) == short
        assert formats.short_date(None) == ""
        # Written from the remembered day, the literal text and the time: as Django writes it.
        for name, function in (
            ("SHORT_DATETIME_FORMAT", formats.short_datetime),
            ("DATETIME_FORMAT", formats.datetime),
        ):
            template = Template(f'{{{{ d|date:"{name}" }}}}')
            for moment_ in (when, dt.datetime(2026, 6, 30, 22, 5, tzinfo=dt.UTC)):  # 1 July 00:05
                assert function(moment_) == template.render(Context({"d": moment_}))
        separator = ", " if language == "en" else " "
        assert formats.short_datetime(when) == f"{short}{separator}10:00"
        assert formats.datetime(when) == moment
        assert formats.long_date(when) == weekday
        assert formats.time(when) == "10:00"
        # Summer time: the same wall-clock hour from a different UTC hour.
        assert formats.time(dt.datetime(2026, 6, 8, 8, 0, tzinfo=dt.UTC)) == "10:00"
    with pytest.raises(ValueError):
        formats.date(dt.datetime(2026, 12, 8, 10, 0))  # naive


@pytest.fixture
def meeting(registry):
    meeting = MeetingFactory(
        body=registry.partners_meeting,
        starts_at=dt.datetime(2030, 12, 10, 10, 0, tzinfo=OSLO),
        ends_at=dt.datetime(2030, 12, 10, 12, 0, tzinfo=OSLO),
    )
    AgendaItemFactory(meeting=meeting, title="Budsjett")
    return meeting


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_page_email_and_pdf_agree_with_the_one_function(
    language, client, login, meeting, partner_rep, secretariat, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=partner_rep.pk).update(preferred_language=language)
    partner_rep.refresh_from_db()
    with translation.override(language):
        long_day = formats.long_date(meeting.starts_at, capital=True)
        day = formats.date(meeting.starts_at)
    # A page: the meeting's date as the meeting list shows it.
    login(partner_rep)
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).text
    assert day in page or long_day in page or long_day.lower() in page.lower()
    # An e-mail: the notice, in the recipient's language.
    with django_capture_on_commit_callbacks(execute=True):
        notifications.send_notice(meeting=meeting, by=secretariat)
    (message,) = [m for m in mail.outbox if m.to == [partner_rep.email]]
    assert day in message.subject or day in message.body
    # A PDF: the notice in that language.
    text = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(notice_pdf(meeting=meeting, language=language))).pages
    )
    assert " ".join(long_day.split()) in " ".join(text.split())
    if language == "en":
        assert "12/10/2030" not in page + message.body + text


def test_the_export_keeps_money_as_numbers_in_the_one_format(login, decided, secretariat):  # noqa: F811
    call, fug, _udir = decided
    sheet = _export(login(secretariat), call)["Søknader"]
    cell = _rows(sheet)[fug.reference]["Innvilget beløp"]
    assert Decimal(str(cell.value)) == Decimal("80000")  # a number, summable in the sheet
    assert cell.number_format == formats.XLSX_MONEY_FORMAT
