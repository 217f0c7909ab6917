import smtplib
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from notifications import services
from notifications.models import NotificationStatus
from notifications.tasks import digests_send, notification_deliver, notification_sweep
from tests.notifications.factories import NotificationFactory
from tests.notifications.helpers import enqueued_ids


@pytest.mark.django_db
def test_deliver_twice_sends_one_email():
    row = NotificationFactory(address="owner@shop.example")

    assert notification_deliver(row.pk) == "sent"
    assert notification_deliver(row.pk) == "skipped"

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@shop.example"]
    assert mail.outbox[0].subject == (
        "New message from Alex Buyer: Shipping · Order 112-0000001-0000001"
    )
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.locked_until is None


@pytest.mark.django_db
def test_deliver_leaves_a_row_another_worker_is_sending():
    row = NotificationFactory(locked_until=timezone.now() + timedelta(seconds=30))

    assert notification_deliver(row.pk) == "skipped"

    assert mail.outbox == []
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.PENDING, 0)


@pytest.mark.django_db
def test_deliver_of_a_missing_row_does_nothing():
    assert notification_deliver(987654) == "skipped"
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPConnectError(421, b"Too busy"),
        smtplib.SMTPDataError(451, b"Try again later"),
        smtplib.SMTPRecipientsRefused({"owner@shop.example": (450, b"Mailbox busy")}),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
    ],
)
def test_deliver_retries_a_transient_smtp_error_after_a_backoff(error, smtp_failures):
    smtp_failures.append(error)
    row = NotificationFactory(address="owner@shop.example")
    before = timezone.now()

    outcome = services.notification_deliver(notification_id=row.pk)

    assert outcome == services.DeliveryOutcome("retry", retry_in=30)
    row.refresh_from_db()
    assert row.status == NotificationStatus.PENDING
    assert row.attempts == 1
    assert row.locked_until is None
    assert row.last_error
    assert before + timedelta(seconds=30) <= row.next_attempt_at
    assert row.next_attempt_at <= timezone.now() + timedelta(seconds=30)
    assert mail.outbox == []


@pytest.mark.django_db
def test_deliver_task_retries_a_transient_error_until_sent(smtp_failures):
    smtp_failures.append(smtplib.SMTPServerDisconnected("gone"))
    row = NotificationFactory()

    with pytest.raises(Retry):
        notification_deliver(row.pk)

    # Run the way a worker runs it, the retry comes back once and then sends.
    smtp_failures.append(smtplib.SMTPServerDisconnected("gone"))
    result = notification_deliver.apply(args=[row.pk])
    assert (result.state, result.result) == ("SUCCESS", "sent")
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 3)


@pytest.mark.django_db
def test_deliver_succeeds_on_the_attempt_after_a_transient_error(smtp_failures):
    smtp_failures.append(smtplib.SMTPServerDisconnected("gone"))
    row = NotificationFactory()

    assert services.notification_deliver(notification_id=row.pk).status == "retry"
    assert services.notification_deliver(notification_id=row.pk).status == "sent"

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (NotificationStatus.SENT, 2, "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (
            smtplib.SMTPRecipientsRefused({"x@nowhere.example": (550, b"5.1.1 No such user")}),
            "Recipient refused: 550 5.1.1 No such user",
        ),
        (
            smtplib.SMTPDataError(554, b"5.7.1 Message rejected"),
            "Mail server answered 554: 5.7.1 Message rejected",
        ),
        (
            smtplib.SMTPAuthenticationError(535, b"Bad credentials"),
            "Mail server answered 535: Bad credentials",
        ),
    ],
)
def test_deliver_records_a_permanent_failure_at_once(error, reason, smtp_failures):
    smtp_failures.append(error)
    row = NotificationFactory(address="x@nowhere.example")

    assert notification_deliver(row.pk) == "failed"

    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (NotificationStatus.FAILED, 1, reason)
    assert row.locked_until is None
    assert notification_deliver(row.pk) == "skipped"


@pytest.mark.django_db
def test_deliver_gives_up_after_the_last_attempt(smtp_failures, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 6
    smtp_failures.append(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    row = NotificationFactory(attempts=5)

    assert notification_deliver(row.pk) == "failed"

    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
    assert row.last_error == (
        "Mail server unavailable: Connection unexpectedly closed (gave up after 6 attempts)"
    )


def test_retry_delay_doubles_up_to_a_cap(settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 1800

    assert [services.retry_delay(n) for n in range(1, 9)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1800,
        1800,
    ]


@pytest.mark.django_db
def test_sweep_enqueues_again_only_pending_rows_whose_task_seems_lost(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    old = now - timedelta(minutes=2)
    lost = NotificationFactory(created_at=old, next_attempt_at=old)
    NotificationFactory()  # fresh: its own task is on the way
    NotificationFactory(created_at=old, next_attempt_at=now + timedelta(minutes=1))  # backoff
    NotificationFactory(created_at=old, next_attempt_at=old, locked_until=now + timedelta(30))
    NotificationFactory(
        created_at=old, next_attempt_at=old, status=NotificationStatus.SENT, sent_at=old
    )
    NotificationFactory(created_at=old, next_attempt_at=old, status=NotificationStatus.FAILED)
    crashed = NotificationFactory(
        created_at=old, next_attempt_at=old, locked_until=now - timedelta(seconds=1), attempts=1
    )

    with django_capture_on_commit_callbacks() as callbacks:
        assert notification_sweep() == 2

    assert enqueued_ids(callbacks) == [lost.pk, crashed.pk]
    lost.refresh_from_db()
    assert lost.next_attempt_at >= now
    with django_capture_on_commit_callbacks() as callbacks:
        assert notification_sweep() == 0
    assert enqueued_ids(callbacks) == []


@pytest.mark.django_db
def test_sweep_fails_a_row_whose_attempts_ran_out_without_an_answer(settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    old = timezone.now() - timedelta(minutes=5)
    row = NotificationFactory(created_at=old, next_attempt_at=old, attempts=3)

    assert notification_sweep() == 0

    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
    assert row.last_error == "Gave up after 3 attempts that never finished."


@pytest.mark.django_db
def test_retry_service_sends_a_failed_row_again_from_the_first_attempt(
    django_capture_on_commit_callbacks,
):
    failed = NotificationFactory(
        status=NotificationStatus.FAILED, attempts=6, last_error="Mail server answered 554"
    )
    sent = NotificationFactory(status=NotificationStatus.SENT, sent_at=timezone.now())

    with django_capture_on_commit_callbacks() as callbacks:
        count = services.notification_retry(notification_ids=[failed.pk, sent.pk])

    assert count == 1
    assert enqueued_ids(callbacks) == [failed.pk]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (NotificationStatus.PENDING, 0)
    assert notification_deliver(failed.pk) == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_send_digests_task_returns_how_many_it_created():
    assert digests_send() == 0
