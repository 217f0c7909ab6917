"""Opening an attachment from a conversation page."""

from django.contrib.auth.decorators import login_required
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from accounts.typing import AuthenticatedHttpRequest
from messaging.attachments import downloads, selectors


@login_required
@require_GET
def attachment_download(
    request: AuthenticatedHttpRequest, attachment_id: int, *, thumbnail: bool = False
) -> HttpResponseBase:
    """Serve a file to the thread's participants and staff; anyone else gets a 404.

    Images and PDF open in the browser unless ``?download=1``; every other type downloads.
    Either way the response may not run anything: ``nosniff`` and a sandboxing CSP.
    """
    attachment = selectors.attachment_get_for_user(user=request.user, attachment_id=attachment_id)
    inline = thumbnail or (attachment.is_inline_safe and request.GET.get("download") != "1")
    return downloads.attachment_file_response(attachment, thumbnail=thumbnail, inline=inline)
