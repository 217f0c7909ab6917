"""Webhook endpoints reach public addresses only, checked at registration and at every delivery.

Name resolution is faked at its boundary (``socket.getaddrinfo``); every lookup is recorded, so
the tests see which address a delivery connected to.
"""

import socket
from datetime import UTC, datetime

import pytest

from notifications import webhooks
from notifications.models import WebhookDelivery
from tests.notifications.factories import WebhookDeliveryFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PUBLIC_V4 = "93.184.216.34"
PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946"


class FakeResolver:
    """Answers ``getaddrinfo`` from a table of names; each name may answer differently in turn.

    An address literal (what the HTTP client looks up to connect) is recorded and refused, so
    no test opens a connection to the internet.
    """

    def __init__(self) -> None:
        self.names: dict[str, list[list[str]]] = {}
        self.calls: list[tuple[str, int]] = []

    def add(self, name: str, *answers: list[str]) -> None:
        self.names[name] = list(answers)

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        host = host.decode() if isinstance(host, bytes) else str(host)
        self.calls.append((host, int(port)))
        answers = self.names.get(host.lower())
        if answers is None:
            if any(char.isdigit() for char in host) and ("." in host or ":" in host):
                raise OSError(f"connection to {host} is not made in tests")
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (address, int(port), 0, 0) if ":" in address else (address, int(port)),
            )
            for address in addresses
        ]


@pytest.fixture
def resolver(monkeypatch):
    fake = FakeResolver()
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def mode(request, settings):
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = request.param
    return request.param


NOT_PUBLIC = [
    "https://10.0.0.1/",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/",
    "https://127.0.0.1/",
    "https://localhost/",
    "https://192.168.1.1/",
    "https://100.64.0.1/",
    "https://[fc00::1]/",
    "https://[fd12:3456::1]/",
    "https://[fe80::1]/",
    "https://[::169.254.169.254]/",  # IPv4-compatible
    "https://[::ffff:169.254.169.254]/",  # IPv4-mapped
    "https://[::ffff:0:a9fe:a9fe]/",  # IPv4-translated
    "https://[64:ff9b::a9fe:a9fe]/",  # NAT64
    "https://[64:ff9b::a00:1]/",  # NAT64 of 10.0.0.1
    "https://[64:ff9b:1::a9fe:a9fe]/",  # local-use NAT64
    "https://[2002:a9fe:a9fe::1]/",  # 6to4
    "https://[2002:a00:1::1]/",  # 6to4 of 10.0.0.1
    "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
    "https://[ff0e::1]/",  # multicast
    "https://224.0.0.1/",
]


@pytest.mark.parametrize("url", NOT_PUBLIC)
def test_an_address_that_is_not_public_is_refused_at_registration(url, mode, resolver):
    with pytest.raises(webhooks.ApplicationError) as refused:
        webhooks.url_check(url)

    assert refused.value.fields == {"url": ["The URL must point at a public address."]}


@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.1/", "http://169.254.169.254/", "http://[::1]/", "http://127.0.0.2/"],
)
def test_plain_http_is_refused_beyond_127_0_0_1_and_localhost(url, mode, resolver):
    with pytest.raises(webhooks.ApplicationError) as refused:
        webhooks.url_check(url)

    assert refused.value.code == "invalid_url"


@pytest.mark.parametrize("url", NOT_PUBLIC)
def test_an_address_that_is_not_public_is_refused_when_delivering(url, mode, resolver):
    resolver.add("localhost", ["127.0.0.1", "::1"])
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(url=url))

    outcome = webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0)

    assert outcome == webhooks.DeliveryOutcome("failed")
    delivery.refresh_from_db()
    assert "resolves to a private address" in delivery.last_error
    # A literal is checked as it is (no lookup), and nothing is connected to.
    assert [host for host, _port in resolver.calls if host != "localhost"] == []


