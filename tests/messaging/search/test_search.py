"""Thread search and filters: selectors on every database, PostgreSQL full text, pages, API."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from messaging.models import Participant, SearchDocument
from messaging.moderation.services import message_release
from messaging.search.selectors import (
    MAX_TERMS,
    ThreadFilters,
    document_match,
    search_terms,
    threads_filter,
)
from messaging.search.services import documents_rebuild
from messaging.threads import selectors
from messaging.threads.services import (
    message_send,
    thread_archive,
    thread_bulk_update,
    thread_start,
)
from messaging.threads.trash import thread_trash
from tests.accounts.factories import BuyerFactory, SellerFactory, StaffFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
API = "/api/v1"
# Session, user, page rows, their threads (by id), the reader's own blocked messages ("Not
# sent"), result count, folder counts (whose Unread count is the header badge's): never more
# with rows.
INBOX_SEARCH_QUERIES = 7
SELLER_INBOX_SEARCH_QUERIES = INBOX_SEARCH_QUERIES + 1  # + the seller's restriction
BLOCKED_BODY = "Tangerine deal: write to me at tangerine@example.org"


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def side(thread, user) -> Participant:
    return Participant.objects.get(thread=thread, user=user)


@pytest.fixture(params=["database default", "substring"])
def full_text(request) -> bool | None:
    """Run a test with the database's own search (full text on PostgreSQL) and the fallback."""
    return None if request.param == "database default" else False


def found(user, *, folder: str = "", full_text: bool | None = None, **filters) -> list[int]:
    """The ids of the user's threads in a folder matching the filters, newest activity first."""
    rows = Participant.objects.for_user(user).in_folder(
        folder or selectors.folder_default_for_user(user)
    )
    rows = threads_filter(rows, user=user, filters=ThreadFilters(**filters), full_text=full_text)
    return list(rows.order_by("-last_message_at", "-id").values_list("thread_id", flat=True))


# --- Matching -------------------------------------------------------------------------------


def test_search_terms_are_lower_case_words_and_order_numbers_become_digits():
    assert search_terms("  Parcel, DAMAGED!  ") == ["parcel", "damaged"]
    assert search_terms("order 112-0000042-0332598 please") == [
        "order",
        "11200000420332598",
        "please",
    ]
    assert search_terms("envío ¿dónde?") == ["envío", "dónde"]
    assert search_terms("?!-") == []
    assert len(search_terms(" ".join(f"w{n}" for n in range(20)))) == MAX_TERMS


def test_words_of_both_sides_find_the_thread(buyer, seller, full_text):
    parcel, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is my parcel?")
    other, _ = thread_with_message(buyer=buyer, seller=seller, body="Can I get an invoice?")
    message_send(thread=parcel, sender=seller, body="Your tracking number is ready.")

    assert found(buyer, text="parcel", full_text=full_text) == [parcel.id]
    assert found(buyer, text="TRACKING", full_text=full_text) == [parcel.id]
    assert found(seller, folder="all", text="invoice", full_text=full_text) == [other.id]
    assert found(buyer, text="refund", full_text=full_text) == []


def test_every_word_must_appear(buyer, seller, full_text):
    both, _ = thread_with_message(buyer=buyer, seller=seller, body="The mug arrived broken.")
    thread_with_message(buyer=buyer, seller=seller, body="The mug is lovely.")

    assert found(buyer, text="broken mug", full_text=full_text) == [both.id]


def test_spanish_words_are_found_as_written(buyer, seller, full_text):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="¿Dónde está mi envío?")

    assert found(buyer, text="envío", full_text=full_text) == [thread.id]
    assert found(buyer, text="dónde", full_text=full_text) == [thread.id]


def test_full_text_search_ignores_accents_both_ways(postgresql, buyer, seller):
    envio, _ = thread_with_message(buyer=buyer, seller=seller, body="¿Dónde está mi envío?")
    cafe, _ = thread_with_message(buyer=buyer, seller=seller, body="The cafe mug is chipped.")

    assert found(buyer, text="envio") == [envio.id]
    assert found(buyer, text="DONDE ESTA") == [envio.id]
    assert found(buyer, text="café") == [cafe.id]
    assert found(buyer, text="envió") == [envio.id]
    assert found(buyer, text="envíos") == []


