"""Privacy zones: the part of a track everyone but its owner sees.

A zone is a centre (say, a home) and a radius of 200-1,000 m. What is cut is a larger disk drawn once
per zone (``draw_cut``): its centre lies 2.7-3.0 zone radii from the zone's centre in a random direction,
and its radius reaches 1.2-1.4 zone radii past the zone's far side, so the whole zone is always inside
it. Visible ends therefore lie on a circle whose centre is not the home (a circle fit finds the cut's
centre, at least 2.7 radii away), and tracks leaving home in every direction show their first visible points
averaging about 1.35-1.5 radii off the home (where a home-centred cut would put that average on it).

``redact`` keeps the parts of each segment outside every cut, ending each kept piece exactly on the
cut's edge (the crossing is found by bisection on the geodesic distance). Long steps that pass near a
cut are first split into steps of at most ``DENSIFY_STEP_M`` so a sparse track cannot cross a zone
between two visible points. Waypoints inside a cut are dropped.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from planner.geo.geometry import GEOD, segment_lengths_m
from planner.geo.gpx import ParsedTrack, Segment, Waypoint

ZONE_RADIUS_M = (200, 1000)
OFFSET_RADII = (2.7, 3.0)
MARGIN_RADII = (1.2, 1.4)
DENSIFY_STEP_M = 10.0
_BISECTIONS = 30
_SYSTEM_RANDOM = random.SystemRandom()


@dataclass(frozen=True)
class Cut:
    """A disk removed from what others see: centre (lat, lon) and radius in metres."""

    lat: float
    lon: float
    radius_m: float


def draw_cut(lat: float, lon: float, radius_m: float, rng: random.Random = _SYSTEM_RANDOM) -> Cut:
    """The secret disk cut for a zone centred at (lat, lon): contains the zone, centred away from it."""
    offset_m = radius_m * rng.uniform(*OFFSET_RADII)
    cut_lon, cut_lat, _ = GEOD.fwd(lon, lat, rng.uniform(0.0, 360.0), offset_m)
    return Cut(lat=float(cut_lat), lon=float(cut_lon), radius_m=offset_m + radius_m * rng.uniform(*MARGIN_RADII))


def _from_centre_m(cut: Cut, lats: npt.ArrayLike, lons: npt.ArrayLike) -> np.ndarray:
    """Geodesic distance in metres from the cut's centre to each point."""
    lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    _, _, distance_m = GEOD.inv(np.full(lats.shape, cut.lon), np.full(lats.shape, cut.lat), lons, lats)
    return np.asarray(distance_m)


def inside(lats: npt.ArrayLike, lons: npt.ArrayLike, cuts: list[Cut]) -> np.ndarray:
    """Whether each point lies inside any cut (geodesic distance to its centre below its radius)."""
    hidden = np.zeros(np.shape(lats), dtype=bool)
    for cut in cuts:
        hidden |= _from_centre_m(cut, lats, lons) < cut.radius_m
    return hidden


def redact(track: ParsedTrack, cuts: list[Cut]) -> ParsedTrack:
    """track without its parts inside the cuts: each segment split into its visible pieces."""
    if not cuts:
        return track
    segments = [piece for segment in track.segments for piece in _visible_pieces(segment, cuts)]
    return ParsedTrack(
        name=track.name,
        description=track.description,
        segments=segments,
        waypoints=visible_waypoints(track.waypoints, cuts),
    )


def _near_steps(segment: Segment, cuts: list[Cut]) -> tuple[np.ndarray, np.ndarray]:
    """(indices i of the steps i -> i+1 longer than DENSIFY_STEP_M that could pass inside a cut, every step's length)."""
    steps_m = segment_lengths_m(segment.lats, segment.lons)
    near = np.zeros(len(steps_m), dtype=bool)
    for cut in cuts:
        from_cut_m = _from_centre_m(cut, segment.lats, segment.lons)
        closest_end_m = np.minimum(from_cut_m[:-1], from_cut_m[1:])
        near |= closest_end_m - steps_m / 2 < cut.radius_m  # every point of a step is within half of it of an end
    return np.flatnonzero(near & (steps_m > DENSIFY_STEP_M)), steps_m


