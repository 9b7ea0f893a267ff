"""Settings for the partnership portal.

Every setting comes from the environment, read once here. In production
(``DJANGO_ENV=production``) a missing required variable stops start-up with a
message that names it. ``scripts/dev.py`` starts embedded PostgreSQL and Redis
and exports ``DATABASE_URL`` / ``REDIS_URL`` before Django starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = "pytest" in sys.modules or env.bool("TESTING", default=False)


def _required(name: str) -> str:
    """A production setting that must be present: fail loudly, naming it."""
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required when DJANGO_ENV=production. "
            "See README.md, section 'Configuration'."
        )
    return value


if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
    DATABASE_URL = _required("DATABASE_URL")
    REDIS_URL = _required("REDIS_URL")
    EMAIL_URL = _required("EMAIL_URL")
    DEFAULT_FROM_EMAIL = _required("DEFAULT_FROM_EMAIL")
    DEBUG = False
else:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="dev-only-insecure-key-not-for-production-use-0123456789"
    )
    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
    )
    try:
        DATABASE_URL = env.str("DATABASE_URL")
        REDIS_URL = env.str("REDIS_URL")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            "DATABASE_URL and REDIS_URL are not set. Start the portal with `make run` "
            "(or run commands through `scripts/dev.py exec -- ...`), which starts embedded "
            "PostgreSQL and Redis and sets them."
        ) from exc
    EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
    DEFAULT_FROM_EMAIL = env.str(
        "DEFAULT_FROM_EMAIL", default="Partnerskap mot mobbing <portal@example.org>"
    )
    DEBUG = env.bool("DEBUG", default=not TESTING)

SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widget templates for the project engine (FORM_RENDERER below)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "guardian",
    "django_htmx",
    "template_partials",
    "simple_history",
    "csp",
    "partnership",
    "meetings",
    "workgroups",
    "partnerpot",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "partnership.middleware.QueryStringNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "partnership.middleware.LoginRequiredMiddleware",
    "partnership.middleware.RequireSecondFactorMiddleware",
    "partnership.middleware.UserLanguageMiddleware",
    "partnership.middleware.PrivateNoStoreMiddleware",
    "partnership.middleware.PortalNotFoundMiddleware",
]

# The browser features no page of the portal uses are switched off (issue 10 §9).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "usb",
    )
}

ROOT_URLCONF = "partnership.urls"
WSGI_APPLICATION = "partnership.wsgi.application"

# Widgets and the one field template render with the project's engine; selects in Python
# (see partnership/forms_renderer.py).
FORM_RENDERER = "partnership.forms_renderer.PortalFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "partnership.context_processors.portal",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if TESTING else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# ModelChoiceField reads its options with QuerySet.iterator(), which on PostgreSQL is a
# server-side cursor: DECLARE … WITH HOLD (materialised at commit), FETCH, CLOSE, three round
# trips for a select's twenty options (seen on the calendar and meeting pages). Nothing of ours
# streams a result too large to fetch at once.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Parameters bound by the server, so psycopg can prepare a statement that a connection runs
# again and again (after the fifth run): PostgreSQL then skips parsing and planning, which
# for the pages' queries took as long as running them (0.1-0.6 ms each, EXPLAIN ANALYZE on
# the bench data; the rights query 0.9 ms of planning for 0.15 ms of running). Django leaves
# both off for connection poolers in transaction mode; the portal connects directly.
DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

CACHES = {
    "default": {
        "BACKEND": "partnership.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="partnership"),
        # A Redis that is down or hung costs a request at most these (partnership/cache.py
        # answers a miss instead of an error).
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }
}
# Sessions are read from Redis and kept in the database too: a Redis restart signs no one
# out, and while Redis is away they are read from the database (the cache fails soft); one round
# trip to Redis instead of a query on every signed-in request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "partnership.Person"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# --- django-allauth: https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_ADAPTER = "partnership.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}  # e-mail is the login
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Partnerskap mot mobbing] "
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
# One address per account; a new one replaces the old only once it is confirmed, and an address
# another account uses is refused at once (issue 10 §8).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_FORMS = {"add_email": "partnership.forms.AddEmailForm"}
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Rate limits are on by default; they are kept in the Redis cache above.
# https://docs.allauth.org/en/latest/account/rate_limits.html
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# --- allauth.mfa: https://docs.allauth.org/en/latest/mfa/configuration.html
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Partnerskap mot mobbing"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
MFA_PASSKEY_LOGIN_ENABLED = False
# --- allauth.usersessions: https://docs.allauth.org/en/latest/usersessions/configuration.html
# Tracking activity writes to the database on every request (measured in make bench: ~8 ms
# and 5 queries); the session list still shows where and when each session signed in.
USERSESSIONS_TRACK_ACTIVITY = False

# --- django-guardian: direct foreign-key permission models (see partnership.models)
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_MONKEY_PATCH_USER = False

# Higher apps add their demo data to `manage.py seed_demo` here, so the partnership
# app does not import them (dependencies point one way, DESIGN.md §5).
DEMO_SEEDERS = [
    "meetings.demo.seed",
    "partnerpot.demo.seed",
    "workgroups.demo.seed",
    "reports.demo.seed",
    "reports.demo_annual.seed",
    "partnership.demo_own_work.seed",
    "reports.demo_briefing.seed",
]

# Higher apps add dated deadlines to the partner calendar and iCal feed (meetings.extensions).
CALENDAR_DEADLINE_SOURCES: list[str] = [
    "partnerpot.calendar.deadlines",
    "workgroups.calendar.activities",
]

INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")]
# One date style per language (partnership/formats.py).
FORMAT_MODULE_PATH = ["partnership.locale_formats"]
# locale/ is ours (makemessages writes there and it wins lookups); locale_vendor/ holds
# translations third-party packages lack upstream (django-allauth has no nynorsk).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION or DJANGO_ENV == "build"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploads live outside the web root and are only served through access-checked views.
# Outside production WhiteNoise serves straight from static/ (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media")))
# Nothing is routed here: uploads are served only by access-checked views.
MEDIA_URL = "/_uploads_are_not_served_directly/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Files attached to agenda items (meetings.services.attachment_add). DATA_UPLOAD_MAX_MEMORY_SIZE
# does not count files, so the upload view stops a larger file while it streams in
# (partnership.uploads.AttachmentSizeGuard): nothing beyond this limit reaches the disk.
ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024

vars().update(env.email_url_config(EMAIL_URL))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Security ------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Content Security Policy without unsafe-inline / unsafe-eval: all scripts and
# styles are files under /static/. https://django-csp.readthedocs.io/
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Celery ------------------------------------------------------------------------
# Kombu spells a Unix socket "redis+socket://"; redis-py (the cache) spells it "unix://".
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL",
    default=REDIS_URL.replace("unix://", "redis+socket://", 1)
    if REDIS_URL.startswith("unix://")
    else REDIS_URL,
)
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_DEFAULT_QUEUE = "default"
# PDF rendering (WeasyPrint) runs on its own queue; its worker recycles children.
CELERY_TASK_ROUTES = {"pdf.*": {"queue": "pdf"}}
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queuing a task from a request must not hang on a broker that is away: the callers log and go
# on (the outbox sweep sends what was not queued).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_BEAT_SCHEDULE = {
    "end-expired-memberships": {
        "task": "partnership.tasks.sync_membership_rights",
        "schedule": crontab(hour=0, minute=15),
    },
    # The outbox (partnership/outbox.py): send due e-mails; an expired tick is dropped, not
    # piled up while workers are away (the next one does the same work).
    "dispatch-outbox": {
        "task": "partnership.tasks.dispatch_outbox",
        "schedule": env.float("OUTBOX_DISPATCH_SECONDS", default=60.0),
        "options": {"expires": 50},
    },
    "schedule-meeting-reminders": {
        "task": "meetings.tasks.schedule_reminders",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
    "schedule-partnerpot-reminders": {
        "task": "partnerpot.tasks.schedule_reminders",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
    # The annual report (reports/tasks_annual.py): a run left "running" by a killed worker is
    # marked failed ("interrupted") so it can be retried.
    "annual-report-stale-runs": {
        "task": "reports.annual_stale_runs",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
    # The ministries' briefing of the quarter just ended (reports/briefing.py): one per period,
    # so a tick that fires twice sends nothing twice.
    "quarterly-ministries-briefing": {
        "task": "reports.quarterly_briefing",
        "schedule": crontab(day_of_month=1, month_of_year="1,4,7,10", hour=6, minute=0),
        "options": {"expires": 3600},
    },
    "schedule-year-end-reminders": {
        "task": "workgroups.tasks.schedule_reminders",
        "schedule": crontab(hour=7, minute=30),
        "options": {"expires": 3600},
    },
}
# Tests run tasks in-process (a real worker is started by tests/celery/ where it matters).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=TESTING)

# --- The outbox (partnership/outbox.py) ----------------------------------------------------------
# A row claimed by a worker that died is claimed again after this lease. Longer than the hard
# time limit, so a worker that is still alive has always finished (or been killed) by then.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=100)
# One sweep stops claiming new batches after this long (below the soft time limit).
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=CELERY_TASK_SOFT_TIME_LIMIT - 60)
# An SMTP server that hangs must not hold a claimed row for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No bearer token or query string in any log line (partnership/logsafe.py).
    "filters": {"mask_secrets": {"()": "partnership.logsafe.MaskSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers for these skip the root's filter: route them through it.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        "weasyprint.progress": {"level": "WARNING"},  # "Step 1…7" at INFO is noise
        "fontTools": {"level": "WARNING"},
    },
}

PORTAL_NAME = _("Partnerskap mot mobbing")
