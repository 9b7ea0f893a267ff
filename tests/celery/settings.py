"""Settings for the Celery worker and beat processes that tests/celery/ starts.

The portal's settings, with e-mail written as files to ``MAIL_DROP_DIR`` by
``tests.celery.mail_backend`` (slowly, when ``MAIL_DROP_DELAY`` is set), so the test can
count what was delivered. Everything else (the test database, the private Redis, the
lease) comes in through the environment, as in production.
"""

from partnership.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.celery.mail_backend.DropDirBackend"
