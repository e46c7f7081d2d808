"""Settings for humas: one module, every knob read from the environment.

Each variable is documented in README.md ("Configuration") with its default. Without any variable set,
the portal runs embedded: SQLite under var/, Celery tasks inline, local-memory cache, e-mail written as
.eml files under var/mail/.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HUMAS_VAR_DIR", BASE_DIR / "var"))


# --- tiny typed helpers (healthchecks-style) ---------------------------------------------------------


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(name: str, url: str) -> dict:
    import dj_database_url

    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            f"{name} is malformed: expected postgres://user@host:port/dbname or sqlite:///path, got "
            f"scheme {parts.scheme or '(none)'!r}."
        )
    if parts.scheme != "sqlite" and not parts.path.strip("/"):
        raise ImproperlyConfigured(f"{name} is malformed: it names no database (…/dbname).")
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"{name} is malformed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["connect_timeout"] = 5
        # DATABASE_POOLING=pgbouncer: PostgreSQL is reached through PgBouncer in transaction pooling mode,
        # where a server-side cursor (iterator()) would outlive the transaction it was opened in
        pooling = env_str("DATABASE_POOLING", "")
        if pooling not in {"", "pgbouncer"}:
            raise ImproperlyConfigured("DATABASE_POOLING is malformed: expected 'pgbouncer' or nothing.")
        config["DISABLE_SERVER_SIDE_CURSORS"] = pooling == "pgbouncer"
    return config


def email_from_url(name: str, url: str) -> dict[str, object]:
    """EMAIL_URL: smtp://user:pass@host:25, smtp+tls://… (STARTTLS), smtps://… (TLS), file:///dir,
    console:, locmem:, anymail://<esp> (an ESP's API through django-anymail: anymail://postmark, …)."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme in {"smtp", "smtp+tls", "smtps"}:
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name} is malformed: the port is not a number.") from None
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name} is malformed: it names no host (smtp://host:port).")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": scheme == "smtp+tls",
            "EMAIL_USE_SSL": scheme == "smtps",
        }
    if scheme == "file":
        return {"EMAIL_BACKEND": "humas.mail.EmlFileBackend", "EMAIL_FILE_PATH": parts.path}
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "anymail":
        esp = parts.netloc
        if not esp.isidentifier():
            raise ImproperlyConfigured(f"{name} is malformed: name the ESP, e.g. anymail://postmark.")
        return {"EMAIL_BACKEND": f"anymail.backends.{esp}.EmailBackend"}
    raise ImproperlyConfigured(
        f"{name} is malformed: use smtp://, smtp+tls://, smtps://, file:///dir, console:, locmem: or anymail://esp."
    )


# --- core -----------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off, set SECRET_KEY to a long random value, e.g. "
            "SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_urlsafe(50))')\"."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on-" + "x" * 20

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "Portal Humas")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "humas",
    "complaints",
    "releases",
    "mailing",
    "channels_social",
    "information",
    "open311",
    "monitoring",
    "oversight",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prose_editor",
    "axes",
    "anymail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "humas.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "humas.middleware.ApiLanguageMiddleware",
    "humas.security.RequestLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "humas.urls"
WSGI_APPLICATION = "humas.wsgi.application"

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
                "humas.context_processors.site",
            ],
        },
    },
]

# --- data -----------------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url("DATABASE_URL", DATABASE_URL)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "humas.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The recap's covering indexes (INCLUDE columns) are a PostgreSQL feature; SQLite builds them without the
# extra columns, which is all the embedded mode's small data needs, so its warning about that stays quiet.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    if urlsplit(REDIS_URL).scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured("REDIS_URL is malformed: expected redis://host:port/db.")
    # Django's Redis cache, where a Redis that is down or silent for half a second is a miss (humas.cache)
    CACHES = {
        "default": {
            "BACKEND": "humas.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "humas"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process's own memory, in front of Redis for what is read on every request and changes rarely (entries
# are keyed or checked by a version kept in "default", so a change shows everywhere within seconds).
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "humas-local"}

# Sessions live in the database so that a cache outage logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A reporter's tracking session (humas.reporter_sessions) ends when the browser closes, and a report drops out
# of it after this many minutes without a visit.
REPORTER_SESSION_IDLE_MINUTES = env_int("REPORTER_SESSION_IDLE_MINUTES", 30)

# --- the e-mail outbox (humas.outbox): an SMTP server down for days is waited for ----------------------

OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 24)  # then the row is failed: mail needing attention
OUTBOX_BACKOFF_BASE = env_int("OUTBOX_BACKOFF_BASE", 60)  # seconds before the first retry; doubles each time
OUTBOX_BACKOFF_CAP = env_int("OUTBOX_BACKOFF_CAP", 6 * 3600)  # longest wait (s) between two tries

