"""The Spanish catalog is complete, well-formed and compiled; Spanish pages speak Spanish."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory

CATALOG = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


@pytest.fixture(scope="module")
def catalog() -> polib.POFile:
    return polib.pofile(str(CATALOG / "django.po"))


def test_every_spanish_entry_is_translated(catalog):
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]

    assert untranslated == []


def test_no_spanish_entry_is_fuzzy(catalog):
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]

    assert fuzzy == []


def test_translations_keep_every_placeholder(catalog):
    def names(text: str) -> set[str]:
        return {a or b for a, b in PLACEHOLDER.findall(text)}

    broken = []
    for entry in catalog.translated_entries():
        if entry.msgid_plural:
            expected = names(entry.msgid) | names(entry.msgid_plural)
            # A singular form may drop the count ("one hour"), but not invent a name.
            found = set().union(*(names(text) for text in entry.msgstr_plural.values()))
        else:
            expected, found = names(entry.msgid), names(entry.msgstr)
        if found != expected and not (entry.msgid_plural and found <= expected):
            broken.append((entry.msgid, sorted(expected), sorted(found)))

    assert broken == []


def test_the_compiled_catalog_matches_the_source(catalog):
    compiled = polib.mofile(str(CATALOG / "django.mo"))

    def table(entries) -> dict[tuple[str | None, str], object]:
        return {
            (entry.msgctxt, entry.msgid): (
                dict(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
            )
            for entry in entries
            if entry.msgid
        }

    assert table(compiled) == table(catalog.translated_entries())


def test_the_catalog_uses_tu_not_usted(catalog):
    formal = re.compile(r"\b(usted|ustedes|su cuenta|introduzca|haga clic)\b", re.IGNORECASE)

    assert [entry.msgstr for entry in catalog if formal.search(entry.msgstr)] == []


@pytest.mark.django_db
def test_a_spanish_buyer_sees_the_inbox_and_conversation_in_spanish(client):
    buyer = BuyerFactory(language="es")
    thread, _ = thread_with_message(buyer=buyer, topic="shipping")
    client.force_login(buyer)

    inbox = client.get(reverse("messaging:inbox")).content.decode()
    conversation = client.get(reverse("messaging:thread", args=[thread.pk])).content.decode()

    assert "<h1>Tus mensajes</h1>" in inbox
    assert "Bandeja de entrada" in inbox and "Archivadas" in inbox
    assert "Saltar al contenido" in inbox
    assert "Envío" in inbox  # the topic
    assert "Adjuntar archivos" in conversation
    assert ">Enviar</button>" in conversation
    assert "Resumen del pedido" in conversation


@pytest.mark.django_db
def test_a_spanish_seller_sees_seller_central_in_spanish(client):
    seller = SellerFactory(language="es")
    order = OrderFactory(seller=seller)
    thread_with_message(order=order)
    client.force_login(seller)

    inbox = client.get(reverse("messaging:seller-inbox")).content.decode()
    orders = client.get(reverse("messaging:seller-orders")).content.decode()
    performance = client.get(reverse("messaging:seller-performance")).content.decode()

    assert "Mensajes de compradores" in inbox
    assert "Requieren respuesta" in inbox
    assert "Primero lo más urgente" in inbox
    assert "<title>Seller Central · Pedidos · Message Center</title>" in orders
    assert "Rendimiento de respuesta" in performance
    assert "Cómo se calculan estas cifras" in performance


@pytest.mark.django_db
def test_the_not_found_page_is_in_spanish(client):
    client.force_login(BuyerFactory(language="es"))

    response = client.get("/orders/999-0000000-0000000/")

    assert response.status_code == 404
    assert "<h1>Página no encontrada</h1>" in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_is_explained_in_spanish(client):
    BuyerFactory(email="ana@example.com")

    response = client.post(
        reverse("accounts:login"),
        {"username": "ana@example.com", "password": "wrong"},
        headers={"accept-language": "es"},
    )

    assert response.status_code == 200
    assert (
        "Ese correo electrónico y esa contraseña no coinciden con ninguna cuenta."
        in response.content.decode()
    )


@pytest.mark.django_db
def test_bulk_action_messages_are_in_spanish(client):
    seller = SellerFactory(language="es")
    thread, _ = thread_with_message(order=OrderFactory(seller=seller))
    client.force_login(seller)

    nothing = client.post(
        reverse("messaging:thread-bulk"), {"action": "archive"}, follow=True
    ).content.decode()
    archived = client.post(
        reverse("messaging:thread-bulk"), {"action": "archive", "thread": [thread.pk]}, follow=True
    ).content.decode()

    assert "Primero selecciona al menos una conversación." in nothing
    assert "1 conversación archivada." in archived
