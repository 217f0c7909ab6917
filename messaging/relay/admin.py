"""Inbound emails in the admin: what arrived, from whom, and why it was refused."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from accounts.typing import AuthenticatedHttpRequest
from core.errors import ApplicationError
from messaging.models import InboundEmail
from messaging.relay.services import inbound_email_reprocess


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Read-only: the inbound path writes these rows; staff read them and the raw email."""

    list_display = [
        "received_at",
        "status",
        "reason_code",
        "from_address",
        "subject",
        "spf_result",
        "dkim_result",
        "thread",
        "message",
        "bounce_sent_at",
    ]
    list_filter = ["status", "reason_code", "source", "received_at"]
    search_fields = ["from_address", "header_message_id", "subject", "alias"]
    list_select_related = ["thread", "message"]
    date_hierarchy = "received_at"
    exclude = ["raw"]
    readonly_fields = ["raw_email"]
    actions = ["process_again"]

    @admin.action(description="Process the selected refused emails again")
    def process_again(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[InboundEmail]
    ) -> None:
        """After the cause is fixed (say, the sender's address added to the account)."""
        outcomes: dict[str, int] = {}
        for row in queryset.order_by("received_at", "id"):
            try:
                status = inbound_email_reprocess(inbound_email_id=row.pk, actor=request.user)
            except ApplicationError as error:
                self.message_user(request, f"#{row.pk}: {error.message}", messages.WARNING)
                continue
            outcomes[status] = outcomes.get(status, 0) + 1
        if outcomes:
            summary = ", ".join(f"{count} {status}" for status, count in sorted(outcomes.items()))
            self.message_user(request, f"Processed again: {summary}.")

    @admin.display(description="raw email")
    def raw_email(self, obj: InboundEmail) -> str:
        text = bytes(obj.raw).decode("utf-8", errors="replace")
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text[:100_000])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
