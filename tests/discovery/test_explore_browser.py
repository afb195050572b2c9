"""In a real Chromium: the explore map loads its markers from the bbox endpoint, and "Near me" searches."""
from __future__ import annotations

import shutil
import threading

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from planner.extensions import db
from tests import factories as f
from tests.conftest import MIGRATIONS, database_url_for, drop_database, make_app, recreate_database
from tests.discovery.helpers import events_at

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
HOSTILE_TITLE = '<img src=x id=injected onerror="document.title=`pwned`">${alert(1)}'


@pytest.fixture(scope="module")
def base_url():
    """The app on its own database with three outings near Hangzhou, served on 127.0.0.1 from a thread."""
    assert shutil.which("chromium"), "Debian's chromium is missing: `make test` installs it (scripts/setup.sh system)"
    url = database_url_for("explore_browser")
    recreate_database(url)
    app = make_app(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        grp = f.group(f.user())
        events_at(grp.id, [(30.25, 120.15), (30.26, 120.16)])
        events_at(grp.id, [(30.27, 120.17)], title=HOSTILE_TITLE)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()
    drop_database(url)


def _browser(playwright):
    """Debian's Chromium, headless."""
    return playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)


class TestExploreJs:
    def test_the_map_loads_markers_from_the_bbox_endpoint_without_running_user_text(self, base_url):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = _browser(playwright)
            page = browser.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base_url) else r.abort())
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            with page.expect_response(lambda r: "/api/v1/events?" in r.url) as answer:
                page.goto(f"{base_url}/explore?lat=30.25&lon=120.15&radius_km=10")
            request_url = answer.value.url
            page.wait_for_selector(".marker-cluster, path.leaflet-interactive")
            with page.expect_response(lambda r: "/api/v1/events?" in r.url):
                page.evaluate("""() => { const cfg = document.getElementById('explore-map-config');
                                         window[cfg.dataset.map].setView([30.27, 120.17], 18); }""")
            page.click("path.leaflet-interactive")
            popup = page.locator(".leaflet-popup-content").inner_text()
            title, injected = page.title(), page.locator("#injected").count()
            browser.close()
        assert errors == []
        assert "bbox=" in request_url and "zoom=" in request_url
        assert HOSTILE_TITLE in popup and injected == 0 and title != "pwned"

    def test_near_me_fills_lat_lon_from_geolocation_and_searches(self, base_url):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = _browser(playwright)
            context = browser.new_context(geolocation={"latitude": 30.25, "longitude": 120.15},
                                          permissions=["geolocation"])
            page = context.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base_url) else r.abort())
            page.goto(f"{base_url}/explore")
            page.click("#near-me")
            page.wait_for_url("**/explore?*lat=30.25000*")
            distances = page.locator(".result .distance").all_text_contents()
            browser.close()
        assert distances[0] == "0.0 km" and len(distances) == 3
