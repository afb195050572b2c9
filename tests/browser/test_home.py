"""In a real Chromium: the home page shows what is near you first (browser location, the last explore search,
your group's area, else a prompt), ranks "popular near you", and runs no payload from group names or titles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from planner.extensions import db
from planner.models import Event, Membership, Rsvp
from planner.services import accounts, groups
from tests.browser.test_xss import Inspector
from tests.browser.xss_payloads import PAYLOADS

pytestmark = pytest.mark.browser
PASSWORD = "xss-corpus-password"  # Inspector.log_in posts this one
MEMBER = "member@example.org"
NO_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@dataclass
class World:
    near_full: str
    near_empty: str
    far: str
    cape: str


def _outing(group_id: int, title: str, lat: float, lon: float, hours: float, going: list[int] = ()) -> None:
    """An outing starting in hours at (lat, lon) with these users going."""
    starts_at = datetime.now(UTC) + timedelta(hours=hours)
    event = Event(
        group_id=group_id,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        timezone="Asia/Shanghai",
        capacity=20,
        activity="hiking",
        start=f"SRID=4326;POINT({lon} {lat})",
    )
    db.session.add(event)
    db.session.flush()
    db.session.add_all(Rsvp(event_id=event.id, user_id=user_id, status="going") for user_id in going)


@pytest.fixture(scope="module")
def world(live_app) -> World:
    """Outings near Hangzhou (one near, soon and full; one near and empty; one 30 km off), one in Cape Town,
    a member of a Cape Town group, and a group and outings near Hangzhou named by every XSS payload."""
    with live_app.app.app_context():
        owner = accounts.register("owner@example.org", PASSWORD, "Owner")
        member = accounts.register(MEMBER, PASSWORD, "Member")
        fans = [accounts.register(f"fan{i}@example.org", PASSWORD, f"Fan {i}").id for i in range(6)]
        hangzhou = groups.create_group(
            owner, {"name": "West Lake walkers", "interest": "hiking", "lat": 30.25, "lon": 120.15}
        )
        cape = groups.create_group(
            owner, {"name": "Table Mountain club", "interest": "hiking", "lat": -33.9, "lon": 18.4}
        )
        db.session.add(Membership(group_id=cape.id, user_id=member.id, role="member", status="active"))
        names = World("Full lakeside walk", "Quiet lakeside walk", "Far hill walk", "Cape walk")
        _outing(hangzhou.id, names.near_full, 30.251, 120.151, 30, fans)
        _outing(hangzhou.id, names.near_empty, 30.252, 120.152, 200)
        _outing(hangzhou.id, names.far, 30.5, 120.3, 40)
        _outing(cape.id, names.cape, -33.95, 18.42, 50)
        hostile = groups.create_group(owner, {"name": PAYLOADS[0], "interest": "hiking", "lat": 31.23, "lon": 121.47})
        for n, payload in enumerate(PAYLOADS[:20]):
            _outing(hostile.id, payload, 31.23 + n * 0.001, 121.47, 300 + n)
        db.session.commit()
        return names


def _titles(page, css: str) -> list[str]:
    return [text.strip() for text in page.locator(f"{css} h3").all_text_contents()]


class TestNearYou:
    def test_the_browser_location_reloads_the_page_near_it_ranked_by_the_formula(self, open_context, live_app, world):
        context, page, watch = open_context(
            geolocation={"latitude": 30.25, "longitude": 120.15},
            permissions=["geolocation"],
            viewport={"width": 390, "height": 844},
        )
        page.goto(f"{live_app.base}/")
        page.wait_for_url("**/?lat=30.250&lon=120.150")
        popular = _titles(page, ".popular")
        assert popular[:2] == [world.near_full, world.near_empty] and world.far in popular
        assert world.cape not in page.locator("#near-you").inner_text()
        assert page.locator("h1").inner_text() == "Near your location"
        assert page.locator(".nearby-groups h3").first.inner_text() == "West Lake walkers"
        assert page.evaluate(NO_SCROLL)
        # lists first on phones: the first popular card starts within the first screen
        assert page.locator(".popular li").first.bounding_box()["y"] < 844
        assert page.locator("section.map").get_attribute("aria-describedby") == "near-you"
        assert watch.problems() == []

    def test_a_member_without_location_sees_their_groups_area(self, open_context, live_app, world):
        context, page, watch = open_context()
        inspector = Inspector(context, page, watch, live_app.base)
        inspector.log_in(MEMBER)
        page.goto(f"{live_app.base}/")
        assert page.locator("h1").inner_text() == "Near Table Mountain club"
        assert _titles(page, ".popular") == [world.cape]
        assert watch.problems() == []

    def test_the_last_explore_search_is_remembered(self, open_context, live_app, world):
        context, page, watch = open_context()
        page.goto(f"{live_app.base}/explore?q=Cape+Town")
        page.goto(f"{live_app.base}/")
        assert page.locator("h1").inner_text() == "Near Cape Town"
        assert _titles(page, ".popular") == [world.cape]
        assert watch.problems() == []

    def test_nothing_known_shows_everything_upcoming_and_a_prompt(self, open_context, live_app, world):
        context, page, watch = open_context(viewport={"width": 360, "height": 740})
        page.goto(f"{live_app.base}/")
        assert page.locator("h1").inner_text() == "Upcoming outings"
        assert "use your location or search a place" in page.locator(".prompt").inner_text()
        assert page.locator("#use-location").is_visible()
        assert _titles(page, ".soonest")[0] == world.near_full
        assert page.evaluate(NO_SCROLL) and page.locator(".popular").count() == 0
        assert watch.problems() == []

    def test_a_bad_point_is_a_400(self, open_context, live_app, world):
        context, page, watch = open_context()
        assert page.goto(f"{live_app.base}/?lat=91&lon=abc").status == 400


class TestPayloads:
    def test_group_names_and_titles_run_nothing_in_the_lists_and_on_the_map(self, open_context, live_app, world):
        context, page, watch = open_context()
        inspector = Inspector(context, page, watch, live_app.base)
        text = inspector.check("/?lat=31.23&lon=121.47", shown=(PAYLOADS[0], *PAYLOADS[:9]), min_overlays=20)
        assert page.locator(".popular li").count() == 10 and PAYLOADS[0] in text


class TestGroupsList:
    def test_each_group_shows_its_place_members_and_next_outing_beside_a_map(self, open_context, live_app, world):
        context, page, watch = open_context(viewport={"width": 390, "height": 844})
        page.goto(f"{live_app.base}/groups")
        card = page.locator(".card", has_text="West Lake walkers")
        assert "Hangzhou, CN" in card.locator(".place").inner_text()
        assert "1 member" in card.inner_text()
        # the soonest of its outings, in the outing's zone (Asia/Shanghai)
        assert card.locator(".next-outing a").inner_text() == world.near_full
        assert card.locator(".next-outing time").inner_text().endswith(" CST")
        assert "Cape Town, ZA" in page.locator(".card", has_text="Table Mountain club").inner_text()
        assert page.locator("section.map").get_attribute("aria-describedby") == "groups-list"
        assert page.evaluate(NO_SCROLL)
        assert watch.problems() == []

    def test_group_names_and_titles_run_nothing_in_the_list_and_on_the_map(self, open_context, live_app, world):
        context, page, watch = open_context()
        inspector = Inspector(context, page, watch, live_app.base)
        inspector.check("/groups", shown=(PAYLOADS[0], "Table Mountain club"), min_overlays=6)
