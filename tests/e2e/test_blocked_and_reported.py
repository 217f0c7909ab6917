"""In a real browser: a buyer sends three messages the content policy blocks and finds each
folded to one line with its reason; Show unfolds one to its full card, the finding marked; the
inbox row says "Not sent" while the seller sees nothing of them. The buyer reports a seller
message: it says so, and its report form is gone. Every state passes axe."""

import pytest

from messaging.models import CaseKind, Message, MessageStatus, ModerationCase
from messaging.threads.services import message_send
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.e2e.test_accessibility import AXE, AXE_TAGS, FAILING_IMPACTS, RUN_AXE
from tests.messaging.factories import thread_with_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ATTEMPTS = [
    "Write to me at ana.lopez@example.com about the mug",
    "My mail is ana.lopez@example.com, write there",
    "Again: ana.lopez@example.com",
]


def serious(page) -> list[dict]:
    return [v for v in page.evaluate(RUN_AXE, AXE_TAGS) if v["impact"] in FAILING_IMPACTS]


def test_blocked_messages_fold_the_inbox_says_not_sent_and_a_report_shows(signed_in):
    buyer, seller = BuyerFactory(), SellerFactory()
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Is the mug in stock?")
    offer = message_send(thread=thread, sender=seller, body="Yes, it ships on Monday.")
    tab = signed_in(buyer, "blocked-and-reported")
    tab.context.add_init_script(script=AXE)
    tab.open(f"/messages/{thread.pk}/")

    for text in ATTEMPTS:
        tab.page.fill("#id_body", text)
        tab.page.click("form.reply button[type=submit]")
        tab.page.wait_for_load_state()
    blocked = list(Message.objects.filter(status=MessageStatus.BLOCKED).order_by("id"))
    assert [m.body for m in blocked] == ATTEMPTS

    folded = tab.page.locator("li.message.blocked details.not-sent")
    assert folded.count() == 3
    for index in range(3):
        line = folded.nth(index)
        assert line.get_attribute("open") is None
        assert line.locator(".not-sent-label").inner_text() == "Not sent"
        assert line.locator(".not-sent-reason").inner_text() == "Contains an email address"
        assert line.locator(".toggle-show").is_visible()
        assert not line.locator(".body").is_visible()
    tab.page.locator(f"#m{blocked[0].pk}").scroll_into_view_if_needed()
    tab.shot("three-folded")
    assert serious(tab.page) == []

    first = tab.page.locator(f"#m{blocked[0].pk} details.not-sent")
    first.locator("summary").click()
    assert first.get_attribute("open") == ""
    assert first.locator(".toggle-hide").inner_text() == "Hide"
    assert not first.locator(".toggle-show").is_visible()
    assert first.locator(".body").inner_text() == ATTEMPTS[0]
    assert first.locator(".body mark").inner_text() == "ana.lopez@example.com"
    assert first.locator(".warning").is_visible()
    # The others stay folded.
    assert tab.page.locator("details.not-sent[open]").count() == 1
    first.scroll_into_view_if_needed()
    tab.shot("one-shown")
    assert serious(tab.page) == []

    tab.open("/messages/")
    snippet = tab.page.locator(".inbox-row .snippet").first
    assert snippet.inner_text() == "Not sent · Contains an email address"
    assert "ana.lopez@example.com" not in tab.page.content()
    tab.shot("inbox-not-sent")
    assert serious(tab.page) == []

    # The seller sees nothing of them: neither in the inbox nor in the conversation.
    shop = signed_in(seller, "blocked-and-reported-seller")
    shop.open("/seller/?folder=all")
    assert shop.page.locator(".inbox-row .snippet").first.inner_text() == (
        "You: Yes, it ships on Monday."
    )
    assert "Not sent" not in shop.page.content()
    shop.shot("inbox")
    shop.open(f"/seller/messages/{thread.pk}/")
    assert "ana.lopez@example.com" not in shop.page.content()
    assert shop.page.locator("li.message").count() == 2

    # The buyer reports the seller's message: it says so, and the form is gone.
    tab.open(f"/messages/{thread.pk}/")
    reported = tab.page.locator(f"#m{offer.pk}")
    reported.locator("details.report summary").click()
    reported.locator("select[name=reason]").select_option("spam")
    reported.locator("button", has_text="Report").click()
    tab.page.wait_for_load_state()
    assert "Thank you. Our team will review the message." in tab.page.content()
    assert ModerationCase.objects.filter(kind=CaseKind.REPORT, message=offer).count() == 1
    reported = tab.page.locator(f"#m{offer.pk}")
    assert reported.locator(".reported").inner_text().startswith("You reported this message on ")
    assert reported.locator("details.report").count() == 0
    assert tab.page.locator(f"#report-reason-{offer.pk}").count() == 0
    reported.scroll_into_view_if_needed()
    tab.shot("reported")
    assert serious(tab.page) == []
