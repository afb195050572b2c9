"""In a real Chromium: nobody types coordinates. The group, home-area, outing and meeting-point forms are set by a
map click, a marker drag or a place search; the outing's time zone follows the point; search answers named with
XSS payloads run nothing; with JavaScript off the coordinates still work; nothing scrolls sideways on phones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from planner.extensions import db
from planner.models import Event, Group
from planner.services import accounts, groups, meeting_points
from planner.times import timezone_at
from tests.browser.test_xss import HOOKS, STATE
from tests.browser.xss_payloads import PAYLOADS

pytestmark = pytest.mark.browser
PASSWORD = "picker-test-password"
ORGANISER = "picker@example.org"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@dataclass
class Seeded:
    group_id: int
    event_id: int


@pytest.fixture(scope="module")
def seeded(live_app) -> Seeded:
    """An organiser's public group with an outing, a meeting point "Lakeside kiosk" and one named by each payload."""
    with live_app.app.app_context():
        owner = accounts.register(ORGANISER, PASSWORD, "Picker")
        group = groups.create_group(owner, {"name": "Picker testers", "interest": "hiking", "lat": 30.25, "lon": 120.1})
        starts_at = datetime.now(UTC) + timedelta(days=3)
        event = Event(
            group_id=group.id,
            title="Picker walk",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=4),
            timezone="Asia/Shanghai",
            capacity=10,
            activity="hiking",
            start="SRID=4326;POINT(120.1 30.2)",
        )
        db.session.add(event)
        db.session.commit()
        meeting_points.add(event.id, owner, {"name": "Lakeside kiosk", "lat": 30.2468, "lon": 120.1357})
        for index, payload in enumerate(PAYLOADS):
            meeting_points.add(event.id, owner, {"name": f"xss{index:02d} {payload}", "lat": 30.21, "lon": 120.11})
        return Seeded(group_id=group.id, event_id=event.id)


def log_in(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", ORGANISER)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")  # the header has the language form too
    page.wait_for_url(re.compile(r".*/$"))


def search(page, q: str) -> list[str]:
    """Type q in the picker's search box, press Search, and the answers' texts."""
    page.fill(".picker-q", q)
    with page.expect_response(lambda r: "/api/v1/places?" in r.url):
        page.click(".picker-go")
    page.wait_for_function("() => document.querySelector('.picker-status').textContent !== 'Searching…'")
    return page.locator(".picker-result").all_inner_texts()


def coordinates(page) -> tuple[float, float]:
    return float(page.input_value("input[name=lat]")), float(page.input_value("input[name=lon]"))


class TestGroupForm:
    def test_a_map_click_sets_the_home_area_and_the_coordinates_stay_closed(self, open_context, live_app, seeded):
        context, page, watch = open_context()
        log_in(page, live_app.base)
        page.goto(f"{live_app.base}/groups/new")
        assert page.locator("details.coords").get_attribute("open") is None
        assert not page.locator("input[name=lat]").is_visible() and page.locator(".picker-map").is_visible()
        page.click(".picker-map", position={"x": 150, "y": 130})
        lat, lon = coordinates(page)
        page.fill("input[name=name]", "Clicked group")
        page.click("form[data-picker-form] button[type=submit]")
        page.wait_for_url(re.compile(r".*/groups/\d+$"))
        with live_app.app.app_context():
            home = db.session.execute(
                db.select(db.func.ST_Y(db.func.geometry(Group.home)), db.func.ST_X(db.func.geometry(Group.home))).where(
                    Group.name == "Clicked group"
                )
            ).one()
        assert tuple(home) == pytest.approx((lat, lon), abs=1e-6)
        assert watch.problems() == []

    def test_a_click_in_the_middle_of_a_new_map_is_its_starting_centre(self, open_context, live_app, seeded):
        context, page, watch = open_context()
        log_in(page, live_app.base)
        page.goto(f"{live_app.base}/groups/new")
        box = page.locator(".picker-map").bounding_box()
        page.click(".picker-map", position={"x": box["width"] / 2, "y": box["height"] / 2})
        assert coordinates(page) == pytest.approx((20.0, 0.0), abs=1.0)  # the world view is centred on 20 N, 0 E

    def test_dragging_the_marker_moves_the_point(self, open_context, live_app, seeded):
        context, page, watch = open_context()
        log_in(page, live_app.base)
        page.goto(f"{live_app.base}/groups/new")
        page.click(".picker-map", position={"x": 150, "y": 130})
        before = coordinates(page)
        marker = page.locator(".picker-map .leaflet-marker-icon")
        marker.scroll_into_view_if_needed()
        box = marker.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 40, y + 30, steps=8)
        page.mouse.up()
        after = coordinates(page)
        assert after[1] > before[1] and after[0] < before[0]  # dragged right and down: east and south
        assert watch.problems() == []


