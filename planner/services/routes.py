"""Routes: import a GPX file (gate, parse, stats, simplify, store in one transaction) and read it back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from flask import current_app
from geoalchemy2.shape import to_shape
from sqlalchemy import ColumnElement, Float, case, func, select
from sqlalchemy.orm import undefer

from planner.errors import N_, NotFound, ServiceError, TooLarge
from planner.extensions import db
from planner.geo import geometry, gpx, gpx_export, privacy
from planner.geo.stats import compute_stats, elevation_profile
from planner.models import PrivacyZone, Route
from planner.models.route import ACTIVITIES  # noqa: F401  (re-exported for forms)
from planner.schemas import parse
from planner.schemas.routes import RouteUpload
from planner.services.access import is_cut_for, require_group_staff_id, visible_route

DISPLAY_TOLERANCE_M = 5.0
ANTIPODAL = N_(
    "Track/route points %(first)s and %(second)s are antipodal: exactly opposite each other on the Earth, so no "
    "line between them has a direction. One of them is wrong; remove it and upload again."
)
ANTIPODAL_AT_JOINT = N_(
    "Track/route points %(first)s and %(second)s (the end of one track segment and the start of the next) are "
    "antipodal: exactly opposite each other on the Earth, so no line between them has a direction. One of them is "
    "wrong; remove it and upload again."
)


def _gpx_error(error: gpx.GpxError) -> ServiceError:
    """The service error for a refused GPX file: its template and parameters, so it reads in the reader's language."""
    if error.code == "file_too_large":
        return TooLarge(error.code, error.template, "file", **error.params)
    return ServiceError(error.code, error.template, "file", **error.params)


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


def _multilinez(pieces: list[np.ndarray]) -> object:
    """A geography MULTILINESTRING Z expression from (n, 3) lon/lat/ele arrays."""
    return func.ST_GeogFromWKB(
        shapely.to_wkb(shapely.multilinestrings([shapely.linestrings(xyz) for xyz in pieces]), include_srid=False)
    )


def _point(lat: float, lon: float) -> object:
    """A geography POINT expression."""
    return func.ST_GeogFromText(f"SRID=4326;POINT({float(lon)!r} {float(lat)!r})")


def import_gpx(
    owner_id: int, data: bytes, *, name: object = None, activity: object = None, group_id: object = None
) -> Route:
    """Store a GPX file as a route with its stats; raises ServiceError (400/413) and writes nothing on bad input.

    name, activity and group_id are checked as RouteUpload (form fields arrive as text)."""
    fields = parse(RouteUpload, {"name": name, "activity": activity, "group_id": group_id})
    activity, group_id = fields.activity, fields.group_id
    if group_id is not None:
        require_group_staff_id(owner_id, group_id)
    try:
        track = _parse(data)
    except gpx.GpxError as error:
        raise _gpx_error(error) from None
    _require_storable(track)
    name = fields.name or (track.name or "").strip()[:200] or "Untitled route"
    stats = compute_stats(track, activity)
    route = Route(
        owner_id=owner_id,
        group_id=group_id,
        name=name,
        gpx_name=(track.name or "").strip()[:200] or None,
        activity=activity,
        description=(track.description or "")[:5000],
        line=_linez(_track_xyz(track)),
        display_line=_linez(_xyz(geometry.simplify(track, DISPLAY_TOLERANCE_M))),
        start_point=_point(*stats.start),
        end_point=_point(*stats.end),
        bbox=list(stats.bbox),
        has_elevation=stats.min_ele_m is not None,
        profile=_profile(track),
        waypoints=_waypoint_dicts(track),
        length_m=stats.length_m,
        ascent_m=stats.ascent_m,
        descent_m=stats.descent_m,
        min_ele_m=stats.min_ele_m,
        max_ele_m=stats.max_ele_m,
        point_count=stats.point_count,
        recorded_duration_s=stats.recorded_duration_s,
        moving_time_s=stats.moving_time_s,
        estimated_duration_s=max(stats.estimated_duration_s, 1),
        gpx_original=data,
        gpx_sha256=hashlib.sha256(data).hexdigest(),
        **public_columns(track, cuts_of(owner_id), activity),
    )
    db.session.add(route)
    db.session.commit()
    return route


def _require_storable(track: gpx.ParsedTrack) -> None:
    """400 invalid_gpx when two consecutive points of the stored line are antipodal: no edge can join them."""
    lons = np.concatenate([segment.lons for segment in track.segments])
    lats = np.concatenate([segment.lats for segment in track.segments])
    steps = geometry.antipodal_steps(lons, lats)
    if not len(steps):
        return
    first = int(steps[0]) + 1
    joint = first in np.cumsum([len(segment) for segment in track.segments]).tolist()
    at = {"first": f"{first:,}", "second": f"{first + 1:,}"}
    raise ServiceError("invalid_gpx", ANTIPODAL_AT_JOINT if joint else ANTIPODAL, "file", **at)


