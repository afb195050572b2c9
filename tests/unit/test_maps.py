"""Tests for planner.geo.maps: builders, asset rewriting, CSP nonces and user-text safety."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from urllib.parse import quote

import folium
import pytest
from folium.elements import JSCSSMixin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.assets import ASSET_FILES
from planner.geo import maps

ASSET_URLS = {name: f"/static/{path}" for name, path in ASSET_FILES.items()}
NONCE = "r4nd0mN0nce+/="
OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`${alert(1)}`",
    "`;alert(1);`",
    "</script><script>alert(1)</script>",
    "</SCRIPT ><script>alert(1)</script>",
    "<!--<script>alert(1)//",
    "javascript:alert(1)",
    "\u2028alert(1)\u2029",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)>",
    '");alert(1);("',
    "');alert(1);('",
    '\\");alert(1);//',
    '<a href="javascript:alert(1)">x</a>',
    "<style>*{background:url(//evil.example/x)}</style>",
    "]]><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<body onload=alert(1)>",
    "{{7*7}}{% raw %}alert(1)",
    "{{ lipsum.__globals__ }}{# alert(1)",
    "{%- if true %}alert(1){% endif %}",
    "{{{{}}}}{{}}{",
    "\x00<script>alert(1)</script>",
    "line one\n<img src=x onerror=alert(1)>\r\nline three",
]

_STRING_LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_ONLY_STRINGS_ARRAY = re.compile(r'\[\s*(?:""(?:\s*,\s*"")*)?\s*\]')
_ELEMENT_ID = re.compile(r"_[0-9a-f]{32}\b")
_URL = re.compile(r"https?://[^\s\"'\\)<>]+", re.IGNORECASE)


def skeleton(text: str) -> str:
    """The code with string literals emptied, string-only arrays collapsed and folium ids normalised."""
    code = _STRING_LITERAL.sub('""', text)
    return _ELEMENT_ID.sub("_ID", _ONLY_STRINGS_ARRAY.sub("[]", code))


def decoded_strings(script: str) -> str:
    """Every JSON string literal in the script, decoded, one per line."""
    return "\n".join(json.loads(literal) for literal in _STRING_LITERAL.findall(script))


def line_of(lon: float, lat: float, n: int = 20) -> list[tuple[float, float, float | None]]:
    """A straight test route of n points heading north-east."""
    return [(lon + i * 0.001, lat + i * 0.002, 100.0 + i) for i in range(n)]


def events_with(text: str) -> folium.Map:
    """An events map with text in every user field."""
    events = [
        {"id": 1, "lat": 46.5, "lon": 7.9, "title": text, "url": "/events/1?q=" + quote(text), "starts_at_text": text},
        {"id": 2, "lat": 46.6, "lon": 8.0, "title": "Second", "url": "/events/2", "starts_at_text": "Sun 9:00"},
    ]
    return maps.events_map(events, cluster=True)


def route_with(text: str) -> folium.Map:
    """A route map with text in every user field."""
    return maps.route_map(
        [line_of(7.9, 46.5)],
        km_marks=[(7.905, 46.51, 1)],
        waypoints=[{"lat": 46.52, "lon": 7.91, "name": text, "notes": text}],
        meeting_points=[{"lat": 46.53, "lon": 7.92, "name": text, "notes": text, "number": 1}],
        start_label=text,
        finish_label=text,
    )


def point_with(text: str) -> folium.Map:
    """A point map labelled with text."""
    return maps.point_map(46.5, 7.9, label=text)


BUILDERS = {"events_map": events_with, "route_map": route_with, "point_map": point_with}


def assert_only_in_string_literals(builder, text: str) -> None:
    """Rendering with text must change nothing but the contents of JSON string literals."""
    benign = maps.render(builder("benign"), ASSET_URLS, nonce=NONCE)
    parts = maps.render(builder(text), ASSET_URLS, nonce=NONCE)
    script = parts.script_js
    assert skeleton(script) == skeleton(benign.script_js)
    assert skeleton(parts.header_html) == skeleton(benign.header_html)
    assert skeleton(parts.body_html) == skeleton(benign.body_html)
    for raw in ("<", "`", "${", "\u2028", "\u2029", "\x00"):
        assert raw not in script
    decoded = decoded_strings(script)
    for line in text.splitlines():
        if line.strip():
            assert line in decoded


class CdnPlugin(JSCSSMixin):
    """A plugin whose asset we do not vendor."""

    default_js = [("someplugin", "https://cdn.example.com/someplugin.js")]


class CdnStyle(JSCSSMixin):
    """A plugin whose stylesheet we do not vendor."""

    default_css = [("someplugin_css", "https://cdn.example.com/someplugin.css")]


class SwappedLeaflet(JSCSSMixin):
    """A plugin that re-points a known name at another URL."""

    default_js = [("leaflet", "https://cdn.example.com/leaflet-evil.js")]


class TestScriptJson:
    def test_it_escapes_html_significant_characters(self):
        text = "</script><!-- & \u2028\u2029 ` ${x} '"
        out = maps.script_json({"t": text})
        for raw in ("<", ">", "&", "\u2028", "\u2029", "`", "$"):
            assert raw not in out
        assert json.loads(out) == {"t": text}

    def test_it_never_forms_a_jinja_delimiter(self):
        value = {"a": {"b": [{"c": "{{ 7*7 }}{% x %}{# y #}"}, {}]}, "d": []}
        out = maps.script_json(value)
        for delimiter in ("{{", "{%", "{#"):
            assert delimiter not in out
        assert json.loads(out) == value

    def test_user_text_is_not_evaluated_as_a_jinja_template(self):
        text = '{{ "inject" ~ "ed" }}'
        script = maps.render(point_with(text), ASSET_URLS).script_js
        assert "injected" not in script
        assert text in decoded_strings(script)

    def test_it_rejects_nan(self):
        with pytest.raises(ValueError):
            maps.script_json(float("nan"))


class TestRender:
    def test_it_points_every_asset_at_our_static_files(self):
        parts = maps.render(events_with("x"), ASSET_URLS)
        for name in ("leaflet.js", "leaflet.css", "markercluster.js", "markercluster.css", "markercluster.default.css"):
            assert f'"{ASSET_URLS[name]}"' in parts.header_html

    def test_it_drops_bootstrap_font_awesome_and_awesome_markers(self):
        header = maps.render(point_with("x"), ASSET_URLS).header_html.lower()
        for word in ("bootstrap", "awesome", "glyphicons", "fontawesome"):
            assert word not in header

    def test_it_does_not_link_markercluster_when_unclustered(self):
        m = maps.events_map(
            [{"id": 1, "lat": 1, "lon": 2, "title": "t", "url": "/e/1", "starts_at_text": "s"}], cluster=False
        )
        header = maps.render(m, ASSET_URLS).header_html
        assert "markercluster" not in header
        assert ASSET_URLS["leaflet.js"] in header

    @pytest.mark.parametrize("plugin", [CdnPlugin, CdnStyle, SwappedLeaflet])
    def test_it_raises_on_an_unknown_js_or_css_link(self, plugin):
        m = maps.point_map(1.0, 2.0, label="x")
        m.add_child(plugin())
        with pytest.raises(ValueError, match="unknown map asset"):
            maps.render(m, ASSET_URLS)

    def test_it_raises_when_an_asset_url_is_missing(self):
        urls = {k: v for k, v in ASSET_URLS.items() if k != "leaflet.css"}
        with pytest.raises(ValueError, match="leaflet.css"):
            maps.render(point_with("x"), urls)

    @pytest.mark.parametrize(
        "url", ["https://cdn.example.com/leaflet.js", "//cdn.example.com/leaflet.js", "leaflet.js"]
    )
    def test_it_raises_on_an_asset_url_that_is_not_a_local_path(self, url):
        with pytest.raises(ValueError, match="same-origin"):
            maps.render(point_with("x"), {**ASSET_URLS, "leaflet.js": url})

    def test_it_adds_the_nonce_to_every_script_style_and_stylesheet_tag(self):
        parts = maps.render(route_with("x"), ASSET_URLS, nonce=NONCE)
        tags = re.findall(r"<(?:script|style|link)\b[^>]*>", parts.header_html)
        assert tags
        assert all(f'nonce="{NONCE}"' in tag for tag in tags)

    def test_it_adds_no_nonce_attribute_without_a_nonce(self):
        assert "nonce" not in maps.render(route_with("x"), ASSET_URLS).header_html

    @pytest.mark.parametrize("nonce", ['x" onload="alert(1)', "short", "a b c d e f g h", ""])
    def test_it_rejects_a_malformed_nonce(self, nonce):
        with pytest.raises(ValueError, match="nonce"):
            maps.render(point_with("x"), ASSET_URLS, nonce=nonce)

    def test_it_leaves_out_folium_full_page_styles_and_viewport(self):
        header = maps.render(point_with("x"), ASSET_URLS).header_html
        assert "html, body" not in header
        assert "viewport" not in header
        assert "#map " not in header

    def test_it_sizes_the_map_div_with_an_overridable_rule(self):
        m = point_with("x")
        parts = maps.render(m, ASSET_URLS)
        assert f'id="{m.get_name()}"' in parts.body_html
        assert f":where(#{m.get_name()})" in parts.header_html

    def test_it_returns_the_script_without_a_script_tag(self):
        script = maps.render(point_with("x"), ASSET_URLS).script_js
        assert "<script" not in script.lower()
        assert "L.map(" in script

    def test_it_does_not_touch_folium_class_level_asset_lists(self):
        before = (list(folium.Map.default_js), list(folium.Map.default_css))
        maps.render(events_with("x"), ASSET_URLS, nonce=NONCE)
        assert (folium.Map.default_js, folium.Map.default_css) == before

    @pytest.mark.parametrize("builder", BUILDERS.values(), ids=BUILDERS.keys())
    def test_it_links_no_remote_url_but_tiles_and_attribution(self, builder):
        parts = maps.render(builder("x"), ASSET_URLS, nonce=NONCE)
        assert not _URL.findall(parts.header_html + parts.body_html)
        assert "//" not in parts.header_html + parts.body_html
        assert set(_URL.findall(parts.script_js)) <= {maps.OSM_TILES.url, OSM_COPYRIGHT}


class TestEventsMap:
    EVENTS = [
        {"id": 1, "lat": 46.5, "lon": 7.9, "title": "Hike", "url": "/events/1", "starts_at_text": "Sat 8:00"},
        {"id": 2, "lat": 46.7, "lon": 8.1, "title": "Ride", "url": "/events/2", "starts_at_text": "Sun 9:00"},
    ]

    def test_it_fits_bounds_to_the_events(self):
        script = maps.render(maps.events_map(self.EVENTS), ASSET_URLS).script_js
        assert "fitBounds(" in script
        assert "[[46.5, 7.9], [46.7, 8.1]]" in script

    def test_it_clusters_markers_by_default(self):
        script = maps.render(maps.events_map(self.EVENTS), ASSET_URLS).script_js
        assert "L.markerClusterGroup(" in script
        assert script.count("L.circleMarker(") == 2

    def test_it_can_skip_clustering(self):
        script = maps.render(maps.events_map(self.EVENTS, cluster=False), ASSET_URLS).script_js
        assert "markerClusterGroup" not in script
        assert script.count("L.circleMarker(") == 2

    def test_it_links_the_popup_to_the_event_url_via_text_content(self):
        script = maps.render(maps.events_map(self.EVENTS), ASSET_URLS).script_js
        assert '"href": "/events/1"' in script
        assert '"lines": ["Sat 8:00"]' in script
        assert "textContent" in script
        assert "innerHTML" not in script

    @pytest.mark.parametrize(
        "url",
        [
            "javascript:alert(1)",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "/\t/evil.example",
            "/a b",
            "",
        ],
    )
    def test_it_rejects_a_url_that_is_not_a_local_path(self, url):
        with pytest.raises(ValueError, match="same-origin"):
            maps.events_map([{**self.EVENTS[0], "url": url}])

    def test_it_centres_an_empty_map_without_fitting(self):
        m = maps.events_map([], center=(46.5, 7.9), zoom=9)
        script = maps.render(m, ASSET_URLS).script_js
        assert "fitBounds" not in script
        assert "[46.5, 7.9]" in script
        assert '"zoom": 9' in script

    def test_it_works_without_tiles_and_keeps_a_max_zoom_for_clusters(self):
        script = maps.render(maps.events_map(self.EVENTS, tiles=None), ASSET_URLS).script_js
        assert "L.tileLayer" not in script
        assert '"maxZoom": 19' in script
        assert "http" not in script

    def test_it_uses_a_configured_tile_source(self):
        tiles = maps.TileConfig("https://tiles.example.org/{z}/{x}/{y}.png", "&copy; Example", max_zoom=17)
        script = maps.render(maps.events_map(self.EVENTS, tiles=tiles), ASSET_URLS).script_js
        assert '"https://tiles.example.org/{z}/{x}/{y}.png"' in script
        assert '"maxZoom": 17' in script

    def test_it_defaults_to_openstreetmap_without_subdomains(self):
        script = maps.render(maps.events_map(self.EVENTS), ASSET_URLS).script_js
        assert '"https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in script

    def test_it_rejects_an_unknown_tile_preset(self):
        with pytest.raises(ValueError, match="tile preset"):
            maps.events_map(self.EVENTS, tiles="CartoDB Positron")


class TestRouteMap:
    def test_it_fits_bounds_to_the_route(self):
        script = maps.render(maps.route_map([line_of(7.9, 46.5, n=11)]), ASSET_URLS).script_js
        assert "fitBounds(" in script
        assert "[[46.5, 7.9], [46.52, 7.91]]" in script

    def test_it_draws_the_line_in_lat_lon_order(self):
        script = maps.render(maps.route_map([[(7.9, 46.5, None), (8.0, 46.6, 1200.0)]]), ASSET_URLS).script_js
        assert "L.polyline(" in script
        assert re.search(r"\[\[46\.5, 7\.9\], \[46\.6, 8\.0\]\]", script)

    def test_it_marks_start_and_finish_with_their_labels(self):
        m = maps.route_map([line_of(7.9, 46.5)], start_label="Depart", finish_label="Arrive")
        script = maps.render(m, ASSET_URLS).script_js
        assert '{"head": "Depart"}' in script
        assert '{"head": "Arrive"}' in script

    def test_it_hands_km_marks_to_route_map_js_in_lat_lon_order(self):
        m = maps.route_map([line_of(7.9, 46.5)], km_marks=[(7.905, 46.51, 1), (7.91, 46.52, 2)])
        script = maps.render(m, ASSET_URLS).script_js
        assert '"km": [[46.51, 7.905, 1], [46.52, 7.91, 2]]' in script
        assert "permanent" not in script  # no label per km: route_map.js shows the ones that fit the zoom

    def test_it_hands_meeting_points_and_profile_samples_to_route_map_js(self):
        point = {"lat": 46.53, "lon": 7.92, "name": "Car park", "notes": None, "number": 2, "along_m": 1234.5}
        m = maps.route_map([line_of(7.9, 46.5)], meeting_points=[point], profile_points=[(0.0, 46.5, 7.9, 100.0)])
        script = maps.render(m, ASSET_URLS).script_js
        assert re.search(r"\.plannerRoute = \{", script)
        assert '"meeting": [{"lat": 46.53, "lon": 7.92, "number": 2, "name": "Car park", "along_m": 1234.5}]' in script
        assert '"samples": [[0.0, 46.5, 7.9, 100.0]]' in script

    def test_it_creates_the_panes_route_map_js_draws_in(self):
        script = maps.render(maps.route_map([line_of(7.9, 46.5)]), ASSET_URLS).script_js
        for pane in ("plannerKm", "plannerArrows", "plannerHover"):
            assert f'.createPane("{pane}")' in script

    def test_start_and_finish_badges_point_at_the_same_spot_from_opposite_sides(self):
        loop = [*line_of(7.9, 46.5, n=5), (7.9, 46.5, 100.0)]
        script = maps.render(maps.route_map([loop]), ASSET_URLS).script_js
        assert script.count("L.marker(\n                [46.5, 7.9],") == 2
        assert '"iconAnchor": [30, 30], "className": "planner-flag planner-flag-start"' in " ".join(script.split())
        assert '"iconAnchor": [0, 30], "className": "planner-flag planner-flag-finish"' in " ".join(script.split())

    def test_it_numbers_meeting_points_and_shows_their_notes(self):
        point = {"lat": 46.53, "lon": 7.92, "name": "Car park", "notes": "Bring coffee\n\nBack gate", "number": 3}
        script = maps.render(maps.route_map([line_of(7.9, 46.5)], meeting_points=[point]), ASSET_URLS).script_js
        assert '{"head": "3"}' in script
        assert '"head": "Car park", "lines": ["Meeting point 3", "Bring coffee", "Back gate"]' in script

    def test_it_shows_waypoints_with_name_and_notes(self):
        waypoint = {"lat": 46.52, "lon": 7.91, "name": "Spring", "notes": "Drinking water"}
        script = maps.render(maps.route_map([line_of(7.9, 46.5)], waypoints=[waypoint]), ASSET_URLS).script_js
        assert '"head": "Spring", "lines": ["Drinking water"]' in script

    def test_it_draws_each_piece_of_a_cut_route_apart(self):
        pieces = [[(7.9, 46.5, None), (7.91, 46.51, None)], [(7.95, 46.55, None), (7.96, 46.56, None)]]
        script = maps.render(maps.route_map(pieces), ASSET_URLS).script_js
        assert re.search(
            r"\[\[\[46\.5, 7\.9\], \[46\.51, 7\.91\]\], \[\[46\.55, 7\.95\], \[46\.56, 7\.96\]\]\]", script
        )
        assert "[46.51, 7.91], [46.55, 7.95]" not in script  # no line across the hidden part

    def test_it_rejects_a_route_with_fewer_than_two_points(self):
        with pytest.raises(ValueError, match="two points"):
            maps.route_map([[(7.9, 46.5, 100.0)]])

    def test_it_rejects_non_finite_coordinates(self):
        with pytest.raises(ValueError, match="finite"):
            maps.route_map([[(7.9, 46.5, None), (float("nan"), 46.6, None)]])


class TestPointMap:
    def test_it_centres_one_marker_on_the_point(self):
        script = maps.render(maps.point_map(46.5, 7.9, label="Home", zoom=10), ASSET_URLS).script_js
        assert script.count("L.circleMarker(") == 1
        assert "center: [46.5, 7.9]" in script
        assert '"zoom": 10' in script
        assert '{"head": "Home"}' in script


class TestUserTextSafety:
    def test_the_corpus_is_big_enough(self):
        assert len(XSS_PAYLOADS) >= 20

    @pytest.mark.parametrize("builder", BUILDERS.values(), ids=BUILDERS.keys())
    @pytest.mark.parametrize("payload", XSS_PAYLOADS)
    def test_a_payload_only_ever_appears_escaped_inside_a_json_string(self, builder, payload):
        assert_only_in_string_literals(builder, payload)

    @pytest.mark.parametrize("builder", BUILDERS.values(), ids=BUILDERS.keys())
    def test_no_payload_reaches_the_page_raw(self, builder):
        for payload in XSS_PAYLOADS:
            parts = maps.render(builder(payload), ASSET_URLS, nonce=NONCE)
            assert "alert" not in parts.header_html + parts.body_html
            for raw in ("</script", "<script", "<img", "<svg", "<!--", "${alert", "`", "{{"):
                assert raw not in parts.script_js.lower()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=st.text(max_size=60))
    def test_any_text_only_ever_appears_inside_a_json_string(self, text):
        assert_only_in_string_literals(route_with, text)
        assert_only_in_string_literals(events_with, text)

    def test_the_rendered_scripts_are_valid_javascript(self, tmp_path):
        if shutil.which("node") is None:  # fail, never skip: scripts/setup.sh installs Debian's nodejs
            pytest.fail("node is missing: install Debian's nodejs package (scripts/setup.sh system)", pytrace=False)
        scripts = [
            maps.render(builder(payload), ASSET_URLS).script_js
            for builder in BUILDERS.values()
            for payload in XSS_PAYLOADS
        ]
        source = tmp_path / "maps.js"
        source.write_text("\n".join(f"(function () {{\n{script}\n}});" for script in scripts), encoding="utf-8")
        result = subprocess.run(["node", "--check", str(source)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
