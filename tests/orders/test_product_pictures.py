"""A product's picture: stored re-encoded with its thumbnails, replaced in the admin, served
to anyone with the headers every stored file gets."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from orders.images import MAX_IMAGE_BYTES, image_prepare
from orders.models import Product
from orders.services import product_image_remove, product_image_set
from tests.messaging import badfiles
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db

DOWNLOAD_CSP = "default-src 'none'; sandbox"


def with_picture(product: Product, data: bytes | None = None) -> Product:
    return product_image_set(product=product, image=image_prepare(data or badfiles.png()))


def stored(product: Product) -> list[str]:
    return [product.image.name, product.thumbnail_96.name, product.thumbnail_48.name]


def test_a_picture_is_stored_with_its_thumbnails_under_one_new_folder():
    product = with_picture(ProductFactory())
    product.refresh_from_db()

    version = product.image_version
    assert len(version) == 32
    assert stored(product) == [
        f"products/{version}/image.jpg",
        f"products/{version}/96.jpg",
        f"products/{version}/48.jpg",
    ]
    with default_storage.open(product.thumbnail_96.name) as handle:
        thumbnail = Image.open(io.BytesIO(handle.read()))
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (96, 96))


def test_replacing_a_picture_deletes_the_old_files_once_committed(
    django_capture_on_commit_callbacks,
):
    product = with_picture(ProductFactory())
    old = stored(product)

    with django_capture_on_commit_callbacks(execute=True):
        with_picture(product, badfiles.jpeg())

    product.refresh_from_db()
    assert product.image_version not in "".join(old)
    assert [default_storage.exists(name) for name in old] == [False, False, False]
    assert [default_storage.exists(name) for name in stored(product)] == [True, True, True]


def test_removing_a_picture_clears_it_and_deletes_its_files(django_capture_on_commit_callbacks):
    product = with_picture(ProductFactory())
    old = stored(product)

    with django_capture_on_commit_callbacks(execute=True):
        product_image_remove(product=product)

    product.refresh_from_db()
    assert (product.image_version, stored(product)) == ("", ["", "", ""])
    assert [default_storage.exists(name) for name in old] == [False, False, False]


# --- serving ----------------------------------------------------------------------------------


def test_anyone_gets_a_thumbnail_as_a_safe_jpeg(client):
    product = with_picture(ProductFactory())

    response = client.get(f"/products/{product.pk}/image/48/?v={product.image_version}")

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).size == (48, 48)
    assert {
        header: response[header]
        for header in (
            "Content-Type",
            "X-Content-Type-Options",
            "Content-Security-Policy",
            "Cache-Control",
            "Content-Disposition",
        )
    } == {
        "Content-Type": "image/jpeg",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": DOWNLOAD_CSP,
        "Cache-Control": "public, max-age=31536000, immutable",
        "Content-Disposition": (
            f'inline; filename="product-{product.pk}-48.jpg"; '
            f"filename*=UTF-8''product-{product.pk}-48.jpg"
        ),
    }


def test_without_the_current_version_a_picture_is_kept_only_briefly(client):
    product = with_picture(ProductFactory())

    unversioned = client.get(f"/products/{product.pk}/image/96/")
    stale = client.get(f"/products/{product.pk}/image/96/?v=0123")
    full = client.get(f"/products/{product.pk}/image/")

    assert [r["Cache-Control"] for r in (unversioned, stale, full)] == ["public, max-age=300"] * 3
    assert Image.open(io.BytesIO(b"".join(full.streaming_content))).size == (16, 8)


def test_a_product_without_a_picture_an_unknown_one_or_another_size_is_a_404(client):
    bare = ProductFactory()
    product = with_picture(ProductFactory())

    statuses = [
        client.get(f"/products/{bare.pk}/image/48/").status_code,
        client.get(f"/products/{bare.pk}/image/").status_code,
        client.get(f"/products/{product.pk + 1000}/image/48/").status_code,
        client.get(f"/products/{product.pk}/image/64/").status_code,
    ]

    assert statuses == [404, 404, 404, 404]


# --- the admin --------------------------------------------------------------------------------


def change_form(product: Product, **extra: object) -> dict[str, object]:
    return {
        "seller": product.seller_id,
        "title": product.title,
        "sku": product.sku,
        "price": str(product.price),
        "is_active": "on",
        **extra,
    }


def upload(data: bytes, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_staff_upload_and_replace_a_picture_in_the_admin(client, staff):
    product = ProductFactory()
    client.force_login(staff)
    url = f"/admin/orders/product/{product.pk}/change/"

    first = client.post(url, change_form(product, picture=upload(badfiles.png())))
    product.refresh_from_db()
    version = product.image_version
    page = client.get(url).content.decode()
    second = client.post(url, change_form(product, picture=upload(badfiles.jpeg(), "b.jpg")))
    product.refresh_from_db()

    assert (first.status_code, second.status_code) == (302, 302)
    assert version and product.image_version and product.image_version != version
    assert (
        f'<img src="/products/{product.pk}/image/96/?v={version}" width="96" height="96" '
        f'alt="{product.title}">'
    ) in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"MZ\x90\x00 not a picture", "The file is not a JPEG, PNG, GIF or WebP image."),
        (badfiles.png_header_only(20_000, 20_000), "The image has more than 40,000,000 pixels."),
        (b"\x89PNG" + b"\0" * MAX_IMAGE_BYTES, "The image is larger than 5 MB."),
    ],
    ids=["not-an-image", "pixel-flood", "too-large"],
)
def test_the_admin_refuses_what_is_not_a_usable_picture(client, staff, data, error):
    product = with_picture(ProductFactory())
    before = stored(product)
    client.force_login(staff)

    response = client.post(
        f"/admin/orders/product/{product.pk}/change/",
        change_form(product, picture=upload(data)),
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    product.refresh_from_db()
    assert stored(product) == before


def test_the_admin_removes_a_picture(client, staff):
    product = with_picture(ProductFactory())
    client.force_login(staff)

    response = client.post(
        f"/admin/orders/product/{product.pk}/change/", change_form(product, remove_picture="on")
    )

    product.refresh_from_db()
    assert (response.status_code, product.image.name) == (302, "")
