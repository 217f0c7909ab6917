"""Every page a buyer, a seller, staff and an anonymous visitor can reach, checked in a real
Chromium with axe-core (WCAG 2.0/2.1 A and AA rules), in English and in Spanish; and every
page used with the keyboard alone: each link, button and field is reached by Tab and shows a
visible focus ring when it is.

axe-core is vendored under tests/e2e/vendor/axe-core/ (test-only; never served by the site).
"""

from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from messaging.models import Participant, SavedReply, Thread
from messaging.threads.trash import thread_trash
from orders.models import Product
from tests.e2e.conftest import ARTIFACTS, watch_policy
from tests.orders.factories import OrderFactory, OrderItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
LANGUAGES = {"en": "en-US", "es": "es-ES"}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
    summary: v.nodes.length ? v.nodes[0].failureSummary : "",
  }));
}"""

# Tab through the page: what gets focus, and whether its focus is visible (an outline or a
# box-shadow ring of at least 2 px that is not transparent).
TAB_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
    && style.outlineColor !== "rgba(0, 0, 0, 0)";
  const ring = style.boxShadow && style.boxShadow !== "none";
  const label = (el.getAttribute("aria-label") || el.innerText || el.value || el.name || "")
    .trim().slice(0, 40);
  const key = el.type === "radio" ? "radio|" + el.name
    : el.tagName.toLowerCase() + "|" + (el.id || el.getAttribute("href") || el.name || "")
      + "|" + label;
  return {key: key, visible: outline || ring};
}"""

# Everything a keyboard user must be able to reach: enabled, rendered, not hidden from all.
REACHABLE = """() => Array.from(document.querySelectorAll(
  "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
  + "select:not([disabled]), textarea:not([disabled]), summary"
)).filter((el) => {
  if (el.closest("[hidden], [inert], details:not([open]) > :not(summary)")) return false;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return box.width > 0 && box.height > 0 && style.visibility !== "hidden";
}).map((el) => {
  // Tab stops once in a radio group (arrow keys move inside it), so a group is one stop.
  if (el.type === "radio") return "radio|" + el.name;
  const label = (el.getAttribute("aria-label") || el.innerText || el.value || el.name || "")
    .trim().slice(0, 40);
  return el.tagName.toLowerCase() + "|" + (el.id || el.getAttribute("href") || el.name || "")
    + "|" + label;
}).filter((key, index, keys) => keys.indexOf(key) === index)"""


@dataclass
class Page:
    label: str
    path: str
    prepare: Callable[[Any], None] | None = None  # an action on the loaded page, e.g. a dialog
    status: int = 200


@dataclass
class Demo:
    buyer: User
    seller: User
    staff: User


def seed() -> Demo:
    call_command("seed_demo", stdout=StringIO())
    return Demo(
        buyer=User.objects.get(email="buyer@example.com"),
        seller=User.objects.get(email="seller@example.com"),
        staff=User.objects.get(email="admin@example.com"),
    )


def press(key: str) -> Callable[[Any], None]:
    def action(page: Any) -> None:
        page.locator("main").click(position={"x": 1, "y": 1})
        page.keyboard.press(key)

    return action


def blocked_reply(page: Any) -> None:
    """Send a reply the policy blocks, so the page shows its error state."""
    page.fill("#id_body", "Call me on 415 555 2671 please")
    page.click("form.reply button[type=submit]")
    page.wait_for_load_state()


def blocked_reply_shown(page: Any) -> None:
    """Send a reply the policy blocks, then unfold it (Show) in the conversation."""
    blocked_reply(page)
    page.locator("details.not-sent summary").last.click()


def blocked_reply_then_inbox(inbox: str) -> Callable[[Any], None]:
    """Send a reply the policy blocks, then open the inbox, whose row says "Not sent"."""

    def action(page: Any) -> None:
        blocked_reply(page)
        page.goto(urljoin(page.url, inbox))

    return action


def reported_message(page: Any) -> None:
    """Report the seller's first message, so it shows it was reported, without its form."""
    report = page.locator("details.report").first
    report.locator("summary").click()
    report.locator("select[name=reason]").select_option("spam")
    report.locator("button[type=submit]").click()
    page.wait_for_load_state()


def wrong_password(page: Any) -> None:
    page.fill("#id_username", "buyer@example.com")
    page.fill("#id_password", "not the password")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def sign_in_paused(page: Any) -> None:
    """Fail to sign in until sign-ins are paused (the page without its form)."""
    for _ in range(10):
        if page.locator("#id_username").count() == 0:
            return
        wrong_password(page)
    raise AssertionError("sign-ins were not paused")


def trash_one(*, user: User, keep: Thread) -> Thread:
    """Delete one of the user's conversations (not ``keep``), so their Trash shows a row."""
    participant = Participant.objects.filter(user=user, is_deleted=False).exclude(thread=keep)[0]
    thread_trash(participant=participant)
    return participant.thread


