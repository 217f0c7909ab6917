"""The response showing a new API token may write to the clipboard (its Copy button); no other."""

import pytest
from django.conf import settings

from core.security_headers import permissions_header_value

pytestmark = pytest.mark.django_db

TOKENS = "/accounts/api-tokens/"


def test_new_token_page_has_a_hidden_copy_button_and_may_write_the_clipboard(seller_client):
    response = seller_client.post(TOKENS, {"name": "Helpdesk"})
    page = response.content.decode()

    assert response.status_code == 200
    assert '<button type="button" id="copy-token"' in page
    assert "hidden>Copy</button>" in page
    assert '<script src="/static/js/copy_token.js" defer></script>' in page
    policy = response["Permissions-Policy"]
    assert "clipboard-write=(self)" in policy
    assert "clipboard-read=()" in policy
    assert policy == permissions_header_value(
        settings.PERMISSIONS_POLICY_DISABLED, own=["clipboard-write"]
    )


def test_token_list_without_a_new_token_keeps_the_clipboard_closed(seller_client):
    response = seller_client.get(TOKENS)

    assert "copy-token" not in response.content.decode()
    assert "clipboard-write=()" in response["Permissions-Policy"]


def test_refused_token_name_keeps_the_clipboard_closed(seller_client):
    response = seller_client.post(TOKENS, {"name": ""})

    assert response.status_code == 400
    assert "clipboard-write=()" in response["Permissions-Policy"]
