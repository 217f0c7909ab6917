"""How blocked and reported messages show: a blocked message folds to one line for its sender,
a reported message says so to the buyer who reported it, and an inbox row whose latest message
is the reader's own blocked one says "Not sent". The other side never sees a blocked message."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from messaging.models import CaseKind, MessageStatus, ModerationCase
from messaging.moderation.services import case_dismiss, message_release
from messaging.threads.services import message_send
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message
from tests.messaging.threads.test_views import (
    BUYER_INBOX_QUERIES,
    BUYER_THREAD_QUERIES,
    SELLER_INBOX_QUERIES,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
EMAIL = "Write to me at ana@example.com please"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def item(response, message_id: int) -> str:
    """The ``<li>`` of one message on a thread page."""
    found = re.search(
        rf'<li class="message [^"]*" id="m{message_id}">.*?\n  </li>',
        response.content.decode(),
        re.DOTALL,
    )
    assert found is not None, f"message {message_id} is not on the page"
    return found.group()


def summary(html: str) -> str:
    """A blocked message's folded line, its time's text (written by the pages' own date
    scheme) left out: the machine-readable time stays."""
    found = re.search(r"<summary>.*?</summary>", html, re.DOTALL)
    assert found is not None
    return re.sub(r'(<time datetime="[^"]+">)[^<]+(</time>)', r"\1…\2", found.group())


def says_reported(html: str, sentence: str = "You reported this message on") -> bool:
    """Whether a message says the reader reported it (the date as the pages write dates)."""
    return re.search(rf'<p class="reported">{re.escape(sentence)} [^<]+\.</p>', html) is not None


def row(response, thread_id: int) -> str:
    """The inbox row of one conversation."""
    found = re.search(
        rf'<li class="inbox-row[^"]*"[^>]*data-thread-row>\s*<input type="checkbox" name="thread" '
        rf'value="{thread_id}".*?</li>',
        response.content.decode(),
        re.DOTALL,
    )
    assert found is not None, f"thread {thread_id} has no row"
    return found.group()


def snippet(row_html: str) -> str:
    found = re.search(
        r'<span class="snippet[^"]*">.*?</span>(?=\s*(<span class="due">|</a>))',
        row_html,
        re.DOTALL,
    )
    assert found is not None
    return found.group()


# A blocked message, folded


def test_a_blocked_message_folds_to_one_line_with_its_reason_and_a_show_control(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    blocked = message_send(thread=thread, sender=buyer, body=EMAIL, now=T0 + timedelta(hours=1))
    assert blocked.status == MessageStatus.BLOCKED

    page = logged_in(buyer).get(f"/messages/{thread.pk}/")
    html = item(page, blocked.pk)

    assert html.startswith(f'<li class="message mine blocked" id="m{blocked.pk}">')
    # Folded (no "open"): one line, the time, the reason, and the control that unfolds it.
    assert '<details class="not-sent">' in html
    assert summary(html) == (
        '<summary><span class="not-sent-line"><strong class="not-sent-label">Not sent</strong> '
        f'<time datetime="{blocked.created_at.isoformat()}">'
        "…</time> "
        '<span class="not-sent-reason">Contains an email address</span></span> '
        '<span class="toggle"><span class="toggle-show">Show</span>'
        '<span class="toggle-hide">Hide</span></span></summary>'
    )
    # Unfolded, the full card: the warning, the text with what the policy found marked.
    assert "Not delivered: this message breaks the messaging policy. Only you can see it." in html
    assert (
        '<div class="body">Write to me at <mark title="Email address" data-category="email">'
        "ana@example.com</mark> please</div>"
    ) in html
    assert '<ul class="policy-findings"><li>Email address</li></ul>' in html
    assert html.index("<summary>") < html.index('<div class="meta">') < html.index("</details>")


def test_every_blocked_attempt_is_folded_and_delivered_messages_are_not(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller, now=T0)
    attempts = [
        message_send(thread=thread, sender=buyer, body=f"{EMAIL} ({n})", now=T0) for n in range(3)
    ]
    phone = message_send(thread=thread, sender=buyer, body="Call 415 555 2671 or a@b.com", now=T0)

    page = logged_in(buyer).get(f"/messages/{thread.pk}/")

    assert page.content.decode().count('<details class="not-sent">') == 4
    assert '<details class="not-sent" open' not in page.content.decode()
    assert "<details" not in item(page, first.pk).replace('<details class="report">', "")
    for attempt in attempts:
        assert '<span class="not-sent-reason">Contains an email address</span>' in item(
            page, attempt.pk
        )
    assert (
        '<span class="not-sent-reason">Contains an email address and a phone number</span>'
        in item(page, phone.pk)
    )


def test_the_message_just_refused_is_folded_too_and_the_reply_box_shows_what_to_change(
    buyer, seller
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)

    page = logged_in(buyer).post(f"/messages/{thread.pk}/", {"body": EMAIL})

    assert page.status_code == 400
    blocked = thread.messages.get(status=MessageStatus.BLOCKED)
    assert '<details class="not-sent">' in item(page, blocked.pk)
    # The reply box keeps the text, with the finding marked, where it is changed.
    content = page.content.decode()
    assert '<div class="policy-preview" data-server>' in content
    assert '<mark title="Email address" data-category="email">ana@example.com</mark>' in content
    assert f">{EMAIL}</textarea>" in content


def test_a_seller_sees_their_blocked_message_folded_and_the_buyer_never_sees_it(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    blocked = message_send(thread=thread, sender=seller, body=EMAIL, now=T0)

    seller_page = logged_in(seller).get(f"/seller/messages/{thread.pk}/")
    buyer_page = logged_in(buyer).get(f"/messages/{thread.pk}/")

    assert '<details class="not-sent">' in item(seller_page, blocked.pk)
    assert f'id="m{blocked.pk}"' not in buyer_page.content.decode()
    assert "ana@example.com" not in buyer_page.content.decode()
    assert "Not sent" not in buyer_page.content.decode()


def test_the_folded_line_is_in_spanish_for_a_spanish_sender(seller):
    buyer = BuyerFactory(language="es")
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    blocked = message_send(thread=thread, sender=buyer, body=EMAIL, now=T0)

    page = logged_in(buyer).get(f"/messages/{thread.pk}/")

    assert summary(item(page, blocked.pk)) == (
        '<summary><span class="not-sent-line"><strong class="not-sent-label">No enviado</strong> '
        f'<time datetime="{blocked.created_at.isoformat()}">'
        "…</time> "
        '<span class="not-sent-reason">Contiene una dirección de correo electrónico</span></span> '
        '<span class="toggle"><span class="toggle-show">Mostrar</span>'
        '<span class="toggle-hide">Ocultar</span></span></summary>'
    )


def test_live_updates_bring_a_blocked_message_folded(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller, now=T0)
    blocked = message_send(thread=thread, sender=buyer, body=EMAIL, now=T0 + timedelta(minutes=1))

    answer = logged_in(buyer).get(f"/messages/{thread.pk}/updates/?after={first.pk}").json()

    assert [m["id"] for m in answer["messages"]] == [blocked.pk]
    html = answer["messages"][0]["html"]
    assert '<details class="not-sent">' in html
    assert '<span class="not-sent-reason">Contains an email address</span>' in html


def test_a_released_message_unfolds_for_good(buyer, seller, staff):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    blocked = message_send(thread=thread, sender=buyer, body=EMAIL, now=T0)
    client = logged_in(buyer)
    assert '<details class="not-sent">' in item(client.get(f"/messages/{thread.pk}/"), blocked.pk)

    message_release(message=blocked, reviewer=staff, now=T0 + timedelta(hours=1))
    html = item(client.get(f"/messages/{thread.pk}/"), blocked.pk)

    assert "<details" not in html
    assert f'<div class="body">{EMAIL}</div>' in html


# A reported message


def report(client: Client, thread_id: int, message_id: int, reason: str = "spam"):
    return client.post(
        f"/messages/{thread_id}/messages/{message_id}/report/", {"reason": reason, "note": ""}
    )


def test_a_reported_message_says_so_to_its_reporter_and_loses_its_form(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    reported = message_send(thread=thread, sender=seller, body="It ships on Monday.", now=T0)
    other = message_send(thread=thread, sender=seller, body="Shipped today.", now=T0)
    client = logged_in(buyer)
    assert 'class="report"' in item(client.get(f"/messages/{thread.pk}/"), reported.pk)

    assert report(client, thread.pk, reported.pk).status_code == 302
    page = client.get(f"/messages/{thread.pk}/")

    assert ModerationCase.objects.filter(kind=CaseKind.REPORT, message=reported).count() == 1
    html = item(page, reported.pk)
    assert says_reported(html)
    assert 'class="report"' not in html
    assert f'id="report-reason-{reported.pk}"' not in page.content.decode()
    # Only that one: the seller's other message can still be reported.
    assert f'<select name="reason" id="report-reason-{other.pk}" required>' in item(page, other.pk)
    assert 'class="reported"' not in item(page, other.pk)


def test_the_seller_never_sees_that_their_message_was_reported(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    reported = message_send(thread=thread, sender=seller, body="It ships on Monday.", now=T0)
    report(logged_in(buyer), thread.pk, reported.pk)

    page = logged_in(seller).get(f"/seller/messages/{thread.pk}/")

    assert "reported" not in item(page, reported.pk)


def test_a_message_stays_reported_when_its_report_is_closed(buyer, seller, staff):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    reported = message_send(thread=thread, sender=seller, body="It ships on Monday.", now=T0)
    client = logged_in(buyer)
    report(client, thread.pk, reported.pk)
    case_dismiss(case=ModerationCase.objects.get(kind=CaseKind.REPORT), reviewer=staff)

    html = item(client.get(f"/messages/{thread.pk}/"), reported.pk)

    assert says_reported(html)
    assert 'class="report"' not in html


def test_the_reported_line_is_in_spanish_for_a_spanish_buyer(seller):
    buyer = BuyerFactory(language="es")
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    reported = message_send(thread=thread, sender=seller, body="It ships on Monday.", now=T0)
    client = logged_in(buyer)
    report(client, thread.pk, reported.pk)

    html = item(client.get(f"/messages/{thread.pk}/"), reported.pk)

    assert says_reported(html, "Denunciaste este mensaje el")
    assert 'class="report"' not in html


def test_live_updates_show_a_message_reported_from_another_tab_as_reported(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller, now=T0)
    reported = message_send(thread=thread, sender=seller, body="It ships on Monday.", now=T0)
    client = logged_in(buyer)
    report(client, thread.pk, reported.pk)

    answer = client.get(f"/messages/{thread.pk}/updates/?after={first.pk}").json()

    [html] = [m["html"] for m in answer["messages"]]
    assert says_reported(html)
    assert 'class="report"' not in html


def test_reports_cost_the_thread_page_one_query_however_many(
    buyer, seller, django_assert_num_queries, settings
):
    settings.MESSAGE_SEND_RATE = "1000/60"
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    sent = [message_send(thread=thread, sender=seller, body=f"Offer {n}", now=T0) for n in range(6)]
    client = logged_in(buyer)
    report(client, thread.pk, sent[0].pk)
    # Each page marks new messages read (one of its queries), as in test_views.
    with django_assert_num_queries(BUYER_THREAD_QUERIES):
        client.get(f"/messages/{thread.pk}/")

    for message in sent[1:]:
        report(client, thread.pk, message.pk)
    latest = message_send(thread=thread, sender=seller, body="Anything else?", now=T0)
    with django_assert_num_queries(BUYER_THREAD_QUERIES):
        page = client.get(f"/messages/{thread.pk}/")

    assert page.content.decode().count('<p class="reported">') == 6
    assert page.content.decode().count('<details class="report">') == 1
    assert 'class="report"' in item(page, latest.pk)


# "Not sent" in the inbox


NOT_SENT_ROW = (
    '<span class="snippet not-sent"><strong class="not-sent-label">Not sent</strong> · '
    "Contains an email address</span>"
)


def test_the_senders_row_says_not_sent_and_the_other_sides_row_is_unchanged(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is it?", now=T0)
    message_send(thread=thread, sender=buyer, body=EMAIL, now=T0 + timedelta(hours=1))

    buyer_inbox = logged_in(buyer).get("/messages/")
    seller_inbox = logged_in(seller).get("/seller/?folder=all")

    assert snippet(row(buyer_inbox, thread.pk)) == NOT_SENT_ROW
    assert "ana@example.com" not in buyer_inbox.content.decode()
    assert snippet(row(seller_inbox, thread.pk)) == '<span class="snippet">Where is it?</span>'
    assert "ana@example.com" not in seller_inbox.content.decode()
    assert "Not sent" not in seller_inbox.content.decode()


def test_a_sellers_row_says_not_sent_in_seller_central(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is it?", now=T0)
    message_send(thread=thread, sender=seller, body=EMAIL, now=T0 + timedelta(hours=1))

    seller_inbox = logged_in(seller).get("/seller/?folder=all")
    buyer_inbox = logged_in(buyer).get("/messages/")

    assert snippet(row(seller_inbox, thread.pk)) == NOT_SENT_ROW
    assert snippet(row(buyer_inbox, thread.pk)) == (
        '<span class="snippet">You: Where is it?</span>'
    )


def test_the_row_is_in_spanish_for_a_spanish_sender(seller):
    buyer = BuyerFactory(language="es")
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    message_send(thread=thread, sender=buyer, body="Llámame al 415 555 2671", now=T0)

    inbox = logged_in(buyer).get("/messages/")

    assert snippet(row(inbox, thread.pk)) == (
        '<span class="snippet not-sent"><strong class="not-sent-label">No enviado</strong> · '
        "Contiene un número de teléfono</span>"
    )


def test_the_row_goes_back_to_the_latest_message_once_one_is_delivered(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    client = logged_in(buyer)
    message_send(thread=thread, sender=buyer, body=EMAIL, now=T0 + timedelta(hours=1))
    assert snippet(row(client.get("/messages/"), thread.pk)) == NOT_SENT_ROW

    # The seller answers: the thread moved on, and the row shows the answer.
    message_send(thread=thread, sender=seller, body="Shipped.", now=T0 + timedelta(hours=2))
    assert snippet(row(client.get("/messages/"), thread.pk)) == (
        '<span class="snippet">Shipped.</span>'
    )

    message_send(thread=thread, sender=buyer, body=EMAIL, now=T0 + timedelta(hours=3))
    assert snippet(row(client.get("/messages/"), thread.pk)) == NOT_SENT_ROW

    # The buyer sends it again without the address: it went out.
    message_send(thread=thread, sender=buyer, body="Thanks!", now=T0 + timedelta(hours=4))
    assert snippet(row(client.get("/messages/"), thread.pk)) == (
        '<span class="snippet">You: Thanks!</span>'
    )


def test_a_message_still_sending_is_not_shown_as_not_sent(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is it?", now=T0)
    message_send(thread=thread, sender=buyer, body=EMAIL, now=T0 + timedelta(minutes=1))
    sending = message_send(
        thread=thread,
        sender=buyer,
        body="Any news?",
        now=timezone.now(),
        undo_seconds=30,
    )
    assert sending.status == MessageStatus.SENDING

    inbox = logged_in(buyer).get("/messages/")

    assert snippet(row(inbox, thread.pk)) == '<span class="snippet">You: Where is it?</span>'


def test_a_released_message_ends_not_sent(buyer, seller, staff):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    blocked = message_send(thread=thread, sender=buyer, body=EMAIL, now=T0 + timedelta(hours=1))
    client = logged_in(buyer)
    assert snippet(row(client.get("/messages/"), thread.pk)) == NOT_SENT_ROW

    message_release(message=blocked, reviewer=staff, now=T0 + timedelta(hours=2))

    assert snippet(row(client.get("/messages/"), thread.pk)) == (
        f'<span class="snippet">You: {EMAIL}</span>'
    )


def test_a_cached_row_is_never_stale_when_its_not_sent_state_changes(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is it?", now=T0)
    client = logged_in(buyer)
    client.get("/messages/")
    again = client.get("/messages/")
    assert sum(t.name == "includes/inbox_row.html" for t in again.templates) == 0  # cached

    message_send(thread=thread, sender=buyer, body=EMAIL, now=T0 + timedelta(minutes=1))
    after = client.get("/messages/")

    assert sum(t.name == "includes/inbox_row.html" for t in after.templates) == 1
    assert snippet(row(after, thread.pk)) == NOT_SENT_ROW


def test_not_sent_rows_cost_the_inbox_one_query_however_many(
    buyer, django_assert_num_queries, settings
):
    settings.MESSAGE_SEND_RATE = "1000/60"

    def add_threads(count: int) -> None:
        for _ in range(count):
            thread, _ = thread_with_message(buyer=buyer, seller=SellerFactory(), now=T0)
            message_send(thread=thread, sender=buyer, body=EMAIL, now=T0 + timedelta(hours=1))

    client = logged_in(buyer)
    add_threads(2)
    with django_assert_num_queries(BUYER_INBOX_QUERIES):
        client.get("/messages/")

    add_threads(8)
    with django_assert_num_queries(BUYER_INBOX_QUERIES):
        inbox = client.get("/messages/")

    assert inbox.content.decode().count('<span class="snippet not-sent">') == 10


def test_the_seller_inbox_query_count_holds_with_not_sent_rows(
    seller, django_assert_num_queries, settings
):
    settings.MESSAGE_SEND_RATE = "1000/60"
    client = logged_in(seller)
    for _ in range(4):
        thread, _ = thread_with_message(buyer=BuyerFactory(), seller=seller, now=T0)
        message_send(thread=thread, sender=seller, body=EMAIL, now=T0 + timedelta(hours=1))

    with django_assert_num_queries(SELLER_INBOX_QUERIES):
        inbox = client.get("/seller/?folder=all")

    assert inbox.content.decode().count('<span class="snippet not-sent">') == 4
