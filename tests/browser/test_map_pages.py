"""In a real Chromium: the explore map loads its markers from the bbox endpoint, "Near me" searches, and a click on
the event or privacy map fills the form's coordinates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from planner.extensions import db
from planner.models import Event, PrivacyZone
from planner.services import accounts, groups, meeting_points, routes
from tests.community.conftest import north_line_gpx
from tests.discovery.helpers import events_at

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-password"
ORGANISER = "organiser@example.org"
HOSTILE_TITLE = '<img src=x id=injected onerror="document.title=`pwned`">${alert(1)}'


@dataclass
class Seeded:
    event_id: int


@pytest.fixture(scope="module")
def seeded(live_app) -> Seeded:
    """An organiser with a group, an outing on the north line, and three more outings near Hangzhou (one hostile)."""
    with live_app.app.app_context():
        owner = accounts.register(ORGANISER, PASSWORD, "Organiser")
        group = groups.create_group(owner, {"name": "Map testers", "interest": "hiking", "lat": 30.25, "lon": 120.1})
        route = routes.import_gpx(owner.id, north_line_gpx(), group_id=group.id)
        starts_at = datetime.now(UTC) + timedelta(days=3)
        event = Event(
            group_id=group.id,
            title="Map walk",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=4),
            timezone="Asia/Shanghai",
            capacity=10,
            activity="hiking",
            route_id=route.id,
            start="SRID=4326;POINT(120.1 30.2)",
        )
        db.session.add(event)
        events_at(group.id, [(30.25, 120.15), (30.26, 120.16)])
        events_at(group.id, [(30.27, 120.17)], title=HOSTILE_TITLE)
        db.session.commit()
        return Seeded(event_id=event.id)


def log_in(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", ORGANISER)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")  # the header has the language form too
    page.wait_for_url(re.compile(r".*/$"))


def click_map(page) -> tuple[float, float]:
    """Click the middle of the map the form names; the (lat, lon) the form then holds."""
    map_id = page.get_attribute("form[data-map-target]", "data-map-target")
    page.click(f"#{map_id}", position={"x": 200, "y": 150})
    return float(page.input_value("input[name=lat]")), float(page.input_value("input[name=lon]"))


class TestExploreMap:
    def test_markers_come_from_the_bbox_endpoint_without_running_user_text(self, open_context, live_app, seeded):
        context, page, watch = open_context()
        with page.expect_response(lambda r: "/api/v1/events?" in r.url) as answer:
            page.goto(f"{live_app.base}/explore?lat=30.25&lon=120.15&radius_km=10")
        page.wait_for_selector(".marker-cluster, path.leaflet-interactive")
        with page.expect_response(lambda r: "/api/v1/events?" in r.url):
            page.evaluate("""() => { const cfg = document.getElementById('explore-map-config');
                                     window[cfg.dataset.map].setView([30.27, 120.17], 18); }""")
        page.click("path.leaflet-interactive")
        popup = page.locator(".leaflet-popup-content").inner_text()
        assert "bbox=" in answer.value.url and "zoom=" in answer.value.url
        assert HOSTILE_TITLE in popup and page.locator("#injected").count() == 0 and page.title() != "pwned"
        assert watch.problems() == []

    def test_near_me_fills_lat_lon_from_geolocation_and_searches(self, open_context, live_app, seeded):
        context, page, watch = open_context(
            geolocation={"latitude": 30.25, "longitude": 120.15}, permissions=["geolocation"]
        )
        page.goto(f"{live_app.base}/explore")
        page.click("#near-me")
        page.wait_for_url("**/explore?*lat=30.25000*")
        distances = page.locator(".result .distance").all_text_contents()
        assert distances[0] == "0.0 km" and len(distances) == 4  # the three near Hangzhou and the map walk
        assert watch.problems() == []


class TestMapClicks:
    def test_a_click_on_the_event_map_adds_a_meeting_point_there(self, open_context, live_app, seeded):
        context, page, watch = open_context()
        log_in(page, live_app.base)
        page.goto(f"{live_app.base}/events/{seeded.event_id}")
        lat, lon = click_map(page)
        page.fill("input[name=name]", "Clicked spot")
        page.click("form.point-form button[type=submit]")
        page.wait_for_url(re.compile(r".*#meeting-points$"))
        assert 30.1 < lat < 30.4 and 119.9 < lon < 120.3
        with live_app.app.app_context():
            (point,) = meeting_points.list_dicts(db.session.get(Event, seeded.event_id), None)
        assert point["name"] == "Clicked spot"
        assert (point["lat"], point["lon"]) == pytest.approx((lat, lon), abs=1e-6)
        assert watch.problems() == []

    def test_a_click_on_the_privacy_map_places_a_zone_there(self, open_context, live_app, seeded):
        context, page, watch = open_context()
        log_in(page, live_app.base)
        page.goto(f"{live_app.base}/me/privacy")
        lat, lon = click_map(page)
        page.fill("input[name=radius_m]", "300")
        page.click("form[data-map-target] button[type=submit]")
        page.wait_for_selector("ul.zones li")
        with live_app.app.app_context():
            (zone,) = db.session.scalars(db.select(PrivacyZone)).all()
            centre = db.session.execute(
                db.select(
                    db.func.ST_Y(db.func.geometry(PrivacyZone.centre)),
                    db.func.ST_X(db.func.geometry(PrivacyZone.centre)),
                )
            ).one()
        assert zone.radius_m == 300 and tuple(centre) == pytest.approx((lat, lon), abs=1e-6)
        assert page.locator("path.leaflet-interactive").count() == 1  # the zone's circle
        assert watch.problems() == []
