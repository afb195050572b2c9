"""In Chromium: the outing page says where and when you join, keeps your choice, groups who is going; post times."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.extensions import db
from planner.models import Post
from planner.services import accounts, events, groups, meeting_points
from planner.times import at_local, local_text

pytestmark = pytest.mark.browser
PASSWORD = "my-state-password"
ORGANISER, MEMBER = "olga@example.org", "max@example.org"
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@dataclass
class World:
    event_id: int
    group_id: int
    point_id: int
    event_post_at: datetime
    group_post_at: datetime


def _post(author_id: int, hours_ago: int, **thread) -> datetime:
    """A post written hours_ago; returns when."""
    post = Post(author_id=author_id, body_md="Hello", body_html="<p>Hello</p>", **thread)
    db.session.add(post)
    db.session.flush()
    post.created_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours_ago)
    db.session.commit()
    return post.created_at


@pytest.fixture(scope="module")
def world(live_app) -> World:
    """Olga's group and outing (09:00 Shanghai time, meet at Lake break at 12:00), Max a member; two posts."""
    with live_app.app.app_context():
        olga = accounts.register(ORGANISER, PASSWORD, "Olga Organiser")
        max_ = accounts.register(MEMBER, PASSWORD, "Max Member")
        group = groups.create_group(olga, {"name": "Lake walkers", "interest": "hiking", "lat": 30.25, "lon": 120.15})
        groups.join(group.id, max_)
        day = (datetime.now(UTC) + timedelta(days=3)).date()
        starts = at_local(day, datetime.min.time().replace(hour=9), "Asia/Shanghai")
        event = events.create_event(
            group.id,
            olga,
            {
                "title": "Lake loop",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=6),
                "timezone": "Asia/Shanghai",
                "capacity": 5,
                "lat": 30.25,
                "lon": 120.15,
            },
        )
        point = meeting_points.add(
            event.id,
            olga,
            {"name": "Lake break", "lat": 30.26, "lon": 120.16, "meet_at": (starts + timedelta(hours=3)).isoformat()},
        )
        return World(
            event.id,
            group.id,
            point.id,
            _post(olga.id, 3, event_id=event.id),
            _post(max_.id, 5, group_id=group.id),
        )


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")  # the header has the language form too
    page.wait_for_url(re.compile(r".*/$"))


def _clean(page, watch, where: str) -> None:
    assert watch.problems() == [], f"{where}: {watch.problems()}"
    assert page.evaluate(NO_SIDEWAYS), f"{where}: the page scrolls sideways"


@pytest.mark.parametrize("width", [360, 390, 430, 1280])
class TestMyState:
    def test_rsvp_at_a_meeting_point_says_so_keeps_the_choice_and_groups_who_is_going(
        self, open_context, live_app, world, width
    ):
        _context, page, watch = open_context(viewport={"width": width, "height": 900})
        _log_in(page, live_app.base, MEMBER)
        url = f"{live_app.base}/events/{world.event_id}"
        page.goto(url)
        assert page.locator("p.my-state").count() == 0
        assert page.locator(".rsvp").inner_text().startswith("1 going of 5")  # the organiser goes by default
        page.select_option("select[name=meeting_point_id]", label="1. Lake break")
        with page.expect_navigation():
            page.click("form.rsvp-form button[type=submit]")
        said = "You're going: meet at Lake break, 12:00"
        assert page.locator("p.flash").inner_text() == said
        assert page.locator("p.my-state").inner_text() == said
        assert page.input_value("select[name=meeting_point_id]") == str(world.point_id)
        going = page.locator("section[aria-label='Who is going']")
        start, lake = going.locator("h3").all_inner_texts()
        assert re.fullmatch(r"At the start · .* 09:00 CST \(1\)", start)
        assert re.fullmatch(r"1\. Lake break · .* 12:00 CST \(1\)", lake)
        assert going.locator("ul.people").all_inner_texts() == ["Olga Organiser", "Max Member"]
        _clean(page, watch, "after the RSVP")
        with page.expect_navigation():
            page.click("form.rsvp-form button[type=submit]")  # pressing again keeps the meeting point
        assert page.locator("p.my-state").inner_text() == said
        with page.expect_navigation():
            page.click("text=I can't come")
        assert page.locator("p.flash").inner_text() == "You're no longer going"
        assert page.locator("p.my-state").count() == 0
        assert page.input_value("select[name=meeting_point_id]") == ""
        _clean(page, watch, "after withdrawing")

    def test_the_organiser_is_going_at_the_start_by_default(self, open_context, live_app, world, width):
        _context, page, watch = open_context(viewport={"width": width, "height": 900})
        _log_in(page, live_app.base, ORGANISER)
        page.goto(f"{live_app.base}/events/{world.event_id}")
        assert page.locator("p.my-state").inner_text() == "You're going: meet at the start, 09:00"
        assert page.locator("form.rsvp-form button[type=submit]").inner_text() == "Update my meeting point"
        _clean(page, watch, "organiser's outing page")


class TestPostTimes:
    def test_post_times_are_relative_and_in_the_browsers_zone(self, open_context, live_app, world):
        context, page, watch = open_context(timezone_id="Europe/Berlin", locale="en-GB")
        for path, moment, ago in (
            (f"/events/{world.event_id}", world.event_post_at, "3 h ago"),
            (f"/groups/{world.group_id}", world.group_post_at, "5 h ago"),
        ):
            page.goto(live_app.base + path)
            shown = page.locator("ol.posts time.post-time").inner_text()
            berlin = moment.astimezone(ZoneInfo("Europe/Berlin"))
            assert shown.startswith(ago + " · ") and f"{berlin:%H:%M}" in shown and "CET" in shown, shown
            assert "UTC" not in page.locator("main").inner_text()
            _clean(page, watch, path)
        served = context.request.get(f"{live_app.base}/events/{world.event_id}").text()  # with the tz cookie now
        assert f'<span class="local-time">{local_text(world.event_post_at, "Europe/Berlin")}</span>' in served

    def test_without_javascript_posts_show_the_outings_zone(self, open_context, live_app, world):
        _context, page, watch = open_context(java_script_enabled=False)
        page.goto(f"{live_app.base}/events/{world.event_id}")
        shown = page.locator("ol.posts time.post-time").inner_text()
        assert shown == f"3 h ago · {local_text(world.event_post_at, 'Asia/Shanghai')}"
        assert "UTC" not in page.locator("main").inner_text()
        _clean(page, watch, "outing page without JavaScript")
