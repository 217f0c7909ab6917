from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from notifications import services, webhooks
from notifications.models import Notification, WebhookDelivery, WebhookEndpoint


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: every email with its delivery status, so "I never got it" has an answer."""

    list_display = [
        "id",
        "created_at",
        "recipient",
        "address",
        "kind",
        "status",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["address", "recipient__email", "dedupe_key"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "digest"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [
        "recipient",
        "address",
        "kind",
        "language",
        "context",
        "dedupe_key",
        "status",
        "digest",
        "attempts",
        "next_attempt_at",
        "locked_until",
        "last_error",
        "created_at",
        "sent_at",
    ]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Last error")
    def short_error(self, notification: Notification) -> str:
        return notification.last_error[:100]

    @admin.action(description="Retry the selected failed notifications")
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = services.notification_retry(notification_ids=queryset.values_list("pk", flat=True))
        skipped = queryset.count() - count
        self.message_user(request, f"{count} notification(s) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} notification(s) skipped: only failed ones are retried.",
                messages.WARNING,
            )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Sellers' endpoints; staff can turn one off (its pending deliveries then fail)."""

    list_display = ["id", "seller", "url", "is_active", "created_at"]
    list_filter = ["is_active", "created_at"]
    search_fields = ["url", "seller__email"]
    list_select_related = ["seller"]
    # The signing secret is the seller's: not shown here.
    fields = ["seller", "url", "is_active", "created_at"]
    readonly_fields = ["seller", "url", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The webhook outbox: every event sent to an endpoint, with its status and last answer."""

    list_display = [
        "id",
        "created_at",
        "endpoint",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "short_error",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "event", "created_at"]
    search_fields = ["endpoint__url", "endpoint__seller__email", "event_id"]
    list_select_related = ["endpoint"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [
        "endpoint",
        "event",
        "event_id",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "locked_until",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
    ]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Last error")
    def short_error(self, delivery: WebhookDelivery) -> str:
        return delivery.last_error[:100]

    @admin.action(description="Retry the selected failed deliveries")
    def retry(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = webhooks.webhook_delivery_retry(delivery_ids=queryset.values_list("pk", flat=True))
        skipped = queryset.count() - count
        self.message_user(request, f"{count} deliveries queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} deliveries skipped: only failed ones are retried.",
                messages.WARNING,
            )
