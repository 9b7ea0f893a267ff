"""Nynorsk: the same date and number styles as bokmål (the month names come from Django's
nynorsk catalogue)."""

from partnership.locale_formats.nb.formats import *  # noqa: F403
