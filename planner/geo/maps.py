"""Folium map builders, and ``render`` to embed a map in a Jinja page safely.

User text (event titles, GPX names, meeting-point names and notes) never goes
through ``folium.Popup`` or ``folium.Tooltip``: folium puts popup text in a JS
template literal and tooltip text in the script unescaped. Instead
``_SafeContent`` binds popups and tooltips with a function that builds DOM nodes
and sets ``textContent`` from a JSON string, so user text is never parsed as
HTML or JavaScript. Those strings are escaped by ``script_json`` so they also
survive branca, which re-parses every rendered macro as a Jinja template: a
``{{ … }}`` in a name given to plain folium is evaluated on the server.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.plugins import MarkerCluster
from folium.template import Template


@dataclass(frozen=True)
class MapParts:
    """A folium map split for embedding in a Jinja page: header_html (link/script/style tags for <head>), body_html (the map div), script_js (the map's JS, no <script> tag)."""

    header_html: str
    body_html: str
    script_js: str


@dataclass(frozen=True)
class TileConfig:
    """A raster tile source: Leaflet URL template, attribution HTML (trusted config), max zoom."""

    url: str
    attribution: str
    max_zoom: int = 19


OSM_TILES = TileConfig(
    url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    attribution='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    max_zoom=19,
)
TILE_PRESETS: dict[str, TileConfig] = {"OpenStreetMap": OSM_TILES}
Tiles = TileConfig | str | None

_MAX_ZOOM_WITHOUT_TILES = 19
_FIT_PADDING = (24, 24)

# Exact (folium link name, CDN URL) pairs we serve locally instead, by logical asset name.
_LOCAL_LINKS = {
    ("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"): "leaflet.js",
    ("jquery", "https://code.jquery.com/jquery-3.7.1.min.js"): "jquery.js",
    ("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"): "leaflet.css",
    (
        "markerclusterjs",
        "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js",
    ): "markercluster.js",
    (
        "markerclustercss",
        "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css",
    ): "markercluster.css",
    (
        "markerclusterdefaultcss",
        "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css",
    ): "markercluster.default.css",
}
# Links folium always adds for folium.Icon, which we never use: dropped whatever their URL.
_UNUSED_LINKS = frozenset(
    {
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)
# A path like url_for() builds: one leading slash, no control characters or spaces, which
# browsers strip from URLs (so "/\t/evil.example" would become "//evil.example").
_LOCAL_PATH_RE = re.compile(r"/(?![/\\])[^\x00-\x20\x7f]*")
_NONCE_RE = re.compile(r"[A-Za-z0-9+/_=-]{8,}")
_INLINE_TAG_RE = re.compile(r"<(script|style)(?=[\s>])", re.IGNORECASE)
_UNSAFE_IN_SCRIPT_RE = re.compile(r"</script|<!--", re.IGNORECASE)
_SCRIPT_JSON_ESCAPES = str.maketrans({char: f"\\u{ord(char):04x}" for char in "<>&`${}"})
_REMOTE_RE = re.compile(r"(?:https?:)?//", re.IGNORECASE)

_CONTENT_JS = """
function plannerMapContent(spec) {
    var box = document.createElement("div");
    var head = document.createElement(spec.href ? "a" : "span");
    head.className = "planner-map-head";
    head.textContent = spec.head;
    if (spec.href) { head.setAttribute("href", spec.href); }
    box.appendChild(head);
    (spec.lines || []).forEach(function (text) {
        var line = document.createElement("div");
        line.textContent = text;
        box.appendChild(line);
    });
    return box;
}
"""
_CONTENT_CSS = """
.planner-map-head { font-weight: 600; }
.leaflet-tooltip.planner-number-label {
    padding: 0; border: 0; background: transparent; box-shadow: none;
    color: #fff; font-weight: 700; font-size: 12px;
}
"""

_STYLE: dict[str, dict[str, Any]] = {
    "event": {"radius": 8, "color": "#1d4ed8", "fill_color": "#3b82f6"},
    "start": {"radius": 8, "color": "#166534", "fill_color": "#22c55e"},
    "finish": {"radius": 8, "color": "#7f1d1d", "fill_color": "#ef4444"},
    "waypoint": {"radius": 6, "color": "#9a3412", "fill_color": "#f97316"},
    "meeting": {"radius": 11, "color": "#4c1d95", "fill_color": "#7c3aed"},
}
_ROUTE_LINE = {"color": "#dc2626", "weight": 4, "opacity": 0.85}
_ZONE_STYLE: dict[str, Any] = {
    "color": "#4c1d95",
    "weight": 2,
    "fill": True,
    "fill_color": "#c4b5fd",
    "fill_opacity": 0.35,
}


def script_json(value: Any) -> str:
    """JSON safe inside an HTML <script> and through branca, which re-parses rendered output as Jinja.

    In strings, <, >, &, `, $, { and } and all non-ASCII (so U+2028/U+2029) become \\uXXXX escapes,
    so no "</script", "<!--", "${", "{{", "{%" or "{#" can appear; objects and lists are built here
    so their own braces never form a Jinja delimiter either.
    """
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{script_json(str(key))}: {script_json(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(script_json(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=True, allow_nan=False).translate(_SCRIPT_JSON_ESCAPES)


class _SafeContent(MacroElement):
    """Binds a popup or tooltip to its parent layer from JSON, via textContent only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.{{ this.method }}(function () {
                return plannerMapContent({{ this.spec_json }});
            }, {{ this.options_json }});
        {% endmacro %}
        """
    )

    def __init__(self, method: str, spec: dict[str, Any], options: dict[str, Any] | None = None):
        super().__init__()
        self._name = "SafeContent"
        self.method = method
        self.spec_json = script_json(spec)
        self.options_json = script_json(options or {})


class _ContentSupport(MacroElement):
    """Emits the plannerMapContent() helper and the label CSS once per map."""

    _template = Template(
        "{% macro header(this, kwargs) %}<style>"
        + _CONTENT_CSS
        + "</style>{% endmacro %}"
        + "{% macro script(this, kwargs) %}"
        + _CONTENT_JS
        + "{% endmacro %}"
    )

    def __init__(self):
        super().__init__()
        self._name = "ContentSupport"


@dataclass(frozen=True)
class ControlWords:
    """The words of a map's own controls, English by default: the zoom buttons' titles, the title of the Leaflet
    link in the attribution, and the scale's units (templates of %(num)s); imperial adds a scale in miles and feet."""

    zoom_in: str = "Zoom in"
    zoom_out: str = "Zoom out"
    leaflet: str = "A JavaScript library for interactive maps"
    metres: str = "%(num)s m"
    km: str = "%(num)s km"
    imperial: bool = True


# Titles the zoom buttons and the attribution's Leaflet link (L.map has made both by now) and adds a scale whose
# metric label uses the words.
_CONTROLS_JS = """
(function (map, words) {
    [[".leaflet-control-zoom-in", words.zoom_in], [".leaflet-control-zoom-out", words.zoom_out]].forEach(
        function (pair) {
            var button = map.getContainer().querySelector(pair[0]);
            if (button) { button.title = pair[1]; button.setAttribute("aria-label", pair[1]); }
        });
    var attribution = map.attributionControl;
    if (attribution && typeof attribution.options.prefix === "string") {
        var title = words.leaflet.replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
        attribution.setPrefix(attribution.options.prefix.replace(/title="[^"]*"/, 'title="' + title + '"'));
    }
    var scale = L.control.scale({imperial: words.imperial});
    scale._updateMetric = function (maxMeters) {
        var meters = this._getRoundNum(maxMeters);
        var label = meters < 1000 ? words.metres.replace("%(num)s", meters)
            : words.km.replace("%(num)s", meters / 1000);
        this._updateScale(this._mScale, label, meters / maxMeters);
    };
    scale.addTo(map);
"""


class _Controls(MacroElement):
    """The zoom buttons' titles and the scale in the reader's words."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        + _CONTROLS_JS
        + "}({{ this._parent.get_name() }}, {{ this.words_json }}));{% endmacro %}"
    )

    def __init__(self, words: ControlWords):
        super().__init__()
        self._name = "Controls"
        self.words_json = script_json(asdict(words))


def label_controls(m: folium.Map, words: ControlWords) -> None:
    """Give m's zoom buttons and scale the reader's words (its scale replaces folium's); call before render."""
    m.control_scale = False
    m.add_child(_Controls(words))


def _popup(layer: Element, head: str, lines: Iterable[str | None] = (), href: str | None = None) -> None:
    """Bind a click popup: a heading (a link when href is given) and plain text lines."""
    spec = {"head": str(head), "lines": [str(line) for line in lines if line], "href": _local_href(href)}
    layer.add_child(_SafeContent("bindPopup", spec, {"maxWidth": 320}))


def _tooltip(layer: Element, text: str, **options: Any) -> None:
    """Bind a plain-text tooltip; options are Leaflet tooltip options (camelCase)."""
    layer.add_child(_SafeContent("bindTooltip", {"head": str(text)}, options))


def _local_href(href: str | None) -> str | None:
    """Accept only a same-origin, percent-encoded path built by the server (no scheme, no //host)."""
    if href is not None and not _LOCAL_PATH_RE.fullmatch(href):
        raise ValueError(f"popup link must be a same-origin path, got {href!r}")
    return href


def _tile_config(tiles: Tiles) -> TileConfig | None:
    """Resolve the tiles argument: a TileConfig, a preset name, or None for no tiles."""
    if tiles is None or isinstance(tiles, TileConfig):
        return tiles
    if tiles in TILE_PRESETS:
        return TILE_PRESETS[tiles]
    raise ValueError(f"unknown tile preset {tiles!r}; pass a TileConfig for custom tiles")


def _new_map(location: tuple[float, float] | None, zoom: int, tiles: Tiles, height: str) -> folium.Map:
    """A folium map with our tile layer (or none), a max zoom, and the safe-content helper."""
    config = _tile_config(tiles)
    m = folium.Map(location=location, zoom_start=zoom, tiles=None, height=height, control_scale=True)
    m.options["max_zoom"] = config.max_zoom if config else _MAX_ZOOM_WITHOUT_TILES
    if config:
        folium.TileLayer(tiles=config.url, attr=config.attribution, max_zoom=config.max_zoom, name="tiles").add_to(m)
    m.add_child(_ContentSupport())
    return m


def _dot(lat: float, lon: float, kind: str) -> folium.CircleMarker:
    """A styled circle marker; kind picks the colours from _STYLE."""
    style = _STYLE[kind]
    return folium.CircleMarker(
        location=(_finite(lat), _finite(lon)),
        radius=style["radius"],
        color=style["color"],
        weight=2,
        fill=True,
        fill_color=style["fill_color"],
        fill_opacity=0.9,
    )


def _finite(value: float) -> float:
    """A coordinate as float; rejects NaN and infinities, which would break the map."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"coordinate must be finite, got {value!r}")
    return number


def _fit(m: folium.Map, latlons: list[tuple[float, float]], max_zoom: int) -> None:
    """Fit the map view to the given (lat, lon) points."""
    lats = [lat for lat, _ in latlons]
    lons = [lon for _, lon in latlons]
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=_FIT_PADDING, max_zoom=max_zoom)


def events_map(
    events: list[dict],
    *,
    center: tuple[float, float] | None = None,
    zoom: int = 11,
    tiles: Tiles = "OpenStreetMap",
    cluster: bool = True,
) -> folium.Map:
    """Map of event start points: each dict has id, lat, lon, title, url, starts_at_text. Clustered with MarkerCluster. Fitted to the points when there are any."""
    m = _new_map(center, zoom, tiles, height="480px")
    layer = MarkerCluster(name="events") if cluster else folium.FeatureGroup(name="events")
    layer.add_to(m)
    for event in events:
        marker = _dot(event["lat"], event["lon"], "event").add_to(layer)
        _tooltip(marker, event["title"], direction="top")
        _popup(marker, event["title"], [event.get("starts_at_text")], href=event.get("url"))
    if events:
        _fit(m, [(float(e["lat"]), float(e["lon"])) for e in events], max_zoom=15)
    return m


class _RouteSupport(MacroElement):
    """Creates the route map's panes and hands route_map.js the route's data as map.plannerRoute."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.plannerRoute = {{ this.data_json }};
            {% for name, z_index in this.panes %}
            {{ this._parent.get_name() }}.createPane({{ name|tojson }}).style.zIndex = {{ z_index }};
            {% endfor %}
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any]):
        super().__init__()
        self._name = "RouteSupport"
        self.data_json = script_json(data)
        self.panes = list(_PANES.items())


# Leaflet panes for route_map.js: km marks below the line and the meeting points (overlayPane 400), arrows
# just above them, the profile's hover marker above the markers (600) and below tooltips (650).
_PANES = {"plannerKm": 390, "plannerArrows": 410, "plannerHover": 620}
# Start and finish badges: a flag pointing up-left for the start and up-right for the finish, both
# anchored on the exact point, so on a loop or an out-and-back they sit side by side, never stacked.
_FLAGS = {
    "start": ("S", (30, 30)),
    "finish": ("F", (0, 30)),
}


def _flag(lat: float, lon: float, kind: str) -> folium.Marker:
    """A start or finish badge (fixed markup, no user text) whose corner touches the point."""
    glyph, anchor = _FLAGS[kind]
    icon = folium.DivIcon(
        html=f'<span class="planner-flag-badge">{glyph}</span>',
        icon_size=(30, 30),
        icon_anchor=anchor,
        class_name=f"planner-flag planner-flag-{kind}",
    )
    return folium.Marker((_finite(lat), _finite(lon)), icon=icon)


def route_map(
    lines: Sequence[Sequence[tuple[float, float, float | None]]],
    *,
    km_marks: Iterable[tuple[float, float, int]] = (),
    waypoints: Iterable[Mapping[str, Any]] = (),
    meeting_points: Iterable[Mapping[str, Any]] = (),
    profile_points: Iterable[tuple[float, float, float, float | None]] = (),
    start_label: str = "Start",
    finish_label: str = "Finish",
    meeting_label: str = "Meeting point %(number)s",
    tiles: Tiles = "OpenStreetMap",
) -> folium.Map:
    """Route map: lines (pieces of the route, one unless privacy zones cut it) and km_marks are (lon, lat, …) like GeoJSON; draws the polylines, start/finish badges (labelled start_label, finish_label), waypoints and numbered meeting points (lat, lon, name, notes, number, along_m; their popups say meeting_label with the number), fitted to the route; km marks, direction arrows and the profile link (profile_points are (distance_m, lat, lon, ele_m)) are drawn by static/js/route_map.js from map.plannerRoute."""
    pieces = [[(_finite(lat), _finite(lon)) for lon, lat, *_ in line] for line in lines]
    if not pieces or any(len(piece) < 2 for piece in pieces):
        raise ValueError("a route needs at least two points in each piece")
    latlons = [point for piece in pieces for point in piece]
    meeting_points = list(meeting_points)
    m = _new_map(latlons[0], 13, tiles, height="440px")
    m.add_child(_RouteSupport(_route_data(pieces, km_marks, meeting_points, profile_points)))
    folium.PolyLine(pieces if len(pieces) > 1 else pieces[0], **_ROUTE_LINE).add_to(m)
    for (lat, lon), kind, label in ((latlons[0], "start", start_label), (latlons[-1], "finish", finish_label)):
        _tooltip(_flag(lat, lon, kind).add_to(m), label, direction="top")
    for point in waypoints:
        _add_waypoint(m, point)
    for point in meeting_points:
        _add_meeting_point(m, point, meeting_label)
    _fit(m, latlons, max_zoom=16)
    return m


def _route_data(
    pieces: list[list[tuple[float, float]]],
    km_marks: Iterable[tuple[float, float, int]],
    meeting_points: list[Mapping[str, Any]],
    profile_points: Iterable[tuple[float, float, float, float | None]],
) -> dict[str, Any]:
    """What route_map.js needs: the pieces, km marks, meeting points and profile samples, all as [lat, lon, …]."""
    return {
        "pieces": [[list(point) for point in piece] for piece in pieces],
        "km": [[_finite(lat), _finite(lon), int(km)] for lon, lat, km in km_marks],
        "meeting": [
            {
                "lat": _finite(point["lat"]),
                "lon": _finite(point["lon"]),
                "number": int(point["number"]),
                "name": str(point["name"]),
                "along_m": None if point.get("along_m") is None else _finite(point["along_m"]),
            }
            for point in meeting_points
        ],
        "samples": [
            [_finite(distance_m), _finite(lat), _finite(lon), None if ele_m is None else _finite(ele_m)]
            for distance_m, lat, lon, ele_m in profile_points
        ],
    }


def _note_lines(notes: str | None) -> list[str]:
    """Split free-text notes into non-empty lines for the popup."""
    return [line for line in (notes or "").splitlines() if line.strip()]


def _add_waypoint(m: folium.Map, point: Mapping[str, Any]) -> None:
    """A GPX waypoint: orange dot, name on hover, name and notes on click."""
    marker = _dot(point["lat"], point["lon"], "waypoint").add_to(m)
    _tooltip(marker, point["name"], direction="top")
    _popup(marker, point["name"], _note_lines(point.get("notes")))


def _add_meeting_point(m: folium.Map, point: Mapping[str, Any], label: str) -> None:
    """A meeting point: purple dot showing its number, name, label (a %(number)s template) and notes on click."""
    number = int(point["number"])
    marker = _dot(point["lat"], point["lon"], "meeting").add_to(m)
    _tooltip(marker, str(number), permanent=True, direction="center", className="planner-number-label")
    _popup(marker, point["name"], [label % {"number": number}, *_note_lines(point.get("notes"))])


def point_map(lat: float, lon: float, *, label: str, zoom: int = 12, tiles: Tiles = "OpenStreetMap") -> folium.Map:
    """A small map with one marker (a group's home area)."""
    m = _new_map((_finite(lat), _finite(lon)), zoom, tiles, height="260px")
    _tooltip(_dot(lat, lon, "event").add_to(m), label, direction="top")
    return m


def zones_map(
    zones: Iterable[Mapping[str, Any]], *, unnamed: str = "Privacy zone", tiles: Tiles = "OpenStreetMap"
) -> folium.Map:
    """A user's own privacy zones (lat, lon, radius_m, name) as circles, fitted to them, an unnamed one labelled
    unnamed; the world when none."""
    zones = list(zones)
    m = _new_map((20.0, 0.0), 2, tiles, height="360px")
    for zone in zones:
        circle = folium.Circle(
            (_finite(zone["lat"]), _finite(zone["lon"])), radius=float(zone["radius_m"]), **_ZONE_STYLE
        ).add_to(m)
        _tooltip(circle, zone["name"] or unnamed, direction="top")
    if zones:
        _fit(m, [(zone["lat"], zone["lon"]) for zone in zones], max_zoom=14)
    return m


def _nonce_attr(nonce: str | None) -> str:
    """The ` nonce="…"` attribute, or "" when there is no nonce; rejects odd characters."""
    if nonce is None:
        return ""
    if not _NONCE_RE.fullmatch(nonce):
        raise ValueError("CSP nonce must be 8+ base64/url-safe characters")
    return f' nonce="{nonce}"'


def _link_tag(name: str, link: JavascriptLink | CssLink, asset_urls: Mapping[str, str], nonce: str) -> str:
    """Our local <script>/<link> tag for a folium asset link; raises on anything unknown."""
    if name in _UNUSED_LINKS:
        return ""
    asset = _LOCAL_LINKS.get((name, link.url))
    if asset is None:
        raise ValueError(f"unknown map asset {name!r} at {link.url!r}: refusing to link it")
    url = asset_urls.get(asset)
    if url is None or not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"asset_urls[{asset!r}] must be a same-origin path, got {url!r}")
    if isinstance(link, JavascriptLink):
        return f'<script src="{html.escape(url)}"{nonce}></script>'
    return f'<link rel="stylesheet" href="{html.escape(url)}"{nonce}>'


def _map_style(m: folium.Map, nonce: str) -> str:
    """Replaces folium's full-page map header: sizes the map div only, overridable by page CSS."""
    width, height = (f"{value}{unit}" for value, unit in (m.width, m.height))
    return (
        f"<style{nonce}>:where(#{m.get_name()}) {{ position: relative; width: {width}; height: {height}; }}"
        f" .leaflet-container {{ font-size: {m.font_size}; }}</style>"
    )


def _header_part(name: str, child: Element, m: folium.Map, asset_urls: Mapping[str, str], nonce: str) -> str:
    """HTML for one child of the figure header, or "" to drop it."""
    if isinstance(child, (JavascriptLink, CssLink)):
        return _link_tag(name, child, asset_urls, nonce)
    if name == "meta_http":
        return ""
    if name == m.get_name():
        return _map_style(m, nonce)
    return _INLINE_TAG_RE.sub(lambda tag: f"<{tag.group(1)}{nonce}", child.render())


def render(m: folium.Map, asset_urls: Mapping[str, str], nonce: str | None = None) -> MapParts:
    """Rewrite every JavascriptLink/CssLink in the map's header to our local asset URLs (fail closed: raise ValueError on any name/URL you do not know, so no CDN URL can ever slip through), drop bootstrap/font-awesome/awesome-markers/glyphicons which we do not use, add nonce="..." to inline <script> and <style> tags when nonce is given, and split into MapParts."""
    nonce_attr = _nonce_attr(nonce)
    figure = m.get_root()
    assert isinstance(figure, Figure)  # a folium.Map's root is always its Figure
    figure.render()
    header = [_header_part(name, child, m, asset_urls, nonce_attr) for name, child in figure.header._children.items()]
    parts = MapParts(
        header_html="\n".join(part for part in header if part),
        body_html=figure.html.render().strip(),
        script_js=figure.script.render(),
    )
    if _UNSAFE_IN_SCRIPT_RE.search(parts.script_js):
        raise ValueError("map script contains '</script' or '<!--'; refusing to embed it")
    if _REMOTE_RE.search(parts.header_html) or _REMOTE_RE.search(parts.body_html):
        raise ValueError("map header or body refers to a remote URL; refusing to embed it")
    return parts
