"""Settings for the benchmark only: the portal's settings, DEBUG off, plus the floor view.

Used by ``tests/bench/run.py`` for gunicorn and for counting queries in-process.
The database is the bench's own (``partnership_bench``); run.py sets
DATABASE_URL before these settings are read.
"""

from partnership.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "tests.bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Keep the bench's cache keys (rate limits, used TOTP codes) apart from the dev portal's.
CACHES["default"]["KEY_PREFIX"] = "bench"  # noqa: F405
# One line per error, nothing per request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
