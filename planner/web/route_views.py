"""The route map and elevation profile as the route page and the outing page show them."""

from __future__ import annotations

from planner.geo import maps
from planner.geo.profile import elevation_svg
from planner.services import access, routes
from planner.web.maps import embed, tile_options


def outing_map(event: dict, route, viewer):
    """(map parts, folium variable name, profile SVG): the route as the viewer sees it with numbered meeting
    points, or the start."""
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
            **tile_options(),
        )
        return embed(m), m.get_name(), elevation_svg(data["profile"])
    m = maps.point_map(event["lat"], event["lon"], label=event["title"], zoom=13, **tile_options())
    return embed(m), m.get_name(), ""


def route_page_map(data: dict) -> tuple[maps.MapParts, str]:
    """(map parts, profile SVG) for the route page from routes.map_data()."""
    m = maps.route_map(data["lines"], km_marks=data["km_marks"], waypoints=data["waypoints"], **tile_options())
    return embed(m), elevation_svg(data["profile"])
