"""Replies by email: store each inbound email, then send it through ``message_send``.

Both entrances (the SMTP listener and the provider webhook) call ``inbound_email_accept``: the
raw email is stored first (one row per Message-ID, so a second delivery adds nothing), then
processed — at once by the listener, after commit by a Celery task for the webhook. Processing
locks the row and either delivers the reply as a message from the alias's owner, or refuses it
with a reason and bounces an explanation to the sender. A crash leaves the row ``received``;
``inbound_email_sweep`` processes it again a minute later, a bounded number of times.
"""

import hashlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import NotificationAddress, User
from core.errors import ApplicationError, NotFound
from core.metrics import INBOUND_EMAILS
from core.on_commit import after_commit
from core.tasks import task_enqueue
from messaging.models import InboundEmail, InboundEmailStatus, InboundWebhookToken, Thread
from messaging.moderation import services as moderation
from messaging.relay import parsing as email_parsing
from messaging.relay.alias import AliasError, is_alias_address, reply_alias_parse
from messaging.relay.bounce import (
    SENDER_REFUSALS,
    bounce_message_id,
    inbound_bounce_build,
    reason_text,
)
from messaging.threads.services import message_send

logger = logging.getLogger(__name__)


_NO_BOUNCE_LOCAL_PARTS = ("mailer-daemon", "postmaster", "noreply", "no-reply")


def _alias(recipients: Sequence[str], message: email_parsing.EmailMessage) -> str:
    headers = email_parsing.addresses(message, "Delivered-To", "X-Original-To", "To", "Cc")
    candidates = [address.strip().lower() for address in recipients] + headers
    return next((a for a in candidates if is_alias_address(a)), candidates[0] if candidates else "")


