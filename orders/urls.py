from django.urls import path, register_converter

import core.converters  # noqa: F401  (registers <order_number:...>)
from orders import views
from orders.images import THUMBNAIL_SIZES


class ThumbnailSizeConverter:
    """One of the thumbnail sizes a product picture is stored in; any other is a 404."""

    regex = "|".join(str(size) for size in THUMBNAIL_SIZES)

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(ThumbnailSizeConverter, "thumbnail_size")

app_name = "orders"

urlpatterns = [
    path("orders/", views.order_list, name="list"),
    path("orders/<order_number:number>/", views.order_detail, name="detail"),
    path("products/", views.product_list, name="products"),
    path("products/<id:product_id>/image/", views.product_image, name="product-image"),
    path(
        "products/<id:product_id>/image/<thumbnail_size:size>/",
        views.product_image,
        name="product-thumbnail",
    ),
]
