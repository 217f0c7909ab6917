"""Content-Security-Policy and Permissions-Policy on every response that has none of its own.

The policy is a fixed set of directives (``SECURE_CSP``, in the shape Django 6.0's own
``SECURE_CSP`` takes), so no response needs a nonce: every script and style is a static file.
A path prefix may replace whole directives for what lives under it (``SECURE_CSP_PATHS``).
A response that already carries a policy keeps it: attachment downloads send a stricter one.
"""

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

CSP_HEADER = "Content-Security-Policy"
PERMISSIONS_HEADER = "Permissions-Policy"

Policy = Mapping[str, Sequence[str]]


def csp_header_value(policy: Policy) -> str:
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


def permissions_header_value(disabled: Sequence[str], own: Sequence[str] = ()) -> str:
    """Each feature allowed to no origin at all, this site's included; those in ``own`` to this
    site alone (a response that needs one sets the header itself)."""
    return ", ".join(
        f"{feature}=(self)" if feature in own else f"{feature}=()" for feature in disabled
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        base: Policy = settings.SECURE_CSP
        self.policy = csp_header_value(base)
        # Longest prefix first, so a deeper path's directives win over its parent's.
        self.path_policies = [
            (prefix, csp_header_value({**base, **directives}))
            for prefix, directives in sorted(
                settings.SECURE_CSP_PATHS.items(), key=lambda item: -len(item[0])
            )
        ]
        self.permissions = permissions_header_value(settings.PERMISSIONS_POLICY_DISABLED)

    def policy_for(self, path: str) -> str:
        for prefix, policy in self.path_policies:
            if path.startswith(prefix):
                return policy
        return self.policy

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # Django's debug error pages (DEBUG only) are built from inline styles and script.
        debug_page = settings.DEBUG and response.status_code in (404, 500)
        if CSP_HEADER not in response and not debug_page:
            response[CSP_HEADER] = self.policy_for(request.path_info)
        if PERMISSIONS_HEADER not in response:
            response[PERMISSIONS_HEADER] = self.permissions
        return response
