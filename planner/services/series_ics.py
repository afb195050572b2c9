"""A series as iCalendar: one VEVENT with its RRULE, EXDATE for cancelled occurrences and a RECURRENCE-ID VEVENT for
each occurrence that differs from the series (edited on its own, or a past one a later series change left alone)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from geoalchemy2.shape import to_shape
from icalendar import Event as IcsEvent
from icalendar import vRecur

from planner.models import Event, EventSeries, User
from planner.services import calendar, series
from planner.times import now_utc


def _instance(series_row: EventSeries, event: Event) -> datetime:
    """The occurrence's RECURRENCE-ID: its rule date at the series' time of day, in the series' zone."""
    assert event.occurrence_date is not None
    return datetime.combine(event.occurrence_date, series_row.start_time, ZoneInfo(series_row.timezone))


def _differs(series_row: EventSeries, event: Event) -> bool:
    """Whether the occurrence reads otherwise than its series says (time, length, title, text or start)."""
    starts_at = _instance(series_row, event)
    return (
        event.starts_at != starts_at
        or event.ends_at - event.starts_at != timedelta(seconds=series_row.duration_s)
        or (event.title, event.description) != (series_row.title, series_row.description)
        or to_shape(event.start).wkt != to_shape(series_row.start).wkt
    )


def _master(series_row: EventSeries, url: str, version: int) -> IcsEvent:
    """The series' VEVENT: DTSTART its first occurrence, the RRULE, the template's place and text."""
    first = datetime.combine(series_row.first_date, series_row.start_time, ZoneInfo(series_row.timezone))
    item = IcsEvent()
    item.add("uid", f"series-{series_row.id}@planner")
    item.add("dtstamp", now_utc())
    item.add("dtstart", first)
    item.add("dtend", first + timedelta(seconds=series_row.duration_s))
    item.add("rrule", vRecur.from_ical(series_row.rrule))
    item.add("sequence", max(version - 1, 0))
    item.add("summary", series_row.title)
    item.add("description", series_row.description or "")
    where = calendar.place("Start", series_row.start)
    item.add("location", where[0])
    item.add("geo", (where[1], where[2]))
    item.add("url", url)
    item.add("status", "CONFIRMED")
    return item


def series_ics(series_id: int, user: User | None, base_url: str) -> bytes:
    """The series a user may see as a VCALENDAR (404 otherwise)."""
    row = series.visible_series(series_id, user)
    occurrences = series.occurrences(row.id)
    first_url = f"{base_url}/events/{occurrences[0].id}" if occurrences else base_url
    master = _master(row, first_url, max((e.version for e in occurrences), default=1))
    cancelled = [_instance(row, e) for e in occurrences if e.status == "cancelled"]
    if cancelled:
        master.add("exdate", cancelled)
    items = [master]
    for event in occurrences:
        if event.status == "scheduled" and _differs(row, event):
            item = calendar.vevent(event, f"{base_url}/events/{event.id}", calendar.place("Start", event.start), "")
            item.pop("uid")
            item.add("uid", f"series-{row.id}@planner")
            item.add("recurrence-id", _instance(row, event))
            item.pop("description")
            item.add("description", event.description or "")
            items.append(item)
    return calendar.to_ical(items)
