"""The moderation queue in the admin: blocked messages, reports, restrictions, the audit trail."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from accounts.models import User
from core.admin import ReadOnlyAdmin
from core.errors import ApplicationError
from messaging.models import (
    BlockedMessage,
    CaseKind,
    CaseStatus,
    Message,
    MessageStatus,
    ModerationAction,
    ModerationCase,
    PolicyFeedback,
    ReviewOutcome,
    SellerRestriction,
)
from messaging.moderation import services
from messaging.moderation import services as moderation
from messaging.policy import CATEGORIES
from messaging.policy.content import findings_highlight

EXCERPT_LENGTH = 300


def excerpt(text: str) -> str:
    """A message's text as a list column shows it: whole up to 300 characters, then "…"."""
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1].rstrip() + "…"


def iso_breakable(moment: datetime) -> str:
    """A moment as the admin writes it (ISO 8601 with the zone), free to wrap before its time."""
    date, _, time = date_format(localtime(moment), "DATETIME_FORMAT").partition("T")
    return format_html("{}<wbr>T{}", date, time)


def _label_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    objects: Iterable[Any],
    label: Callable[[Any, User], tuple[PolicyFeedback, bool]],
    label_text: str,
) -> None:
    """Label each selected message for the policy corpus; say which were refused or known."""
    added = 0
    for obj in objects:
        try:
            _feedback, created = label(obj, cast(User, request.user))
        except ApplicationError as error:
            modeladmin.message_user(request, f"#{obj.pk}: {error.message}", messages.WARNING)
            continue
        if created:
            added += 1
        else:
            modeladmin.message_user(
                request, f"#{obj.pk}: already labelled {label_text}.", messages.INFO
            )
    modeladmin.message_user(request, f"{added} message(s) labelled {label_text}.")


@admin.register(BlockedMessage)
class ModerationQueueAdmin(admin.ModelAdmin):
    """Messages the content policy stopped: release a false positive or confirm the block."""

    # Few, narrow columns, so the text reads whole at 1280 px.
    list_display = [
        "id",
        "created",
        "sender_display",
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
    actions = ["release", "confirm", "mark_false_positive"]
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

    @admin.display(description="Created at", ordering="created_at")
    def created(self, message: Message) -> str:
        return iso_breakable(message.created_at)

    @admin.display(description="Sender", ordering="sender__email")
    def sender_display(self, message: Message) -> str:
        if message.sender is None:
            return "—"
        return format_html(
            "{}<br><small>{}</small>", message.sender.email, message.get_sender_role_display()
        )

    @admin.display(description="Categories")
    def categories_display(self, message: Message) -> str:
        return ", ".join(message.categories)

    @admin.display(description="Text")
    def short_body(self, message: Message) -> str:
        return excerpt(message.body)

    @admin.display(description="Findings")
    def findings_display(self, message: Message) -> str:
        segments = findings_highlight(message.body, message.findings)
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

    @admin.action(description="Label a released message a false positive (policy corpus)")
    def mark_false_positive(self, request: HttpRequest, queryset: QuerySet[BlockedMessage]) -> None:
        _label_each(
            self,
            request,
            queryset,
            lambda message, staff: services.message_mark_false_positive(
                message=message, staff=staff
            ),
            "false positive",
        )


class ModerationActionInline(admin.TabularInline):
    model = ModerationAction
    fk_name = "case"
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "actor", "action", "subject", "detail")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class MissedViolationForm(forms.Form):
    categories = forms.MultipleChoiceField(
        choices=[(category, category) for category in CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        label="Policy categories the message breaks",
    )


class RestrictSenderForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=365, label="Days")
    reason = forms.CharField(
        max_length=300, label="Reason (shown to the seller)", widget=forms.Textarea({"rows": 3})
    )


