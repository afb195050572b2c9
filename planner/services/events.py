"""Events: listing upcoming outings (more rules arrive with the community issue)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from geoalchemy2.functions import ST_X, ST_Y
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import Event, Group, Route, Rsvp


def upcoming_events(limit: int = 20) -> list[dict]:
    """The next scheduled public outings, soonest first, as plain dicts for templates."""
    going = (
        select(func.count()).where(Rsvp.event_id == Event.id, Rsvp.status == "going").correlate(Event).scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Event.id, Event.title, Event.starts_at, Event.timezone, Event.capacity, Event.activity,
            Event.difficulty, Group.id.label("group_id"), Group.name.label("group_name"),
            ST_Y(func.geometry(Event.start)).label("lat"), ST_X(func.geometry(Event.start)).label("lon"),
            Route.length_m, Route.ascent_m, going.label("going_count"),
        )
        .join(Group, Group.id == Event.group_id)
        .outerjoin(Route, Route.id == Event.route_id)
        .where(Event.status == "scheduled", Event.starts_at > func.now(), Group.visibility == "public")
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    ).all()
    return [_event_row(row) for row in rows]


def _event_row(row) -> dict:
    """A template-ready dict for one upcoming-event row."""
    local: datetime = row.starts_at.astimezone(ZoneInfo(row.timezone))
    return {
        "id": row.id,
        "title": row.title,
        "starts_at": row.starts_at,
        "starts_at_text": local.strftime("%a %d %b %Y, %H:%M ") + (local.tzname() or ""),
        "activity": row.activity,
        "difficulty": row.difficulty,
        "group_id": row.group_id,
        "group_name": row.group_name,
        "lat": row.lat,
        "lon": row.lon,
        "length_m": row.length_m,
        "ascent_m": row.ascent_m,
        "spots_left": max(row.capacity - row.going_count, 0),
    }
