import pytest

from notifications.emails import email_build
from tests.notifications.factories import NotificationFactory

CONTEXT = {
    "sender_name": "Sam's Shop",
    "subject": "Shipping · Order 112-0000001-0000001",
    "thread_url": "http://127.0.0.1:8000/messages/9/",
    "excerpt": "Your parcel left today.",
}


def build(kind="new_message", language="en", **context):
    row = NotificationFactory(
        address="alex@example.com", kind=kind, language=language, context={**CONTEXT, **context}
    )
    return row, email_build(row)


@pytest.mark.django_db
def test_new_message_email_names_the_shop_and_links_to_the_thread(settings):
    settings.DEFAULT_FROM_EMAIL = "Message Center <messages@shop.example>"
    row, email = build()

    assert email.subject == "New message from Sam's Shop: Shipping · Order 112-0000001-0000001"
    assert email.to == ["alex@example.com"]
    assert email.from_email == "Message Center <messages@shop.example>"
    assert email.extra_headers["Message-ID"] == f"<notification-{row.pk}@shop.example>"
    assert "Sam's Shop sent you a message about Shipping · Order" in email.body
    assert "Your parcel left today." in email.body
    assert "http://127.0.0.1:8000/messages/9/" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "Sam&#x27;s Shop sent you a message" in html
    assert 'href="http://127.0.0.1:8000/messages/9/"' in html


@pytest.mark.django_db
def test_new_message_email_reveals_no_address_but_the_recipients():
    seller_email = "sam.private@shop.example"
    row = NotificationFactory(address="alex@example.com", context=CONTEXT)

    message = email_build(row).message()

    raw = message.as_string()
    assert seller_email not in raw
    assert message["Reply-To"] is None  # no alias in the context: nothing to reply to
    assert message["To"] == "alex@example.com"
    assert message["From"] == "Message Center <messages@localhost>"


@pytest.mark.django_db
def test_new_message_email_in_spanish_for_a_spanish_reader():
    _row, email = build(language="es", subject="Envío · Pedido 112-0000001-0000001")

    assert email.subject == "Nuevo mensaje de Sam's Shop: Envío · Pedido 112-0000001-0000001"
    assert email.body.startswith("Hola:\n\nSam's Shop te envió un mensaje sobre Envío · Pedido")
    assert "Lee y responde en Message Center:" in email.body
    assert "Las respuestas a este correo no se entregan" in email.body
    assert '<html lang="es">' in email.alternatives[0][0]
    assert "Leer y responder" in email.alternatives[0][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "hours", "subject"),
    [
        ("en", 4, "A buyer is waiting: 4 hours left to reply"),
        ("en", 1, "A buyer is waiting: 1 hour left to reply"),
        ("es", 4, "Un comprador espera: quedan 4 horas para responder"),
        ("es", 1, "Un comprador espera: queda 1 hora para responder"),
    ],
)
def test_reminder_email_says_how_many_hours_are_left(language, hours, subject):
    _row, email = build(kind="reminder", language=language, hours_left=hours, sender_name="Alex")

    assert email.subject == subject


@pytest.mark.django_db
def test_released_email_tells_the_sender_who_received_it():
    _row, email = build(kind="message_released", recipient_name="Sam's Shop")

    assert email.subject == "Your message was delivered: Shipping · Order 112-0000001-0000001"
    assert (
        "Our team reviewed your message about Shipping · Order 112-0000001-0000001 and "
        "delivered it to Sam's Shop." in email.body
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject", "more"),
    [
        ("en", "23 new messages in Message Center", "… and 3 more."),
        ("es", "23 mensajes nuevos en Message Center", "… y 3 más."),
    ],
)
def test_digest_email_lists_the_messages(language, subject, more):
    items = [{**CONTEXT, "sender_name": f"Shop {n}"} for n in range(20)]
    row = NotificationFactory(
        kind="digest", language=language, context={"count": 23, "items": items, "more": 3}
    )

    email = email_build(row)

    assert email.subject == subject
    assert email.body.count("* Shop ") == 20
    assert more in email.body


@pytest.mark.django_db
def test_email_about_a_thread_answers_to_the_readers_alias():
    alias = "reply+v1-9-2-g17-abcdefghijklmnopqrst@reply.localhost"
    _row, email = build(reply_to=alias)

    message = email.message()
    assert email.reply_to == [alias]
    assert message["Reply-To"] == alias
    assert "Reply to this email to answer in Message Center; your email address stays private." in (
        email.body
    )
    assert "Replies to this email are not delivered" not in email.body