def _densified(segment: Segment, cuts: list[Cut]) -> Segment:
    """segment with extra interpolated points on long steps near a cut (unchanged when there are none)."""
    steps, steps_m = _near_steps(segment, cuts)
    if not len(steps):
        return segment
    points: list[tuple] = []
    previous = 0
    for i in steps.tolist():
        points.extend(_point(segment, j) for j in range(previous, i + 1))
        parts = math.ceil(steps_m[i] / DENSIFY_STEP_M)
        points.extend(_between(segment, i, k / parts) for k in range(1, parts))
        previous = i + 1
    points.extend(_point(segment, j) for j in range(previous, len(segment)))
    lats, lons, eles, times = zip(*points)
    return Segment(lats=lats, lons=lons, eles_m=eles, times=times)


def _visible_pieces(segment: Segment, cuts: list[Cut]) -> list[Segment]:
    """The runs of segment outside every cut, each closed by its crossing points on a cut's edge."""
    dense = _densified(segment, cuts)
    hidden = inside(dense.lats, dense.lons, cuts)
    if not hidden.any():
        return [segment]
    pieces = []
    for first, last in _runs(~hidden):
        points = [_point(dense, j) for j in range(first, last + 1)]
        if first > 0:
            points.insert(0, _crossing(dense, first - 1, cuts, hidden_first=True))
        if last < len(dense) - 1:
            points.append(_crossing(dense, last, cuts, hidden_first=False))
        if len(points) >= 2:
            lats, lons, eles, times = zip(*points)
            pieces.append(Segment(lats=lats, lons=lons, eles_m=eles, times=times))
    return pieces


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True in mask."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), (np.flatnonzero(edges == -1) - 1).tolist()))


def _crossing(segment: Segment, i: int, cuts: list[Cut], *, hidden_first: bool) -> tuple:
    """The point on step i -> i+1 where it leaves (hidden_first) or enters the cuts, by bisection."""
    outside_at, hidden_at = (1.0, 0.0) if hidden_first else (0.0, 1.0)
    for _ in range(_BISECTIONS):
        middle = (outside_at + hidden_at) / 2
        lat, lon, _, _ = _between(segment, i, middle)
        if inside(np.array([lat]), np.array([lon]), cuts)[0]:
            hidden_at = middle
        else:
            outside_at = middle
    return _between(segment, i, outside_at)


def _point(segment: Segment, j: int) -> tuple:
    """(lat, lon, ele_m, time) of point j."""
    return segment.lats[j], segment.lons[j], segment.eles_m[j], segment.times[j]


def _between(segment: Segment, i: int, fraction: float) -> tuple:
    """(lat, lon, ele_m, time) a fraction of the way from point i to point i+1 (across the antimeridian too)."""
    (lat1, lon1, ele1, time1), (lat2, lon2, ele2, time2) = _point(segment, i), _point(segment, i + 1)
    dlon = (lon2 - lon1 + 180.0) % 360.0 - 180.0
    lon = (lon1 + fraction * dlon + 180.0) % 360.0 - 180.0
    ele = None if ele1 is None or ele2 is None else ele1 + fraction * (ele2 - ele1)
    time = None if time1 is None or time2 is None else time1 + (time2 - time1) * fraction
    return lat1 + fraction * (lat2 - lat1), lon, ele, time


def visible_waypoints(waypoints: list[Waypoint], cuts: list[Cut]) -> list[Waypoint]:
    """The waypoints outside every cut."""
    if not waypoints or not cuts:
        return list(waypoints)
    hidden = inside(np.array([w.lat for w in waypoints]), np.array([w.lon for w in waypoints]), cuts)
    return [w for w, is_hidden in zip(waypoints, hidden.tolist()) if not is_hidden]