# --- retention of personal data (humas.retention, UU 27/2022), in days -------------------------------

RETENTION_DAYS_COMPLAINT = env_int("RETENTION_DAYS_COMPLAINT", 730)  # after a complaint is closed
RETENTION_DAYS_ASPIRATION = env_int("RETENTION_DAYS_ASPIRATION", 730)  # after an aspiration is closed
RETENTION_DAYS_INFORMATION_REQUEST = env_int("RETENTION_DAYS_INFORMATION_REQUEST", 730)  # after it is finished
RETENTION_DAYS_UNCONFIRMED_SUBSCRIBER = env_int("RETENTION_DAYS_UNCONFIRMED_SUBSCRIBER", 30)  # then deleted
RETENTION_DAYS_UNSUBSCRIBED = env_int("RETENTION_DAYS_UNSUBSCRIBED", 30)  # then only a suppression hash stays
RETENTION_DAYS_OUTBOX = env_int("RETENTION_DAYS_OUTBOX", 90)  # sent or failed e-mails (they name the recipient)

# --- Celery (read by humas/celery.py with namespace CELERY) -----------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up closes the database connection before and after every task unless this is set:
# a new PostgreSQL connection per task. humas/celery.py instead runs close_old_connections() around each
# task, as Django does around a request, so DATABASE_CONN_MAX_AGE and the health checks apply to workers too.
CELERY_DB_REUSE_MAX = 10**9
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
# With acks_late, an unacknowledged task is redelivered after the visibility timeout: it must be longer
# than the longest task (the hard time limit) and than any countdown/ETA we use.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT.")
# max_retries bounds kombu's reconnection loop when a task is published (without it a publish to a stopped
# Redis takes seconds, to a silent one forever); the socket timeouts bound a Redis that accepts but does
# not answer. A publish that fails leaves its work to a sweeper (humas.outbox). Workers wait for tasks with
# BRPOP through their event loop, which reads only when Redis has answered: the timeouts do not cut it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
    "socket_connect_timeout": 0.5,
    "socket_timeout": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Publishing a task must not hang a web request when Redis is down: the outbox sweep covers for it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")

# --- mail -----------------------------------------------------------------------------------------

