"""Series of outings: made from a recurrence rule, occurrences created ahead for a rolling window, read, followed.

Each occurrence is a real outing (its own RSVPs, capacity, meeting points and thread) made from the series'
template at the series' local time of day, so it stays 09:00 in Europe/Berlin through summer time. The window
job (planner.jobs.fill_series) keeps WINDOW of them ahead until the rule ends. Edits: services/series_edit.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from planner import recurrence
from planner.errors import N_, NotFound, ServiceError
from planner.extensions import db
from planner.models import Event, EventSeries, Membership, SeriesFollower, User
from planner.recurrence import FIELD
from planner.schemas import parse
from planner.schemas.events import EventIn
from planner.services import access, events, groups, notify, rsvp
from planner.times import in_zone, iso_utc, local_text, now_utc

WINDOW = timedelta(weeks=8)  # occurrences are made this far ahead
MAX_DURATION = timedelta(days=7)  # how long one occurrence of a series may last
TEMPLATE = ("title", "description", "capacity", "activity", "difficulty", "start", "route_id")


def _occurrence(series: EventSeries, day) -> Event:
    """A new occurrence of series on the local date day, from its template."""
    starts_at = recurrence.occurrence_start(day, series.start_time, series.timezone)
    return Event(
        group_id=series.group_id,
        created_by_id=series.created_by_id,
        series_id=series.id,
        occurrence_date=day,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(seconds=series.duration_s),
        timezone=series.timezone,
        status="scheduled",
        own_fields=[],
        **{key: getattr(series, key) for key in TEMPLATE},
    )


def duration_s(starts_at: datetime, ends_at: datetime) -> int:
    """Seconds one occurrence lasts; 400 on 'ends_at' beyond MAX_DURATION."""
    if ends_at - starts_at > MAX_DURATION:
        raise ServiceError(
            "invalid_time", N_("'ends_at' must be within 7 days of 'starts_at' for a series."), "ends_at"
        )
    return int((ends_at - starts_at).total_seconds())


def followers(series_id: int) -> list[int]:
    """Who goes to every occurrence, first come first: active members of the series' group."""
    return list(
        db.session.scalars(
            select(SeriesFollower.user_id)
            .join(EventSeries, EventSeries.id == SeriesFollower.series_id)
            .join(
                Membership,
                (Membership.group_id == EventSeries.group_id)
                & (Membership.user_id == SeriesFollower.user_id)
                & (Membership.status == "active"),
            )
            .where(SeriesFollower.series_id == series_id)
            .order_by(SeriesFollower.created_at, SeriesFollower.user_id)
        )
    )


def fill(series: EventSeries, now: datetime, at_least: datetime | None = None) -> list[Event]:
    """Make the occurrences the rule gives up to now + WINDOW (or at_least, if later) that do not exist yet and
    have not ended, answering for the followers; no commit."""
    horizon = max(now + WINDOW, at_least or now)
    have = set(db.session.scalars(select(Event.occurrence_date).where(Event.series_id == series.id)))
    made = []
    for day in recurrence.local_dates(series.rrule, series.first_date, series.start_time, series.timezone):
        starts_at = recurrence.occurrence_start(day, series.start_time, series.timezone)
        if starts_at > horizon:
            break
        if day not in have and starts_at + timedelta(seconds=series.duration_s) > now:
            made.append(_occurrence(series, day))
    db.session.add_all(made)
    db.session.flush()
    people = followers(series.id) if made else []
    for event in made:
        rsvp.seat(event.id, people)
    return made


def fill_all(now: datetime) -> int:
    """The window job: fill every series whose rule may still give occurrences, one commit each; how many made."""
    recent = now - relativedelta(years=2, days=1)  # rules end within two years of their creation
    ids = list(db.session.scalars(select(EventSeries.id).where(EventSeries.created_at > recent).order_by("id")))
    made = 0
    for series_id in ids:
        series = db.session.get(EventSeries, series_id)
        if series is not None:
            made += len(fill(series, now))
        db.session.commit()
    return made


