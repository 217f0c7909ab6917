"""Live inbox pages: what ``/messages/inbox-updates/`` answers, to whom, and at what cost; and the
seller's thread page getting its countdown back when the buyer writes while it is open."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from messaging.models import Participant
from messaging.threads import selectors
from messaging.threads.services import message_send, thread_mark_read
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db

URL = "/messages/inbox-updates/"
# session, user: "nothing new" is the cache's answer alone
NOTHING_NEW_QUERIES = 2
# session, user, the folder's first page, its threads (by id), the rows' messages not sent (if
# any row is told), the tab counts (whose Unread count is the header badge's)
SOMETHING_NEW_QUERIES = 6


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def opened(client: Client, path: str) -> dict:
    """Open an inbox page as a browser does; return what its live updates start from."""
    response = client.get(path)
    assert response.status_code == 200
    return response.context["live"]


def ask(client: Client, live: dict):
    """Ask as the page does: its own URL (folder, filters), and its cursor."""
    assert live["url"].startswith(f"{URL}?")
    return client.get(live["url"] + "&" + urlencode({"since": live["since"]}))


def earlier(minutes: int = 10) -> datetime:
    """Before the page is opened, and before what it looks back at (a few seconds)."""
    return timezone.now() - timedelta(minutes=minutes)


def side(thread, user) -> Participant:
    return Participant.objects.select_related("thread").get(thread=thread, user=user)


def test_an_inbox_page_says_where_its_updates_start(seller):
    before = timezone.now()

    live = opened(logged_in(seller), "/seller/")

    assert live["url"] == f"{URL}?folder=needs_response&notice=1"
    micros, version = live["since"].split(".")
    assert len(version) == 12
    assert before <= datetime.fromtimestamp(int(micros) / 1e6, UTC)
    assert live["show_url"] == "/seller/?folder=needs_response"


def test_nothing_new_is_answered_from_the_cache_without_a_query(
    buyer, seller, django_assert_num_queries
):
    thread_with_message(buyer=buyer, seller=seller)
    client = logged_in(seller)
    live = opened(client, "/seller/?folder=all")

    with django_assert_num_queries(NOTHING_NEW_QUERIES):
        response = ask(client, live)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {"changed": False, "since": live["since"]}


def test_a_buyer_message_brings_its_row_the_counts_and_the_badge(
    buyer, seller, django_capture_on_commit_callbacks, django_assert_num_queries
):
    old, _ = thread_with_message(buyer=buyer, seller=seller, body="First question", now=earlier(30))
    answered, _ = thread_with_message(
        buyer=buyer, seller=seller, body="Second question", now=earlier(20)
    )
    message_send(thread=answered, sender=seller, body="Answered.", now=earlier(10))
    client = logged_in(seller)
    live = opened(client, "/seller/?folder=all")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(thread=answered, sender=buyer, body="One more <thing>")

    with django_assert_num_queries(SOMETHING_NEW_QUERIES):
        response = ask(client, live)

    data = response.json()
    row = side(answered, seller)
    at = int((row.last_message_at - datetime.fromtimestamp(0, UTC)).total_seconds() * 1e6)
    assert set(data) == {"changed", "since", "rows", "order", "notice", "counts", "unread"}
    assert data["changed"] is True
    assert data["order"] == [answered.pk, old.pk]
    assert data["notice"] is None
    assert [(r["thread"], r["announce"]) for r in data["rows"]] == [
        (answered.pk, "New message from Alex Buyer: One more <thing>")
    ]
    assert abs(data["rows"][0]["at"] - at) <= 1
    assert data["counts"] == {
        "needs_response": {"count": 2, "more": False, "html": "2"},
        "unread": {"count": 2, "more": False, "html": "2"},
        "sent": {"count": 0, "more": False, "html": "0"},
        "archived": {"count": 0, "more": False, "html": "0"},
        "all": {"count": 2, "more": False, "html": "2"},
        "trash": {"count": 0, "more": False, "html": "0"},
    }
    assert data["unread"] == {
        "count": 2,
        "more": False,
        "text": "2",
        "html": ' <span class="badge" aria-hidden="true">2</span>'
        '<span class="visually-hidden">(2 unread conversations)</span>',
    }
    # The row is the page's own row, byte for byte.
    page = client.get("/seller/?folder=all").content.decode()
    assert data["rows"][0]["html"] in page
    assert "One more &lt;thing&gt;" in data["rows"][0]["html"]
    # Told once: the next question is "nothing new" again.
    assert data["since"].split(".")[1] != live["since"].split(".")[1]
    again = client.get(URL, {"folder": "all", "since": data["since"]}).json()
    assert again == {"changed": False, "since": data["since"]}


def test_something_new_costs_the_same_however_many_threads(
    buyer, seller, django_capture_on_commit_callbacks, django_assert_num_queries
):
    threads = [thread_with_message(buyer=buyer, seller=seller, now=earlier())[0] for _ in range(12)]
    client = logged_in(seller)
    live = opened(client, "/seller/?folder=all")
    with django_capture_on_commit_callbacks(execute=True):
        for thread in threads:
            message_send(thread=thread, sender=buyer, body="Still there?")

    with django_assert_num_queries(SOMETHING_NEW_QUERIES):
        data = ask(client, live).json()

    assert len(data["rows"]) == 12


def test_the_buyer_inbox_gets_the_sellers_reply_at_the_top(
    buyer, seller, django_capture_on_commit_callbacks
):
    first, _ = thread_with_message(buyer=buyer, seller=seller, body="Older", now=earlier(20))
    second, _ = thread_with_message(buyer=buyer, seller=seller, body="Newer", now=earlier(10))
    client = logged_in(buyer)
    live = opened(client, "/messages/")
    assert live["url"] == f"{URL}?folder=inbox"
    with django_capture_on_commit_callbacks(execute=True):
        message_send(thread=first, sender=seller, body="Shipped today.")

    data = ask(client, live).json()

    assert data["order"] == [first.pk, second.pk]
    assert [(r["thread"], r["announce"]) for r in data["rows"]] == [
        (first.pk, "New message from Sam's Shop: Shipped today.")
    ]
    assert data["unread"]["count"] == 1
    assert data["counts"]["unread"]["count"] == 1


def test_a_user_only_ever_gets_their_own_rows(seller, django_capture_on_commit_callbacks):
    mine, _ = thread_with_message(seller=seller, body="Mine", now=earlier())
    other_seller, stranger = SellerFactory(), BuyerFactory()
    theirs, _ = thread_with_message(buyer=stranger, seller=other_seller, body="Not yours")
    client = logged_in(seller)
    live = opened(client, "/seller/?folder=all")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(thread=theirs, sender=stranger, body="Still not yours")

    # Their activity is not this seller's change...
    assert ask(client, live).json() == {"changed": False, "since": live["since"]}
    # ...and even read from the database (no version told), their rows never come.
    data = client.get(URL, {"folder": "all", "since": "0"}).json()
    assert data["order"] == [mine.pk]
    assert [r["thread"] for r in data["rows"]] == [mine.pk]
    assert "Not yours" not in str(data)
    assert data["counts"]["all"]["count"] == 1


@pytest.mark.parametrize("since", ["", "abc", "-5", "12.XYZ", "1" * 18, "12.34.56", "12 "])
def test_a_bad_cursor_is_a_json_error(seller, since):
    response = logged_in(seller).get(URL, {"since": since})

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_since",
        "detail": "Give the cursor of the last update shown.",
    }


def test_a_folder_that_is_not_the_users_is_a_json_error(buyer):
    response = logged_in(buyer).get(URL, {"since": "0", "folder": "needs_response"})

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_folder",
        "detail": "Unknown folder 'needs_response'.",
    }


def test_signed_out_the_updates_send_to_the_sign_in_page(client):
    response = client.get(URL, {"since": "0"})

    assert response.status_code == 302


def test_a_search_says_how_many_conversations_are_new_instead_of_moving_rows(
    buyer, seller, django_capture_on_commit_callbacks
):
    parcel, _ = thread_with_message(
        buyer=buyer, seller=seller, body="Where is my parcel?", now=earlier()
    )
    other, _ = thread_with_message(
        buyer=buyer, seller=seller, body="Do you gift wrap?", now=earlier()
    )
    client = logged_in(seller)
    live = opened(client, "/seller/?folder=all&q=parcel")
    assert live["url"] == f"{URL}?folder=all&q=parcel"
    assert live["show_url"] == "/seller/?folder=all&q=parcel"
    with django_capture_on_commit_callbacks(execute=True):
        message_send(thread=parcel, sender=buyer, body="The parcel is late")
        message_send(thread=other, sender=buyer, body="Blue paper please")

    data = ask(client, live).json()

    assert (data["rows"], data["order"]) == ([], None)
    assert data["notice"] == {"count": 1, "text": "1 new conversation"}
    assert data["counts"]["all"]["count"] == 2
    # Counted from the page's load: the cursor's time does not move.
    assert data["since"].split(".")[0] == live["since"].split(".")[0]


def test_a_deeper_page_or_an_empty_folder_gets_a_notice(
    buyer, seller, django_capture_on_commit_callbacks
):
    client = logged_in(seller)
    live = opened(client, "/seller/")  # nothing needs a response: no list to put rows in
    with django_capture_on_commit_callbacks(execute=True):
        thread_with_message(buyer=buyer, seller=seller)

    data = ask(client, live).json()

    assert (data["rows"], data["order"]) == ([], None)
    assert data["notice"] == {"count": 1, "text": "1 new conversation"}
    assert data["counts"]["needs_response"]["count"] == 1


def test_reading_a_thread_elsewhere_updates_the_counts_and_badge(
    buyer, seller, django_capture_on_commit_callbacks
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = logged_in(seller)
    live = opened(client, "/seller/?folder=all")
    with django_capture_on_commit_callbacks(execute=True):
        thread_mark_read(participant=side(thread, seller))

    data = ask(client, live).json()

    assert data["changed"] is True
    assert data["unread"]["count"] == 0
    assert data["unread"]["html"] == ""
    assert data["counts"]["unread"]["count"] == 0


def test_the_badge_stops_at_its_cap_with_a_plus(buyer, seller, monkeypatch):
    for _ in range(3):
        thread_with_message(buyer=buyer, seller=seller)
    monkeypatch.setattr(selectors, "FOLDER_COUNT_CAP", 2)

    data = logged_in(seller).get(URL, {"folder": "all", "since": "0"}).json()

    assert data["unread"]["text"] == "2+"
    assert "(2 unread conversations or more)" in data["unread"]["html"]
    assert data["counts"]["all"] == {
        "count": 2,
        "more": True,
        "html": '2+<span class="visually-hidden"> or more</span>',
    }


def test_with_redis_away_the_database_answers(redis_away, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = logged_in(seller)
    live = opened(client, "/seller/?folder=all")
    assert live["since"].endswith(".")  # no version to tell
    message_send(thread=thread, sender=buyer, body="Hello again")

    data = ask(client, live).json()

    assert data["changed"] is True
    assert [r["thread"] for r in data["rows"]] == [thread.pk]
    assert data["since"].endswith(".")


def test_rows_dated_just_before_the_page_are_looked_at_again(buyer, seller):
    # A send dated a moment before the page loaded but committed after it read its rows.
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = logged_in(seller)
    live = opened(client, "/seller/?folder=all")
    message_send(
        thread=thread, sender=buyer, body="Late", now=timezone.now() - timedelta(seconds=5)
    )

    data = client.get(URL, {"folder": "all", "since": live["since"].split(".")[0]}).json()

    assert [r["thread"] for r in data["rows"]] == [thread.pk]


# The seller's thread page: the 24 hours come back when the buyer writes


def test_thread_updates_bring_the_countdown_when_the_buyer_writes(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    reply = message_send(thread=thread, sender=seller, body="Shipped.")
    client = logged_in(seller)
    page = client.get(f"/seller/messages/{thread.pk}/").content.decode()
    assert '<div id="response-due" data-due="0"></div>' in page
    assert '<div class="no-response-action" id="no-response-action"></div>' in page
    again = message_send(thread=thread, sender=buyer, body="Not here yet.")

    data = client.get(f"/messages/{thread.pk}/updates/", {"after": reply.pk, "due": "0"}).json()

    waiting = side(thread, seller).needs_response_since
    assert [m["id"] for m in data["messages"]] == [again.pk]
    obligation = data["obligation"]
    epoch = datetime.fromtimestamp(0, UTC)
    assert obligation["due"] == str((waiting - epoch) // timedelta(microseconds=1))
    assert obligation["countdown_html"].startswith('<p class="response-due"><span class="countdown')
    assert (
        ">24h 00m left</span>" in obligation["countdown_html"]
        or "23h 59m left" in (obligation["countdown_html"])
    )
    assert "No response needed</button>" in obligation["action_html"]
    assert 'name="csrfmiddlewaretoken"' in obligation["action_html"]
    # Told: the next poll carries nothing about it.
    told = client.get(
        f"/messages/{thread.pk}/updates/", {"after": again.pk, "due": obligation["due"]}
    ).json()
    assert "obligation" not in told
    assert first.pk < reply.pk


def test_thread_updates_take_the_countdown_away_once_answered(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    client = logged_in(seller)
    page = client.get(f"/seller/messages/{thread.pk}/")
    due = page.content.decode().split('id="response-due" data-due="')[1].split('"')[0]
    assert due != "0"
    message_send(thread=thread, sender=seller, body="Answered from the API.")

    data = client.get(f"/messages/{thread.pk}/updates/", {"after": first.pk, "due": due}).json()

    assert data["obligation"] == {"due": "0", "countdown_html": "", "action_html": ""}


def test_buyers_never_get_an_obligation(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller)

    data = (
        logged_in(buyer)
        .get(f"/messages/{thread.pk}/updates/", {"after": first.pk, "due": "0"})
        .json()
    )

    assert data == {"messages": [], "last_id": first.pk, "after": str(first.pk)}


def test_staff_who_sell_nothing_get_no_badge(staff):
    data = logged_in(staff).get(URL, {"since": "0"}).json()

    assert data["unread"] is None
    assert data["order"] == []
