"""Every HTML page sends the Content-Security-Policy and the Permissions-Policy, exactly.

The routes come from the URLConf (the scenario and helpers of the authorization matrix), so a
new route fails here until it is listed as a page, with who opens it, or as something else.
The policies are written out in full: a change to either is a change to this file too.
"""

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import get_resolver

import messagecenter.settings as settings_module
from tests.test_authorization_matrix import admin_url, client_for, make_scenario, url_for, walk

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
# Swagger UI's stylesheet draws its icons as data: images.
DOCS_CSP = CSP + "; img-src 'self' data:"
# The two admin fields that show text with style="white-space:pre-wrap" / "white-space: pre-wrap".
ADMIN_CSP = (
    CSP + "; style-src-attr 'unsafe-hashes' "
    "'sha256-CSr5A7IS9dRw3Uo7TFEY+Os1KKjUjndCqZWzkW4uTaY=' "
    "'sha256-MhKNMxi8AYujc7LgatwtyNdREZ6Cf3QT4yvkby13/l0='"
)
DOWNLOAD_CSP = "default-src 'none'; sandbox"
PERMISSIONS = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), clipboard-read=(), "
    "clipboard-write=(), display-capture=(), encrypted-media=(), fullscreen=(), gamepad=(), "
    "geolocation=(), gyroscope=(), hid=(), identity-credentials-get=(), idle-detection=(), "
    "local-fonts=(), magnetometer=(), microphone=(), midi=(), otp-credentials=(), payment=(), "
    "picture-in-picture=(), publickey-credentials-create=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), serial=(), storage-access=(), usb=(), window-management=(), "
    "xr-spatial-tracking=()"
)

# Each HTML page and who opens it (the scenario's users: its order's buyer and seller, staff,
# anonymous). Everyone else gets the sign-in redirect or a 404, checked below as well.
PAGES: dict[str, tuple[str, ...]] = {
    "accounts:login": ("anonymous",),
    "accounts:api-tokens": ("seller",),
    "notifications:settings": ("buyer", "seller", "staff"),
    "notifications:webhooks": ("seller",),
    "api-docs": ("anonymous", "buyer", "seller", "staff"),
    "orders:list": ("buyer", "seller", "staff"),
    "orders:detail": ("buyer", "seller"),
    "orders:products": ("buyer", "seller", "staff"),
    "messaging:inbox": ("buyer", "staff"),
    "messaging:seller-inbox": ("seller",),
    "messaging:thread": ("buyer",),
    "messaging:seller-thread": ("seller",),
    "messaging:start-order": ("buyer",),
    "messaging:start-product": ("buyer", "staff"),
    "messaging:seller-orders": ("seller",),
    "messaging:seller-order": ("seller",),
    "messaging:preferences": ("buyer", "staff"),
    "messaging:seller-performance": ("seller",),
    "messaging:saved-replies": ("seller",),
    "messaging:saved-reply-create": ("seller",),
    "messaging:saved-reply-edit": ("seller",),
    "messaging:saved-reply-delete": ("seller",),
    "messaging:team": ("seller",),
    "messaging:team-join": ("anonymous", "buyer", "seller", "staff"),  # an invitation's link
}
# Routes that are not pages: the JSON API and schema, POST-only actions, redirects, files.
NOT_PAGES = {
    "home": "redirect",
    "health": "json",
    "ready": "json",
    "metrics": "text",
    "evidence-public-key": "pem",
    "favicon": "redirect",
    "accounts:logout": "post",
    "accounts:language-set": "post",
    "accounts:api-token-revoke": "post",
    "notifications:undo-send": "post",
    "notifications:address-add": "post",
    "notifications:address-remove": "post",
    "notifications:webhook-remove": "post",
    "notifications:webhook-secret": "post",
    "notifications:webhook-test": "post",
    "api-schema": "schema",
    "api-not-found": "json",
    "messaging:thread-updates": "json",
    "messaging:inbox-updates": "json",
    "messaging:thread-bulk": "post",
    "messaging:thread-action": "post",
    "messaging:preferences-unblock": "post",
    "messaging:message-report": "post",
    "messaging:thread-evidence": "post",
    "messaging:message-undo": "post",
    "messaging:team-invitation-revoke": "post",
    "messaging:team-member-role": "post",
    "messaging:team-member-remove": "post",
    "messaging:thread-note-add": "post",
    "messaging:thread-assign": "post",
    "messaging:team-switch": "post",
    "messaging:attachment": "file",
    "messaging:attachment-thumbnail": "file",
    "orders:product-image": "file",
    "orders:product-thumbnail": "file",
    "messaging:seller-performance-csv": "csv",
    "inbound_email:mailgun": "webhook",
    "inbound_email:mailgun-mime": "webhook",
}
# The REST API answers JSON, and a file's bytes at one route.
API_ROUTES = [name for name, _, _ in walk(get_resolver().url_patterns) if name.startswith("api:")]
NOT_PAGES.update(dict.fromkeys(API_ROUTES, "json"))
NOT_PAGES["api:attachment-content"] = "file"

ROUTES = {name: pattern for name, _, pattern in walk(get_resolver().url_patterns)}
SITE_ROUTES = sorted(name for name in ROUTES if not name.startswith("admin:"))
ADMIN_ROUTES = [
    pytest.param(name, path, id=path if name.endswith(":None") else name)
    for name, path, _ in walk(get_resolver().url_patterns)
    if name.startswith("admin:")
]
# A script element without src, unless it is a JSON data block (json_script), which never runs.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.IGNORECASE
)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=|javascript:", re.IGNORECASE)


