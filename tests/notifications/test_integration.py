"""End to end: web and API → outbox → a real Celery worker on Redis → a real SMTP server."""

import os
from email.utils import parseaddr

import pytest
from django.conf import settings
from django.db import connection

from messaging.relay.alias import reply_alias_address
from notifications.models import Notification, NotificationStatus
from notifications.tasks import notification_deliver
from tests.notifications import live
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.services


@pytest.fixture
def mailbox():
    box = live.Mailbox()
    controller = live.smtp_server(box)
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def worker(transactional_db, mailbox, tmp_path):
    if not (settings.REDIS_URL and connection.vendor == "postgresql"):
        reason = "needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    log = tmp_path / "worker.log"
    process = live.start_worker(smtp_port=mailbox.port, log_path=log)
    yield process
    live.stop_worker(process)


def test_messages_sent_through_api_and_web_arrive_by_email_exactly_once(
    worker, mailbox, client, api_client
):
    order = OrderFactory(
        buyer__email="alex@example.com",
        buyer__display_name="Alex Buyer",
        seller__email="sam@shop.example",
        seller__seller_profile__shop_name="Sam's Shop",
        seller__language="es",
    )
    buyer, seller = order.buyer, order.seller
    api_client.force_authenticate(buyer)  # as the pages' own API calls are

    # The buyer writes through the API; the seller (in Spanish) is emailed.
    response = api_client.post(
        "/api/v1/threads/start",
        {"order_number": order.number, "topic": "shipping", "body": "Where is my parcel?"},
        format="json",
    )
    assert response.status_code == 201, response.content
    first = mailbox.wait_for(1)[0]
    assert parseaddr(first["To"])[1] == "sam@shop.example"
    assert first["Subject"].strip() == f"Nuevo mensaje de Alex Buyer: Envío · Pedido {order.number}"

    # The same row enqueued again is not sent again.
    rows = Notification.objects.filter(recipient=seller)
    live.wait_for_rows(rows, ("status",), [(NotificationStatus.SENT,)])
    row = rows.get()
    notification_deliver.delay(row.pk)

    # The seller replies on the web page; the buyer is emailed. One worker takes tasks in
    # order, so once this email is in, the duplicate task above has run too.
    thread_id = row.context["thread_url"].rstrip("/").rsplit("/", 1)[1]
    client.force_login(seller)
    response = client.post(f"/seller/messages/{thread_id}/", {"body": "It ships today."})
    assert response.status_code == 302
    emails = mailbox.wait_for(2)

    assert [parseaddr(email["To"])[1] for email in emails] == [
        "sam@shop.example",
        "alex@example.com",
    ]
    assert (
        emails[1]["Subject"].strip()
        == f"New message from Sam's Shop: Shipping · Order {order.number}"
    )
    assert mailbox.recipients == [["sam@shop.example"], ["alex@example.com"]]
    # Each reader answers to an alias of their own, on the relay's domain.
    assert [email["Reply-To"] for email in emails] == [
        reply_alias_address(thread_id=int(thread_id), user_id=seller.pk),
        reply_alias_address(thread_id=int(thread_id), user_id=buyer.pk),
    ]
    for email in emails:
        assert email.is_multipart()
        assert [part.get_content_type() for part in email.iter_parts()] == [
            "text/plain",
            "text/html",
        ]
    # Neither side's email shows the other's address.
    assert "alex@example.com" not in emails[0].as_string()
    assert "sam@shop.example" not in emails[1].as_string()
    rows = Notification.objects.order_by("id")
    live.wait_for_rows(
        rows,
        ("address", "status", "attempts"),
        [("sam@shop.example", "sent", 1), ("alex@example.com", "sent", 1)],
    )
    assert [email["Message-ID"] for email in emails] == [
        f"<notification-{r.pk}@localhost>" for r in rows
    ]
