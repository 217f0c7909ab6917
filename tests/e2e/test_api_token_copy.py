"""In a real browser: a seller creates an API token and copies it with one click; where the
clipboard cannot be written, the button selects the token instead."""

import pytest

from accounts.models import ApiToken
from tests.accounts.factories import SellerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_CLIPBOARD_API = (
    "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});"
)


def create_token(tab) -> str:
    tab.open("/accounts/api-tokens/")
    assert tab.page.is_hidden("#copy-token")  # no token shown, no button
    tab.page.fill("#id_name", "Helpdesk")
    tab.page.click("button.primary")
    tab.page.wait_for_selector("#copy-token", state="visible")
    return tab.page.text_content("#new-token").strip()


def test_seller_copies_a_new_token_to_the_clipboard(signed_in):
    seller = SellerFactory(display_name="Marta Ruiz")
    tab = signed_in(seller, "seller-token-copy")
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=tab.base)

    token = create_token(tab)
    tab.page.click("#copy-token")
    tab.page.wait_for_selector("#copy-token-status:has-text('Copied.')")
    tab.shot("copied")
    # Paste it into the name field, as a person would (the page itself may not read the
    # clipboard: its Permissions-Policy denies clipboard-read).
    tab.page.fill("#id_name", "")
    tab.page.focus("#id_name")
    tab.page.keyboard.press("ControlOrMeta+V")

    assert token.startswith("mc_")
    assert tab.page.input_value("#id_name") == token
    assert ApiToken.objects.filter(user=seller, name="Helpdesk").count() == 1


def test_without_the_clipboard_api_copy_selects_the_token(signed_in):
    seller = SellerFactory(display_name="Marta Ruiz")
    tab = signed_in(seller, "seller-token-select")
    tab.context.add_init_script(script=NO_CLIPBOARD_API)

    token = create_token(tab)
    tab.page.click("#copy-token")
    tab.shot("selected")

    assert tab.page.evaluate("window.getSelection().toString().trim()") == token
    assert tab.page.text_content("#copy-token-status") == (
        "The token is selected: press Ctrl+C (⌘C on a Mac) to copy it."
    )


def test_without_javascript_the_button_stays_hidden(browser, live_server):
    from django.test import Client

    seller = SellerFactory()
    client = Client()
    client.force_login(seller)
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/api-tokens/")
        page.fill("#id_name", "Script")
        page.click("button.primary")
        page.wait_for_selector("#new-token")

        assert page.is_hidden("#copy-token")
        assert page.text_content("#new-token").strip().startswith("mc_")
    finally:
        context.close()
