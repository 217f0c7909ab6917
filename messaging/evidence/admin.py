"""Staff's evidence exports: the full record of a thread, from the thread list in the admin."""

from typing import cast

from django.contrib import admin, messages
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import User
from core.admin import ReadOnlyAdmin
from core.errors import ApplicationError
from messaging.evidence import links, services
from messaging.models import EvidenceExport, Thread


@admin.action(description="Export evidence (full record: PDF and signed ZIP)")
def export_evidence(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Thread]
) -> None:
    """Start a staff export of each selected thread: blocked messages, findings, moderation."""
    staff = cast(User, request.user)
    started = []
    for thread in queryset.order_by("id"):
        try:
            export = services.evidence_export_request_staff(thread=thread, staff=staff)
        except ApplicationError as error:
            modeladmin.message_user(request, f"#{thread.pk}: {error.message}", messages.ERROR)
            return
        started.append(export)
    if started:
        modeladmin.message_user(
            request,
            format_html(
                '{} evidence export(s) started; <a href="{}">follow them here</a>.',
                len(started),
                reverse("admin:messaging_evidenceexport_changelist"),
            ),
        )


@admin.register(EvidenceExport)
class EvidenceExportAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "thread",
        "requested_by",
        "scope",
        "status",
        "progress_display",
        "created_at",
        "finished_at",
        "expires_at",
        "download",
    ]
    list_filter = ["status", "scope", "created_at"]
    list_select_related = ["thread__order", "thread__product", "requested_by"]
    raw_id_fields = ["thread", "requested_by"]
    search_fields = ["thread__order__number", "requested_by__email"]
    date_hierarchy = "created_at"
    exclude = ["file", "locked_until"]

    @admin.display(description="Progress")
    def progress_display(self, export: EvidenceExport) -> str:
        return f"{export.progress} %"

    def get_queryset(self, request: HttpRequest) -> QuerySet[EvidenceExport]:
        mine = Q(requested_by_id=request.user.pk)
        return (
            super()
            .get_queryset(request)
            .annotate(is_mine=ExpressionWrapper(mine, output_field=BooleanField()))
        )

    @admin.display(description="Download")
    def download(self, export: EvidenceExport) -> str:
        # Downloads are for the one who asked: other staff see that it exists, not its file.
        if not getattr(export, "is_mine", False):
            return "—"
        path = links.export_download_path(export)
        return format_html('<a href="{}">ZIP</a>', path) if path else "—"
