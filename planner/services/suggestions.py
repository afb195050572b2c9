"""Meeting-point suggestions: the route's start and end, and the fairest place on the route.

The fair point minimises the longest geodesic (WGS84) distance from the going participants'
approximate home areas. It is searched on the route's display line (within 5 m of the GPX
track): a pass every COARSE_STEP_M metres, then a pass every FINE_STEP_M metres around the best
coarse candidate, so it is within FINE_STEP_M of the best point on the line whenever the
worst-distance curve has one minimum near the coarse best (checked against a brute-force search in
tests). Home areas are opt-in, stored rounded to a 0.01° grid (about 1 km) and never shown; a
fair point is only given when at least MIN_SHARED_HOMES participants share one, so no single
person's home can be worked out from it.
"""

from __future__ import annotations

import numpy as np
from flask_babel import gettext, ngettext
from geoalchemy2.shape import to_shape
from pyproj import Geod
from sqlalchemy import select

from planner.extensions import db
from planner.models import Event, Rsvp, User
from planner.schemas import parse
from planner.schemas.meeting_points import HomeAreaIn
from planner.services import access, groups, routes

GEOD = Geod(ellps="WGS84")
GRID_DEG = 0.01
COARSE_STEP_M = 100.0
FINE_STEP_M = 5.0
MAX_SAMPLES = 4000
MIN_SHARED_HOMES = 3


def coarsen(lat: float, lon: float) -> tuple[float, float]:
    """A point snapped to the 0.01° grid (about 1.1 km north–south, less east–west)."""
    return round(round(lat / GRID_DEG) * GRID_DEG, 4), round(round(lon / GRID_DEG) * GRID_DEG, 4)


def set_home_area(user: User | None, lat, lon) -> tuple[float, float]:
    """Opt in to share a coarse home area (only used for fair meeting points); returns what is stored."""
    user = access.require_user(user)
    where = parse(HomeAreaIn, {"lat": lat, "lon": lon})
    lat, lon = coarsen(where.lat, where.lon)
    user.share_home_area = True
    user.home_area = groups.point_wkt(lat, lon)
    db.session.commit()
    return lat, lon


def clear_home_area(user: User | None) -> None:
    """Opt out: forget the home area."""
    user = access.require_user(user)
    user.share_home_area, user.home_area = False, None
    db.session.commit()


def _homes(event_id: int) -> np.ndarray:
    """(lon, lat) rows of the shared home areas of the people going."""
    rows = db.session.scalars(
        select(User.home_area)
        .join(Rsvp, Rsvp.user_id == User.id)
        .where(Rsvp.event_id == event_id, Rsvp.status == "going", User.share_home_area, User.home_area.is_not(None))
    ).all()
    return np.array([(p.x, p.y) for p in map(to_shape, rows)], dtype=float).reshape(-1, 2)


def distances_m(lon: np.ndarray, lat: np.ndarray, homes: np.ndarray) -> np.ndarray:
    """Geodesic metres from each (lon, lat) candidate (rows) to each home (columns)."""
    n, k = len(lon), len(homes)
    _, _, dist = GEOD.inv(np.repeat(lon, k), np.repeat(lat, k), np.tile(homes[:, 0], n), np.tile(homes[:, 1], n))
    return np.asarray(dist, dtype=float).reshape(n, k)


def sample_line(line: np.ndarray, start_m: float, stop_m: float, step_m: float) -> tuple[np.ndarray, ...]:
    """(lon, lat, along_m) of points every step_m along a (lon, lat) polyline between start_m and stop_m."""
    _, _, seg_m = GEOD.inv(line[:-1, 0], line[:-1, 1], line[1:, 0], line[1:, 1])
    seg_m = np.asarray(seg_m, dtype=float)
    cum_m = np.concatenate([[0.0], np.cumsum(seg_m)])
    stop_m = min(stop_m, cum_m[-1])
    along = np.append(np.arange(max(start_m, 0.0), stop_m, step_m), stop_m)
    index = np.clip(np.searchsorted(cum_m, along, side="right") - 1, 0, len(seg_m) - 1)
    azimuth, _, _ = GEOD.inv(line[index, 0], line[index, 1], line[index + 1, 0], line[index + 1, 1])
    lon, lat, _ = GEOD.fwd(line[index, 0], line[index, 1], azimuth, along - cum_m[index])
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float), along


