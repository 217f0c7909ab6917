"""Whole inbox pages from the cache: the same bytes as a render, never stale, 304 on reload."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.utils import timezone

from accounts.models import MemberRole, ShopMember
from accounts.services import user_language_set
from messaging.models import MessageStatus, Participant, ParticipantRole
from messaging.moderation.services import seller_restrict
from messaging.team import services as team_services
from messaging.team.assignment import threads_assign
from messaging.threads import inbox_page
from messaging.threads.sending import message_undo
from messaging.threads.services import (
    message_send,
    thread_archive,
    thread_mark_read,
    thread_start,
)
from messaging.threads.trash import thread_restore, thread_trash
from orders.images import image_prepare
from orders.services import product_image_remove, product_image_set
from tests.accounts.factories import BuyerFactory, SellerFactory, StaffFactory
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db

# session, user: the page is the cache's alone
WARM_QUERIES = 2
# + the person's membership of the shop (with the shop)
WARM_MEMBER_QUERIES = 3

NOT_SENT = '<strong class="not-sent-label">Not sent</strong>'
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def from_cache(response) -> bool:
    """Served from the cache: no template rendered for it."""
    assert response.status_code == 200
    return not response.templates


def html(response) -> str:
    return response.content.decode()


def without_tokens(text: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value="-"', text)


def tokens(response) -> set[str]:
    return set(TOKEN.findall(html(response)))


def warm(client: Client, path: str):
    """Open a page twice: the second comes from the cache."""
    client.get(path)
    response = client.get(path)
    assert from_cache(response)
    return response


def seller_side(thread) -> Participant:
    return Participant.objects.get(thread=thread, role=ParticipantRole.SELLER)


def buyer_side(thread) -> Participant:
    return Participant.objects.get(thread=thread, role=ParticipantRole.BUYER)


# The same page, byte for byte


@pytest.mark.parametrize("path", ["/seller/", "/seller/?folder=all", "/seller/?folder=trash"])
def test_a_cached_seller_page_is_the_page_a_render_gives(buyer, seller, path):
    first, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is it?")
    thread_with_message(buyer=buyer, seller=seller, body="Invoice <please> & thanks")
    message_send(thread=first, sender=seller, body="Shipped.")
    thread_trash(participant=seller_side(first))
    client = signed_in(seller)
    now = timezone.now()

    with mock.patch("django.utils.timezone.now", return_value=now):
        cold = client.get(path)
        warm_page = client.get(path)
        start = inbox_page.page_start

        def uncached(request, **kwargs):
            return inbox_page.CachedPage(key=None, version=start(request, **kwargs).version)

        with mock.patch.object(inbox_page, "page_start", uncached):
            rendered = client.get(path)

    assert not from_cache(cold) and from_cache(warm_page) and not from_cache(rendered)
    assert without_tokens(html(warm_page)) == without_tokens(html(cold))
    assert without_tokens(html(warm_page)) == without_tokens(html(rendered))
    # One token a page (as a render masks one), each the session's, new each time.
    assert len(tokens(cold)) == len(tokens(warm_page)) == len(tokens(rendered)) == 1
    assert tokens(cold) != tokens(warm_page)
    secret = client.cookies["csrftoken"].value
    assert _unmask_cipher_token(tokens(warm_page).pop()) == secret
    assert html(warm_page).count('name="csrfmiddlewaretoken"') == html(rendered).count(
        'name="csrfmiddlewaretoken"'
    )


def test_a_cached_buyer_page_is_the_page_a_render_gives(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller, body="Where is it?")
    client = signed_in(buyer)

    cold = client.get("/messages/")
    warm_page = client.get("/messages/")

    assert from_cache(warm_page)
    assert without_tokens(html(warm_page)) == without_tokens(html(cold))
    assert warm_page["Content-Type"] == cold["Content-Type"] == "text/html; charset=utf-8"


def test_a_page_cached_in_one_session_posts_in_another(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    signed_in(seller).get("/seller/?folder=all")
    other = signed_in(seller, enforce_csrf_checks=True)

    page = other.get("/seller/?folder=all")
    token = tokens(page).pop()
    posted = other.post(
        "/messages/bulk/",
        {"csrfmiddlewaretoken": token, "action": "archive", "thread": thread.pk, "folder": "all"},
    )

    assert from_cache(page)
    assert _unmask_cipher_token(token) == other.cookies["csrftoken"].value
    assert posted.status_code == 302
    assert seller_side(thread).is_archived is True


# What a warm page costs


def test_a_warm_inbox_costs_the_session_and_the_user(buyer, seller, django_assert_num_queries):
    for _ in range(3):
        thread_with_message(buyer=buyer, seller=seller)
    seller_client, buyer_client = signed_in(seller), signed_in(buyer)
    seller_client.get("/seller/?folder=all")
    buyer_client.get("/messages/")

    with django_assert_num_queries(WARM_QUERIES):
        assert from_cache(seller_client.get("/seller/?folder=all"))
    with django_assert_num_queries(WARM_QUERIES):
        assert from_cache(buyer_client.get("/messages/"))


def test_a_warm_inbox_of_a_team_member_costs_their_membership_too(
    buyer, seller, django_assert_num_queries
):
    person = BuyerFactory(display_name="Ana")
    ShopMember.objects.create(shop=seller, user=person, role=MemberRole.AGENT)
    thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(person)
    client.get("/seller/")

    with django_assert_num_queries(WARM_MEMBER_QUERIES):
        assert from_cache(client.get("/seller/"))


# Never stale: each change shows on the next request


def test_a_new_message_shows_at_once(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(buyer)
    warm(client, "/messages/")

    message_send(thread=thread, sender=seller, body="It left the warehouse.")
    page = client.get("/messages/")

    assert not from_cache(page)
    assert "It left the warehouse." in html(page)
    assert '<span class="badge" title="Unread">1<span' in html(page)


def test_reading_a_thread_clears_its_unread_mark_and_the_badge(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(seller)
    assert '<span class="badge" aria-hidden="true">1</span>' in html(warm(client, "/seller/"))

    thread_mark_read(participant=seller_side(thread))
    page = client.get("/seller/")

    assert not from_cache(page)
    assert 'class="badge"' not in html(page)


def test_archive_trash_and_restore_move_the_row(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(buyer)
    assert f'data-thread="{thread.pk}"' in html(warm(client, "/messages/"))

    thread_archive(participant=buyer_side(thread))
    assert f'data-thread="{thread.pk}"' not in html(client.get("/messages/"))
    assert f'data-thread="{thread.pk}"' in html(warm(client, "/messages/?folder=archived"))

    thread_trash(participant=buyer_side(thread))
    assert f'data-thread="{thread.pk}"' not in html(client.get("/messages/?folder=archived"))
    assert "Removed for good on" in html(warm(client, "/messages/?folder=trash"))

    thread_restore(participant=buyer_side(thread))
    assert "Trash is empty." in html(client.get("/messages/?folder=trash"))


def test_assigning_names_the_assignee(buyer, seller):
    person = BuyerFactory(display_name="Ana")
    ShopMember.objects.create(shop=seller, user=person, role=MemberRole.AGENT)
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(seller)
    assert '<span class="assigned">' not in html(warm(client, "/seller/"))

    threads_assign(shop=seller, thread_ids=[thread.pk], assignee_id=person.pk)

    assert "Assigned to Ana" in html(client.get("/seller/"))


def test_a_counterparts_new_name_shows(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(seller)
    warm(client, "/seller/")

    buyer.display_name = "Zoe Renamed"
    buyer.save()
    page = client.get("/seller/")

    assert not from_cache(page)
    assert '<span class="who">Zoe Renamed' in html(page)


def test_signing_in_changes_no_cached_page(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(seller)
    warm(client, "/seller/")

    signed_in(buyer)  # saves the buyer's last_login only

    assert from_cache(client.get("/seller/"))


def test_a_products_new_title_shows(buyer, seller):
    product = ProductFactory(seller=seller, title="Blue mug")
    thread_start(sender=buyer, product=product, topic="other", body="Is it big?")
    client = signed_in(buyer)
    assert "Blue mug" in html(warm(client, "/messages/"))

    product.title = "Red mug"
    product.save()
    page = client.get("/messages/")

    assert "Red mug" in html(page) and "Blue mug" not in html(page)


def test_a_products_new_picture_shows(buyer, seller):
    product = ProductFactory(seller=seller, title="Blue mug")
    thread_start(sender=buyer, product=product, topic="other", body="Is it big?")
    client = signed_in(buyer)
    assert "product-thumb placeholder" in html(warm(client, "/messages/"))

    product_image_set(product=product, image=image_prepare(badfiles.png()))
    page = client.get("/messages/")

    assert f"?v={product.image_version}" in html(page)
    assert "product-thumb placeholder" not in html(page)

    product_image_remove(product=product)

    assert "product-thumb placeholder" in html(client.get("/messages/"))


def test_a_member_joining_and_leaving_brings_and_takes_the_team_tabs(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(seller)
    assert "?folder=unassigned" not in html(warm(client, "/seller/"))

    person = BuyerFactory(display_name="Ben")
    membership = ShopMember.objects.create(shop=seller, user=person, role=MemberRole.AGENT)
    assert "?folder=unassigned" in html(warm(client, "/seller/"))

    team_services.member_remove(shop=seller, member_id=membership.pk)
    assert "?folder=unassigned" not in html(client.get("/seller/"))


def test_a_members_new_role_changes_who_threads_can_be_assigned_to(buyer, seller):
    person = BuyerFactory(display_name="Ben")
    membership = ShopMember.objects.create(shop=seller, user=person, role=MemberRole.AGENT)
    thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(seller)
    assert f'<option value="{person.pk}">Ben</option>' in html(warm(client, "/seller/"))

    team_services.member_role_set(shop=seller, member_id=membership.pk, role=MemberRole.VIEWER)

    assert f'<option value="{person.pk}">Ben</option>' not in html(client.get("/seller/"))


def test_a_restriction_shows_and_ends(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(seller)
    warm(client, "/seller/")

    now = timezone.now()
    seller_restrict(seller=seller, days=1, reason="Spam", actor=StaffFactory(), now=now)
    assert "(reason: Spam)" in html(warm(client, "/seller/"))

    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(days=1)):
        page = client.get("/seller/")
    assert "(reason: Spam)" not in html(page)


def test_a_switch_of_language_shows_the_page_in_it(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(buyer)
    assert "<h1>Your messages</h1>" in html(warm(client, "/messages/"))

    user_language_set(user=buyer, language="es")
    page = client.get("/messages/")

    assert "<h1>Tus mensajes</h1>" in html(page)


def test_the_clock_moving_on_renders_the_times_anew(buyer, seller):
    sent = datetime(2026, 5, 4, 9, 0, 30, tzinfo=UTC)
    thread_with_message(buyer=buyer, seller=seller, now=sent)
    client = signed_in(seller)

    with mock.patch("django.utils.timezone.now", return_value=sent + timedelta(seconds=10)):
        assert ">just now</time>" in html(client.get("/seller/?folder=all"))
    with mock.patch("django.utils.timezone.now", return_value=sent + timedelta(seconds=59)):
        assert from_cache(client.get("/seller/?folder=all"))
    with mock.patch("django.utils.timezone.now", return_value=sent + timedelta(seconds=60)):
        page = client.get("/seller/?folder=all")

    assert not from_cache(page)
    assert ">1 minute ago</time>" in html(page)


def test_a_countdown_is_rendered_anew_on_its_minute(buyer, seller):
    received = datetime(2026, 5, 4, 9, 0, 30, tzinfo=UTC)
    thread_with_message(buyer=buyer, seller=seller, now=received)
    client = signed_in(seller)
    later = received + timedelta(hours=2)  # "today at 09:00": the countdown is what changes

    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "22h 00m left" in html(client.get("/seller/"))
    with mock.patch("django.utils.timezone.now", return_value=later + timedelta(seconds=59)):
        assert from_cache(client.get("/seller/"))
    with mock.patch("django.utils.timezone.now", return_value=later + timedelta(seconds=61)):
        page = client.get("/seller/")

    assert "21h 58m left" in html(page)


def test_a_blocked_message_shows_as_not_sent(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(seller)
    warm(client, "/seller/?folder=all")

    blocked = message_send(thread=thread, sender=seller, body="Mail me at alex@example.org")
    page = client.get("/seller/?folder=all")

    assert blocked.status == MessageStatus.BLOCKED
    assert NOT_SENT in html(page)


def test_rows_a_held_message_may_change_are_never_cached(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    message_send(thread=thread, sender=seller, body="Mail me at alex@example.org")
    client = signed_in(seller)
    client.get("/seller/?folder=all")
    not_sent = client.get("/seller/?folder=all")

    assert not from_cache(not_sent)
    assert NOT_SENT in html(not_sent)

    held = message_send(thread=thread, sender=seller, body="On its way.", undo_seconds=10)
    client.get("/seller/?folder=all")
    sending = client.get("/seller/?folder=all")

    assert held.status == MessageStatus.SENDING
    assert not from_cache(sending)
    assert NOT_SENT not in html(sending)

    message_undo(user=seller, thread_id=thread.pk, message_id=held.pk)

    assert NOT_SENT in html(client.get("/seller/?folder=all"))


def test_flash_messages_are_shown_once_and_never_cached(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(buyer)
    warm(client, "/messages/")

    response = client.post(f"/messages/{thread.pk}/archive/", follow=True)
    after = client.get("/messages/")

    assert '<ul class="flash">' in html(response)
    assert '<ul class="flash">' not in html(after)


def test_a_search_is_never_cached(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller, body="Where is my parcel?")
    client = signed_in(buyer)

    client.get("/messages/?q=parcel")

    assert not from_cache(client.get("/messages/?q=parcel"))


def test_only_a_folder_and_a_cursor_make_a_page_cached(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(buyer)

    client.get("/messages/?folder=inbox&ref=mail")

    assert not from_cache(client.get("/messages/?folder=inbox&ref=mail"))
    assert from_cache(warm(client, "/messages/?folder=inbox"))


# Conditional GET


def test_a_reload_of_an_unchanged_page_is_304_from_the_cache(
    buyer, seller, django_assert_num_queries
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(buyer)
    first = client.get("/messages/")
    etag = first["ETag"]

    with django_assert_num_queries(WARM_QUERIES):
        again = client.get("/messages/", HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert first["Cache-Control"] == again["Cache-Control"] == "private, no-cache"
    assert "Cookie" in first["Vary"] and "Cookie" in again["Vary"]

    message_send(thread=thread, sender=seller, body="Shipped.")
    changed = client.get("/messages/", HTTP_IF_NONE_MATCH=etag)

    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Shipped." in html(changed)


def test_another_users_etag_never_gets_their_page(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller, body="Mine only")
    other = BuyerFactory()
    thread_with_message(buyer=other, body="Theirs only")
    mine, theirs = signed_in(buyer), signed_in(other)
    etag = mine.get("/messages/")["ETag"]
    theirs.get("/messages/")

    response = theirs.get("/messages/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert "Theirs only" in html(response) and "Mine only" not in html(response)


def test_another_sessions_etag_is_not_confirmed(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller)
    etag = signed_in(buyer).get("/messages/")["ETag"]

    response = signed_in(buyer).get("/messages/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200 and from_cache(response)
    assert response["ETag"] != etag


def test_a_seller_page_is_another_page_than_a_members(buyer, seller):
    person = BuyerFactory(display_name="Ana")
    ShopMember.objects.create(shop=seller, user=person, role=MemberRole.VIEWER)
    thread_with_message(buyer=buyer, seller=seller)
    owner, viewer = signed_in(seller), signed_in(person)
    warm(owner, "/seller/")

    page = viewer.get("/seller/")

    assert not from_cache(page)
    assert 'class="bulk read-only"' in html(page)
    assert "Ana (Viewer)" in html(page)


def test_the_cache_away_renders_from_the_database(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller, body="Still here")
    client = signed_in(buyer)

    with mock.patch.object(
        inbox_page.live, "inbox_version_and_epoch_get", side_effect=inbox_page.CacheUnavailable
    ):
        first, second = client.get("/messages/"), client.get("/messages/")

    assert not from_cache(first) and not from_cache(second)
    assert "Still here" in html(second)
    assert "ETag" not in second


def test_a_seller_of_another_shop_is_a_seller_too(buyer):
    # Two sellers' pages at the same path never share an entry.
    one, two = SellerFactory(), SellerFactory()
    thread_with_message(buyer=buyer, seller=one, body="For shop one")
    thread_with_message(buyer=buyer, seller=two, body="For shop two")
    warm(signed_in(one), "/seller/")

    page = signed_in(two).get("/seller/")

    assert not from_cache(page)
    assert "For shop two" in html(page) and "For shop one" not in html(page)
