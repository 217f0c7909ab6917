from django.urls import include, path

import core.converters  # noqa: F401  (registers <id:...> and <order_number:...>)
from messaging.attachments.apis import AttachmentContentApi, AttachmentDetailApi
from messaging.clock.apis import ResponseTimeMetricApi
from messaging.evidence.apis import (
    EvidenceExportDetailApi,
    EvidenceExportDownloadApi,
    ThreadEvidenceApi,
)
from messaging.moderation.apis import MessageReportApi
from messaging.policy.apis import PolicyCheckApi
from messaging.replies import apis as saved_reply_apis
from messaging.rules.apis import (
    MessagingPreferencesApi,
    OrderMessagingActionsApi,
    ProactiveMessageSendApi,
    ReviewRequestSendApi,
    ThreadSellerBlockApi,
)
from messaging.team import apis as team_apis
from messaging.threads.apis import (
    ThreadBulkApi,
    ThreadDetailApi,
    ThreadListApi,
    ThreadMessagesApi,
    ThreadMessageUndoApi,
    ThreadRestoreApi,
    ThreadStartApi,
    ThreadStateApi,
)

app_name = "api"

urlpatterns = [
    path("policy/check", PolicyCheckApi.as_view(), name="policy-check"),
    path("threads", ThreadListApi.as_view(), name="thread-list"),
    path(
        "metrics/response-time",
        ResponseTimeMetricApi.as_view(),
        name="metrics-response-time",
    ),
    path("threads/start", ThreadStartApi.as_view(), name="thread-start"),
    path("threads/bulk", ThreadBulkApi.as_view(), name="thread-bulk"),
    path(
        "preferences/messaging",
        MessagingPreferencesApi.as_view(),
        name="preferences-messaging",
    ),
    path(
        "orders/<order_number:number>/messaging-actions",
        OrderMessagingActionsApi.as_view(),
        name="order-messaging-actions",
    ),
    path(
        "orders/<order_number:number>/proactive-messages",
        ProactiveMessageSendApi.as_view(),
        name="order-proactive-message-send",
    ),
    path(
        "orders/<order_number:number>/review-request",
        ReviewRequestSendApi.as_view(),
        name="order-review-request-send",
    ),
    path("threads/<id:thread_id>", ThreadDetailApi.as_view(), name="thread-detail"),
    path(
        "threads/<id:thread_id>/messages",
        ThreadMessagesApi.as_view(),
        name="thread-messages",
    ),
    path(
        "threads/<id:thread_id>/messages/<id:message_id>/undo",
        ThreadMessageUndoApi.as_view(),
        name="message-undo",
    ),
    path(
        "threads/<id:thread_id>/messages/<id:message_id>/report",
        MessageReportApi.as_view(),
        name="message-report",
    ),
    path("team", team_apis.TeamApi.as_view(), name="team"),
    path("team/invitations", team_apis.TeamInvitationsApi.as_view(), name="team-invitations"),
    path(
        "team/invitations/<id:invitation_id>",
        team_apis.TeamInvitationApi.as_view(),
        name="team-invitation",
    ),
    path("team/members/<id:member_id>", team_apis.TeamMemberApi.as_view(), name="team-member"),
    path("threads/assign", team_apis.ThreadAssignApi.as_view(), name="threads-assign"),
    path(
        "threads/<id:thread_id>/notes",
        team_apis.ThreadNotesApi.as_view(),
        name="thread-notes",
    ),
    path(
        "threads/<id:thread_id>/block-seller",
        ThreadSellerBlockApi.as_view(),
        name="thread-block-seller",
    ),
    path(
        "threads/<id:thread_id>/restore",
        ThreadRestoreApi.as_view(),
        name="thread-restore",
    ),
    path(
        "threads/<id:thread_id>/evidence",
        ThreadEvidenceApi.as_view(),
        name="thread-evidence",
    ),
    path("evidence/<id:export_id>", EvidenceExportDetailApi.as_view(), name="evidence-detail"),
    path(
        "evidence/<id:export_id>/download",
        EvidenceExportDownloadApi.as_view(),
        name="evidence-download",
    ),
    path(
        "threads/<id:thread_id>/<slug:action>",
        ThreadStateApi.as_view(),
        name="thread-state",
    ),
    path(
        "attachments/<id:attachment_id>",
        AttachmentDetailApi.as_view(),
        name="attachment-detail",
    ),
    path(
        "attachments/<id:attachment_id>/content",
        AttachmentContentApi.as_view(),
        name="attachment-content",
    ),
    path("saved-replies", saved_reply_apis.SavedReplyListApi.as_view(), name="saved-reply-list"),
    path(
        "saved-replies/<id:saved_reply_id>",
        saved_reply_apis.SavedReplyDetailApi.as_view(),
        name="saved-reply-detail",
    ),
    path("", include("notifications.api_urls")),
]
