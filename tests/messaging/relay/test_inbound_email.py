"""Replies by email: aliases, reading replies, processing, bounces, the webhook and the admin."""

import hashlib
import hmac
import secrets
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from messaging.models import InboundEmail, Message, ModerationAction
from messaging.relay import parsing as email_parsing
from messaging.relay.alias import AliasError, AliasTarget, reply_alias_address, reply_alias_parse
from messaging.relay.services import (
    inbound_email_accept,
    inbound_email_process,
    inbound_email_receive,
    inbound_email_sweep,
)
from notifications.models import Notification
from tests.messaging.factories import thread_with_message
from tests.messaging.mail import QUOTED_EN, QUOTED_ES, reply_email
from tests.notifications.factories import NotificationAddressFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(buyer, seller):
    thread, _message = thread_with_message(buyer=buyer, seller=seller, body="Where is it?")
    return thread


def deliver(email, *, recipients=()):
    """Store an email as the listener does and process it in this test's transaction."""
    row, _created = inbound_email_receive(
        raw=email.as_bytes(), source="smtp", envelope_from="x@y.example", recipients=recipients
    )
    inbound_email_process(inbound_email_id=row.pk)
    row.refresh_from_db()
    return row


def send_bounces(django_capture_on_commit_callbacks, email, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        row = deliver(email, **kwargs)
    row.refresh_from_db()
    return row


# --- aliases ---------------------------------------------------------------------------------


def test_alias_names_its_thread_and_reader_and_nothing_else(settings):
    settings.REPLY_DOMAIN = "reply.shop.example"
    now = timezone.now()

    alias = reply_alias_address(thread_id=42, user_id=7, now=now)

    local, domain = alias.split("@")
    assert domain == "reply.shop.example"
    assert local.startswith("reply+v1-16-7-")
    assert len(local) <= 64
    assert alias == alias.lower()
    assert reply_alias_parse(alias, now=now) == AliasTarget(thread_id=42, user_id=7)
    assert reply_alias_parse(alias.upper(), now=now) == AliasTarget(thread_id=42, user_id=7)


def test_alias_differs_per_reader_and_per_thread():
    now = timezone.now()
    aliases = {
        reply_alias_address(thread_id=thread_id, user_id=user_id, now=now)
        for thread_id in (1, 2)
        for user_id in (1, 2)
    }
    assert len(aliases) == 4


@pytest.mark.parametrize(
    "tamper",
    [
        lambda local: local.replace("reply+v1-16-", "reply+v1-17-"),  # another thread
        lambda local: local.replace("-7-", "-8-"),  # another user
        lambda local: local[:-1] + ("a" if local[-1] != "a" else "b"),  # the signature
        lambda local: local.replace("v1-", "v2-"),  # a version we never issued
        lambda local: local.rsplit("-", 1)[0],  # no signature
    ],
)
def test_tampered_alias_is_unknown(tamper):
    now = timezone.now()
    local, domain = reply_alias_address(thread_id=42, user_id=7, now=now).split("@")

    with pytest.raises(AliasError) as error:
        reply_alias_parse(f"{tamper(local)}@{domain}", now=now)

    assert error.value.code == "unknown_alias"


def test_alias_signed_with_another_key_is_unknown(settings):
    alias = reply_alias_address(thread_id=42, user_id=7)
    settings.SECRET_KEY = "another-secret-key-for-this-test"

    with pytest.raises(AliasError) as error:
        reply_alias_parse(alias)

    assert error.value.code == "unknown_alias"


def test_alias_still_valid_after_the_key_rotates_into_the_fallbacks(settings):
    alias = reply_alias_address(thread_id=42, user_id=7)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-secret-key-for-this-test"

    assert reply_alias_parse(alias) == AliasTarget(thread_id=42, user_id=7)


def test_alias_expires_after_the_configured_days(settings):
    settings.REPLY_ALIAS_MAX_AGE_DAYS = 30
    issued = timezone.now()
    alias = reply_alias_address(thread_id=42, user_id=7, now=issued)

    assert reply_alias_parse(alias, now=issued + timedelta(days=30)).thread_id == 42
    with pytest.raises(AliasError) as error:
        reply_alias_parse(alias, now=issued + timedelta(days=31))
    assert error.value.code == "expired_alias"

    settings.REPLY_ALIAS_MAX_AGE_DAYS = 0
    assert reply_alias_parse(alias, now=issued + timedelta(days=3650)).thread_id == 42


def test_alias_on_another_domain_is_unknown():
    alias = reply_alias_address(thread_id=42, user_id=7).replace("@reply.localhost", "@evil.test")

    with pytest.raises(AliasError):
        reply_alias_parse(alias)


# --- reading a reply ----------------------------------------------------------------------


def test_english_quoted_history_and_signature_are_stripped():
    text = "Thanks, it arrived.\nThe box is damaged.\n\nBest regards,\nAlex" + QUOTED_EN

    assert email_parsing.strip_reply(text) == "Thanks, it arrived.\nThe box is damaged."


def test_spanish_quoted_history_and_signature_are_stripped():
    text = "Gracias, ya llegó.\nLa caja está dañada.\n\nEnviado desde mi iPhone" + QUOTED_ES

    assert email_parsing.strip_reply(text) == "Gracias, ya llegó.\nLa caja está dañada."


def test_spanish_attribution_on_one_line_is_history():
    text = "Perfecto, gracias.\n\nEl 6/1/2025 a las 10:00, Sam's Shop escribió:\n> Se envía hoy.\n"

    assert email_parsing.strip_reply(text) == "Perfecto, gracias."


def test_dash_signature_and_bare_quote_block_are_stripped_but_lists_are_kept():
    text = "Two items are missing:\n- the charger\n- the case\n\n-- \nAlex\n\n> old text\n"

    assert email_parsing.strip_reply(text) == ("Two items are missing:\n- the charger\n- the case")


def test_html_only_reply_becomes_text_without_the_quoted_history():
    html = (
        "<html><head><style>p{color:red}</style></head><body>"
        "<div>Thanks,<br>the parcel <b>arrived</b>.</div><p>All good.</p>"
        '<div class="gmail_quote"><div class="gmail_attr">On Mon, Sam wrote:</div>'
        "<blockquote>It ships today.</blockquote></div></body></html>"
    )
    message = email_parsing.parse(reply_email(alias="a@b.c", sender="x@y.z", html=html).as_bytes())

    assert email_parsing.reply_text(message) == "Thanks,\nthe parcel arrived.\nAll good."


def test_authentication_results_are_read_from_the_headers():
    email = reply_email(
        alias="a@b.c",
        sender="x@y.z",
        text="Hi",
        headers={
            "Authentication-Results": "mx.example; spf=pass smtp.mailfrom=y.z; dkim=fail",
            "Received-SPF": "softfail (other server)",
        },
    )

    results = email_parsing.authentication_results(email_parsing.parse(email.as_bytes()))

    assert results == {"spf": "pass", "dkim": "fail"}


def test_received_spf_is_used_when_there_is_no_authentication_results():
    email = reply_email(alias="a@b.c", sender="x@y.z", text="Hi", headers={"Received-SPF": "Pass"})

    results = email_parsing.authentication_results(email_parsing.parse(email.as_bytes()))

    assert results == {"spf": "pass", "dkim": ""}


# --- processing -----------------------------------------------------------------------------


def test_reply_from_the_alias_owner_is_sent_as_a_message(thread, buyer, seller):
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)

    row = deliver(reply_email(alias=alias, sender=seller.email, text="It ships today." + QUOTED_EN))

    message = Message.objects.get(pk=row.message_id)
    assert (row.status, row.reason_code, row.reason) == ("processed", "", "")
    assert (message.sender, message.body, message.status) == (
        seller,
        "It ships today.",
        "delivered",
    )
    assert (row.thread, row.sender, row.alias) == (thread, seller, alias)
    assert row.attempts == 1
    assert row.processed_at is not None


