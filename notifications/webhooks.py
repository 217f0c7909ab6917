"""Webhooks: signed event deliveries to a seller's HTTPS endpoints, sent from an outbox.

An event is a row before it is a request. ``emit`` writes one ``WebhookDelivery`` per active
endpoint of the seller inside the transaction of the event it announces, and enqueues delivery
on commit; if the broker loses the task, ``webhook_sweep`` enqueues the row again. Delivery
claims the row with a conditional update, so a row is posted at most once per claim and never
again once it is ``delivered``. A worker that dies after the receiver answered and before the
row is marked is the one case of a second POST; it carries the same event id, so receivers drop
it by that id.

Transient failures (network errors, timeouts, 408, 429, 5xx) are tried again after
``WEBHOOK_RETRY_SECONDS`` (1 min, 5 min, 30 min, 2 h, 6 h, 12 h: about a day in all); any
other answer fails the row at once with the reason, as does running out of attempts.

Every request is signed::

    X-MC-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from core.errors import ApplicationError, NotFound
from core.metrics import WEBHOOK_DELIVERY_ATTEMPTS
from core.tasks import task_enqueue
from notifications.models import (
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

MAX_ENDPOINTS_PER_SELLER = 5
SIGNATURE_HEADER = "X-MC-Signature"
# Event ids are derived from the event's dedupe key, so emitting an event twice is a no-op.
EVENT_ID_NAMESPACE = uuid.UUID("0b6f3f4e-6d1c-4b61-9c1e-5a3f1c2d7e90")
# The only hosts WEBHOOK_ALLOW_INSECURE_LOCALHOST admits, over plain http.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
USER_AGENT = "MessageCenter-Webhooks/1"


# --- signing ------------------------------------------------------------------------------


def secret_generate() -> str:
    """Make a new signing secret."""
    return f"whsec_{secrets.token_urlsafe(32)}"


def payload_body(payload: Mapping[str, object]) -> bytes:
    """The exact bytes sent for a payload: compact JSON with sorted keys, the same every try."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    """Sign a request body at a time: ``t=<timestamp>,v1=<hex HMAC-SHA256>``."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event_id_for(dedupe_key: str) -> uuid.UUID:
    return uuid.uuid5(EVENT_ID_NAMESPACE, dedupe_key)


# --- endpoints ----------------------------------------------------------------------------


def _url_error(message: str) -> ApplicationError:
    return ApplicationError("invalid_url", message, fields={"url": [message]})


def url_check(url: str) -> str:
    """Return the endpoint URL as stored, or refuse one that is not a public HTTPS address.

    Plain ``http://127.0.0.1`` and ``http://localhost`` are accepted only where
    ``WEBHOOK_ALLOW_INSECURE_LOCALHOST`` is on (local development, tests); nothing else that
    is not public, whatever the flag. A host name is resolved now and every address it has
    must pass; one that does not resolve yet is accepted and checked on every delivery.
    """
    url = (url or "").strip()
    if not url:
        raise _url_error("Enter the URL that should receive events.")
    if len(url) > 500:
        raise _url_error("The URL can have at most 500 characters.")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise _url_error("Enter a full URL, like https://example.com/webhooks.") from None
    parsed = urllib3.util.parse_url(url)
    host = _host(parsed)
    if parsed.auth:
        raise _url_error("Leave user names and passwords out of the URL.")
    local = _local_allowed(parsed.scheme, host)
    if parsed.scheme != "https" and not local:
        raise _url_error("The URL must start with https://.")
    if not local and (host in LOCAL_HOSTS or not _is_public_name(host)):
        raise _url_error("The URL must point at a public address.")
    try:
        _screened_addresses(host, _port(parsed), local=local)
    except _NotResolved:
        pass
    except _Refused:
        raise _url_error("The URL must point at a public address.") from None
    return url


def _host(parsed: urllib3.util.Url) -> str:
    return (parsed.host or "").strip("[]").lower()


