"""Replies by email are taken as their owner's only when the From is certain and not forged.

The From is read strictly everywhere. Authentication-Results count only from the MTA named by
``INBOUND_TRUSTED_AUTHSERV_ID``; the Mailgun webhook accepts a signature once, while fresh.
"""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from messaging.models import InboundEmail, InboundWebhookToken, Message
from messaging.relay import parsing as email_parsing
from messaging.relay.alias import reply_alias_address
from messaging.relay.services import inbound_webhook_token_use
from tests.messaging.factories import thread_with_message
from tests.messaging.mail import reply_email
from tests.messaging.relay.test_inbound_email import deliver, mailgun_post, send_bounces
from tests.notifications.factories import NotificationAddressFactory

pytestmark = pytest.mark.django_db

MX = "mx.reply.example"
FORGED_HEADLINE = (
    "An email sent to your reply address for this conversation claimed to come from you, but "
    "it failed the sender checks of your email domain (SPF, DKIM, DMARC), so it was not "
    "delivered."
)
AMBIGUOUS_HEADLINE = (
    "An email sent to your reply address for this conversation was not delivered: its sender "
    "line (From) did not name exactly one clear address"
)


@pytest.fixture
def thread(buyer, seller):
    thread, _message = thread_with_message(buyer=buyer, seller=seller, body="Where is it?")
    return thread


@pytest.fixture
def trusted_mx(settings):
    settings.INBOUND_TRUSTED_AUTHSERV_ID = MX
    return MX


