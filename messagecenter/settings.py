"""Settings for Message Center, driven by the environment.

With no environment at all the project runs embedded: SQLite under ``var/``, a Celery broker
on the filesystem (a real worker process, no server), emails written to ``var/mail``.
Set ``DATABASE_URL`` and ``REDIS_URL`` for PostgreSQL and Redis.
"""

import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required unless DEBUG is on.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

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
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets served from here, not a CDN
    "accounts",
    "orders",
    "messaging",
    "notifications",
]

MIDDLEWARE = [
    # Outermost: the request id, one JSON log line and the latency of every request.
    "core.request_context.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.security_headers.SecurityHeadersMiddleware",
    # /healthz, /readyz, /metrics: answered before anything reads the Host header.
    "core.probes.ProbeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    # After the language (a member reads the site in their own): a team member acts for the shop.
    "accounts.members.ShopMemberMiddleware",
    # After authentication: sessions and users are always read from the primary.
    "core.replica.ReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "messagecenter.urls"
WSGI_APPLICATION = "messagecenter.wsgi.application"

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
                "messaging.threads.context_processors.unread_badge",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# DATABASE_URL names PgBouncer in transaction pooling (docker-compose.yml): each transaction may
# run on another server connection, so nothing may outlive one. No server-side cursors (an
# .iterator() outside a transaction DECLAREs one WITH HOLD); no prepared statements (psycopg
# prepares none with prepare_threshold None, Django's default, kept explicit here, and the
# default client-side binding cursors never do); and no "options" startup parameter, which
# PgBouncer refuses: the server's own max_parallel_workers_per_gather applies instead.
DB_TRANSACTION_POOLING = env_bool("DB_TRANSACTION_POOLING", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    if DB_TRANSACTION_POOLING:
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        _db_options["prepare_threshold"] = None
    else:
        # Every query the app runs reads a few index pages. A parallel plan would start worker
        # processes for each (several milliseconds) and compete with the web workers for cores.
        _db_options["options"] = "-c max_parallel_workers_per_gather=" + os.environ.get(
            "DB_MAX_PARALLEL_WORKERS_PER_GATHER", "0"
        )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
# A streaming read replica (core/replica.py): the inbox, thread pages and API lists read from it,
# except for a user who wrote in the last REPLICA_READ_YOUR_WRITES_SECONDS and for the rest of a
# request after it writes. Unset: there is none and every query goes to "default".
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    _replica = dj_database_url.parse(DATABASE_REPLICA_URL)
    DATABASES["replica"] = {
        **DATABASES["default"],  # the same engine, connection reuse and session options
        "NAME": _replica.get("NAME", ""),
        "USER": _replica.get("USER", ""),
        "PASSWORD": _replica.get("PASSWORD", ""),
        "HOST": _replica.get("HOST", ""),
        "PORT": _replica.get("PORT", ""),
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), **_replica.get("OPTIONS", {})},
        # Tests use the test database alone: a replica is read-only and cannot make one.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
REPLICA_READ_YOUR_WRITES_SECONDS = float(os.environ.get("REPLICA_READ_YOUR_WRITES_SECONDS", "5"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The admin writes dates in ISO 8601 with the zone; pages use the `moment` filter instead.
FORMAT_MODULE_PATH = ["messagecenter.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))

# Private uploads (attachments) are never under STATIC_ROOT or a public media URL.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
else:
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    }
STORAGES = {
    "default": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Redis, when configured, is the Celery broker and the shared cache (rate limits, live versions,
# cached pages). CACHE_REDIS_URL gives the cache a Redis of its own, as production should: one
# with a memory limit that evicts the least recently used keys, while the broker's Redis never
# evicts a task (docker-compose.yml runs both).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "")
if REDIS_URL or CACHE_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_REDIS_URL or REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "mc"),
            # A Redis that is down or frozen costs a request at most these, once: callers then
            # leave it alone for a few seconds and degrade (core/cache.py).
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Notifications: a row in the outbox before it is a task (see notifications/services.py).
NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATION_MAX_ATTEMPTS", "6"))
# Finished outbox rows (emails sent or given up, webhooks delivered or failed) are deleted after
# this many days; 0 keeps them forever.
OUTBOX_RETENTION_DAYS = int(os.environ.get("OUTBOX_RETENTION_DAYS", "90"))
NOTIFICATION_RETRY_BASE_SECONDS = 30  # backoff: 30 s, 60 s, 120 s … capped below
NOTIFICATION_RETRY_MAX_SECONDS = 30 * 60
NOTIFICATION_SWEEP_AFTER = timedelta(
    seconds=int(os.environ.get("NOTIFICATION_SWEEP_AFTER_SECONDS", "60"))
)
# A claimed row is left alone this long: longer than the hard time limit of
# "notifications.deliver" (360 s), so a claim only expires when its worker is gone and an
# email is never sent again while a worker may still be sending it.
NOTIFICATION_CLAIM_TIMEOUT = timedelta(seconds=420)

# Webhooks (notifications/webhooks.py): signed event deliveries to sellers' HTTPS endpoints.
# Waits between attempts; the last one comes about 21 hours after the first, then it fails.
WEBHOOK_RETRY_SECONDS = [
    int(seconds) for seconds in env_list("WEBHOOK_RETRY_SECONDS", "60,300,1800,7200,21600,43200")
]
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
# Longer waits are not carried by a task countdown (Redis would hand such a task out again
# after its visibility timeout); the sweep enqueues the row when its time comes.
WEBHOOK_COUNTDOWN_MAX_SECONDS = 30 * 60
WEBHOOK_SWEEP_AFTER = timedelta(seconds=int(os.environ.get("WEBHOOK_SWEEP_AFTER_SECONDS", "60")))
# Longer than the hard time limit of "notifications.deliver_webhook" (45 s).
WEBHOOK_CLAIM_TIMEOUT = timedelta(seconds=60)
# Plain http:// to 127.0.0.1 / localhost, for local development and tests only.
WEBHOOK_ALLOW_INSECURE_LOCALHOST = env_bool("WEBHOOK_ALLOW_INSECURE_LOCALHOST", DEBUG)

# Celery: at-least-once delivery. A task is acknowledged after it ran, and given back to the
# queue if its worker dies; tasks themselves are idempotent.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    # Redis hands an unacknowledged task to another worker after this long. It must be longer
    # than any countdown (retry backoff) or ETA, or delayed tasks would run twice.
    {
        "visibility_timeout": 2 * NOTIFICATION_RETRY_MAX_SECONDS,
        # A frozen Redis must not hold a request that publishes a task for long (the row is
        # committed; its sweep enqueues it again). Above the worker's 1 s BRPOP poll.
        "socket_connect_timeout": 0.5,
        "socket_timeout": 1.5,
        # Connecting is tried once: kombu would otherwise wait 2 s (its first retry interval)
        # before giving up on a Redis that refuses connections, in the request that publishes.
        "max_retries": 0,
    }
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "broker" / "queue"),
        "data_folder_out": str(VAR_DIR / "broker" / "queue"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        # The exchange tables, which the transport would otherwise write in the current folder.
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task cut off mid-send when the broker connection drops is what makes a duplicate email;
# tasks are idempotent (the row claim), so a running task is left to finish.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request publishes once, without retries: an outbox row left pending is the sweep's.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 0.5
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30  # each SMTP step; the delivery task allows ten such steps (see its limits)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Message Center <messages@localhost>")
# The right-hand side of every notification's Message-ID (<notification-<id>@domain>).
NOTIFICATION_MESSAGE_ID_DOMAIN = os.environ.get("NOTIFICATION_MESSAGE_ID_DOMAIN", "")
# Unset: the development server's address on PORT, or 8000. `make run` sets it from its PORT for
# every process (honcho gives each process type a PORT of its own).
SITE_URL = os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"

REST_FRAMEWORK = {
    # Token first: an anonymous call then gets 401 with a WWW-Authenticate challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        # DRF's JSON parser, refusing bodies nested too deep to parse safely (400 too_deep).
        "core.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttles.ApiRateThrottle"],
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Message Center API",
    "DESCRIPTION": (
        "Read and answer buyer-seller messages. Every error is "
        '`{"code", "detail", "fields"?, "findings"?}` with a stable `code`; another user\'s '
        "thread or file answers 404 `not_found`, exactly like one that does not exist."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Ids in paths are 64-bit database keys (core.converters.IdConverter).
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "minimum": 1, "maximum": 999999999999999999}
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.document_unsupported_media_type",
    ],
    # Two request fields are named "reason": a proactive message's and a report's.
    "ENUM_NAME_OVERRIDES": {
        "ReasonEnum": "messaging.models.ProactiveReason",
        "ReportReasonEnum": "messaging.models.ReportReason",
    },
}

# Marketplace rules.
# API requests per window ("count/seconds"), per token and per user over all their clients.
API_RATES = {
    "read_token": os.environ.get("API_RATE_READ_TOKEN", "600/60"),
    "read_user": os.environ.get("API_RATE_READ_USER", "1200/60"),
    "write_token": os.environ.get("API_RATE_WRITE_TOKEN", "60/60"),
    "write_user": os.environ.get("API_RATE_WRITE_USER", "120/60"),
}
IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60  # how long an API send's result can be replayed
MESSAGE_MAX_LENGTH = 5000
# Uploads: the first handler stops a message's files at 10 MB while the body streams in;
# files over 2.5 MB go to a temporary file rather than memory.
CSRF_FAILURE_VIEW = (
    "messaging.attachments.uploads.csrf_failure"  # explains uploads refused for size
)
ATTACHMENT_URL_EXPIRY_SECONDS = 60  # signed object-storage URLs for downloads
FILE_UPLOAD_HANDLERS = [
    "messaging.attachments.uploads.MessageSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
MESSAGE_SEND_RATE = os.environ.get("MESSAGE_SEND_RATE", "30/60")  # messages / seconds per sender
# Undo send: a message sent from the thread page or the API waits this long (seconds) before the
# other side gets it, and its sender may take it back meanwhile; 0 turns it off. Each user may
# choose 0, 5, 10 or 30 seconds on the notification settings page.
MESSAGE_UNDO_SECONDS = int(os.environ.get("MESSAGE_UNDO_SECONDS", "10"))
MARKETPLACE_DOMAINS = env_list("MARKETPLACE_DOMAINS", "marketplace.com")
RESPONSE_DEADLINE = timedelta(hours=24)
# Remind the seller of a thread this many hours before its response deadline, once each.
RESPONSE_REMINDER_HOURS = [int(hours) for hours in env_list("RESPONSE_REMINDER_HOURS", "12,2")]
# Sellers writing first (messaging/proactive.py): until this many days after completion, at
# most this many proactive messages per order; one review request 5 to 30 days after delivery.
PROACTIVE_WINDOW_DAYS = int(os.environ.get("PROACTIVE_WINDOW_DAYS", "30"))
# "Delete" moves a conversation to the participant's Trash; the hourly purge deletes it for
# good for them this many days later (messaging/threads/trash.py).
TRASH_PURGE_DAYS = max(1, int(os.environ.get("TRASH_PURGE_DAYS", "30")))
# How long the signed link of an invitation to a seller's team works.
TEAM_INVITATION_DAYS = max(1, int(os.environ.get("TEAM_INVITATION_DAYS", "7")))
PROACTIVE_MESSAGES_PER_ORDER = int(os.environ.get("PROACTIVE_MESSAGES_PER_ORDER", "5"))
REVIEW_REQUEST_EARLIEST_DAYS = int(os.environ.get("REVIEW_REQUEST_EARLIEST_DAYS", "5"))
REVIEW_REQUEST_LATEST_DAYS = int(os.environ.get("REVIEW_REQUEST_LATEST_DAYS", "30"))
# This many blocked messages from one seller within the window puts the seller in the queue.
SELLER_REVIEW_BLOCKED_MESSAGES = int(os.environ.get("SELLER_REVIEW_BLOCKED_MESSAGES", "5"))
SELLER_REVIEW_WINDOW_DAYS = int(os.environ.get("SELLER_REVIEW_WINDOW_DAYS", "7"))
SELLER_RESTRICTION_DEFAULT_DAYS = 14  # proposed in the queue's "restrict sender" form

# Reply by email (messaging/inbound.py): notification emails carry a signed Reply-To alias
# reply+<token>@REPLY_DOMAIN; the domain's MX points at run_inbound_smtp or at a provider
# whose inbound webhook posts to /inbound-email/mailgun/.
REPLY_DOMAIN = os.environ.get("REPLY_DOMAIN", "reply.localhost")
REPLY_ALIAS_MAX_AGE_DAYS = int(os.environ.get("REPLY_ALIAS_MAX_AGE_DAYS", "180"))  # 0: never
INBOUND_SMTP_HOST = os.environ.get("INBOUND_SMTP_HOST", "127.0.0.1")
INBOUND_SMTP_PORT = int(os.environ.get("INBOUND_SMTP_PORT", "2525"))
INBOUND_EMAIL_MAX_BYTES = int(os.environ.get("INBOUND_EMAIL_MAX_BYTES", str(25 * 1024 * 1024)))
# A stored email still "received" this long after arriving is processed again by the sweep.
INBOUND_SWEEP_AFTER = timedelta(seconds=int(os.environ.get("INBOUND_SWEEP_AFTER_SECONDS", "60")))
INBOUND_MAX_ATTEMPTS = 5
# Refusals of strangers (an unknown alias, an address not on the account) bounce at most this
# many times a day to one address: a forged From must not turn the relay into a spam cannon.
INBOUND_STRANGER_BOUNCES_PER_DAY = int(os.environ.get("INBOUND_STRANGER_BOUNCES_PER_DAY", "3"))
ANYMAIL = {
    # Mailgun signs every inbound webhook with this key; without it the endpoint answers 404.
    "MAILGUN_WEBHOOK_SIGNING_KEY": os.environ.get("MAILGUN_WEBHOOK_SIGNING_KEY", ""),
}

# --- Inbound mail: who really sent it --------------------------------------------------------
# The authserv-id (RFC 8601) of the MTA in front of the inbound entrances, e.g. "mx.shop.example".
# Only its Authentication-Results headers are believed (any other is the sender's own text), and
# an email it found forged (DMARC fail, or SPF and DKIM both failing) is refused. Empty: no MTA
# is trusted and SPF/DKIM results are stored for staff only.
INBOUND_TRUSTED_AUTHSERV_ID = os.environ.get("INBOUND_TRUSTED_AUTHSERV_ID", "").strip().lower()
# A Mailgun webhook post older (or newer) than this is refused, and each signature token is
# accepted once: a captured post cannot be replayed with another email in it.
MAILGUN_WEBHOOK_MAX_AGE_SECONDS = int(os.environ.get("MAILGUN_WEBHOOK_MAX_AGE_SECONDS", "300"))
# ----------------------------------------------------------------------------------------------

# --- Evidence exports for disputes (messaging/evidence/) ----------------------------------------
# The Ed25519 private key that signs every export's manifest: the base64 of its 32 raw bytes
# (`manage.py evidence_key --generate` makes one). Its public key is published at
# /evidence/public-key. Unset in DEBUG (and tests): a stable key derived from SECRET_KEY. Unset
# otherwise: exports are off (the button is not shown, the API answers 503), as the Mailgun
# webhook is without its key; a key that is set but malformed refuses to start.
EVIDENCE_SIGNING_KEY: bytes | None = None
_evidence_key = os.environ.get("EVIDENCE_SIGNING_KEY", "").strip()
if _evidence_key:
    try:
        EVIDENCE_SIGNING_KEY = base64.b64decode(_evidence_key, validate=True)
    except ValueError:
        EVIDENCE_SIGNING_KEY = b""
    if len(EVIDENCE_SIGNING_KEY) != 32:
        raise ImproperlyConfigured(
            "EVIDENCE_SIGNING_KEY must be the base64 of a 32-byte Ed25519 private key."
        )
elif DEBUG:
    EVIDENCE_SIGNING_KEY = hashlib.sha256(
        b"message-center evidence signing key\0" + SECRET_KEY.encode()
    ).digest()
# A ready export's ZIP is deleted this long after it was built (the sweep, every minute).
EVIDENCE_EXPORT_TTL = timedelta(days=int(os.environ.get("EVIDENCE_EXPORT_TTL_DAYS", "7")))
# How long a download link handed out by the page or the API works (it asks again for a new one).
EVIDENCE_DOWNLOAD_URL_SECONDS = int(os.environ.get("EVIDENCE_DOWNLOAD_URL_SECONDS", "600"))
# Exports one user may ask for in a day (each reads every file of a thread).
EVIDENCE_EXPORTS_PER_DAY = int(os.environ.get("EVIDENCE_EXPORTS_PER_DAY", "20"))
# A pending export whose task is older than this is enqueued again by the sweep; a build is
# tried this many times. A claim outlives the task's hard time limit (1,800 s), so it expires
# only when its worker is gone.
EVIDENCE_SWEEP_AFTER = timedelta(seconds=int(os.environ.get("EVIDENCE_SWEEP_AFTER_SECONDS", "60")))
EVIDENCE_MAX_ATTEMPTS = 3
EVIDENCE_CLAIM_TIMEOUT = timedelta(seconds=1900)
# ----------------------------------------------------------------------------------------------

# Every periodic task, in one place (seconds, or a crontab in UTC).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Outboxes: enqueue again what a lost task left pending; send the digests that are due.
    "notifications-sweep": {"task": "notifications.sweep", "schedule": 30.0},
    "notifications-digests": {"task": "notifications.send_digests", "schedule": 60.0},
    "notifications-webhook-sweep": {"task": "notifications.sweep_webhooks", "schedule": 30.0},
    "notifications-outbox-purge": {
        "task": "notifications.purge_outboxes",
        "schedule": crontab(hour=3, minute=40),
    },
    "messaging-inbound-sweep": {"task": "messaging.sweep_inbound_emails", "schedule": 60.0},
    # Messages whose undo time is over and whose release task was lost are delivered here.
    "messaging-sending-sweep": {"task": "messaging.sweep_sending_messages", "schedule": 10.0},
    # A renamed shop or buyer is found by the new name within the next run.
    "messaging-search-refreshes": {"task": "messaging.sweep_search_refreshes", "schedule": 30.0},
    # The response clock: reminders before deadlines; the metric kept just after midnight UTC,
    # when yesterday (the metric's last complete day) has ended.
    "messaging-response-reminders": {
        "task": "messaging.send_response_reminders",
        "schedule": 300.0,
    },
    "messaging-response-snapshot": {
        "task": "messaging.snapshot_response_metrics",
        "schedule": crontab(hour=0, minute=10),
    },
    # Idempotency keys of API sends outlive their replay window by at most an hour, and rate
    # limits counted in the database while Redis was away their window.
    "messaging-idempotency-purge": {"task": "messaging.purge_idempotency_keys", "schedule": 3600.0},
    "accounts-rate-limit-purge": {"task": "accounts.purge_rate_limit_windows", "schedule": 3600.0},
    # Trash: conversations trashed more than TRASH_PURGE_DAYS ago are deleted for good for
    # their participant within the hour (the other side and moderation keep every message).
    "messaging-trash-purge": {"task": "messaging.purge_trash", "schedule": crontab(minute=20)},
    # Evidence exports: enqueue again what a lost task left pending, delete expired files.
    "messaging-evidence-sweep": {"task": "messaging.sweep_evidence_exports", "schedule": 60.0},
}

# Security: production runs behind TLS; DEBUG relaxes it for local work.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Content-Security-Policy and Permissions-Policy (core/security_headers.py) ------------------
# On every response that sends none of its own. Every script and style is a static file under
# 'self': no inline code, no nonces. SECURE_CSP has the shape of Django 6.0's setting of that name.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if AWS_STORAGE_BUCKET_NAME:
    # Thumbnails in object storage are shown through a redirect to a signed URL on its host,
    # in path or virtual-host style. CSP_IMG_ORIGINS names the hosts where these differ.
    _endpoint = urlsplit(os.environ.get("AWS_S3_ENDPOINT_URL", "") or "https://s3.amazonaws.com")
    SECURE_CSP["img-src"] = [
        "'self'",
        *env_list(
            "CSP_IMG_ORIGINS",
            f"{_endpoint.scheme}://{_endpoint.netloc},"
            f"{_endpoint.scheme}://{AWS_STORAGE_BUCKET_NAME}.{_endpoint.netloc}",
        ),
    ]
# Whole directives replaced under a path prefix, for pages that are not the site's own.
SECURE_CSP_PATHS: dict[str, dict[str, list[str]]] = {
    # Swagger UI's stylesheet draws its icons as data: URI images.
    "/api/docs/": {"img-src": ["'self'", "data:"]},
    # Two admin fields show text with style="white-space: pre-wrap" (messaging/moderation and
    # messaging/relay admin.py); exactly those two declarations are allowed, and only here.
    "/admin/": {
        "style-src-attr": [
            "'unsafe-hashes'",
            "'sha256-CSr5A7IS9dRw3Uo7TFEY+Os1KKjUjndCqZWzkW4uTaY='",  # white-space:pre-wrap
            "'sha256-MhKNMxi8AYujc7LgatwtyNdREZ6Cf3QT4yvkby13/l0='",  # white-space: pre-wrap
        ]
    },
}
# Browser features no page uses, denied to this site and to anything it could embed (only
# names Chromium knows: an unknown one is a console warning on every page).
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "clipboard-read",
    "clipboard-write",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "picture-in-picture",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "storage-access",
    "usb",
    "window-management",
    "xr-spatial-tracking",
]
# Swagger UI would otherwise show a badge image from an outside validator, sent the schema URL.
SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"] = {"deepLinking": True, "validatorUrl": None}
# ----------------------------------------------------------------------------------------------

# --- Operations: logs, metrics, probes (core/logs.py, core/metrics.py, core/probes.py) -------
# One JSON object per line on stderr, with the request id, scrubbed of addresses and secrets;
# LOG_FORMAT=text for plain lines (scrubbed too) while developing.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.logs.JsonLogFormatter"},
        "text": {
            "()": "core.logs.RedactingTextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "text" if LOG_FORMAT == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print every record a second time.
        "django": {"handlers": []},
        # One line per request and per task is ours (core/request_context.py,
        # core/task_observability.py); these would repeat it, unstructured.
        "django.server": {"level": "WARNING", "propagate": True},
        "celery.app.trace": {"level": "WARNING"},
        "celery.worker.strategy": {"level": "WARNING"},
    },
}
# /metrics (web) and the workers' exporter: with a token, only "Authorization: Bearer <token>";
# without, loopback and private addresses connecting directly (TRUSTED_PROXY_COUNT 0).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# The worker's and the SMTP listener's exporter (http://METRICS_HOST:METRICS_PORT/metrics);
# unset: none. Their counts are shared by the processes of one service through
# PROMETHEUS_MULTIPROC_DIR (an empty directory per service, read by prometheus-client itself).
METRICS_PORT = int(os.environ.get("METRICS_PORT", "0"))
METRICS_HOST = os.environ.get("METRICS_HOST", "127.0.0.1")
# /readyz answers within this, whatever its dependencies do.
READYZ_TIMEOUT_SECONDS = float(os.environ.get("READYZ_TIMEOUT_SECONDS", "2"))
# The probes are called by address over plain HTTP (healthchecks, Prometheus): never redirected.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]
# Beat touches this file on every turn of its loop; `healthcheck beat` reads its age.
CELERY_BEAT_SCHEDULER = "core.beat.HeartbeatScheduler"
BEAT_HEARTBEAT_FILE = os.environ.get("BEAT_HEARTBEAT_FILE", str(VAR_DIR / "celerybeat-heartbeat"))
# ----------------------------------------------------------------------------------------------

# --- Guessing limits (accounts/guessing.py, messaging/relay/smtp.py) -------------------------
# Failures allowed per fixed window ("count/seconds"); once a window's allowance is used up,
# every further attempt in it is refused before it is checked. Read at each call.
# Sign-in (site and admin): per email address tried, known or not, and per client address.
LOGIN_FAILURES_PER_ACCOUNT = os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5/900")
LOGIN_FAILURES_PER_CLIENT = os.environ.get("LOGIN_FAILURES_PER_CLIENT", "20/900")
# Bad "Authorization: Bearer" tokens per client address; then 429 rate_limited.
API_TOKEN_FAILURES_PER_CLIENT = os.environ.get("API_TOKEN_FAILURES_PER_CLIENT", "20/900")
# Recipients that are not valid reply aliases (forged, expired) per SMTP peer; then 450 at RCPT.
INBOUND_ALIAS_FAILURES_PER_CLIENT = os.environ.get("INBOUND_ALIAS_FAILURES_PER_CLIENT", "20/3600")
# Proxies in front of the app that append the caller's address to X-Forwarded-For. 0: clients
# connect directly and REMOTE_ADDR is their address; any X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
