"""Threads and messages in the admin (read-mostly: staff act through the moderation queue)."""

from django.contrib import admin

from messaging.evidence.admin import export_evidence
from messaging.models import (
    Message,
    Participant,
    Thread,
)


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = [
        "last_message_at",
        "last_message_is_mine",
        "needs_response_since",
        # Trash is the participant's own: restored or purged by them and the purge, not here.
        "trashed_at",
        "purged_at",
    ]


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
    actions = [export_evidence]


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
