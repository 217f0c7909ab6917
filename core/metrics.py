"""Prometheus metrics: what the processes count, and the exposition that serves them.

Every process counts in its own memory, or — with ``PROMETHEUS_MULTIPROC_DIR`` set, as in
``docker-compose.yml`` — in files of that directory, one per process, so the gunicorn workers'
counts add up at the web's ``/metrics`` and the prefork children's at the worker's exporter
(``METRICS_PORT``, a small HTTP server in the worker's main process; the SMTP listener has one
too). Each service needs an empty directory of its own at start (a tmpfs in the compose file):
process ids are only unique within one container.

Gauges about shared state (the outbox backlogs, the Celery queue) are not counted by anyone:
a collector reads them from the database or the broker when ``/metrics`` is scraped, so only
the web serves them and they are never stale.

Who may read: with ``METRICS_TOKEN`` set, whoever sends ``Authorization: Bearer <token>``;
without it, clients on loopback or private addresses that connect directly
(``TRUSTED_PROXY_COUNT`` 0) — behind a proxy every request would come from its private
address, so there a token is required. Anyone else gets a 404.
"""

import hmac
import ipaddress
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any, Protocol
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import redis
from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

REQUEST_DURATION = Histogram(
    "messagecenter_http_request_duration_seconds",
    "Time to answer a request, by view name, method and status.",
    ["view", "method", "status"],
)
MESSAGES_SENT = Counter(
    "messagecenter_messages_sent",
    "Messages stored by a send (page, API, proactive, reply by email), by status: delivered or "
    "blocked by the content policy. Counted when the send's transaction commits.",
    ["status"],
)
MESSAGES_BLOCKED = Counter(
    "messagecenter_messages_blocked",
    "Blocked messages by policy category (a message with two categories counts in both).",
    ["category"],
)
ATTACHMENTS_REFUSED = Counter(
    "messagecenter_attachments_refused",
    "Files refused by the attachment checks of a send, by reason code (a message refused as "
    "a whole for its total size, every file fine by itself, counts once: message_too_large).",
    ["reason"],
)
EMAIL_DELIVERY_ATTEMPTS = Counter(
    "messagecenter_email_delivery_attempts",
    "Notification email delivery attempts, by outcome: sent, retry (a transient failure, tried "
    "again later) or failed (permanent).",
    ["outcome"],
)
WEBHOOK_DELIVERY_ATTEMPTS = Counter(
    "messagecenter_webhook_delivery_attempts",
    "Webhook delivery attempts, by outcome: delivered, retry or failed.",
    ["outcome"],
)
INBOUND_EMAILS = Counter(
    "messagecenter_inbound_emails",
    "Inbound emails processed, by outcome (accepted: delivered as a message; refused) and "
    "reason code (none when accepted).",
    ["outcome", "reason"],
)
INBOUND_SMTP_RECIPIENTS_REFUSED = Counter(
    "messagecenter_inbound_smtp_recipients_refused",
    "Recipients the SMTP listener refused at RCPT: not a reply alias, or too many unknown "
    "aliases from one peer.",
    ["reason"],
)
TASKS = Counter(
    "messagecenter_celery_tasks",
    "Celery task runs, by task name and final state (SUCCESS, RETRY, FAILURE).",
    ["task", "state"],
)
TASK_DURATION = Histogram(
    "messagecenter_celery_task_duration_seconds",
    "Time a Celery task ran, by task name.",
    ["task"],
)


def message_sent_count(*, status: str, categories: Sequence[str] = ()) -> None:
    """Count a stored message (call it once its transaction has committed)."""
    MESSAGES_SENT.labels(status=status).inc()
    for category in categories:
        MESSAGES_BLOCKED.labels(category=category).inc()


class Collector(Protocol):
    def collect(self) -> Iterable[Metric]: ...


class _ThisProcess:
    """This process's own metrics, when they are not shared through PROMETHEUS_MULTIPROC_DIR."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def exposition(collectors: Sequence[Collector] = ()) -> bytes:
    """The metrics of every process of this service, and those read now, in the text format."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry)


# Loopback, RFC 1918 and IPv6 unique-local: where a scraper on the same host or network is.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "::1/128",
        "fc00::/7",
    )
)


def _is_private(remote_addr: str) -> bool:
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in PRIVATE_NETWORKS)


def metrics_access_allowed(*, remote_addr: str, authorization: str, behind_proxies: bool) -> bool:
    """Whether this caller may read the metrics (see the module's docstring)."""
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, given = authorization.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        )
    return not behind_proxies and _is_private(remote_addr)


# --- read at scrape time ---------------------------------------------------------------------

# kombu's Redis transport keeps a queue's tasks of each priority step in a list of its own.
_REDIS_PRIORITY_SEPARATOR = "\x06\x16"
_REDIS_PRIORITY_STEPS = (0, 3, 6, 9)


def celery_queue_length(queue: str, *, timeout: float = 0.5) -> int:
    """How many tasks wait in the broker's queue (Redis, or the embedded filesystem broker)."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))
        if not folder.is_dir():
            return 0
        return sum(1 for path in folder.iterdir() if path.name.endswith(f".{queue}.msg"))
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        with client.pipeline(transaction=False) as pipe:
            for step in _REDIS_PRIORITY_STEPS:
                pipe.llen(f"{queue}{_REDIS_PRIORITY_SEPARATOR}{step}" if step else queue)
            return sum(pipe.execute())
    finally:
        client.close()


def collector_up(name: str, is_up: bool) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(
        "messagecenter_scrape_collector_up",
        "Whether a value read at scrape time could be read (1) or not (0).",
        labels=["collector"],
    )
    gauge.add_metric([name], 1 if is_up else 0)
    return gauge


class CeleryQueueCollector:
    """The length of the Celery queue, read from the broker at each scrape."""

    def collect(self) -> Iterator[Metric]:
        queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
        try:
            length = celery_queue_length(queue)
        except (RedisError, OSError) as error:
            logger.warning("celery queue length not read: %s", error)
            yield collector_up("celery_queue", False)
            return
        gauge = GaugeMetricFamily(
            "messagecenter_celery_queue_length",
            "Tasks waiting in the broker for a worker, read at scrape time.",
            labels=["queue"],
        )
        gauge.add_metric([queue], length)
        yield gauge
        yield collector_up("celery_queue", True)


# --- the workers' and the listener's exporter ------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def _exporter_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    allowed = metrics_access_allowed(
        remote_addr=environ.get("REMOTE_ADDR", ""),
        authorization=environ.get("HTTP_AUTHORIZATION", ""),
        behind_proxies=False,
    )
    if environ.get("PATH_INFO") != "/metrics" or not allowed:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not found.\n"]
    body = exposition()
    start_response("200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))])
    return [body]


def exporter_start(*, port: int, host: str) -> WSGIServer:
    """Serve this service's metrics at http://host:port/metrics from a background thread."""
    server = make_server(
        host, port, _exporter_app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="metrics-exporter", daemon=True)
    thread.start()
    logger.info("metrics exporter listening", extra={"port": server.server_port})
    return server