class Raw:
    """An email as exact bytes (headers the email package would rewrite), for the helpers."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def as_bytes(self) -> bytes:
        return self.data


def with_from(email, value: str) -> Raw:
    """The email with its From line replaced, byte for byte, by ``value``."""
    lines = email.as_bytes().split(b"\n")
    index = next(i for i, line in enumerate(lines) if line.lower().startswith(b"from:"))
    lines[index] = b"From: " + value.encode()
    return Raw(b"\n".join(lines))


def authenticated(alias: str, sender: str, results: str, **kwargs) -> object:
    return reply_email(
        alias=alias,
        sender=sender,
        text="Please refund me to this new account.",
        subject="Click http://evil.example now",
        headers={"Authentication-Results": results},
        **kwargs,
    )


# --- authentication results from the trusted MTA --------------------------------------------


def test_forged_from_failing_spf_and_dkim_at_the_trusted_mta_is_refused_and_the_owner_told(
    thread, buyer, trusted_mx, django_capture_on_commit_callbacks
):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    count = Message.objects.count()
    email = authenticated(alias, buyer.email, f"{MX}; spf=fail smtp.mailfrom=evil; dkim=fail")

    row = send_bounces(django_capture_on_commit_callbacks, email)

    assert (row.status, row.reason_code) == ("refused", "unauthenticated_sender")
    assert (row.spf_result, row.dkim_result) == ("fail", "fail")
    assert row.sender is None
    assert Message.objects.count() == count
    [bounce] = mail.outbox
    assert bounce.to == [buyer.email]
    assert bounce.subject == "An email sent in your name was not delivered"
    assert bounce.body.startswith(FORGED_HEADLINE)
    assert "- spf=fail dkim=fail" in bounce.body
    assert "evil.example" not in bounce.subject + bounce.body
    assert "/messages/" not in bounce.body


def test_forged_team_address_is_explained_to_the_account_not_to_the_from(
    thread, seller, trusted_mx, django_capture_on_commit_callbacks
):
    NotificationAddressFactory(user=seller, email="ana@shop.example")
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)
    email = authenticated(alias, "ana@shop.example", f"{MX}; dmarc=fail header.from=shop.example")

    row = send_bounces(django_capture_on_commit_callbacks, email)

    assert (row.status, row.reason_code, row.bounce_to) == (
        "refused",
        "unauthenticated_sender",
        seller.email,
    )
    assert [m.to for m in mail.outbox] == [[seller.email]]


def test_forged_owner_hears_it_in_their_language(
    thread, buyer, trusted_mx, django_capture_on_commit_callbacks
):
    buyer.language = "es"
    buyer.save(update_fields=["language"])
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    email = authenticated(alias, buyer.email, f"{MX}; spf=softfail; dkim=none")

    send_bounces(django_capture_on_commit_callbacks, email)

    [bounce] = mail.outbox
    assert bounce.subject == "Un correo enviado en tu nombre no se entregó"
    assert bounce.body.startswith("Un correo enviado a tu dirección de respuesta")


def test_forged_stranger_is_refused_without_any_bounce(
    thread, buyer, trusted_mx, django_capture_on_commit_callbacks
):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    email = authenticated(alias, "victim@innocent.example", f"{MX}; spf=fail; dkim=fail")

    row = send_bounces(django_capture_on_commit_callbacks, email)

    assert (row.status, row.reason_code, row.bounce_to) == ("refused", "unauthenticated_sender", "")
    assert mail.outbox == []


def test_forged_unknown_alias_bounces_to_no_one(trusted_mx, django_capture_on_commit_callbacks):
    email = authenticated(
        "reply+v1-nonsense@reply.localhost", "victim@innocent.example", f"{MX}; dmarc=fail"
    )

    row = send_bounces(django_capture_on_commit_callbacks, email)

    assert (row.reason_code, row.bounce_to) == ("unknown_alias", "")
    assert mail.outbox == []


def test_the_owner_is_told_of_forgeries_a_few_times_a_day_at_most(
    thread, buyer, trusted_mx, settings, django_capture_on_commit_callbacks
):
    settings.INBOUND_STRANGER_BOUNCES_PER_DAY = 2
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)

    rows = [
        send_bounces(
            django_capture_on_commit_callbacks,
            authenticated(alias, buyer.email, f"{MX}; dmarc=fail"),
        )
        for _ in range(3)
    ]

    assert [row.reason_code for row in rows] == ["unauthenticated_sender"] * 3
    assert [m.to for m in mail.outbox] == [[buyer.email]] * 2


@pytest.mark.parametrize(
    "results",
    [
        f"{MX}; dmarc=fail (p=reject) header.from=example.com",
        f"{MX}; spf=pass smtp.mailfrom=example.com; dkim=pass; dmarc=fail",
        f"{MX.upper()} 1; spf=fail; dkim=fail",
        f"{MX}; spf=softfail; dkim=none (no signature)",
    ],
)
def test_refused_results(thread, buyer, trusted_mx, results):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)

    row = deliver(authenticated(alias, buyer.email, results))

    assert (row.status, row.reason_code) == ("refused", "unauthenticated_sender")


@pytest.mark.parametrize(
    "results",
    [
        f"{MX}; spf=fail smtp.mailfrom=example.com; dkim=pass header.d=example.com",
        f"{MX}; spf=pass smtp.mailfrom=example.com; dkim=fail",
        f"{MX}; spf=pass; dkim=none; dmarc=pass",
        f"{MX}; spf=fail; dkim=temperror",  # could not check: no verdict
        f"{MX}; spf=fail",  # DKIM not reported: no verdict
        f"{MX}; none",
        # Another server's results (or the sender's own text) are ignored.
        "mx.evil.example; spf=fail; dkim=fail; dmarc=fail",
        f"mx.evil.example; comment=({MX}); dmarc=fail",
    ],
)
def test_accepted_results(thread, buyer, trusted_mx, results):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)

    row = deliver(authenticated(alias, buyer.email, results))

    assert (row.status, row.reason_code) == ("processed", "")
    assert Message.objects.get(pk=row.message_id).sender == buyer


def test_an_encoded_word_does_not_pass_for_the_trusted_mta(thread, buyer, trusted_mx):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    email = reply_email(alias=alias, sender=buyer.email, text="Thanks!")
    # Written as bytes: the email package would decode the encoded word on assignment.
    raw = email.as_bytes().replace(
        b"\n\n", f"\nAuthentication-Results: =?us-ascii?q?{MX}=3B_dmarc=3Dfail?=\n\n".encode(), 1
    )

    row = deliver(Raw(raw))

    assert (row.status, row.reason_code) == ("processed", "")


def test_untrusted_results_are_neither_enforced_nor_stored(thread, buyer, trusted_mx):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    email = authenticated(alias, buyer.email, "mx.evil.example; spf=fail; dkim=fail")
    email["Received-SPF"] = "fail (forged by the sender)"

    row = deliver(email)

    assert row.status == "processed"
    assert (row.spf_result, row.dkim_result) == ("", "")


def test_without_a_trusted_mta_results_are_stored_but_not_enforced(thread, buyer, settings):
    settings.INBOUND_TRUSTED_AUTHSERV_ID = ""
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)

    row = deliver(authenticated(alias, buyer.email, "mx; spf=fail; dkim=fail; dmarc=fail"))

    assert (row.status, row.spf_result, row.dkim_result) == ("processed", "fail", "fail")


def test_a_passing_trusted_header_does_not_outvote_a_failing_one(thread, buyer, trusted_mx):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    email = authenticated(alias, buyer.email, f"{MX}; spf=fail; dkim=fail; dmarc=fail")
    email["Authentication-Results"] = f"{MX}; spf=pass; dmarc=pass"

    row = deliver(email)

    assert (row.status, row.reason_code) == ("refused", "unauthenticated_sender")


def test_trusted_results_are_read_past_comments_and_quoted_strings():
    email = reply_email(
        alias="a@b.c",
        sender="x@y.z",
        text="Hi",
        headers={
            "Authentication-Results": (
                f'{MX} (our "mx"; really) 1; spf=fail (sender IP is 192.0.2.1; not allowed) '
                'smtp.mailfrom=y.z; dkim=none reason="no; signature"; dmarc=fail'
            )
        },
    )

    found = email_parsing.trusted_authentication(email_parsing.parse(email.as_bytes()), MX)

    assert found == {"spf": ["fail"], "dkim": ["none"], "dmarc": ["fail"]}


# --- the From line, read strictly ------------------------------------------------------------


@pytest.mark.parametrize(
    "from_line",
    [
        "{owner})<attacker@evil.example>",  # CVE-2023-27043: Python 3.11 reads the owner
        "{owner} <attacker@evil.example>",
        '"{owner}" <attacker@evil.example>',
        "=?utf-8?q?{owner_q}?= <attacker@evil.example>",
        "attacker@evil.example ({owner})",
        "{owner}, attacker@evil.example",
        "attacker@evil.example, {owner}",
        "Team: {owner}, attacker@evil.example;",
        "Team: {owner};",
        "<>",
        "",
    ],
)
@pytest.mark.parametrize("trusted", ["", MX])
def test_an_ambiguous_from_is_refused_and_the_owner_told(
    thread, buyer, settings, django_capture_on_commit_callbacks, from_line, trusted
):
    settings.INBOUND_TRUSTED_AUTHSERV_ID = trusted
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    count = Message.objects.count()
    value = from_line.format(owner=buyer.email, owner_q=buyer.email.replace("@", "=40"))
    email = with_from(reply_email(alias=alias, sender=buyer.email, text="Refund me."), value)

    row = send_bounces(django_capture_on_commit_callbacks, email)

    assert (row.status, row.reason_code, row.from_address) == ("refused", "ambiguous_sender", "")
    assert row.sender is None
    assert Message.objects.count() == count
    [bounce] = mail.outbox
    assert bounce.to == [buyer.email]
    assert bounce.body.startswith(AMBIGUOUS_HEADLINE)


def test_two_from_headers_are_refused(thread, buyer):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    email = reply_email(alias=alias, sender="attacker@evil.example", text="Refund me.")
    raw = email.as_bytes().replace(b"From: ", f"From: {buyer.email}\nFrom: ".encode(), 1)

    row = deliver(Raw(raw))

    assert (row.status, row.reason_code) == ("refused", "ambiguous_sender")


@pytest.mark.parametrize(
    "from_line",
    [
        "{owner}",
        "<{owner}>",
        "Alex Buyer <{owner}>",
        "J. Buyer <{owner}>",
        '"Buyer, Alex" <{owner}>',
        "=?utf-8?q?Jos=C3=A9?= <{owner_upper}>",
        "Alex <{owner}> (sent from my phone)",
        '"{owner}" <{owner}>',
    ],
)
@pytest.mark.parametrize("trusted", ["", MX])
def test_a_normal_from_is_accepted(thread, buyer, settings, from_line, trusted):
    settings.INBOUND_TRUSTED_AUTHSERV_ID = trusted
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    value = from_line.format(owner=buyer.email, owner_upper=buyer.email.upper())
    email = reply_email(
        alias=alias,
        sender=buyer.email,
        text="Thanks!",
        headers={"Authentication-Results": f"{MX}; spf=pass; dkim=pass; dmarc=pass"},
    )

    row = deliver(with_from(email, value))

    assert (row.status, row.from_address) == ("processed", buyer.email.lower())
    assert Message.objects.get(pk=row.message_id).sender == buyer


# --- the Mailgun webhook: fresh, and each signature once ---------------------------------------


@pytest.fixture
def mailgun(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "key-for-the-tests"}
    settings.MAILGUN_WEBHOOK_MAX_AGE_SECONDS = 300
    return "key-for-the-tests"


@pytest.mark.parametrize(
    "age", [2 * 24 * 3600, 301, -301], ids=["two days old", "just stale", "future"]
)
def test_webhook_with_a_stale_timestamp_is_refused_and_stores_nothing(
    client, mailgun, thread, buyer, age
):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    email = reply_email(alias=alias, sender=buyer.email, text="Thanks!")

    response = mailgun_post(client, email, key=mailgun, timestamp=str(int(time.time()) - age))

    assert response.status_code == 400
    assert InboundEmail.objects.count() == 0
    assert InboundWebhookToken.objects.count() == 0


def test_webhook_signature_replayed_with_another_email_is_refused(client, mailgun, thread, buyer):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    first = reply_email(alias=alias, sender=buyer.email, text="Thanks!")
    forged = reply_email(alias=alias, sender=buyer.email, text="Refund me to this account.")
    timestamp, token = str(int(time.time())), "b" * 50

    accepted = mailgun_post(client, first, key=mailgun, timestamp=timestamp, token=token)
    replayed = mailgun_post(client, forged, key=mailgun, timestamp=timestamp, token=token)
    again = mailgun_post(client, first, key=mailgun, timestamp=timestamp, token=token)

    assert (accepted.status_code, replayed.status_code, again.status_code) == (200, 400, 400)
    assert InboundEmail.objects.count() == 1
    assert InboundWebhookToken.objects.count() == 1


def test_webhook_posts_with_new_tokens_are_each_accepted(client, mailgun, thread, buyer):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)

    answers = [
        mailgun_post(
            client, reply_email(alias=alias, sender=buyer.email, text=f"Note {n}"), key=mailgun
        ).status_code
        for n in range(2)
    ]

    assert answers == [200, 200]
    assert InboundEmail.objects.count() == 2


def test_spent_tokens_are_kept_only_while_their_timestamp_is_fresh(settings):
    settings.MAILGUN_WEBHOOK_MAX_AGE_SECONDS = 300
    now = timezone.now()
    then = now - timedelta(seconds=200)

    assert inbound_webhook_token_use(token="t1", timestamp=str(int(then.timestamp())), now=then)
    assert not inbound_webhook_token_use(token="t1", timestamp=str(int(then.timestamp())), now=now)
    later = now + timedelta(seconds=200)
    assert inbound_webhook_token_use(token="t2", timestamp=str(int(later.timestamp())), now=later)

    assert list(InboundWebhookToken.objects.values_list("expires_at", flat=True)) == [
        later.replace(microsecond=0) + timedelta(seconds=300)
    ]


@pytest.mark.parametrize("timestamp", ["", "soon", "-5", "1" * 20])
def test_webhook_timestamps_that_are_not_numbers_are_refused(timestamp):
    assert not inbound_webhook_token_use(token="t", timestamp=timestamp)
