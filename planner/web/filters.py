"""Jinja filters for numbers with units and for times shown to people."""

from __future__ import annotations

from datetime import datetime

from flask import request

from planner.times import duration_text, local_text, now_utc, relative_text, timezone_at, zone_names


def km(metres: float | None, digits: int = 1) -> str:
    """Metres as kilometres, e.g. "12.3 km"."""
    return "—" if metres is None else f"{metres / 1000:.{digits}f} km"


def metres(value: float | None) -> str:
    """A height in whole metres, e.g. "845 m"."""
    return "—" if value is None else f"{round(value):,} m"


def zone_at(place: dict) -> str:
    """The IANA time zone at a {lat, lon} dict, e.g. a group's home."""
    return timezone_at(place["lat"], place["lon"])


def viewer_zone(fallback: str) -> str:
    """The viewer's time zone from the `tz` cookie local_time.js sets, else fallback."""
    zone = request.cookies.get("tz", "")
    return zone if zone in zone_names() else fallback


def ago(iso: str, zone: str) -> str:
    """An ISO UTC instant as "2 h ago", "yesterday" or "3 Dec", days counted in the viewer's zone."""
    return relative_text(datetime.fromisoformat(iso), now_utc(), viewer_zone(zone))


def local_time(iso: str, zone: str) -> str:
    """An ISO UTC instant in the viewer's zone (else zone), labelled with the zone: "Fri 04 Dec 2026, 19:05 CET"."""
    return local_text(datetime.fromisoformat(iso), viewer_zone(zone))


FILTERS = {
    "ago": ago,
    "duration": duration_text,
    "km": km,
    "local_time": local_time,
    "metres": metres,
    "zone_at": zone_at,
}
