"""Kredsløb settings: one module, read from the environment, safe development defaults.

Every variable is listed in `.env.example`. Nothing outside this module reads the environment.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KREDSLOB_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "dev-only-insecure-secret-key-kredslob-do-not-use-in-production"  # noqa: S105 — development only; refused when DEBUG is off
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "listings",
    "notifications",
    "repairs",
    "donations",
    "marketplace",
    "impact",
    "privacy",
    "api",
    "frontend",
    "demo",
    "django_htmx",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-htmx sets `request.htmx` so a view can answer an htmx request with a fragment of the page.
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: locks out after repeated failed logins (web, admin and API token).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.unread",
                # Last: while a page is built for the anonymous page cache, its CSRF tokens are a placeholder.
                "core.pagecache.csrf_placeholder",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL via DATABASE_URL -------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kredslob.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web process and the worker share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that worker processes started by tests see the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The queries `core.precompiled` keeps (a listing by its id, its photos) are prepared on each connection after
    # this many runs, so PostgreSQL plans them once; every other query is bound client-side, as Django does by
    # default, and never prepared. 0 turns preparing off: needed only behind a pooler in transaction mode that
    # cannot keep prepared statements (PgBouncer before 1.21, or without max_prepared_statements).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = env_int("DB_PREPARE_THRESHOLD", 5) or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login lockout (django-axes): per email and IP address together, so one attacker can't lock a person out
# from everywhere; 15 minutes cool-off.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_VERBOSE = False
# The address a failure counts against: the same function as the throttles and the logs (core.http).
AXES_CLIENT_IP_CALLABLE = "core.http.client_key"
# Passwords: Argon2id at OWASP's parameters (core/passwords.py says why); the others only read older hashes, which
# are re-hashed with the first at the next log-in. Django's own Argon2 hasher is not listed: it has the same algorithm
# name, would stand in for ours (the last of a name wins) and re-hash every log-in. Ours reads any Argon2 hash.
PASSWORD_HASHERS = [
    "core.passwords.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# --- Language and time -----------------------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "frontend" / "locale"]
# Short dates as each language writes them ("1. dec. 2026", "1 Dec 2026"); Django's formats fill in the rest.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Photo originals can carry GPS positions: they live in their own storage that no URL serves.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
# Object storage (the S3 API, through django-storages): set both bucket names and every host shares media through
# it — nothing is written to a host's disk. Unset, local folders are the embedded default (`make run`).
# Public derivatives go to AWS_STORAGE_BUCKET_NAME, URLs from AWS_S3_CUSTOM_DOMAIN (a CDN) or an absolute MEDIA_URL;
# originals to AWS_PRIVATE_BUCKET_NAME, written `private`, never given a public URL (docs/operations.md).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_PRIVATE_BUCKET_NAME = os.environ.get("AWS_PRIVATE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL", "") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME", "") or None
AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "")
AWS_LOCATION = os.environ.get("AWS_LOCATION", "")
# Canned ACL for the derivatives: empty when a bucket policy (or the CDN) makes the bucket readable.
AWS_PUBLIC_ACL = os.environ.get("AWS_PUBLIC_ACL", "") or None
OBJECT_STORAGE = bool(AWS_STORAGE_BUCKET_NAME and AWS_PRIVATE_BUCKET_NAME)
if bool(AWS_STORAGE_BUCKET_NAME) != bool(AWS_PRIVATE_BUCKET_NAME):
    raise ImproperlyConfigured("Set both AWS_STORAGE_BUCKET_NAME and AWS_PRIVATE_BUCKET_NAME, or neither.")
if OBJECT_STORAGE and AWS_STORAGE_BUCKET_NAME == AWS_PRIVATE_BUCKET_NAME:
    raise ImproperlyConfigured("AWS_PRIVATE_BUCKET_NAME must not be the public bucket: originals are never public.")


def s3_storage(*, bucket: str, public: bool, location: str = AWS_LOCATION) -> dict[str, Any]:
    """A STORAGES entry for one bucket (also used by the tests and scripts/drill.py)."""
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": AWS_S3_ENDPOINT_URL,
        "region_name": AWS_S3_REGION_NAME,
        "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
        "location": location,
        "file_overwrite": False,
        "addressing_style": "path" if AWS_S3_ENDPOINT_URL else None,
    }
    if public:
        domain = AWS_S3_CUSTOM_DOMAIN
        protocol = "https:"
        if not domain and MEDIA_URL.startswith(("http://", "https://")):
            protocol, _, rest = MEDIA_URL.partition("//")
            domain = rest.rstrip("/")
        options |= {"default_acl": AWS_PUBLIC_ACL, "querystring_auth": False, "custom_domain": domain or None}
        options["url_protocol"] = protocol
    else:
        # Never public: written private, no CDN domain; a URL, if anything asked for one, is presigned and short.
        options |= {
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": None,
            "querystring_expire": 300,
        }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES: dict[str, dict[str, Any]] = {
    "default": (
        s3_storage(bucket=AWS_STORAGE_BUCKET_NAME, public=True)
        if OBJECT_STORAGE
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
        }
    ),
    "private": (
        s3_storage(bucket=AWS_PRIVATE_BUCKET_NAME, public=False)
        if OBJECT_STORAGE
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
        }
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
# Where the optional RUM index exists, relevance search reads a rare word's bounded candidates (the newest
# matches) from it in order; a common word's from the btree index (listings.search._rum_for). `auto` chooses by
# word frequency; `always` / `never` force one (docs/performance.md has the measurements).
SEARCH_RUM_ORDER = os.environ.get("SEARCH_RUM_ORDER", "auto")

# Upload limits (photos): bytes, pixels, photos per listing.
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 20 * 1024 * 1024)
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 50_000_000)
PHOTO_MAX_PER_LISTING = env_int("PHOTO_MAX_PER_LISTING", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Email -----------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # for the file-based backend
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before a silent mail server counts as away: a hung connection must not hold the digest up for everyone.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kredsløb <noreply@kredslob.local>")

# --- Celery ----------------------------------------------------------------------------------------
# Default: kombu's filesystem transport under var/ — an embedded broker that needs no server, with a real
# worker process. Production: Redis (REDIS_URL or CELERY_BROKER_URL).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
else:
    # max_retries 0: a publish makes one connection attempt instead of retrying for the whole connect timeout
    # (2 s per upload during an outage). The worker's own reconnect loop has its own retry settings.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "max_retries": 0}
# Publishing must never hang a web request when the broker is down: fail fast, the sweep re-queues.
# The queue tasks are sent to and workers take from (every host of one deployment shares it).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "") or "celery"
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic tasks; each app adds its entries here (name -> task and schedule in seconds).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}

# --- Client address and throttling -------------------------------------------------------------------
# How many reverse proxies stand in front of the app, each appending the address it got the request from to
# X-Forwarded-For (nginx, Caddy: 1; a CDN in front of nginx: 2). 0: none, the header is ignored and the TCP peer
# is the client. Throttles (API and pages), the login lockout and the logs all read the client's address from
# it through core.http.client_ip; a count larger than the real one lets clients choose their address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT is the number of reverse proxies: 0 or more.")

# --- REST framework and OpenAPI --------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.problem_exception_handler",
    # DRF's three throttles, counting through core.throttle (atomic, one client address for API and pages).
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttle.AnonRateThrottle",
        "core.throttle.UserRateThrottle",
        "core.throttle.ScopedRateThrottle",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "300/min"),
        "user": os.environ.get("THROTTLE_USER", "1200/min"),
        # Log-ins: POST /api/v1/auth/token/ and the /login/ page, per client address.
        "auth": os.environ.get("THROTTLE_AUTH", "20/min"),
        # New accounts: POST /api/v1/auth/register/ and the /signup/ page, per client address.
        "signup": os.environ.get("THROTTLE_SIGNUP", "20/hour"),
        # Password-reset mails (/password-reset/): per client address, and per email address asked for.
        "password_reset": os.environ.get("THROTTLE_PASSWORD_RESET", "10/hour"),
        "password_reset_email": os.environ.get("THROTTLE_PASSWORD_RESET_EMAIL", "3/hour"),
        # Workshop invitations (each one a mail to an address the owner chose), per owner.
        "invite": os.environ.get("THROTTLE_INVITE", "30/hour"),
        # The public ORDS export: a differently filtered export is a new build, so each client gets a few a minute.
        "ords_export": os.environ.get("THROTTLE_ORDS_EXPORT", "30/min"),
        # A person's data download from My page (POST /profile/data/), per account: each one builds a whole export.
        "data_export": os.environ.get("THROTTLE_DATA_EXPORT", "10/hour"),
        # The period report PDF (GET /api/v1/impact/report.pdf): each one is built afresh, so a few a minute.
        "impact_report": os.environ.get("THROTTLE_IMPACT_REPORT", "10/min"),
        # The public certificate check /verify/<code>/, per client address (codes are 128 bits; no guessing).
        "verify": os.environ.get("THROTTLE_VERIFY", "30/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kredsløb API",
    "DESCRIPTION": "Local circular-economy marketplace for Aalborg Øst (9220).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Two choice sets are both called `role`: a workshop member's, and a side of a trade.
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "accounts.models.Role",
        "TradeRoleEnum": ["buyer", "seller"],
        # Four choice sets are called `kind`: a listing's, an organisation's, a donation batch's and a material lot's.
        "ListingKindEnum": "listings.models.Kind",
        "OrganisationKindEnum": "accounts.models.OrganisationKind",
        "BatchKindEnum": "donations.models.BatchKind",
        "MaterialKindEnum": "donations.models.MaterialKind",
    },
    # Swagger UI's files are served by the project itself (no CDN), see drf-spectacular-sidecar.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema documents the problem+json error responses of every operation.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_problem_responses"],
}

# With Redis, a Redis outage degrades the cache to misses (throttling fails open) instead of failing requests.
CACHES = {
    "default": (
        {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# The anonymous page cache (core.pagecache): anonymous visitors' home, browse, search, listing and impact pages, the
# listings API's pages and the public impact figures, kept per catalogue version, which every change to what is
# public renews (a reservation only reaches anonymous pages when its entries expire). On with Redis (seconds an entry
# lives), off (0) without it: `make run` and the SQLite tests build every page.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 120 if REDIS_URL else 0)

# --- Security --------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Messages ("Your profile is saved.") live in the session, not in a cookie of their own: the only cookies the site
# sets are sessionid, csrftoken and django_language, all strictly necessary (the privacy policy says so, and
# tests/frontend/test_privacy_pages.py checks the cookies of real responses).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if TRUSTED_PROXY_COUNT:
        # Only a proxy we trust may say the request came over HTTPS; without one the header is the client's word.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content Security Policy (django-csp): only this site's own scripts and styles, no inline code at all — pages
# keep CSS and JS in static files. Media may live on a separate domain (MEDIA_URL), so its origin is allowed
# for images.
# On object storage, derivative URLs are on the media domain (AWS_S3_CUSTOM_DOMAIN), else on the S3 endpoint's.


def _origin(url: str) -> str:
    return "/".join(url.split("/")[:3]) if url.startswith(("http://", "https://")) else ""


_media_origin = _origin(MEDIA_URL)
if OBJECT_STORAGE and AWS_S3_CUSTOM_DOMAIN:
    _media_origin = f"https://{AWS_S3_CUSTOM_DOMAIN.split('/')[0]}"
elif OBJECT_STORAGE and not _media_origin:
    _media_origin = _origin(AWS_S3_ENDPOINT_URL or "") or "https://*.amazonaws.com"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *([_media_origin] if _media_origin else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Domain settings -------------------------------------------------------------------------------
RESERVATION_HOURS = env_int("RESERVATION_HOURS", 48)
# How long a workshop's invitation link works.
WORKSHOP_INVITATION_DAYS = env_int("WORKSHOP_INVITATION_DAYS", 14)
# The public ORDS export is built once per query and kept in the cache this long (a completed job or an import
# makes every cached export stale at once).
ORDS_EXPORT_CACHE_SECONDS = env_int("ORDS_EXPORT_CACHE_SECONDS", 300)
# One buyer holds at most this many open (pending or confirmed) reservations at once, and waits this long before
# reserving again an item whose reservation they cancelled or let expire: no account can hold the marketplace.
RESERVATION_MAX_OPEN_PER_BUYER = env_int("RESERVATION_MAX_OPEN_PER_BUYER", 5)
RESERVATION_RETRY_AFTER_MINUTES = env_int("RESERVATION_RETRY_AFTER_MINUTES", 60)
# How long an offer ("Giv et bud") or a counter-offer stands before it expires.
OFFER_EXPIRY_HOURS = env_int("OFFER_EXPIRY_HOURS", 48)
LCA_CSV = BASE_DIR / "listings" / "data" / "lca_categories.csv"

# --- Periodic work (Celery beat) -----------------------------------------------------------------------
CELERY_BEAT_SCHEDULE["trade-reservations-expire"] = {
    "task": "marketplace.tasks.reservations_expire",
    "schedule": env_int("RESERVATION_EXPIRY_EVERY_SECONDS", 300),
}
CELERY_BEAT_SCHEDULE["trade-offers-expire"] = {
    "task": "marketplace.tasks.offers_expire",
    "schedule": env_int("OFFER_EXPIRY_EVERY_SECONDS", 900),
}
CELERY_BEAT_SCHEDULE["trade-messages-notify"] = {
    "task": "marketplace.tasks.messages_notify",
    "schedule": env_int("MESSAGE_EMAIL_EVERY_SECONDS", 300),
}
CELERY_BEAT_SCHEDULE["trade-saved-searches-digest"] = {
    "task": "marketplace.tasks.saved_searches_digest",
    "schedule": env_int("SAVED_SEARCH_DIGEST_EVERY_SECONDS", 86_400),
}

# Notification emails: a send that failed (or a message lost on its way) is queued again by the sweep, which runs
# every NOTIFICATION_SWEEP_EVERY_SECONDS, once NOTIFICATION_EMAIL_RETRY_SECONDS have passed since the last try;
# after NOTIFICATION_EMAIL_MAX_ATTEMPTS sends the email is given up (`email_failed_at`).
NOTIFICATION_EMAIL_RETRY_SECONDS = env_int("NOTIFICATION_EMAIL_RETRY_SECONDS", 900)
NOTIFICATION_EMAIL_MAX_ATTEMPTS = env_int("NOTIFICATION_EMAIL_MAX_ATTEMPTS", 8)
NOTIFICATION_SWEEP_EVERY_SECONDS = env_int("NOTIFICATION_SWEEP_EVERY_SECONDS", 300)
CELERY_BEAT_SCHEDULE["notifications-sweep"] = {
    "task": "notifications.tasks.notifications_sweep",
    "schedule": NOTIFICATION_SWEEP_EVERY_SECONDS,
}

# Photos: a photo still `pending` this many seconds after upload (or its last re-queue) is re-queued by the sweep,
# which runs every PHOTO_SWEEP_EVERY_SECONDS. Only a processing start counts as an attempt (a re-queue during
# a broker outage costs nothing); at PHOTO_MAX_ATTEMPTS the photo is marked failed.
PHOTO_PENDING_REQUEUE_SECONDS = env_int("PHOTO_PENDING_REQUEUE_SECONDS", 600)
PHOTO_SWEEP_EVERY_SECONDS = env_int("PHOTO_SWEEP_EVERY_SECONDS", 300)
PHOTO_MAX_ATTEMPTS = env_int("PHOTO_MAX_ATTEMPTS", 5)
# A dotted path to a callable taking a list of URLs of public files just deleted (a deleted photo, the photos of a
# listing a moderator hid), for a CDN in front of the media to forget them. Empty: no CDN (docs/operations.md).
MEDIA_CDN_PURGE = os.environ.get("MEDIA_CDN_PURGE", "")
CELERY_BEAT_SCHEDULE["photos-sweep"] = {
    "task": "listings.tasks.photos_sweep",
    "schedule": float(PHOTO_SWEEP_EVERY_SECONDS),
}

# --- Privacy: the data controller and storage limitation --------------------------------------------------------
# Who answers for the personal data (GDPR art. 13): each operator fills this in; shown on /privacy/ and /about/.
DATA_CONTROLLER_NAME = os.environ.get("DATA_CONTROLLER_NAME", "Kredsløb Aalborg Øst (demo)")
DATA_CONTROLLER_ADDRESS = os.environ.get("DATA_CONTROLLER_ADDRESS", "Kildeparken 1, 9220 Aalborg Øst")
DATA_CONTROLLER_EMAIL = os.environ.get("DATA_CONTROLLER_EMAIL", "privacy@kredslob.local")
DATA_CONTROLLER_CVR = os.environ.get("DATA_CONTROLLER_CVR", "")
# A photo's private original (it can carry GPS) is deleted this many days after its public copies are ready (or
# after it failed); the copies have no metadata. Login records (django-axes attempts and logs) and expired sessions
# go after LOGIN_RECORD_RETENTION_DAYS. `privacy.tasks.retention_enforce` does both, at most RETENTION_BATCH rows of
# each kind per run, every RETENTION_EVERY_SECONDS. The privacy policy states the periods from these settings.
PHOTO_ORIGINAL_RETENTION_DAYS = env_int("PHOTO_ORIGINAL_RETENTION_DAYS", 30)
LOGIN_RECORD_RETENTION_DAYS = env_int("LOGIN_RECORD_RETENTION_DAYS", 30)
RETENTION_BATCH = env_int("RETENTION_BATCH", 500)
RETENTION_EVERY_SECONDS = env_int("RETENTION_EVERY_SECONDS", 3600)
if PHOTO_ORIGINAL_RETENTION_DAYS < 0 or LOGIN_RECORD_RETENTION_DAYS < 1 or RETENTION_BATCH < 1:
    raise ImproperlyConfigured("Retention periods are days (0 or more for originals, 1 or more for login records).")
CELERY_BEAT_SCHEDULE["privacy-retention"] = {
    "task": "privacy.tasks.retention_enforce",
    "schedule": float(RETENTION_EVERY_SECONDS),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
