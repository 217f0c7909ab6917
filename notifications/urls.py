from django.urls import path

import core.converters  # noqa: F401  (registers <id:...>)
from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_settings, name="settings"),
    path("undo-send/", views.undo_send_update, name="undo-send"),
    path("addresses/", views.address_add, name="address-add"),
    path("addresses/<id:address_id>/remove/", views.address_remove, name="address-remove"),
    path("webhooks/", views.webhook_settings, name="webhooks"),
    path("webhooks/<id:endpoint_id>/remove/", views.webhook_remove, name="webhook-remove"),
    path("webhooks/<id:endpoint_id>/secret/", views.webhook_rotate_secret, name="webhook-secret"),
    path("webhooks/<id:endpoint_id>/test/", views.webhook_test, name="webhook-test"),
]
