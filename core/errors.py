"""The one error type services raise, carrying a stable code for the API and the pages."""

from typing import Any

from django.http import Http404


class ApplicationError(Exception):
    """A refused request: ``code`` is stable and machine-readable, ``message`` is for people."""

    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields
        self.extra = extra or {}


class NotFound(ApplicationError, Http404):
    """The object does not exist *for this user*; never says whether it exists for others.

    Also an ``Http404``, so a page that lets it through answers Django's 404 page, exactly as
    the API answers ``not_found``.
    """

    status = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__("not_found", message)


class RateLimited(ApplicationError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "rate_limited",
            f"Too many messages. Try again in {retry_after} seconds.",
            extra={"retry_after": retry_after},
        )
        self.retry_after = retry_after
