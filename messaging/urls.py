from django.urls import path

import core.converters  # noqa: F401  (registers <id:...> and <order_number:...>)
from messaging.attachments.views import attachment_download
from messaging.clock.views import seller_performance, seller_performance_csv
from messaging.evidence.views import thread_evidence
from messaging.moderation.views import message_report
from messaging.replies import views as saved_reply_views
from messaging.rules.views import (
    messaging_preferences,
    preferences_unblock,
    seller_order_detail,
    seller_order_list,
)
from messaging.team import views as team_views
from messaging.threads.views import (
    inbox,
    inbox_updates,
    message_undo,
    thread_action,
    thread_bulk,
    thread_detail,
    thread_start_for_order,
    thread_start_for_product,
    thread_updates,
)

app_name = "messaging"

urlpatterns = [
    path("seller/team/", team_views.team, name="team"),
    path(
        "seller/team/invitations/<id:invitation_id>/revoke/",
        team_views.team_invitation_revoke,
        name="team-invitation-revoke",
    ),
    path(
        "seller/team/members/<id:member_id>/role/",
        team_views.team_member_role,
        name="team-member-role",
    ),
    path(
        "seller/team/members/<id:member_id>/remove/",
        team_views.team_member_remove,
        name="team-member-remove",
    ),
    path("team/join/<str:token>/", team_views.team_join, name="team-join"),
    path("team/switch/", team_views.team_switch, name="team-switch"),
    path(
        "seller/messages/<id:thread_id>/notes/",
        team_views.thread_note_add,
        name="thread-note-add",
    ),
    path(
        "seller/messages/<id:thread_id>/assign/",
        team_views.thread_assign,
        name="thread-assign",
    ),
    path("messages/", inbox, {"seller_view": False}, name="inbox"),
    path("messages/<id:thread_id>/", thread_detail, {"seller_view": False}, name="thread"),
    path("messages/bulk/", thread_bulk, name="thread-bulk"),
    path("messages/inbox-updates/", inbox_updates, name="inbox-updates"),
    path("messages/<id:thread_id>/updates/", thread_updates, name="thread-updates"),
    path("messages/<id:thread_id>/evidence/", thread_evidence, name="thread-evidence"),
    path("messages/<id:thread_id>/<slug:action>/", thread_action, name="thread-action"),
    path("seller/", inbox, {"seller_view": True}, name="seller-inbox"),
    path(
        "seller/messages/<id:thread_id>/",
        thread_detail,
        {"seller_view": True},
        name="seller-thread",
    ),
    path(
        "messages/files/<id:attachment_id>/",
        attachment_download,
        name="attachment",
    ),
    path(
        "messages/files/<id:attachment_id>/thumbnail/",
        attachment_download,
        {"thumbnail": True},
        name="attachment-thumbnail",
    ),
    path("orders/<order_number:number>/contact/", thread_start_for_order, name="start-order"),
    path("seller/performance/", seller_performance, name="seller-performance"),
    path("seller/orders/", seller_order_list, name="seller-orders"),
    path("seller/orders/<order_number:number>/", seller_order_detail, name="seller-order"),
    path("messages/preferences/", messaging_preferences, name="preferences"),
    path("messages/preferences/unblock/", preferences_unblock, name="preferences-unblock"),
    path(
        "messages/<id:thread_id>/messages/<id:message_id>/undo/",
        message_undo,
        name="message-undo",
    ),
    path(
        "messages/<id:thread_id>/messages/<id:message_id>/report/",
        message_report,
        name="message-report",
    ),
    path("seller/performance.csv", seller_performance_csv, name="seller-performance-csv"),
    path("products/<id:product_id>/ask/", thread_start_for_product, name="start-product"),
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