def pages_for(role: str, demo: Demo) -> list[Page]:
    """Every page the role reaches from the site's own links (the admin is excluded)."""
    if role == "anonymous":
        return [
            Page("login", "/accounts/login/"),
            Page("login-error", "/accounts/login/", prepare=wrong_password),
            Page("login-paused", "/accounts/login/", prepare=sign_in_paused),
            Page("not-found", "/no-such-page/", status=404),
        ]
    if role == "staff":
        return [
            Page("inbox", "/messages/"),
            Page("orders", "/orders/"),
            Page("products", "/products/"),
            Page("preferences", "/messages/preferences/"),
            Page("notifications", "/account/notifications/"),
            Page("not-found", "/orders/999-0000000-0000000/", status=404),
        ]
    if role == "buyer":
        thread = Thread.objects.filter(buyer=demo.buyer, order__isnull=False).first()
        assert thread is not None
        order = OrderFactory(buyer=demo.buyer, seller=demo.seller)  # no conversation yet
        OrderItemFactory(order=order, title="Stoneware mug, blue")
        product = Product.objects.first()
        assert product is not None
        trashed = trash_one(user=demo.buyer, keep=thread)
        return [
            Page("inbox", "/messages/"),
            Page("inbox-unread", "/messages/?folder=unread"),
            Page("inbox-archived", "/messages/?folder=archived"),
            Page("inbox-trash", "/messages/?folder=trash"),
            Page("thread-in-trash", f"/messages/{trashed.pk}/"),
            Page("inbox-search", "/messages/?q=order"),
            Page("inbox-shortcuts", "/messages/", prepare=press("?")),
            Page("thread", f"/messages/{thread.pk}/"),
            Page("thread-blocked-reply", f"/messages/{thread.pk}/", prepare=blocked_reply),
            Page("thread-blocked-shown", f"/messages/{thread.pk}/", prepare=blocked_reply_shown),
            Page(
                "inbox-not-sent",
                f"/messages/{thread.pk}/",
                prepare=blocked_reply_then_inbox("/messages/"),
            ),
            Page("thread-reported", f"/messages/{thread.pk}/", prepare=reported_message),
            Page("start-order", f"/orders/{order.number}/contact/"),
            Page("ask-product", f"/products/{product.pk}/ask/"),
            Page("orders", "/orders/"),
            Page("order", f"/orders/{thread.order.number}/"),  # type: ignore[union-attr]
            Page("products", "/products/"),
            Page("preferences", "/messages/preferences/"),
            Page("notifications", "/account/notifications/"),
            Page("not-found", f"/messages/{thread.pk + 100000}/", status=404),
        ]
    thread = Thread.objects.filter(seller=demo.seller, order__isnull=False).first()
    assert thread is not None
    saved_reply = SavedReply.objects.filter(seller=demo.seller).first()
    assert saved_reply is not None
    trash_one(user=demo.seller, keep=thread)
    return [
        Page("inbox", "/seller/"),
        Page("inbox-unread", "/seller/?folder=unread"),
        Page("inbox-sent", "/seller/?folder=sent"),
        Page("inbox-archived", "/seller/?folder=archived"),
        Page("inbox-all", "/seller/?folder=all"),
        Page("inbox-trash", "/seller/?folder=trash"),
        Page("inbox-search", "/seller/?folder=all&q=order"),
        Page("inbox-shortcuts", "/seller/", prepare=press("?")),
        Page("thread", f"/seller/messages/{thread.pk}/"),
        Page("thread-blocked-shown", f"/seller/messages/{thread.pk}/", prepare=blocked_reply_shown),
        Page(
            "inbox-not-sent",
            f"/seller/messages/{thread.pk}/",
            prepare=blocked_reply_then_inbox("/seller/?folder=all"),
        ),
        Page("orders", "/seller/orders/"),
        Page("order", f"/seller/orders/{thread.order.number}/"),  # type: ignore[union-attr]
        Page("performance", "/seller/performance/"),
        Page("saved-replies", "/seller/saved-replies/"),
        Page("saved-reply-new", "/seller/saved-replies/new/"),
        Page("saved-reply-edit", f"/seller/saved-replies/{saved_reply.pk}/"),
        Page("saved-reply-delete", f"/seller/saved-replies/{saved_reply.pk}/delete/"),
        Page("notifications", "/account/notifications/"),
        Page("webhooks", "/account/notifications/webhooks/"),
        Page("api-tokens", "/accounts/api-tokens/"),
        Page("products", "/products/"),
        Page("not-found", "/seller/orders/999-0000000-0000000/", status=404),
    ]


def open_context(browser: Any, live_server: Any, user: User | None, language: str) -> Any:
    context = browser.new_context(
        viewport={"width": 1200, "height": 900}, locale=LANGUAGES[language]
    )
    context.add_init_script(script=AXE)
    if user is not None:
        User.objects.filter(pk=user.pk).update(language=language)
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


