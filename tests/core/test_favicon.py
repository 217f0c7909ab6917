"""Every page links the icon; /favicon.ico, which browsers ask for anyway, is no 404."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ICON_LINK = '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">'


def test_favicon_ico_sends_browsers_to_the_svg_icon():
    response = Client().get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]


def test_pages_link_the_icon(seller):
    client = Client()

    assert ICON_LINK in client.get("/accounts/login/").content.decode()
    assert ICON_LINK in client.get("/admin/login/").content.decode()
    client.force_login(seller)
    assert ICON_LINK in client.get("/accounts/api-tokens/").content.decode()


def test_the_icon_is_a_static_file(live_server):
    import urllib.request

    with urllib.request.urlopen(live_server.url + "/favicon.ico") as answer:  # noqa: S310
        body = answer.read().decode()
        content_type = answer.headers["Content-Type"]

    assert content_type.startswith("image/svg+xml")
    assert body.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
