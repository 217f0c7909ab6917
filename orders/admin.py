from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from orders.images import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, ImageRejected, image_prepare
from orders.models import Order, OrderItem, Product
from orders.services import product_image_remove, product_image_set


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    raw_id_fields = ["product"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "buyer", "seller", "status", "total", "placed_at", "delivered_at"]
    list_filter = ["status", "placed_at"]
    search_fields = ["number", "buyer__email", "seller__email", "seller__seller_profile__shop_name"]
    list_select_related = ["buyer", "seller"]
    raw_id_fields = ["buyer", "seller"]
    date_hierarchy = "placed_at"
    inlines = [OrderItemInline]


# orders.images reason code -> what the form says (with ``limit`` filled in when it is shown).
IMAGE_REASONS = {
    "empty": _("The file is empty."),
    "too_large": _("The image is larger than %(limit)s MB."),
    "not_an_image": _("The file is not a JPEG, PNG, GIF or WebP image."),
    "too_many_pixels": _("The image has more than %(limit)s pixels."),
}
_LIMITS = {"too_large": MAX_IMAGE_BYTES >> 20, "too_many_pixels": f"{MAX_IMAGE_PIXELS:,}"}


def _refusal(code: str) -> forms.ValidationError:
    return forms.ValidationError(
        IMAGE_REASONS[code], code=code, params={"limit": _LIMITS.get(code, "")}
    )


class ProductAdminForm(forms.ModelForm):
    picture = forms.FileField(
        label=_("Picture"),
        required=False,
        help_text=format_lazy(
            _("JPEG, PNG, GIF or WebP, up to {limit} MB. It replaces the current one."),
            limit=MAX_IMAGE_BYTES >> 20,
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    remove_picture = forms.BooleanField(label=_("Remove the picture"), required=False)

    class Meta:
        model = Product
        fields = ["seller", "title", "sku", "price", "is_active"]

    def clean_picture(self) -> object:
        upload = self.cleaned_data.get("picture")
        if upload is None:
            return None
        # The size first: a file over the cap is refused without being read.
        if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
            raise _refusal("too_large")
        try:
            return image_prepare(upload.read(MAX_IMAGE_BYTES + 1))
        except ImageRejected as rejected:
            raise _refusal(rejected.code) from None


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductAdminForm
    list_display = ["title", "sku", "seller", "price", "is_active", "has_picture"]
    list_filter = ["is_active"]
    search_fields = ["title", "sku", "seller__email"]
    list_select_related = ["seller"]
    raw_id_fields = ["seller"]
    readonly_fields = ["current_picture"]

    @admin.display(boolean=True, description=_("Picture"))
    def has_picture(self, product: Product) -> bool:
        return bool(product.image)

    @admin.display(description=_("Current picture"))
    def current_picture(self, product: Product) -> str:
        if not product.image:
            return str(_("No picture yet."))
        url = reverse("orders:product-thumbnail", args=[product.pk, 96])
        return format_html(
            '<img src="{}?v={}" width="96" height="96" alt="{}">',
            url,
            product.image_version,
            product.title,
        )

    def save_model(self, request: HttpRequest, obj: Product, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("picture") is not None:
            product_image_set(product=obj, image=form.cleaned_data["picture"])
        elif form.cleaned_data.get("remove_picture"):
            product_image_remove(product=obj)
