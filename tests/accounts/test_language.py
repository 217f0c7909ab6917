"""Which language a page is served in: the account's saved language, else the browser's."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    content = response.content.decode()
    start = content.index('<html lang="') + len('<html lang="')
    return content[start : content.index('"', start)]


def test_a_spanish_user_gets_spanish_pages_without_accept_language(client):
    buyer = BuyerFactory(language="es")
    client.force_login(buyer)

    response = client.get(reverse("orders:list"))

    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert html_lang(response) == "es"
    assert "<h1>Tus pedidos</h1>" in response.content.decode()


def test_the_saved_language_beats_the_browsers(client):
    buyer = BuyerFactory(language="es")
    client.force_login(buyer)

    response = client.get(reverse("orders:list"), headers={"accept-language": "en-US,en;q=0.9"})

    assert response["Content-Language"] == "es"
    assert "<h1>Tus pedidos</h1>" in response.content.decode()


def test_an_english_user_gets_english_even_if_the_browser_asks_for_spanish(client):
    buyer = BuyerFactory(language="en")
    client.force_login(buyer)

    response = client.get(reverse("orders:list"), headers={"accept-language": "es-ES,es;q=0.9"})

    assert response["Content-Language"] == "en"
    assert "<h1>Your orders</h1>" in response.content.decode()


def test_an_anonymous_visitor_gets_the_browsers_language(client):
    response = client.get(reverse("accounts:login"), headers={"accept-language": "es-ES,es;q=0.9"})

    content = response.content.decode()
    assert response["Content-Language"] == "es"
    assert html_lang(response) == "es"
    assert "<h1>Iniciar sesión</h1>" in content
    assert '<label for="id_password">Contraseña</label>' in content


def test_an_anonymous_visitor_without_accept_language_gets_english(client):
    response = client.get(reverse("accounts:login"))

    assert response["Content-Language"] == "en"
    assert "<h1>Sign in</h1>" in response.content.decode()


def test_an_unsupported_browser_language_falls_back_to_english(client):
    response = client.get(reverse("accounts:login"), headers={"accept-language": "de-DE,de"})

    assert response["Content-Language"] == "en"


def test_switching_saves_the_choice_on_the_account(client):
    buyer = BuyerFactory(language="en")
    client.force_login(buyer)

    response = client.post(reverse("accounts:language-set"), {"language": "es", "next": "/orders/"})

    assert response.status_code == 302
    assert response["Location"] == "/orders/"
    assert User.objects.get(pk=buyer.pk).language == "es"
    page = client.get("/orders/", headers={"accept-language": "en"})
    assert "<h1>Tus pedidos</h1>" in page.content.decode()


def test_switching_back_to_english_saves_it_too(client):
    seller = SellerFactory(language="es")
    client.force_login(seller)

    client.post(reverse("accounts:language-set"), {"language": "en", "next": "/seller/"})

    assert User.objects.get(pk=seller.pk).language == "en"


def test_an_anonymous_switch_sets_the_cookie_only(client):
    response = client.post(
        reverse("accounts:language-set"), {"language": "es", "next": "/accounts/login/"}
    )

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "es"
    page = client.get("/accounts/login/", headers={"accept-language": "en"})
    assert "<h1>Iniciar sesión</h1>" in page.content.decode()


def test_an_unknown_language_changes_nothing(client):
    buyer = BuyerFactory(language="en")
    client.force_login(buyer)

    response = client.post(reverse("accounts:language-set"), {"language": "fr", "next": "/orders/"})

    assert response.status_code == 302
    assert User.objects.get(pk=buyer.pk).language == "en"
    assert "django_language" not in response.cookies


def test_an_outside_next_address_is_not_followed(client):
    response = client.post(
        reverse("accounts:language-set"), {"language": "es", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_switcher_is_in_the_header_with_the_current_language_selected(client):
    buyer = BuyerFactory(language="es")
    client.force_login(buyer)

    content = client.get(reverse("orders:list")).content.decode()

    assert f'action="{reverse("accounts:language-set")}"' in content
    assert '<label for="language-select">Idioma</label>' in content
    assert '<option value="es" lang="es" selected>Español</option>' in content
    assert '<option value="en" lang="en">English</option>' in content
    assert '<input type="hidden" name="next" value="/orders/">' in content


def test_dates_and_numbers_are_written_the_spanish_way(client):
    buyer = BuyerFactory(language="es")
    OrderFactory(
        buyer=buyer,
        placed_at=datetime(2026, 3, 5, 12, 0, tzinfo=UTC),
        total=Decimal("1234.50"),
    )
    client.force_login(buyer)

    content = client.get(reverse("orders:list")).content.decode()

    assert "Comprado 5 mar 2026" in content
    assert "1234,50" in content


def test_dates_and_numbers_are_written_the_english_way(client):
    buyer = BuyerFactory(language="en")
    OrderFactory(
        buyer=buyer,
        placed_at=datetime(2026, 3, 5, 12, 0, tzinfo=UTC),
        total=Decimal("1234.50"),
    )
    client.force_login(buyer)

    content = client.get(reverse("orders:list")).content.decode()

    assert "Ordered Mar 5, 2026" in content
    assert "1234.50" in content


def test_the_unread_badge_is_counted_in_spanish(client):
    seller = SellerFactory(language="es")
    thread_with_message(seller=seller)
    thread_with_message(seller=seller)
    client.force_login(seller)

    content = client.get(reverse("messaging:seller-inbox")).content.decode()

    assert (
        '<span class="badge" aria-hidden="true">2</span>'
        '<span class="visually-hidden">(2 conversaciones sin leer)</span>'
    ) in content