def test_reply_from_a_registered_notification_address_is_accepted(thread, seller):
    NotificationAddressFactory(user=seller, email="ana@shop.example")
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)

    row = deliver(reply_email(alias=alias, sender="Ana@Shop.example", text="On its way."))

    assert row.status == "processed"
    assert Message.objects.get(pk=row.message_id).sender == seller


def test_alias_is_taken_from_the_envelope_recipient_first(thread, seller):
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)
    email = reply_email(
        alias="Sam's Shop <undisclosed@example.com>", sender=seller.email, text="Hi"
    )

    row = deliver(email, recipients=[alias.upper()])

    assert (row.alias, row.status) == (alias, "processed")


def test_tampered_alias_is_refused_with_a_bounce(
    thread, seller, django_capture_on_commit_callbacks
):
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)
    local, domain = alias.split("@")
    forged = f"{local[:-1]}{'x' if local[-1] != 'x' else 'y'}@{domain}"
    count = Message.objects.count()

    row = send_bounces(
        django_capture_on_commit_callbacks,
        reply_email(alias=forged, sender=seller.email, text="Hello", message_id="<t1@c.example>"),
    )

    assert (row.status, row.reason_code) == ("refused", "unknown_alias")
    assert Message.objects.count() == count
    assert row.thread is None
    [bounce] = mail.outbox
    assert bounce.to == [seller.email]
    assert bounce.subject == "Your reply was not delivered: Re: New message from Sam's Shop"
    assert bounce.body.startswith(
        "We could not tell which conversation your email answers: the address you wrote to is "
        "not a valid reply address.\n\n"
    )
    assert bounce.extra_headers["Message-ID"] == f"<inbound-bounce-{row.pk}@localhost>"
    assert bounce.extra_headers["In-Reply-To"] == "<t1@c.example>"
    assert bounce.extra_headers["Auto-Submitted"] == "auto-replied"
    assert row.bounce_message_id == f"<inbound-bounce-{row.pk}@localhost>"
    assert row.bounce_sent_at is not None


