"""Who may open a page: checks shared by the apps' views."""

from django.http import (
    Http404,
)

from accounts.typing import AuthenticatedHttpRequest


def require_seller(request: AuthenticatedHttpRequest) -> None:
    # A uniform 404: the seller pages do not exist for anyone else.
    if not request.user.is_seller:
        raise Http404
