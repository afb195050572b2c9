"""Route statistics for a ParsedTrack; every formula is stated here.

Length: geodesic distance on the WGS84 ellipsoid (pyproj.Geod, Karney's algorithm) between
consecutive points, summed inside each segment. The jump between two segments is not counted.

Ascent and descent: GPS and barometric altitudes jitter by metres, and summing every small rise
of a flat walk reports hundreds of metres that never happened. Each segment is filtered on its
own, using only its points that have an elevation: (1) light smoothing: each elevation is
replaced by the mean of the segment's elevations within 50 m along the route on either side
(points more than 50 m apart are left as they are, so planned routes with sparse, already
smooth elevations keep their shape); (2) hysteresis: a rise or fall counts only once the
smoothed elevation has moved 5 m away from the last turning point (the last confirmed summit or
valley), and then counts in full. Ascent is the sum of rises between successive turning points,
descent the sum of falls; the segment's first point and its last extreme are turning points.
None when the track has no elevations.

Min/max elevation: the lowest and highest elevation as recorded (unsmoothed).

Recorded duration: the latest time minus the earliest time in the file. Moving time: the sum of
the intervals between consecutive timed points of a segment that last at most 5 minutes (longer
gaps are pauses, for example a stopped logger) and whose horizontal speed is at least 0.3 m/s on
foot, 1.0 m/s on a bike. Both None when fewer than two points have a time.

Estimated duration, from length and ascent/descent:
- hiking, walking: DIN 33466. Horizontal time h = km / 4 km/h; vertical time v = ascent / 300 m/h
  + descent / 500 m/h; total = max(h, v) + min(h, v) / 2.
- running, trail_running: ITRA "effort kilometres" = km + ascent_m / 100, run at 10 (road) or
  8 (trail) effort-km/h; descent is not counted.
- cycling, mountain_biking: flat speed (20 km/h road, 12 km/h mountain bike) plus a climbing
  penalty of one hour per 1,000 m (road) or per 800 m (mountain bike) of ascent; descent is not
  credited.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.geo.geometry import segment_distances_m
from planner.geo.gpx import ParsedTrack

ACTIVITIES = ("hiking", "running", "cycling", "mountain_biking", "trail_running", "walking")
SMOOTHING_HALF_WINDOW_M = 50.0
HYSTERESIS_M = 5.0
PAUSE_AFTER_S = 300.0
MOVING_SPEED_M_S = {"cycling": 1.0, "mountain_biking": 1.0}  # every other activity is on foot
FOOT_MOVING_SPEED_M_S = 0.3
DIN_KM_H, DIN_ASCENT_M_H, DIN_DESCENT_M_H = 4.0, 300.0, 500.0
EFFORT_KM_H = {"running": 10.0, "trail_running": 8.0}
BIKE_KM_H_AND_CLIMB_M_H = {"cycling": (20.0, 1000.0), "mountain_biking": (12.0, 800.0)}


@dataclass(frozen=True)
class RouteStats:
    """Numbers shown for a route; see the module docstring for how each is computed."""

    length_m: float
    ascent_m: float | None
    descent_m: float | None
    min_ele_m: float | None
    max_ele_m: float | None
    recorded_duration_s: int | None
    moving_time_s: int | None
    estimated_duration_s: int
    start: tuple[float, float]
    end: tuple[float, float]
    bbox: tuple[float, float, float, float]
    point_count: int


def compute_stats(track: ParsedTrack, activity: str = "hiking") -> RouteStats:
    """Length, climb, elevation range, durations, ends and bounding box of a parsed track."""
    _check_activity(activity)
    if not track.point_count:
        raise ValueError("a track without points has no statistics")
    distances_m = segment_distances_m(track)
    length_m = float(sum(d[-1] - d[0] for d in distances_m))
    eles_m = [np.array(segment.eles_m, dtype=float) for segment in track.segments]
    climbs = [_climb_m(d, e) for d, e in zip(distances_m, eles_m) if (~np.isnan(e)).any()]
    ascent_m = float(sum(up for up, _ in climbs)) if climbs else None
    descent_m = float(sum(down for _, down in climbs)) if climbs else None
    all_eles_m = np.concatenate(eles_m)
    has_ele = bool((~np.isnan(all_eles_m)).any())
    recorded_s, moving_s = _durations_s(track, distances_m, activity)
    lats = np.concatenate([segment.lats for segment in track.segments])
    lons = np.concatenate([segment.lons for segment in track.segments])
    return RouteStats(
        length_m=length_m,
        ascent_m=ascent_m,
        descent_m=descent_m,
        min_ele_m=float(np.nanmin(all_eles_m)) if has_ele else None,
        max_ele_m=float(np.nanmax(all_eles_m)) if has_ele else None,
        recorded_duration_s=recorded_s,
        moving_time_s=moving_s,
        estimated_duration_s=estimate_duration_s(length_m, ascent_m or 0.0, descent_m or 0.0, activity),
        start=(float(lats[0]), float(lons[0])),
        end=(float(lats[-1]), float(lons[-1])),
        bbox=(float(lons.min()), float(lats.min()), float(lons.max()), float(lats.max())),
        point_count=track.point_count,
    )


def estimate_duration_s(length_m: float, ascent_m: float, descent_m: float, activity: str) -> int:
    """Expected time in seconds to cover the route at a typical group pace for the activity."""
    _check_activity(activity)
    km = length_m / 1000.0
    if activity in EFFORT_KM_H:
        hours = (km + ascent_m / 100.0) / EFFORT_KM_H[activity]
    elif activity in BIKE_KM_H_AND_CLIMB_M_H:
        flat_km_h, climb_m_h = BIKE_KM_H_AND_CLIMB_M_H[activity]
        hours = km / flat_km_h + ascent_m / climb_m_h
    else:
        horizontal_h = km / DIN_KM_H
        vertical_h = ascent_m / DIN_ASCENT_M_H + descent_m / DIN_DESCENT_M_H
        hours = max(horizontal_h, vertical_h) + min(horizontal_h, vertical_h) / 2.0
    return round(hours * 3600.0)


def elevation_profile(track: ParsedTrack, max_samples: int = 400) -> list[tuple[float, float]]:
    """(distance_m along the route, ele_m) pairs, gaps between segments not counted, at most max_samples of them."""
    if max_samples < 2:
        raise ValueError("max_samples must be at least 2")
    distances_m = np.concatenate(segment_distances_m(track)) if track.segments else np.zeros(0)
    eles_m = np.array([e for segment in track.segments for e in segment.eles_m], dtype=float)
    has_ele = ~np.isnan(eles_m)
    distances_m, eles_m = distances_m[has_ele], eles_m[has_ele]
    if len(eles_m) > max_samples:
        targets_m = np.linspace(distances_m[0], distances_m[-1], max_samples)
        keep = np.unique(np.searchsorted(distances_m, targets_m).clip(0, len(eles_m) - 1))
        distances_m, eles_m = distances_m[keep], eles_m[keep]
    return list(zip(distances_m.tolist(), eles_m.tolist()))


def _check_activity(activity: str) -> None:
    """Raise ValueError for an activity planner has no model for."""
    if activity not in ACTIVITIES:
        raise ValueError(f"unknown activity {activity!r}; expected one of {', '.join(ACTIVITIES)}")


def smooth_elevations_m(distances_m: np.ndarray, eles_m: np.ndarray) -> np.ndarray:
    """Mean of the elevations within SMOOTHING_HALF_WINDOW_M along the route on either side of each point."""
    low = np.searchsorted(distances_m, distances_m - SMOOTHING_HALF_WINDOW_M, side="left")
    high = np.searchsorted(distances_m, distances_m + SMOOTHING_HALF_WINDOW_M, side="right")
    running_sum_m = np.concatenate(([0.0], np.cumsum(eles_m)))
    return (running_sum_m[high] - running_sum_m[low]) / (high - low)


def turning_points_m(eles_m: list[float]) -> list[float]:
    """Summits and valleys confirmed by a reversal of HYSTERESIS_M or more, plus the first point and last extreme."""
    turns, extreme_m, trend = [eles_m[0]], eles_m[0], 0
    for ele_m in eles_m:
        if trend >= 0 and ele_m > extreme_m or trend <= 0 and ele_m < extreme_m:
            if trend == 0 and abs(ele_m - turns[-1]) < HYSTERESIS_M:
                continue
            extreme_m, trend = ele_m, 1 if ele_m > turns[-1] else -1
        elif abs(ele_m - extreme_m) >= HYSTERESIS_M:
            turns.append(extreme_m)
            extreme_m, trend = ele_m, -trend
    if trend != 0:
        turns.append(extreme_m)
    return turns


def _climb_m(distances_m: np.ndarray, eles_m: np.ndarray) -> tuple[float, float]:
    """(ascent_m, descent_m) of one segment through the smoothing + hysteresis filter."""
    has_ele = ~np.isnan(eles_m)
    smoothed_m = smooth_elevations_m(distances_m[has_ele], eles_m[has_ele])
    steps_m = np.diff(turning_points_m(smoothed_m.tolist()))
    return float(steps_m[steps_m > 0].sum()), float(-steps_m[steps_m < 0].sum())


def _durations_s(track: ParsedTrack, distances_m: list[np.ndarray], activity: str) -> tuple[int | None, int | None]:
    """(recorded duration, moving time) in seconds, or (None, None) with fewer than two timed points."""
    min_speed_m_s = MOVING_SPEED_M_S.get(activity, FOOT_MOVING_SPEED_M_S)
    first_s, last_s, moving_s, timed = np.inf, -np.inf, 0.0, 0
    for segment, segment_m in zip(track.segments, distances_m):
        has_time = np.array([t is not None for t in segment.times], dtype=bool)
        if not has_time.any():
            continue
        times_s = np.array([t.timestamp() for t in segment.times if t is not None])
        timed += len(times_s)
        first_s, last_s = min(first_s, times_s.min()), max(last_s, times_s.max())
        step_s, step_m = np.diff(times_s), np.diff(segment_m[has_time])
        with np.errstate(divide="ignore", invalid="ignore"):
            moving = (step_s > 0) & (step_s <= PAUSE_AFTER_S) & (step_m / step_s >= min_speed_m_s)
        moving_s += float(step_s[moving].sum())
    if timed < 2:
        return None, None
    return round(last_s - first_s), round(moving_s)
