"""Refuse oversized uploads while the request streams in, before its body is read whole.

A message may carry at most `MAX_MESSAGE_BYTES` of text and files together. A request whose
declared length is far beyond that is not parsed at all; one whose files add up to more is
cut off at the first byte over. Either way the view finds `request.upload_refused` set and
answers with the same `message_too_large` error the send service gives, so nothing half-read
is ever passed on.
"""

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict
from django.views.csrf import csrf_failure as django_csrf_failure

from core.errors import ApplicationError
from messaging.attachments.checks import MAX_MESSAGE_BYTES

# Room for multipart boundaries, headers and the form's text fields around the files.
MULTIPART_OVERHEAD = 256 * 1024


MAX_REQUEST_BYTES = MAX_MESSAGE_BYTES + MULTIPART_OVERHEAD


def upload_refused_error() -> ApplicationError:
    detail = (
        f"The text and files total more than {MAX_MESSAGE_BYTES:,} bytes; "
        f"the limit is {MAX_MESSAGE_BYTES:,} bytes (10 MB)."
    )
    return ApplicationError("message_too_large", detail, fields={"files": [detail]})


def refused(request: HttpRequest) -> bool:
    """Whether the upload limit cut this request's body short (read the body first)."""
    return bool(getattr(request, "upload_refused", False))


class MessageSizeLimitUploadHandler(FileUploadHandler):
    """First upload handler: counts file bytes and stops at the message limit."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, Any]] | None:
        self.total = 0
        if content_length > MAX_REQUEST_BYTES:
            self._refuse()
            # Parsed as empty without reading a byte of the body.
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.total += len(raw_data)
        if self.total > MAX_MESSAGE_BYTES:
            self._refuse()
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        if self.request is not None:
            self.request.upload_refused = True  # type: ignore[attr-defined]


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain an upload refused before its form (and CSRF token) was read; else Django's page."""
    if refused(request):
        return render(
            request,
            "messaging/upload_too_large.html",
            {"error": upload_refused_error(), "back": request.META.get("HTTP_REFERER", "")},
            status=413,
        )
    return django_csrf_failure(request, reason=reason)
