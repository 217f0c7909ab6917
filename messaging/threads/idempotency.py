"""Idempotent API sends: a retried request with the same ``Idempotency-Key`` posts once.

The key's row is inserted in the same transaction as the message it guards, before the send
runs. Two identical requests racing each other therefore meet at the row's unique constraint:
the second waits for the first to commit and then answers with the first's stored result. A
send that fails (bad input, refused files) rolls its key back, so the retry runs again.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from core.errors import ApplicationError
from messaging.models import IdempotencyKey

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


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Delete keys older than the replay window; returns how many."""
    oldest = (now or timezone.now()) - timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=oldest).delete()
    return deleted
