"""In a real Chromium: explore on phones (results visible first, compact filters with "More", only the filters
that apply), and the results list and the map linked both ways, with the same dates and route lines drawn."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from planner.extensions import db
from planner.models import Event
from planner.services import accounts, groups
from tests.discovery.helpers import route

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NO_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
NEAR = "lat=30.25&lon=120.15&radius_km=10"
HOSTILE = '<img src=x id=injected onerror="document.title=`pwned`">'


@dataclass
class World:
    outings: list[int]
    route_id: int


@pytest.fixture(scope="module")
def world(live_app) -> World:
    """Three outings near Hangzhou (one titled with markup), a group there and a route passing by."""
    with live_app.app.app_context():
        owner = accounts.register("explorer@example.org", "explore-password", "Explorer")
        group = groups.create_group(owner, {"name": "Lake group", "interest": "hiking", "lat": 30.25, "lon": 120.15})
        ids = []
        for n, (lat, lon, title) in enumerate(
            [(30.251, 120.151, "Dawn walk"), (30.26, 120.16, HOSTILE), (30.27, 120.17, "Evening walk")]
        ):
            starts_at = datetime(2026, 12, 12, 8, 0, tzinfo=UTC) + timedelta(days=30 + n)
            event = Event(
                group_id=group.id,
                title=title,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
                timezone="Europe/Paris",
                capacity=10,
                activity="hiking",
                start=f"SRID=4326;POINT({lon} {lat})",
            )
            db.session.add(event)
            db.session.flush()
            ids.append(event.id)
        route_id = route(owner.id, [(30.24, 120.14), (30.25, 120.15), (30.26, 120.16)], name="Lake line")
        db.session.commit()
        return World(ids, route_id)


def _markers_ready(page, count: int) -> None:
    page.wait_for_function(
        """(count) => document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length >= count""",
        arg=count,
    )


class TestPhoneLayout:
    def test_results_are_visible_without_scrolling_and_the_filters_are_compact(self, open_context, live_app, world):
        context, page, watch = open_context(viewport=PHONE)
        page.goto(f"{live_app.base}/explore?{NEAR}")
        first = page.locator(".result").first.bounding_box()
        assert first["y"] + 40 < PHONE["height"]
        for field in ("#q", "#radius_km", "#activity", "#from"):
            assert page.locator(field).is_visible(), field
        more = page.locator("details.more")
        assert more.get_attribute("open") is None and not page.locator("#difficulty").is_visible()
        more.locator("summary").click()
        assert page.locator("#difficulty").is_visible()
        for width in (360, 390, 430):
            page.set_viewport_size({"width": width, "height": 800})
            assert page.evaluate(NO_SCROLL), width
        page.set_viewport_size(PHONE)
        assert page.locator("section.map").get_attribute("aria-describedby") == "explore-results"
        assert watch.problems() == []

    def test_filters_show_only_for_the_kind_they_apply_to(self, open_context, live_app, world):
        context, page, watch = open_context(viewport=PHONE)
        page.goto(f"{live_app.base}/explore?{NEAR}&what=groups")
        assert page.locator("#interest").is_visible()
        for field in ("#from", "#to", "#activity", "details.more"):
            assert not page.locator(field).is_visible(), field
        page.select_option("#what", "routes")
        assert page.locator("#activity").is_visible() and not page.locator("#from").is_visible()
        assert not page.locator("#interest").is_visible() and page.locator("#from").is_disabled()
        page.select_option("#what", "events")
        assert page.locator("#from").is_visible() and page.locator("#from").is_enabled()
        assert watch.problems() == []


class TestListAndMap:
    def test_a_result_and_its_marker_highlight_each_other(self, open_context, live_app, world):
        context, page, watch = open_context(viewport=DESKTOP)
        page.goto(f"{live_app.base}/explore?{NEAR}")
        page.wait_for_selector(".marker-cluster, path.leaflet-interactive")
        page.evaluate("""() => { const cfg = document.getElementById('explore-map-config');
                                 window[cfg.dataset.map].setView([30.26, 120.16], 15); }""")
        _markers_ready(page, 3)
        highlighted = page.locator(".leaflet-overlay-pane path.leaflet-interactive[fill='#f59e0b']")
        assert highlighted.count() == 0
        page.hover(f"#result-{world.outings[1]}")
        assert highlighted.count() == 1 and "active" in page.locator(f"#result-{world.outings[1]}").get_attribute(
            "class"
        )
        page.mouse.move(5, 5)
        page.locator(f"#result-{world.outings[1]}").evaluate("li => li.classList.remove('active')")
        highlighted.hover()
        assert "active" in page.locator(f"#result-{world.outings[1]}").get_attribute("class")
        page.locator(".leaflet-overlay-pane path.leaflet-interactive[fill='#3b82f6']").first.hover()
        assert highlighted.count() == 1 and "active" not in page.locator(f"#result-{world.outings[1]}").get_attribute(
            "class"
        )
        assert page.locator("#injected").count() == 0 and page.title() != "pwned"
        assert watch.problems() == []

    def test_popups_show_the_date_as_the_list_does(self, open_context, live_app, world):
        context, page, watch = open_context(viewport=DESKTOP)
        with page.expect_response(lambda r: "/api/v1/events?" in r.url):
            page.goto(f"{live_app.base}/explore?{NEAR}")
        page.wait_for_selector(".marker-cluster, path.leaflet-interactive")
        page.click(f"#result-{world.outings[0]} .distance")  # a tap on the card shows it on the map
        popup = page.locator(".leaflet-popup-content .planner-popup-when")
        listed = page.locator(f"#result-{world.outings[0]} time").inner_text()
        assert popup.inner_text() == listed
        assert re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d [A-Z][a-z]{2} 2027, \d\d:\d\d CET", listed), listed
        assert watch.problems() == []

    def test_route_results_draw_their_line(self, open_context, live_app, world):
        context, page, watch = open_context(viewport=PHONE)
        with page.expect_response(lambda r: f"/api/v1/routes/{world.route_id}.geojson" in r.url):
            page.goto(f"{live_app.base}/explore?{NEAR}&what=routes")
        _markers_ready(page, 1)
        line = page.locator(".leaflet-overlay-pane path.leaflet-interactive").first
        assert line.get_attribute("stroke") == "#dc2626" and line.get_attribute("fill") == "none"
        page.hover(f"#result-{world.route_id}")
        assert line.get_attribute("stroke") == "#b45309"
        assert watch.problems() == []

    def test_group_results_get_markers_from_the_groups_api(self, open_context, live_app, world):
        context, page, watch = open_context(viewport=PHONE)
        with page.expect_response(lambda r: "/api/v1/groups/nearby?" in r.url):
            page.goto(f"{live_app.base}/explore?{NEAR}&what=groups")
        _markers_ready(page, 1)
        page.locator(".leaflet-overlay-pane path.leaflet-interactive").first.click(force=True)
        assert "Lake group" in page.locator(".leaflet-popup-content").inner_text()
        assert "active" in page.locator(".result").first.get_attribute("class")
        assert watch.problems() == []


class TestWords:
    def test_the_words_filter_the_list_and_the_map_markers(self, open_context, live_app, world):
        context, page, watch = open_context(viewport=PHONE)
        with page.expect_response(lambda r: "/api/v1/events?" in r.url) as answer:
            page.goto(f"{live_app.base}/explore?{NEAR}&words=dawn")
        assert "q=dawn" in answer.value.url
        assert [f["properties"]["id"] for f in answer.value.json()["features"]] == [world.outings[0]]
        assert page.locator("li.result").count() == 1
        assert page.locator("#words").input_value() == "dawn"
        assert page.evaluate(NO_SCROLL)
        assert watch.problems() == []
