"""In Chromium: the header bell counts what a change brought, the notifications page lists it and clears it, the
settings form saves and takes effect; no sideways scroll, no serious axe violations, XSS payloads stay text."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select, text

from planner.extensions import db
from planner.models import User
from planner.services import accounts, events, groups, inbox, notify
from tests.browser.test_xss import PASSWORD as XSS_PASSWORD
from tests.browser.test_xss import Inspector
from tests.browser.xss_payloads import PAYLOADS
from tests.notifications.conftest import queued

pytestmark = pytest.mark.browser
PASSWORD = XSS_PASSWORD  # the XSS Inspector logs in with it
ORGANISER, READER = "olga@example.org", "reader@example.org"
GROUP = "Lake walkers"
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
BLOCKING = {"serious", "critical"}
_numbers = itertools.count(1)


@dataclass(frozen=True)
class World:
    group_id: int


def _fan_out() -> None:
    """Insert the notifications of every change queued so far, as the worker would, and mark those jobs done."""
    for job in queued("planner.jobs.fan_out"):
        db.session.execute(text("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = :id"), {"id": job.id})
        notify.fan_out(job.args["change"])
        db.session.execute(text("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = :id"), {"id": job.id})
    db.session.commit()


def _outing(group_id: int, title: str, days: int = 3) -> int:
    """A new outing of group_id by the organiser, fanned out to the members; its id."""
    organiser = db.session.scalar(select(User).where(User.email == ORGANISER))
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    event = events.create_event(
        group_id,
        organiser,
        {
            "title": title,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=4),
            "timezone": "Asia/Shanghai",
            "capacity": 10,
            "activity": "hiking",
            "lat": 30.25,
            "lon": 120.15,
        },
    )
    _fan_out()
    return event.id


@pytest.fixture(scope="module")
def world(live_app) -> World:
    """Olga's group; a reader told of an outing in a group named by each XSS payload, the outing titled by it."""
    with live_app.app.app_context():
        olga = accounts.register(ORGANISER, PASSWORD, "Olga Organiser")
        reader = accounts.register(READER, PASSWORD, "Rita Reader")
        group = groups.create_group(olga, {"name": GROUP, "interest": "hiking", "lat": 30.25, "lon": 120.15})
        for index, payload in enumerate(PAYLOADS):
            own = groups.create_group(
                olga, {"name": payload, "interest": "hiking", "lat": 30.1 + index * 0.001, "lon": 120.1}
            )
            groups.join(own.id, reader)
            _outing(own.id, payload, days=2 + index)
        return World(group.id)


