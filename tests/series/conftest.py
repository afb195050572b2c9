"""Helpers for the series tests: the community cast, a series body, dates around the coming DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from planner.times import now_utc
from tests.community.conftest import bearer, cast, private_cast, route  # noqa: F401  (fixtures)

BERLIN = "Europe/Berlin"
SYDNEY = "Australia/Sydney"


def body(starts: datetime, rule: str, hours: float = 3, **extra) -> dict:
    """A POST /groups/{id}/events body for a series from the aware local start `starts`."""
    return {
        "title": "Saturday ride",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=hours)).isoformat(),
        "capacity": 5,
        "activity": "cycling",
        "lat": 52.52,
        "lon": 13.40,
        "timezone": starts.tzinfo.key if isinstance(starts.tzinfo, ZoneInfo) else None,
        "recurrence": {"rrule": rule},
        **extra,
    }


def create(client, crew, starts: datetime, rule: str, **extra):
    """Create a series as the organiser of crew (a Cast); the response."""
    return client.post(
        f"/api/v1/groups/{crew.group.id}/events", json=body(starts, rule, **extra), headers=bearer(crew.organiser)
    )


def next_weekday(weekday: int, after: date, hour: int, tz: str) -> datetime:
    """The first local `weekday` (0 Monday) strictly after the date `after`, at hour:00 in tz."""
    day = after + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), ZoneInfo(tz))


def offset_changes(tz: str, after: datetime, count: int = 2) -> list[datetime]:
    """The next `count` instants at which tz's UTC offset changes after `after` (found hour by hour)."""
    zone, found, moment = ZoneInfo(tz), [], after.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    while len(found) < count:
        later = moment + timedelta(hours=1)
        if moment.astimezone(zone).utcoffset() != later.astimezone(zone).utcoffset():
            found.append(later)
        moment = later
    return found


def soon() -> date:
    """A week from today (UTC): series in the tests start after it."""
    return (now_utc() + timedelta(days=7)).date()
