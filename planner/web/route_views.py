"""The route map and elevation profile as the route page and the outing page show them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.geo import geometry, maps
from planner.geo.profile import elevation_svg
from planner.services import access, routes
from planner.web.filters import km
from planner.web.maps import embed, tile_options

_SAME_PLACE_M = 200.0
_NAMED_WAYPOINTS = 5


@dataclass(frozen=True)
class RouteMapView(maps.MapParts):
    """Map parts plus the map's text alternative: summary lines and the id of a list that also describes it ("" if none)."""

    summary: tuple[str, ...] = ()
    described_by: str = ""


def _with_summary(parts: maps.MapParts, summary: Sequence[str], described_by: str = "") -> RouteMapView:
    """parts with a text alternative."""
    return RouteMapView(parts.header_html, parts.body_html, parts.script_js, tuple(summary), described_by)


def _place(lat: float, lon: float) -> str:
    """A point as "46.50000, 7.90000"."""
    return f"{lat:.5f}, {lon:.5f}"


def route_summary(data: Mapping) -> list[str]:
    """The text alternative of a route map from routes.map_data(): start, finish, length shown, waypoints."""
    pieces = data["lines"]
    (start_lon, start_lat, *_), (end_lon, end_lat, *_) = pieces[0][0], pieces[-1][-1]
    shown_m = sum(
        float(geometry.segment_lengths_m([p[1] for p in piece], [p[0] for p in piece]).sum()) for piece in pieces
    )
    apart_m = float(geometry.segment_lengths_m([start_lat, end_lat], [start_lon, end_lon]).sum())
    lines = [f"Start: {_place(start_lat, start_lon)}"]
    if apart_m <= _SAME_PLACE_M:
        lines.append("Finish: back at the start (a loop or an out-and-back)")
    else:
        lines.append(f"Finish: {_place(end_lat, end_lon)}")
    lines.append(f"Distance on the map: {km(shown_m)}" + (f" in {len(pieces)} pieces" if len(pieces) > 1 else ""))
    names = [w["name"] for w in data["waypoints"]]
    more = len(names) - _NAMED_WAYPOINTS
    listed = ", ".join(names[:_NAMED_WAYPOINTS]) + (f" and {more} more" if more > 0 else "")
    lines.append(f"Waypoints: {listed}" if names else "No waypoints")
    return lines


def _profile(data: Mapping, points: Sequence[Mapping] = ()) -> str:
    """The profile SVG with the meeting points that lie on the route marked by number."""
    marks = [(p["along_m"], p["number"]) for p in points if p.get("along_m") is not None]
    return elevation_svg(data["profile"], marks=marks)


def outing_map(event: dict, route, viewer):
    """(map view, folium variable name, profile SVG): the route as the viewer sees it with meeting points, or the start."""
    points = event["meeting_points"]
    viewer_id = viewer.id if viewer else None
    route = access.visible_route(route, viewer_id)
    if route is not None:
        data = routes.map_data(route, viewer_id)
        m = maps.route_map(
            data["lines"],
            km_marks=data["km_marks"],
            waypoints=data["waypoints"],
            meeting_points=points,
            profile_points=data["profile_points"],
            **tile_options(),
        )
        view = _with_summary(embed(m), route_summary(data), described_by="meeting-points")
        return view, m.get_name(), _profile(data, points)
    m = maps.point_map(event["lat"], event["lon"], label=event["title"], zoom=13, **tile_options())
    view = _with_summary(embed(m), [f"Start: {_place(event['lat'], event['lon'])}"], described_by="meeting-points")
    return view, m.get_name(), ""


def route_page_map(data: dict) -> tuple[RouteMapView, str]:
    """(map view, profile SVG) for the route page from routes.map_data()."""
    m = maps.route_map(
        data["lines"],
        km_marks=data["km_marks"],
        waypoints=data["waypoints"],
        profile_points=data["profile_points"],
        **tile_options(),
    )
    return _with_summary(embed(m), route_summary(data)), _profile(data)
