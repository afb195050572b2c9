"""Editing a series through one of its occurrences: this one, this and the following ones, or all of them.

A change to the series reaches its occurrences that have not started, except the fields each had edited on its
own (events.own_fields); past occurrences never change. "This and following" splits the series in two at the
occurrence (the first part's rule ends just before it), as calendars do, then changes the second part. The time
of day and the length can change for a series; its days change only through its rule.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from planner import recurrence
from planner.errors import N_, ServiceError
from planner.extensions import db
from planner.models import Event, EventSeries, SeriesFollower, User
from planner.schemas import parse
from planner.schemas.events import EventPatch
from planner.services import access, events
from planner.services.series import TEMPLATE, duration_s
from planner.times import in_zone, now_utc


def edit(event_id: int, user: User | None, data: dict) -> Event:
    """Edit an outing; for an occurrence of a series, as its scope says (this one by default)."""
    scope = parse(EventPatch, data).scope
    user = access.require_user(user)
    event = access.staff_event(event_id, user)
    if scope == "this" or event.series_id is None:
        return events.update_event(event_id, user, data)
    columns = events.edit_columns(event, user, data)
    series = db.session.get(EventSeries, event.series_id)
    assert series is not None and event.occurrence_date is not None
    _check_same_day(event, columns)
    duration_s(columns.get("starts_at", event.starts_at), columns.get("ends_at", event.ends_at))  # 400 before writing
    if scope == "following":
        series = _split(series, event)
    _change_template(series, event, columns)
    for occurrence in _upcoming(series.id, event):
        if occurrence.id == event.id:
            events.apply_columns(event, columns, user.id)
        else:
            events.apply_columns(occurrence, _for(occurrence, series, columns), user.id)
    db.session.commit()
    return event


def _check_same_day(event: Event, columns: dict) -> None:
    """400 when a series change would move the occurrence to another local day (the rule decides the days)."""
    if "starts_at" not in columns:
        return
    zone = columns.get("timezone", event.timezone)
    if in_zone(columns["starts_at"], zone).date() != in_zone(event.starts_at, event.timezone).date():
        raise ServiceError(
            "invalid_time",
            N_("'starts_at' may change only the time of day of a series; to move it to other days, make a new series."),
            "starts_at",
        )


def _split(series: EventSeries, event: Event) -> EventSeries:
    """The part of series from event's occurrence on, as a series of its own (series itself if event is its first)."""
    assert event.occurrence_date is not None
    if event.occurrence_date <= series.first_date:
        return series
    dates = recurrence.local_dates(series.rrule, series.first_date, series.start_time, series.timezone)
    at_start = recurrence.occurrence_start(event.occurrence_date, series.start_time, series.timezone)
    head, tail = recurrence.split(series.rrule, dates, event.occurrence_date, at_start)
    keep = ("group_id", "created_by_id", "timezone", "start_time", "duration_s", *TEMPLATE)
    part = EventSeries(rrule=tail, first_date=event.occurrence_date, **{key: getattr(series, key) for key in keep})
    series.rrule = head
    db.session.add(part)
    db.session.flush()
    db.session.execute(
        update(Event)
        .where(Event.series_id == series.id, Event.occurrence_date >= event.occurrence_date)
        .values(series_id=part.id)
    )
    for follower in db.session.scalars(select(SeriesFollower).where(SeriesFollower.series_id == series.id)):
        db.session.add(SeriesFollower(series_id=part.id, user_id=follower.user_id, created_at=follower.created_at))
    db.session.flush()
    db.session.refresh(event)
    return part


def _change_template(series: EventSeries, event: Event, columns: dict) -> None:
    """The series' own fields as columns change them (through event: its new time of day and length)."""
    for key in TEMPLATE:
        if key in columns:
            setattr(series, key, columns[key])
    if any(key in columns for key in ("starts_at", "ends_at", "timezone")):
        zone = columns.get("timezone", event.timezone)
        starts_at, ends_at = columns.get("starts_at", event.starts_at), columns.get("ends_at", event.ends_at)
        series.timezone = zone
        series.start_time = in_zone(starts_at, zone).time().replace(tzinfo=None)
        series.duration_s = duration_s(starts_at, ends_at)
    db.session.flush()


def _upcoming(series_id: int, event: Event) -> list[Event]:
    """The occurrences a series change reaches: event and the series' others that have not started."""
    rows = db.session.scalars(
        select(Event)
        .where(Event.series_id == series_id, (Event.starts_at > now_utc()) | (Event.id == event.id))
        .order_by(Event.starts_at, Event.id)
    )
    return list(rows)


def _for(occurrence: Event, series: EventSeries, columns: dict) -> dict:
    """The columns a series change writes to one occurrence: the changed fields it has not edited on its own."""
    own = set(occurrence.own_fields)
    out = {key: value for key, value in columns.items() if key in TEMPLATE and key not in own}
    if "time" not in own and any(key in columns for key in ("starts_at", "ends_at", "timezone")):
        assert occurrence.occurrence_date is not None
        starts_at = recurrence.occurrence_start(occurrence.occurrence_date, series.start_time, series.timezone)
        out.update(
            starts_at=starts_at, ends_at=starts_at + timedelta(seconds=series.duration_s), timezone=series.timezone
        )
    return out
