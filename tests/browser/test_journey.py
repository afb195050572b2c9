"""In a real Chromium, every other host unreachable: an organiser and a participant walk the whole outing journey."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from planner.geo.gpx import parse_gpx
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
GPX_FILE = ROOT / "sample_routes" / "hangzhou-west-lake-hills-hike.gpx"
PASSWORD = "journey-password-1"
TITLE = "Saturday on the West Lake hills"
GROUP = "Hangzhou weekend walkers"
POINT = "Broken Bridge steps"
POST = "Bringing **tea** for everyone."


def _clean(page, watch, where: str) -> None:
    """Assert the page loaded without console errors, uncaught exceptions or requests to other hosts."""
    page.wait_for_load_state("load")
    assert watch.problems() == [], f"{where}: {watch.problems()}"


def _register(page, watch, base: str, name: str, email: str) -> None:
    """Sign up through the form and land on the home page, logged in."""
    page.goto(f"{base}/register")
    _clean(page, watch, "register form")
    page.fill("input[name=display_name]", name)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert page.locator(".topbar .who").inner_text() == name
    _clean(page, watch, "home after sign-up")


def _local(days: int, hour: int) -> str:
    """A datetime-local input value `days` from now at `hour`:00."""
    return (datetime.now() + timedelta(days=days)).strftime(f"%Y-%m-%dT{hour:02d}:00")


def _organise(page, watch, base: str) -> str:
    """Create a group and an outing with a GPX upload, then a meeting point by clicking the map; returns its URL."""
    page.goto(f"{base}/groups/new")
    page.fill("input[name=name]", GROUP)
    page.select_option("select[name=interest]", "hiking")
    page.fill("textarea[name=description]", "Easy hikes around the lake.")
    page.click("details.coords summary")  # the place picker folds the coordinates away
    page.fill("input[name=lat]", "30.26")
    page.fill("input[name=lon]", "120.15")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/groups/\d+$"))
    assert page.locator("h1").inner_text() == GROUP
    _clean(page, watch, "group page")
    page.click("text=New outing")
    page.wait_for_url(re.compile(r".*/groups/\d+/events/new$"))
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=description]", "Bring water and good shoes.")
    page.fill("input[name=starts_at]", _local(3, 8))
    page.fill("input[name=ends_at]", _local(3, 14))
    page.fill("input[name=capacity]", "12")
    page.set_input_files("input[name=gpx]", str(GPX_FILE))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/events/\d+$"))
    event_url = page.url
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator("p.flash").inner_text() == "Outing created: you're going"
    assert page.locator("p.my-state").inner_text().startswith("You're going: meet at the start, 08:00")
    assert page.locator("path.leaflet-interactive").count() > 0  # the route line and its markers are drawn
    _clean(page, watch, "new outing page")
    map_id = page.get_attribute("form[data-map-target]", "data-map-target")
    page.click(f"#{map_id}", position={"x": 60, "y": 60})
    lat, lon = float(page.input_value("input[name=lat]")), float(page.input_value("input[name=lon]"))
    assert 30.1 < lat < 30.4 and 120.0 < lon < 120.3
    page.fill("form.point-form input[name=name]", POINT)
    page.click("form.point-form button[type=submit]")
    page.wait_for_url(re.compile(r".*#meeting-points$"))
    assert POINT in page.locator("ol.meeting-points").inner_text()
    assert page.locator("p.flash").inner_text() == "Meeting point added"
    _clean(page, watch, "event page with a meeting point")
    return event_url


def _find_on_explore(page, watch, base: str, event_url: str) -> None:
    """Search near a place name, see the outing listed and on the map, and open it from the map's popup."""
    page.goto(f"{base}/explore")
    page.fill("input[name=q]", "Hangzhou")
    with page.expect_response(lambda r: "/api/v1/events?" in r.url and r.ok):
        page.click("#explore-form button[type=submit]")
    listed = page.locator("ol.results h2 a", has_text=TITLE)
    assert base + listed.get_attribute("href") == event_url
    page.locator(".leaflet-container path.leaflet-interactive").first.click()
    popup = page.locator(".leaflet-popup-content")
    assert TITLE in popup.inner_text()
    popup.get_by_role("link").click()
    page.wait_for_url(event_url)
    _clean(page, watch, "explore and the outing found on it")


def _download(page, link_text: str) -> bytes:
    """Click a download link and return the downloaded bytes."""
    with page.expect_download() as download:
        page.click(f"text={link_text}")
    return Path(download.value.path()).read_bytes()


def _take_part(page, watch, base: str) -> None:
    """RSVP at the meeting point, post in the thread, and download the GPX and the ICS."""
    page.select_option("select[name=meeting_point_id]", label=f"1. {POINT}")
    page.click("form.rsvp-form button[type=submit]")
    assert page.locator("p.flash").inner_text() == f"You're going: meet at {POINT}"
    assert page.locator("p.my-state").inner_text() == f"You're going: meet at {POINT}"
    _clean(page, watch, "event page after RSVP")
    page.fill("form.post-form textarea[name=body]", POST)
    page.click("form.post-form button[type=submit]")
    page.wait_for_url(re.compile(r".*#post-\d+$"))
    assert page.locator("ol.posts .post-body strong").inner_text() == "tea"
    _clean(page, watch, "event page after posting")
    track = parse_gpx(_download(page, "GPX for your device"))
    assert track.point_count > 100
    assert [w.name for w in track.waypoints if w.name.endswith(POINT)] == [f"1. {POINT}"]
    calendar = icalendar.Calendar.from_ical(_download(page, "Add to calendar (.ics)"))
    (item,) = calendar.walk("VEVENT")
    assert str(item["summary"]) == TITLE
    assert POINT in str(item["location"])
    assert str(item["url"]) == page.url.split("#")[0]
    _clean(page, watch, "downloads")


class TestOutingJourney:
    def test_an_organiser_plans_an_outing_and_a_participant_finds_joins_and_downloads_it(self, live_app, open_context):
        """Sign-up, group, outing with GPX, map-clicked meeting point; a second user finds, RSVPs, posts, downloads."""
        base = live_app.base
        _, organiser, organiser_watch = open_context()
        _register(organiser, organiser_watch, base, "Olive Organiser", "olive@example.org")
        event_url = _organise(organiser, organiser_watch, base)
        _, walker, walker_watch = open_context()
        _register(walker, walker_watch, base, "Walt Walker", "walt@example.org")
        _find_on_explore(walker, walker_watch, base, event_url)
        _take_part(walker, walker_watch, base)
        organiser.goto(event_url)
        going = organiser.locator("section[aria-label='Who is going']")
        start, point = going.locator("h3").all_inner_texts()
        assert re.fullmatch(r"At the start · .* 08:00 CST \(1\)", start) and point == f"1. {POINT} (1)"
        assert going.locator("ul.people").all_inner_texts() == ["Olive Organiser", "Walt Walker"]
        assert POST.replace("**", "") in organiser.locator("ol.posts").inner_text()
        _clean(organiser, organiser_watch, "organiser sees the participant")
