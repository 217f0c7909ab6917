"""Webhook routes of the REST API, included under /api/v1/ by the messaging API's URLConf."""

from django.urls import path

import core.converters  # noqa: F401  (registers <id:...>)
from notifications import apis

urlpatterns = [
    path("webhooks", apis.WebhookEndpointListApi.as_view(), name="webhook-list"),
    path(
        "webhooks/<id:endpoint_id>",
        apis.WebhookEndpointDetailApi.as_view(),
        name="webhook-detail",
    ),
    path(
        "webhooks/<id:endpoint_id>/secret",
        apis.WebhookEndpointSecretApi.as_view(),
        name="webhook-secret",
    ),
    path(
        "webhooks/<id:endpoint_id>/test",
        apis.WebhookEndpointTestApi.as_view(),
        name="webhook-test",
    ),
    path(
        "webhooks/<id:endpoint_id>/deliveries",
        apis.WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
]