def test_expired_alias_is_refused(thread, seller, settings, django_capture_on_commit_callbacks):
    settings.REPLY_ALIAS_MAX_AGE_DAYS = 10
    old = timezone.now() - timedelta(days=11)
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk, now=old)

    row = send_bounces(
        django_capture_on_commit_callbacks,
        reply_email(alias=alias, sender=seller.email, text="Hello"),
    )

    assert (row.status, row.reason_code) == ("refused", "expired_alias")
    assert mail.outbox[0].body.startswith("The reply address you wrote to has expired.")


def test_empty_reply_is_refused(thread, buyer, django_capture_on_commit_callbacks):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    count = Message.objects.count()

    row = send_bounces(
        django_capture_on_commit_callbacks,
        reply_email(alias=alias, sender=buyer.email, text="\n" + QUOTED_EN),
    )

    assert (row.status, row.reason_code) == ("refused", "empty_reply")
    assert Message.objects.count() == count
    assert mail.outbox[0].body.startswith(
        "Your email had no new text and no files, so there was nothing to send.\n\n"
        f"Open the conversation: http://127.0.0.1:8000/messages/{thread.pk}/\n\n"
    )


def test_bad_attachment_is_refused_and_each_file_named(
    thread, buyer, django_capture_on_commit_callbacks
):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    files = (("setup.exe", "application/octet-stream", b"MZ\x90\x00" + b"\x00" * 200),)
    count = Message.objects.count()

    row = send_bounces(
        django_capture_on_commit_callbacks,
        reply_email(alias=alias, sender=buyer.email, text="See attached", files=files),
    )

    assert (row.status, row.reason_code) == ("refused", "attachment_rejected")
    assert Message.objects.count() == count
    assert row.reason.startswith(
        "Your message was not delivered: a file cannot be sent.\n"
        "One file cannot be sent; nothing was sent.\nsetup.exe: "
    )
    body = mail.outbox[0].body
    assert body.startswith("Your message was not delivered: a file cannot be sent.\n\n- ")
    # The file is named in words a person knows, never by its MIME type.
    assert (
        "- setup.exe: The file is a Windows program. "
        "Only text, PDF, JPEG, GIF, PNG and Word files can be sent.\n" in body
    )
    assert "x-dosexec" not in body


def test_automatic_email_is_refused_but_never_bounced(
    thread, buyer, django_capture_on_commit_callbacks
):
    email = reply_email(
        alias="reply+v1-nonsense@reply.localhost",
        sender=buyer.email,
        text="I am out of office.",
        headers={"Auto-Submitted": "auto-replied"},
    )

    row = send_bounces(django_capture_on_commit_callbacks, email)

    assert (row.status, row.reason_code, row.bounce_to) == ("refused", "unknown_alias", "")
    assert mail.outbox == []


