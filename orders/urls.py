from django.urls import path

import core.converters  # noqa: F401  (registers <order_number:...>)
from orders import views

app_name = "orders"

urlpatterns = [
    path("orders/", views.order_list, name="list"),
    path("orders/<order_number:number>/", views.order_detail, name="detail"),
    path("products/", views.product_list, name="products"),
]
