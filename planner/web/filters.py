"""Jinja filters for numbers with units, for times shown to people and for the domain's closed words.

Every filter speaks the request's language (planner.i18n.current_locale); English output is the default."""

from __future__ import annotations

from datetime import datetime

from flask import request
from flask_babel import lazy_gettext as _l

from planner.i18n import current_locale, km_text, metres_text
from planner.times import duration_text, local_text, now_utc, relative_text, timezone_at, zone_names

# The closed vocabularies (planner.schemas.choices) as people read them.
ACTIVITY_LABELS = {
    "hiking": _l("hiking"),
    "walking": _l("walking"),
    "running": _l("running"),
    "trail_running": _l("trail running"),
    "cycling": _l("cycling"),
    "mountain_biking": _l("mountain biking"),
    "climbing": _l("climbing"),
    "other": _l("other"),
}


def activity(value: str) -> str:
    """An activity or interest as people read it: "trail running", "越野跑"."""
    label = ACTIVITY_LABELS.get(value)
    return str(label) if label is not None else value.replace("_", " ")


def zone_at(place: dict) -> str:
    """The IANA time zone at a {lat, lon} dict, e.g. a group's home."""
    return timezone_at(place["lat"], place["lon"])


def viewer_zone(fallback: str) -> str:
    """The viewer's time zone from the `tz` cookie local_time.js sets, else fallback."""
    zone = request.cookies.get("tz", "")
    return zone if zone in zone_names() else fallback


def ago(iso: str, zone: str) -> str:
    """An ISO UTC instant as "2 h ago", "yesterday" or "3 Dec", days counted in the viewer's zone."""
    return relative_text(datetime.fromisoformat(iso), now_utc(), viewer_zone(zone), current_locale())


def local_time(iso: str, zone: str) -> str:
    """An ISO UTC instant in the viewer's zone (else zone), labelled with the zone: "Fri 04 Dec 2026, 19:05 CET"."""
    return local_text(datetime.fromisoformat(iso), viewer_zone(zone), current_locale())


def when(moment: datetime, zone: str) -> str:
    """An aware instant as local text in zone, in the request's language: "Sat 12 Dec 2026, 09:00 CST"."""
    return local_text(moment, zone, current_locale())


def duration(seconds: int | float | None) -> str:
    """A time estimate in the request's language: "3 h 05 min", "3 小时 05 分钟"."""
    return duration_text(seconds, current_locale())


FILTERS = {
    "activity": activity,
    "ago": ago,
    "duration": duration,
    "km": km_text,
    "local_time": local_time,
    "metres": metres_text,
    "when": when,
    "zone_at": zone_at,
}