@admin.register(ModerationCase)
class ModerationCaseAdmin(admin.ModelAdmin):
    """One queue: blocked messages, buyer reports and sellers with repeated blocks."""

    # Seven columns, so the message and why it is queued read whole at 1280 px.
    list_display = [
        "id",
        "created",
        "case_display",
        "subject_display",
        "why",
        "message_excerpt",
        "resolution_display",
    ]
    list_filter = ["status", "kind", "resolution", "created_at"]
    search_fields = ["subject__email", "reporter__email", "message__body", "note"]
    list_select_related = ["subject", "message", "resolved_by"]
    fields = readonly_fields = (
        "kind",
        "status",
        "resolution",
        "subject",
        "message_display",
        "reporter",
        "report_reason",
        "note",
        "created_at",
        "resolved_by",
        "resolved_at",
    )
    inlines = [ModerationActionInline]
    actions = [
        "release",
        "confirm",
        "restrict_sender",
        "dismiss",
        "mark_false_positive",
        "mark_missed_violation",
    ]
    ordering = ["-status", "created_at", "id"]  # open cases first, oldest first
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Why")
    def why(self, case: ModerationCase) -> str:
        if case.kind == CaseKind.REPORT:
            return f"{case.get_report_reason_display()}{': ' + case.note if case.note else ''}"
        if case.kind == CaseKind.BLOCKED_MESSAGE and case.message is not None:
            return ", ".join(case.message.categories)
        return case.note

    @admin.display(description="Created at", ordering="created_at")
    def created(self, case: ModerationCase) -> str:
        return iso_breakable(case.created_at)

    @admin.display(description="Case", ordering="status")
    def case_display(self, case: ModerationCase) -> str:
        return format_html(
            "{}<br><small>{}</small>", case.get_kind_display(), case.get_status_display()
        )

    @admin.display(description="Subject", ordering="subject__email")
    def subject_display(self, case: ModerationCase) -> str:
        return case.subject.email if case.subject is not None else "—"

    @admin.display(description="Message")
    def message_excerpt(self, case: ModerationCase) -> str:
        return excerpt(case.message.body) if case.message is not None else ""

    @admin.display(description="Resolution", ordering="resolution")
    def resolution_display(self, case: ModerationCase) -> str:
        # Who closed a case and when, under the outcome: one column, not three.
        if not case.resolution:
            return "—"
        who = case.resolved_by.email if case.resolved_by is not None else "automatic"
        if case.resolved_at is None:
            return format_html("{}<br><small>{}</small>", case.get_resolution_display(), who)
        return format_html(
            "{}<br><small>{} · {}</small>",
            case.get_resolution_display(),
            who,
            iso_breakable(case.resolved_at),
        )

    @admin.display(description="Message")
    def message_display(self, case: ModerationCase) -> str:
        if case.message is None:
            return "—"
        return format_html(
            '<div style="white-space:pre-wrap">{}</div><p>{} · {}</p>',
            case.message.body,
            case.message.get_status_display(),
            case.message.get_review_outcome_display(),
        )

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[ModerationCase],
        act: Callable[[ModerationCase, User], object],
        done_text: str,
    ) -> None:
        done = 0
        for case in queryset.select_related("message", "subject"):
            try:
                act(case, cast(User, request.user))
            except ApplicationError as error:
                self.message_user(request, f"#{case.pk}: {error.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, f"{done} {done_text}")

    @staticmethod
    def _blocked_message(case: ModerationCase) -> Message:
        if case.kind != CaseKind.BLOCKED_MESSAGE or case.message is None:
            raise ApplicationError("not_blocked", "Only a blocked message is released.")
        return case.message

    @admin.action(description="Release: deliver the blocked message (false positive)")
    def release(self, request: HttpRequest, queryset: QuerySet[ModerationCase]) -> None:
        self._each(
            request,
            queryset,
            lambda case, staff: services.message_release(
                message=self._blocked_message(case), reviewer=staff
            ),
            "message(s) released.",
        )

    @admin.action(description="Confirm the violation")
    def confirm(self, request: HttpRequest, queryset: QuerySet[ModerationCase]) -> None:
        def act(case: ModerationCase, staff: User) -> object:
            if case.kind == CaseKind.REPORT:
                return moderation.report_confirm(case=case, reviewer=staff)
            return services.message_confirm_block(
                message=self._blocked_message(case), reviewer=staff
            )

        self._each(request, queryset, act, "violation(s) confirmed.")

    @admin.action(description="Dismiss (no action needed)")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[ModerationCase]) -> None:
        self._each(
            request,
            queryset,
            lambda case, staff: moderation.case_dismiss(case=case, reviewer=staff),
            "case(s) dismissed.",
        )

    @admin.action(description="Label a released message a false positive (policy corpus)")
    def mark_false_positive(self, request: HttpRequest, queryset: QuerySet[ModerationCase]) -> None:
        def label(case: ModerationCase, staff: User) -> tuple[PolicyFeedback, bool]:
            if case.message is None:
                raise ApplicationError("no_message", "This case has no message to label.")
            return services.message_mark_false_positive(message=case.message, staff=staff)

        _label_each(self, request, queryset.select_related("message"), label, "false positive")

    @admin.action(description="Label a confirmed report a missed violation (policy corpus)…")
    def mark_missed_violation(
        self, request: HttpRequest, queryset: QuerySet[ModerationCase]
    ) -> TemplateResponse | None:
        applying = "apply" in request.POST
        form = MissedViolationForm(request.POST if applying else None)
        if applying and form.is_valid():
            categories = form.cleaned_data["categories"]
            _label_each(
                self,
                request,
                queryset,
                lambda case, staff: services.report_mark_missed_violation(
                    case=case, categories=categories, staff=staff
                ),
                "missed violation",
            )
            return None
        return self._form_page(
            request,
            "Label confirmed reports as missed violations",
            queryset.select_related("message"),
            form,
            "admin/messaging/mark_missed_violation.html",
        )

    @admin.action(description="Restrict the sender's proactive messages…")
    def restrict_sender(
        self, request: HttpRequest, queryset: QuerySet[ModerationCase]
    ) -> TemplateResponse | None:
        applying = "apply" in request.POST
        form = RestrictSenderForm(
            request.POST if applying else None,
            initial={"days": settings.SELLER_RESTRICTION_DEFAULT_DAYS},
        )
        if applying and form.is_valid():
            # One restriction per seller, recorded against the first selected case of each.
            first_cases: dict[int, ModerationCase] = {}
            for case in queryset.filter(status=CaseStatus.OPEN).order_by("created_at", "id"):
                first_cases.setdefault(case.subject_id, case)
            self._each(
                request,
                queryset.filter(pk__in=[case.pk for case in first_cases.values()]),
                lambda case, staff: moderation.seller_restrict(
                    seller=case.subject,
                    days=form.cleaned_data["days"],
                    reason=form.cleaned_data["reason"],
                    actor=staff,
                    case=case,
                ),
                "seller(s) restricted.",
            )
            return None
        return self._form_page(
            request,
            "Restrict the sender's proactive messages",
            queryset.select_related("subject"),
            form,
            "admin/messaging/restrict_sender.html",
        )

    def _form_page(
        self,
        request: HttpRequest,
        title: str,
        cases: QuerySet[ModerationCase],
        form: forms.Form,
        template: str,
    ) -> TemplateResponse:
        """The page an action shows to ask for its details, listing the selected cases."""
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "cases": cases,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, template, context)


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "subject", "case", "message", "detail"]
    list_filter = ["action", "created_at"]
    search_fields = ["actor__email", "subject__email", "detail"]
    list_select_related = ["actor", "subject", "case", "message"]
    date_hierarchy = "created_at"


