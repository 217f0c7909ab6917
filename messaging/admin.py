from collections.abc import Callable
from typing import cast

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from accounts.models import User
from messagecenter.errors import ApplicationError
from messaging import services
from messaging.content_policy import highlight_segments
from messaging.models import (
    BlockedMessage,
    Message,
    MessageStatus,
    Obligation,
    Participant,
    ResponseDay,
    ReviewOutcome,
    Thread,
)


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["last_message_at", "last_message_is_mine", "needs_response_since"]


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "topic", "order", "buyer", "seller", "last_message_at"]
    list_filter = ["kind", "topic", "last_message_at"]
    search_fields = [
        "order__number",
        "buyer__email",
        "seller__email",
        "seller__seller_profile__shop_name",
    ]
    list_select_related = ["order", "buyer", "seller"]
    raw_id_fields = ["order", "product", "buyer", "seller", "last_message"]
    date_hierarchy = "last_message_at"
    inlines = [ParticipantInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "thread",
        "sender",
        "sender_role",
        "kind",
        "status",
        "created_at",
        "short_body",
    ]
    list_filter = ["status", "kind", "sender_role", "created_at"]
    search_fields = ["body", "thread__order__number", "sender__email"]
    list_select_related = ["sender", "thread__order", "thread__product"]
    raw_id_fields = ["thread", "sender"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description="Text")
    def short_body(self, message: Message) -> str:
        return message.body[:80]


@admin.register(BlockedMessage)
class ModerationQueueAdmin(admin.ModelAdmin):
    """Messages the content policy stopped: release a false positive or confirm the block."""

    list_display = [
        "id",
        "created_at",
        "sender",
        "sender_role",
        "thread",
        "categories_display",
        "review_outcome",
        "short_body",
    ]
    list_filter = ["review_outcome", "sender_role", "created_at"]
    search_fields = ["body", "sender__email", "thread__order__number"]
    list_select_related = ["sender", "thread__order", "thread__product"]
    readonly_fields = [
        "thread",
        "sender",
        "sender_role",
        "kind",
        "status",
        "body",
        "created_at",
        "findings_display",
        "review_outcome",
        "reviewed_by",
        "reviewed_at",
    ]
    exclude = ["findings"]
    actions = ["release", "confirm"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[BlockedMessage]:
        return (
            super()
            .get_queryset(request)
            .filter(Q(status=MessageStatus.BLOCKED) | ~Q(review_outcome=ReviewOutcome.PENDING))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Categories")
    def categories_display(self, message: Message) -> str:
        return ", ".join(message.categories)

    @admin.display(description="Text")
    def short_body(self, message: Message) -> str:
        return message.body[:80]

    @admin.display(description="Findings")
    def findings_display(self, message: Message) -> str:
        segments = highlight_segments(message.body, message.findings)
        text = format_html_join(
            "",
            "{}",
            (
                (
                    format_html('<mark title="{}">{}</mark>', seg["reason"], seg["text"])
                    if seg["flag"]
                    else seg["text"],
                )
                for seg in segments
            ),
        )
        reasons = format_html_join(
            "",
            "<li>{} [{}–{}] {} ({})</li>",
            (
                (f["category"], f["start"], f["end"], f["reason"], f.get("source", "body"))
                for f in message.findings
            ),
        )
        return format_html('<div style="white-space:pre-wrap">{}</div><ul>{}</ul>', text, reasons)

    def _review(
        self,
        request: HttpRequest,
        queryset: QuerySet[BlockedMessage],
        service: Callable[..., Message],
        done_text: str,
    ) -> None:
        done = 0
        for message in queryset:
            try:
                service(message=message, reviewer=cast(User, request.user))
            except ApplicationError as error:
                self.message_user(request, f"#{message.pk}: {error.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, f"{done} {done_text}")

    @admin.action(description="Release: deliver as a false positive")
    def release(self, request: HttpRequest, queryset: QuerySet[BlockedMessage]) -> None:
        self._review(request, queryset, services.message_release, "message(s) released.")

    @admin.action(description="Confirm the block")
    def confirm(self, request: HttpRequest, queryset: QuerySet[BlockedMessage]) -> None:
        self._review(request, queryset, services.message_confirm_block, "block(s) confirmed.")


class ReadOnlyAdmin(admin.ModelAdmin):
    """The response clock is written by the services only; staff read it here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = ["id", "thread", "seller", "received_at", "due_at", "outcome", "answered_at"]
    list_filter = ["outcome", "due_at"]
    search_fields = ["seller__email", "thread__order__number"]
    list_select_related = ["thread__order", "thread__product", "seller"]
    raw_id_fields = ["thread", "seller", "message", "answer"]


@admin.register(ResponseDay)
class ResponseDayAdmin(ReadOnlyAdmin):
    list_display = ["seller", "day", "due", "answered_on_time", "answered_late", "excluded"]
    list_filter = ["day"]
    search_fields = ["seller__email"]
    list_select_related = ["seller"]