_email = email_from_url("EMAIL_URL", env_str("EMAIL_URL", f"file://{VAR_DIR / 'mail'}"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = 20
# django-anymail (EMAIL_URL=anymail://<esp>): every ANYMAIL_<NAME> variable is ANYMAIL["<NAME>"], e.g.
# ANYMAIL_POSTMARK_SERVER_TOKEN. ANYMAIL_WEBHOOK_SECRET ("user:password") turns the ESP's tracking webhook on
# at /anymail/<esp>/tracking/ (bounces and complaints reach mailing.subscriptions.record_bounce).
ANYMAIL = {key.removeprefix("ANYMAIL_"): value for key, value in os.environ.items() if key.startswith("ANYMAIL_")}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Humas <humas@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- auth -----------------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "humas:login"
LOGIN_REDIRECT_URL = "humas:staff_home"
LOGOUT_REDIRECT_URL = "humas:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Failed staff logins: 5 per account and, separately, 5 per IP address lock that key for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# the (account, address) pair, and an address guessing across accounts; never an account alone, so nobody can
# lock a known account out from elsewhere. IPv6 addresses count by their /64 (humas.security.lockout_address)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "humas.security.lockout_address"
# How many reverse proxies in front of the portal append to X-Forwarded-For (0: trust REMOTE_ADDR only).
PROXY_COUNT = env_int("PROXY_COUNT", 0)

# --- complaints: anti-abuse without outside services ---------------------------------------------------------

COMPLAINT_FORM_MIN_SECONDS = env_int("COMPLAINT_FORM_MIN_SECONDS", 3)  # faster than this is a robot
COMPLAINT_SUBMIT_LIMIT = env_int("COMPLAINT_SUBMIT_LIMIT", 10)  # reports per address per hour
COMPLAINT_TRACK_LIMIT = env_int("COMPLAINT_TRACK_LIMIT", 30)  # tracking look-ups per address per 10 minutes
INFORMATION_SUBMIT_LIMIT = env_int("INFORMATION_SUBMIT_LIMIT", 10)  # information requests per address per hour
# the registration number of an information request: {seq} the unit's yearly sequence, {unit} its short name,
# {month} the month in Roman numerals, {year}
INFORMATION_NUMBER_FORMAT = env_str("INFORMATION_NUMBER_FORMAT", "{seq:03d}/PPID-{unit}/{month}/{year}")
# e-mails a stranger can have sent to one address (receipt, subscription confirmation, password reset): at most
# one per 10 minutes and this many per day
MAIL_RECIPIENT_DAILY_LIMIT = env_int("MAIL_RECIPIENT_DAILY_LIMIT", 5)
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5)  # password-reset forms per client address per hour
PASSWORD_RESET_MIN_SECONDS = 0.4  # every reset request answers after this long, known address or not
# the largest request body accepted at all (checked from Content-Length before anything reads the body): five
# 10 MB attachments and the form around them
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_MB", 55) * 1024 * 1024

# --- maps (humas.geo): the tile server, its attribution, and the country a reported point must lie in ----------

MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


def _bbox(name: str, default: str) -> tuple[float, float, float, float]:
    raw = env_str(name, default)
    try:
        south, west, north, east = (float(part) for part in raw.split(","))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be four numbers south,west,north,east, not {raw!r}.") from None
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        raise ImproperlyConfigured(f"{name} must be south,west,north,east in degrees, not {raw!r}.")
    return south, west, north, east


MAP_GEOCODER_URL = env_str("MAP_GEOCODER_URL", "")  # a Nominatim-compatible server; empty: no place names
if MAP_GEOCODER_URL and not MAP_GEOCODER_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"MAP_GEOCODER_URL must be an http(s) URL, not {MAP_GEOCODER_URL!r}.")
MAP_COUNTRY_BBOX = _bbox("MAP_COUNTRY_BBOX", "-11.5,94.5,6.5,141.5")  # Indonesia, with its seas
OPEN311_REQUEST_LIMIT = env_int("OPEN311_REQUEST_LIMIT", 60)  # Open311 POSTs per API key per hour
DASHBOARD_REFRESH_SECONDS = env_int("DASHBOARD_REFRESH_SECONDS", 30)  # the staff dashboard polls this often

# --- i18n, time -----------------------------------------------------------------------------------

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")

# --- static and media -----------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise wants it even before collectstatic
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Complaint attachments: outside any public URL, served only through views that check access.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# Public media on object storage when one machine is not enough: MEDIA_STORAGE_BACKEND names a storage class
# (e.g. django-storages' storages.backends.s3.S3Storage, installed separately) and MEDIA_STORAGE_OPTIONS its
# options as JSON. Complaint attachments stay under PRIVATE_MEDIA_ROOT, behind the access checks.
try:
    _media_options = json.loads(env_str("MEDIA_STORAGE_OPTIONS", "{}"))
except ValueError:
    raise ImproperlyConfigured("MEDIA_STORAGE_OPTIONS is malformed: expected a JSON object.") from None
if not isinstance(_media_options, dict):
    raise ImproperlyConfigured("MEDIA_STORAGE_OPTIONS is malformed: expected a JSON object.")