def assert_policies(response, csp: str = CSP) -> None:
    assert response["Content-Security-Policy"] == csp
    assert response["Permissions-Policy"] == PERMISSIONS


def assert_no_inline_code(html: str) -> None:
    assert INLINE_SCRIPT.findall(html) == []
    assert INLINE_STYLE.findall(html) == []
    assert INLINE_HANDLER.findall(html) == []


def test_every_route_is_a_page_or_listed_as_something_else():
    assert set(PAGES) & set(NOT_PAGES) == set()
    assert set(SITE_ROUTES) - set(PAGES) - set(NOT_PAGES) == set(), "list the new routes"
    assert (set(PAGES) | set(NOT_PAGES)) - set(SITE_ROUTES) == set(), "routes that are gone"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_sends_both_policies_to_everyone(name):
    scenario = make_scenario()
    url = url_for(name, ROUTES[name], scenario)
    for role in ("anonymous", "buyer", "seller", "staff", "other_buyer"):
        response = client_for(role, scenario).get(url)
        if role in PAGES[name]:
            assert response.status_code == 200, (role, url)
            assert response["Content-Type"].startswith("text/html"), (role, url)
            html = response.content.decode()
            assert_no_inline_code(html)
        # Sign-in redirects, 404 pages and the other side's redirect carry them too.
        assert_policies(response, DOCS_CSP if name == "api-docs" else CSP)


@pytest.mark.parametrize("name", sorted(NOT_PAGES))
def test_other_responses_carry_the_policies_too(name):
    scenario = make_scenario()
    url = url_for(name, ROUTES[name], scenario)
    response = client_for("seller", scenario).get(url)
    expected = DOWNLOAD_CSP if NOT_PAGES[name] == "file" else CSP
    assert_policies(response, expected)


def test_downloads_keep_their_own_stricter_policy():
    scenario = make_scenario()
    client = client_for("buyer", scenario)
    for name in ("messaging:attachment", "messaging:attachment-thumbnail"):
        response = client.get(url_for(name, ROUTES[name], scenario))
        assert response.status_code == 200
        assert_policies(response, DOWNLOAD_CSP)


def test_pages_answering_a_form_with_errors_send_the_policies():
    scenario = make_scenario()
    client = client_for("buyer", scenario)
    thread = url_for("messaging:thread", ROUTES["messaging:thread"], scenario)
    refused = client.post(thread, {"body": "Call me on 415 555 2671 please"})
    login = Client().post("/accounts/login/", {"username": "x@example.com", "password": "x"})
    csrf = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    for response in (refused, login, csrf):
        assert response["Content-Type"].startswith("text/html")
        assert_policies(response)
    assert (refused.status_code, login.status_code, csrf.status_code) == (400, 200, 403)


def test_the_not_found_page_sends_the_policies():
    scenario = make_scenario()
    response = client_for("buyer", scenario).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert_policies(response)


@pytest.mark.parametrize(("name", "path"), ADMIN_ROUTES)
def test_admin_pages_send_the_admin_policy(name, path):
    scenario = make_scenario()
    url = admin_url(path, scenario)
    response = client_for("staff", scenario).get(url, follow=True)
    assert_policies(response, ADMIN_CSP)
    if response["Content-Type"].startswith("text/html"):
        assert INLINE_SCRIPT.findall(response.content.decode()) == []


def test_admin_sign_in_page_sends_the_admin_policy():
    response = Client().get("/admin/login/")
    assert response.status_code == 200
    assert_policies(response, ADMIN_CSP)
    assert_no_inline_code(response.content.decode())


def test_api_docs_start_swagger_ui_from_a_script_file():
    client = Client()
    page = client.get("/api/docs/")
    html = page.content.decode()
    script = client.get("/api/docs/?script=")

    assert_no_inline_code(html)
    assert '<script src="/api/docs/?script="></script>' in html
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    # No badge image from an outside validator, which would be sent the schema's address.
    assert '"validatorUrl": null' in script.content.decode()


def test_templates_hold_no_inline_script_style_or_handler():
    root = Path(settings.BASE_DIR) / "templates"
    emails = root / "notifications" / "email"  # sent as email, never served as a page
    found = {}
    for template in sorted(root.rglob("*.html")):
        if emails in template.parents:
            continue
        text = template.read_text()
        hits = INLINE_SCRIPT.findall(text) + INLINE_STYLE.findall(text)
        hits += INLINE_HANDLER.findall(text)
        if hits:
            found[str(template.relative_to(root))] = hits
    assert found == {}


def test_django_debug_error_pages_are_left_without_a_policy(settings):
    # Only with DEBUG on: Django's own error pages are built from inline styles and script.
    settings.DEBUG = True
    scenario = make_scenario()
    client = client_for("buyer", scenario)
    missing = client.get("/no-such-page/")
    page = client.get("/orders/")

    assert missing.status_code == 404
    assert "Content-Security-Policy" not in missing
    assert missing["Permissions-Policy"] == PERMISSIONS
    assert_policies(page)


def test_the_policy_names_object_storage_for_thumbnails_when_files_live_there(monkeypatch):
    with monkeypatch.context() as patched:
        patched.setenv("DEBUG", "1")
        patched.setenv("AWS_STORAGE_BUCKET_NAME", "mc-files")
        patched.setenv("AWS_S3_ENDPOINT_URL", "https://objects.example.net:9000/")
        img_src = importlib.reload(settings_module).SECURE_CSP["img-src"]
    importlib.reload(settings_module)

    assert img_src == [
        "'self'",
        "https://objects.example.net:9000",
        "https://mc-files.objects.example.net:9000",
    ]
    assert "img-src" not in settings_module.SECURE_CSP
