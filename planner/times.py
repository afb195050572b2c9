"""Instants and time zones, the one place for them: parsing, the zone at a point, UTC and local text. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from timezonefinder import TimezoneFinder

from planner.errors import ServiceError


@lru_cache(maxsize=1)
def _finder() -> TimezoneFinder:
    """The offline timezone polygon finder, loaded once per process."""
    return TimezoneFinder()


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """Every IANA time zone name this machine knows."""
    return frozenset(available_timezones())


def now_utc() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def timezone_at(lat: float, lon: float) -> str:
    """The IANA timezone at a point (offline lookup), or "UTC" at sea."""
    return _finder().timezone_at(lat=lat, lng=lon) or "UTC"


def clean_timezone(value: object, field: str = "timezone") -> str:
    """An IANA timezone name; 400 otherwise."""
    if not isinstance(value, str) or value not in zone_names():
        raise ServiceError("invalid_timezone", f"'{field}' must be an IANA name such as Europe/Berlin.", field)
    return value


def parse_instant(value: object, field: str, tz_name: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text or a datetime; times without an offset are local to tz_name."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ServiceError(
                "invalid_time", f"'{field}' must be ISO 8601, e.g. 2026-12-05T08:30:00+08:00.", field
            ) from None
    if not isinstance(value, datetime):
        raise ServiceError("invalid_time", f"'{field}' is required (ISO 8601 with an offset).", field)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz_name))
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ServiceError("invalid_time", f"'{field}' is out of range.", field) from None


def iso_utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, or None."""
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def in_zone(moment: datetime, tz_name: str) -> datetime:
    """moment as an aware datetime in tz_name."""
    return moment.astimezone(ZoneInfo(tz_name))


def at_local(day: date, clock: time, tz_name: str) -> datetime:
    """The aware instant of wall-clock time clock on day in tz_name."""
    return datetime.combine(day, clock, ZoneInfo(tz_name))


def local_naive(moment: datetime, tz_name: str) -> datetime:
    """moment as wall-clock time in tz_name, without offset (what a datetime-local field shows)."""
    return moment.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)


def local_text(moment: datetime, tz_name: str) -> str:
    """A human local time such as "Sat 05 Dec 2026, 08:30 CST"."""
    local = moment.astimezone(ZoneInfo(tz_name))
    return local.strftime("%a %d %b %Y, %H:%M ") + (local.tzname() or "")


def clock_text(moment: datetime, tz_name: str, day_of: datetime | None = None) -> str:
    """Wall-clock "12:00" in tz_name, with the day ("Sun 06 Dec, 12:00") unless it falls on day_of's local day."""
    zone = ZoneInfo(tz_name)
    local = moment.astimezone(zone)
    same_day = day_of is not None and day_of.astimezone(zone).date() == local.date()
    return local.strftime("%H:%M" if same_day else "%a %d %b, %H:%M")


def relative_text(moment: datetime, now: datetime, tz_name: str) -> str:
    """How long ago moment was as seen at now in tz_name: "just now", "5 min ago", "2 h ago", "yesterday", "3 Dec"."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    zone = ZoneInfo(tz_name)
    local, today = moment.astimezone(zone).date(), now.astimezone(zone).date()
    if (today - local).days == 1:
        return "yesterday"
    return f"{local.day} {local:%b}" if local.year == today.year else f"{local.day} {local:%b %Y}"


def duration_text(seconds: int | float | None) -> str:
    """Seconds as "3 h 05 min" (or "—" when unknown)."""
    if seconds is None:
        return "—"
    minutes = int(round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
