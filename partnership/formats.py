"""The one home for presenting money and dates (issue 9 §3).

Templates use the filters in ``partnership.templatetags.portal`` (``money``, ``when``,
``long_date``), which call these functions; e-mails, PDFs and exports call them directly. The
date styles are the locale format modules in ``partnership/locale_formats`` (one style per
language); times are shown in Europe/Oslo whatever the server's zone.

Money: always Norwegian kroner, whatever the language ("1 500 000,00 kr": a no-break space
between thousands, a decimal comma). Amounts are ``Decimal`` and are rounded half up to øre
(the common rule for money, not the banker's half-to-even); a float is refused, so a float can
never slip into an amount unnoticed.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils import formats as django_formats
from django.utils import translation
from django.utils.text import capfirst

OSLO = ZoneInfo("Europe/Oslo")
NBSP = "\xa0"
ORE = Decimal("0.01")
# The same rule in a spreadsheet cell: the amount stays a number, shown as kroner.
XLSX_MONEY_FORMAT = '#,##0.00 "kr"'


def money(amount: Decimal | int | None, *, decimals: int = 2) -> str:
    """``Decimal("1500000")`` → ``"1 500 000,00 kr"`` (no-break spaces); ``None`` → ``""``."""
    if amount is None or amount == "":
        return ""
    if isinstance(amount, float):
        raise TypeError("money() takes a Decimal, never a float")
    value = Decimal(amount).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _sep, fraction = f"{abs(value):.{decimals}f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    number = NBSP.join(groups) + (f",{fraction}" if decimals else "")
    return f"{sign}{number}{NBSP}kr"


def _local(value):
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime: the portal stores aware datetimes only")
        return value.astimezone(OSLO)
    return value


def date(value: dt.date | dt.datetime | None) -> str:
    """ "8. desember 2026" / "8 December 2026" in the active language; a datetime's Oslo date."""
    return _day(value, "DATE_FORMAT")


def short_date(value: dt.date | dt.datetime | None) -> str:
    """ "08.12.2026" / "8 Dec 2026": the compact style of tables (``SHORT_DATE_FORMAT``, as
    ``{{ value|date:"SHORT_DATE_FORMAT" }}`` writes it), a datetime's Oslo date."""
    return _day(value, "SHORT_DATE_FORMAT")


def month_day(value: dt.date | dt.datetime | None) -> str:
    """ "8. desember" / "8 December" (``MONTH_DAY_FORMAT``): a calendar month names its
    forty-two days for screen readers."""
    return _day(value, "MONTH_DAY_FORMAT")


def _day(value: dt.date | dt.datetime | None, format_name: str) -> str:
    if value is None:
        return ""
    local = _local(value)
    day = local.date() if isinstance(local, dt.datetime) else local
    return _day_text(day, translation.get_language(), format_name)


@functools.lru_cache(maxsize=8192)
def _day_text(day: dt.date, language: str | None, format_name: str) -> str:
    """A day's text in ``language`` (the active one: the caller passes it, so it is the key)
    and the named format. A pure function of its arguments, remembered: Django's date
    formatting parses the format and looks up the month's name for every call, and a list
    shows fifty dates a page."""
    return django_formats.date_format(day, format_name)


def short_datetime(value: dt.datetime | None) -> str:
    """ "08.12.2026 10:00" / "8 Dec 2026, 10:00" (``SHORT_DATETIME_FORMAT``) in Europe/Oslo."""
    if value is None:
        return ""
    return _date_and_time(value, "SHORT_DATETIME_FORMAT", "SHORT_DATE_FORMAT")


def long_date(value: dt.date | dt.datetime | None, *, capital: bool = False) -> str:
    """With the weekday: "tirsdag 8. desember 2026" inside a sentence, "Tirsdag …" with
    ``capital`` (English weekdays are capitalised anyway)."""
    if value is None:
        return ""
    local = _local(value)
    text = f"{django_formats.date_format(local, 'l')} {date(local)}"
    return capfirst(text) if capital else text


def datetime(value: dt.datetime | None) -> str:
    """ "8. desember 2026 kl. 10:00" / "8 December 2026, 10:00", in Europe/Oslo."""
    if value is None:
        return ""
    return _date_and_time(value, "DATETIME_FORMAT", "DATE_FORMAT")


def _date_and_time(value: dt.datetime, whole: str, day_format: str) -> str:
    """``value`` in the format named ``whole``: where that is the day's format, literal text
    and ``H:i`` (each of ours is), the day's remembered text, the text and the time written
    out; else Django formats it whole. Django parses the format and looks up the month for
    every call, and a list shows fifty of these."""
    local = _local(value)
    language = translation.get_language()
    between = _text_between(language, whole, day_format)
    if between is None:
        return django_formats.date_format(local, whole)
    return f"{_day_text(local.date(), language, day_format)}{between}{local:%H:%M}"


@functools.lru_cache(maxsize=32)
def _text_between(language: str | None, whole: str, day_format: str) -> str | None:
    """The literal text between the day and ``H:i`` in the active language's ``whole`` format
    (``r" \\k\\l. "`` gives ``" kl. "``), or ``None`` if it is not of that shape."""
    full, day = django_formats.get_format(whole), django_formats.get_format(day_format)
    if not (full.startswith(day) and full.endswith("H:i")):
        return None
    middle, text, i = full[len(day) : -len("H:i")], [], 0
    while i < len(middle):
        if middle[i] == "\\" and i + 1 < len(middle):
            text.append(middle[i + 1])
            i += 2
        elif middle[i].isalpha() or middle[i] == "\\":
            return None  # a format character: Django must write it
        else:
            text.append(middle[i])
            i += 1
    return "".join(text)


def time(value: dt.datetime | dt.time | None) -> str:
    """ "10:00", in Europe/Oslo for a datetime (``TIME_FORMAT``, written out where it is
    ``H:i``, as in each of our languages; a calendar month shows a hundred of these)."""
    if value is None:
        return ""
    local = _local(value)
    if _time_format(translation.get_language()) == "H:i":
        return f"{local:%H:%M}"
    return django_formats.time_format(local, "TIME_FORMAT")


@functools.lru_cache(maxsize=16)
def _time_format(language: str | None) -> str:
    return django_formats.get_format("TIME_FORMAT")