def inbound_email_receive(
    *,
    raw: bytes,
    source: str,
    envelope_from: str | None = None,
    recipients: Sequence[str] = (),
    now: datetime | None = None,
) -> tuple[InboundEmail, bool]:
    """Store an email sent to a reply alias, once per Message-ID; return it and whether it is new.

    ``envelope_from`` is the SMTP sender ("" for the null sender of a bounce), None if unknown.
    """
    message = email_parsing.parse(raw)
    results = email_parsing.authentication_results(message, settings.INBOUND_TRUSTED_AUTHSERV_ID)
    row = InboundEmail(
        header_message_id=email_parsing.message_id(message, raw),
        source=source,
        raw=raw,
        envelope_from="<>" if envelope_from == "" else (envelope_from or "")[:254],
        from_address=email_parsing.from_address(message)[:254],
        alias=_alias(recipients, message)[:254],
        subject=email_parsing.header(message, "Subject")[:255],
        spf_result=results["spf"],
        dkim_result=results["dkim"],
        received_at=now or timezone.now(),
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return InboundEmail.objects.get(header_message_id=row.header_message_id), False
    return row, True


def inbound_email_accept(
    *,
    raw: bytes,
    source: str,
    envelope_from: str | None = None,
    recipients: Sequence[str] = (),
    process_now: bool,
) -> InboundEmail:
    """Store an inbound email, then process it now or (after commit) in a Celery task.

    A second delivery of an email still waiting (its first processing crashed) is processed
    again; one already processed or refused is left alone.
    """
    row, _created = inbound_email_receive(
        raw=raw, source=source, envelope_from=envelope_from, recipients=recipients
    )
    if row.status != InboundEmailStatus.RECEIVED:
        return row
    if process_now:
        inbound_email_process(inbound_email_id=row.pk)
        row.refresh_from_db()
    else:
        _enqueue_process([row.pk])
    return row


def inbound_webhook_token_use(*, token: str, timestamp: str, now: datetime | None = None) -> bool:
    """Accept a webhook signature's timestamp and token once; False if stale or seen before.

    Call it after the signature is checked, inside the transaction that stores the email: if
    storing fails, the token is not spent and the provider's retry is accepted.
    """
    now = now or timezone.now()
    max_age = settings.MAILGUN_WEBHOOK_MAX_AGE_SECONDS
    if not timestamp.isdigit() or len(timestamp) > 12 or not token:
        return False
    signed_at = datetime.fromtimestamp(int(timestamp), tz=UTC)
    if abs((now - signed_at).total_seconds()) > max_age:
        return False
    # Tokens past their window are refused by their timestamp anyway: no need to keep them.
    InboundWebhookToken.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            InboundWebhookToken.objects.create(
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                expires_at=signed_at + timedelta(seconds=max_age),
            )
    except IntegrityError:
        return False
    return True


def _enqueue_process(ids: Sequence[int]) -> None:
    for inbound_email_id in ids:
        task_enqueue("messaging.process_inbound_email", inbound_email_id)


def _enqueue_bounce(inbound_email_id: int) -> None:
    task_enqueue("messaging.send_inbound_bounce", inbound_email_id)


def _bounce_after_commit(inbound_email_id: int) -> None:
    # Sent by whoever processed the email (the listener or a worker); if sending fails, the
    # row keeps no bounce time and the sweep enqueues it again.
    after_commit(inbound_bounce_send, inbound_email_id=inbound_email_id)


def authorized_addresses(user: User) -> set[str]:
    """The addresses that may reply as a user: the account's and its notification addresses."""
    extra = NotificationAddress.objects.filter(user=user).values_list("email", flat=True)
    return {user.email.lower(), *(address.lower() for address in extra)}


def _bounce_to(row: InboundEmail, message: email_parsing.EmailMessage) -> str:
    """Where to explain a refusal: the From address, unless the email came from a machine."""
    address = row.from_address
    local, _, domain = address.rpartition("@")
    if (
        not address
        # A From the trusted server found forged names someone who did not write: no backscatter.
        or email_parsing.authentication_failure(message, settings.INBOUND_TRUSTED_AUTHSERV_ID)
        or row.envelope_from == "<>"
        or email_parsing.is_automatic(message)
        or local.split("+")[0] in _NO_BOUNCE_LOCAL_PARTS
        or domain == str(settings.REPLY_DOMAIN).lower()
    ):
        return ""
    return address


# Refusals that say nothing to a stranger but that the alias exists and who may use it.
_STRANGER_REFUSALS = frozenset({"unknown_alias", "expired_alias", "unauthorized_sender"})
# Limited too: whoever knows an alias could otherwise flood its owner with explanations of
# emails forged in the owner's name.
_LIMITED_REFUSALS = _STRANGER_REFUSALS | SENDER_REFUSALS


def _bounce_limited(row: InboundEmail, now: datetime) -> bool:
    """Whether a stranger's refusal has been explained to this address often enough today."""
    if not row.bounce_to or row.reason_code not in _LIMITED_REFUSALS:
        return False
    recent = InboundEmail.objects.filter(
        bounce_to=row.bounce_to,
        reason_code__in=_LIMITED_REFUSALS,
        processed_at__gte=now - timedelta(days=1),
    ).exclude(pk=row.pk)
    return recent.count() >= settings.INBOUND_STRANGER_BOUNCES_PER_DAY


def _refuse(row: InboundEmail, code: str, detail: str = "") -> None:
    row.status = InboundEmailStatus.REFUSED
    row.reason_code = code
    headline = reason_text(code, categories=row.message.categories if row.message else [])
    row.reason = f"{headline}\n{detail}".strip() if detail and detail != headline else headline


def _route(row: InboundEmail, now: datetime) -> None:
    """Decide what happens to one stored email; fills the row's outcome fields."""
    message = email_parsing.parse(bytes(row.raw))
    row.bounce_to = _bounce_to(row, message)
    try:
        target = reply_alias_parse(row.alias, now=now)
    except AliasError as error:
        return _refuse(row, error.code)
    thread = Thread.objects.filter(pk=target.thread_id).first()
    owner = User.objects.filter(pk=target.user_id, is_active=True).first()
    if thread is None or owner is None:
        return _refuse(row, "unknown_alias")
    row.thread = thread
    # Read again strictly: a row stored before a stricter parser must not keep a lenient From.
    row.from_address = email_parsing.from_address(message)[:254]
    authorized = authorized_addresses(owner)
    if not row.from_address:
        # Perhaps a forgery in the owner's name: the owner is told, at their account address.
        row.bounce_to = owner.email
        return _refuse(row, "ambiguous_sender")
    forged = email_parsing.authentication_failure(message, settings.INBOUND_TRUSTED_AUTHSERV_ID)
    if forged:
        # Told to the owner when the email used their name; a forged stranger is told nothing.
        row.bounce_to = owner.email if row.from_address in authorized else ""
        return _refuse(row, "unauthenticated_sender", forged)
    if row.from_address not in authorized:
        return _refuse(row, "unauthorized_sender")
    row.sender = owner
    text = email_parsing.reply_text(message)
    files = email_parsing.attachments(message)
    if not text and not files:
        return _refuse(row, "empty_reply")
    try:
        with transaction.atomic():
            sent = message_send(thread=thread, sender=owner, body=text, files=files, now=now)
    except ApplicationError as error:
        lines = [error.message, *((error.fields or {}).get("files", []))]
        return _refuse(row, error.code, "\n".join(dict.fromkeys(lines)))
    row.message = sent
    if not sent.is_delivered:
        # Stored as blocked, as on the web; the sender is told why by email.
        return _refuse(row, "policy_blocked")
    row.status = InboundEmailStatus.PROCESSED
    return None


def inbound_email_process(*, inbound_email_id: int, now: datetime | None = None) -> str:
    """Deliver a stored email as a reply, or refuse it and bounce why; return its status.

    Safe to call again: only a row still ``received`` is processed, under a row lock.
    """
    now = now or timezone.now()
    # Counted outside the processing transaction, so a crash still uses up an attempt.
    counted = InboundEmail.objects.filter(
        pk=inbound_email_id,
        status=InboundEmailStatus.RECEIVED,
        attempts__lt=settings.INBOUND_MAX_ATTEMPTS,
    ).update(attempts=F("attempts") + 1)
    if not counted:
        return "skipped"
    with transaction.atomic():
        row = (
            InboundEmail.objects.select_for_update()
            .filter(pk=inbound_email_id, status=InboundEmailStatus.RECEIVED)
            .first()
        )
        if row is None:
            return "skipped"
        _route(row, now)
        row.processed_at = now
        if row.status == InboundEmailStatus.REFUSED and _bounce_limited(row, now):
            row.last_error = (
                f"Not bounced: {settings.INBOUND_STRANGER_BOUNCES_PER_DAY} refusals were "
                f"already explained to {row.bounce_to} in the last 24 hours."
            )
            row.bounce_to = ""
        if row.status == InboundEmailStatus.REFUSED and row.bounce_to:
            row.bounce_message_id = bounce_message_id(row)
            _bounce_after_commit(row.pk)
        row.save()
    accepted = row.status == InboundEmailStatus.PROCESSED
    INBOUND_EMAILS.labels(
        outcome="accepted" if accepted else "refused", reason=row.reason_code or "none"
    ).inc()
    logger.info("inbound email %s %s %s", row.pk, row.status, row.reason_code)
    return row.status


def inbound_email_reprocess(
    *, inbound_email_id: int, actor: User, now: datetime | None = None
) -> str:
    """Process a refused email again once staff fixed the cause; return its new status.

    For a refusal that stored no message: a reply from an address the account did not list
    yet (added since), a file refused by a limit, an email given up on after a crash. A message
    the content policy blocked is stored already; it is released from the moderation queue.
    The sender is bounced at most once per email, whatever the second outcome.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row = InboundEmail.objects.select_for_update().filter(pk=inbound_email_id).first()
        if row is None:
            raise NotFound("No such inbound email.")
        if row.status != InboundEmailStatus.REFUSED:
            raise ApplicationError("not_refused", "Only a refused email can be processed again.")
        if row.message_id is not None:
            raise ApplicationError(
                "message_stored",
                "This email's message is stored (the content policy blocked it): release it "
                "from the moderation queue instead.",
            )
        moderation.moderation_action_record(
            action=moderation.Action.REPROCESSED,
            actor=actor,
            now=now,
            subject_id=row.sender_id,
            detail=f"Inbound email #{row.pk} from {row.from_address}, refused as {row.reason_code}",
        )
        row.status = InboundEmailStatus.RECEIVED
        row.reason_code = row.reason = ""
        row.attempts = 0
        row.processed_at = None
        row.save(update_fields=["status", "reason_code", "reason", "attempts", "processed_at"])
    # Committed as received first: if processing crashes, the sweep takes the email again.
    return inbound_email_process(inbound_email_id=inbound_email_id, now=now)


def inbound_bounce_send(*, inbound_email_id: int, now: datetime | None = None) -> bool:
    """Email the sender of a refused email why it was refused; at most once per claim."""
    now = now or timezone.now()
    claimed = (
        InboundEmail.objects.filter(
            pk=inbound_email_id,
            status=InboundEmailStatus.REFUSED,
            bounce_sent_at__isnull=True,
        )
        .exclude(bounce_to="")
        .update(bounce_sent_at=now)
    )
    if not claimed:
        return False
    row = InboundEmail.objects.select_related("sender", "thread").get(pk=inbound_email_id)
    try:
        inbound_bounce_build(row).send()
    except OSError as error:  # SMTP errors and socket errors; the sweep tries again
        InboundEmail.objects.filter(pk=row.pk).update(
            bounce_sent_at=None, last_error=f"Bounce not sent: {error}"
        )
        logger.warning("bounce for inbound email %s not sent: %s", row.pk, error)
        return False
    return True


def inbound_email_sweep(*, now: datetime | None = None, limit: int = 200) -> int:
    """Process again the emails left ``received`` and re-send lost bounces; return how many."""
    now = now or timezone.now()
    cutoff = now - settings.INBOUND_SWEEP_AFTER
    stale = InboundEmail.objects.filter(status=InboundEmailStatus.RECEIVED, received_at__lte=cutoff)
    for row in stale.filter(attempts__gte=settings.INBOUND_MAX_ATTEMPTS)[:limit]:
        if _give_up(row.pk, now=now):
            INBOUND_EMAILS.labels(outcome="refused", reason="processing_failed").inc()
    ids = list(
        stale.filter(attempts__lt=settings.INBOUND_MAX_ATTEMPTS)
        .order_by("received_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    _enqueue_process(ids)
    bounces = list(
        InboundEmail.objects.filter(
            status=InboundEmailStatus.REFUSED,
            bounce_sent_at__isnull=True,
            processed_at__lte=cutoff,
        )
        .exclude(bounce_to="")
        .values_list("pk", flat=True)[:limit]
    )
    for inbound_email_id in bounces:
        _enqueue_bounce(inbound_email_id)
    return len(ids) + len(bounces)


@transaction.atomic
def _give_up(inbound_email_id: int, *, now: datetime) -> bool:
    row = (
        InboundEmail.objects.select_for_update()
        .filter(pk=inbound_email_id, status=InboundEmailStatus.RECEIVED)
        .first()
    )
    if row is None:
        return False
    row.bounce_to = _bounce_to(row, email_parsing.parse(bytes(row.raw)))
    _refuse(row, "processing_failed", f"Gave up after {row.attempts} attempts.")
    row.processed_at = now
    if row.bounce_to:
        row.bounce_message_id = bounce_message_id(row)
        _bounce_after_commit(row.pk)
    row.save()
    return True
