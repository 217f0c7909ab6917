"""A client that sends to too many invalid reply aliases is refused at RCPT, over real SMTP."""

import smtplib
from unittest import mock

import pytest

from accounts.models import RateLimitWindow
from messaging.models import InboundEmail, Message
from messaging.relay.alias import reply_alias_address
from messaging.relay.smtp import inbound_smtp_controller
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message
from tests.messaging.mail import reply_email
from tests.notifications.live import free_port

FROZEN = 1_800_000_000  # a boundary of 3600-second windows

REFUSED = (450, b"4.7.1 Too many unknown recipients from your address; try again later")


@pytest.fixture
def listener(transactional_db, settings):
    settings.INBOUND_ALIAS_FAILURES_PER_CLIENT = "2/3600"
    controller = inbound_smtp_controller(host="127.0.0.1", port=free_port())
    controller.start()
    with mock.patch("accounts.ratelimit.time.time", return_value=FROZEN + 5):
        yield controller
    controller.stop()


def forged(n: int) -> str:
    return f"reply+v1-1-2-abc-{'a' * 19}{n}@reply.localhost"


def send(listener, *, to: list[str], sender: str = "guesser@evil.example") -> dict:
    """Send one email; returns the recipients refused while others were accepted."""
    email = reply_email(alias=to[0], sender=sender, text="Hello")
    with smtplib.SMTP(listener.hostname, listener.port, timeout=30) as client:
        return client.send_message(email, from_addr=sender, to_addrs=to)


def test_a_client_guessing_aliases_is_refused_at_rcpt_after_the_limit(listener):
    buyer = BuyerFactory(email="alex@example.com")
    thread, _ = thread_with_message(buyer=buyer, seller=SellerFactory())
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    count = Message.objects.count()

    send(listener, to=[forged(1)])
    send(listener, to=[forged(2)])
    with pytest.raises(smtplib.SMTPRecipientsRefused) as guess:
        send(listener, to=[forged(3)])
    # Refused like a guess even though it is a real alias: the answer tells nothing.
    with pytest.raises(smtplib.SMTPRecipientsRefused) as real:
        send(listener, to=[alias], sender="alex@example.com")

    assert guess.value.recipients == {forged(3): REFUSED}
    assert real.value.recipients == {alias: REFUSED}
    # The two guesses below the limit were stored and refused as before.
    assert sorted(InboundEmail.objects.values_list("alias", "reason_code")) == [
        (forged(1), "unknown_alias"),
        (forged(2), "unknown_alias"),
    ]
    assert Message.objects.count() == count
    assert list(RateLimitWindow.objects.values_list("key", flat=True)) == []


def test_many_guesses_in_one_envelope_are_counted_one_by_one(listener):
    refused = send(listener, to=[forged(1), forged(2), forged(3), forged(4)])

    assert refused == {forged(3): REFUSED, forged(4): REFUSED}
    assert InboundEmail.objects.get().reason_code == "unknown_alias"


def test_valid_aliases_are_not_counted(listener):
    buyer = BuyerFactory(email="alex@example.com")
    thread, _ = thread_with_message(buyer=buyer, seller=SellerFactory())
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)

    for _ in range(3):
        send(listener, to=[alias], sender="alex@example.com")

    assert InboundEmail.objects.count() == 3  # each is a new email (own Message-ID)
    send(listener, to=[forged(1)])
    assert InboundEmail.objects.count() == 4


def test_with_redis_away_guesses_are_counted_in_the_database(listener, redis_away):
    send(listener, to=[forged(1)])
    send(listener, to=[forged(2)])
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(listener, to=[forged(3)])

    assert refused.value.recipients == {forged(3): REFUSED}
    assert list(RateLimitWindow.objects.values_list("key", "count")) == [
        (f"ratelimit:inbound_alias_client:127.0.0.1:{FROZEN}", 2)
    ]
