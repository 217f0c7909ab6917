"""The "sign-in paused" notice: to the account's own address, at once, in its language."""

from datetime import UTC, datetime

import pytest

from accounts.signals import sign_in_paused
from notifications.emails import email_build
from notifications.models import Notification
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.notifications.factories import NotificationAddressFactory

pytestmark = pytest.mark.django_db

RESUME_AT = datetime(2027, 1, 15, 8, 15, tzinfo=UTC)
WINDOW_END = int(RESUME_AT.timestamp())


def pause(user) -> None:
    sign_in_paused.send(sender=type(user), user=user, resume_at=RESUME_AT, window_end=WINDOW_END)


def test_the_notice_goes_to_the_accounts_own_address_only_even_with_emails_off():
    seller = SellerFactory(email="sam@shop.example", notification_mode="off")
    NotificationAddressFactory(user=seller, email="team@shop.example")

    pause(seller)

    assert list(Notification.objects.values_list("address", "kind", "status", "context")) == [
        (
            "sam@shop.example",
            "sign_in_paused",
            "pending",
            {"resume_at": "2027-01-15T08:15:00+00:00"},
        )
    ]


def test_the_notice_is_not_held_for_a_digest():
    buyer = BuyerFactory(notification_mode="digest")

    pause(buyer)

    assert Notification.objects.get().status == "pending"


def test_the_notice_is_written_once_per_pause():
    buyer = BuyerFactory()

    pause(buyer)
    pause(buyer)

    assert Notification.objects.count() == 1


def test_the_notice_speaks_spanish_to_a_spanish_reader():
    buyer = BuyerFactory(email="ana@example.com", language="es")
    pause(buyer)

    email = email_build(Notification.objects.get())

    assert email.subject == "El inicio de sesión en tu cuenta está en pausa por un tiempo"
    assert email.body == (
        "Hola:\n\n"
        "Alguien intentó varias veces iniciar sesión en tu cuenta de Message Center con una "
        "contraseña incorrecta, así que pausamos el inicio de sesión en ella por un tiempo para "
        "protegerla.\n\n"
        "Podrás volver a iniciar sesión a partir del 15 ene 2027, 08:15 (UTC).\n\n"
        "Si fuiste tú, espera hasta entonces y vuelve a intentarlo. Si no fuiste tú, no tienes "
        "que hacer nada: esos intentos no entraron en tu cuenta.\n\n"
        "--\nLas respuestas a este correo no se entregan: responde en Message Center.\n"
        "Cambia tus notificaciones por correo: http://127.0.0.1:8000/account/notifications/\n\n"
    )
    html = email.alternatives[0][0]
    assert '<html lang="es">' in html
    assert "Podrás volver a iniciar sesión a partir del 15 ene 2027, 08:15" in html
