"""AutoFile settings: one module, every value read from the environment.

Production differs from development only by environment variables; `.env.example`
lists each one. `*_FILE` variants read a secret from a file (Docker/K8s secrets).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """A setting from the environment, or from the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


DEBUG = env_bool("DEBUG")
SECRET_KEY = env("SECRET_KEY") or ("insecure-dev-key-set-SECRET_KEY" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
# Fernet keys for secrets stored in the database (ServiceTitan client secrets).
# FIELD_ENCRYPTION_KEY encrypts (a comma-separated list: the first encrypts, all decrypt);
# FIELD_ENCRYPTION_OLD_KEYS only decrypt ("derived" = the key derived from SECRET_KEY, which
# is what AutoFile used while FIELD_ENCRYPTION_KEY was unset). Rotation: README "Rotating
# the field encryption key". Unset, a key is derived from SECRET_KEY: development and tests
# only; without DEBUG the web server and the workers refuse it (autofile/core/deploy.py).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEY")
FIELD_ENCRYPTION_OLD_KEYS = env_list("FIELD_ENCRYPTION_OLD_KEYS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
DATA_DIR = Path(env("AUTOFILE_DATA_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "autofile.core",
    "autofile.accounts",
    "autofile.mirror",
    "autofile.packets",
    "autofile.review",
    "autofile.writeback",
    "autofile.outreach",
    "autofile.filing",
    "autofile.notifications",
    "autofile.api",
    "autofile.devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "autofile.accounts.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "autofile.accounts.middleware.CurrentOrganizationMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into the page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "autofile.urls"
WSGI_APPLICATION = "autofile.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "review:queue"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "autofile.accounts.context_processors.tenancy",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/autofile"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # No Redis (demo on a bare machine): a database cache, created by `createcachetable`.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "autofile_cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "America/Chicago")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# HTTPS. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
# (only if the proxy always sets that header) so request.is_secure() and absolute links
# (invitation e-mails) say https. README "Production install" lists the values to use.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = env_list("SECURE_REDIRECT_EXEMPT")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise RuntimeError("SECURE_PROXY_SSL_HEADER is HEADER,VALUE, e.g. HTTP_X_FORWARDED_PROTO,https")
SECURE_PROXY_SSL_HEADER = (
    (_proxy_ssl_header[0], _proxy_ssl_header[1]) if _proxy_ssl_header else None
)
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST")
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy of every page (django-csp): scripts and styles from our own static
# files only (htmx included: its indicator style is in app.css, see base.html), no inline
# script, style or handler. Responses that set their own policy keep it (uploaded files are
# sandboxed, the homeowner's pages have theirs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Signed-in sessions end after SESSION_IDLE_TIMEOUT seconds without a request (0 = only
# when the browser's session cookie expires, SESSION_COOKIE_AGE: two weeks by default).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 0)
# The Django admin (/admin/) exists only with ADMIN_ENABLED=1; then staff users sign in there
# and see the organizations they are members of (superusers: all), for support.
ADMIN_ENABLED = env_bool("ADMIN_ENABLED")
# Where people reach AutoFile (https://autofile.example.com): links built outside a request,
# such as the invitation `manage.py organization_create` prints.
PUBLIC_URL = env("PUBLIC_URL")

# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username, or
# from one client address, that username / address is refused for AXES_COOLOFF_MINUTES. Each
# lockout is logged (logger "autofile.security"); support unlocks with
# `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS` or in the Django admin.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "autofile.accounts.security.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLE_ADMIN = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "autofile.accounts.security.client_ip"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Email (invitations, homeowner and technician requests): SMTP when EMAIL_HOST is set,
# else printed to the console.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "AutoFile <autofile@localhost>")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 15)
# The demo's mailbox (EMAIL_BACKEND=autofile.devtools.mailbox.MailboxBackend, which `make
# demo` sets when EMAIL_HOST is empty): messages kept here and shown at /dev/mailbox/.
MAILBOX_DIR = Path(env("MAILBOX_DIR") or DATA_DIR / "mailbox")

# Outreach (homeowner and technician requests). Links are built on OUTREACH_PUBLIC_URL
# (e.g. https://autofile.example.com) when set, else on the address the reviewer used.
OUTREACH_PUBLIC_URL = env("OUTREACH_PUBLIC_URL")
OUTREACH_UPLOAD_MAX_BYTES = env_int("OUTREACH_UPLOAD_MAX_BYTES", 15 * 1024 * 1024)
OUTREACH_RATE_LIMIT = env_int("OUTREACH_RATE_LIMIT", 60)  # requests a minute per address
# Notifications: the daily digest goes out at this hour (UTC), at most once per
# NOTIFICATIONS_DIGEST_MIN_HOURS per member; its links are built on OUTREACH_PUBLIC_URL.
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 7)
NOTIFICATIONS_DIGEST_MIN_HOURS = env_int("NOTIFICATIONS_DIGEST_MIN_HOURS", 20)
# Behind a reverse proxy: the META key holding the client address (HTTP_X_FORWARDED_FOR),
# used by the login lockout and the outreach rate limit.
TRUSTED_PROXY_HEADER = env("TRUSTED_PROXY_HEADER") or env("OUTREACH_TRUSTED_PROXY_HEADER")
OUTREACH_TRUSTED_PROXY_HEADER = TRUSTED_PROXY_HEADER

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "autofile.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["autofile.api.permissions.OrganizationAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["autofile.api.throttling.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "autofile.api.pagination.ApiCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "autofile.api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per token (or signed-in user) per period: "600/min"; empty = no limit.
API_RATE_LIMIT = env("API_RATE_LIMIT", "600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "AutoFile API",
    "DESCRIPTION": (
        "Rebate packets, corrections, programs, rules and sync status of one organization. "
        "Authenticate with `Authorization: Bearer <token>`; errors are RFC 9457 problem "
        "documents; lists are cursor-paginated."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "autofile.api.schema.problem_responses",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery -----------------------------------------------------------------
# Redis when REDIS_URL is set; otherwise Celery's filesystem transport so the demo
# runs on a machine with nothing installed.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = DATA_DIR / "celery-queue"
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(DATA_DIR / "celery-processed"),
        "store_processed": False,
    }
else:
    # Long waits live in the database (next_attempt_at + a beat sweeper), so a short
    # visibility timeout only bounds how soon a killed worker's task is redelivered.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# --- ServiceTitan -------------------------------------------------------------
# Requests per second per (app key, tenant); ServiceTitan documents 60.
SERVICETITAN_RATE_LIMIT = env_int("SERVICETITAN_RATE_LIMIT", 60)
# How long a sync holds its (connection, resource) lease without renewing it (every page
# renews it): after a worker dies, another takes the sync over once this has passed.
SYNC_LEASE_SECONDS = env_int("SYNC_LEASE_SECONDS", 120)
# Write-back: a failed delivery (429, 5xx, timeout) waits base * 2**attempt seconds (with
# jitter), at most the cap, and is given up as failed after the maximum attempts.
WRITEBACK_RETRY_BASE_SECONDS = env_int("WRITEBACK_RETRY_BASE_SECONDS", 30)
WRITEBACK_RETRY_MAX_SECONDS = env_int("WRITEBACK_RETRY_MAX_SECONDS", 3600)
WRITEBACK_MAX_ATTEMPTS = env_int("WRITEBACK_MAX_ATTEMPTS", 12)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "httpx": {"level": "WARNING"},  # the client logs its own calls, redacted
        "integrations.servicetitan": {"level": env("SERVICETITAN_LOG_LEVEL", "INFO")},
    },
}
