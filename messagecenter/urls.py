from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import home
from core.api import api_not_found


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", home, name="home"),
    path("healthz", health, name="health"),
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
