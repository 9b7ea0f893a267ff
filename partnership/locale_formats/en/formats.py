"""English: one date style on every page, e-mail and PDF (partnership/formats.py); day before
month, as Norwegian readers of the English pages expect, never "12/31/2027"."""

DATE_FORMAT = "j F Y"  # 8 December 2026
SHORT_DATE_FORMAT = "j M Y"  # 8 Dec 2026
DATETIME_FORMAT = "j F Y, H:i"  # 8 December 2026, 10:00
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