def _port(parsed: urllib3.util.Url) -> int:
    return parsed.port or (443 if parsed.scheme == "https" else 80)


def _local_allowed(scheme: str | None, host: str) -> bool:
    """Whether the development flag admits this endpoint: plain http to 127.0.0.1/localhost."""
    return (
        bool(settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST) and scheme == "http" and host in LOCAL_HOSTS
    )


def _is_public_name(host: str) -> bool:
    """A literal address that is public, or a dotted name (its addresses are checked apart)."""
    try:
        return is_public_address(ipaddress.ip_address(host))
    except ValueError:
        return "." in host


# NAT64 prefixes (RFC 6052, RFC 8215) carry an IPv4 address in their last 32 bits; the
# local-use one may place it elsewhere and never leads to a public host anyway.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # RFC 2765 SIIT


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address reaches through a translation or a tunnel."""
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    found = [
        *([address.ipv4_mapped] if address.ipv4_mapped else []),
        *([address.sixtofour] if address.sixtofour else []),
        *(address.teredo or ()),
    ]
    if address in _NAT64 or address in _IPV4_COMPATIBLE or address in _IPV4_TRANSLATED:
        found.append(low32)
    return found


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is on the public internet, also through any IPv4 it embeds."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL:
            return False
        embedded = _embedded_ipv4(address)
        if not all(is_public_address(inner) for inner in embedded):
            return False
        # An IPv4-mapped or NAT64 address is its IPv4 address (which passed); Python counts
        # their prefixes as reserved. 6to4 and the rest must also be public IPv6 themselves.
        if address.ipv4_mapped or address in _NAT64:
            return True
    return not (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_loopback
        or address.is_link_local
    )


class _NotResolved(Exception):
    pass


class _Refused(Exception):
    def __init__(self, address: str) -> None:
        super().__init__(address)
        self.address = address


def _screened_addresses(host: str, port: int, *, local: bool) -> list[str]:
    """Every address of the host, each checked; refuses the host if any one fails.

    Public addresses pass; with ``local`` (the development flag and a plain-http 127.0.0.1 or
    localhost URL), loopback addresses pass instead. All of them are checked, not only the
    first: the connection must go to one that passed, and another lookup may order them
    differently.
    """
    try:
        literal: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        candidates = [str(literal)]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise _NotResolved(str(error)) from None
        candidates = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not candidates:
        raise _NotResolved("no address")
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate.split("%")[0])
        except ValueError:
            raise _Refused(candidate) from None
        allowed = address.is_loopback if local else is_public_address(address)
        if not allowed:
            raise _Refused(candidate)
    return candidates


@transaction.atomic
def webhook_endpoint_create(
    *, seller: User, url: str, now: datetime | None = None
) -> WebhookEndpoint:
    """Register an endpoint for a seller's events, with a new signing secret."""
    if not seller.is_seller:
        raise NotFound("Webhooks are for sellers.")
    url = url_check(url)
    # Lock the seller's row so two requests cannot both slip under the cap.
    User.objects.select_for_update().filter(pk=seller.pk).first()
    if WebhookEndpoint.objects.filter(seller=seller).count() >= MAX_ENDPOINTS_PER_SELLER:
        raise ApplicationError(
            "too_many_endpoints",
            f"You can have at most {MAX_ENDPOINTS_PER_SELLER} endpoints; remove one first.",
        )
    try:
        with transaction.atomic():
            return WebhookEndpoint.objects.create(
                seller=seller, url=url, secret=secret_generate(), created_at=now or timezone.now()
            )
    except IntegrityError:
        raise _url_error("This URL is already registered.") from None


def _endpoint_get(*, seller: User, endpoint_id: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id, seller=seller).first()
    if endpoint is None:
        raise NotFound("No such endpoint.")
    return endpoint


