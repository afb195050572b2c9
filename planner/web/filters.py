"""Jinja filters for numbers with units, for times shown to people and for the domain's closed words.

Every filter speaks the request's language (planner.i18n.current_locale); English output is the default."""

from __future__ import annotations

from datetime import datetime

from babel.numbers import format_decimal
from flask import request
from flask_babel import lazy_gettext as _l

from planner.i18n import current_locale
from planner.times import duration_text, local_text, now_utc, relative_text, timezone_at, zone_names

# The unit words per language: metric everywhere; Chinese outdoor apps write 公里 and 米.
_UNITS = {"zh_Hans": {"km": "公里", "m": "米"}}

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


def _unit(locale: str, unit: str) -> str:
    return _UNITS.get(locale, {}).get(unit, unit)


def km(metres: float | None, digits: int = 1) -> str:
    """Metres as kilometres, e.g. "12.3 km" (zh_Hans "12.3 公里")."""
    if metres is None:
        return "—"
    locale = current_locale()
    if locale == "en":
        return f"{metres / 1000:.{digits}f} km"
    number = format_decimal(
        round(metres / 1000, digits), format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale=locale
    )
    return f"{number} {_unit(locale, 'km')}"


def metres(value: float | None) -> str:
    """A height in whole metres, e.g. "845 m" (zh_Hans "845 米")."""
    if value is None:
        return "—"
    locale = current_locale()
    if locale == "en":
        return f"{round(value):,} m"
    return f"{format_decimal(round(value), locale=locale)} {_unit(locale, 'm')}"


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
    "km": km,
    "local_time": local_time,
    "metres": metres,
    "when": when,
    "zone_at": zone_at,
}