def test_every_search_ignores_accents_and_case_both_ways(full_text):
    buyer = BuyerFactory(display_name="Lucía Pérez")
    shop = SellerFactory(seller_profile__shop_name="Casa Cerámica")
    thread, _ = thread_with_message(buyer=buyer, seller=shop, body="¿Dónde está mi ENVÍO?")

    assert found(buyer, text="ceramica", full_text=full_text) == [thread.id]
    assert found(buyer, text="CERÁMICA", full_text=full_text) == [thread.id]
    assert found(buyer, text="envio donde", full_text=full_text) == [thread.id]
    assert found(shop, folder="all", text="lucia perez", full_text=full_text) == [thread.id]
    assert found(shop, folder="all", text="cerámicas", full_text=full_text) == []


def test_order_number_finds_the_thread_whole_as_digits_or_by_a_part(buyer, seller, full_text):
    order = OrderFactory(number="112-0000042-0332598", buyer=buyer, seller=seller)
    thread, _ = thread_with_message(order=order, body="Hello")
    thread_with_message(buyer=buyer, seller=seller, body="Hello")

    for text in ["112-0000042-0332598", "11200000420332598", "0332598"]:
        assert found(buyer, text=text, full_text=full_text) == [thread.id], text
        assert found(seller, folder="all", text=text, full_text=full_text) == [thread.id], text


def test_buyer_finds_threads_by_shop_name_and_seller_by_buyer_name(full_text):
    buyer = BuyerFactory(display_name="Noor Haddad")
    shop = SellerFactory(display_name="Kim Owner", seller_profile__shop_name="Casa Cerámica")
    other_shop = SellerFactory(seller_profile__shop_name="Pixel Garage")
    thread, _ = thread_with_message(buyer=buyer, seller=shop, body="Hi")
    thread_with_message(buyer=buyer, seller=other_shop, body="Hi")

    assert found(buyer, text="casa cerámica", full_text=full_text) == [thread.id]
    # Buyers see the shop name, not the owner's own name; nobody finds threads by their own.
    assert found(buyer, text="Kim", full_text=full_text) == []
    assert found(buyer, text="Noor", full_text=full_text) == []
    assert found(shop, folder="all", text="haddad", full_text=full_text) == [thread.id]
    assert found(shop, folder="all", text="Cerámica", full_text=full_text) == []


def test_other_users_threads_are_never_returned(buyer, seller, full_text):
    mine, _ = thread_with_message(buyer=buyer, seller=seller, body="Lost umbrella")
    thread_with_message(body="Lost umbrella")  # another buyer and another seller
    thread_with_message(buyer=BuyerFactory(), seller=seller, body="Lost umbrella")

    assert found(buyer, text="umbrella", full_text=full_text) == [mine.id]


def test_blocked_message_is_found_by_its_sender_only(buyer, seller, full_text):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Is it in stock?")
    blocked = message_send(thread=thread, sender=seller, body=BLOCKED_BODY)
    assert not blocked.is_delivered

    assert found(buyer, text="tangerine", full_text=full_text) == []
    assert found(buyer, text="deal", full_text=full_text) == []
    assert found(seller, folder="all", text="tangerine", full_text=full_text) == [thread.id]


def test_released_message_becomes_searchable_for_the_other_side(buyer, seller, full_text):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Is it in stock?")
    blocked = message_send(thread=thread, sender=seller, body=BLOCKED_BODY)

    message_release(message=blocked, reviewer=StaffFactory())

    assert found(buyer, text="tangerine", full_text=full_text) == [thread.id]
    assert found(seller, folder="all", text="tangerine", full_text=full_text) == [thread.id]


