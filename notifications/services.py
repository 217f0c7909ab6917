"""The notification outbox: write rows in the caller's transaction, deliver them exactly once.

A notification is a row before it is a task. ``notify`` writes one row per address inside the
transaction of the event it announces and enqueues delivery on commit; if the broker loses the
task, ``notification_sweep`` enqueues the row again. Delivery claims a row with a conditional
update, so a row is sent at most once per claim and never after it is ``sent``. A worker that
dies between the SMTP server's acceptance and the ``sent`` update is the one case of a second
send; the Message-ID is the row's, so the two emails are recognisably the same.

Preferences (on the recipient's account):

- ``immediate``: one email per notification.
- ``digest``: new-message notifications wait and go out together every N minutes; reminders and
  "your message was delivered" notices are time-sensitive and are sent at once.
- ``off``: nothing is sent; a row is still written with status ``skipped`` (to the account's
  own address) so "I never got the email" has an answer.

A seller's notifications also go to the team's extra addresses.
"""

import hashlib
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone

from accounts.models import NotificationMode, User
from accounts.selectors import notification_addresses_for
from core.metrics import EMAIL_DELIVERY_ATTEMPTS
from core.tasks import task_enqueue
from notifications.emails import email_build
from notifications.models import Notification, NotificationKind, NotificationStatus

logger = logging.getLogger(__name__)

# Sent when they happen even in digest mode: a digest would make them late.
TIME_SENSITIVE_KINDS = frozenset({NotificationKind.REMINDER, NotificationKind.MESSAGE_RELEASED})
# Security notices about the account itself, not about messages: sent at once to the account's
# own address only (not a seller team's), whatever the email preferences say.
ACCOUNT_SECURITY_KINDS = frozenset({NotificationKind.SIGN_IN_PAUSED})
# Sent on an account's behalf to an address that may have no account yet (an invitation): at
# once, whatever the account's preferences say, to that address only.
ADDRESSED_KINDS = frozenset({NotificationKind.TEAM_INVITATION})
DIGEST_MAX_ITEMS = 20


def _enqueue(notification_ids: Iterable[int]) -> None:
    for notification_id in notification_ids:
        # A broker that is down must not fail the request whose data is committed: the row
        # stays pending and the sweep enqueues it again.
        task_enqueue("notifications.deliver", notification_id)


def notify(
    *, recipient: User, kind: str, dedupe_key: str, context: dict[str, object]
) -> list[Notification]:
    """Write the outbox rows that tell a user about an event, and deliver them after commit.

    Call it inside the event's transaction. Calling it again with the same ``dedupe_key`` is a
    no-op: it returns only the rows it created.
    """
    if (
        kind not in NotificationKind.values
        or kind == NotificationKind.DIGEST
        or kind in ADDRESSED_KINDS
    ):
        raise ValueError(f"Unknown notification kind: {kind!r}")
    return _outbox_write(recipient=recipient, kind=kind, dedupe_key=dedupe_key, context=context)


@transaction.atomic(savepoint=False)
def notify_address(
    *,
    sender: User,
    address: str,
    language: str,
    kind: str,
    dedupe_key: str,
    context: dict[str, object],
) -> list[Notification]:
    """Write the outbox row of an email an account sends to an address (an invitation).

    The row is the sending account's (``recipient`` in the outbox, so staff find it under the
    account), goes to ``address`` only, at once, in ``language``. Same dedupe rule as ``notify``.
    """
    if kind not in ADDRESSED_KINDS:
        raise ValueError(f"Not an addressed notification kind: {kind!r}")
    now = timezone.now()
    created = _insert_new(
        [
            Notification(
                recipient=sender,
                address=address,
                kind=kind,
                language=language,
                context=context,
                dedupe_key=f"{dedupe_key}:{address}",
                status=NotificationStatus.PENDING,
                created_at=now,
                next_attempt_at=now,
            )
        ]
    )
    _enqueue(row.pk for row in created)
    return created


# No savepoint inside the event's transaction: a failure here fails the event with it.
@transaction.atomic(savepoint=False)
def _outbox_write(
    *, recipient: User, kind: str, dedupe_key: str, context: dict[str, object]
) -> list[Notification]:
    now = timezone.now()
    mode = recipient.notification_mode
    if kind in ACCOUNT_SECURITY_KINDS:
        status, addresses = NotificationStatus.PENDING, [recipient.email]
    elif mode == NotificationMode.OFF:
        status, addresses = NotificationStatus.SKIPPED, [recipient.email]
    else:
        addresses = notification_addresses_for(user=recipient)
        batched = mode == NotificationMode.DIGEST and kind not in TIME_SENSITIVE_KINDS
        status = NotificationStatus.WAITING_DIGEST if batched else NotificationStatus.PENDING
    created = _insert_new(
        [
            Notification(
                recipient=recipient,
                address=address,
                kind=kind,
                language=recipient.language,
                context=context,
                dedupe_key=f"{dedupe_key}:{address}",
                status=status,
                created_at=now,
                next_attempt_at=now,
            )
            for address in dict.fromkeys(addresses)
        ]
    )
    _enqueue(row.pk for row in created if row.status == NotificationStatus.PENDING)
    return created


