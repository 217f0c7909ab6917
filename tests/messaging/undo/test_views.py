"""Undo send on the pages: "Sending… Undo", the text back in the reply box, the setting."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from messaging.models import Message, MessageStatus
from messaging.threads import sending, services
from notifications.models import Notification
from tests.messaging import badfiles
from tests.messaging.undo.helpers import answered_conversation

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/account/notifications/"
UNDO_SEND_URL = "/account/notifications/undo-send/"


@pytest.fixture(autouse=True)
def _undo_send_on(settings):
    settings.MESSAGE_UNDO_SECONDS = 10
    settings.MESSAGE_SEND_RATE = "1000/60"


@pytest.fixture
def conversation(buyer, seller):
    return answered_conversation(buyer=buyer, seller=seller)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_sent_reply_shows_sending_with_an_undo_button_to_its_sender(conversation):
    buyer, thread = conversation.buyer, conversation.thread
    client = signed_in(buyer)

    sent = client.post(f"/messages/{thread.pk}/", {"body": "Tangerine wrapping?"}, follow=True)

    message = Message.objects.get(body="Tangerine wrapping?")
    assert message.status == MessageStatus.SENDING
    page = sent.content.decode()
    assert "Sending… You can still undo it under the message." in page
    assert f'data-undo-until="{message.undo_until.isoformat()}"' in page
    assert f'action="/messages/{thread.pk}/messages/{message.pk}/undo/"' in page
    assert "Tangerine wrapping?" in page
    assert '<script src="/static/js/undo_send.js" defer></script>' in page


def test_the_other_side_sees_nothing_on_its_pages_while_it_is_sending(conversation):
    seller, thread = conversation.seller, conversation.thread
    signed_in(conversation.buyer).post(f"/messages/{thread.pk}/", {"body": "Tangerine wrapping?"})
    client = signed_in(seller)

    pages = [
        client.get(f"/seller/messages/{thread.pk}/"),
        client.get("/seller/", {"folder": "all"}),
        client.get("/seller/", {"folder": "all", "q": "tangerine"}),
        client.get(f"/messages/{thread.pk}/updates/", {"after": 0}),
    ]

    assert [p.status_code for p in pages] == [200, 200, 200, 200]
    for page in pages:
        assert "Tangerine" not in page.content.decode()
    assert [m["html"].count("It ships today.") for m in pages[3].json()["messages"]] == [0, 1]


def test_undo_puts_the_text_back_in_the_reply_box_once(conversation):
    buyer, thread = conversation.buyer, conversation.thread
    client = signed_in(buyer)
    client.post(f"/messages/{thread.pk}/", {"body": "Tangerine wrapping?"})
    message = Message.objects.get(body="Tangerine wrapping?")

    response = client.post(f"/messages/{thread.pk}/messages/{message.pk}/undo/")

    assert response.status_code == 302
    assert response["Location"] == f"/messages/{thread.pk}/#id_body"
    assert not Message.objects.filter(pk=message.pk).exists()
    page = client.get(f"/messages/{thread.pk}/").content.decode()
    assert "Message taken back: nothing was delivered. Edit it and send again." in page
    assert ">Tangerine wrapping?</textarea>" in page
    assert 'id="undone-files"' not in page
    again = client.get(f"/messages/{thread.pk}/").content.decode()
    assert "Tangerine wrapping?" not in again


def test_undo_of_a_message_with_files_names_the_files_to_attach_again(conversation):
    seller, thread = conversation.seller, conversation.thread
    client = signed_in(seller)
    client.post(
        f"/seller/messages/{thread.pk}/",
        {
            "body": "Here is the label",
            "files": [
                SimpleUploadedFile("label.pdf", badfiles.pdf()),
                SimpleUploadedFile("parcel.png", badfiles.png()),
            ],
        },
    )
    message = Message.objects.get(body="Here is the label")

    response = client.post(f"/messages/{thread.pk}/messages/{message.pk}/undo/", follow=True)

    assert response.redirect_chain == [(f"/seller/messages/{thread.pk}/#id_body", 302)]
    page = response.content.decode()
    assert ">Here is the label</textarea>" in page
    assert (
        "The message you took back carried these files. They were deleted with it: attach them "
        "again before sending."
    ) in page
    assert "<li>label.pdf</li><li>parcel.png</li>" in page


def test_undo_too_late_on_the_page_says_so_and_the_message_stays(conversation, settings):
    buyer, seller, thread = conversation.buyer, conversation.seller, conversation.thread
    settings.MESSAGE_UNDO_SECONDS = 10
    client = signed_in(buyer)
    client.post(f"/messages/{thread.pk}/", {"body": "Tangerine wrapping?"})
    message = Message.objects.get(body="Tangerine wrapping?")
    Message.objects.filter(pk=message.pk).update(undo_until=message.created_at)
    emails = Notification.objects.filter(recipient=seller).count()

    response = client.post(f"/messages/{thread.pk}/messages/{message.pk}/undo/", follow=True)

    assert response.redirect_chain == [(f"/messages/{thread.pk}/#latest", 302)]
    assert "Too late to undo: the message was sent." in response.content.decode()
    assert sending.messages_sending_sweep() == 1
    assert Message.objects.get(pk=message.pk).status == MessageStatus.DELIVERED
    assert Notification.objects.filter(recipient=seller).count() == emails + 1


def test_undo_of_another_users_message_is_a_404(conversation):
    buyer, seller, thread = conversation.buyer, conversation.seller, conversation.thread
    signed_in(buyer).post(f"/messages/{thread.pk}/", {"body": "Tangerine wrapping?"})
    message = Message.objects.get(body="Tangerine wrapping?")

    refused = [
        signed_in(seller).post(f"/messages/{thread.pk}/messages/{message.pk}/undo/"),
        signed_in(User.objects.create_user("x@example.com", "pw", display_name="X")).post(
            f"/messages/{thread.pk}/messages/{message.pk}/undo/"
        ),
    ]

    assert [r.status_code for r in refused] == [404, 404]
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENDING


def test_undo_is_post_only(conversation):
    response = signed_in(conversation.buyer).get(
        f"/messages/{conversation.thread.pk}/messages/1/undo/"
    )

    assert response.status_code == 405


def test_a_user_who_turned_undo_send_off_sends_at_once(conversation):
    buyer, thread = conversation.buyer, conversation.thread
    buyer.undo_send_seconds = 0
    buyer.save(update_fields=["undo_send_seconds"])

    sent = signed_in(buyer).post(f"/messages/{thread.pk}/", {"body": "Right away"}, follow=True)

    assert Message.objects.get(body="Right away").status == MessageStatus.DELIVERED
    assert "Message sent." in sent.content.decode()


# --- the setting -----------------------------------------------------------------------------


def test_the_settings_page_shows_the_undo_time_in_force(buyer):
    page = signed_in(buyer).get(SETTINGS_URL).content.decode()

    assert 'action="/account/notifications/undo-send/"' in page
    assert '<input type="radio" name="seconds" value="10" checked>' in page
    assert '<input type="radio" name="seconds" value="30" >' in page


@pytest.mark.parametrize("seconds", [0, 5, 10, 30])
def test_the_user_chooses_an_undo_time(buyer, seconds):
    response = signed_in(buyer).post(UNDO_SEND_URL, {"seconds": str(seconds)}, follow=True)

    assert response.redirect_chain == [(SETTINGS_URL, 302)]
    assert "Your undo send setting was saved." in response.content.decode()
    buyer.refresh_from_db()
    assert buyer.undo_send_seconds == seconds
    page = response.content.decode()
    assert f'<input type="radio" name="seconds" value="{seconds}" checked>' in page


@pytest.mark.parametrize("value", ["7", "", "-5", "ten", "300"])
def test_an_undo_time_not_offered_is_a_form_error_and_changes_nothing(buyer, value):
    response = signed_in(buyer).post(UNDO_SEND_URL, {"seconds": value})

    assert response.status_code == 400
    page = response.content.decode()
    expected = (
        "This field is required."
        if value == ""
        else f"Select a valid choice. {value} is not one of the available choices."
    )
    assert expected in page
    buyer.refresh_from_db()
    assert buyer.undo_send_seconds is None


def test_the_undo_send_setting_needs_a_signed_in_user_and_a_post(client, buyer):
    assert client.post(UNDO_SEND_URL, {"seconds": "5"}).status_code == 302
    assert signed_in(buyer).get(UNDO_SEND_URL).status_code == 405
    buyer.refresh_from_db()
    assert buyer.undo_send_seconds is None


def test_a_spanish_sender_sees_undo_send_in_spanish(conversation):
    seller, thread = conversation.seller, conversation.thread
    User.objects.filter(pk=seller.pk).update(language="es")
    client = signed_in(seller)

    sent = client.post(
        f"/seller/messages/{thread.pk}/",
        {"body": "Aquí va", "files": [SimpleUploadedFile("etiqueta.pdf", badfiles.pdf())]},
        follow=True,
    )
    message = Message.objects.get(body="Aquí va")
    undone = client.post(f"/messages/{thread.pk}/messages/{message.pk}/undo/", follow=True)
    settings_page = client.get(SETTINGS_URL).content.decode()

    page = sent.content.decode()
    assert "Enviando… Aún puedes deshacerlo debajo del mensaje." in page
    assert 'data-left="{seconds} s para deshacer"' in page
    assert 'data-sent="Enviado."' in page
    assert ">Deshacer</button>" in page
    again = undone.content.decode()
    assert "Mensaje retirado: no se entregó nada. Edítalo y vuelve a enviarlo." in again
    assert "adjúntalos de nuevo antes de enviarlo." in again
    assert "Después de enviar un mensaje, déjame deshacerlo durante" in settings_page
    assert "Desactivado: enviar al momento" in settings_page
    assert "la otra parte no recibe nada" in settings_page


def test_an_open_page_gets_a_released_message_after_newer_ones(conversation):
    buyer, seller, thread = conversation.buyer, conversation.seller, conversation.thread
    signed_in(buyer).post(f"/messages/{thread.pk}/", {"body": "Tangerine wrapping?"})
    held = Message.objects.get(body="Tangerine wrapping?")
    # Meanwhile the seller writes again: a newer id than the held message's.
    newer = services.message_send(thread=thread, sender=seller, body="Anything else?")
    assert newer.pk > held.pk
    seller_page = signed_in(seller)
    url = f"/messages/{thread.pk}/updates/"

    before = seller_page.get(url, {"after": newer.pk}).json()
    sending.message_sending_release(message_id=held.pk, now=held.undo_until)
    after = seller_page.get(url, {"after": newer.pk}).json()

    assert (before["messages"], before["last_id"]) == ([], newer.pk)
    assert [m["id"] for m in after["messages"]] == [held.pk]
    assert "Tangerine wrapping?" in after["messages"][0]["html"]
    # The next poll asks with the cursor it was given (the highest id, the latest time): it
    # gets nothing twice, and still what comes next.
    held.refresh_from_db()
    released_us = (held.created_at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    assert (after["last_id"], after["after"]) == (newer.pk, f"{newer.pk}.{released_us}")
    assert seller_page.get(url, {"after": after["after"]}).json()["messages"] == []
    last = services.message_send(thread=thread, sender=buyer, body="Also a card?")
    following = seller_page.get(url, {"after": after["after"]}).json()
    assert [m["id"] for m in following["messages"]] == [last.pk]


@pytest.mark.parametrize(
    "cursor", ["", "x", "-1", "1.", "1.x", "1.-5", "1.123456789012345678", "١"]
)
def test_a_broken_updates_cursor_is_a_400(conversation, cursor):
    response = signed_in(conversation.seller).get(
        f"/messages/{conversation.thread.pk}/updates/", {"after": cursor}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_after"