def webhook_endpoint_delete(*, seller: User, endpoint_id: int) -> None:
    """Remove one of the seller's endpoints and its delivery log; someone else's is a 404."""
    deleted, _ = WebhookEndpoint.objects.filter(pk=endpoint_id, seller=seller).delete()
    if not deleted:
        raise NotFound("No such endpoint.")


def webhook_endpoint_rotate_secret(*, seller: User, endpoint_id: int) -> WebhookEndpoint:
    """Give an endpoint a new signing secret; the old one stops working at once."""
    endpoint = _endpoint_get(seller=seller, endpoint_id=endpoint_id)
    endpoint.secret = secret_generate()
    endpoint.save(update_fields=["secret"])
    return endpoint


@transaction.atomic
def webhook_endpoint_test(
    *, seller: User, endpoint_id: int, now: datetime | None = None
) -> WebhookDelivery:
    """Send a ``ping`` event to one of the seller's endpoints."""
    endpoint = _endpoint_get(seller=seller, endpoint_id=endpoint_id)
    if not endpoint.is_active:
        raise ApplicationError("endpoint_inactive", "This endpoint is turned off.")
    now = now or timezone.now()
    event_id = uuid.uuid4()
    data = {"endpoint_id": endpoint.pk, "message": "A test event from Message Center."}
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=WebhookEvent.PING,
        event_id=event_id,
        payload=_payload(event=WebhookEvent.PING, event_id=event_id, data=data, now=now),
        created_at=now,
        next_attempt_at=now,
    )
    _enqueue([delivery.pk])
    return delivery


# --- the outbox ---------------------------------------------------------------------------


def _enqueue(delivery_ids: Iterable[int]) -> None:
    for delivery_id in delivery_ids:
        # A broker that is down must not fail the request whose data is committed: the row
        # stays pending and the sweep enqueues it again.
        task_enqueue("notifications.deliver_webhook", delivery_id)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _payload(
    *, event: str, event_id: uuid.UUID, data: Mapping[str, object], now: datetime
) -> dict[str, object]:
    return {"id": str(event_id), "event": event, "created_at": _iso(now), "data": dict(data)}


def emit(
    *,
    seller_id: int,
    event: str,
    dedupe_key: str,
    data: Mapping[str, object],
    now: datetime | None = None,
) -> list[WebhookDelivery]:
    """Write one delivery per active endpoint of the seller, and send them after commit.

    Call it inside the event's transaction. Emitting again with the same ``dedupe_key`` is a
    no-op: it returns only the rows it created.
    """
    if event not in WebhookEvent.values or event == WebhookEvent.PING:
        raise ValueError(f"Unknown webhook event: {event!r}")
    endpoint_ids = list(
        WebhookEndpoint.objects.filter(seller_id=seller_id, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if not endpoint_ids:
        return []  # the common case, one query and no savepoint
    return _deliveries_create(
        endpoint_ids=endpoint_ids,
        event=event,
        event_id=event_id_for(dedupe_key),
        data=data,
        now=now or timezone.now(),
    )


@transaction.atomic
def _deliveries_create(
    *,
    endpoint_ids: list[int],
    event: str,
    event_id: uuid.UUID,
    data: Mapping[str, object],
    now: datetime,
) -> list[WebhookDelivery]:
    existing = set(
        WebhookDelivery.objects.filter(endpoint_id__in=endpoint_ids, event_id=event_id).values_list(
            "endpoint_id", flat=True
        )
    )
    payload = _payload(event=event, event_id=event_id, data=data, now=now)
    created = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint_id=endpoint_id,
                event=event,
                event_id=event_id,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
            )
            for endpoint_id in endpoint_ids
            if endpoint_id not in existing
        ]
    )
    _enqueue(row.pk for row in created)
    return created


# --- delivery -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # "delivered", "failed", "retry" or "skipped" (nothing to do for this row)
    retry_in: int | None = None


