"""The route map and elevation profile as the route page and the outing page show them, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from planner.geo import geometry, maps
from planner.geo.profile import ProfileWords, elevation_svg
from planner.i18n import current_locale, km_text
from planner.services import access, routes
from planner.web.maps import embed, tile_options

_SAME_PLACE_M = 200.0
_NAMED_WAYPOINTS = 5
# How a list of names is joined, by language (Chinese lists take the enumeration comma).
_LIST_SEPARATORS = {"zh_Hans": "、"}


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
    (start_lon, start_lat), (end_lon, end_lat) = pieces[0][0][:2], pieces[-1][-1][:2]
    shown_m = sum(
        float(geometry.segment_lengths_m([p[1] for p in piece], [p[0] for p in piece]).sum()) for piece in pieces
    )
    apart_m = float(geometry.segment_lengths_m([start_lat, end_lat], [start_lon, end_lon]).sum())
    lines = [_("Start: %(place)s", place=_place(start_lat, start_lon))]
    if apart_m <= _SAME_PLACE_M:
        lines.append(_("Finish: back at the start (a loop or an out-and-back)"))
    else:
        lines.append(_("Finish: %(place)s", place=_place(end_lat, end_lon)))
    if len(pieces) > 1:
        lines.append(
            _("Distance on the map: %(distance)s in %(num)s pieces", distance=km_text(shown_m), num=len(pieces))
        )
    else:
        lines.append(_("Distance on the map: %(distance)s", distance=km_text(shown_m)))
    names = [w["name"] for w in data["waypoints"]]
    lines.append(_("Waypoints: %(names)s", names=_listed(names)) if names else _("No waypoints"))
    return lines


def _listed(names: Sequence[str]) -> str:
    """The first few names joined in the reader's language, then how many more: "a, b, c, d, e and 3 more"."""
    shown = _LIST_SEPARATORS.get(current_locale(), ", ").join(names[:_NAMED_WAYPOINTS])
    more = len(names) - _NAMED_WAYPOINTS
    return _("%(names)s and %(num)s more", names=shown, num=more) if more > 0 else shown


def _profile_words() -> ProfileWords:
    """The elevation profile's words in the reader's language."""
    return ProfileWords(
        description=_("Distance %(distance)s; elevation from %(low)s to %(high)s."),
        km=_("%(num)s km"),
        metres=_("%(num)s m"),
        highest=_("max %(elevation)s"),
        lowest=_("min %(elevation)s"),
    )


def _route_map(data: Mapping, meeting_points: Sequence[Mapping] = ()):
    """The folium route map of routes.map_data(), labelled in the reader's language."""
    return maps.route_map(
        data["lines"],
        km_marks=data["km_marks"],
        waypoints=data["waypoints"],
        meeting_points=meeting_points,
        profile_points=data["profile_points"],
        start_label=_("Start"),
        finish_label=_("Finish"),
        meeting_label=_("Meeting point %(number)s"),
        **tile_options(),
    )


def _profile(data: Mapping, points: Sequence[Mapping] = ()) -> str:
    """The profile SVG with the meeting points that lie on the route marked by number."""
    marks = [(p["along_m"], p["number"]) for p in points if p.get("along_m") is not None]
    return elevation_svg(data["profile"], title=_("Elevation profile"), marks=marks, words=_profile_words())


def outing_map(event: dict, route, viewer):
    """(map view, folium variable name, profile SVG): the route as the viewer sees it with meeting points, or the start."""
    points = event["meeting_points"]
    viewer_id = viewer.id if viewer else None
    route = access.visible_route(route, viewer_id)
    if route is not None:
        data = routes.map_data(route, viewer_id)
        m = _route_map(data, points)
        view = _with_summary(embed(m), route_summary(data), described_by="meeting-points")
        return view, m.get_name(), _profile(data, points)
    m = maps.point_map(event["lat"], event["lon"], label=event["title"], zoom=13, **tile_options())
    start = _("Start: %(place)s", place=_place(event["lat"], event["lon"]))
    view = _with_summary(embed(m), [start], described_by="meeting-points")
    return view, m.get_name(), ""


def route_page_map(data: dict) -> tuple[RouteMapView, str]:
    """(map view, profile SVG) for the route page from routes.map_data()."""
    m = _route_map(data)
    return _with_summary(embed(m), route_summary(data)), _profile(data)
