"""In Chromium: an organiser makes a weekly series from the outing form, the outing page labels it and offers the
whole series; the edit form's scope changes all upcoming ones; both pages fit a 390 px phone (screenshots kept)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import Group
from planner.services import seed
from tests.browser.conftest import ARTIFACTS, SCREENSHOT_SIZES
from tests.browser.demo_site import log_in
from tests.browser.test_phone import OVERFLOW

pytestmark = pytest.mark.browser


def _saturday(hour: int) -> str:
    """A datetime-local value: the Saturday at least 8 days from now, at hour:00."""
    day = datetime.now() + timedelta(days=8)
    day += timedelta(days=(5 - day.weekday()) % 7)
    return day.strftime(f"%Y-%m-%dT{hour:02d}:00")


def _fits(page, name: str) -> None:
    """The page has no sideways scroll at 390 px and at desktop width; screenshots of both are kept."""
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in SCREENSHOT_SIZES.items():
        page.set_viewport_size(size)
        overflow = page.evaluate(OVERFLOW, size["width"])
        assert overflow["scroll"] <= overflow["width"], (name, label, overflow)
        page.screenshot(path=str(ARTIFACTS / f"series-{name}-{label}.png"), full_page=True)


def test_an_organiser_makes_a_weekly_series_and_changes_all_of_it(live_app, open_context):
    with live_app.app.app_context():
        seed.run()
        group_id = db.session.scalar(select(Group.id).where(Group.name == seed.GROUPS[0].name))
    _, page, watch = open_context(viewport=SCREENSHOT_SIZES["phone"])
    log_in(page, live_app.base)
    page.goto(f"{live_app.base}/groups/{group_id}/events/new")
    page.fill("input[name=title]", "Saturday club ride")
    page.fill("input[name=starts_at]", _saturday(9))
    page.fill("input[name=ends_at]", _saturday(12))
    page.fill("input[name=capacity]", "8")
    page.click("details.coords summary")
    page.fill("input[name=lat]", "52.52")
    page.fill("input[name=lon]", "13.40")
    page.select_option("select[name=repeat]", "weekly")
    page.fill("input[name=repeat_count]", "6")
    _fits(page, "form")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/events/\d+$"))
    assert page.locator("p.flash").inner_text() == "Series created: you're going to every one"
    assert page.locator(".series .repeats").inner_text() == "every Saturday"
    assert "You're going to every one." in page.locator(".series").inner_text()
    _fits(page, "outing")
    page.click("text=Edit")
    page.wait_for_url(re.compile(r".*/events/\d+/edit$"))
    assert page.locator("input[name=scope]").count() == 3
    page.fill("input[name=title]", "Club ride")
    page.check("input[name=scope][value=all]")
    _fits(page, "edit")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/events/\d+$"))
    assert page.locator("h1").inner_text() == "Club ride"
    assert watch.problems() == []