def create_series(group_id: int, user: User | None, data: dict) -> Event:
    """A new series of a group and its occurrences for the window; its creator goes to every one. Returns the
    first occurrence. 400 naming the field for a bad rule, nothing written."""
    user = access.require_user(user)
    columns = events.validate_new(group_id, user, data)
    body = parse(EventIn, data)
    assert body.recurrence is not None  # the API and the form call this only with a rule
    rule = recurrence.check(body.recurrence.rrule, columns["starts_at"], columns["timezone"], now_utc())
    local_start = in_zone(columns["starts_at"], columns["timezone"])
    series = EventSeries(
        group_id=group_id,
        created_by_id=user.id,
        rrule=rule.text,
        timezone=columns["timezone"],
        first_date=rule.dates[0],
        start_time=local_start.time().replace(tzinfo=None),
        duration_s=duration_s(columns["starts_at"], columns["ends_at"]),
        route_id=columns.get("route_id"),
        **{key: columns[key] for key in TEMPLATE if key != "route_id"},
    )
    db.session.add(series)
    db.session.flush()
    db.session.add(SeriesFollower(series_id=series.id, user_id=user.id))
    first_starts_at = recurrence.occurrence_start(series.first_date, series.start_time, series.timezone)
    made = fill(series, now_utc(), at_least=first_starts_at)  # the first one, even beyond the window
    if not made:
        raise ServiceError("invalid_rrule", N_("'recurrence.rrule' gives no occurrence that is still to come."), FIELD)
    notify.outing_created(made[0], user.id)
    db.session.commit()
    return made[0]


def visible_series(series_id: int, user: User | None) -> EventSeries:
    """The series when user may see its group; 404 otherwise."""
    series = access.get_row(EventSeries, series_id)
    if series is None or not access.can_view(series.group, user):
        raise NotFound("not_found", N_("No such series."))
    return series


def occurrences(series_id: int) -> list[Event]:
    """The series' occurrences made so far, soonest first."""
    return list(
        db.session.scalars(select(Event).where(Event.series_id == series_id).order_by(Event.starts_at, Event.id))
    )


def series_dict(series_id: int, user: User | None, locale: str = "en") -> dict:
    """The API's series object: the rule, its zone, how it reads, and every occurrence made so far."""
    series = visible_series(series_id, user)
    rows = occurrences(series.id)
    going = rsvp.going_counts([e.id for e in rows])
    following = user is not None and user.is_authenticated and user.id in followers(series.id)
    return {
        "id": series.id,
        "group_id": series.group_id,
        "title": series.title,
        "rrule": series.rrule,
        "timezone": series.timezone,
        "repeats": events.repeats(series, locale),
        "going_to_every_one": following,
        "occurrences": [_occurrence_dict(e, going.get(e.id, 0), locale) for e in rows],
    }


def _occurrence_dict(event: Event, going: int, locale: str) -> dict:
    """One occurrence in a series' list."""
    return {
        "id": event.id,
        "title": event.title,
        "starts_at": iso_utc(event.starts_at),
        "ends_at": iso_utc(event.ends_at),
        "starts_at_text": local_text(event.starts_at, event.timezone, locale),
        "occurrence_date": event.occurrence_date.isoformat() if event.occurrence_date else None,
        "status": event.status,
        "capacity": event.capacity,
        "going_count": going,
        "spots_left": max(event.capacity - going, 0),
        "own_fields": list(event.own_fields),
    }


def follow(series_id: int, user: User | None) -> dict:
    """Go to every occurrence: answered for each upcoming one now (waitlisted where full) and each one made later."""
    user = access.require_user(user)
    series = visible_series(series_id, user)
    if series.group.visibility != "public":
        access.require_member(series.group, user)
    groups.ensure_member(series.group, user)
    if db.session.get(SeriesFollower, (series.id, user.id)) is None:
        db.session.add(SeriesFollower(series_id=series.id, user_id=user.id))
    db.session.flush()
    for event in _upcoming(series.id):
        rsvp.seat(event.id, [user.id])
    db.session.commit()
    return {"going_to_every_one": True}


def unfollow(series_id: int, user: User | None) -> dict:
    """Stop going to every occurrence: withdrawn from the upcoming ones (their waitlists move up)."""
    user = access.require_user(user)
    series = visible_series(series_id, user)
    row = db.session.get(SeriesFollower, (series.id, user.id))
    if row is None:
        raise NotFound("not_following", N_("You are not going to every occurrence of this series."))
    db.session.delete(row)
    for event in _upcoming(series.id):
        rsvp.withdraw(event.id, user.id)
    db.session.commit()
    return {"going_to_every_one": False}


def _upcoming(series_id: int) -> list[Event]:
    """The series' scheduled occurrences that have not started, soonest first."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.series_id == series_id, Event.status == "scheduled", Event.starts_at > now_utc())
            .order_by(Event.starts_at, Event.id)
        )
    )