class DeliveryError(Exception):
    def __init__(self, reason: str, *, transient: bool, status_code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.status_code = status_code


def max_attempts() -> int:
    return len(settings.WEBHOOK_RETRY_SECONDS) + 1


def _resolve(url: str) -> tuple[urllib3.util.Url, str]:
    """The parsed URL and the one checked address to connect to; refuses what url_check would.

    The endpoint is checked again at every delivery (the flag may have changed since it was
    registered, and its host name may now resolve elsewhere).
    """
    parsed = urllib3.util.parse_url(url)
    host = _host(parsed)
    local = _local_allowed(parsed.scheme, host)
    addresses: list[str] = []
    unresolved = ""
    try:
        addresses = _screened_addresses(host, _port(parsed), local=local)
    except _NotResolved as error:
        unresolved = str(error)
    except _Refused as refused:
        raise DeliveryError(
            f"{host} resolves to a private address ({refused.address}).", transient=False
        ) from None
    if parsed.scheme != "https" and not local:
        raise DeliveryError("The endpoint URL must start with https://.", transient=False)
    if not addresses:
        raise DeliveryError(f"Could not resolve {host}: {unresolved}", transient=True)
    return parsed, addresses[0]


def _post(url: str, *, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST to the endpoint; return the status code and the start of the answer.

    Connects to the address it checked (not a second lookup that could answer differently),
    verifying the certificate against the URL's host name. Redirects are not followed.
    """
    parsed, address = _resolve(url)
    host = (parsed.host or "").strip("[]")
    is_https = parsed.scheme == "https"
    port = _port(parsed)
    timeout = urllib3.Timeout(
        connect=min(5.0, settings.WEBHOOK_TIMEOUT_SECONDS), read=settings.WEBHOOK_TIMEOUT_SECONDS
    )
    pool: urllib3.HTTPConnectionPool
    if is_https:
        pool = urllib3.HTTPSConnectionPool(
            address, port, timeout=timeout, server_hostname=host, assert_hostname=host
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout)
    with pool:
        response = pool.urlopen(
            "POST",
            parsed.request_uri,
            body=body,
            headers={**headers, "Host": parsed.netloc or host},
            retries=False,
            redirect=False,
            assert_same_host=False,
            preload_content=False,
        )
        text = response.read(300).decode(errors="replace").strip()
        return response.status, text


def _classify(status: int, text: str) -> DeliveryError | None:
    if 200 <= status < 300:
        return None
    answer = f"The endpoint answered {status}" + (f": {text}" if text else "")
    if status in (408, 429) or status >= 500:
        return DeliveryError(answer, transient=True, status_code=status)
    if 300 <= status < 400:
        answer = f"{answer} (redirects are not followed; register the final URL)"
    return DeliveryError(answer, transient=False, status_code=status)


def _unlocked(now: datetime) -> Q:
    return Q(locked_until__isnull=True) | Q(locked_until__lte=now)


def _claim(delivery_id: int, now: datetime) -> bool:
    claimed = WebhookDelivery.objects.filter(
        _unlocked(now),
        pk=delivery_id,
        status=WebhookDeliveryStatus.PENDING,
        attempts__lt=max_attempts(),
    ).update(locked_until=now + settings.WEBHOOK_CLAIM_TIMEOUT, attempts=F("attempts") + 1)
    return claimed == 1


def _finish(delivery_id: int, **fields: object) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDeliveryStatus.PENDING).update(
        locked_until=None, **fields
    )


def _send(delivery: WebhookDelivery, now: datetime) -> int:
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        raise DeliveryError("The endpoint is turned off.", transient=False)
    body = payload_body(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-MC-Event": delivery.event,
        "X-MC-Delivery": str(delivery.event_id),
        SIGNATURE_HEADER: signature_header(
            secret=endpoint.secret, timestamp=int(now.timestamp()), body=body
        ),
    }
    try:
        status, text = _post(endpoint.url, body=body, headers=headers)
    except urllib3.exceptions.HTTPError as error:
        raise DeliveryError(
            f"Connection problem: {error.__class__.__name__}", transient=True
        ) from None
    except OSError as error:
        raise DeliveryError(f"Connection problem: {error}", transient=True) from None
    problem = _classify(status, text)
    if problem is not None:
        raise problem
    return status


def webhook_delivery_send(*, delivery_id: int, now: datetime | None = None) -> DeliveryOutcome:
    """POST one delivery row, unless it is already delivered, failed or being sent."""
    outcome = _delivery_send(delivery_id=delivery_id, now=now or timezone.now())
    if outcome.status != "skipped":
        WEBHOOK_DELIVERY_ATTEMPTS.labels(outcome=outcome.status).inc()
        logger.info(
            "webhook delivery", extra={"delivery_id": delivery_id, "outcome": outcome.status}
        )
    return outcome


def _delivery_send(*, delivery_id: int, now: datetime) -> DeliveryOutcome:
    if not _claim(delivery_id, now):
        return DeliveryOutcome("skipped")
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    try:
        status = _send(delivery, now)
    except DeliveryError as error:
        attempts, waits = delivery.attempts, settings.WEBHOOK_RETRY_SECONDS
        result: dict[str, object] = {
            "last_error": error.reason[:1000],
            "last_status_code": error.status_code,
        }
        if error.transient and attempts <= len(waits):
            delay = waits[attempts - 1]
            _finish(delivery_id, next_attempt_at=now + timedelta(seconds=delay), **result)
            logger.warning("webhook %s: %s; retry in %ss", delivery_id, error.reason, delay)
            return DeliveryOutcome("retry", retry_in=delay)
        if error.transient:
            result["last_error"] = f"{error.reason} (gave up after {attempts} attempts)"
        _finish(delivery_id, status=WebhookDeliveryStatus.FAILED, **result)
        logger.error("webhook %s failed: %s", delivery_id, result["last_error"])
        return DeliveryOutcome("failed")
    _finish(
        delivery_id,
        status=WebhookDeliveryStatus.DELIVERED,
        delivered_at=timezone.now(),
        last_status_code=status,
        last_error="",
    )
    return DeliveryOutcome("delivered")


def webhook_sweep(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Enqueue every pending delivery that is due and has no task on it; return how many.

    It covers tasks the broker lost and the long waits between attempts, which no task
    countdown carries.
    """
    now = now or timezone.now()
    attempts_cap = max_attempts()
    pending = WebhookDelivery.objects.filter(_unlocked(now), status=WebhookDeliveryStatus.PENDING)
    # Out of attempts with no worker on it: its last attempt never finished.
    pending.filter(attempts__gte=attempts_cap).update(
        status=WebhookDeliveryStatus.FAILED,
        locked_until=None,
        last_error=f"Gave up after {attempts_cap} attempts; the last one never finished.",
    )
    with transaction.atomic():
        due = pending.filter(
            attempts__lt=attempts_cap,
            next_attempt_at__lte=now - settings.WEBHOOK_SWEEP_AFTER,
        ).order_by("next_attempt_at", "id")
        ids = list(due.values_list("pk", flat=True)[:limit])
        # Marked, so the next sweep leaves them to this round's tasks for a while.
        WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=now)
        _enqueue(ids)
    return len(ids)


@transaction.atomic
def webhook_delivery_retry(*, delivery_ids: Iterable[int], now: datetime | None = None) -> int:
    """Try failed deliveries again from the first attempt (staff action); return how many."""
    now = now or timezone.now()
    ids = list(
        WebhookDelivery.objects.filter(
            pk__in=list(delivery_ids), status=WebhookDeliveryStatus.FAILED
        ).values_list("pk", flat=True)
    )
    WebhookDelivery.objects.filter(pk__in=ids, status=WebhookDeliveryStatus.FAILED).update(
        status=WebhookDeliveryStatus.PENDING, attempts=0, locked_until=None, next_attempt_at=now
    )
    _enqueue(ids)
    return len(ids)
