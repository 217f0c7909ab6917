from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import home
from core import probes
from core.api import api_not_found
from core.metrics import CeleryQueueCollector
from core.views import favicon
from messaging.evidence.views import public_key as evidence_public_key
from notifications.metrics import OutboxCollector

urlpatterns = [
    path("", home, name="home"),
    # The probes are answered by core.probes.ProbeMiddleware, ahead of the Host header check,
    # with these same views: listed here to be reversed and to show in the route tables.
    path("healthz", probes.healthz, name="health"),
    path("readyz", probes.readyz, name="ready"),
    # Read at each scrape, beside what the processes counted: the outboxes and the Celery queue.
    path(
        "metrics",
        probes.metrics,
        {"collectors": (OutboxCollector(), CeleryQueueCollector())},
        name="metrics",
    ),
    # The key that signs evidence exports, for anyone checking one (no sign-in).
    path("evidence/public-key", evidence_public_key, name="evidence-public-key"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("account/notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("messaging.api_urls")),
    path("inbound-email/", include("messaging.relay.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Split view: Swagger UI's start-up script is a file of its own (?script), not inline, so
    # it runs under the Content-Security-Policy.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    re_path(r"^api/(?P<path>[\s\S]*)$", api_not_found, name="api-not-found"),
    path("", include("orders.urls")),
    path("", include("messaging.urls")),
]