def test_topic_and_activity_dates_filter_with_or_without_words(buyer, seller, full_text):
    early, _ = thread_with_message(buyer=buyer, seller=seller, body="Box", now=at(0))
    middle, _ = thread_with_message(
        buyer=buyer, seller=seller, body="Box", topic="invoice", now=at(24)
    )
    late, _ = thread_with_message(buyer=buyer, seller=seller, body="Lamp", now=at(48))

    assert found(buyer, topic="invoice", full_text=full_text) == [middle.id]
    assert found(buyer, active_from=at(24), full_text=full_text) == [late.id, middle.id]
    assert found(buyer, active_before=at(24), full_text=full_text) == [early.id]
    assert found(
        buyer, text="box", active_from=at(1), active_before=at(49), full_text=full_text
    ) == [middle.id]
    assert found(buyer, text="box", topic="shipping", full_text=full_text) == [early.id]


def test_search_stays_inside_the_folder(buyer, seller, full_text):
    kept, _ = thread_with_message(buyer=buyer, seller=seller, body="Blue kettle")
    archived, _ = thread_with_message(buyer=buyer, seller=seller, body="Blue kettle")
    answered, _ = thread_with_message(buyer=buyer, seller=seller, body="Blue kettle")
    thread_archive(participant=side(archived, buyer))
    message_send(thread=answered, sender=seller, body="Sent it.")
    thread_trash(participant=side(kept, seller))

    assert found(buyer, folder="inbox", text="kettle", full_text=full_text) == [
        answered.id,
        kept.id,
    ]
    assert found(buyer, folder="archived", text="kettle", full_text=full_text) == [archived.id]
    assert found(seller, folder="needs_response", text="kettle", full_text=full_text) == [
        archived.id
    ]
    assert found(seller, folder="all", text="kettle", full_text=full_text) == [
        answered.id,
        archived.id,
    ]


def test_search_pages_with_the_cursor_in_folder_order(buyer, seller):
    matching = []
    for hour in range(5):
        thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Red scarf", now=at(hour))
        thread_with_message(buyer=buyer, seller=seller, body="Green hat", now=at(hour + 0.5))
        matching.append(thread.id)
    filters = ThreadFilters(text="scarf")

    pages, cursor = [], None
    for _ in range(3):
        page = selectors.thread_list_for_user(
            user=buyer, folder="inbox", cursor=cursor, limit=2, filters=filters
        )
        pages.append([p.thread_id for p in page.items])
        cursor = page.next_cursor

    newest_first = matching[::-1]
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]
    assert cursor is None


def test_needs_response_search_keeps_the_most_urgent_first(buyer, seller):
    older, _ = thread_with_message(buyer=buyer, seller=seller, body="Torn bag", now=at(0))
    thread_with_message(buyer=buyer, seller=seller, body="Nice bag", now=at(1))
    newer, _ = thread_with_message(buyer=buyer, seller=seller, body="Torn bag", now=at(2))

    page = selectors.thread_list_for_user(
        user=seller, folder="needs_response", filters=ThreadFilters(text="torn")
    )

    assert [p.thread_id for p in page.items] == [older.id, newer.id]


def test_match_count_counts_the_folder_and_stops_after_the_cap(buyer, seller):
    for _ in range(4):
        thread_with_message(buyer=buyer, seller=seller, body="Cracked plate")
    thread_with_message(buyer=buyer, seller=seller, body="Fine")
    filters = ThreadFilters(text="cracked")

    assert selectors.thread_match_count(user=buyer, folder="inbox", filters=filters) == 4
    assert selectors.thread_match_count(user=buyer, folder="inbox", filters=filters, cap=2) == 3
    assert selectors.thread_match_count(user=buyer, folder="archived", filters=filters) == 0


# --- PostgreSQL: documents and the plan -----------------------------------------------------


@pytest.mark.services
def test_documents_hold_only_what_each_side_may_see(postgresql, buyer, seller):
    order = OrderFactory(number="112-0000042-0332598", buyer=buyer, seller=seller)
    thread, _ = thread_with_message(order=order, body="Where is my parcel?")
    message_send(thread=thread, sender=seller, body=BLOCKED_BODY)

    def lexemes(user) -> set[str]:
        document = SearchDocument.objects.get(participant=side(thread, user))
        with connection.cursor() as cursor:
            cursor.execute("SELECT tsvector_to_array(%s::tsvector)", [document.document])
            return set(cursor.fetchone()[0])

    header = {"11200000420332598", "112", "0000042", "0332598"}
    said = {"where", "is", "my", "parcel"}
    assert lexemes(buyer) == header | said | {"sam", "s", "shop"}
    assert lexemes(seller) == header | said | {"alex", "buyer"} | {
        "tangerine",
        "deal",
        "write",
        "to",
        "me",
        "at",
        "tangerine@example.org",
    }


