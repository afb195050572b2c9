"""Synthetic routes from a known home and the two estimates an attacker makes from their visible ends."""

from __future__ import annotations

import math
import random

import numpy as np

from planner.geo.geometry import GEOD

ROUTES = 20
STEP_M = 25.0
LENGTH_M = 8_000.0


def routes_from(lat: float, lon: float, rng: random.Random) -> list[list[tuple[float, float]]]:
    """ROUTES wandering tracks (lat, lon) leaving home in directions spread around the compass.

    Evenly spread directions are the attacker's best case against a home-centred cut: the visible
    starts then surround the home, and both estimates land on it.
    """
    tracks = []
    for i in range(ROUTES):
        heading = 360.0 * i / ROUTES + rng.uniform(-6.0, 6.0)
        here_lon, here_lat, points = lon, lat, [(lat, lon)]
        for step in range(int(LENGTH_M / STEP_M)):
            wobble = 25.0 * math.sin(step / 9.0 + i)  # roads bend
            here_lon, here_lat, _ = GEOD.fwd(here_lon, here_lat, heading + wobble, STEP_M)
            points.append((float(here_lat), float(here_lon)))
        tracks.append(points)
    return tracks


def _plane_m(lat0: float, lon0: float, points: list[tuple[float, float]]) -> np.ndarray:
    """(n, 2) metres east and north of (lat0, lon0), equirectangular (fine over a few km)."""
    lat_m = 111_320.0
    return np.array(
        [((lon - lon0) * lat_m * math.cos(math.radians(lat0)), (lat - lat0) * lat_m) for lat, lon in points]
    )


def circle_fit_miss_m(home: tuple[float, float], ends: list[tuple[float, float]]) -> float:
    """Distance from home to the centre of the least-squares circle through the ends (Kasa fit)."""
    xy = _plane_m(*home, ends)
    a = np.column_stack([2 * xy[:, 0], 2 * xy[:, 1], np.ones(len(xy))])
    b = (xy**2).sum(axis=1)
    (cx, cy, _), *_ = np.linalg.lstsq(a, b, rcond=None)
    return float(math.hypot(cx, cy))


def centroid_miss_m(home: tuple[float, float], ends: list[tuple[float, float]]) -> float:
    """Distance from home to the mean of the ends."""
    return float(np.linalg.norm(_plane_m(*home, ends).mean(axis=0)))
