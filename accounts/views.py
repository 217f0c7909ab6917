from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from accounts import services, tokens
from accounts.access import require_seller
from accounts.models import User
from accounts.typing import AuthenticatedHttpRequest
from core.errors import ApplicationError


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


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List my API tokens and make a new one; its value is shown on this response only."""
    require_seller(request)
    errors: list[str] = []
    created = None
    if request.method == "POST":
        try:
            token, plaintext = tokens.token_create(
                user=request.user, name=request.POST.get("name", "")
            )
        except ApplicationError as error:
            errors = [p for problems in (error.fields or {}).values() for p in problems] or [
                error.message
            ]
        else:
            created = {"token": token, "plaintext": plaintext}
    response = render(
        request,
        "accounts/tokens.html",
        {
            "tokens": tokens.token_list_for_user(user=request.user),
            "created": created,
            "errors": errors,
            "name": request.POST.get("name", "") if errors else "",
        },
        status=400 if errors else 200,
    )
    # The page may hold a token in clear: never cache it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    require_seller(request)
    tokens.token_revoke(user=request.user, token_id=token_id)
    flash.success(request, _("Token revoked. Integrations using it stop working now."))
    return redirect("accounts:api-tokens")


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the site's language; a signed-in user's choice is also saved on their account."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        next_url = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return HttpResponseRedirect(next_url if safe else "/")
    response = set_language(request)
    user = request.user
    if user.is_authenticated:
        assert isinstance(user, User)
        services.user_language_set(user=user, language=language)
    return response