def test_spanish_sender_gets_the_bounce_in_spanish(
    thread, buyer, django_capture_on_commit_callbacks
):
    buyer.language = "es"
    buyer.save(update_fields=["language"])
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)

    send_bounces(
        django_capture_on_commit_callbacks,
        reply_email(alias=alias, sender=buyer.email, text="Escríbeme a ana@gmail.com"),
    )

    [bounce] = mail.outbox
    assert bounce.subject == "Tu respuesta no se entregó: Re: New message from Sam's Shop"
    assert bounce.body.startswith(
        "Tu mensaje no se entregó: contiene una dirección de correo electrónico, algo que la "
        "política de mensajes no permite. Quítalo y vuelve a enviar tu respuesta.\n\n"
    )


def test_stranger_writing_in_spanish_gets_the_bounce_in_spanish(
    thread, buyer, django_capture_on_commit_callbacks
):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    email = reply_email(
        alias=alias, sender="nadie@otro.example", text="Hola", headers={"Content-Language": "es"}
    )

    row = send_bounces(django_capture_on_commit_callbacks, email)

    assert row.reason_code == "unauthorized_sender"
    assert mail.outbox[0].body.startswith(
        "Solo se aceptan respuestas a esta conversación desde la dirección de correo de la "
        "cuenta a la que pertenece"
    )
    assert "/messages/" not in mail.outbox[0].body


def test_a_stranger_is_told_at_most_three_times_a_day(
    thread, buyer, settings, django_capture_on_commit_callbacks
):
    settings.INBOUND_STRANGER_BOUNCES_PER_DAY = 3
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)

    rows = [
        send_bounces(
            django_capture_on_commit_callbacks,
            reply_email(alias=alias, sender="victim@forged.example", text=f"Spam {n}"),
        )
        for n in range(4)
    ]
    other = send_bounces(
        django_capture_on_commit_callbacks,
        reply_email(alias="reply+nothing@reply.localhost", sender="else@forged.example", text="x"),
    )

    assert [row.reason_code for row in rows] == ["unauthorized_sender"] * 4
    assert [m.to for m in mail.outbox] == [["victim@forged.example"]] * 3 + [
        ["else@forged.example"]
    ]
    assert (rows[3].bounce_to, rows[3].bounce_sent_at) == ("", None)
    assert rows[3].last_error == (
        "Not bounced: 3 refusals were already explained to victim@forged.example in the last "
        "24 hours."
    )
    assert other.reason_code == "unknown_alias"


def test_the_account_owner_is_always_told_why(
    thread, buyer, settings, django_capture_on_commit_callbacks
):
    settings.INBOUND_STRANGER_BOUNCES_PER_DAY = 1
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)

    for _ in range(3):
        send_bounces(
            django_capture_on_commit_callbacks,
            reply_email(alias=alias, sender=buyer.email, text=""),
        )

    assert [m.to for m in mail.outbox] == [[buyer.email]] * 3


def test_processing_twice_does_nothing_more(thread, seller):
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)
    row = deliver(reply_email(alias=alias, sender=seller.email, text="Shipped."))
    count = Message.objects.count()

    assert inbound_email_process(inbound_email_id=row.pk) == "skipped"
    assert Message.objects.count() == count


def test_same_message_id_is_stored_once(thread, seller):
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)
    email = reply_email(alias=alias, sender=seller.email, text="Shipped.", message_id="<d@c.ex>")

    first, created = inbound_email_receive(raw=email.as_bytes(), source="smtp")
    again, created_again = inbound_email_receive(raw=email.as_bytes(), source="mailgun")

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert InboundEmail.objects.count() == 1


def test_email_without_message_id_is_identified_by_its_bytes():
    email = reply_email(alias="a@b.c", sender="x@y.z", text="Hi")
    del email["Message-ID"]
    raw = email.as_bytes()

    row, _ = inbound_email_receive(raw=raw, source="smtp")

    assert row.header_message_id == f"<sha256-{hashlib.sha256(raw).hexdigest()}@inbound.invalid>"