@admin.register(PolicyFeedback)
class PolicyFeedbackAdmin(ReadOnlyAdmin):
    """Staff's labels for the content policy's corpus; `policy_corpus_export` writes them out."""

    list_display = [
        "id",
        "created_at",
        "kind",
        "categories_display",
        "language",
        "short_text",
        "message",
        "created_by",
    ]
    list_filter = ["kind", "language", "created_at"]
    search_fields = ["text", "created_by__email"]
    list_select_related = ["message", "created_by"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description="Categories")
    def categories_display(self, feedback: PolicyFeedback) -> str:
        return ", ".join(feedback.categories) or "none"

    @admin.display(description="Text")
    def short_text(self, feedback: PolicyFeedback) -> str:
        return feedback.text[:80]


@admin.register(SellerRestriction)
class SellerRestrictionAdmin(ReadOnlyAdmin):
    """Sellers' restrictions, newest first; staff with change rights can lift one early."""

    list_display = ["id", "seller", "reason", "starts_at", "ends_at", "is_active", "created_by"]
    list_filter = ["ends_at", "starts_at"]
    search_fields = ["seller__email", "seller__seller_profile__shop_name", "reason"]
    list_select_related = ["seller", "created_by"]
    date_hierarchy = "starts_at"
    actions = ["lift"]

    def has_lift_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("messaging.change_sellerrestriction")

    @admin.display(description="In force", boolean=True)
    def is_active(self, restriction: SellerRestriction) -> bool:
        return restriction.starts_at <= timezone.now() < restriction.ends_at

    @admin.action(description="Lift early: end the restriction now", permissions=["lift"])
    def lift(self, request: HttpRequest, queryset: QuerySet[SellerRestriction]) -> None:
        done = 0
        for restriction in queryset.order_by("id"):
            try:
                moderation.restriction_lift(restriction=restriction, actor=cast(User, request.user))
            except ApplicationError as error:
                self.message_user(request, f"#{restriction.pk}: {error.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, f"{done} restriction(s) lifted.")
