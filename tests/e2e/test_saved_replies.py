"""In a real browser: a seller inserts a saved reply at the cursor of the reply box and sends
it; without JavaScript the same control reloads the page with the reply in the box."""

import pytest
from django.test import Client

from messaging.models import Message
from messaging.replies import services
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.e2e.conftest import ARTIFACTS
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory, OrderItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def conversation():
    buyer = BuyerFactory(display_name="Lucía Fernández")
    seller = SellerFactory(display_name="Marta Ruiz")
    order = OrderFactory(buyer=buyer, seller=seller, number="112-1007919-5104729")
    OrderItemFactory(order=order, title="Serving bowl, ocean glaze")
    thread, _ = thread_with_message(order=order, body="¿Cuándo llega mi pedido?")
    services.saved_reply_create(
        seller=seller, name="Care tips", body="Wash the {item} by hand.", language="en"
    )
    shipped = services.saved_reply_create(
        seller=seller,
        name="Pedido en camino",
        body="Hola, {buyer_name}: su pedido {order_number} ({item}) ya está en camino.",
        language="es",
    )
    return seller, thread, shipped


def test_seller_inserts_a_saved_reply_at_the_cursor_and_sends_it(signed_in):
    seller, thread, shipped = conversation()
    tab = signed_in(seller, "seller-saved-reply")
    tab.open(f"/seller/messages/{thread.pk}/")
    tab.page.fill("#id_body", "Un saludo, Marta")
    tab.page.eval_on_selector("#id_body", "box => box.setSelectionRange(0, 0)")

    tab.page.select_option("#saved-reply-select", str(shipped.pk))
    tab.page.click("#saved-reply-insert")
    tab.page.keyboard.type("\n\n")  # the cursor is left after the inserted reply
    drafted = tab.page.input_value("#id_body")
    announced = tab.page.text_content("#saved-reply-status")
    tab.shot("inserted")
    tab.page.click("form.reply button[type=submit]")
    tab.page.wait_for_url(f"**/seller/messages/{thread.pk}/#latest")
    tab.shot("sent")

    expected = (
        "Hola, Lucía Fernández: su pedido 112-1007919-5104729 (Serving bowl, ocean glaze) "
        "ya está en camino.\n\nUn saludo, Marta"
    )
    assert drafted == expected
    assert announced == "Saved reply inserted. Check the text before sending."
    assert tab.page.url.endswith(f"/seller/messages/{thread.pk}/#latest")  # not reloaded before
    sent = Message.objects.filter(thread=thread, sender=seller).get()
    assert (sent.body, sent.status) == (expected, "delivered")


def test_without_javascript_the_control_prefills_the_reply_box(browser, live_server):
    seller, thread, shipped = conversation()
    client = Client()
    client.force_login(seller)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1200, "height": 900}, locale="es-ES"
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/seller/messages/{thread.pk}/")
        page.select_option("#saved-reply-select", str(shipped.pk))
        page.click("#saved-reply-insert")
        page.wait_for_url(f"**/seller/messages/{thread.pk}/?saved_reply={shipped.pk}#id_body")
        prefilled = page.input_value("#id_body")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "seller-saved-reply-nojs-01.png"), full_page=True)
        picked = page.input_value("#saved-reply-select")
        page.click("form.reply button.primary")
        page.wait_for_url(f"**/seller/messages/{thread.pk}/#latest")
    finally:
        context.close()

    expected = (
        "Hola, Lucía Fernández: su pedido 112-1007919-5104729 (Serving bowl, ocean glaze) "
        "ya está en camino."
    )
    assert (prefilled, picked) == (expected, str(shipped.pk))
    assert Message.objects.filter(thread=thread, sender=seller).get().body == expected