@pytest.fixture
def member(live_app, world) -> str:
    """A new member of Olga's group (so nothing told yet); their e-mail address."""
    with live_app.app.app_context():
        number = next(_numbers)
        user = accounts.register(f"mia{number}@example.org", PASSWORD, f"Mia {number}")
        groups.join(world.group_id, user)
        return user.email


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def _show_menu(page) -> None:
    """Unfold the header's menu on a phone (on a desktop it is always shown)."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


def _clean(page, watch, where: str) -> None:
    assert watch.problems() == [], f"{where}: {watch.problems()}"
    assert page.evaluate(NO_SIDEWAYS), f"{where}: the page scrolls sideways"


def _bell(page):
    return page.locator(".topbar a.bell")


@pytest.mark.parametrize("width", [390, 1280])
class TestBellAndList:
    def test_the_bell_counts_a_fanned_out_change_and_mark_all_read_clears_it(
        self, open_context, live_app, world, member, width
    ):
        _, page, watch = open_context(viewport={"width": width, "height": 900}, is_mobile=width < 800)
        _log_in(page, live_app.base, member)
        assert _bell(page).get_attribute("aria-label") == "Notifications"
        assert page.locator(".bell .badge").count() == 0
        with live_app.app.app_context():
            _outing(world.group_id, f"Sunrise walk {width}")
            _outing(world.group_id, f"Moonlight walk {width}", days=4)
        page.goto(live_app.base + "/groups")
        assert _bell(page).get_attribute("aria-label") == "Notifications, 2 unread"
        assert page.locator(".bell .badge").inner_text() == "2" and page.locator(".bell .badge").is_visible()
        assert _bell(page).bounding_box()["x"] + _bell(page).bounding_box()["width"] <= width  # in view, menu folded
        with page.expect_navigation():
            _bell(page).click()
        assert page.url.endswith("/me/notifications")
        items = page.locator("ol.inbox li")
        assert items.count() == 2 and page.locator("ol.inbox li.unread").count() == 2
        assert items.nth(0).inner_text().startswith(f"New outing in {GROUP}: Moonlight walk {width}, ")
        assert items.nth(1).inner_text().startswith(f"New outing in {GROUP}: Sunrise walk {width}, ")
        assert "New · just now" in items.nth(0).inner_text()
        _clean(page, watch, "the list")
        with page.expect_navigation():
            page.get_by_role("button", name="Mark all read").click()
        assert page.locator("p.flash").inner_text() == "All notifications marked read."
        assert page.locator("ol.inbox li.unread").count() == 0 and page.locator("ol.inbox li.read").count() == 2
        assert page.locator(".bell .badge").count() == 0
        assert _bell(page).get_attribute("aria-label") == "Notifications"
        _clean(page, watch, "after marking all read")

    def test_opening_one_goes_to_its_outing_and_marks_only_it_read(self, open_context, live_app, world, member, width):
        _, page, watch = open_context(viewport={"width": width, "height": 900}, is_mobile=width < 800)
        _log_in(page, live_app.base, member)
        with live_app.app.app_context():
            first = _outing(world.group_id, f"Ridge run {width}")
            _outing(world.group_id, f"River run {width}", days=5)
        page.goto(live_app.base + "/me/notifications")
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile(f"Ridge run {width}")).click()
        assert page.url == f"{live_app.base}/events/{first}"
        assert _bell(page).get_attribute("aria-label") == "Notifications, 1 unread"
        page.goto(live_app.base + "/me/notifications")
        assert page.locator("ol.inbox li.unread").inner_text().startswith(f"New outing in {GROUP}: River run {width}")
        _clean(page, watch, "after opening one")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_settings_form_saves_and_takes_effect(open_context, live_app, world, member, width):
    _, page, watch = open_context(viewport={"width": width, "height": 900}, is_mobile=width < 800)
    _log_in(page, live_app.base, member)
    page.goto(live_app.base + "/me/notifications/settings")
    assert page.get_by_label("Replies to your posts").input_value() == "email"
    assert page.get_by_label("2 hours before").is_checked() and page.get_by_label("1 day before").is_checked()
    page.get_by_label("Replies to your posts").select_option(label="In app only")
    page.get_by_label("No e-mail at all").check()
    page.get_by_label("2 hours before").uncheck()
    page.get_by_label("2 days before").check()
    page.get_by_label(GROUP).select_option(label="Nothing")
    _clean(page, watch, "the settings form")
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    assert page.locator("p.flash").inner_text() == "Notification settings saved"
    assert page.get_by_label("Replies to your posts").input_value() == "app"
    assert page.get_by_label("No e-mail at all").is_checked() and not page.get_by_label("2 hours before").is_checked()
    assert page.get_by_label(GROUP).input_value() == "off"
    with live_app.app.app_context():
        user = db.session.scalar(select(User).where(User.email == member))
        saved = inbox.settings(user)
        assert saved["channels"]["post_reply"] == "app" and saved["email_all"] is False
        assert saved["reminder_offsets_h"] == [48, 24]
        _outing(world.group_id, f"Quiet walk {width}")
    page.goto(live_app.base + "/me/notifications")
    assert page.locator("ol.inbox li").count() == 0 and page.locator(".bell .badge").count() == 0
    _clean(page, watch, "after the next outing")


def test_too_many_reminders_are_refused_on_the_form(open_context, live_app, world, member):
    _, page, watch = open_context(viewport={"width": 390, "height": 900}, is_mobile=True)
    _log_in(page, live_app.base, member)
    page.goto(live_app.base + "/me/notifications/settings")
    for label in ("1 hour before", "6 hours before", "2 days before", "1 week before"):
        page.get_by_label(label).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    assert page.locator("#error-reminders").inner_text() == "Choose at most 5 reminders."
    assert page.get_by_label("1 week before").is_checked()  # the choices as sent, to correct
    assert page.locator("p.flash").count() == 0
    assert [problem for problem in watch.problems() if "400" not in problem] == []
    assert page.evaluate(NO_SIDEWAYS)


@pytest.mark.parametrize(
    "size", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)
def test_no_serious_or_critical_axe_violations(open_context, live_app, world, member, size):
    _, page, _ = open_context(viewport=size, is_mobile=size["width"] < 800)
    _log_in(page, live_app.base, member)
    with live_app.app.app_context():
        _outing(world.group_id, "Axe walk")
        _outing(world.group_id, "Axe run", days=6)
    page.goto(live_app.base + "/me/notifications")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Axe walk")).click()  # one read, one unread
    axe, found = Axe(), {}
    for path in ("/me/notifications", "/me/notifications/settings"):
        page.goto(live_app.base + path)
        page.wait_for_load_state("load")
        _show_menu(page)
        problems = [
            f"{v['impact']} {v['id']}: {v['help']} @ {[n['target'] for n in v['nodes'][:3]]}"
            for v in axe.run(page).response["violations"]
            if v["impact"] in BLOCKING
        ]
        if problems:
            found[path] = problems
    assert not found, found


def test_xss_payloads_in_group_and_outing_names_are_shown_as_text(open_context, live_app, world):
    context, page, watch = open_context(viewport={"width": 360, "height": 800}, is_mobile=True)
    inspector = Inspector(context, page, watch, live_app.base)
    inspector.log_in(READER)
    pages = -(-len(PAYLOADS) // inbox.PAGE_SIZE)
    texts = []
    for number in range(1, pages + 1):
        texts.append(inspector.check(f"/me/notifications?page={number}"))
        assert page.evaluate(NO_SIDEWAYS), f"page {number} scrolls sideways"
        assert page.locator("a[rel=next]").count() == (number < pages)
    for payload in PAYLOADS:
        told = f"New outing in {payload}: {payload},"
        assert any("".join(told.split()) in page_text for page_text in texts), payload
    inspector.check("/me/notifications/settings", shown=tuple(PAYLOADS))
    assert page.evaluate(NO_SIDEWAYS), "the settings page scrolls sideways"
