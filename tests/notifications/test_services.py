from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import NotificationMode
from core.tasks import BROKER_OUTAGE
from notifications import services
from notifications.models import Notification, NotificationKind, NotificationStatus
from tests.notifications.factories import (
    BuyerFactory,
    NotificationAddressFactory,
    NotificationFactory,
    SellerFactory,
)
from tests.notifications.helpers import enqueued_ids

CONTEXT = {
    "sender_name": "Alex Buyer",
    "subject": "Shipping · Order 112-0000001-0000001",
    "thread_url": "http://127.0.0.1:8000/seller/messages/9/",
    "excerpt": "Where is my parcel?",
}


def notify(recipient, *, kind="new_message", key="message:1:to:1", context=CONTEXT):
    return services.notify(recipient=recipient, kind=kind, dedupe_key=key, context=context)


@pytest.mark.django_db
def test_notify_writes_a_pending_row_and_enqueues_it_after_commit(
    django_capture_on_commit_callbacks,
):
    buyer = BuyerFactory(email="alex@example.com", language="es")

    with django_capture_on_commit_callbacks() as callbacks:
        rows = notify(buyer)

    row = Notification.objects.get()
    assert rows == [row]
    assert (row.recipient, row.address, row.kind, row.language) == (
        buyer,
        "alex@example.com",
        "new_message",
        "es",
    )
    assert row.status == NotificationStatus.PENDING
    assert row.dedupe_key == "message:1:to:1:alex@example.com"
    assert row.context == CONTEXT
    assert enqueued_ids(callbacks) == [row.pk]


@pytest.mark.django_db
def test_notify_sends_a_sellers_notifications_to_every_team_address(
    django_capture_on_commit_callbacks,
):
    seller = SellerFactory(email="owner@shop.example")
    NotificationAddressFactory(user=seller, email="ana@shop.example")
    NotificationAddressFactory(user=seller, email="luis@shop.example")
    NotificationAddressFactory(email="someone-else@shop.example")

    with django_capture_on_commit_callbacks() as callbacks:
        rows = notify(seller)

    assert [row.address for row in rows] == [
        "owner@shop.example",
        "ana@shop.example",
        "luis@shop.example",
    ]
    assert enqueued_ids(callbacks) == [row.pk for row in rows]


@pytest.mark.django_db
def test_addresses_as_long_as_email_allows_are_written_once_each():
    # 254 characters, the longest address there is; two that differ only at the end.
    long_a = "a" * 64 + "@" + ("b" * 62 + ".") * 2 + "c" * 59 + ".com"
    long_b = long_a[:-5] + "d.com"
    seller = SellerFactory(email="owner@shop.example")
    NotificationAddressFactory(user=seller, email=long_a)
    NotificationAddressFactory(user=seller, email=long_b)

    first = notify(seller)
    again = notify(seller)

    assert (len(long_a), len(long_b)) == (254, 254)
    assert [row.address for row in first] == ["owner@shop.example", long_a, long_b]
    assert again == []
    keys = list(Notification.objects.order_by("id").values_list("dedupe_key", flat=True))
    assert keys[0] == "message:1:to:1:owner@shop.example"
    assert [len(key) for key in keys[1:]] == [255, 255]
    assert keys[1] != keys[2]
    assert keys[1] == services.dedupe_key_fit(f"message:1:to:1:{long_a}")


@pytest.mark.django_db
def test_notify_again_with_the_same_key_creates_and_enqueues_nothing(
    django_capture_on_commit_callbacks,
):
    seller = SellerFactory()
    notify(seller)

    with django_capture_on_commit_callbacks() as callbacks:
        rows = notify(seller)

    assert rows == []
    assert Notification.objects.count() == 1
    assert enqueued_ids(callbacks) == []


@pytest.mark.django_db
def test_notify_again_writes_only_the_rows_of_addresses_added_since(
    django_capture_on_commit_callbacks,
):
    seller = SellerFactory(email="owner@shop.example")
    (first,) = notify(seller)
    NotificationAddressFactory(user=seller, email="ana@shop.example")

    with django_capture_on_commit_callbacks() as callbacks:
        rows = notify(seller)

    (added,) = rows
    assert added == Notification.objects.get(address="ana@shop.example")
    assert (added.dedupe_key, added.status) == (
        "message:1:to:1:ana@shop.example",
        NotificationStatus.PENDING,
    )
    assert sorted(Notification.objects.values_list("pk", flat=True)) == [first.pk, added.pk]
    assert enqueued_ids(callbacks) == [added.pk]


@pytest.mark.django_db
def test_notify_in_digest_mode_keeps_new_messages_for_the_digest(
    django_capture_on_commit_callbacks,
):
    buyer = BuyerFactory(notification_mode=NotificationMode.DIGEST)

    with django_capture_on_commit_callbacks() as callbacks:
        notify(buyer)

    assert Notification.objects.get().status == NotificationStatus.WAITING_DIGEST
    assert enqueued_ids(callbacks) == []


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["reminder", "message_released"])
def test_notify_in_digest_mode_sends_time_sensitive_kinds_at_once(
    kind, django_capture_on_commit_callbacks
):
    seller = SellerFactory(notification_mode=NotificationMode.DIGEST)

    with django_capture_on_commit_callbacks() as callbacks:
        rows = notify(seller, kind=kind, context={**CONTEXT, "hours_left": 4})

    assert [row.status for row in rows] == [NotificationStatus.PENDING]
    assert enqueued_ids(callbacks) == [rows[0].pk]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["new_message", "reminder", "message_released"])