DEDUPE_KEY_MAX = Notification._meta.get_field("dedupe_key").max_length or 255


def dedupe_key_fit(key: str) -> str:
    """The key as stored: one naming a long address (addresses run to 254 characters).

    A key longer than the column is cut and ends with a digest of the whole, so it still
    fits and still names one event: the same event gives the same key.
    """
    if len(key) <= DEDUPE_KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: DEDUPE_KEY_MAX - len(digest) - 1]}#{digest}"


def _insert_new(rows: list[Notification]) -> list[Notification]:
    """Insert the rows whose dedupe key is not stored yet, in one statement; return those.

    ``INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING``: a key already stored, or
    being stored by a transaction still open, is skipped rather than checked first, so a
    repeat costs nothing and a race between two senders of one event fails neither.
    """
    if not rows:
        return []
    for row in rows:
        row.dedupe_key = dedupe_key_fit(row.dedupe_key)
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows))
    statement = (
        f"INSERT INTO {quote(Notification._meta.db_table)} "  # noqa: S608 (names, not input)
        f"({', '.join(quote(f.column) for f in fields)}) VALUES {values} "
        f"ON CONFLICT ({quote('dedupe_key')}) DO NOTHING "
        f"RETURNING {quote('id')}, {quote('dedupe_key')}"
    )
    params = [
        f.get_db_prep_save(getattr(row, f.attname), connection) for row in rows for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        ids = {key: pk for pk, key in cursor.fetchall()}
    created = [row for row in rows if row.dedupe_key in ids]
    for row in created:
        row.pk = ids[row.dedupe_key]
        row._state.adding = False
        row._state.db = connection.alias
    return created


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # "sent", "failed", "retry" or "skipped" (nothing to do for this row)
    retry_in: int | None = None


def classify_error(error: BaseException) -> tuple[bool, str]:
    """Tell a transient SMTP problem (retry later) from a permanent one, with a reason."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        transient = bool(codes) and all(400 <= code < 500 for code in codes)
        refused = "; ".join(
            f"{code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for code, message in error.recipients.values()
        )
        return transient, f"Recipient refused: {refused}"
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return True, f"Mail server unavailable: {error}"
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return 400 <= error.smtp_code < 500, f"Mail server answered {error.smtp_code}: {text}"
    if isinstance(error, smtplib.SMTPException):
        return False, f"Mail error: {error}"
    if isinstance(error, SoftTimeLimitExceeded):
        return True, "The mail server did not finish within the delivery's time limit"
    return True, f"Connection problem: {error.__class__.__name__}: {error}"


def retry_delay(attempts: int) -> int:
    """Seconds to wait before attempt ``attempts + 1``: exponential, capped."""
    delay = settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return int(min(delay, settings.NOTIFICATION_RETRY_MAX_SECONDS))


def _unlocked(now: datetime) -> Q:
    return Q(locked_until__isnull=True) | Q(locked_until__lte=now)


def _claim(notification_id: int, now: datetime) -> bool:
    claimed = Notification.objects.filter(
        _unlocked(now),
        pk=notification_id,
        status=NotificationStatus.PENDING,
        attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS,
    ).update(locked_until=now + settings.NOTIFICATION_CLAIM_TIMEOUT, attempts=F("attempts") + 1)
    return claimed == 1


def _finish(notification_id: int, **fields: object) -> None:
    Notification.objects.filter(pk=notification_id, status=NotificationStatus.PENDING).update(
        locked_until=None, **fields
    )


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> DeliveryOutcome:
    """Send one outbox row's email, unless it is already sent, failed or being sent."""
    outcome = _deliver(notification_id=notification_id, now=now or timezone.now())
    if outcome.status != "skipped":
        EMAIL_DELIVERY_ATTEMPTS.labels(outcome=outcome.status).inc()
        # Ids and the outcome only: the address and the content stay in the outbox row.
        logger.info(
            "email delivery",
            extra={"notification_id": notification_id, "outcome": outcome.status},
        )
    return outcome


def _deliver(*, notification_id: int, now: datetime) -> DeliveryOutcome:
    if not _claim(notification_id, now):
        return DeliveryOutcome("skipped")
    notification = Notification.objects.get(pk=notification_id)
    try:
        email = email_build(notification)
    except (TemplateDoesNotExist, TemplateSyntaxError) as error:
        reason = f"Could not render the email: {error}"
        _finish(notification_id, status=NotificationStatus.FAILED, last_error=reason)
        logger.error("notification %s failed: %s", notification_id, reason)
        return DeliveryOutcome("failed")
    mail = get_connection()
    try:
        mail.open()
        mail.send_messages([email])
    except (OSError, SoftTimeLimitExceeded) as error:  # SMTP and socket errors are OSErrors
        _close_quietly(mail)
        transient, reason = classify_error(error)
        attempts = notification.attempts
        if transient and attempts < settings.NOTIFICATION_MAX_ATTEMPTS:
            delay = retry_delay(attempts)
            _finish(
                notification_id, next_attempt_at=now + timedelta(seconds=delay), last_error=reason
            )
            logger.warning("notification %s: %s; retry in %ss", notification_id, reason, delay)
            return DeliveryOutcome("retry", retry_in=delay)
        if transient:
            reason = f"{reason} (gave up after {attempts} attempts)"
        _finish(notification_id, status=NotificationStatus.FAILED, last_error=reason)
        logger.error("notification %s failed: %s", notification_id, reason)
        return DeliveryOutcome("failed")
    # Accepted by the server: recorded at once, before the goodbye, which may be slow or fail
    # and must not make an email the reader has received count as undelivered.
    _finish(notification_id, status=NotificationStatus.SENT, sent_at=timezone.now(), last_error="")
    _close_quietly(mail)
    return DeliveryOutcome("sent")


def _close_quietly(mail: BaseEmailBackend) -> None:
    try:
        mail.close()
    except (OSError, SoftTimeLimitExceeded) as error:
        logger.warning("mail connection not closed cleanly: %s", error)


def notification_sweep(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Enqueue again every pending row whose delivery task seems lost; return how many."""
    now = now or timezone.now()
    max_attempts = settings.NOTIFICATION_MAX_ATTEMPTS
    pending = Notification.objects.filter(_unlocked(now), status=NotificationStatus.PENDING)
    # Out of attempts with no worker on it: its last attempt never finished.
    pending.filter(attempts__gte=max_attempts, last_error="").update(
        status=NotificationStatus.FAILED,
        locked_until=None,
        last_error=f"Gave up after {max_attempts} attempts that never finished.",
    )
    pending.filter(attempts__gte=max_attempts).update(
        status=NotificationStatus.FAILED, locked_until=None
    )
    with transaction.atomic():
        due = pending.filter(
            attempts__lt=max_attempts,
            next_attempt_at__lte=now - settings.NOTIFICATION_SWEEP_AFTER,
        ).order_by("next_attempt_at", "id")
        ids = list(due.values_list("pk", flat=True)[:limit])
        # Marked, so the next sweep leaves them to this round's tasks for a while.
        Notification.objects.filter(pk__in=ids).update(next_attempt_at=now)
        _enqueue(ids)
    return len(ids)


@transaction.atomic
def notification_retry(*, notification_ids: Iterable[int], now: datetime | None = None) -> int:
    """Try failed notifications again from the first attempt (staff action); return how many."""
    now = now or timezone.now()
    rows = Notification.objects.filter(
        pk__in=list(notification_ids), status=NotificationStatus.FAILED
    )
    ids = list(rows.values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids, status=NotificationStatus.FAILED).update(
        status=NotificationStatus.PENDING, attempts=0, locked_until=None, next_attempt_at=now
    )
    _enqueue(ids)
    return len(ids)


def _digest_item(context: dict[str, object]) -> dict[str, object]:
    keys = ("sender_name", "subject", "thread_url", "excerpt")
    return {key: context.get(key, "") for key in keys}


@transaction.atomic
def _digest_create(*, recipient: User, address: str, now: datetime) -> Notification | None:
    items = list(
        Notification.objects.select_for_update()
        .filter(recipient=recipient, address=address, status=NotificationStatus.WAITING_DIGEST)
        .order_by("created_at", "id")
    )
    if not items:
        return None
    item_ids = [item.pk for item in items]
    if recipient.notification_mode == NotificationMode.OFF:
        Notification.objects.filter(pk__in=item_ids).update(status=NotificationStatus.SKIPPED)
        return None
    digest = Notification.objects.create(
        recipient=recipient,
        address=address,
        kind=NotificationKind.DIGEST,
        language=recipient.language,
        context={
            "count": len(items),
            "items": [_digest_item(item.context) for item in items[:DIGEST_MAX_ITEMS]],
            "more": max(len(items) - DIGEST_MAX_ITEMS, 0),
        },
        dedupe_key=dedupe_key_fit(f"digest:{recipient.pk}:{address}:{items[0].pk}"),
        created_at=now,
        next_attempt_at=now,
    )
    Notification.objects.filter(pk__in=item_ids).update(
        status=NotificationStatus.IN_DIGEST, digest=digest
    )
    _enqueue([digest.pk])
    return digest


def digests_send(*, now: datetime | None = None) -> int:
    """Batch each digest reader's waiting notifications into one email once due; return how many.

    A batch is due when its oldest notification has waited the reader's interval, so digests
    to one address are at least that far apart.
    """
    now = now or timezone.now()
    groups = list(
        Notification.objects.filter(status=NotificationStatus.WAITING_DIGEST)
        .values("recipient_id", "address")
        .annotate(oldest=Min("created_at"))
        .order_by("recipient_id", "address")
    )
    recipients = User.objects.in_bulk({group["recipient_id"] for group in groups})
    created = 0
    for group in groups:
        recipient = recipients[group["recipient_id"]]
        due_at = group["oldest"] + timedelta(minutes=recipient.digest_interval_minutes)
        # Someone who left digest mode gets what was waiting right away.
        if recipient.notification_mode == NotificationMode.DIGEST and due_at > now:
            continue
        if _digest_create(recipient=recipient, address=group["address"], now=now):
            created += 1
    return created
