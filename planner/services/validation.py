"""Parsing of query parameters (lat/lon, radii, bbox, dates, choices) into values, or a 400 naming the field."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time

from planner.errors import ServiceError

MAX_RADIUS_KM = 500.0
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_ZOOM = 22
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True)
class BBox:
    """A lat/lon box; min_lon > max_lon means it crosses the antimeridian."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @property
    def crosses_antimeridian(self) -> bool:
        """Whether the box wraps across longitude ±180."""
        return self.min_lon > self.max_lon

    @property
    def lon_span_deg(self) -> float:
        """Width in degrees of longitude, unwrapped across the antimeridian."""
        return (self.max_lon - self.min_lon) % 360.0 or (360.0 if self.min_lon != self.max_lon else 0.0)

    @property
    def lat_span_deg(self) -> float:
        """Height in degrees of latitude."""
        return self.max_lat - self.min_lat


def _raw(args: Mapping[str, str], name: str) -> str | None:
    """The trimmed parameter, or None when absent or blank."""
    value = args.get(name)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def number(args: Mapping[str, str], name: str, *, default: float | None = None, required: bool = False) -> float | None:
    """A finite float parameter; 400 naming the field when missing (if required) or not a number."""
    value = _raw(args, name)
    if value is None:
        if required:
            raise ServiceError("missing_parameter", f"'{name}' is required.", name)
        return default
    try:
        parsed = float(value)
    except ValueError:
        raise ServiceError("invalid_number", f"'{name}' must be a number.", name) from None
    if not math.isfinite(parsed):
        raise ServiceError("invalid_number", f"'{name}' must be a finite number.", name)
    return parsed


def check_lat(lat: float, field: str = "lat") -> float:
    """lat, or a 400 when outside ±90."""
    if not -90.0 <= lat <= 90.0:
        raise ServiceError("out_of_range", f"'{field}' must be between -90 and 90.", field)
    return lat


def check_lon(lon: float, field: str = "lon") -> float:
    """lon, or a 400 when outside ±180."""
    if not -180.0 <= lon <= 180.0:
        raise ServiceError("out_of_range", f"'{field}' must be between -180 and 180.", field)
    return lon


def latlon(args: Mapping[str, str]) -> tuple[float, float]:
    """The required lat and lon parameters as (lat, lon)."""
    lat = check_lat(number(args, "lat", required=True))
    lon = check_lon(number(args, "lon", required=True))
    return lat, lon


def radius_m(args: Mapping[str, str], name: str, default_km: float) -> float:
    """A radius given in km (0 < r <= 500), returned in metres."""
    radius_km = number(args, name, default=default_km)
    if not 0.0 < radius_km <= MAX_RADIUS_KM:
        raise ServiceError("out_of_range", f"'{name}' must be more than 0 and at most {MAX_RADIUS_KM:g} km.", name)
    return radius_km * 1000.0


def integer(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """An integer parameter within [low, high]."""
    value = _raw(args, name)
    if value is None:
        return default
    try:
        parsed = int(value)
    except ValueError:
        raise ServiceError("invalid_integer", f"'{name}' must be a whole number.", name) from None
    if not low <= parsed <= high:
        raise ServiceError("out_of_range", f"'{name}' must be between {low} and {high}.", name)
    return parsed


def limit(args: Mapping[str, str]) -> int:
    """The page size: default 20, at most 100."""
    return integer(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)


def page(args: Mapping[str, str]) -> int:
    """The 1-based page number."""
    return integer(args, "page", 1, 1, 10_000)


def zoom(args: Mapping[str, str]) -> int | None:
    """The map zoom level (0-22), or None."""
    return integer(args, "zoom", -1, 0, MAX_ZOOM) if _raw(args, "zoom") is not None else None


def choice(args: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    """One of allowed, or None when absent."""
    value = _raw(args, name)
    if value is None:
        return None
    if value not in allowed:
        raise ServiceError("invalid_choice", f"'{name}' must be one of: {', '.join(allowed)}.", name)
    return value


def flag(args: Mapping[str, str], name: str) -> bool:
    """A boolean parameter (1/true/yes/on or 0/false/no/off)."""
    value = (_raw(args, name) or "").lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ServiceError("invalid_flag", f"'{name}' must be true or false.", name)


def bbox(args: Mapping[str, str], name: str = "bbox") -> BBox:
    """bbox=minlon,minlat,maxlon,maxlat; min_lon > max_lon is a box across the antimeridian."""
    value = _raw(args, name)
    if value is None:
        raise ServiceError("missing_parameter", f"'{name}' is required: minlon,minlat,maxlon,maxlat.", name)
    parts = value.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(parts) != 4 or len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise ServiceError("invalid_bbox", f"'{name}' must be four numbers: minlon,minlat,maxlon,maxlat.", name)
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ServiceError(
            "invalid_bbox", f"'{name}' needs longitudes within ±180 and -90 <= minlat <= maxlat <= 90.", name
        )
    return BBox(min_lon, min_lat, max_lon, max_lat)


def when(args: Mapping[str, str], name: str, *, end_of_day: bool = False) -> datetime | None:
    """An ISO 8601 date or date-time (UTC when no offset is given), or None; a bare date means its start (or end)."""
    value = _raw(args, name)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+", 1) if "T" in value else value)
    except ValueError:
        raise ServiceError("invalid_datetime", f"'{name}' must be an ISO 8601 date or date-time.", name) from None
    if len(value) == 10 and end_of_day:
        parsed = datetime.combine(parsed.date(), time.max)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def time_window(args: Mapping[str, str], now: datetime) -> tuple[datetime | None, datetime | None]:
    """(from, to): from defaults to now (upcoming only) unless from or to is given; 400 when from is after to."""
    starts_from = when(args, "from")
    starts_to = when(args, "to", end_of_day=True)
    if starts_from and starts_to and starts_from > starts_to:
        raise ServiceError("invalid_range", "'from' must not be after 'to'.", "from")
    if starts_from is None and starts_to is None:
        starts_from = now
    return starts_from, starts_to


def length_range_m(args: Mapping[str, str]) -> tuple[float | None, float | None]:
    """The route length range from min_length_km/max_length_km, in metres."""
    low_km = number(args, "min_length_km")
    high_km = number(args, "max_length_km")
    for name, value in (("min_length_km", low_km), ("max_length_km", high_km)):
        if value is not None and value < 0:
            raise ServiceError("out_of_range", f"'{name}' must not be negative.", name)
    if low_km is not None and high_km is not None and low_km > high_km:
        raise ServiceError("invalid_range", "'min_length_km' must not be more than 'max_length_km'.", "min_length_km")
    return (None if low_km is None else low_km * 1000.0), (None if high_km is None else high_km * 1000.0)
