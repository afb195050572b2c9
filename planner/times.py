"""Instants and time zones, the one place for them: parsing, the zone at a point, UTC and local text. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.dates import format_datetime, format_skeleton, format_timedelta
from timezonefinder import TimezoneFinder

from planner.errors import N_, ServiceError


@lru_cache(maxsize=1)
def _finder() -> TimezoneFinder:
    """The offline timezone polygon finder, loaded once per process."""
    return TimezoneFinder()


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """Every IANA time zone name this machine knows (not "localtime": the server's own zone, not a name)."""
    return frozenset(available_timezones()) - {"localtime"}


def now_utc() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def timezone_at(lat: float, lon: float) -> str:
    """The IANA timezone at a point (offline lookup), or "UTC" at sea."""
    return _finder().timezone_at(lat=lat, lng=lon) or "UTC"


def clean_timezone(value: object, field: str = "timezone") -> str:
    """An IANA timezone name; 400 otherwise."""
    if not isinstance(value, str) or value not in zone_names():
        raise ServiceError("invalid_timezone", N_("'%(field)s' must be an IANA name such as Europe/Berlin."), field)
    return value


def parse_instant(value: object, field: str, tz_name: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text or a datetime; times without an offset are local to tz_name."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ServiceError(
                "invalid_time", N_("'%(field)s' must be ISO 8601, e.g. 2026-12-05T08:30:00+08:00."), field
            ) from None
    if not isinstance(value, datetime):
        raise ServiceError("invalid_time", N_("'%(field)s' is required (ISO 8601 with an offset)."), field)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz_name))
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ServiceError("invalid_time", N_("'%(field)s' is out of range."), field) from None


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


# Babel patterns per locale where the CLDR skeletons read less naturally than what people write; others use
# the locale's skeletons. English keeps the strftime text below (exactly what the pages always showed).
_DAY_PATTERNS = {"zh_Hans": {"year": "y年M月d日 EEE", "day": "M月d日 EEE"}}
# Words CLDR has no entry for, or one that reads oddly in this use ("现在" for a post a few seconds old).
_DAY_WORDS = {"zh_Hans": {"now": "刚刚"}}


def _day_text(local: datetime, locale: str, with_year: bool) -> str:
    """The local day in locale, e.g. "2026年12月12日 周六" or "12月12日 周六"."""
    pattern = _DAY_PATTERNS.get(locale, {}).get("year" if with_year else "day")
    if pattern:
        return format_datetime(local, pattern, locale=locale)
    return format_skeleton("yMMMEd" if with_year else "MMMEd", local, locale=locale)


def local_text(moment: datetime, tz_name: str, locale: str = "en") -> str:
    """A human local time such as "Sat 05 Dec 2026, 08:30 CST" (zh_Hans: "2026年12月5日 周六 08:30 CST")."""
    local = moment.astimezone(ZoneInfo(tz_name))
    if locale == "en":
        return local.strftime("%a %d %b %Y, %H:%M ") + (local.tzname() or "")
    return f"{_day_text(local, locale, True)} {local:%H:%M} {local.tzname() or ''}".rstrip()


def clock_text(moment: datetime, tz_name: str, day_of: datetime | None = None, locale: str = "en") -> str:
    """Wall-clock "12:00" in tz_name, with the day ("Sun 06 Dec, 12:00") unless it falls on day_of's local day."""
    zone = ZoneInfo(tz_name)
    local = moment.astimezone(zone)
    same_day = day_of is not None and day_of.astimezone(zone).date() == local.date()
    if locale == "en" or same_day:
        return local.strftime("%H:%M" if same_day else "%a %d %b, %H:%M")
    return f"{_day_text(local, locale, False)} {local:%H:%M}"


def _relative_word(locale: str, field: str, offset: int, fallback: str) -> str:
    """CLDR's word for a relative day or instant ("昨天", "现在"), else fallback."""
    try:
        return Locale.parse(locale)._data["date_fields"][field]["relative"][offset]
    except (KeyError, ValueError, TypeError):
        return fallback


def relative_text(moment: datetime, now: datetime, tz_name: str, locale: str = "en") -> str:
    """How long ago moment was as seen at now in tz_name: "just now", "5 min ago", "2 h ago", "yesterday", "3 Dec".

    Other locales through Babel, e.g. zh_Hans "刚刚", "5分钟前", "2小时前", "昨天", "12月3日"."""
    seconds = (now - moment).total_seconds()
    english = locale == "en"
    if seconds < 60:
        return (
            "just now" if english else _DAY_WORDS.get(locale, {}).get("now") or _relative_word(locale, "second", 0, "")
        )
    if seconds < 86400:
        if english:
            return f"{int(seconds // 60)} min ago" if seconds < 3600 else f"{int(seconds // 3600)} h ago"
        whole = 60 if seconds < 3600 else 3600
        ago = timedelta(seconds=-(seconds // whole) * whole)
        return format_timedelta(ago, threshold=1, add_direction=True, locale=locale)
    zone = ZoneInfo(tz_name)
    local, today = moment.astimezone(zone).date(), now.astimezone(zone).date()
    if (today - local).days == 1:
        return "yesterday" if english else _relative_word(locale, "day", -1, "")
    if english:
        return f"{local.day} {local:%b}" if local.year == today.year else f"{local.day} {local:%b %Y}"
    return format_skeleton("MMMd" if local.year == today.year else "yMMMd", local, locale=locale)


# Hours and minutes in each language: "3 h 05 min", "3 小时 05 分钟".
_DURATION_WORDS = {"en": ("h", "min"), "zh_Hans": ("小时", "分钟")}


def duration_text(seconds: int | float | None, locale: str = "en") -> str:
    """Seconds as "3 h 05 min" (zh_Hans "3 小时 05 分钟"; "—" when unknown)."""
    if seconds is None:
        return "—"
    hour_word, minute_word = _DURATION_WORDS.get(locale, _DURATION_WORDS["en"])
    minutes = int(round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} {hour_word} {minutes:02d} {minute_word}" if hours else f"{minutes} {minute_word}"