def _parse(data: bytes) -> gpx.ParsedTrack:
    """A GPX file parsed under the configured size and point caps."""
    config = current_app.config
    return gpx.parse_gpx(data, max_bytes=config["MAX_GPX_BYTES"], max_points=config["MAX_GPX_POINTS"])


def _profile(track: gpx.ParsedTrack) -> list[list[float]]:
    """The stored elevation profile: [distance_m, ele_m] pairs to 0.1 m."""
    return [[round(d, 1), round(e, 1)] for d, e in elevation_profile(track)]


def _waypoint_dicts(track: gpx.ParsedTrack) -> list[dict]:
    """The stored waypoints (at most 500)."""
    return [
        {"lat": w.lat, "lon": w.lon, "ele_m": w.ele_m, "name": w.name, "description": w.description}
        for w in track.waypoints[:500]
    ]


def cuts_of(user_id: int) -> list[privacy.Cut]:
    """The disks cut from others' view of user_id's routes, one per privacy zone."""
    centre = func.geometry(PrivacyZone.cut_centre)
    rows = db.session.execute(
        select(func.ST_Y(centre), func.ST_X(centre), PrivacyZone.cut_radius_m).where(PrivacyZone.user_id == user_id)
    ).all()
    return [privacy.Cut(lat=lat, lon=lon, radius_m=radius_m) for lat, lon, radius_m in rows]


def public_columns(track: gpx.ParsedTrack, cuts: list[privacy.Cut], activity: str) -> dict:
    """The route's public_* columns under these cuts: all None when no cut touches the track."""
    visible = privacy.redact(track, cuts)
    if visible == track:
        return {"public_line": None, "public_display_line": None, "public_stats": None}
    if not visible.segments:
        return {"public_line": None, "public_display_line": None, "public_stats": {"hidden": True}}
    pieces = [gpx.ParsedTrack(name=None, description=None, segments=[s], waypoints=[]) for s in visible.segments]
    stats = compute_stats(visible, activity)
    public = {
        "length_m": round(stats.length_m, 1),
        "ascent_m": _round(stats.ascent_m),
        "descent_m": _round(stats.descent_m),
        "min_ele_m": _round(stats.min_ele_m),
        "max_ele_m": _round(stats.max_ele_m),
        "point_count": stats.point_count,
        "start": {"lat": stats.start[0], "lon": stats.start[1]},
        "end": {"lat": stats.end[0], "lon": stats.end[1]},
        "bbox": list(stats.bbox),
        "recorded_duration_s": stats.recorded_duration_s,
        "moving_time_s": stats.moving_time_s,
        "estimated_duration_s": max(stats.estimated_duration_s, 1),
        "has_elevation": stats.min_ele_m is not None,
        "profile": _profile(visible),
        "waypoints": _waypoint_dicts(visible),
    }
    return {
        "public_line": _multilinez([_track_xyz(piece) for piece in pieces]),
        "public_display_line": _multilinez([_xyz(geometry.simplify(piece, DISPLAY_TOLERANCE_M)) for piece in pieces]),
        "public_stats": public,
    }


def public_numbers() -> tuple:
    """SQL columns length_m and ascent_m of a route as everyone but its owner sees it (for lists)."""
    cut = Route.public_stats.isnot(None)
    return (
        case((cut, Route.public_stats["length_m"].astext.cast(Float)), else_=Route.length_m).label("length_m"),
        case((cut, Route.public_stats["ascent_m"].astext.cast(Float)), else_=Route.ascent_m).label("ascent_m"),
    )


def refresh_public_views(owner_id: int) -> int:
    """Recompute the public view of every route of owner_id after their zones changed; no commit. Returns how many."""
    cuts = cuts_of(owner_id)
    owned = db.session.scalars(
        select(Route).where(Route.owner_id == owner_id).options(undefer(Route.gpx_original))
    ).all()
    for route in owned:
        try:
            columns = public_columns(_parse(route.gpx_original), cuts, route.activity)
        except gpx.GpxError:  # the caps were lowered since the upload: show nothing rather than too much
            columns = {"public_line": None, "public_display_line": None, "public_stats": {"hidden": True}}
        for column, value in columns.items():
            setattr(route, column, value)
    return len(owned)


def routes_of(owner_id: int, limit: int = 50) -> list[dict]:
    """A user's routes, newest first, as API route objects (as their owner sees them)."""
    routes = db.session.scalars(
        select(Route).where(Route.owner_id == owner_id).order_by(Route.created_at.desc(), Route.id.desc()).limit(limit)
    ).all()
    return [route_dict(r, owner_id) for r in routes]