def test_sweep_processes_emails_left_received_and_gives_up_after_the_attempts(
    thread, seller, settings, django_capture_on_commit_callbacks
):
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)
    now = timezone.now()
    stale, _ = inbound_email_receive(
        raw=reply_email(alias=alias, sender=seller.email, text="Later.").as_bytes(),
        source="smtp",
        now=now - timedelta(minutes=2),
    )
    inbound_email_receive(  # fresh: not stale yet, so not enqueued
        raw=reply_email(alias=alias, sender=seller.email, text="Now.").as_bytes(),
        source="smtp",
        now=now,
    )
    spent, _ = inbound_email_receive(
        raw=reply_email(alias=alias, sender=seller.email, text="Crashes.").as_bytes(),
        source="smtp",
        now=now - timedelta(minutes=10),
    )
    InboundEmail.objects.filter(pk=spent.pk).update(attempts=settings.INBOUND_MAX_ATTEMPTS)

    with django_capture_on_commit_callbacks() as callbacks:
        assert inbound_email_sweep(now=now) == 1

    processed = ("messaging.process_inbound_email",)
    enqueued = [c.args for c in callbacks if getattr(c, "args", ())[:1] == processed]
    assert enqueued == [("messaging.process_inbound_email", stale.pk)]
    spent.refresh_from_db()
    assert (spent.status, spent.reason_code) == ("refused", "processing_failed")
    assert spent.reason == (
        "We could not process your email. Please send your reply again, or reply in Message "
        f"Center.\nGave up after {settings.INBOUND_MAX_ATTEMPTS} attempts."
    )
    assert inbound_email_process(inbound_email_id=stale.pk) == "processed"


# --- the provider webhook ----------------------------------------------------------------


def mailgun_post(client, email, *, key, signature=None, timestamp=None, token=None):
    """Post an email as Mailgun's route forward does, signed now with a new token by default."""
    timestamp = str(int(time.time())) if timestamp is None else timestamp
    token = token or secrets.token_hex(25)
    expected = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return client.post(
        reverse("inbound_email:mailgun-mime"),
        {
            "timestamp": timestamp,
            "token": token,
            "signature": signature or expected,
            "recipient": email["To"],
            "sender": "bounces@client.example",
            "body-mime": email.as_string(),
        },
    )


@pytest.fixture
def mailgun(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "key-for-the-tests"}
    return "key-for-the-tests"


def test_webhook_with_a_valid_signature_stores_and_processes_after_commit(
    client, mailgun, thread, buyer, django_capture_on_commit_callbacks
):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    email = reply_email(alias=alias, sender=buyer.email, text="Thanks!" + QUOTED_EN)

    with django_capture_on_commit_callbacks() as callbacks:
        response = mailgun_post(client, email, key=mailgun)

    assert response.status_code == 200
    row = InboundEmail.objects.get()
    assert (row.source, row.status, row.alias) == ("mailgun", "received", alias)
    assert row.envelope_from == "bounces@client.example"
    assert [callback.args for callback in callbacks] == [
        ("messaging.process_inbound_email", row.pk)
    ]
    assert inbound_email_process(inbound_email_id=row.pk) == "processed"
    assert Message.objects.get(pk=InboundEmail.objects.get().message_id).body == "Thanks!"


def test_webhook_with_an_invalid_signature_is_refused_and_stores_nothing(
    client, mailgun, thread, buyer
):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    email = reply_email(alias=alias, sender=buyer.email, text="Thanks!")

    response = mailgun_post(client, email, key=mailgun, signature="0" * 64)

    assert response.status_code == 400
    assert InboundEmail.objects.count() == 0


def test_webhook_is_not_there_without_a_signing_key(client, settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": ""}

    response = client.post(reverse("inbound_email:mailgun"), {"timestamp": "1"})

    assert response.status_code == 404


def test_accepting_again_an_email_still_waiting_processes_it(thread, seller):
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)
    raw = reply_email(alias=alias, sender=seller.email, text="Resent.").as_bytes()
    waiting, _ = inbound_email_receive(raw=raw, source="smtp")

    row = inbound_email_accept(raw=raw, source="smtp", process_now=True)

    assert (row.pk, row.status) == (waiting.pk, "processed")


# --- the admin ------------------------------------------------------------------------------


