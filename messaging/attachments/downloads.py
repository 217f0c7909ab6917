"""Serving an attachment's bytes with the same safe headers to the pages and to the API.

Whoever asks has already been checked (``selectors.attachment_get_for_user``); how the bytes
leave (the filesystem, or a short-lived signed URL) is ``core.downloads``, shared with the
other stored files (evidence exports, product images).
"""

from django.db.models.fields.files import FieldFile
from django.http.response import HttpResponseBase

from core.downloads import content_disposition, stored_file_response
from core.errors import NotFound
from messaging.models import Attachment


def _thumbnail_type(stored: FieldFile) -> str:
    return "image/png" if stored.name and stored.name.endswith(".png") else "image/jpeg"


def attachment_file_response(
    attachment: Attachment, *, thumbnail: bool = False, inline: bool = False
) -> HttpResponseBase:
    """Answer with an attachment's bytes (or its thumbnail's), or a redirect to a signed URL.

    Raise NotFound when there is nothing stored to serve.
    """
    stored = attachment.thumbnail if thumbnail else attachment.file
    if not stored:
        raise NotFound("No such file.")
    return stored_file_response(
        stored,
        content_type=_thumbnail_type(stored) if thumbnail else attachment.content_type,
        disposition=content_disposition(attachment.name, inline=inline),
        cache_control="private, max-age=3600" if thumbnail else "private, max-age=300",
    )
