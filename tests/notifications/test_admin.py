from django.urls import reverse

from notifications.models import NotificationStatus
from tests.notifications.factories import NotificationFactory


def test_admin_lists_notifications_with_status_and_last_error(client, staff):
    NotificationFactory(status=NotificationStatus.FAILED, last_error="Mail server answered 554")
    client.force_login(staff)

    response = client.get(reverse("admin:notifications_notification_changelist"))

    assert response.status_code == 200
    assert "Mail server answered 554" in response.content.decode()


def test_admin_retry_action_queues_failed_notifications_again(
    client, staff, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(status=NotificationStatus.FAILED, attempts=6, last_error="554")
    client.force_login(staff)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "retry", "_selected_action": [failed.pk]},
        )

    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (NotificationStatus.PENDING, 0)
    assert len(callbacks) == 1
