from django.urls import path

import messagecenter.converters  # noqa: F401  (registers <id:...>)
from messaging import saved_reply_views, views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.inbox, {"seller_view": False}, name="inbox"),
    path("messages/<id:thread_id>/", views.thread_detail, {"seller_view": False}, name="thread"),
    path("messages/bulk/", views.thread_bulk, name="thread-bulk"),
    path("messages/<id:thread_id>/updates/", views.thread_updates, name="thread-updates"),
    path("messages/<id:thread_id>/<slug:action>/", views.thread_action, name="thread-action"),
    path("seller/", views.inbox, {"seller_view": True}, name="seller-inbox"),
    path(
        "seller/messages/<id:thread_id>/",
        views.thread_detail,
        {"seller_view": True},
        name="seller-thread",
    ),
    path(
        "messages/files/<id:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "messages/files/<id:attachment_id>/thumbnail/",
        views.attachment_download,
        {"thumbnail": True},
        name="attachment-thumbnail",
    ),
    path("orders/<str:number>/contact/", views.thread_start_for_order, name="start-order"),
    path("seller/performance/", views.seller_performance, name="seller-performance"),
    path("seller/orders/", views.seller_order_list, name="seller-orders"),
    path("seller/orders/<str:number>/", views.seller_order_detail, name="seller-order"),
    path("messages/preferences/", views.messaging_preferences, name="preferences"),
    path("messages/preferences/unblock/", views.preferences_unblock, name="preferences-unblock"),
    path(
        "messages/<id:thread_id>/messages/<id:message_id>/report/",
        views.message_report,
        name="message-report",
    ),
    path("seller/performance.csv", views.seller_performance_csv, name="seller-performance-csv"),
    path("products/<id:product_id>/ask/", views.thread_start_for_product, name="start-product"),
    path("seller/saved-replies/", saved_reply_views.saved_reply_list, name="saved-replies"),
    path(
        "seller/saved-replies/new/",
        saved_reply_views.saved_reply_create,
        name="saved-reply-create",
    ),
    path(
        "seller/saved-replies/<id:saved_reply_id>/",
        saved_reply_views.saved_reply_edit,
        name="saved-reply-edit",
    ),
    path(
        "seller/saved-replies/<id:saved_reply_id>/delete/",
        saved_reply_views.saved_reply_delete,
        name="saved-reply-delete",
    ),
]
