"""In a real browser: two members of a seller's team on one conversation.

One starts replying and the other sees "… is replying" within 5 seconds; the first reply lands,
and the second member's reply, written without seeing it, is not sent blind: the page shows
the new message and asks to send anyway or revise.
"""

import time

import pytest

from accounts.models import MemberRole, ShopMember
from messaging.models import Message
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_MS = 5000


def test_two_members_see_each_other_and_a_second_reply_is_not_sent_blind(signed_in):
    shop = SellerFactory(seller_profile__shop_name="Gadget Garage", undo_send_seconds=0)
    ana = BuyerFactory(display_name="Ana Torres")
    ben = BuyerFactory(display_name="Ben Ortiz")
    for person in (ana, ben):
        ShopMember.objects.create(shop=shop, user=person, role=MemberRole.AGENT)
    thread, _ = thread_with_message(seller=shop, body="Does the charger work in the EU?")
    path = f"/seller/messages/{thread.pk}/"

    first = signed_in(ana, "team-ana")
    second = signed_in(ben, "team-ben")
    first.open(path)
    second.open(path)
    assert "Ana Torres (Agent)" in first.page.locator(".site-nav").inner_text()

    # Ben starts writing; Ana's page says so.
    second.page.fill("#id_body", "Yes, it takes 100-240 V.")
    started = time.monotonic()
    first.page.wait_for_function(
        "() => document.getElementById('team-presence').textContent"
        ".includes('Ben Ortiz is replying')",
        timeout=LIVE_MS,
    )
    seen_after = time.monotonic() - started
    first.shot("sees-ben-replying")
    assert seen_after < LIVE_MS / 1000

    # Ana answers first.
    first.page.fill("#id_body", "It does: 100-240 V, EU plug included.")
    first.page.click("form.reply button.primary")
    first.page.wait_for_url(f"**{path}*")
    assert Message.objects.filter(thread=thread, author=ana).count() == 1

    # Ben's reply, written before Ana's landed, is held with her message shown.
    second.page.click("form.reply button.primary")
    second.page.wait_for_selector(".thread-changed")
    second.shot("new-message-arrived")
    assert "A new message arrived in this conversation" in second.page.inner_text(".thread-changed")
    assert "EU plug included" in second.page.inner_text("#thread-messages")
    assert second.page.input_value("#id_body") == "Yes, it takes 100-240 V."
    assert Message.objects.filter(thread=thread, author=ben).count() == 0

    # Send anyway.
    second.page.click(".thread-changed button[name=force]")
    second.page.wait_for_selector(".flash")
    second.shot("sent-anyway")
    assert list(
        Message.objects.filter(thread=thread, sender=shop)
        .order_by("id")
        .values_list("author_id", flat=True)
    ) == [ana.pk, ben.pk]
    # The team sees who wrote each reply.
    assert "written by Ana Torres" in second.page.inner_text("#thread-messages")