def format_violations(found: dict[str, list[dict]]) -> str:
    lines = []
    for label, violations in found.items():
        for v in violations:
            lines.append(f"{label}: {v['id']} ({v['impact']}) {v['help']}")
            for target in v["targets"][:5]:
                lines.append(f"    {target}")
            lines.append(f"    {v['summary'].splitlines()[0:3]}")
    return "\n".join(lines)


def check_pages(browser: Any, live_server: Any, role: str, language: str) -> None:
    demo = seed()
    user = None if role == "anonymous" else getattr(demo, role)
    context = open_context(browser, live_server, user, language)
    broken = watch_policy(context)
    page = context.new_page()
    failures: dict[str, list[dict]] = {}
    try:
        for target in pages_for(role, demo):
            response = page.goto(live_server.url + target.path)
            assert response.status == target.status, (target.label, response.status)
            assert page.locator("html").get_attribute("lang") == language, target.label
            if target.prepare is not None:
                target.prepare(page)
            violations = page.evaluate(RUN_AXE, AXE_TAGS)
            serious = [v for v in violations if v["impact"] in FAILING_IMPACTS]
            if serious:
                failures[f"{role}/{language}/{target.label} {target.path}"] = serious
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(ARTIFACTS / f"a11y-{role}-{language}-{target.label}.png"), full_page=True
            )
    finally:
        context.close()
    assert not failures, "axe found serious or critical violations:\n" + format_violations(failures)
    assert broken == [], "\n".join(broken)  # the Content-Security-Policy holds on every page


@pytest.mark.parametrize("language", ["en", "es"])
def test_anonymous_pages_have_no_serious_accessibility_violations(browser, live_server, language):
    check_pages(browser, live_server, "anonymous", language)


@pytest.mark.parametrize("language", ["en", "es"])
def test_buyer_pages_have_no_serious_accessibility_violations(browser, live_server, language):
    check_pages(browser, live_server, "buyer", language)


@pytest.mark.parametrize("language", ["en", "es"])
def test_seller_pages_have_no_serious_accessibility_violations(browser, live_server, language):
    check_pages(browser, live_server, "seller", language)


@pytest.mark.parametrize("language", ["en", "es"])
def test_staff_pages_have_no_serious_accessibility_violations(browser, live_server, language):
    check_pages(browser, live_server, "staff", language)


def tab_through(page: Any, limit: int = 400) -> tuple[list[str], list[str]]:
    """Press Tab until focus comes back round; return what was focused and what had no ring."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    seen: list[str] = []
    invisible: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(TAB_STATE)
        if state is None:
            continue
        if seen and state["key"] == seen[0]:
            break
        seen.append(state["key"])
        if not state["visible"]:
            invisible.append(state["key"])
    return seen, invisible


@pytest.mark.parametrize("role", ["anonymous", "buyer", "seller", "staff"])
def test_every_control_is_reached_by_tab_with_a_visible_focus_ring(browser, live_server, role):
    demo = seed()
    user = None if role == "anonymous" else getattr(demo, role)
    context = open_context(browser, live_server, user, "en")
    page = context.new_page()
    problems = []
    try:
        for target in pages_for(role, demo):
            if target.prepare is not None:
                continue  # the same page without its dialog or error state is enough here
            page.goto(live_server.url + target.path)
            reachable = page.evaluate(REACHABLE)
            seen, invisible = tab_through(page)
            unreached = [key for key in reachable if key not in seen]
            if unreached:
                problems.append(f"{target.label}: not reached by Tab: {unreached}")
            if invisible:
                problems.append(f"{target.label}: no visible focus: {invisible}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_focus_ring_and_skip_link_show(browser, live_server):
    demo = seed()
    context = open_context(browser, live_server, demo.buyer, "en")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/orders/")
        page.keyboard.press("Tab")
        skip = page.evaluate("() => document.activeElement.className")
        box = page.locator(".skip-link").bounding_box()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "a11y-focus-skip-link.png"))
        page.keyboard.press("Enter")
        focused_main = page.evaluate("() => location.hash")
        for _ in range(3):
            page.keyboard.press("Tab")
        page.screenshot(path=str(ARTIFACTS / "a11y-focus-ring.png"))
    finally:
        context.close()

    assert skip == "skip-link"
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # on screen once focused
    assert focused_main == "#main"


@pytest.mark.parametrize("role", ["anonymous", "buyer", "seller", "staff"])
def test_every_page_reflows_to_a_320_pixel_screen(browser, live_server, role):
    # WCAG 1.4.10: no sideways scrolling of the page at 320 CSS pixels (wide tables scroll
    # inside their own labelled region). Spanish, whose words are longer, is the harder case.
    demo = seed()
    user = None if role == "anonymous" else getattr(demo, role)
    context = open_context(browser, live_server, user, "es")
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 800})
    too_wide = {}
    try:
        for target in pages_for(role, demo):
            page.goto(live_server.url + target.path)
            if target.prepare is not None:
                target.prepare(page)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > 320:
                too_wide[target.label] = width
    finally:
        context.close()
    assert too_wide == {}