def _length_m(line: np.ndarray) -> float:
    """Geodesic length of a (lon, lat) polyline."""
    return float(np.sum(GEOD.inv(line[:-1, 0], line[:-1, 1], line[1:, 0], line[1:, 1])[2]))


def fair_point_on(pieces: list[np.ndarray], homes: np.ndarray) -> dict:
    """fair_point over a route's pieces (never on a gap between them); along_m counts the pieces before."""
    best, before_m = None, 0.0
    for line in pieces:
        found = fair_point(line, homes)
        found["along_m"] += before_m
        if best is None or found["worst_m"] < best["worst_m"]:
            best = found
        before_m += _length_m(line)
    if best is None:
        raise ValueError("fair_point_on needs at least one piece")
    return best


def fair_point(line: np.ndarray, homes: np.ndarray) -> dict:
    """The point of the line minimising the longest distance to homes: {lon, lat, along_m, worst_m, average_m}."""
    total_m = _length_m(line)
    coarse_step_m = max(COARSE_STEP_M, total_m / MAX_SAMPLES)
    lon, lat, along = sample_line(line, 0.0, total_m, coarse_step_m)
    best = int(np.argmin(distances_m(lon, lat, homes).max(axis=1)))
    lon, lat, along = sample_line(line, along[best] - coarse_step_m, along[best] + coarse_step_m, FINE_STEP_M)
    dist = distances_m(lon, lat, homes)
    best = int(np.argmin(dist.max(axis=1)))
    return {
        "lon": float(lon[best]),
        "lat": float(lat[best]),
        "along_m": float(along[best]),
        "worst_m": float(dist[best].max()),
        "average_m": float(dist[best].mean()),
    }


def _suggestion(kind: str, reason: str, lat: float, lon: float, homes: np.ndarray, along_m: float | None) -> dict:
    """One suggestion with the worst and average distance it gives the participants (null without homes)."""
    dist = distances_m(np.array([lon]), np.array([lat]), homes)[0] if len(homes) else None
    return {
        "kind": kind,
        "reason": reason,
        "lat": round(lat, 6),
        "lon": round(lon, 6),
        "along_m": None if along_m is None else round(along_m, 1),
        "worst_distance_m": None if dist is None else round(float(dist.max()), 1),
        "average_distance_m": None if dist is None else round(float(dist.mean()), 1),
        "homes_count": len(homes),
    }


def suggestions(event_id: int, user: User | None) -> list[dict]:
    """Start, end and (with enough shared home areas) the fair point of an event's route; organisers only."""
    event: Event = access.staff_event(event_id, user)
    homes = _homes(event.id)
    viewer_id = user.id if user else None
    route = access.visible_route(event.route, viewer_id)
    if route is None:
        start = to_shape(event.start)
        return [_suggestion("start", gettext("The outing's start point."), start.y, start.x, homes, None)]
    pieces = [
        np.array([(lon, lat) for lon, lat, _ in piece], dtype=float)
        for piece in routes.line_pieces(route, viewer_id, display=True)
    ]
    (start_lon, start_lat), (end_lon, end_lat) = pieces[0][0], pieces[-1][-1]
    out = [
        _suggestion("start", gettext("The route's start."), start_lat, start_lon, homes, 0.0),
        _suggestion(
            "end", gettext("The route's end."), end_lat, end_lon, homes, routes.route_dict(route, viewer_id)["length_m"]
        ),
    ]
    if len(homes) >= MIN_SHARED_HOMES:
        fair = fair_point_on(pieces, homes)
        out.append(
            _suggestion(
                "fair",
                ngettext(
                    "The place on the route nearest to the home area of %(num)s participant.",
                    "The place on the route nearest to the farthest of %(num)s participants' home areas (the "
                    "longest trip is as short as it can be).",
                    len(homes),
                ),
                fair["lat"],
                fair["lon"],
                homes,
                fair["along_m"],
            )
        )
    return out
