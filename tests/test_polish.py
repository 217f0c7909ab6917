"""Words, dates and polish across the pages, each asserted exactly as a person reads it."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation

from accounts.demo import SELLERS
from messaging.moderation.services import seller_restrict
from messaging.policy.reasons import reason_display
from tests.accounts.factories import BuyerFactory, SellerFactory, StaffFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def english_datetime(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%b} {local.day}, {local:%Y}, {local:%H:%M}"


# --- 1. one date style per context ---------------------------------------------------------


def test_the_order_page_writes_the_window_end_once_with_one_period(seller_client, seller):
    completed = timezone.now() - timedelta(days=2)
    order = OrderFactory(
        seller=seller, status="completed", delivered_at=completed, completed_at=completed
    )
    until = english_datetime(completed + timedelta(days=settings.PROACTIVE_WINDOW_DAYS))

    html = seller_client.get(f"/seller/orders/{order.number}/").content.decode()

    assert f"Proactive messages possible until {until}." in html
    assert ".." not in re.sub(r"<[^>]+>", "", html).replace("...", "")
    assert "a.m." not in html and "p.m." not in html


@pytest.mark.parametrize(
    ("language", "five_minutes_ago"), [("en", "5 minutes ago"), ("es", "hace 5 minutos")]
)
def test_recent_messages_read_relative_in_the_inbox_and_the_conversation(
    client, language, five_minutes_ago
):
    buyer = BuyerFactory(language=language)
    sent = timezone.now() - timedelta(minutes=5, seconds=10)
    thread, message = thread_with_message(buyer=buyer, now=sent)
    client.force_login(buyer)

    inbox = client.get("/messages/").content.decode()
    conversation = client.get(f"/messages/{thread.pk}/").content.decode()

    iso = timezone.localtime(message.created_at).isoformat()
    assert f'<time datetime="{iso}">{five_minutes_ago}</time>' in inbox
    assert f'<time datetime="{iso}">{five_minutes_ago}</time>' in conversation


def test_an_older_message_reads_as_a_date_in_spanish(client):
    buyer = BuyerFactory(language="es")
    sent = datetime(2026, 3, 9, 8, 30, tzinfo=UTC)
    thread, _ = thread_with_message(buyer=buyer, now=sent)
    client.force_login(buyer)

    conversation = client.get(f"/messages/{thread.pk}/").content.decode()

    assert f'<time datetime="{sent.isoformat()}">9 mar 2026, 08:30</time>' in conversation


def test_the_admin_writes_iso_8601_with_the_zone(client):
    OrderFactory(number="112-0000001-0000001", placed_at=datetime(2026, 12, 30, 6, 44, tzinfo=UTC))
    client.force_login(StaffFactory(is_superuser=True))

    html = client.get("/admin/orders/order/").content.decode()

    assert "2026-12-30T06:44:00+0000" in html
    assert "Dec. 30, 2026" not in html


def test_the_obligations_export_writes_iso_8601_with_the_zone(seller_client, seller):
    received = datetime(2026, 12, 30, 6, 44, tzinfo=UTC)
    thread_with_message(order=OrderFactory(seller=seller), now=received)

    response = seller_client.get("/seller/performance.csv")
    rows = b"".join(response.streaming_content).decode().splitlines()

    assert rows[1].split(",")[4:6] == ["2026-12-30T06:44:00+00:00", "2026-12-31T06:44:00+00:00"]


# --- 2. the order status is not said twice --------------------------------------------------


@pytest.mark.parametrize(
    ("language", "summary"),
    [
        ("en", '<span class="tag">Placed</span> Ordered today</p>'),
        ("es", '<span class="tag">Realizado</span> Comprado hoy</p>'),
    ],
)
def test_the_order_summary_says_placed_once(client, language, summary):
    buyer = BuyerFactory(language=language)
    thread, _ = thread_with_message(order=OrderFactory(buyer=buyer, status="placed"))
    client.force_login(buyer)

    html = client.get(f"/messages/{thread.pk}/").content.decode()

    assert summary in html
    assert "Placed Placed" not in html and "Realizado Realizado" not in html


# --- 3. a restriction is stated once ---------------------------------------------------------

RESTRICTED = "Your proactive messages and review requests are restricted until"


def test_a_restricted_sellers_order_pages_state_the_restriction_once(seller_client, seller):
    restriction = seller_restrict(
        seller=seller, days=14, reason="Off-platform contact.", actor=StaffFactory()
    )
    order = OrderFactory(seller=seller, status="delivered", delivered_at=timezone.now())
    until = english_datetime(restriction.ends_at)

    detail = seller_client.get(f"/seller/orders/{order.number}/").content.decode()
    orders = seller_client.get("/seller/orders/").content.decode()

    banner = (
        f'<p class="warning" role="alert">{RESTRICTED} {until} (reason: Off-platform contact.). '
        "You can still reply to buyers.</p>"
    )
    assert detail.count(RESTRICTED) == 1 and banner in detail
    assert 'data-code="seller_restricted"' not in detail
    assert detail.count('<span class="tag status-failed">Not available</span>') == 9
    assert orders.count(RESTRICTED) == 1 and banner in orders


# --- 4. the compose hint shows the limit that applies there ----------------------------------


def test_a_reply_and_a_first_message_say_5000_characters(client):
    buyer = BuyerFactory()
    thread, _ = thread_with_message(buyer=buyer)
    client.force_login(buyer)
    order = OrderFactory(buyer=buyer)

    reply = client.get(f"/messages/{thread.pk}/").content.decode()
    first = client.get(f"/orders/{order.number}/contact/").content.decode()

    hint = "Do not share email addresses, phone numbers or links. Up to 5,000 characters."
    for page in (reply, first):
        assert f'<p class="hint" id="body-hint">{hint}</p>' in page
        assert 'maxlength="5000"' in page


@pytest.mark.parametrize(
    ("language", "hint"),
    [
        ("en", "Do not share email addresses, phone numbers or links. Up to 1,000 characters."),
        (
            "es",
            "No compartas direcciones de correo, números de teléfono ni enlaces. "
            "Hasta 1\xa0000 caracteres.",
        ),
    ],
)
def test_a_proactive_message_says_the_limit_of_its_reason(client, language, hint):
    seller = SellerFactory(language=language)
    completed = timezone.now() - timedelta(days=2)
    order = OrderFactory(
        seller=seller, status="completed", delivered_at=completed, completed_at=completed
    )
    client.force_login(seller)

    html = client.get(f"/seller/orders/{order.number}/?reason=delivery_scheduling").content.decode()

    assert f'<p class="hint" id="body-hint">{hint}</p>' in html
    assert 'maxlength="1000"' in html
    assert 'maxlength="5000"' not in html
    # Each reason carries its own limit for the page's script to show when it is picked.
    assert 'value="invoice" data-max-length="500"' in html


def test_a_proactive_message_with_no_reason_picked_says_the_longest_limit(seller_client, seller):
    completed = timezone.now() - timedelta(days=2)
    order = OrderFactory(
        seller=seller, status="completed", delivered_at=completed, completed_at=completed
    )

    html = seller_client.get(f"/seller/orders/{order.number}/").content.decode()

    assert "links. Up to 2,000 characters.</p>" in html
    assert 'maxlength="2000"' in html


# --- 6. Spanish agrees with the noun ---------------------------------------------------------


def test_a_disguised_contact_detail_reads_right_in_spanish_whatever_its_gender():
    email = {"code": "email_address", "params": {"disguises": ["invisible_characters"]}}
    phone = {"code": "phone_number", "params": {"disguises": ["digits_as_words"]}}

    with translation.override("es"):
        assert reason_display(email) == (
            "Dirección de correo electrónico, con camuflaje mediante caracteres invisibles"
        )
        assert reason_display(phone).startswith("Número de teléfono, con camuflaje mediante ")

    catalog = (Path(settings.BASE_DIR) / "locale/es/LC_MESSAGES/django.po").read_text()
    assert "camuflado" not in catalog


# --- 7. the seller header on the API tokens page ---------------------------------------------


def test_the_api_tokens_page_wears_the_seller_header_for_a_seller(seller_client):
    html = seller_client.get("/accounts/api-tokens/").content.decode()

    assert '<body class="seller">' in html
    assert '<a class="brand" href="/">Seller Central</a>' in html


def test_the_api_tokens_page_keeps_the_site_header_for_a_buyer(buyer_client):
    html = buyer_client.get("/accounts/api-tokens/").content.decode()

    assert '<body class="">' in html
    assert '<a class="brand" href="/">Message Center</a>' in html


def test_the_webhook_url_field_is_styled_like_the_other_inputs():
    css = (Path(settings.BASE_DIR) / "static/css/app.css").read_text()

    assert (
        "input[type=email], input[type=password], input[type=text], input[type=url], textarea, "
        "select {" in css
    )


# --- 9. the README names the demo seller who speaks Spanish ----------------------------------


def test_the_readme_names_the_spanish_speaking_demo_seller():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    spanish = [(email, name) for email, name, _shop, language in SELLERS if language == "es"]

    assert spanish == [("seller@example.com", "Marta Ruiz")]
    assert (
        "| seller (Casa Cerámica: Marta Ruiz, uses the site in Spanish) | `seller@example.com` |"
        in readme
    )
