from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a signed-in ``User``."""

    user: User


def api_user(request: Request) -> User:
    """The signed-in user of an API request (every API view requires authentication)."""
    user = request.user
    assert isinstance(user, User)
    return user
