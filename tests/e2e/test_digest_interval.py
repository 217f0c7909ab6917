"""In a real browser: the digest interval shows only with "digest" chosen; without JavaScript it
is always there."""

import pytest
from django.test import Client

from accounts.models import User
from tests.accounts.factories import BuyerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SETTINGS = "/account/notifications/"


def test_digest_interval_follows_the_chosen_mode(signed_in):
    buyer = BuyerFactory(notification_mode="immediate")
    tab = signed_in(buyer, "buyer-digest-interval")
    tab.open(SETTINGS)

    assert tab.page.is_hidden("#id_digest_interval_minutes")
    tab.page.check('input[name="mode"][value="digest"]')
    assert tab.page.is_visible("#id_digest_interval_minutes")
    tab.page.select_option("#id_digest_interval_minutes", "240")
    tab.shot("digest")
    with tab.page.expect_navigation():
        tab.page.click("form.card button.primary >> nth=0")
    assert tab.page.is_visible("#id_digest_interval_minutes")  # digest saved: shown at once
    tab.page.check('input[name="mode"][value="off"]')

    assert tab.page.is_hidden("#id_digest_interval_minutes")
    buyer = User.objects.get(pk=buyer.pk)
    assert (buyer.notification_mode, buyer.digest_interval_minutes) == ("digest", 240)


def test_without_javascript_the_digest_interval_is_always_shown(browser, live_server):
    buyer = BuyerFactory(notification_mode="immediate")
    client = Client()
    client.force_login(buyer)
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + SETTINGS)

        assert page.is_visible("#id_digest_interval_minutes")
    finally:
        context.close()
