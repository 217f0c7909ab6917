from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.inbox, {"seller_view": False}, name="inbox"),
    path("messages/<int:thread_id>/", views.thread_detail, {"seller_view": False}, name="thread"),
    path("messages/<int:thread_id>/<slug:action>/", views.thread_action, name="thread-action"),
    path("seller/", views.inbox, {"seller_view": True}, name="seller-inbox"),
    path(
        "seller/messages/<int:thread_id>/",
        views.thread_detail,
        {"seller_view": True},
        name="seller-thread",
    ),
    path(
        "messages/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "messages/files/<int:attachment_id>/thumbnail/",
        views.attachment_download,
        {"thumbnail": True},
        name="attachment-thumbnail",
    ),
    path("orders/<str:number>/contact/", views.thread_start_for_order, name="start-order"),
    path("seller/performance/", views.seller_performance, name="seller-performance"),
    path("seller/performance.csv", views.seller_performance_csv, name="seller-performance-csv"),
    path("products/<int:product_id>/ask/", views.thread_start_for_product, name="start-product"),
]
