"""In a real Chromium: route and outing maps show start and finish apart on a loop, direction arrows, km marks that
never overlap each other or a meeting point, a readable elevation profile linked to the map, a text alternative,
and no user text ever runs."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

import pytest

from planner.services import accounts, events, groups, meeting_points, routes
from tests.browser.xss_payloads import PAYLOADS

pytestmark = pytest.mark.browser
PASSWORD = "route-maps-password"
ORGANISER = "maps@example.org"
CENTRE = (30.2, 120.1)
RADIUS_DEG = 0.015  # a loop of about 10 km
HOOKS = """(() => {
  const hits = [];
  Object.defineProperty(window, "__xssHits", {value: hits});
  for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
    window[name] = function () { hits.push(name); };
  }
})();"""
ROUTE_STATE = """() => {
  const element = document.querySelector(".route-view .folium-map");
  const map = window[element.id];
  const box = (node) => { const r = node.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const visible = (node) => { const r = node.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const bounds = map.getBounds();
  return {
    zoom: map.getZoom(),
    routeInView: map.plannerRoute.pieces.every((piece) => piece.every((p) => bounds.contains(p))),
    flags: Array.from(document.querySelectorAll(".planner-flag")).filter(visible).map(box),
    km: Array.from(document.querySelectorAll(".planner-km-text")).map(box),
    kmValues: Array.from(document.querySelectorAll(".planner-km-text")).map((n) => parseInt(n.textContent, 10)),
    meeting: Array.from(map.getPane("overlayPane").querySelectorAll("path"))
      .filter((node) => node.getAttribute("stroke") === "#4c1d95").map(box),
    arrows: document.querySelectorAll(".planner-arrow").length,
    pageWidth: document.documentElement.scrollWidth,
    viewWidth: document.documentElement.clientWidth,
  };
}"""
PROFILE_TEXT_PX = """() => Array.from(document.querySelectorAll("svg.elevation-profile text")).map((node) =>
  node.getScreenCTM().a * parseFloat(getComputedStyle(node).fontSize))"""
HOVER_MARKER = """() => {
  const map = window[document.querySelector(".route-view .folium-map").id];
  let found = null;
  map.eachLayer((layer) => { if (layer instanceof L.CircleMarker && layer.options.pane === "plannerHover") { found = layer; } });
  return found && map.hasLayer(found) ? [found.getLatLng().lat, found.getLatLng().lng] : null;
}"""
ARROW_ALIGNMENT = r"""(centre) => {
  const map = window[document.querySelector(".route-view .folium-map").id];
  const box = map.getContainer().getBoundingClientRect();
  const middle = map.latLngToContainerPoint(centre);
  return Array.from(document.querySelectorAll(".planner-arrow")).map((icon) => {
    const r = icon.getBoundingClientRect();
    const dx = r.left + r.width / 2 - box.left - middle.x, dy = r.top + r.height / 2 - box.top - middle.y;
    const angle = parseFloat(/rotate\(([-0-9.e]+)deg\)/.exec(icon.firstElementChild.style.transform)[1]) * Math.PI / 180;
    return (Math.cos(angle) * dy - Math.sin(angle) * dx) / Math.hypot(dx, dy);  /* with the anticlockwise tangent */
  });
}"""
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def loop_gpx(name: str, waypoints: tuple[str, ...] = (), points: int = 240) -> bytes:
    """A GPX track going once anticlockwise round a circle back to its start, hilly, with named waypoints."""
    lat0, lon0 = CENTRE
    squash = math.cos(math.radians(lat0))
    trkpts = "".join(
        f'<trkpt lat="{lat0 + RADIUS_DEG * math.sin(a):.6f}" lon="{lon0 + RADIUS_DEG * math.cos(a) / squash:.6f}">'
        f"<ele>{150 + 80 * math.sin(2 * a) + 5 * a:.1f}</ele></trkpt>"
        for a in (2 * math.pi * i / (points - 1) for i in range(points))
    )
    wpts = "".join(
        f'<wpt lat="{lat0 + 0.001 * k:.6f}" lon="{lon0:.6f}"><name>{escape(text)}</name><desc>{escape(text)}</desc></wpt>'
        for k, text in enumerate(waypoints)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="route maps test" '
        f'xmlns="http://www.topografix.com/GPX/1/1">{wpts}<trk><name>{escape(name)}</name><trkseg>{trkpts}</trkseg>'
        "</trk></gpx>"
    ).encode()


def on_loop(share: float) -> tuple[float, float]:
    """(lat, lon) of the point share of the way round the loop."""
    angle = 2 * math.pi * share
    return CENTRE[0] + RADIUS_DEG * math.sin(angle), CENTRE[1] + RADIUS_DEG * math.cos(angle) / math.cos(
        math.radians(CENTRE[0])
    )


@dataclass
class Seeded:
    route_id: int
    event_id: int
    xss_route_id: int
    xss_event_id: int


def _outing(group_id: int, owner, route_id: int, title: str, names: list[str]) -> int:
    """An outing on route_id with one meeting point per name, spread evenly round the loop."""
    starts = datetime.now(UTC) + timedelta(days=2)
    event = events.create_event(
        group_id,
        owner,
        {
            "title": title,
            "capacity": 100,
            "activity": "hiking",
            "route_id": route_id,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=4),
            "timezone": "Asia/Shanghai",
        },
    )
    for k, name in enumerate(names):
        lat, lon = on_loop((k + 1) / (len(names) + 1))
        meeting_points.add(event.id, owner, {"name": name, "notes": name, "lat": lat, "lon": lon})
    return event.id


@pytest.fixture(scope="module")
def seeded(live_app) -> Seeded:
    """A loop route with an outing and three meeting points, and a loop and outing carrying every XSS payload."""
    with live_app.app.app_context():
        owner = accounts.register(ORGANISER, PASSWORD, "Map maker")
        group = groups.create_group(owner, {"name": "Loopers", "interest": "hiking", "lat": 30.2, "lon": 120.1})
        route = routes.import_gpx(owner.id, loop_gpx("Lake loop", ("Spring",)), group_id=group.id)
        event_id = _outing(group.id, owner, route.id, "Lake walk", ["Bridge", "Tea house", "Pier"])
        xss = routes.import_gpx(owner.id, loop_gpx("\n".join(PAYLOADS), PAYLOADS), group_id=group.id)
        xss_event_id = _outing(group.id, owner, xss.id, "Hostile walk", list(PAYLOADS))
        return Seeded(route.id, event_id, xss.id, xss_event_id)


def log_in(context, base: str) -> None:
    """Log in as the organiser through the form's POST with its CSRF token."""
    form = context.request.get(f"{base}/login").text()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    answer = context.request.post(
        f"{base}/login", form={"csrf_token": token, "email": ORGANISER, "password": PASSWORD}, max_redirects=0
    )
    assert answer.status == 302


def overlaps(a: list[float], b: list[float]) -> bool:
    """Whether two [left, top, right, bottom] boxes share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def open_page(open_context, live_app, path: str, viewport: dict, **options):
    """A logged-in page at path with the XSS hooks installed; (page, watch)."""
    context, page, watch = open_context(viewport=viewport, **options)
    context.add_init_script(HOOKS)
    log_in(context, live_app.base)
    page.goto(live_app.base + path)
    page.wait_for_selector(".planner-flag")
    return page, watch


def profile_box(page) -> dict:
    """The profile's box in the viewport, scrolled into view."""
    profile = page.locator("svg.elevation-profile")
    profile.scroll_into_view_if_needed()
    return profile.bounding_box()


def zoom_to(page, zoom: int) -> dict:
    """Set the map's zoom without animation and return the route state once the marks are redrawn."""
    page.evaluate(
        "(zoom) => { const map = window[document.querySelector('.route-view .folium-map').id];"
        " map.setZoom(zoom, {animate: false}); }",
        zoom,
    )
    page.wait_for_function(
        "(zoom) => window[document.querySelector('.route-view .folium-map').id].getZoom() === zoom", arg=zoom
    )
    return page.evaluate(ROUTE_STATE)


def assert_km_marks_clear(state: dict) -> None:
    """No two km labels overlap and none touches a meeting point."""
    labels = state["km"]
    for i, label in enumerate(labels):
        assert not any(overlaps(label, other) for other in labels[i + 1 :]), (label, labels)
        assert not any(overlaps(label, point) for point in state["meeting"]), (label, state["meeting"])


class TestRouteMap:
    @pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
    def test_a_loop_shows_start_and_finish_apart_and_arrows_and_fits(self, open_context, live_app, seeded, viewport):
        page, watch = open_page(open_context, live_app, f"/routes/{seeded.route_id}", viewport)
        state = page.evaluate(ROUTE_STATE)
        assert state["routeInView"]
        assert len(state["flags"]) == 2 and not overlaps(*state["flags"])
        assert state["arrows"] >= 4
        assert state["pageWidth"] <= state["viewWidth"]
        tooltips = page.evaluate("() => Array.from(document.querySelectorAll('.planner-flag')).map((n) => n.className)")
        assert any("planner-flag-start" in c for c in tooltips) and any("planner-flag-finish" in c for c in tooltips)
        assert watch.problems() == []

    def test_arrows_point_the_way_the_loop_goes(self, open_context, live_app, seeded):
        page, _ = open_page(open_context, live_app, f"/routes/{seeded.route_id}", DESKTOP)
        alignments = page.evaluate(ARROW_ALIGNMENT, list(CENTRE))
        assert len(alignments) >= 4 and min(alignments) > 0.9, alignments

    def test_km_marks_thin_out_with_the_zoom_and_never_overlap(self, open_context, live_app, seeded):
        page, watch = open_page(open_context, live_app, f"/routes/{seeded.route_id}", PHONE)
        counts = {}
        for zoom in (11, 12, 13, 14, 15):
            state = zoom_to(page, zoom)
            assert_km_marks_clear(state)
            counts[zoom] = len(state["kmValues"])
        assert counts[11] < counts[14]
        assert counts[15] >= 8  # every km of the ~10 km loop once they are far enough apart
        assert watch.problems() == []

    def test_the_map_has_a_text_alternative(self, open_context, live_app, seeded):
        page, _ = open_page(open_context, live_app, f"/routes/{seeded.route_id}", PHONE)
        described = page.get_attribute(".route-map", "aria-describedby").split()
        text = " ".join(page.text_content(f"#{ident}") for ident in described)
        assert "Start: 30.2" in text and "back at the start" in text and "Spring" in text
        assert re.search(r"Distance on the map: \d+\.\d km", text)

    def test_the_profile_labels_stay_readable_on_a_phone(self, open_context, live_app, seeded):
        page, _ = open_page(open_context, live_app, f"/routes/{seeded.route_id}", PHONE)
        sizes = page.evaluate(PROFILE_TEXT_PX)
        assert len(sizes) >= 6 and min(sizes) >= 11
        assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


class TestOutingMap:
    def test_meeting_points_are_numbered_on_the_profile_and_clear_of_km_marks(self, open_context, live_app, seeded):
        page, watch = open_page(open_context, live_app, f"/events/{seeded.event_id}", PHONE)
        numbers = page.eval_on_selector_all(
            "svg.elevation-profile .profile-mark text", "ns => ns.map(n => n.textContent)"
        )
        assert numbers == ["1", "2", "3"]
        described = page.get_attribute(".event-map", "aria-describedby").split()
        assert "meeting-points" in described and page.is_visible("#meeting-points")
        for zoom in (12, 13, 14, 15, 16):
            assert_km_marks_clear(zoom_to(page, zoom))
        assert watch.problems() == []

    def test_hovering_the_profile_moves_a_marker_along_the_route(self, open_context, live_app, seeded):
        page, watch = open_page(open_context, live_app, f"/events/{seeded.event_id}", DESKTOP)
        box = profile_box(page)
        assert page.evaluate(HOVER_MARKER) is None
        places = []
        for share in (0.25, 0.5):
            page.mouse.move(box["x"] + box["width"] * share, box["y"] + box["height"] / 2)
            places.append(page.evaluate(HOVER_MARKER))
            readout = page.text_content(".profile-readout")
            assert re.fullmatch(r"\d+\.\d km · \d+ m · meeting point \d: \S.*", readout), readout
        for (lat, lon), share in zip(places, (0.25, 0.5)):
            want_lat, want_lon = on_loop(share)
            assert math.dist((lat, lon), (want_lat, want_lon)) < 0.002
        assert watch.problems() == []

    def test_tapping_the_profile_shows_the_place_on_a_phone(self, open_context, live_app, seeded):
        page, _ = open_page(open_context, live_app, f"/events/{seeded.event_id}", PHONE, has_touch=True)
        box = profile_box(page)
        page.tap("svg.elevation-profile", position={"x": box["width"] * 0.75, "y": box["height"] / 2})
        lat, lon = page.evaluate(HOVER_MARKER)
        assert math.dist((lat, lon), on_loop(0.75)) < 0.002


class TestUserText:
    def test_no_gpx_waypoint_or_meeting_point_name_runs_on_the_map_or_profile(self, open_context, live_app, seeded):
        for path in (f"/routes/{seeded.xss_route_id}", f"/events/{seeded.xss_event_id}"):
            page, watch = open_page(open_context, live_app, path, DESKTOP)
            title = page.title()
            box = profile_box(page)
            readouts = set()
            for step in range(241):
                page.mouse.move(box["x"] + box["width"] * step / 240, box["y"] + box["height"] / 2)
                readouts.add(page.text_content(".profile-readout"))
            page.evaluate(
                "() => { const map = window[document.querySelector('.route-view .folium-map').id];"
                " map.eachLayer((l) => { if (l.getPopup && l.getPopup()) { l.openPopup(); l.closePopup(); } }); }"
            )
            state = page.evaluate(
                "() => ({hits: window.__xssHits, marker: typeof window.__xss, title: document.title})"
            )
            assert state == {"hits": [], "marker": "undefined", "title": title}, path
            if path.startswith("/events/"):
                shown = "\n".join(readouts)
                assert all(payload.splitlines()[0] in shown for payload in PAYLOADS)
            assert watch.problems() == []
