"""Geometry on parsed tracks: geodesic lengths, distance along the route, display simplification, km marks.

Distances are geodesics on the WGS84 ellipsoid (pyproj.Geod, Karney's algorithm), vectorised over
numpy arrays. "Along the route" means summed inside each segment: the jump from the end of one
segment to the start of the next is never counted.

Simplification runs Douglas-Peucker (shapely/GEOS) per segment in an azimuthal equidistant
projection centred on the track. That projection keeps distances from its centre exact and only
stretches (never shrinks) distances across, so a deviation of at most t metres on the plane is at
most t metres on the ground; 1 % headroom covers the difference to any other local projection.
Simplification never leaves two kept points antipodal (PostGIS cannot store that edge; see below).

Antipodal steps: PostGIS geography joins consecutive points by the shorter great circle, and refuses
("Antipodal (180 degrees long) edge detected") to store or index an edge whose ends are exactly
opposite, as their unit vectors cancel to 1e-12 on every axis. ``antipodal_steps`` finds them with a
looser tolerance (1e-9, about 6 mm from the antipode), so nothing it passes can be refused.

Snapping (``snap``): the foot of the perpendicular from a point to a line is found in an azimuthal
equidistant projection centred on the point, where the distance from the centre to anything is its
geodesic distance, so "nearest" means nearest on the ground, at any latitude and across the
antimeridian. along_m is then the geodesic length from the start to that foot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod, Transformer

from planner.geo.gpx import ParsedTrack, Segment

GEOD = Geod(ellps="WGS84")
_SIMPLIFY_HEADROOM = 0.99
ANTIPODAL_TOLERANCE = 1e-9  # PostGIS refuses an edge whose unit vectors cancel to within 1e-12 per axis


def segment_lengths_m(lats: npt.ArrayLike, lons: npt.ArrayLike) -> np.ndarray:
    """Geodesic WGS84 length in metres of each consecutive pair of points (n points -> n-1 lengths)."""
    lats_deg, lons_deg = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    if len(lats_deg) < 2:
        return np.zeros(0)
    _, _, lengths_m = GEOD.inv(lons_deg[:-1], lats_deg[:-1], lons_deg[1:], lats_deg[1:])
    return np.asarray(lengths_m, dtype=float)


def segment_distances_m(track: ParsedTrack) -> list[np.ndarray]:
    """Per segment, the cumulative distance of each point along the route (gaps between segments not counted)."""
    distances, offset_m = [], 0.0
    for segment in track.segments:
        steps_m = segment_lengths_m(segment.lats, segment.lons)
        cumulative_m = np.concatenate(([0.0], np.cumsum(steps_m))) + offset_m
        distances.append(cumulative_m)
        offset_m = float(cumulative_m[-1])
    return distances


def antipodal_steps(lons: npt.ArrayLike, lats: npt.ArrayLike) -> np.ndarray:
    """Indices i of the steps i -> i+1 whose ends are antipodal: an edge PostGIS geography refuses to store."""
    lons_rad, lats_rad = np.radians(np.asarray(lons, dtype=float)), np.radians(np.asarray(lats, dtype=float))
    xyz = np.column_stack([np.cos(lats_rad) * np.cos(lons_rad), np.cos(lats_rad) * np.sin(lons_rad), np.sin(lats_rad)])
    if len(xyz) < 2:
        return np.zeros(0, dtype=int)
    return np.flatnonzero(np.abs(xyz[:-1] + xyz[1:]).max(axis=1) <= ANTIPODAL_TOLERANCE)


def cumulative_distance_m(track: ParsedTrack) -> list[float]:
    """Distance along the route of every point, over all segments, not counting the jumps between segments."""
    return np.concatenate(segment_distances_m(track)).tolist() if track.segments else []


def joined_line(track: ParsedTrack) -> list[tuple[float, float, float | None]]:
    """Full-resolution (lon, lat, ele_m) of every point, segments joined in order, for storage."""
    return [point for segment in track.segments for point in zip(segment.lons, segment.lats, segment.eles_m)]


def _centre(track: ParsedTrack) -> tuple[float, float]:
    """(lat, lon) of the mean of the points' unit vectors: works across the antimeridian."""
    lats = np.radians(np.concatenate([segment.lats for segment in track.segments]))
    lons = np.radians(np.concatenate([segment.lons for segment in track.segments]))
    x, y, z = (np.cos(lats) * np.cos(lons)).mean(), (np.cos(lats) * np.sin(lons)).mean(), np.sin(lats).mean()
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def _local_projection(track: ParsedTrack) -> Transformer:
    """lon/lat -> metres in an azimuthal equidistant projection centred on the track (always_xy)."""
    lat0, lon0 = _centre(track)
    return Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={lat0:.8f} +lon_0={lon0:.8f} +datum=WGS84 +units=m", always_xy=True
    )


def _kept_indices(segment: Segment, to_metres: Transformer, tolerance_m: float) -> np.ndarray:
    """Indices of the points Douglas-Peucker keeps in one segment."""
    count = len(segment)
    if count < 3:
        return np.arange(count)
    x_m, y_m = to_metres.transform(np.asarray(segment.lons), np.asarray(segment.lats))
    line = shapely.LineString(np.column_stack([x_m, y_m, np.arange(count, dtype=float)]))
    simplified = shapely.simplify(line, tolerance_m, preserve_topology=False)
    kept = shapely.get_coordinates(simplified, include_z=True)[:, 2].astype(int)
    return _bridge_antipodal(segment, kept if len(kept) >= 2 else np.array([0, count - 1]))


