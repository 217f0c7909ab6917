from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_settings, name="settings"),
    path("addresses/", views.address_add, name="address-add"),
    path("addresses/<int:address_id>/remove/", views.address_remove, name="address-remove"),
]
