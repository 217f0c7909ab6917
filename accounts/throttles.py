"""API throttling: reads and writes counted per token and per user in the shared cache.

The counters are the same atomic fixed windows as the send limit (``cache.add`` + ``incr``,
single Redis commands in production), not DRF's default throttles, whose read-modify-write
history lists let concurrent requests slip through.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from accounts.models import ApiToken
from accounts.ratelimit import rate_limit_hit
from core.errors import RateLimited

if TYPE_CHECKING:  # rest_framework.views imports this module through its settings
    from rest_framework.views import APIView


class ApiRateThrottle(BaseThrottle):
    """Limit each token, and each user across all their tokens and sessions."""

    def __init__(self) -> None:
        self.retry_after: int | None = None

    def allow_request(self, request: Request, view: "APIView") -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return True  # refused with 401 by the permission check
        kind = "read" if request.method in SAFE_METHODS else "write"
        rates = settings.API_RATES
        try:
            if isinstance(request.auth, ApiToken):
                rate_limit_hit(
                    scope=f"api_{kind}_token", ident=request.auth.pk, rate=rates[f"{kind}_token"]
                )
            rate_limit_hit(scope=f"api_{kind}_user", ident=user.pk, rate=rates[f"{kind}_user"])
        except RateLimited as limited:
            self.retry_after = limited.retry_after
            return False
        return True

    def wait(self) -> float | None:
        return self.retry_after
