"""The project's URLs plus a minimal view: the floor every page of the stack stands on."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from accounts.models import User


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """Run one trivial query behind the same middleware, session and login as every page."""
    exists = User.objects.filter(pk=request.user.pk).exists()
    return HttpResponse("ok" if exists else "gone", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("", include("messagecenter.urls")),
]
