"""The explore page at /explore: form, nearest-first list, pagination, map wiring, offline geocoding."""

from __future__ import annotations

import re
from pathlib import Path

from tests import factories as f
from tests.discovery.helpers import events_at, route

STATIC = Path(__file__).resolve().parents[2] / "static"


class TestExplorePage:
    def test_it_lists_outings_near_a_place_nearest_first_with_distances(self, client):
        grp = f.group(f.user(), name="Lakeside Walkers")
        events_at(grp.id, [(30.30, 120.15), (30.26, 120.15)])
        html = client.get("/explore?lat=30.25&lon=120.15&radius_km=20").get_data(as_text=True)
        distances = [float(d) for d in re.findall(r'class="distance">([\d.]+) km', html)]
        assert distances == sorted(distances) and len(distances) == 2
        assert "Lakeside Walkers" in html

    def test_a_place_name_is_geocoded_offline_by_the_gazetteer(self, client):
        grp = f.group(f.user())
        events_at(grp.id, [(30.29, 120.16)])  # Hangzhou
        html = client.get("/explore?q=Hangzhou&radius_km=10").get_data(as_text=True)
        assert "Nearest first from <strong>Hangzhou</strong>" in html
        assert len(re.findall(r'class="distance">', html)) == 1

    def test_an_unknown_place_gets_400_with_a_message(self, client):
        response = client.get("/explore?q=Xqzzyplace")
        assert response.status_code == 400
        assert 'data-field="q"' in response.get_data(as_text=True)

    def test_a_radius_outside_1_to_200_km_gets_400_naming_the_field(self, client):
        response = client.get("/explore?lat=30&lon=120&radius_km=250")
        assert response.status_code == 400
        assert 'data-field="radius_km"' in response.get_data(as_text=True)

    def test_it_pages_and_the_links_carry_the_whole_query(self, client):
        grp = f.group(f.user())
        events_at(grp.id, [(30.0 + i * 0.001, 120.0) for i in range(25)])
        first = client.get("/explore?lat=30&lon=120&radius_km=50&activity=hiking").get_data(as_text=True)
        next_url = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
        assert all(part in next_url for part in ("lat=30", "lon=120", "radius_km=50", "activity=hiking", "page=2"))
        second = client.get(next_url).get_data(as_text=True)
        assert len(re.findall(r'class="distance">', second)) == 5 and 'rel="prev"' in second

    def test_it_lists_routes_and_groups_too(self, client):
        owner = f.user()
        f.group(owner, lat=30.0, lon=120.0, name="River Riders", interest="cycling")
        route(owner.id, [(30.0, 119.9), (30.0, 120.1)], name="Canal loop")
        groups = client.get("/explore?lat=30&lon=120&what=groups").get_data(as_text=True)
        routes = client.get("/explore?lat=30.01&lon=120&what=routes&radius_km=5").get_data(as_text=True)
        assert "River Riders" in groups and "Canal loop" in routes and "from its start" in routes

    def test_the_map_is_wired_to_our_script_without_inline_code_of_ours(self, client):
        html = client.get("/explore").get_data(as_text=True)
        map_name = re.search(r'data-map="(map_[0-9a-f]+)"', html).group(1)
        assert f"var {map_name} = L.map" in html
        assert re.search(r'<script src="/static/js/explore\.js" defer></script>', html)
        assert 'data-events-url="/api/v1/events"' in html
        inline = re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>(.*?)</script>", html, re.S)
        assert inline and all(map_name in block for block in inline)  # only folium's map script (and data blocks)
        assert "cdn" not in html.lower()

    def test_the_nav_links_to_explore(self, client):
        assert '<a href="/explore">Explore</a>' in client.get("/explore").get_data(as_text=True)


class TestExploreScript:
    def test_it_builds_popups_with_text_content_only(self):
        script = (STATIC / "js" / "explore.js").read_text()
        assert "innerHTML" not in script and "insertAdjacentHTML" not in script
        assert "textContent" in script and "moveend" in script and "markerClusterGroup" in script


class TestExploreWords:
    def test_words_narrow_the_outings_near_a_place_in_english_and_chinese(self, client):
        grp = f.group(f.user())
        (ride,) = events_at(grp.id, [(30.26, 120.15)], title="Thursday night ride")
        (run,) = events_at(grp.id, [(30.27, 120.15)], title="西湖夜跑")
        events_at(grp.id, [(30.25, 120.15)], title="Tea village walk")
        for words, expected in (("rides", ride), ("夜跑", run)):
            html = client.get(f"/explore?lat=30.25&lon=120.15&radius_km=10&words={words}").get_data(as_text=True)
            assert re.findall(r'href="/events/(\d+)"', html) == [str(expected)], words
            assert f'value="{words}"' in html  # the form keeps them

    def test_too_long_words_get_400_naming_the_field(self, client):
        response = client.get("/explore?lat=30.25&lon=120.15&words=" + "x" * 201)
        assert response.status_code == 400
        assert 'data-field="words"' in response.get_data(as_text=True)
