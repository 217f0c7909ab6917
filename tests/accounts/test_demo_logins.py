"""In debug the login page lists the demo accounts `seed_demo` created; in production never."""

import pytest

from tests.accounts.factories import BuyerFactory, SellerFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def demo_users():
    SellerFactory(email="seller@example.com", display_name="Marta Ruiz", language="es")
    SellerFactory(email="gadgets@example.com", display_name="Tom Becker")
    BuyerFactory(email="lucia@example.com", display_name="Lucía Fernández", language="es")


def test_debug_login_page_lists_the_demo_accounts_that_exist(client, settings):
    settings.DEBUG = True
    demo_users()

    page = client.get(LOGIN).content.decode()

    assert "Demo accounts" in page
    assert "<code>demo-pass-2026</code>" in page
    assert "<code>seller@example.com</code> — Seller (Casa Cerámica), speaks Spanish" in page
    assert "<code>gadgets@example.com</code> — Seller (Gadget Garage)</li>" in page
    assert "<code>lucia@example.com</code> — Buyer, speaks Spanish" in page
    assert "sam@example.com" not in page  # not created here
    assert "admin@example.com" not in page


def test_debug_login_page_in_spanish(client, settings):
    settings.DEBUG = True
    demo_users()

    page = client.get(LOGIN, headers={"accept-language": "es"}).content.decode()

    assert "Cuentas de demostración" in page
    assert "Vendedor (Casa Cerámica), habla español" in page
    assert "usan la contraseña <code>demo-pass-2026</code>." in page


def test_debug_login_page_without_demo_accounts_lists_nothing(client, settings):
    settings.DEBUG = True
    SellerFactory(email="someone@shop.example")

    page = client.get(LOGIN).content.decode()

    assert "Demo accounts" not in page
    assert "demo-pass-2026" not in page


def test_production_login_page_never_lists_the_demo_accounts(client, settings):
    settings.DEBUG = False
    demo_users()

    page = client.get(LOGIN).content.decode()

    assert "Demo accounts" not in page
    assert "demo-pass-2026" not in page
    assert "seller@example.com" not in page
