"""In a real Chromium: clicking the event map fills the meeting-point form, which then adds the point."""
from __future__ import annotations

import re
import shutil
import threading
from datetime import datetime, timedelta, timezone

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from planner.extensions import db
from planner.models import Event
from planner.services import accounts, groups, meeting_points, routes
from tests.community.conftest import north_line_gpx
from tests.conftest import MIGRATIONS, database_url_for, drop_database, make_app, recreate_database

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-password"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def served():
    """(base URL, event id, app): the app on its own database, served on 127.0.0.1 from a thread."""
    assert shutil.which("chromium"), "Debian's chromium is missing: `make test` installs it (scripts/setup.sh system)"
    url = database_url_for("browser")
    recreate_database(url)
    app = make_app(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        event_id = _seed()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", event_id, app
    server.shutdown()
    with app.app_context():
        db.engine.dispose()
    drop_database(url)


def _seed() -> int:
    """An organiser, their group and an outing on the north line; returns the outing's id."""
    owner = accounts.register("organiser@example.org", PASSWORD, "Organiser")
    group = groups.create_group(owner, {"name": "Map testers", "interest": "hiking", "lat": 30.25, "lon": 120.1})
    route = routes.import_gpx(owner.id, north_line_gpx(), group_id=group.id)
    starts_at = datetime.now(timezone.utc) + timedelta(days=3)
    event = Event(group_id=group.id, title="Map walk", starts_at=starts_at, ends_at=starts_at + timedelta(hours=4),
                  timezone="Asia/Shanghai", capacity=10, activity="hiking", route_id=route.id,
                  start="SRID=4326;POINT(120.1 30.2)")
    db.session.add(event)
    db.session.commit()
    return event.id


class TestMeetingPointsJs:
    def test_a_map_click_fills_lat_lon_and_the_point_is_added(self, served):
        from playwright.sync_api import sync_playwright

        base, event_id, app = served
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{base}/login")
            page.fill("input[name=email]", "organiser@example.org")
            page.fill("input[name=password]", PASSWORD)
            page.click("form button[type=submit]")
            page.goto(f"{base}/events/{event_id}")
            map_id = page.get_attribute("form[data-map-target]", "data-map-target")
            page.click(f"#{map_id}", position={"x": 200, "y": 200})
            lat, lon = float(page.input_value("input[name=lat]")), float(page.input_value("input[name=lon]"))
            page.fill("input[name=name]", "Clicked spot")
            page.click("form.point-form button[type=submit]")
            page.wait_for_url(re.compile(r".*#meeting-points$"))
            browser.close()
        assert errors == []
        assert 30.1 < lat < 30.4 and 119.9 < lon < 120.3
        with app.app_context():
            (point,) = meeting_points.list_dicts(db.session.get(Event, event_id))
            assert point["name"] == "Clicked spot"
            assert (point["lat"], point["lon"]) == pytest.approx((lat, lon), abs=1e-6)
