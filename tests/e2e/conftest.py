"""End-to-end tests in a real Chromium (Debian's package) driven by Playwright.

The browser is never downloaded: tests use /usr/bin/chromium (installed by `.ci/run`). Without
it they skip locally, and fail in CI (REQUIRE_SERVICES=1). Screenshots of every page the tests
visit are written to artifacts/e2e/ (not committed) so a person can look at them.

Every tab watches for Content-Security-Policy violations (``watch_policy``): a test whose pages
break the policy fails, whatever else it checks.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    # Playwright's sync API keeps an event loop in the test thread; the test's own ORM calls
    # are ordinary synchronous code all the same.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Each violation the browser reports, sent to Python as it happens, so one that fires just
# before a navigation is not lost with the page.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportPolicyViolation({
    page: document.location.pathname + document.location.search,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
});
"""


def watch_policy(context: Any) -> list[str]:
    """Collect, for a browser context, every CSP violation and every uncaught script error."""
    found: list[str] = []
    context.expose_function("__reportPolicyViolation", lambda v: found.append(f"violation {v}"))
    context.add_init_script(script=REPORT_VIOLATIONS)

    def console(message: Any) -> None:
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            found.append(f"console {message.type}: {message.text}")

    context.on("console", console)
    context.on("weberror", lambda error: found.append(f"script error: {error.error}"))
    return found


class Session:
    """A signed-in browser tab for one user of the live server."""

    def __init__(self, browser: object, live_server: object, user: object, name: str) -> None:
        client = Client()
        client.force_login(user)
        self.base = live_server.url  # type: ignore[attr-defined]
        self.context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": 1200, "height": 900}, locale="en-US"
        )
        self.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": self.base,
                }
            ]
        )
        self.problems = watch_policy(self.context)
        self.page = self.context.new_page()
        self.name = name
        self.shots = 0

    def open(self, path: str) -> object:
        return self.page.goto(self.base + path)

    def shot(self, label: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        target = ARTIFACTS / f"{self.name}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target


@pytest.fixture
def signed_in(browser, live_server):
    sessions: list[Session] = []

    def make(user: object, name: str) -> Session:
        session = Session(browser, live_server, user, name)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.context.close()
    problems = [problem for session in sessions for problem in session.problems]
    assert problems == [], "policy violations or script errors:\n" + "\n".join(problems)
