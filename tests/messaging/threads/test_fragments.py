"""Message items on the thread page come from the cache once rendered, and never stale."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.middleware.csrf import _does_token_match
from django.utils import timezone, translation

from core.moments import moment_text
from messaging.models import MessageStatus
from messaging.moderation.services import message_release
from messaging.threads import fragments, selectors
from messaging.threads.services import message_send
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
ITEM = "includes/message_item.html"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def page_part(response, pattern: str) -> str:
    """The part of the page's HTML that ``pattern`` matches (it must be there)."""
    found = re.search(pattern, response.content.decode(), re.DOTALL)
    assert found is not None
    return found.group()


def renders(response, template_name: str) -> int:
    """How many times the response rendered ``template_name``."""
    return sum(1 for template in response.templates if template.name == template_name)


def message_list(response) -> str:
    return page_part(response, r'<ol class="messages".*?</ol>')


def item_renders(response) -> int:
    return renders(response, ITEM)


def test_the_seller_page_renders_each_message_once_then_reads_it_from_the_cache(
    seller_client, buyer, seller
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    message_send(thread=thread, sender=seller, body="Shipped today.", now=T0)
    message_send(thread=thread, sender=buyer, body="Thanks!", now=T0)
    url = f"/seller/messages/{thread.pk}/"

    first = seller_client.get(url)
    second = seller_client.get(url)

    assert item_renders(first) == 3
    assert item_renders(second) == 0
    assert message_list(second) == message_list(first)
    assert message_list(second).count('<li class="message ') == 3
    assert "Shipped today." in message_list(second)


def test_a_new_name_of_the_other_side_is_shown_at_once(seller_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    url = f"/seller/messages/{thread.pk}/"
    assert "<strong>Alex Buyer</strong>" in message_list(seller_client.get(url))

    buyer.display_name = "Alexandra B."
    buyer.save(update_fields=["display_name"])
    page = seller_client.get(url)

    assert item_renders(page) == 1
    assert "<strong>Alexandra B.</strong>" in message_list(page)
    assert "Alex Buyer" not in message_list(page)


def test_a_released_message_loses_its_not_delivered_warning(buyer_client, buyer, seller, staff):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    message_send(thread=thread, sender=seller, body="Shipped.", now=T0)
    blocked = message_send(thread=thread, sender=buyer, body="Mail me at alex@example.org", now=T0)
    assert blocked.status == MessageStatus.BLOCKED
    url = f"/messages/{thread.pk}/"
    assert "Not delivered" in message_list(buyer_client.get(url))

    message_release(message=blocked, reviewer=staff, now=T0 + timedelta(hours=1))
    page = buyer_client.get(url)

    assert "Not delivered" not in message_list(page)
    assert "Mail me at alex@example.org" in message_list(page)


def test_report_forms_are_rendered_for_every_page_with_a_current_csrf_token(
    buyer_client, buyer, seller
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    message_send(thread=thread, sender=seller, body="Shipped.", now=T0)
    url = f"/messages/{thread.pk}/"

    first = buyer_client.get(url)
    second = buyer_client.get(url)

    # The buyer's own message is cached; the seller's, with its report form, is rendered with
    # a stand-in for the token. The second page comes whole from the cache, with the token of
    # its own request put in.
    assert item_renders(first) == 2
    assert item_renders(second) == 0
    tokens = [
        re.findall(
            r'action="/messages/\d+/messages/\d+/report/">'
            r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
            message_list(response),
        )
        for response in (first, second)
    ]
    assert [len(found) for found in tokens] == [1, 1]
    secret = buyer_client.cookies["csrftoken"].value
    assert secret
    # Masked anew for each request, and each valid for the session's secret.
    assert tokens[0] != tokens[1]
    assert all(_does_token_match(found[0], secret) for found in tokens)


ROW = "includes/inbox_row.html"


def inbox_list(response) -> str:
    return page_part(response, r'<ul class="inbox-list".*?</ul>')


def row_renders(response) -> int:
    return renders(response, ROW)


def test_the_inbox_renders_each_row_once_then_reads_it_from_the_cache(seller_client, buyer, seller):
    for hour in range(3):
        thread_with_message(buyer=buyer, seller=seller, body=f"Question {hour}", now=T0)

    first = seller_client.get("/seller/?folder=all")
    second = seller_client.get("/seller/?folder=all")

    assert row_renders(first) == 3
    assert row_renders(second) == 0
    assert inbox_list(second) == inbox_list(first)
    assert inbox_list(second).count("data-thread-row>") == 3


def test_a_row_shows_a_new_message_at_once(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    thread_with_message(buyer=buyer, seller=seller, now=T0)
    buyer_client.get("/messages/")

    message_send(thread=thread, sender=seller, body="It left the warehouse.", now=T0)
    page = buyer_client.get("/messages/")

    assert row_renders(page) == 1
    assert "It left the warehouse." in inbox_list(page)
    assert '<span class="badge" title="Unread">1<span' in inbox_list(page)


def test_a_row_is_rendered_again_when_its_countdown_changes(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller, now=T0)
    rows = selectors.thread_list_for_user(user=seller, folder="needs_response").items

    early = fragments.inbox_rows(rows=rows, seller_view=True, now=T0 + timedelta(hours=2))
    again = fragments.inbox_rows(rows=rows, seller_view=True, now=T0 + timedelta(hours=2))
    later = fragments.inbox_rows(rows=rows, seller_view=True, now=T0 + timedelta(hours=25))

    assert again == early
    assert ">22h 00m left</span>" in early[0]
    assert ">overdue by 1h 00m</span>" in later[0]
    assert 'class="countdown countdown-overdue"' in later[0]


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_settled_moment_reads_as_moment_text_says(zone, language):
    # Past three days a row's or a message's time is computed once per moment, language and
    # zone: it must read exactly as moment_text would write it at that instant.
    now = datetime(2026, 5, 4, 0, 30, tzinfo=UTC)
    moments = [now - timedelta(days=3, seconds=s) for s in (-60, 1, 3600)] + [
        now - timedelta(days=d, hours=h) for d in (0, 1, 2, 4, 40) for h in (0, 5, 23)
    ]
    with translation.override(language), timezone.override(zone):
        for value in moments:
            assert fragments._moment_text(value, now) == moment_text(value, now=now), value