def test_admin_lists_inbound_emails_with_their_reasons(
    client, staff, thread, buyer, django_assert_max_num_queries
):
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    deliver(reply_email(alias=alias, sender="stranger@evil.example", text="Buy now"))
    deliver(reply_email(alias=alias, sender=buyer.email, text="Thanks"))
    client.force_login(staff)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:messaging_inboundemail_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "stranger@evil.example" in page
    assert "unauthorized_sender" in page
    assert page.count('class="field-status">Refused, sender told why<') == 1
    assert page.count('class="field-status">Delivered as a message<') == 1


def test_admin_shows_the_raw_email_and_changes_nothing(client, staff):
    row, _ = inbound_email_receive(
        raw=reply_email(alias="a@b.c", sender="x@y.z", text="Raw body here").as_bytes(),
        source="smtp",
    )
    client.force_login(staff)

    page = client.get(reverse("admin:messaging_inboundemail_change", args=[row.pk]))
    post = client.post(reverse("admin:messaging_inboundemail_change", args=[row.pk]), {})

    assert page.status_code == 200
    assert "Raw body here" in page.content.decode()
    assert post.status_code == 403


def process_again(client, *rows):
    return client.post(
        reverse("admin:messaging_inboundemail_changelist"),
        {"action": "process_again", "_selected_action": [row.pk for row in rows]},
        follow=True,
    )


def test_staff_process_a_refused_reply_again_once_its_address_is_listed(
    client, staff, thread, seller, django_capture_on_commit_callbacks
):
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)
    email = reply_email(alias=alias, sender="ana@shop.example", text="Shipped this morning.")
    row = send_bounces(django_capture_on_commit_callbacks, email)
    assert (row.status, row.reason_code, len(mail.outbox)) == ("refused", "unauthorized_sender", 1)
    NotificationAddressFactory(user=seller, email="ana@shop.example")
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = process_again(client, row)

    row.refresh_from_db()
    sent = Message.objects.get(pk=row.message_id)
    assert (row.status, row.reason_code, row.reason) == ("processed", "", "")
    assert (sent.sender, sent.body, sent.thread) == (seller, "Shipped this morning.", thread)
    assert [str(m) for m in response.context["messages"]] == ["Processed again: 1 processed."]
    entry = ModerationAction.objects.get(action="reprocessed")
    assert (entry.actor, entry.subject) == (staff, None)
    assert entry.detail == (
        f"Inbound email #{row.pk} from ana@shop.example, refused as unauthorized_sender"
    )
    assert len(mail.outbox) == 1  # the first refusal's bounce only
    assert Notification.objects.filter(recipient=thread.buyer, kind="new_message").count() == 1


def test_a_reply_refused_again_is_not_bounced_twice(
    client, staff, thread, seller, django_capture_on_commit_callbacks
):
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)
    email = reply_email(alias=alias, sender="ana@shop.example", text="Shipped.")
    row = send_bounces(django_capture_on_commit_callbacks, email)
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        process_again(client, row)

    row.refresh_from_db()
    assert (row.status, row.reason_code) == ("refused", "unauthorized_sender")
    assert len(mail.outbox) == 1


def test_only_refusals_that_stored_no_message_are_processed_again(
    client, staff, thread, seller, buyer
):
    delivered = deliver(
        reply_email(
            alias=reply_alias_address(thread_id=thread.pk, user_id=seller.pk),
            sender=seller.email,
            text="Shipped.",
        )
    )
    blocked = deliver(
        reply_email(
            alias=reply_alias_address(thread_id=thread.pk, user_id=buyer.pk),
            sender=buyer.email,
            text="Write to me at alex@example.org",
        )
    )
    assert (delivered.status, blocked.reason_code) == ("processed", "policy_blocked")
    before = (
        Message.objects.count(),
        ModerationAction.objects.filter(action="reprocessed").count(),
    )
    client.force_login(staff)

    response = process_again(client, delivered, blocked)

    assert [str(m) for m in response.context["messages"]] == [
        f"#{delivered.pk}: Only a refused email can be processed again.",
        f"#{blocked.pk}: This email's message is stored (the content policy blocked it): "
        "release it from the moderation queue instead.",
    ]
    after = (Message.objects.count(), ModerationAction.objects.filter(action="reprocessed").count())
    assert after == before
