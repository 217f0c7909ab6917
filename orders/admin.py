from django.contrib import admin

from orders.models import Order, OrderItem, Product


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


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["title", "sku", "seller", "price", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["title", "sku", "seller__email"]
    list_select_related = ["seller"]
    raw_id_fields = ["seller"]
