"""Serving a stored file's bytes with safe headers, to any app that keeps files in storage.

Whoever asks has already been checked by the caller; this module only decides how the bytes
leave: straight from the filesystem, or as a redirect to a short-lived signed URL when the
files live in object storage. Either way the browser may not sniff the type or run anything
it receives.
"""

from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase

from core.errors import NotFound


def content_disposition(name: str, *, inline: bool) -> str:
    """An RFC 6266 header: an ASCII fallback name plus the exact name as UTF-8 ``filename*``."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name
    )
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def uses_signed_urls(stored: FieldFile) -> bool:
    """Whether the file is served by object storage through a signed URL, not by us."""
    return bool(getattr(stored.storage, "querystring_auth", False))


def stored_file_response(
    stored: FieldFile,
    *,
    content_type: str,
    disposition: str,
    cache_control: str,
    storage_cache_control: str = "private",
) -> HttpResponseBase:
    """Answer with a stored file's bytes, or a redirect to a short-lived signed URL.

    The browser may not sniff the type or run anything it receives. Raise NotFound when the
    file is not in storage.
    """
    response: HttpResponseBase
    if uses_signed_urls(stored):
        # The signed URL carries the same headers, so object storage answers as we would
        # (S3Storage.url takes parameters and expire; Storage.url does not).
        url = stored.storage.url(  # type: ignore[call-arg]
            stored.name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
                "ResponseCacheControl": storage_cache_control,
            },
            expire=settings.ATTACHMENT_URL_EXPIRY_SECONDS,
        )
        response = HttpResponseRedirect(url)
    else:
        try:
            handle = stored.open("rb")
        except FileNotFoundError:
            raise NotFound("No such file.") from None
        response = FileResponse(handle, content_type=content_type)
        response["Content-Disposition"] = disposition
        response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = cache_control
    response["Referrer-Policy"] = "no-referrer"
    return response