STORAGES = {
    "default": {
        "BACKEND": env_str("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": _media_options,
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- security -------------------------------------------------------------------------------------

HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_int("PROXY_COUNT", 0) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy sent by humas.security.SecurityHeadersMiddleware. Media may live on another
# domain (MEDIA_URL), so images from there are allowed.
_media_origin = "{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)) if "://" in MEDIA_URL else ""
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        f"img-src 'self' data: {_media_origin}".strip(),
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _map_policy(policy: str, tile_url: str) -> str:
    """The CSP of a page that shows a map: the tile server's host is allowed as an image source there only."""
    origin = tile_url.split("://", 1)
    if len(origin) != 2:
        return policy
    host = origin[1].split("/", 1)[0].replace("{s}.", "*.")
    return policy.replace("img-src 'self' data:", f"img-src 'self' data: {origin[0]}://{host}", 1)


CONTENT_SECURITY_POLICY_MAP = _map_policy(CONTENT_SECURITY_POLICY, MAP_TILE_URL)

# --- API ------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "humas.api_errors.handler",
    "DEFAULT_PARSER_CLASSES": [
        "humas.api_errors.JSONObjectParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Humas API",
    "DESCRIPTION": "API portal humas: unit kerja, pengaduan, siaran pers, kanal media sosial.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "humas.api_errors.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "humas.models.UnitKind",
        "ComplaintKindEnum": "complaints.models.Kind",
        "ComplaintStatusEnum": "complaints.models.Status",
        "ReleaseStatusEnum": "releases.models.Status",
    },
}

# --- press releases ---------------------------------------------------------------------------------

# Cached newsroom pages: each web process re-reads the newsroom's version at most this often (seconds), so a
# publication shows everywhere within that time.
RELEASES_VERSION_CHECK_SECONDS = float(env_int("RELEASES_VERSION_CHECK_MS", 1000)) / 1000

# --- logging: never personal data; request bodies are not logged ------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.security.DisallowedHost": {"level": "ERROR"}},
}

# --- mailing: the media-partner mailing list (/mitra-media/) -------------------------------------------

SUBSCRIBE_LIMIT = env_int("SUBSCRIBE_LIMIT", 10)  # subscription forms per address per hour
SUBSCRIBE_FORM_MIN_SECONDS = env_int("SUBSCRIBE_FORM_MIN_SECONDS", 3)
SUBSCRIBE_CONFIRM_DAYS = env_int("SUBSCRIBE_CONFIRM_DAYS", 7)  # the confirmation link expires after this
EMBARGO_PREVIEW_DAYS = env_int("EMBARGO_PREVIEW_DAYS", 14)  # an embargoed preview link expires after this
SUBSCRIBER_BOUNCE_LIMIT = env_int("SUBSCRIBER_BOUNCE_LIMIT", 3)  # hard bounces before an address is stopped
DISPATCH_BATCH_SIZE = env_int("DISPATCH_BATCH_SIZE", 100)  # messages per send task, one SMTP connection each
DISPATCH_RATE_PER_SECOND = env_int("DISPATCH_RATE_PER_SECOND", 0)  # all workers together; 0: no limit
DISPATCH_MAX_ATTEMPTS = env_int("DISPATCH_MAX_ATTEMPTS", 16)  # transient failures before a delivery fails
DISPATCH_BACKOFF_CAP = env_int("DISPATCH_BACKOFF_CAP", 6 * 3600)  # longest wait (s) between two tries
DISPATCH_LEASE_SECONDS = env_int("DISPATCH_LEASE_SECONDS", 600)  # a claimed batch not done by then is re-sent

# --- monitoring: news feeds, clippings, sentiment, issues (/staf/isu/) -----------------------------------

MONITORING_FETCH_TIMEOUT = env_int("MONITORING_FETCH_TIMEOUT", 10)  # seconds to connect, and between bytes
MONITORING_FETCH_MAX_BYTES = env_int("MONITORING_FETCH_MAX_BYTES", 5 * 1024 * 1024)  # a larger feed is refused
# Feeds on loopback addresses (127.0.0.0/8, ::1) are refused like private networks unless this is on: only for
# the test suite's local servers. Private, link-local and reserved addresses are always refused (SSRF).
MONITORING_ALLOW_LOOPBACK = env_bool("MONITORING_ALLOW_LOOPBACK", False)
MONITORING_USER_AGENT = env_str("MONITORING_USER_AGENT", f"HumasMonitor/1.0 (+{SITE_URL})")
# An issue with at least this many negative clippings and complaints in the last 6 hours e-mails the admins.
MONITORING_NEGATIVE_ALERT_THRESHOLD = env_int("MONITORING_NEGATIVE_ALERT_THRESHOLD", 5)
MONITORING_SENTIMENT_MODEL = Path(
    env_str("MONITORING_SENTIMENT_MODEL", str(BASE_DIR / "monitoring" / "model" / "sentiment.npz"))
)