@pytest.mark.services
def test_rebuilt_documents_equal_the_ones_kept_up_to_date(postgresql, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is my parcel?")
    message_send(thread=thread, sender=seller, body="It left today.")
    message_send(thread=thread, sender=seller, body=BLOCKED_BODY)
    thread_with_message(buyer=buyer, seller=SellerFactory(), body="¿Y mi envío?")

    def words() -> dict[int, list[str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT participant_id, tsvector_to_array(document) "
                "FROM messaging_searchdocument ORDER BY participant_id"
            )
            return {row[0]: sorted(row[1]) for row in cursor.fetchall()}

    kept = words()
    assert documents_rebuild() == 4
    assert words() == kept


@pytest.mark.services
def test_a_message_extends_existing_documents_and_builds_missing_ones(postgresql, buyer, seller):
    # The buyer's first message is blocked: only the buyer has a document.
    thread, blocked = thread_with_message(buyer=buyer, seller=seller, body=BLOCKED_BODY)
    assert not blocked.is_delivered
    assert not SearchDocument.objects.filter(participant=side(thread, seller)).exists()

    thread_start(sender=buyer, order=thread.order, topic="shipping", body="Where is my parcel?")

    def lexemes(user) -> set[str]:
        document = SearchDocument.objects.get(participant=side(thread, user))
        with connection.cursor() as cursor:
            cursor.execute("SELECT tsvector_to_array(%s::tsvector)", [document.document])
            return set(cursor.fetchone()[0])

    kept = {user.pk: lexemes(user) for user in (buyer, seller)}
    assert {"tangerine", "where", "parcel"} <= kept[buyer.pk]
    assert {"where", "parcel"} <= kept[seller.pk]
    assert "tangerine" not in kept[seller.pk]
    assert documents_rebuild() == 2
    assert {user.pk: lexemes(user) for user in (buyer, seller)} == kept


@pytest.mark.services
def test_search_query_uses_the_gin_index_and_never_reads_messages(postgresql, buyer, seller):
    thread_with_message(buyer=buyer, seller=seller, body="Where is my parcel?")
    rows = Participant.objects.for_user(buyer).in_folder("inbox")
    matching = threads_filter(rows, user=buyer, filters=ThreadFilters(text="parcel"))
    documents = SearchDocument.objects.filter(document_match(user=buyer, terms=["parcel"]))

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = documents.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "messaging_message" not in str(matching.query)
    assert "search_document_gin" in plan
    assert "user_id = '" in plan  # the user id is looked up in the index, not filtered after


COPIED = ("last_message_at", "last_message_is_mine", "is_archived", "is_deleted")


def copies(participant: Participant) -> tuple[tuple, tuple]:
    """The participant's sort key and folder flags, and their copies in its search document."""
    participant.refresh_from_db()
    document = SearchDocument.objects.get(participant=participant)
    return (
        tuple(getattr(participant, name) for name in COPIED),
        tuple(getattr(document, name) for name in COPIED),
    )


@pytest.mark.services
def test_search_documents_follow_their_participants_sort_key_and_flags(postgresql, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    mine, theirs = side(thread, buyer), side(thread, seller)
    assert copies(mine) == ((at(0), True, False, False),) * 2
    assert copies(theirs) == ((at(0), False, False, False),) * 2

    message_send(thread=thread, sender=seller, body="It left today.", now=at(1))
    assert copies(mine) == ((at(1), False, False, False),) * 2
    assert copies(theirs) == ((at(1), True, False, False),) * 2

    thread_archive(participant=mine)
    assert copies(mine) == ((at(1), False, True, False),) * 2
    assert thread_bulk_update(user=buyer, thread_ids=[thread.pk], action="unarchive") == 1
    assert copies(mine) == ((at(1), False, False, False),) * 2
    thread_trash(participant=theirs)
    assert copies(theirs) == ((at(1), True, False, True),) * 2
    # Any other writer too: the copies are kept by the database, not by the services.
    Participant.objects.filter(pk=mine.pk).update(is_archived=True, last_message_at=at(5))
    assert copies(mine) == ((at(5), False, True, False),) * 2
    assert documents_rebuild() == 2
    assert copies(mine) == ((at(5), False, True, False),) * 2


@pytest.mark.services
@pytest.mark.parametrize("folder", ["all", "sent", "archived"])
def test_a_folder_search_pages_through_the_documents_as_through_the_folder(
    postgresql, seller, folder
):
    """The big folders are searched on the documents alone: same threads, order and pages."""
    expected = []
    for n in range(7):
        thread, _ = thread_with_message(
            seller=seller, body=f"Parcel question {n}" if n % 3 else f"Other {n}", now=at(n)
        )
        if n % 2:
            message_send(thread=thread, sender=seller, body="On its way.", now=at(n))
        if n == 4:
            thread_archive(participant=side(thread, seller))
        in_folder = {"all": True, "sent": n % 2 and n != 4, "archived": n == 4}[folder]
        if n % 3 and in_folder:
            expected.append(thread.pk)
    expected.reverse()
    filters = ThreadFilters(text="parcel")
    assert found(seller, folder=folder, text="parcel") == expected

    with CaptureQueriesContext(connection) as queries:
        first = selectors.thread_list_for_user(user=seller, folder=folder, limit=2, filters=filters)
    pages, cursor = [[p.thread_id for p in first.items]], first.next_cursor
    while cursor:
        page = selectors.thread_list_for_user(
            user=seller, folder=folder, limit=2, cursor=cursor, filters=filters
        )
        pages.append([p.thread_id for p in page.items])
        cursor = page.next_cursor

    assert [pk for page in pages for pk in page] == expected
    assert all(len(page) == 2 for page in pages[:-1])
    # The page's ids come from the documents alone; the participant rows only by those ids.
    outer, rest = queries.captured_queries[0]["sql"].split(" IN (SELECT ", 1)
    inner = rest.split(" LIMIT ", 1)[0]
    assert "messaging_searchdocument" not in outer
    assert 'FROM "messaging_searchdocument" U0 WHERE' in inner
    assert "messaging_participant" not in inner
    assert selectors.thread_match_count(user=seller, folder=folder, filters=filters) == len(
        expected
    )


# --- Pages ----------------------------------------------------------------------------------


def test_buyer_inbox_search_lists_matches_and_says_how_many(buyer_client, buyer, seller):
    parcel, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is my parcel?")
    thread_with_message(buyer=buyer, seller=seller, body="Invoice please")

    response = buyer_client.get("/messages/", {"q": "parcel"})

    assert response.status_code == 200
    assert [p.thread_id for p in response.context["page"].items] == [parcel.id]
    html = response.content.decode()
    assert "1 result for “parcel”." in html
    assert '<label for="id_q">Search</label>' in html
    assert '<label for="id_topic">Topic</label>' in html
    assert '<label for="id_date_from">Active from</label>' in html
    assert '<label for="id_date_to">Active until</label>' in html
    assert "An order number, a seller&#x27;s name or words in the messages." in html
    assert '<a class="button" href="?folder=inbox">Clear filters</a>' in html
    assert 'href="?folder=archived&amp;q=parcel"' in html  # the tabs keep the search


def test_seller_inbox_search_finds_by_buyer_name_in_the_chosen_folder(seller_client, seller):
    noor = BuyerFactory(display_name="Noor Haddad")
    thread, _ = thread_with_message(buyer=noor, seller=seller, body="Hi")
    thread_with_message(buyer=BuyerFactory(display_name="Tom Lee"), seller=seller, body="Hi")

    response = seller_client.get("/seller/", {"folder": "all", "q": "noor", "topic": "shipping"})

    assert [p.thread_id for p in response.context["page"].items] == [thread.id]
    html = response.content.decode()
    assert "1 result for “noor”." in html
    assert '<input type="hidden" name="folder" value="all">' in html
    assert "An order number, a buyer&#x27;s name or words in the messages." in html


def test_filters_without_words_say_how_many_conversations_match(buyer_client, buyer, seller):
    thread_with_message(buyer=buyer, seller=seller, body="Hi", topic="invoice")
    thread_with_message(buyer=buyer, seller=seller, body="Hi", topic="invoice")
    thread_with_message(buyer=buyer, seller=seller, body="Hi")

    response = buyer_client.get("/messages/", {"topic": "invoice"})

    assert "2 conversations match the filters." in response.content.decode()


NO_CONVERSATIONS_YET = "No conversations yet."


def test_a_search_with_no_match_says_so_with_a_link_clearing_it(buyer_client, buyer, seller):
    thread_with_message(buyer=buyer, seller=seller, body="Where is my parcel?")

    html = buyer_client.get("/messages/", {"q": "umbrella"}).content.decode()
    assert (
        '<p class="empty" role="status">No conversations match “umbrella”. '
        '<a href="?folder=inbox">Clear filters</a></p>'
    ) in html
    assert NO_CONVERSATIONS_YET not in html
    assert "0 results" not in html

    html = buyer_client.get("/messages/", {"topic": "invoice"}).content.decode()
    assert (
        '<p class="empty" role="status">No conversations match the filters. '
        '<a href="?folder=inbox">Clear filters</a></p>'
    ) in html
    assert NO_CONVERSATIONS_YET not in html

    html = buyer_client.get("/messages/").content.decode()
    assert "No conversations match" not in html


def test_a_seller_search_with_no_match_says_so_in_spanish(client, seller):
    seller.language = "es"
    seller.save(update_fields=["language"])
    client.force_login(seller)

    html = client.get("/seller/", {"folder": "all", "q": "paraguas"}).content.decode()
    assert (
        '<p class="empty" role="status">Ninguna conversación coincide con «paraguas». '
        '<a href="?folder=all">Quitar filtros</a></p>'
    ) in html

    html = client.get("/seller/", {"folder": "all", "topic": "invoice"}).content.decode()
    assert (
        '<p class="empty" role="status">Ninguna conversación coincide con los filtros. '
        '<a href="?folder=all">Quitar filtros</a></p>'
    ) in html
    assert "No hay conversaciones aquí." not in html


def test_pager_keeps_the_search(buyer_client, buyer, seller):
    for hour in range(selectors.PAGE_SIZE + 1):
        thread_with_message(buyer=buyer, seller=seller, body="Red scarf", now=at(hour))

    response = buyer_client.get("/messages/", {"q": "scarf"})

    cursor = response.context["page"].next_cursor
    assert f'href="?folder=inbox&amp;cursor={cursor}&amp;q=scarf"' in response.content.decode()
    assert "26 results for “scarf”." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"date_from": "2025-02-30"}, "Enter a valid date."),
        ({"date_to": "yesterday"}, "Enter a valid date."),
        ({"date_from": "2025-03-05", "date_to": "2025-03-01"}, "The end date is before the start"),
        ({"topic": "gossip"}, "Select a valid choice. gossip is not one of the available"),
        ({"q": "x" * 201}, "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_invalid_filters_are_explained_and_the_folder_is_listed_unfiltered(
    buyer_client, buyer, seller, params, error
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Hi")

    response = buyer_client.get("/messages/", {"q": "nothing-matches-this", **params})

    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    assert "The search was not applied: correct the fields above." in html
    assert 'aria-invalid="true"' in html
    assert [p.thread_id for p in response.context["page"].items] == [thread.id]


def test_date_filters_are_whole_days(buyer_client, buyer, seller):
    thread_with_message(
        buyer=buyer, seller=seller, body="Hi", now=datetime(2025, 3, 1, 23, tzinfo=UTC)
    )
    inside, _ = thread_with_message(
        buyer=buyer, seller=seller, body="Hi", now=datetime(2025, 3, 2, 0, tzinfo=UTC)
    )
    last, _ = thread_with_message(
        buyer=buyer, seller=seller, body="Hi", now=datetime(2025, 3, 3, 23, 59, tzinfo=UTC)
    )
    thread_with_message(buyer=buyer, seller=seller, body="Hi", now=datetime(2025, 3, 4, tzinfo=UTC))

    response = buyer_client.get(
        "/messages/", {"date_from": date(2025, 3, 2).isoformat(), "date_to": "2025-03-03"}
    )

    assert [p.thread_id for p in response.context["page"].items] == [last.id, inside.id]


@pytest.mark.parametrize("path", ["/messages/", "/seller/"])
def test_inbox_search_runs_a_constant_number_of_queries(
    client, buyer, seller, path, django_assert_num_queries
):
    user = seller if path == "/seller/" else buyer
    client.force_login(user)
    thread_with_message(buyer=buyer, seller=seller, body="Blue kettle")
    params = {"q": "kettle", "folder": "all" if user == seller else "inbox"}
    queries = SELLER_INBOX_SEARCH_QUERIES if user == seller else INBOX_SEARCH_QUERIES

    with django_assert_num_queries(queries):
        one = client.get(path, params)
    for _ in range(4):
        thread_with_message(buyer=BuyerFactory(), seller=seller, body="Blue kettle")
        thread_with_message(buyer=buyer, seller=SellerFactory(), body="Blue kettle")
    with django_assert_num_queries(queries):
        many = client.get(path, params)

    assert len(one.context["page"].items) == 1
    assert len(many.context["page"].items) == 5


# --- API ------------------------------------------------------------------------------------


@pytest.fixture
def buyer_api(buyer) -> APIClient:
    client = APIClient()
    client.force_authenticate(buyer)
    return client


def test_api_searches_and_filters_my_threads(buyer_api, buyer, seller):
    parcel, _ = thread_with_message(buyer=buyer, seller=seller, body="Parcel late", now=at(0))
    thread_with_message(buyer=buyer, seller=seller, body="Parcel?", topic="invoice", now=at(5))
    recent, _ = thread_with_message(buyer=buyer, seller=seller, body="Hello", now=at(10))
    thread_with_message(body="Parcel late")  # someone else's

    def ids(**params) -> list[int]:
        response = buyer_api.get(f"{API}/threads", params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(q="parcel", topic="shipping") == [parcel.id]
    assert ids(updated_since="2025-03-03T19:00:00Z") == [recent.id]
    assert ids(updated_since="2025-03-03T19:00:00") == [recent.id]  # read as UTC
    assert ids(updated_since="2025-03-03T20:00:00+01:00") == [recent.id]
    assert ids(updated_since="2025-03-03T19:00:00.000001Z") == []
    assert ids(q="parcel", folder="archived") == []


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"topic": "gossip"}, {"topic": ['"gossip" is not a valid choice.']}),
        (
            {"updated_since": "last tuesday"},
            {
                "updated_since": [
                    "Datetime has wrong format. Use one of these formats instead: "
                    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
                ]
            },
        ),
        ({"q": "x" * 201}, {"q": ["Ensure this field has no more than 200 characters."]}),
        ({"folder": "spam"}, {"folder": ['"spam" is not a valid choice.']}),
    ],
)
def test_api_refuses_bad_parameters_with_a_stable_code(buyer_api, buyer, seller, params, fields):
    thread_with_message(buyer=buyer, seller=seller)

    response = buyer_api.get(f"{API}/threads", params)

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_parameter",
        "detail": "Some query parameters are not valid.",
        "fields": fields,
    }


def test_api_never_matches_the_other_sides_blocked_message(buyer_api, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Is it in stock?")
    message_send(thread=thread, sender=seller, body=BLOCKED_BODY)
    seller_api = APIClient()
    seller_api.force_authenticate(seller)

    mine = buyer_api.get(f"{API}/threads", {"q": "tangerine"}).json()["results"]
    theirs = seller_api.get(f"{API}/threads", {"q": "tangerine", "folder": "all"}).json()

    assert mine == []
    assert [row["id"] for row in theirs["results"]] == [thread.id]


def test_api_search_runs_two_queries_whatever_the_number_of_threads(buyer_api, buyer, seller):
    for _ in range(3):
        thread_with_message(buyer=buyer, seller=seller, body="Blue kettle")

    with CaptureQueriesContext(connection) as queries:
        response = buyer_api.get(f"{API}/threads", {"q": "kettle", "topic": "shipping"})

    assert len(response.json()["results"]) == 3
    # The page's participant rows, then their threads by id.
    assert len(queries.captured_queries) == 2
