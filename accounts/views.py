from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from accounts import members, services, tokens
from accounts.access import require_seller
from accounts.demo import BUYERS, DEMO_PASSWORD, DEMO_STAFF_EMAIL, SELLERS, TEAM
from accounts.models import User
from accounts.typing import AuthenticatedHttpRequest
from core.errors import ApplicationError
from core.security_headers import PERMISSIONS_HEADER, permissions_header_value


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
    person = members.acting_user(request)
    errors: list[str] = []
    created = None
    if request.method == "POST":
        try:
            token, plaintext = tokens.token_create(user=person, name=request.POST.get("name", ""))
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
            "tokens": tokens.token_list_for_user(user=person),
            "created": created,
            "errors": errors,
            "name": request.POST.get("name", "") if errors else "",
        },
        status=400 if errors else 200,
    )
    # The page may hold a token in clear: never cache it.
    response["Cache-Control"] = "no-store"
    if created:
        # Its Copy button writes the new token to the clipboard (static/js/copy_token.js).
        response[PERMISSIONS_HEADER] = permissions_header_value(
            settings.PERMISSIONS_POLICY_DISABLED, own=["clipboard-write"]
        )
    return response


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    require_seller(request)
    tokens.token_revoke(user=members.acting_user(request), token_id=token_id)
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
    if request.user.is_authenticated:
        # A team member's own language, not the shop's.
        services.user_language_set(user=members.acting_user(request), language=language)
    return response


def demo_accounts() -> list[dict[str, str]]:
    """The logins `manage.py seed_demo` creates, those that exist: for the login page in debug."""
    rows: list[tuple[str, str]] = []
    for email, _name, shop, language in SELLERS:
        if language == "es":
            rows.append((email, _("Seller (%(shop)s), speaks Spanish") % {"shop": shop}))
        else:
            rows.append((email, _("Seller (%(shop)s)") % {"shop": shop}))
    for email, _name, language in BUYERS:
        rows.append((email, _("Buyer, speaks Spanish") if language == "es" else _("Buyer")))
    shops = {email: shop for email, _name, shop, _language in SELLERS}
    for email, _name, shop_email, member_role, _language in TEAM:
        label = _("Agent of %(shop)s") if member_role == "agent" else _("Viewer of %(shop)s")
        rows.append((email, label % {"shop": shops[shop_email]}))
    rows.append((DEMO_STAFF_EMAIL, _("Staff (admin at /admin/)")))
    existing = set(
        User.objects.filter(email__in=[email for email, _who in rows]).values_list(
            "email", flat=True
        )
    )
    return [{"email": email, "who": who} for email, who in rows if email in existing]


class LoginView(auth_views.LoginView):
    """Django's login page; in debug it also lists the demo accounts, when they exist."""

    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        if settings.DEBUG:
            accounts = demo_accounts()
            if accounts:
                context["demo_accounts"] = accounts
                context["demo_password"] = DEMO_PASSWORD
        return context
