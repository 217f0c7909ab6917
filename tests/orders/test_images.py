"""Product pictures: only real images are accepted, re-encoded, with exact square thumbnails."""

import io

import pytest
from PIL import Image

from orders.images import MAX_IMAGE_BYTES, ImageRejected, image_prepare
from tests.messaging import badfiles


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("make", [badfiles.jpeg, badfiles.png, badfiles.gif])
def test_a_real_image_gives_a_jpeg_and_two_exact_square_thumbnails(make):
    prepared = image_prepare(make())

    shapes = {
        size: (opened(data).format, opened(data).size) for size, data in prepared.thumbnails.items()
    }
    assert shapes == {96: ("JPEG", (96, 96)), 48: ("JPEG", (48, 48))}
    assert (opened(prepared.full).format, opened(prepared.full).size) == ("JPEG", (16, 8))


def test_a_webp_is_accepted_too():
    prepared = image_prepare(badfiles.image_bytes("WEBP"))

    assert opened(prepared.thumbnails[48]).size == (48, 48)


def test_a_wide_picture_is_padded_with_white_never_cropped():
    prepared = image_prepare(badfiles.image_bytes("PNG", size=(200, 100)))
    thumbnail = opened(prepared.thumbnails[96]).convert("RGB")

    # Scaled to 96 x 48 in the middle: white above and below, red and blue kept at each side.
    assert thumbnail.getpixel((48, 2)) == (255, 255, 255)
    assert thumbnail.getpixel((48, 93)) == (255, 255, 255)
    red, blue = thumbnail.getpixel((10, 48)), thumbnail.getpixel((85, 48))
    assert red[0] > 200 and red[2] < 60
    assert blue[2] > 200 and blue[0] < 60


def test_a_large_picture_is_stored_at_most_1200_pixels_a_side():
    prepared = image_prepare(badfiles.image_bytes("JPEG", size=(2400, 600)))

    assert opened(prepared.full).size == (1200, 300)


def test_transparency_becomes_white():
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")

    thumbnail = opened(image_prepare(out.getvalue()).thumbnails[48]).convert("RGB")

    assert thumbnail.getpixel((24, 24)) == (255, 255, 255)


def test_metadata_does_not_survive_and_the_picture_is_turned_upright():
    data = badfiles.jpeg_with_gps(orientation=6)  # 20 x 10, to be turned a quarter
    prepared = opened(image_prepare(data).full)

    assert prepared.size == (10, 20)
    assert prepared.getexif() == {}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"%PDF-1.4 not a picture", "not_an_image"),
        (badfiles.pdf(), "not_an_image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "not_an_image"),
        (badfiles.png()[:40], "not_an_image"),  # cut short
        (badfiles.png_header_only(20_000, 20_000), "too_many_pixels"),
        (b"\x89PNG" + b"\0" * MAX_IMAGE_BYTES, "too_large"),
    ],
    ids=["empty", "text", "pdf", "svg", "truncated", "pixel-flood", "too-large"],
)
def test_anything_else_is_refused_with_its_reason(data, code):
    with pytest.raises(ImageRejected) as refused:
        image_prepare(data)

    assert refused.value.code == code
