"""The substring search folds accents and case on SQLite, the embedded default database."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.db import connections

from accounts.models import Role, SellerProfile, User
from messaging.models import Message, Participant, Thread, ThreadNote
from messaging.models.threads import MessageStatus, ParticipantRole, ThreadKind, Topic
from messaging.search.folding import fold
from messaging.search.selectors import ThreadFilters, threads_filter
from orders.models import Order, Product

SQLITE = "sqlite_fold"
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
MODELS = [User, SellerProfile, Product, Order, Thread, Participant, Message, ThreadNote]


def test_fold_drops_accents_and_case():
    assert fold("Cerámica") == "ceramica"
    assert fold("ÑANDÚ über Façade") == "nandu uber facade"
    assert fold("ceramica") == "ceramica"
    assert fold(None) is None


@pytest.fixture
def sqlite(django_db_blocker) -> Iterator[str]:
    """An in-memory SQLite database beside the test one, with the search's tables."""
    connections.settings[SQLITE] = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "OPTIONS": {},
    }
    try:
        with django_db_blocker.unblock():
            with connections[SQLITE].schema_editor() as editor:
                for model in MODELS:
                    editor.create_model(model)
            yield SQLITE
            connections[SQLITE].close()
    finally:
        del connections[SQLITE]
        del connections.settings[SQLITE]


def found(db: str, user: User, text: str) -> list[int]:
    rows = Participant.objects.using(db).filter(user_id=user.pk)
    rows = threads_filter(rows, user=user, filters=ThreadFilters(text=text), full_text=False)
    return list(rows.values_list("thread_id", flat=True))


def test_sqlite_substring_search_ignores_accents_both_ways(sqlite):
    def user(email: str, name: str, role: str) -> User:
        return User.objects.using(sqlite).create(email=email, display_name=name, role=role)

    buyer = user("b@example.com", "Lucía Pérez", Role.BUYER)
    shop = user("s@example.com", "Owner", Role.SELLER)
    SellerProfile.objects.using(sqlite).create(user=shop, shop_name="Casa Cerámica")
    product = Product.objects.using(sqlite).create(
        seller=shop, title="Taza de cafe", sku="T1", price=9
    )
    thread = Thread.objects.using(sqlite).create(
        kind=ThreadKind.PRODUCT_QUESTION,
        product=product,
        buyer=buyer,
        seller=shop,
        topic=Topic.PRODUCT_QUESTION,
        last_message_at=T0,
    )
    for who, role in ((buyer, ParticipantRole.BUYER), (shop, ParticipantRole.SELLER)):
        Participant.objects.using(sqlite).create(thread=thread, user=who, role=role)
    Message.objects.using(sqlite).create(
        thread=thread,
        sender=buyer,
        sender_role=ParticipantRole.BUYER,
        status=MessageStatus.DELIVERED,
        body="¿Dónde está mi ENVÍO?",
    )
    ThreadNote.objects.using(sqlite).create(thread=thread, author=shop, body="Revisar el almacén")

    assert connections[sqlite].vendor == "sqlite"
    assert found(sqlite, buyer, "ceramica") == [thread.id]  # the shop's name
    assert found(sqlite, buyer, "CERÁMICA") == [thread.id]
    assert found(sqlite, buyer, "café") == [thread.id]  # the product's title
    assert found(sqlite, buyer, "envio donde") == [thread.id]  # a message
    assert found(sqlite, shop, "lucia perez") == [thread.id]  # the buyer's name
    assert found(sqlite, shop, "envíos") == []
    # The team's note: found by the shop's side, folded, and never by the buyer.
    assert found(sqlite, shop, "ALMACEN revisar") == [thread.id]
    assert found(sqlite, buyer, "almacen") == []
