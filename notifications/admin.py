from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from notifications import services
from notifications.models import Notification


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
