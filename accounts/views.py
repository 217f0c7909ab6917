from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from messagecenter.typing import AuthenticatedHttpRequest


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send each role to its start page."""
    user = request.user
    if user.is_seller:
        return redirect("messaging:seller-inbox")
    if user.is_staff:
        return redirect("admin:index")
    return redirect("orders:list")
