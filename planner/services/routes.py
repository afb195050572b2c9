"""Routes: import a GPX file (gate, parse, stats, simplify, store in one transaction) and read it back."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import shapely
from flask import current_app
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from planner.extensions import db
from planner.geo import geometry, gpx
from planner.geo.stats import compute_stats, elevation_profile
from planner.models import Route
from planner.models.route import ACTIVITIES
from planner.services.errors import NotFound, ServiceError, TooLarge

DISPLAY_TOLERANCE_M = 5.0


def _gpx_error(error: gpx.GpxError) -> ServiceError:
    """The service error for a refused GPX file."""
    if error.code == "file_too_large":
        return TooLarge("file_too_large", str(error), "file")
    return ServiceError("invalid_gpx", str(error), "file")


def clean_activity(activity: str | None) -> str:
    """The activity, defaulting to hiking; 400 when unknown."""
    activity = (activity or "hiking").strip().lower()
    if activity not in ACTIVITIES:
        raise ServiceError("invalid_activity", f"Activity must be one of: {', '.join(ACTIVITIES)}.", "activity")
    return activity


def _linez(coords) -> object:
    """A geography LINESTRING Z expression from (lon, lat, ele_m|None) tuples; missing elevations interpolated."""
    xyz = np.array([(lon, lat, np.nan if ele is None else ele) for lon, lat, ele in coords], dtype=float)
    known = ~np.isnan(xyz[:, 2])
    if not known.any():
        xyz[:, 2] = 0.0
    elif not known.all():
        index = np.arange(len(xyz))
        xyz[~known, 2] = np.interp(index[~known], index[known], xyz[known, 2])
    return func.ST_GeogFromWKB(shapely.to_wkb(shapely.linestrings(xyz), include_srid=False))


def _point(lat: float, lon: float) -> object:
    """A geography POINT expression."""
    return func.ST_GeogFromText(f"SRID=4326;POINT({float(lon)!r} {float(lat)!r})")


def import_gpx(owner_id: int, data: bytes, *, name: str | None = None, activity: str | None = None,
               group_id: int | None = None) -> Route:
    """Store a GPX file as a route with its stats; raises ServiceError (400/413) and writes nothing on bad input."""
    activity = clean_activity(activity)
    config = current_app.config
    try:
        track = gpx.parse_gpx(data, max_bytes=config["MAX_GPX_BYTES"], max_points=config["MAX_GPX_POINTS"])
    except gpx.GpxError as error:
        raise _gpx_error(error) from None
    name = (name or track.name or "Untitled route").strip()[:200] or "Untitled route"
    stats = compute_stats(track, activity)
    route = Route(
        owner_id=owner_id, group_id=group_id, name=name, activity=activity,
        description=(track.description or "")[:5000],
        line=_linez(geometry.joined_line(track)),
        display_line=_linez(geometry.simplify(track, DISPLAY_TOLERANCE_M)),
        start_point=_point(*stats.start), end_point=_point(*stats.end), bbox=list(stats.bbox),
        has_elevation=stats.min_ele_m is not None,
        profile=[[round(d, 1), round(e, 1)] for d, e in elevation_profile(track)],
        waypoints=[{"lat": w.lat, "lon": w.lon, "ele_m": w.ele_m, "name": w.name, "description": w.description}
                   for w in track.waypoints[:500]],
        length_m=stats.length_m, ascent_m=stats.ascent_m, descent_m=stats.descent_m,
        min_ele_m=stats.min_ele_m, max_ele_m=stats.max_ele_m, point_count=stats.point_count,
        recorded_duration_s=stats.recorded_duration_s, moving_time_s=stats.moving_time_s,
        estimated_duration_s=max(stats.estimated_duration_s, 1),
        gpx_original=data, gpx_sha256=hashlib.sha256(data).hexdigest(),
    )
    db.session.add(route)
    db.session.commit()
    return route


def get_route(route_id: int) -> Route:
    """The route with this id, or NotFound."""
    route = db.session.get(Route, route_id)
    if route is None:
        raise NotFound("not_found", "No such route.")
    return route


def route_dict(route: Route) -> dict:
    """The API's route object."""
    start, end = to_shape(route.start_point), to_shape(route.end_point)
    return {
        "id": route.id, "name": route.name, "activity": route.activity, "description": route.description,
        "group_id": route.group_id, "length_m": round(route.length_m, 1),
        "ascent_m": _round(route.ascent_m), "descent_m": _round(route.descent_m),
        "min_ele_m": _round(route.min_ele_m), "max_ele_m": _round(route.max_ele_m),
        "point_count": route.point_count,
        "start": {"lat": start.y, "lon": start.x}, "end": {"lat": end.y, "lon": end.x},
        "bbox": list(route.bbox),
        "recorded_duration_s": route.recorded_duration_s, "moving_time_s": route.moving_time_s,
        "estimated_duration_s": route.estimated_duration_s,
    }


def _round(value: float | None) -> float | None:
    """value to 0.1, keeping None."""
    return None if value is None else round(value, 1)


def route_geojson(route: Route) -> dict:
    """A GeoJSON Feature of the full line (with elevation as the third coordinate when the file had it)."""
    geom = Route.line if route.has_elevation else func.ST_Force2D(func.geometry(Route.line))
    text = db.session.scalar(select(func.ST_AsGeoJSON(geom, 7)).where(Route.id == route.id))
    return {"type": "Feature", "id": route.id, "geometry": json.loads(text), "properties": route_dict(route)}


def line_coords(route: Route, *, display: bool = False) -> list[tuple[float, float, float | None]]:
    """The stored line as (lon, lat, ele_m|None) tuples; display=True gives the simplified line."""
    column = Route.display_line if display else Route.line
    wkb = db.session.scalar(select(func.ST_AsBinary(column)).where(Route.id == route.id))
    coords = shapely.get_coordinates(shapely.from_wkb(bytes(wkb)), include_z=True)
    if route.has_elevation:
        return [(float(x), float(y), float(z)) for x, y, z in coords]
    return [(float(x), float(y), None) for x, y, _ in coords]


def route_gpx(route: Route) -> bytes:
    """The route as a GPX 1.1 document (one track segment, plus its waypoints)."""
    coords = line_coords(route)
    segment = gpx.Segment(
        lats=[c[1] for c in coords], lons=[c[0] for c in coords], eles_m=[c[2] for c in coords],
        times=[None] * len(coords),
    )
    waypoints = [gpx.Waypoint(lat=w["lat"], lon=w["lon"], ele_m=w["ele_m"], name=w["name"],
                              description=w["description"]) for w in route.waypoints]
    return gpx.build_gpx(route.name, [segment], waypoints, description=route.description or None)