def test_notify_with_emails_off_records_a_skipped_row_and_sends_nothing(
    kind, django_capture_on_commit_callbacks
):
    seller = SellerFactory(email="owner@shop.example", notification_mode=NotificationMode.OFF)
    NotificationAddressFactory(user=seller)

    with django_capture_on_commit_callbacks() as callbacks:
        rows = notify(seller, kind=kind)

    assert [(row.address, row.status) for row in rows] == [
        ("owner@shop.example", NotificationStatus.SKIPPED)
    ]
    assert enqueued_ids(callbacks) == []


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["digest", "unknown"])
def test_notify_refuses_a_kind_it_cannot_render(kind):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notify(BuyerFactory(), kind=kind)

    assert Notification.objects.count() == 0


def waiting(recipient, minutes_ago, **fields):
    created = timezone.now() - timedelta(minutes=minutes_ago)
    return NotificationFactory(
        recipient=recipient,
        status=NotificationStatus.WAITING_DIGEST,
        created_at=created,
        next_attempt_at=created,
        **fields,
    )


@pytest.mark.django_db
def test_digests_send_batches_a_due_batch_into_one_email(django_capture_on_commit_callbacks):
    buyer = BuyerFactory(notification_mode=NotificationMode.DIGEST, digest_interval_minutes=60)
    first = waiting(buyer, 61, context={**CONTEXT, "sender_name": "Shop A"})
    second = waiting(buyer, 5, context={**CONTEXT, "sender_name": "Shop B"})

    with django_capture_on_commit_callbacks() as callbacks:
        created = services.digests_send()

    digest = Notification.objects.get(kind=NotificationKind.DIGEST)
    assert created == 1
    assert digest.status == NotificationStatus.PENDING
    assert digest.address == buyer.email
    assert digest.dedupe_key == f"digest:{buyer.pk}:{buyer.email}:{first.pk}"
    assert digest.context["count"] == 2
    assert [item["sender_name"] for item in digest.context["items"]] == ["Shop A", "Shop B"]
    assert set(digest.items.values_list("pk", "status")) == {
        (first.pk, NotificationStatus.IN_DIGEST),
        (second.pk, NotificationStatus.IN_DIGEST),
    }
    assert enqueued_ids(callbacks) == [digest.pk]


@pytest.mark.django_db
def test_digests_send_waits_until_the_oldest_message_has_waited_the_interval():
    buyer = BuyerFactory(notification_mode=NotificationMode.DIGEST, digest_interval_minutes=60)
    item = waiting(buyer, 59)

    assert services.digests_send() == 0
    item.refresh_from_db()
    assert item.status == NotificationStatus.WAITING_DIGEST
    assert services.digests_send(now=timezone.now() + timedelta(minutes=2)) == 1


@pytest.mark.django_db
def test_digests_send_skips_what_waited_for_someone_who_turned_emails_off():
    buyer = BuyerFactory(notification_mode=NotificationMode.OFF)
    item = waiting(buyer, 1)

    assert services.digests_send() == 0
    item.refresh_from_db()
    assert item.status == NotificationStatus.SKIPPED
    assert not Notification.objects.filter(kind=NotificationKind.DIGEST).exists()


@pytest.mark.django_db
def test_digests_send_at_once_for_someone_back_on_immediate_emails():
    buyer = BuyerFactory(notification_mode=NotificationMode.IMMEDIATE)
    waiting(buyer, 1)

    assert services.digests_send() == 1


@pytest.mark.django_db
def test_digests_send_one_digest_per_team_address():
    seller = SellerFactory(notification_mode=NotificationMode.DIGEST, digest_interval_minutes=15)
    waiting(seller, 20)
    waiting(seller, 20, address="ana@shop.example")

    assert services.digests_send() == 2
    assert sorted(
        Notification.objects.filter(kind=NotificationKind.DIGEST).values_list("address", flat=True)
    ) == sorted([seller.email, "ana@shop.example"])


@pytest.mark.django_db
def test_a_broker_that_is_down_does_not_fail_the_send(django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    buyer = BuyerFactory()

    with (
        mock.patch(
            "messagecenter.celery.app.send_task",
            side_effect=OperationalError("connection refused"),
        ) as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        rows = notify(buyer)
        second = notify(BuyerFactory())

    # The rows are kept pending; the sweep enqueues them once the broker is back. After the
    # first refusal the broker is left alone for a while: the second send does not wait on it.
    assert list(Notification.objects.values_list("status", flat=True)) == ["pending", "pending"]
    assert (len(rows), len(second)) == (1, 1)
    assert publish.call_count == 1
    assert BROKER_OUTAGE.is_resting()
