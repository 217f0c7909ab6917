import pytest
from django.urls import reverse

from messaging.models import Message
from messaging.threads import services
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db


def test_staff_release_action_delivers_the_blocked_message(client, staff, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    blocked = services.message_send(thread=thread, sender=buyer, body="Call 415 555 0132")
    client.force_login(staff)

    response = client.post(
        reverse("admin:messaging_blockedmessage_changelist"),
        {"action": "release", "_selected_action": [blocked.pk]},
    )

    assert response.status_code == 302
    assert Message.objects.get(pk=blocked.pk).review_outcome == "released"
    assert Message.objects.get(pk=blocked.pk).status == "delivered"
