from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

ORDER_NUMBER_PATTERN = r"^\d{3}-\d{7}-\d{7}$"
order_number_validator = RegexValidator(
    ORDER_NUMBER_PATTERN, _("An order number looks like 123-1234567-1234567.")
)


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Product(models.Model):
    """Something a seller lists; buyers may ask about it before buying."""

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="products"
    )
    title = models.CharField(max_length=200)
    sku = models.CharField(max_length=40)
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    is_active = models.BooleanField(default=True)
    # The picture, re-encoded, and its square thumbnails (orders/images.py), stored under
    # products/<version>/ by orders.services.product_image_set: all three or none.
    image = models.FileField(max_length=200, blank=True)
    thumbnail_96 = models.FileField(max_length=200, blank=True)
    thumbnail_48 = models.FileField(max_length=200, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "sku"], name="product_unique_sku_per_seller"),
            models.CheckConstraint(
                condition=models.Q(image="", thumbnail_96="", thumbnail_48="")
                | (~models.Q(image="") & ~models.Q(thumbnail_96="") & ~models.Q(thumbnail_48="")),
                name="product_image_with_thumbnails",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def image_version(self) -> str:
        """Names the current picture: a new picture is a new version (and a new image URL)."""
        return PurePosixPath(self.image.name).parent.name if self.image else ""


class Order(models.Model):
    """One purchase from one seller, with its lifecycle timestamps."""

    number = models.CharField(max_length=19, unique=True, validators=[order_number_validator])
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_bought"
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_sold"
    )
    status = models.CharField(
        max_length=12, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    currency = models.CharField(max_length=3, default="USD")
    placed_at = models.DateTimeField()
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["buyer", "-placed_at"], name="order_buyer_placed_idx"),
            models.Index(fields=["seller", "-placed_at"], name="order_seller_placed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(buyer=models.F("seller")), name="order_buyer_is_not_seller"
            ),
            models.CheckConstraint(
                condition=models.Q(number__regex=ORDER_NUMBER_PATTERN), name="order_number_format"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="order_items"
    )
    title = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="order_item_quantity")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity
