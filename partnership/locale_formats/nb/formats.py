"""Bokmål: one date style on every page, e-mail and PDF (partnership/formats.py)."""

DATE_FORMAT = "j. F Y"  # 8. desember 2026
SHORT_DATE_FORMAT = "d.m.Y"  # 08.12.2026
DATETIME_FORMAT = r"j. F Y \k\l. H:i"  # 8. desember 2026 kl. 10:00
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j. F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
