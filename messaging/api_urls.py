from django.urls import path

from messaging import apis

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
    path("threads/<int:thread_id>", apis.ThreadDetailApi.as_view(), name="thread-detail"),
    path("threads/<int:thread_id>/messages", apis.MessageSendApi.as_view(), name="message-send"),
    path(
        "threads/<int:thread_id>/<slug:action>",
        apis.ThreadStateApi.as_view(),
        name="thread-state",
    ),
]
