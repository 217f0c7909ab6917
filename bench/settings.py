"""Settings for benchmark runs: the project's settings plus the framework-floor URL.

Runs with DEBUG off (as in production) but over plain HTTP on loopback.
"""

from messagecenter.settings import *  # noqa: F403
from messagecenter.settings import STORAGES

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Templates use {% static %}; the manifest storage would need collectstatic first.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