_PUBLIC_FIELDS = (
    "length_m",
    "ascent_m",
    "descent_m",
    "min_ele_m",
    "max_ele_m",
    "point_count",
    "start",
    "end",
    "bbox",
    "recorded_duration_s",
    "moving_time_s",
    "estimated_duration_s",
)


def route_dict(route: Route, viewer_id: int | None) -> dict:
    """The API's route object as viewer_id sees it."""
    start, end = to_shape(route.start_point), to_shape(route.end_point)
    out = {
        "id": route.id,
        "name": route.name,
        "activity": route.activity,
        "description": route.description,
        "group_id": route.group_id,
        "length_m": round(route.length_m, 1),
        "ascent_m": _round(route.ascent_m),
        "descent_m": _round(route.descent_m),
        "min_ele_m": _round(route.min_ele_m),
        "max_ele_m": _round(route.max_ele_m),
        "point_count": route.point_count,
        "start": {"lat": start.y, "lon": start.x},
        "end": {"lat": end.y, "lon": end.x},
        "bbox": list(route.bbox),
        "recorded_duration_s": route.recorded_duration_s,
        "moving_time_s": route.moving_time_s,
        "estimated_duration_s": route.estimated_duration_s,
    }
    public = _public_stats_for(route, viewer_id)
    if public is not None:
        out.update((field, public[field]) for field in _PUBLIC_FIELDS)
    return out


def _public_stats_for(route: Route, viewer_id: int | None) -> dict | None:
    """route.public_stats when viewer_id sees the cut route (is_cut_for), else None."""
    return route.public_stats if is_cut_for(route, viewer_id) else None


def _round(value: float | None) -> float | None:
    """value to 0.1, keeping None."""
    return None if value is None else round(value, 1)


def _has_elevation(route: Route, viewer_id: int | None) -> bool:
    """Whether the line viewer_id sees carries elevations from the file."""
    public = _public_stats_for(route, viewer_id)
    return public["has_elevation"] if public is not None else route.has_elevation


def _line_column(route: Route, viewer_id: int | None, *, display: bool):
    """The line column viewer_id may read: the full or public line, at full resolution or for display."""
    if is_cut_for(route, viewer_id):
        return Route.public_display_line if display else Route.public_line
    return Route.display_line if display else Route.line


def route_geojson(route: Route, viewer_id: int | None) -> dict:
    """A GeoJSON Feature of the line viewer_id sees (a MultiLineString when privacy zones cut it; elevation
    as the third coordinate when the file had it)."""
    column = _line_column(route, viewer_id, display=False)
    geom = column if _has_elevation(route, viewer_id) else func.ST_Force2D(func.geometry(column))
    text = _visible_line_value(route, func.ST_AsGeoJSON(geom, 7))
    return {"type": "Feature", "id": route.id, "geometry": json.loads(text), "properties": route_dict(route, viewer_id)}


def _visible_line_value(route: Route, expression: ColumnElement[Any]) -> Any:
    """expression (on a line column of route) read from route's row; 404 when it is NULL: a line wholly inside
    its owner's privacy zones is NULL for everyone else, who may not see the route (access.get_route)."""
    value = db.session.scalar(select(expression).where(Route.id == route.id))
    if value is None:
        raise NotFound("not_found", N_("No such route."))
    return value


Coords = list[tuple[float, float, float | None]]


def line_pieces(route: Route, viewer_id: int | None, *, display: bool = False) -> list[Coords]:
    """The line viewer_id sees as pieces of (lon, lat, ele_m|None); display=True gives the simplified line."""
    column = _line_column(route, viewer_id, display=display)
    wkb = _visible_line_value(route, func.ST_AsBinary(column))
    geom = shapely.from_wkb(bytes(wkb))
    with_ele = _has_elevation(route, viewer_id)
    return [
        [
            (float(x), float(y), float(z) if with_ele else None)
            for x, y, z in shapely.get_coordinates(part, include_z=True)
        ]
        for part in shapely.get_parts(geom)
    ]


def _segment(coords: Coords) -> gpx.Segment:
    """A GPX segment from (lon, lat, ele_m) tuples."""
    lons, lats, eles = zip(*coords)
    return gpx.Segment(lats=lats, lons=lons, eles_m=eles, times=(None,) * len(coords))


def _waypoints_seen(route: Route, viewer_id: int | None) -> list[dict]:
    """The route's waypoints viewer_id sees."""
    public = _public_stats_for(route, viewer_id)
    return public["waypoints"] if public is not None else route.waypoints


