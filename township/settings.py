"""Settings for the township Party-building app: one file, read from the environment.

Defaults give the embedded setup (SQLite file, tasks run in-process). Production is configured
through environment variables only; a bad value stops start-up with a clear message.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="insecure-dev-key-only-for-local-debug-use-0123456789"
    )
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set (at least 50 characters) when DJANGO_DEBUG is false."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    # Before django.contrib.auth: its `changepassword` and `createsuperuser` commands, which
    # audit what they change, take the place of auth's.
    "township",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "django_htmx",
    "axes",
    "branches",
    "members",
    "scoring",
    "cooperatives",
    "alliances",
    "exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "township.locale.ChosenLanguageMiddleware",  # Chinese unless switched; not Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "township.scoping.ScopeMiddleware",
    # Leaves an audit entry for a 404 on an object id (outside the scope, or missing).
    "township.audit.NotFoundAuditMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "township.urls"
CSRF_FAILURE_VIEW = "township.views.csrf_failure"  # audited, then the 403 page in Chinese
WSGI_APPLICATION = "township.wsgi.application"
AUTH_USER_MODEL = "township.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "township.scoping.scope_context",
                "township.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process job runner and the web requests read while one writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
# No request may hold a worker: PostgreSQL cancels a statement after this many seconds (0: never).
# The Celery worker and `migrate` may need longer; docker-compose.yml sets theirs.
DATABASE_STATEMENT_TIMEOUT = env.int("DATABASE_STATEMENT_TIMEOUT", default=20)
if DATABASE_STATEMENT_TIMEOUT < 0:
    raise ImproperlyConfigured("DATABASE_STATEMENT_TIMEOUT must be 0 (none) or seconds ≥ 1.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    # jit=off: PostgreSQL compiles a statement whose estimated cost passes jit_above_cost
    # (100,000) before running it. Our statements read indexes for a page and take milliseconds;
    # the compiling alone took 54 ms of a 130 ms list query on the bench county.
    DATABASES["default"]["OPTIONS"]["options"] = (
        DATABASES["default"]["OPTIONS"].get("options", "")
        + f" -c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000} -c jit=off"
    ).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Brute-force protection: lock a username+IP pair after AXES_FAILURE_LIMIT failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Client address for the lockout. AXES_IPWARE_PROXY_COUNT (environment) is the number of reverse
# proxies in front of the app, each appending to X-Forwarded-For. With 0 (the default) only
# REMOTE_ADDR is trusted, so a forged X-Forwarded-For cannot dodge the lockout. With N ≥ 1 the
# client is read from X-Forwarded-For, skipping the N − 1 proxies listed after it (the last proxy
# is REMOTE_ADDR itself; django-ipware counts only the proxies inside the header).
TRUSTED_PROXIES = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("AXES_IPWARE_PROXY_COUNT must be 0 or more.")
if TRUSTED_PROXIES:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXIES - 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Production serves static files under content-hashed names (collectstatic writes them and a
# manifest), so that nginx may cache them for days and an upgrade still reaches every browser.
# Development and tests read the files as they are, with no collectstatic needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Meeting photos live under MEDIA_ROOT but are never linked directly: the photo view checks the
# scope and hands the file on through django-sendfile2 — to nginx with X-Accel-Redirect in
# production (its `/media/` location is `internal`), served by Django itself in development.
SENDFILE_BACKEND = env.str(
    "SENDFILE_BACKEND",
    default="django_sendfile.backends.simple" if DEBUG else "django_sendfile.backends.nginx",
)
SENDFILE_ROOT = MEDIA_ROOT
SENDFILE_URL = "/media"
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=8 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=40_000_000)
# Report files: outside static/ and MEDIA_ROOT, never served by URL, only by the download view.
PRIVATE_ROOT = env.path("PRIVATE_ROOT", default=BASE_DIR / "var" / "private")
REPORT_RETENTION_DAYS = env.int("REPORT_RETENTION_DAYS", default=90)
if REPORT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("REPORT_RETENTION_DAYS must be 1 or more.")
# Seconds a report job waits at each progress step: 0 in production; CI sets it to make a job
# slow enough to kill its worker half-way and watch the redelivered job finish.
REPORT_PROGRESS_DELAY = env.float("REPORT_PROGRESS_DELAY", default=0.0)
if not 0 <= REPORT_PROGRESS_DELAY <= 10:
    raise ImproperlyConfigured("REPORT_PROGRESS_DELAY must be between 0 and 10 seconds.")

# Celery: with no broker configured, tasks run eagerly in the calling process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker died unacknowledged is delivered again after this many seconds (Redis).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_BEAT_SCHEDULE = {
    # Compute and lock last month once each township's close day has come (idempotent).
    "close-due-months": {
        "task": "scoring.tasks.close_due_months",
        "schedule": crontab(hour=1, minute=30),
    },
    # Reminders on the 20th about records still missing; scheduled reports after a close day
    # and after each quarter. All idempotent: a day run twice sends and makes nothing twice.
    "daily-reminders-and-reports": {
        "task": "scoring.tasks.daily_reminders_and_reports",
        "schedule": crontab(hour=2, minute=0),
    },
    "report-files-cleanup": {
        "task": "township.tasks.report_files_cleanup",
        "schedule": crontab(hour=3, minute=15),
    },
}

# E-mail (optional): reminders are also e-mailed when EMAIL_HOST is set.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dangjian@localhost")

# JSON exchange documents: the largest one read at all (the command line), and the largest one
# the import page accepts (compose's nginx has the same client_max_body_size). Bytes.
EXCHANGE_MAX_BYTES = env.int("EXCHANGE_MAX_BYTES", default=200 * 1024 * 1024)
EXCHANGE_UPLOAD_MAX_BYTES = env.int("EXCHANGE_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
if not 0 < EXCHANGE_UPLOAD_MAX_BYTES <= EXCHANGE_MAX_BYTES:
    raise ImproperlyConfigured(
        "EXCHANGE_UPLOAD_MAX_BYTES must be more than 0 and at most EXCHANGE_MAX_BYTES."
    )

# Scoring: a branch with no recorded activity for this many days is flagged as silent.
SILENT_BRANCH_DAYS = env.int("SILENT_BRANCH_DAYS", default=30)

# Security: production (DEBUG false) turns every deploy check on.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): our own scripts, styles and images only — no inline
# script, event handler or style attribute anywhere (static/js/app.js holds the behaviour).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
