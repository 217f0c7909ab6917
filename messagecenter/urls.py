from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from accounts.views import home


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", home, name="home"),
    path("healthz", health, name="health"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("messaging.api_urls")),
    path("", include("orders.urls")),
    path("", include("messaging.urls")),
]
