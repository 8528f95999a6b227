"""Browser tests: Playwright drives Debian's Chromium (headless) against a local stack started as
`make run` starts it. Every page is screenshotted at desktop and 360 px widths under
tests/browser/screenshots/ (ignored by git) for review, and a test fails on any console error,
uncaught exception, failed request or unexpected HTTP error."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    sync_playwright,
)

from infra.local.bootstrap import DEMO_PASSWORD
from tests.e2e.conftest import RunningStack, start_stack, stop_stack

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
# Visible form controls that no <label>, aria-label or aria-labelledby names.
UNLABELED_CONTROLS = """
[...document.querySelectorAll('main input, main select, main textarea, main button')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => el.tagName === 'BUTTON'
      ? !el.textContent.trim() && !el.getAttribute('aria-label')
      : !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
        && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))
"""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def web_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(tmp_path_factory.mktemp("browser-stack"))
    yield running
    stop_stack(running)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make test` installs it (apt)"
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@dataclass
class Watch:
    """What went wrong in the browser while a test ran."""

    allowed: list[tuple[str, int]] = field(default_factory=list)  # (path regex, status)
    problems: list[str] = field(default_factory=list)

    def allow(self, path_pattern: str, status: int) -> None:
        """An HTTP error the test provokes on purpose."""
        self.allowed.append((path_pattern, status))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # Chromium logs every HTTP error response as a console error; those are judged below.
        if message.text.startswith("Failed to load resource: the server responded"):
            return
        self.problems.append(f"console error: {message.text}")

    def on_page_error(self, error: Any) -> None:
        self.problems.append(f"uncaught exception: {error}")

    def on_request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:  # a navigation that replaced the page mid-request
            return
        self.problems.append(f"request failed: {request.method} {request.url} {failure}")

    def on_response(self, response: Response) -> None:
        if response.status < 400:
            return
        path = re.sub(r"^https?://[^/]+", "", response.url)
        if any(re.search(p, path) and s == response.status for p, s in self.allowed):
            return
        self.problems.append(f"HTTP {response.status}: {response.request.method} {path}")


class Portal:
    """A browser tab on the portal, signed in as one user (or nobody)."""

    def __init__(self, page: Page, stack: RunningStack, watch: Watch, name: str) -> None:
        self.page = page
        self.stack = stack
        self.watch = watch
        self.name = name
        self.shots = 0

    def go(self, path: str) -> None:
        self.page.goto(self.stack.url + path)
        self.settle()

    def settle(self) -> None:
        self.page.wait_for_load_state("networkidle")
        self.page.locator("main .loading").wait_for(state="detached", timeout=15_000)

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.go("/dang-nhap")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(password)
        self.page.get_by_role("button", name="Đăng nhập").click()
        self.page.get_by_role("button", name="Đăng xuất").wait_for()
        self.settle()

    def shot(self, label: str) -> None:
        """Screenshots of the page as it is, at desktop and at 360 px wide; on the way, every
        control must have a label and the page must fit a 360 px screen."""
        unlabeled = self.page.evaluate(UNLABELED_CONTROLS)
        assert unlabeled == [], f"{label}: controls without a label: {unlabeled}"
        assert self.page.title().strip(), f"{label}: the page has no title"
        self.shots += 1
        SCREENSHOTS.mkdir(exist_ok=True)
        stem = f"{self.name}-{self.shots:02d}-{label}"
        self.page.screenshot(path=SCREENSHOTS / f"{stem}-desktop.png", full_page=True)
        self.page.set_viewport_size(PHONE)
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        self.page.screenshot(path=SCREENSHOTS / f"{stem}-360.png", full_page=True)
        self.page.set_viewport_size(DESKTOP)
        assert overflow <= 1, f"{label}: the page is wider than a 360 px screen"


@pytest.fixture
def portal(browser: Browser, web_stack: RunningStack, request: pytest.FixtureRequest) -> Any:
    """portal("citizen1") → a signed-in tab; portal() → an anonymous one. Console errors, failed
    requests and HTTP errors fail the test at its end."""
    contexts = []
    watch = Watch()

    def open_tab(username: str | None = None) -> Portal:
        context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.on("console", watch.on_console)
        page.on("pageerror", watch.on_page_error)
        page.on("requestfailed", watch.on_request_failed)
        page.on("response", watch.on_response)
        name = f"{request.node.name}-{username or 'public'}"
        tab = Portal(page, web_stack, watch, re.sub(r"[^\w.-]+", "_", name))
        if username:
            tab.sign_in(username)
        return tab

    open_tab.watch = watch  # type: ignore[attr-defined]
    yield open_tab
    for context in contexts:
        context.close()
    assert not watch.problems, "\n".join(watch.problems)
