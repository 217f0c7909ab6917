"""The response clock in the admin: obligations and daily figures, read only."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from messaging.models import (
    Obligation,
    ResponseDay,
)


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "thread",
        "seller",
        "received_at",
        "due_at",
        "outcome",
        "answered_at",
        "no_response_needed_at",
    ]
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