def _bridge_antipodal(segment: Segment, kept: np.ndarray) -> np.ndarray:
    """kept plus original points between any two kept neighbours that are antipodal, until none are."""
    lons, lats = np.asarray(segment.lons), np.asarray(segment.lats)
    while True:
        steps = antipodal_steps(lons[kept], lats[kept])
        steps = steps[kept[steps + 1] - kept[steps] > 1]  # original neighbours: the import refuses those
        if not len(steps):
            return kept
        kept = np.union1d(kept, (kept[steps] + kept[steps + 1]) // 2)


def simplify(track: ParsedTrack, tolerance_m: float = 5.0) -> list[tuple[float, float, float | None]]:
    """(lon, lat, ele_m) display line: every original point lies within tolerance_m of it. Segments joined in order."""
    if tolerance_m <= 0:
        raise ValueError("tolerance_m must be positive")
    if not track.segments:
        return []
    to_metres = _local_projection(track)
    line = []
    for segment in track.segments:
        for i in _kept_indices(segment, to_metres, tolerance_m * _SIMPLIFY_HEADROOM).tolist():
            line.append((segment.lons[i], segment.lats[i], segment.eles_m[i]))
    return line


def km_marks(track: ParsedTrack, every_m: float = 1000.0) -> list[tuple[float, float, int]]:
    """(lat, lon, km) at each whole kilometre along the route (interpolated)."""
    if every_m <= 0 or every_m % 1000:
        raise ValueError("every_m must be a positive whole number of kilometres in metres (1000, 5000, ...)")
    pairs = [_pairs(segment, distances_m) for segment, distances_m in zip(track.segments, segment_distances_m(track))]
    if not pairs:
        return []
    start_m, end_m, lon1, lat1, lon2, lat2 = (np.concatenate(column) for column in zip(*pairs))
    total_m = float(end_m[-1]) if len(end_m) else 0.0
    marks_m = every_m * np.arange(1, int(total_m // every_m) + 1)
    if not len(marks_m):
        return []
    j = np.minimum(np.searchsorted(end_m, marks_m, side="left"), len(end_m) - 1)
    azimuth, _, _ = GEOD.inv(lon1[j], lat1[j], lon2[j], lat2[j])
    lons, lats, _ = GEOD.fwd(lon1[j], lat1[j], azimuth, marks_m - start_m[j])
    kms = [round(mark_m / 1000) for mark_m in marks_m.tolist()]
    return list(zip(lats.tolist(), lons.tolist(), kms))


def _pairs(segment: Segment, distances_m: np.ndarray) -> tuple[np.ndarray, ...]:
    """Columns (start_m, end_m, lon1, lat1, lon2, lat2) for each consecutive pair of points in a segment."""
    lats, lons = np.asarray(segment.lats), np.asarray(segment.lons)
    return distances_m[:-1], distances_m[1:], lons[:-1], lats[:-1], lons[1:], lats[1:]


def snap(pieces: Sequence[np.ndarray], lat: float, lon: float) -> tuple[float, float]:
    """(along_m, off_route_m) of a point against a line in pieces, each an (n, 2) array of lon/lat rows.

    The foot is on the piece nearest on the ground; along_m counts the lengths of the pieces before it
    (not the gaps between pieces), then the geodesic length along that piece up to the foot.
    """
    to_metres = Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={lat!r} +lon_0={lon!r} +datum=WGS84 +units=m", always_xy=True
    )
    best_along_m, best_off_m, before_m = 0.0, math.inf, 0.0
    for piece in pieces:
        lengths_m = segment_lengths_m(piece[:, 1], piece[:, 0])
        along_m, off_m = _snap_piece(piece, lengths_m, to_metres, lat, lon)
        if off_m < best_off_m:
            best_along_m, best_off_m = before_m + along_m, off_m
        before_m += float(lengths_m.sum())
    return best_along_m, best_off_m


def _snap_piece(
    piece: np.ndarray, lengths_m: np.ndarray, to_metres: Transformer, lat: float, lon: float
) -> tuple[float, float]:
    """(along_m, off_route_m) of the point at the centre of to_metres against one piece of at least 2 points."""
    xy_m = np.column_stack(to_metres.transform(piece[:, 0], piece[:, 1]))
    line = shapely.LineString(xy_m)
    planar_m = shapely.line_locate_point(line, shapely.Point(0.0, 0.0))
    steps_planar_m = np.concatenate(([0.0], np.cumsum(np.hypot(*np.diff(xy_m, axis=0).T))))
    k = int(np.clip(np.searchsorted(steps_planar_m, planar_m, side="right") - 1, 0, len(piece) - 2))
    foot = shapely.get_coordinates(shapely.line_interpolate_point(line, planar_m))[0]
    foot_lon, foot_lat = to_metres.transform(foot[0], foot[1], direction="INVERSE")
    _, _, into_step_m = GEOD.inv(piece[k, 0], piece[k, 1], foot_lon, foot_lat)
    _, _, off_m = GEOD.inv(lon, lat, foot_lon, foot_lat)
    return float(lengths_m[:k].sum() + into_step_m), float(off_m)
