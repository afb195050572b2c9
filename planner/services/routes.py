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
from planner.geo import geometry, gpx, gpx_export
from planner.geo.stats import compute_stats, elevation_profile
from planner.models import Group, Membership, Route
from planner.models.route import ACTIVITIES  # noqa: F401  (re-exported for forms)
from planner.services.errors import Forbidden, NotFound, ServiceError, TooLarge

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


def _xyz(coords) -> np.ndarray:
    """(n, 3) lon/lat/ele array from (lon, lat, ele_m|None) tuples; missing elevations interpolated, 0 if none."""
    xyz = np.array([(lon, lat, np.nan if ele is None else ele) for lon, lat, ele in coords], dtype=float)
    return _fill_elevations(xyz)


def _track_xyz(track: gpx.ParsedTrack) -> np.ndarray:
    """(n, 3) lon/lat/ele array of every point of track, segments joined in order."""
    segments = track.segments
    xyz = np.empty((track.point_count, 3))
    xyz[:, 0] = np.concatenate([np.asarray(s.lons, dtype=float) for s in segments])
    xyz[:, 1] = np.concatenate([np.asarray(s.lats, dtype=float) for s in segments])
    xyz[:, 2] = [np.nan if ele is None else ele for s in segments for ele in s.eles_m]
    return _fill_elevations(xyz)


def _fill_elevations(xyz: np.ndarray) -> np.ndarray:
    """Fill NaN elevations by linear interpolation along the line (0 everywhere when none is known)."""
    known = ~np.isnan(xyz[:, 2])
    if not known.any():
        xyz[:, 2] = 0.0
    elif not known.all():
        index = np.arange(len(xyz))
        xyz[~known, 2] = np.interp(index[~known], index[known], xyz[known, 2])
    return xyz


def _linez(xyz: np.ndarray) -> object:
    """A geography LINESTRING Z expression from an (n, 3) lon/lat/ele array."""
    return func.ST_GeogFromWKB(shapely.to_wkb(shapely.linestrings(xyz), include_srid=False))


def _point(lat: float, lon: float) -> object:
    """A geography POINT expression."""
    return func.ST_GeogFromText(f"SRID=4326;POINT({float(lon)!r} {float(lat)!r})")


def import_gpx(owner_id: int, data: bytes, *, name: str | None = None, activity: str | None = None,
               group_id: int | None = None) -> Route:
    """Store a GPX file as a route with its stats; raises ServiceError (400/413) and writes nothing on bad input."""
    activity = clean_activity(activity)
    if group_id is not None:
        _require_group_staff(owner_id, group_id)
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
        line=_linez(_track_xyz(track)),
        display_line=_linez(_xyz(geometry.simplify(track, DISPLAY_TOLERANCE_M))),
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


def _require_group_staff(user_id: int, group_id: int) -> None:
    """Forbidden unless user_id is an owner or organiser of group_id."""
    role = db.session.scalar(select(Membership.role).where(
        Membership.group_id == group_id, Membership.user_id == user_id, Membership.status == "active"))
    if role not in ("owner", "organiser"):
        raise Forbidden("forbidden", "Only the group's organisers can add routes to it.", "group_id")


def get_route(route_id: int, viewer_id: int | None = None) -> Route:
    """The route with this id if viewer_id may see it (routes of private groups are for members), else NotFound."""
    route = db.session.get(Route, route_id)
    if route is None or not can_view(route, viewer_id):
        raise NotFound("not_found", "No such route.")
    return route


def can_view(route: Route, viewer_id: int | None) -> bool:
    """Whether viewer_id (None for anonymous) may see route."""
    if route.group_id is None or route.owner_id == viewer_id:
        return True
    visibility = db.session.scalar(select(Group.visibility).where(Group.id == route.group_id))
    if visibility != "private":
        return True
    return viewer_id is not None and db.session.scalar(
        select(Membership.id).where(Membership.group_id == route.group_id, Membership.user_id == viewer_id,
                                    Membership.status == "active")
    ) is not None


def routes_of(owner_id: int, limit: int = 50) -> list[dict]:
    """A user's routes, newest first, as API route objects."""
    routes = db.session.scalars(
        select(Route).where(Route.owner_id == owner_id).order_by(Route.created_at.desc(), Route.id.desc()).limit(limit)
    ).all()
    return [route_dict(r) for r in routes]


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


def _segment(coords: list[tuple[float, float, float | None]]) -> gpx.Segment:
    """A GPX segment from (lon, lat, ele_m) tuples."""
    lons, lats, eles = zip(*coords)
    return gpx.Segment(lats=lats, lons=lons, eles_m=eles, times=(None,) * len(coords))


def stored_waypoints(route: Route) -> list[gpx.Waypoint]:
    """The route's GPX waypoints."""
    return [gpx.Waypoint(lat=w["lat"], lon=w["lon"], ele_m=w["ele_m"], name=w["name"], description=w["description"])
            for w in route.waypoints]


def route_gpx(route: Route, extra_waypoints: list[gpx.Waypoint] = ()) -> bytes:
    """The route as a GPX 1.1 document: one track segment, its waypoints and any extra ones."""
    waypoints = [*stored_waypoints(route), *extra_waypoints]
    return gpx_export.build_gpx(route.name, [_segment(line_coords(route))], waypoints, description=route.description or None)


def point_along(route: Route, fraction: float) -> tuple[float, float]:
    """(lat, lon) of the point a fraction (0..1) of the way along the route's line."""
    point = func.ST_LineInterpolatePoint(func.ST_Force2D(func.geometry(Route.line)), fraction)
    row = db.session.execute(select(func.ST_Y(point), func.ST_X(point)).where(Route.id == route.id)).one()
    return float(row[0]), float(row[1])


def map_data(route: Route) -> dict:
    """What a route map and profile need: display line, km marks, waypoints and the elevation profile."""
    line = line_coords(route, display=True)
    track = gpx.ParsedTrack(name=None, description=None, segments=[_segment(line)], waypoints=[])
    return {
        "line": line,
        "km_marks": [(lon, lat, km) for lat, lon, km in geometry.km_marks(track)],
        "waypoints": [{"lat": w["lat"], "lon": w["lon"], "name": w["name"] or "Waypoint", "notes": w["description"]}
                      for w in route.waypoints],
        "profile": [tuple(pair) for pair in route.profile],
    }
