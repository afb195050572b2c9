"""A live app on its own database, and Chromium pages that reach nothing but the app; screenshots on failure."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from planner.extensions import db
from tests.conftest import MIGRATIONS, ROOT, database_url_for, drop_database, make_app, recreate_database

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"


@dataclass
class LiveApp:
    """The served app: its base URL and the Flask app (for seeding in an app context)."""

    base: str
    app: Flask


@dataclass
class Watch:
    """What a page did that it should not: console errors, uncaught exceptions, requests to other hosts."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything recorded, labelled."""
        return (
            [f"console: {m}" for m in self.console_errors]
            + [f"pageerror: {m}" for m in self.page_errors]
            + [f"other host: {u}" for u in self.blocked]
        )

    def clear(self) -> None:
        """Forget what was recorded so far."""
        self.console_errors.clear()
        self.page_errors.clear()
        self.blocked.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def live_app(request) -> Iterator[LiveApp]:
    """The app on a database of its own for this module, served on 127.0.0.1 from a thread."""
    suffix = "br_" + re.sub(r"\W", "_", request.module.__name__.rsplit(".", 1)[-1])[:30]
    url = database_url_for(suffix)
    recreate_database(url)
    app = make_app(url, SEND_FILE_MAX_AGE_DEFAULT=3600)  # the browser caches static files between pages
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveApp(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            db.engine.dispose()
        drop_database(url)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, for this module (Playwright never downloads a browser)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is missing: `make test` installs it (scripts/setup.sh system)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _guard(context, base: str, watch: Watch) -> None:
    """Abort every request whose origin is not the app's, and record it.

    The pattern matches every URL but the app's own, so the app's requests never wait for a Python callback.
    """

    def abort(request_route):
        watch.blocked.append(request_route.request.url)
        request_route.abort()

    context.route(re.compile(rf"^(?!{re.escape(base)}(?:/|$))"), abort)


def _listen(page, watch: Watch) -> None:
    """Record console errors and uncaught exceptions of page."""
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and watch.console_errors.append(f"{message.text} @ {message.location.get('url', '')}")
        ),
    )
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))


SCREENSHOT_SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _screenshots(page, stem) -> None:
    """Save the page as a phone and as a desktop sees it: stem-phone.png and stem-desktop.png."""
    for label, size in SCREENSHOT_SIZES.items():
        try:
            page.set_viewport_size(size)
            page.screenshot(path=f"{stem}-{label}.png", full_page=True)
        except Exception as error:  # a broken page must not hide the test's own failure
            print(f"{label} screenshot failed: {error}")


@pytest.fixture
def open_context(request, browser, live_app) -> Iterator[Callable]:
    """A factory of guarded (context, page, watch), closed after the test; failing tests save phone and desktop screenshots."""
    opened = []

    def factory(**options):
        context = browser.new_context(accept_downloads=True, **options)
        context.set_default_timeout(10_000)
        watch = Watch()
        _guard(context, live_app.base, watch)
        page = context.new_page()
        _listen(page, watch)
        opened.append((context, page))
        return context, page, watch

    yield factory
    report = getattr(request.node, "report_call", None)
    failed = report is None or report.failed
    for number, (context, page) in enumerate(opened):
        if failed and not page.is_closed():
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]", "_", request.node.name) + (f"-{number}" if number else "")
            _screenshots(page, ARTIFACTS / name)
        context.close()