def route_gpx(route: Route, viewer_id: int | None, extra_waypoints: Sequence[gpx.Waypoint] = ()) -> bytes:
    """The route viewer_id sees as GPX 1.1: one track segment per visible piece, its waypoints and extra ones."""
    waypoints = [
        *(
            gpx.Waypoint(lat=w["lat"], lon=w["lon"], ele_m=w["ele_m"], name=w["name"], description=w["description"])
            for w in _waypoints_seen(route, viewer_id)
        ),
        *extra_waypoints,
    ]
    segments = [_segment(piece) for piece in line_pieces(route, viewer_id)]
    return gpx_export.build_gpx(route.name, segments, waypoints, description=route.description or None)


def snap_pieces(route: Route, viewer_id: int | None) -> list[np.ndarray]:
    """The line viewer_id sees of route as 2-D pieces of (lon, lat) rows, for snap; [] when none of it is visible."""
    if visible_route(route, viewer_id) is None:
        return []
    column = func.ST_Force2D(func.geometry(_line_column(route, viewer_id, display=False)))
    wkb = _visible_line_value(route, func.ST_AsBinary(column))
    return [shapely.get_coordinates(part) for part in shapely.get_parts(shapely.from_wkb(bytes(wkb)))]


def snap(
    route: Route, viewer_id: int | None, lat: float, lon: float, pieces: list[np.ndarray] | None = None
) -> tuple[float | None, float | None]:
    """(along_m, off_route_m) of a point against the line viewer_id sees of route (geo.geometry.snap); (None, None)
    when nothing of it is visible. On a cut route the pieces before the nearest one count, the hidden parts do not.
    pieces: snap_pieces(route, viewer_id) when already read (one query for many points)."""
    pieces = snap_pieces(route, viewer_id) if pieces is None else pieces
    return geometry.snap(pieces, lat, lon) if pieces else (None, None)


def point_along(route: Route, fraction: float) -> tuple[float, float]:
    """(lat, lon) of the point a fraction (0..1) of the way along the route's full line (for the seed)."""
    point = func.ST_LineInterpolatePoint(func.ST_Force2D(func.geometry(Route.line)), fraction)
    row = db.session.execute(select(func.ST_Y(point), func.ST_X(point)).where(Route.id == route.id)).one()
    return float(row[0]), float(row[1])


def profile_seen(route: Route, viewer_id: int | None) -> list:
    """The [distance_m, ele_m] elevation profile of the route as viewer_id sees it."""
    public = _public_stats_for(route, viewer_id)
    return public["profile"] if public is not None else route.profile


def map_data(route: Route, viewer_id: int | None) -> dict:
    """What a route map and profile need, as viewer_id sees the route: display pieces, km marks along them,
    waypoints and the elevation profile."""
    pieces = line_pieces(route, viewer_id, display=True)
    track = gpx.ParsedTrack(name=None, description=None, segments=[_segment(p) for p in pieces], waypoints=[])
    profile = [tuple(pair) for pair in profile_seen(route, viewer_id)]
    return {
        "lines": pieces,
        "km_marks": [(lon, lat, km) for lat, lon, km in geometry.km_marks(track)],
        "waypoints": [
            {"lat": w["lat"], "lon": w["lon"], "name": w["name"] or "Waypoint", "notes": w["description"]}
            for w in _waypoints_seen(route, viewer_id)
        ],
        "profile": profile,
        "profile_points": _profile_points(track, profile),
    }


def _profile_points(track: gpx.ParsedTrack, profile: list) -> list[tuple[float, float, float, float | None]]:
    """(distance_m, lat, lon, ele_m) per profile sample, at the same share of the visible display line's length (never in a hidden part)."""
    if not profile or not track.segments:
        return []
    along = np.concatenate(geometry.segment_distances_m(track))
    if along[-1] <= 0:
        return []
    lats = np.concatenate([segment.lats for segment in track.segments])
    lons = np.concatenate([segment.lons for segment in track.segments])
    distances_m = np.array([distance_m for distance_m, _ in profile], dtype=float)
    scale = along[-1] / max(float(distances_m[-1]), 1.0)
    at_m = np.clip(distances_m * scale, 0.0, along[-1])
    index = np.clip(np.searchsorted(along, at_m, side="right"), 1, len(along) - 1)
    step_m = along[index] - along[index - 1]
    share = np.divide(at_m - along[index - 1], step_m, out=np.zeros_like(at_m), where=step_m > 0)
    point_lats = lats[index - 1] + share * (lats[index] - lats[index - 1])
    point_lons = lons[index - 1] + share * (lons[index] - lons[index - 1])
    return [
        (float(d), float(lat), float(lon), ele)
        for d, lat, lon, (_, ele) in zip(distances_m, point_lats, point_lons, profile)
    ]
