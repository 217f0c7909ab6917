"""Sends made once: a retried API request (``Idempotency-Key``) or a resubmitted page form.

The key's row is inserted in the same transaction as the message it guards, before the send
runs. Two identical requests racing each other therefore meet at the row's unique constraint:
the second waits for the first to commit and then answers with the first's stored result. A
send that fails (bad input, refused files) rolls its key back, so the retry runs again.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from core.errors import ApplicationError
from messaging.models import IdempotencyKey, Message

HEADER = "Idempotency-Key"


REPLAY_HEADER = "Idempotent-Replayed"


def _fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    fields = {
        key: request.data.getlist(key) if hasattr(request.data, "getlist") else request.data[key]
        for key in sorted(request.data.keys())
        if key not in request.FILES
    }
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
    for upload in request.FILES.getlist("files"):
        digest.update(f"\n{upload.name}:{upload.size}:".encode())
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


def _replay(record: IdempotencyKey, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise ApplicationError(
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request.",
        )
    return Response(record.response, status=record.status_code, headers={REPLAY_HEADER: "true"})


def idempotent(*, request: Request, user: User, send: Callable[[], Response]) -> Response:
    """Run ``send`` once per (user, Idempotency-Key); replay its stored result afterwards."""
    key = request.headers.get(HEADER)
    if key is None:
        return send()
    if not 1 <= len(key) <= 255 or not key.isascii() or not key.isprintable():
        raise ApplicationError(
            "invalid_idempotency_key",
            "An Idempotency-Key is 1 to 255 printable ASCII characters.",
        )
    fingerprint = _fingerprint(request)
    oldest = timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=oldest).delete()
    existing = IdempotencyKey.objects.filter(user=user, key=key).first()
    if existing is not None:
        return _replay(existing, fingerprint)
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint)
            response = send()
            record.status_code = response.status_code
            record.response = json.loads(json.dumps(response.data, default=str))
            record.save(update_fields=["status_code", "response"])
            return response
    except IntegrityError:
        # The same key was committed by a concurrent request a moment ago: answer as it did.
        existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        if existing is None:
            raise
        return _replay(existing, fingerprint)


# The one-time token every compose form carries (templates/includes/compose_body.html).
FORM_TOKEN_FIELD = "send_token"  # noqa: S105 (a field name, not a secret)
_FORM_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def form_send_once(*, user: User, token: str, send: Callable[[], Message]) -> Message:
    """Run a page's send once per one-time form token; a resubmitted form gets the first message.

    The pages' counterpart of ``Idempotency-Key``: a user who gives up waiting and submits the
    form again, or whose browser resends it, finds one message. The token's row is written in
    the message's transaction, so a refused send (bad input, refused files) can be retried
    with the same form, and two submissions racing each other meet at its unique constraint.
    """
    if not _FORM_TOKEN.fullmatch(token):
        return send()  # a form from before tokens, or a client that sends none
    key = f"form:{token}"
    existing = IdempotencyKey.objects.filter(user=user, key=key).first()
    if existing is not None:
        return _form_replay(existing)
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(user=user, key=key, fingerprint="")
            message = send()
            record.response = {"message_id": message.pk}
            record.save(update_fields=["response"])
            return message
    except IntegrityError:
        existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        if existing is None:
            raise
        return _form_replay(existing)


def _form_replay(record: IdempotencyKey) -> Message:
    message_id = (record.response or {}).get("message_id")
    message = (
        Message.objects.filter(pk=message_id, sender_id=record.user_id).first()
        if isinstance(message_id, int)
        else None
    )
    if message is None:
        raise ApplicationError("send_token_reused", "This form was already used; reload the page.")
    return message


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Delete keys older than the replay window; returns how many."""
    oldest = (now or timezone.now()) - timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=oldest).delete()
    return deleted
