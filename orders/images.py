"""Product images: check that an upload is a real image, re-encode it, and make its thumbnails.

Pure functions on bytes (Pillow, no Django), so the admin form, the storing service and the
demo data all run the same check. The type is decided by decoding the content, never by a
name or a client's content type; whatever is accepted is re-encoded from its pixels (no
metadata, no trailing bytes survive), flattened onto white and stored as JPEG. Thumbnails are
exact squares: the whole product, scaled to fit and padded with white, never cropped.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from dataclasses import dataclass

from PIL import Image, ImageOps

MAX_IMAGE_BYTES = 5 * 1024 * 1024


MAX_IMAGE_PIXELS = 40_000_000  # width * height of the upload


FULL_SIZE = 1200  # the stored image's longest side, at most


THUMBNAIL_SIZES = (96, 48)  # square, in pixels: 96 for 2x screens, 48 for 1x


DECODERS = ["JPEG", "PNG", "GIF", "WEBP"]


_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)


class ImageRejected(Exception):
    """Why an upload is not a usable product image.

    ``code``: ``empty``, ``too_large`` (over ``MAX_IMAGE_BYTES``), ``not_an_image`` (no decoder
    of ``DECODERS`` reads it) or ``too_many_pixels`` (over ``MAX_IMAGE_PIXELS``).
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class PreparedImage:
    """An accepted image: the JPEG to store and one square JPEG per thumbnail size."""

    full: bytes
    thumbnails: dict[int, bytes]


def _flattened(image: Image.Image) -> Image.Image:
    """The first frame, upright, as RGB on white (transparent areas become white)."""
    image = ImageOps.exif_transpose(image) or image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, "white")
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


def _jpeg(image: Image.Image, *, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def image_prepare(data: bytes) -> PreparedImage:
    """Decode an upload as an image and re-encode it with its thumbnails, or raise why not."""
    if not data:
        raise ImageRejected("empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRejected("too_large")
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own cap; a decompression bomb must be an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=DECODERS) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ImageRejected("too_many_pixels")
                image.load()
                pixels = _flattened(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRejected("too_many_pixels") from error
    except _DECODE_ERRORS as error:
        raise ImageRejected("not_an_image") from error
    full = pixels.copy()
    full.thumbnail((FULL_SIZE, FULL_SIZE), Image.Resampling.LANCZOS)
    thumbnails = {
        size: _jpeg(
            ImageOps.pad(pixels, (size, size), Image.Resampling.LANCZOS, color="white"),
            quality=85,
        )
        for size in THUMBNAIL_SIZES
    }
    return PreparedImage(full=_jpeg(full, quality=88), thumbnails=thumbnails)