class TestOutingForm:
    def test_a_searched_city_sets_the_start_and_the_time_zone(self, open_context, live_app, seeded):
        context, page, watch = open_context()
        log_in(page, live_app.base)
        page.goto(f"{live_app.base}/groups/{seeded.group_id}/events/new")
        assert page.input_value("select[name=timezone]") == ""
        answers = search(page, "Zuri")
        assert answers and answers[0].startswith("Zürich") and "CH" in answers[0]
        page.locator(".picker-result").first.click()
        page.wait_for_function("() => document.querySelector('select[name=timezone]').value !== ''")
        assert coordinates(page) == pytest.approx((47.37, 8.55), abs=0.05)
        assert page.input_value("select[name=timezone]") == "Europe/Zurich"
        page.fill("input[name=title]", "Searched start")
        page.fill("input[name=starts_at]", "2031-06-01T09:00")
        page.fill("input[name=ends_at]", "2031-06-01T15:00")
        page.fill("input[name=capacity]", "8")
        page.click("form[data-picker-form] button[type=submit]")
        page.wait_for_url(re.compile(r".*/events/\d+$"))
        with live_app.app.app_context():
            event = db.session.scalars(db.select(Event).where(Event.title == "Searched start")).one()
        assert event.timezone == "Europe/Zurich"
        assert watch.problems() == []

    def test_a_map_click_updates_the_time_zone_select(self, open_context, live_app, seeded):
        context, page, watch = open_context()
        log_in(page, live_app.base)
        page.goto(f"{live_app.base}/groups/{seeded.group_id}/events/new")
        page.click(".picker-map", position={"x": 100, "y": 100})
        lat, lon = coordinates(page)
        expected = timezone_at(lat, lon)
        page.wait_for_function("(zone) => document.querySelector('select[name=timezone]').value === zone", arg=expected)
        assert watch.problems() == []


class TestMeetingPointForm:
    def test_a_searched_meeting_point_fills_the_new_points_coordinates(self, open_context, live_app, seeded):
        context, page, watch = open_context()
        log_in(page, live_app.base)
        page.goto(f"{live_app.base}/events/{seeded.event_id}")
        answers = search(page, "lakeside")
        assert answers[0].startswith("Lakeside kiosk") and "meeting point" in answers[0]
        page.locator(".picker-result").first.click()
        assert coordinates(page) == pytest.approx((30.2468, 120.1357), abs=1e-6)
        assert page.locator(".picker-status").inner_text() == "Chosen: Lakeside kiosk"
        assert watch.problems() == []


class TestSearchAnswersRunNothing:
    def test_payload_named_places_are_listed_as_text(self, open_context, live_app, seeded):
        context, page, watch = open_context()
        context.add_init_script(HOOKS)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        log_in(page, live_app.base)
        page.goto(f"{live_app.base}/events/{seeded.event_id}")
        shown = []
        for tens in range(len(PAYLOADS) // 10 + 1):
            search(page, f"xss{tens}")
            shown += page.locator(".picker-result span").all_text_contents()
            page.locator(".picker-result").first.click()
            state = page.evaluate(STATE)
            assert state["hits"] == [] and dialogs == [], state["hits"]
            assert state["marker"] == "undefined" and state["title"] != "pwned"
        assert {f"xss{index:02d} {payload}".strip() for index, payload in enumerate(PAYLOADS)} <= set(shown)
        assert page.locator(".picker-results img, .picker-results script, .picker-results svg").count() == 0
        assert watch.problems() == []


class TestWithoutJavaScript:
    def test_the_coordinates_fields_still_work(self, open_context, live_app, seeded):
        context, page, watch = open_context(java_script_enabled=False)
        log_in(page, live_app.base)
        page.goto(f"{live_app.base}/groups/new")
        assert not page.locator(".picker").is_visible()
        page.click("details.coords summary")
        page.fill("input[name=name]", "Typed group")
        page.fill("input[name=lat]", "46.5")
        page.fill("input[name=lon]", "6.6")
        page.click("form[data-picker-form] button[type=submit]")
        page.wait_for_url(re.compile(r".*/groups/\d+$"))
        with live_app.app.app_context():
            assert db.session.scalars(db.select(Group).where(Group.name == "Typed group")).one()


class TestPhones:
    @pytest.mark.parametrize("width", [360, 390, 430])
    def test_the_picker_pages_do_not_scroll_sideways(self, open_context, live_app, seeded, width):
        context, page, watch = open_context(**{**PHONE, "viewport": {"width": width, "height": 844}})
        log_in(page, live_app.base)
        for path in (
            "/groups/new",
            "/me/home-area",
            f"/groups/{seeded.group_id}/events/new",
            f"/events/{seeded.event_id}",
        ):
            page.goto(live_app.base + path)
            search(page, "xss0")
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            assert wide <= width, (path, wide)
            if width == 390:
                page.screenshot(path=f"/tmp/picker-{path.strip('/').replace('/', '-')}-390.png", full_page=True)
            for control in (".picker-q", ".picker-go", ".picker-result >> nth=0"):
                assert page.locator(control).bounding_box()["height"] >= 44, (path, control)
