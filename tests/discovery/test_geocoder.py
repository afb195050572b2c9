"""The remote geocoder path against a Nominatim-shaped HTTP server on loopback: an answer, a timeout, a 5xx.

Real HTTP to 127.0.0.1, no mocks. A slow or failing geocoder must fall back to the offline gazetteer quickly
and never turn a page into a 500.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from planner.services.geocode import geocode
from tests import factories as f
from tests.community.conftest import bearer, make_cast
from tests.discovery.helpers import events_at

TIMEOUT_S = 0.5
SLOW_S = 10 * TIMEOUT_S  # the slow server answers only after this (its thread is a daemon)
USER_AGENT = "planner tests (loopback geocoder)"
# A made-up place the gazetteer cannot know, so an answer naming it can only come from the server.
TESTVILLE = {"place_id": 1, "lat": "30.2601", "lon": "120.1502", "display_name": "Testville, Loopback County"}


class FakeNominatim(BaseHTTPRequestHandler):
    """Answers GET /search like Nominatim's JSON format, as the server's `mode` says: ok, slow, error, garbage."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        """One /search answer."""
        server = self.server
        server.requests.append((urlsplit(self.path), dict(self.headers)))
        if server.mode == "slow":
            time.sleep(SLOW_S)
        if server.mode == "error":
            self._send(503, b'{"error": "overloaded"}')
        elif server.mode == "garbage":
            self._send(200, b"<html>not json</html>")
        else:
            query = parse_qs(urlsplit(self.path).query).get("q", [""])[0]
            self._send(200, json.dumps([TESTVILLE] if query.startswith("Testville") else []).encode())

    def _send(self, status: int, body: bytes) -> None:
        """Write one response (the client may have gone away after its timeout)."""
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def nominatim(app) -> Iterator:
    """Start a loopback geocoder; the app asks it (with a short timeout) for the length of the test."""
    servers = []

    def start(mode: str):
        server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
        server.daemon_threads = True
        server.mode, server.requests = mode, []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        app.config.update(
            GEOCODER_URL=f"http://127.0.0.1:{server.server_port}",
            GEOCODER_TIMEOUT_S=TIMEOUT_S,
            GEOCODER_USER_AGENT=USER_AGENT,
        )
        return server

    saved = {key: app.config[key] for key in ("GEOCODER_URL", "GEOCODER_TIMEOUT_S", "GEOCODER_USER_AGENT")}
    try:
        yield start
    finally:
        app.config.update(saved)
        for server in servers:
            server.shutdown()
            server.server_close()


def timed_geocode(query: str) -> tuple[list, float]:
    """geocode(query) and the seconds it took."""
    started = time.monotonic()
    places = geocode(query)
    return places, time.monotonic() - started


class TestAGeocoderThatAnswers:
    def test_its_place_is_returned_and_it_was_asked_in_nominatims_terms(self, nominatim, ctx):
        server = nominatim("ok")
        (place,) = geocode("Testville")
        assert (place.name, place.lat, place.lon, place.source) == (
            "Testville, Loopback County",
            30.2601,
            120.1502,
            "geocoder",
        )
        (url, headers), *_ = server.requests
        params = parse_qs(url.query)
        assert url.path == "/search" and params["q"] == ["Testville"] and params["format"] == ["json"]
        assert headers["User-Agent"] == USER_AGENT

    def test_the_explore_page_searches_around_it(self, nominatim, client):
        nominatim("ok")
        grp = f.group(f.user(), name="Loopback Walkers")
        events_at(grp.id, [(30.27, 120.15)])
        response = client.get("/explore?q=Testville&radius_km=5")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Nearest first from <strong>Testville, Loopback County</strong>" in html
        assert len(re.findall(r'class="distance">', html)) == 1

    def test_no_match_there_falls_back_to_the_gazetteer(self, nominatim, ctx):
        server = nominatim("ok")
        (first, *_) = geocode("Zurich")
        assert first.source == "gazetteer" and first.country == "CH"
        assert len(server.requests) == 1


class TestAGeocoderThatFails:
    @pytest.mark.parametrize("mode", ["slow", "error", "garbage"])
    def test_the_gazetteer_answers_instead_and_quickly(self, nominatim, ctx, mode):
        server = nominatim(mode)
        places, took_s = timed_geocode("Zurich, CH")
        assert places and places[0].source == "gazetteer" and places[0].country == "CH"
        assert len(server.requests) == 1, "the geocoder was really asked"
        assert took_s < 10 * TIMEOUT_S, f"the fallback took {took_s:.1f} s"

    @pytest.mark.parametrize("mode", ["slow", "error"])
    def test_the_explore_page_still_answers(self, nominatim, client, mode):
        nominatim(mode)
        response = client.get("/explore?q=Hangzhou&radius_km=10")
        assert response.status_code == 200
        assert "Nearest first from <strong>Hangzhou</strong>" in response.get_data(as_text=True)
        unknown = client.get("/explore?q=Testville")  # the geocoder cannot help and the gazetteer knows nothing
        assert unknown.status_code == 400

    @pytest.mark.parametrize("mode", ["slow", "error"])
    def test_a_meeting_point_by_place_name_still_works(self, nominatim, client, mode):
        nominatim(mode)
        cast = make_cast()
        outing = f.event(cast.group)
        response = client.post(
            f"/api/v1/events/{outing.id}/meeting-points",
            headers=bearer(cast.owner),
            json={"name": "Centre", "place": "Hangzhou"},
        )
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["lat"] == pytest.approx(30.29, abs=0.1)
