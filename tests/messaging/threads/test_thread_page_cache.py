"""The thread page comes whole from the cache while nothing it shows changes, and never stale."""

import re
from datetime import timedelta

import pytest
from django.middleware.csrf import _does_token_match
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import MemberRole, ShopMember
from messaging.attachments.checks import IncomingFile
from messaging.models import Attachment, Message, Participant, ParticipantRole
from messaging.moderation.services import message_report
from messaging.replies.services import saved_reply_create
from messaging.rules.services import thread_block_seller
from messaging.team.assignment import threads_assign
from messaging.team.notes import note_add
from messaging.threads import page_cache, sending, thread_page
from messaging.threads.services import message_send
from orders.models import Order
from tests.accounts.factories import BuyerFactory
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderItemFactory

pytestmark = pytest.mark.django_db

# A page from the cache: the session, its user, and the page's one statement.
CACHED_PAGE_QUERIES = 3


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def side(thread, role) -> Participant:
    return Participant.objects.get(thread=thread, role=role)


def normalized(response) -> str:
    """The page's HTML but for what each request has of its own (its tokens)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r'name="send_token" value="[^"]+"', 'name="send_token"', html)


def from_cache(response) -> bool:
    return response.status_code == 200 and not response.templates


def cached_twice(client, url) -> tuple[str, str]:
    """GET the page rendered, then from the cache: both the same page.

    Opened first: a page that marks its thread read is not kept (it changes what it read).
    """
    client.get(url)
    rendered = client.get(url)
    cached = client.get(url)
    assert rendered.status_code == 200
    assert from_cache(cached)
    assert normalized(cached) == normalized(rendered)
    return normalized(rendered), normalized(cached)


@pytest.fixture
def seller_page(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is it?")
    OrderItemFactory.create_batch(2, order=thread.order)
    message_send(thread=thread, sender=seller, body="On its way.")
    message_send(thread=thread, sender=buyer, body="Thanks!")
    return thread, f"/seller/messages/{thread.pk}/"


@pytest.fixture
def buyer_page(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is it?")
    message_send(thread=thread, sender=seller, body="On its way.")
    return thread, f"/messages/{thread.pk}/"


def test_the_seller_page_from_the_cache_is_the_rendered_page(
    seller, seller_page, django_assert_num_queries
):
    thread, url = seller_page
    client = logged_in(seller)
    note_add(participant=side(thread, ParticipantRole.SELLER), author=seller, body="VIP buyer.")
    client.get(url)  # read
    rendered = client.get(url)
    assert rendered.templates  # rendered (and kept)

    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        cached = client.get(url)

    assert from_cache(cached)
    assert normalized(cached) == normalized(rendered)
    assert "VIP buyer." in normalized(cached) and "Thanks!" in normalized(cached)


def test_the_buyer_page_from_the_cache_is_the_rendered_page(
    buyer, buyer_page, django_assert_num_queries
):
    _thread, url = buyer_page
    client = logged_in(buyer)
    client.get(url)  # read
    rendered = client.get(url)
    assert rendered.templates  # rendered (and kept)

    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        cached = client.get(url)

    assert from_cache(cached)
    assert normalized(cached) == normalized(rendered)
    assert "Report this message" in normalized(cached)


def tokens(response, field: str) -> list[str]:
    return re.findall(rf'name="{field}" value="([^"]+)"', response.content.decode())


def test_a_cached_page_carries_the_csrf_tokens_of_its_own_session(buyer, buyer_page):
    _thread, url = buyer_page
    first, second = logged_in(buyer), logged_in(buyer)
    first.get(url)  # read
    first.get(url)  # kept

    served = second.get(url)

    assert from_cache(served)
    secret, other = second.cookies["csrftoken"].value, first.cookies["csrftoken"].value
    assert secret != other
    found = tokens(served, "csrfmiddlewaretoken")
    # The reply form, the report form, the actions, the header's forms: every one is its own.
    assert len(found) >= 5
    assert all(_does_token_match(token, secret) for token in found)
    assert not any(_does_token_match(token, other) for token in found)


def test_each_page_served_has_a_fresh_send_token_and_each_sends(seller, buyer, seller_page):
    thread, url = seller_page
    client = logged_in(seller)
    client.get(url)  # read
    pages = [client.get(url), client.get(url), client.get(url)]
    assert [from_cache(page) for page in pages] == [False, True, True]
    sent = [tokens(page, "send_token") for page in pages[1:]]
    assert [len(found) for found in sent] == [1, 1]
    assert sent[0] != sent[1]

    for n, found in enumerate(sent):
        form = {"body": f"Reply {n}.", "send_token": found[0], "force": "1"}
        assert client.post(url, form).status_code == 302
    assert list(
        Message.objects.filter(thread=thread, body__startswith="Reply ").values_list(
            "body", flat=True
        )
    ) == ["Reply 0.", "Reply 1."]


def _member(shop, name: str):
    person = BuyerFactory(display_name=name, email=f"{name.lower()}@team.example")
    ShopMember.objects.create(shop=shop, user=person, role=MemberRole.AGENT)
    return person


# Each change to what the seller's page shows, and the text that shows it.
SELLER_CHANGES = {
    "a buyer message": (
        lambda t, b, s: message_send(thread=t, sender=b, body="One more thing."),
        "One more thing.",
    ),
    "a message of the seller's in its undo time": (
        lambda t, b, s: message_send(thread=t, sender=s, body="Held back.", undo_seconds=10),
        "Held back.",
    ),
    "a team note": (
        lambda t, b, s: note_add(
            participant=side(t, ParticipantRole.SELLER), author=s, body="Call them."
        ),
        "Call them.",
    ),
    "a saved reply": (
        lambda t, b, s: saved_reply_create(
            seller=s, name="Tracking", body="Here is your tracking.", language="en"
        ),
        "Tracking",
    ),
    "the order shipped (a bare update)": (
        lambda t, b, s: Order.objects.filter(pk=t.order_id).update(
            status="shipped", shipped_at=timezone.now()
        ),
        "Shipped",
    ),
    "another order from the buyer": (
        lambda t, b, s: Order.objects.create(
            number="111-2223334-4445556", buyer=b, seller=s, placed_at=timezone.now()
        ),
        "111-2223334-4445556",
    ),
    "the buyer's new name": (
        lambda t, b, s: _renamed(b, "Alexandra B."),
        "Alexandra B.",
    ),
    "a new member of the team (assignable)": (
        lambda t, b, s: _member(s, "Ana"),
        ">Ana</option>",
    ),
    "an assignment": (
        lambda t, b, s: threads_assign(shop=s, thread_ids=[t.pk], assignee_id=_member(s, "Bo").pk),
        " selected>Bo</option>",
    ),
}


def _renamed(user, name: str) -> None:
    user.display_name = name
    user.save()


@pytest.mark.parametrize("change", SELLER_CHANGES)
def test_each_change_shows_on_the_sellers_next_page(change, buyer, seller, seller_page):
    thread, url = seller_page
    client = logged_in(seller)
    before, _ = cached_twice(client, url)
    write, shown = SELLER_CHANGES[change]
    assert shown not in before

    write(thread, buyer, seller)
    after = client.get(url)

    assert not from_cache(after)
    assert shown in after.content.decode()
    # And the new page is the one the cache serves next.
    assert normalized(client.get(url)) == normalized(after)


def test_a_message_taken_back_or_released_shows_on_the_next_page(buyer, seller, seller_page):
    thread, url = seller_page
    client = logged_in(seller)
    held = message_send(thread=thread, sender=seller, body="Held back.", undo_seconds=10)
    before, _ = cached_twice(client, url)
    assert "Held back." in before

    sending.message_undo(user=seller, thread_id=thread.pk, message_id=held.pk)
    assert "Held back." not in client.get(url).content.decode()

    again = message_send(thread=thread, sender=seller, body="Sent for good.", undo_seconds=10)
    before, _ = cached_twice(client, url)
    assert 'class="message mine sending"' in before
    sending.message_sending_release(message_id=again.pk, now=again.undo_until)
    page = client.get(url)

    assert not from_cache(page)
    assert "Sent for good." in page.content.decode()
    assert 'class="message mine sending"' not in page.content.decode()


# Each change to what the buyer's page shows, and the text that shows it.
BUYER_CHANGES = {
    "a report of the seller's message": (
        lambda t, b, s: message_report(
            reporter=b, message=Message.objects.get(thread=t, sender=s), reason="spam"
        ),
        "You reported this message on",
    ),
    "the seller blocked": (
        lambda t, b, s: thread_block_seller(participant=side(t, ParticipantRole.BUYER)),
        "Unblock this seller",
    ),
    "the shop's new name": (
        lambda t, b, s: _shop_renamed(s, "Samantha's Store"),
        "Samantha&#x27;s Store",
    ),
    "a seller message": (
        lambda t, b, s: message_send(thread=t, sender=s, body="Delivered today."),
        "Delivered today.",
    ),
}


def _shop_renamed(seller, name: str) -> None:
    profile = seller.seller_profile
    profile.shop_name = name
    profile.save()


@pytest.mark.parametrize("change", BUYER_CHANGES)
def test_each_change_shows_on_the_buyers_next_page(change, buyer, seller, buyer_page):
    thread, url = buyer_page
    client = logged_in(buyer)
    before, _ = cached_twice(client, url)
    write, shown = BUYER_CHANGES[change]
    assert shown not in before

    write(thread, buyer, seller)
    after = client.get(url)

    assert not from_cache(after)
    assert shown in after.content.decode()


def test_the_badge_is_the_readers_count_of_now_on_a_cached_page(buyer, seller, seller_page):
    _thread, url = seller_page
    client = logged_in(seller)
    before, _ = cached_twice(client, url)
    assert 'class="badge"' not in before

    thread_with_message(buyer=BuyerFactory(), seller=seller, body="Another question.")
    served = client.get(url)

    # The page itself did not change: it comes from the cache, with the count of now.
    assert from_cache(served)
    assert '<span class="badge" aria-hidden="true">1</span>' in served.content.decode()


def test_a_page_is_rendered_again_when_one_of_its_times_reads_differently(
    buyer, seller, seller_page, monkeypatch
):
    _thread, url = seller_page
    client = logged_in(seller)
    before, _ = cached_twice(client, url)
    assert "just now" in before

    later = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(thread_page.time, "time", lambda: later.timestamp())
    page = client.get(url)

    assert not from_cache(page)
    assert "2 minutes ago" in page.content.decode()


def test_a_page_with_flash_messages_is_neither_served_from_the_cache_nor_kept(
    buyer, seller, seller_page
):
    _thread, url = seller_page
    client = logged_in(seller)
    cached_twice(client, url)

    assert client.post(url, {"body": "Right away.", "force": "1"}).status_code == 302
    with_flash = client.get(url)
    after = client.get(url)

    assert not from_cache(with_flash)
    assert "Message sent." in with_flash.content.decode()
    assert not from_cache(after)  # the page changed (the reply), and it had no flash kept
    assert "Message sent." not in after.content.decode()
    assert "Right away." in after.content.decode()
    assert from_cache(client.get(url))


def test_shown_until_is_the_first_time_a_text_changes():
    now = timezone.now().replace(second=30, microsecond=0)
    midnight = page_cache.next_midnight(now)

    assert thread_page.shown_until(now) == midnight
    assert thread_page.shown_until(now, moments=[now - timedelta(seconds=20)]) == min(
        midnight, now + timedelta(seconds=40)
    )
    # More than an hour ago: "today at", "yesterday at" or a date, until midnight at most.
    assert thread_page.shown_until(now, moments=[now - timedelta(hours=2)]) == midnight


@pytest.mark.django_db(transaction=True)
def test_a_row_written_back_to_what_it_held_is_another_key(buyer, seller, seller_page):
    # A page rendered while a row held something else (a write between the page's statement
    # and its render) is stored under the key of before; the row written back must not
    # find it again. Each write commits on its own here, as requests do.
    thread, _url = seller_page
    client = logged_in(seller)
    request = client.get(f"/seller/messages/{thread.pk}/").wsgi_request
    mine = side(thread, ParticipantRole.SELLER)

    def key() -> str | None:
        return thread_page.page_start(request, thread_id=thread.pk, seller_view=True).key

    before = key()
    Participant.objects.filter(pk=mine.pk).update(is_archived=True)
    Participant.objects.filter(pk=mine.pk).update(is_archived=False)

    assert before is not None
    assert key() != before


def test_a_files_thumbnail_shows_on_the_next_page(buyer, seller, seller_page, private_storage):
    thread, url = seller_page
    client = logged_in(seller)
    sent = message_send(
        thread=thread,
        sender=buyer,
        body="A photo of the box.",
        files=[IncomingFile("photo.png", badfiles.png())],
    )
    photo = Attachment.objects.get(message=sent)
    assert photo.thumbnail
    thumbnail = photo.thumbnail.name
    shown = f'<img src="{reverse("messaging:attachment-thumbnail", args=[photo.pk])}"'
    Attachment.objects.filter(pk=photo.pk).update(thumbnail="")  # not made yet
    before, _ = cached_twice(client, url)
    assert shown not in before

    # Made later (a bare update, as a task would write it).
    Attachment.objects.filter(pk=photo.pk).update(thumbnail=thumbnail)
    after = client.get(url)

    assert not from_cache(after)
    assert shown in after.content.decode()