@pytest.mark.parametrize(
    "addresses",
    [
        [PUBLIC_V4, "10.0.0.1"],
        ["10.0.0.1", PUBLIC_V4],
        [PUBLIC_V6, "::ffff:169.254.169.254"],
        [PUBLIC_V4, "64:ff9b::a9fe:a9fe"],
        ["127.0.0.1"],
    ],
)
def test_a_name_with_any_address_that_is_not_public_is_refused(addresses, mode, resolver):
    resolver.add("hooks.shop.example", addresses)
    url = "https://hooks.shop.example/mc"

    with pytest.raises(webhooks.ApplicationError):
        webhooks.url_check(url)

    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(url=url))
    outcome = webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0)

    assert outcome == webhooks.DeliveryOutcome("failed")
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("hooks.shop.example resolves to a private address (")
    assert {host for host, _port in resolver.calls} == {"hooks.shop.example"}


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.shop.example/mc",
        f"https://{PUBLIC_V4}:8443/mc",
        "https://[2606:4700:4700::1111]/mc",
        "https://[64:ff9b::808:808]/mc",  # NAT64 of a public address
        "https://[2002:808:808::1]/mc",  # 6to4 of a public address
        "https://not-registered-yet.shop.example/mc",  # checked again on every delivery
    ],
)
def test_public_addresses_are_accepted(url, mode, resolver):
    resolver.add("hooks.shop.example", [PUBLIC_V4, PUBLIC_V6])

    assert webhooks.url_check(url) == url


def test_the_development_flag_admits_plain_http_to_127_0_0_1_and_localhost_only(settings, resolver):
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = True
    resolver.add("localhost", ["127.0.0.1", "::1"])

    assert webhooks.url_check("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"
    assert webhooks.url_check("http://localhost/x") == "http://localhost/x"

    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = False
    for url in ("http://127.0.0.1:8080/x", "http://localhost/x"):
        with pytest.raises(webhooks.ApplicationError):
            webhooks.url_check(url)


def test_localhost_that_resolves_elsewhere_is_refused_even_with_the_flag(settings, resolver):
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = True
    resolver.add("localhost", ["10.0.0.1"])

    with pytest.raises(webhooks.ApplicationError):
        webhooks.url_check("http://localhost/x")
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(url="http://localhost/x"))

    assert webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0).status == "failed"
    delivery.refresh_from_db()
    assert delivery.last_error == "localhost resolves to a private address (10.0.0.1)."


def test_plain_http_registered_under_the_flag_is_refused_once_it_is_off(settings, resolver):
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = False
    resolver.add("hooks.shop.example", [PUBLIC_V4])
    delivery = WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(url="http://hooks.shop.example/x")
    )

    assert webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0).status == "failed"
    delivery.refresh_from_db()
    assert delivery.last_error == "The endpoint URL must start with https://."
    assert resolver.calls == [("hooks.shop.example", 80)]


def test_delivery_connects_to_the_address_it_checked_not_to_a_second_lookup(settings, resolver):
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = False
    # DNS rebinding: the name answers a public address, then a private one.
    resolver.add("hooks.shop.example", [PUBLIC_V4], ["169.254.169.254"])
    delivery = WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(url="https://hooks.shop.example/mc")
    )

    outcome = webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0)

    # The name is looked up once; the connection goes to the checked address (refused here).
    assert resolver.calls == [("hooks.shop.example", 443), (PUBLIC_V4, 443)]
    assert outcome.status == "retry"
    assert WebhookDelivery.objects.get(pk=delivery.pk).last_error.startswith("Connection problem")


def test_an_unresolvable_name_is_tried_again_later(settings, resolver):
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = False
    delivery = WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(url="https://gone.shop.example/mc")
    )

    assert webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0).status == "retry"
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("Could not resolve gone.shop.example: ")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::808:808", True),
        ("0.0.0.0", False),  # noqa: S104 - an address to judge, not to bind
        ("::", False),
        ("::ffff:127.0.0.1", False),
        ("::127.0.0.1", False),
        ("64:ff9b::7f00:1", False),
        ("2002:7f00:1::", False),
        ("2001:db8::1", False),
        ("198.18.0.1", False),
        ("240.0.0.1", False),
    ],
)
def test_is_public_address(address, public):
    import ipaddress

    assert webhooks.is_public_address(ipaddress.ip_address(address)) is public
