"""Writes of the catalogue: a product's picture."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from core.display_epoch import display_epoch_bump
from core.on_commit import after_commit
from orders.images import PreparedImage
from orders.models import Product

_IMAGE_FIELDS = ("image", "thumbnail_96", "thumbnail_48")


def _delete_files(keys: list[str]) -> None:
    for key in keys:
        default_storage.delete(key)


def _stored_keys(product: Product) -> list[str]:
    return [name for field in _IMAGE_FIELDS if (name := getattr(product, field).name)]


def _replace_files(product: Product, new: dict[str, str]) -> Product:
    """Point the product at ``new`` files; the ones it had go once the change is committed."""
    values = {field: new.get(field, "") for field in _IMAGE_FIELDS}
    try:
        with transaction.atomic():
            # Locked and read again: of two replacements at once, each deletes what it replaced.
            current = Product.objects.select_for_update().only(*_IMAGE_FIELDS).get(pk=product.pk)
            Product.objects.filter(pk=product.pk).update(**values)
            after_commit(_delete_files, _stored_keys(current))
            display_epoch_bump()  # pages cached with its old picture
    except BaseException:
        _delete_files(list(new.values()))
        raise
    for field, value in values.items():
        setattr(product, field, value)
    return product


def product_image_set(*, product: Product, image: PreparedImage) -> Product:
    """Store a checked picture and its thumbnails (orders.images) as the product's picture.

    The files go under a new ``products/<version>/`` folder, so every page and cached inbox
    row that shows the picture gets a new URL; the previous files are deleted after commit.
    """
    folder = f"products/{uuid.uuid4().hex}"
    written: dict[str, str] = {}
    try:
        written["image"] = default_storage.save(f"{folder}/image.jpg", ContentFile(image.full))
        for size, data in image.thumbnails.items():
            written[f"thumbnail_{size}"] = default_storage.save(
                f"{folder}/{size}.jpg", ContentFile(data)
            )
    except BaseException:
        _delete_files(list(written.values()))
        raise
    return _replace_files(product, written)


def product_image_remove(*, product: Product) -> Product:
    """Take the product's picture away (pages show the neutral placeholder instead)."""
    return _replace_files(product, {})
