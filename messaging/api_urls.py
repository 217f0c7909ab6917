from django.urls import include, path

import messagecenter.converters  # noqa: F401  (registers <id:...>)
from messaging import apis, saved_reply_apis

app_name = "api"

urlpatterns = [
    path("policy/check", apis.PolicyCheckApi.as_view(), name="policy-check"),
    path("threads", apis.ThreadListApi.as_view(), name="thread-list"),
    path(
        "metrics/response-time",
        apis.ResponseTimeMetricApi.as_view(),
        name="metrics-response-time",
    ),
    path("threads/start", apis.ThreadStartApi.as_view(), name="thread-start"),
    path("threads/bulk", apis.ThreadBulkApi.as_view(), name="thread-bulk"),
    path(
        "preferences/messaging",
        apis.MessagingPreferencesApi.as_view(),
        name="preferences-messaging",
    ),
    path(
        "orders/<str:number>/messaging-actions",
        apis.OrderMessagingActionsApi.as_view(),
        name="order-messaging-actions",
    ),
    path(
        "orders/<str:number>/proactive-messages",
        apis.ProactiveMessageSendApi.as_view(),
        name="order-proactive-message-send",
    ),
    path(
        "orders/<str:number>/review-request",
        apis.ReviewRequestSendApi.as_view(),
        name="order-review-request-send",
    ),
    path("threads/<id:thread_id>", apis.ThreadDetailApi.as_view(), name="thread-detail"),
    path(
        "threads/<id:thread_id>/messages",
        apis.ThreadMessagesApi.as_view(),
        name="thread-messages",
    ),
    path(
        "threads/<id:thread_id>/messages/<id:message_id>/report",
        apis.MessageReportApi.as_view(),
        name="message-report",
    ),
    path(
        "threads/<id:thread_id>/block-seller",
        apis.ThreadSellerBlockApi.as_view(),
        name="thread-block-seller",
    ),
    path(
        "threads/<id:thread_id>/<slug:action>",
        apis.ThreadStateApi.as_view(),
        name="thread-state",
    ),
    path(
        "attachments/<id:attachment_id>",
        apis.AttachmentDetailApi.as_view(),
        name="attachment-detail",
    ),
    path(
        "attachments/<id:attachment_id>/content",
        apis.AttachmentContentApi.as_view(),
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
