"""Reminders before outings and weekly digests of new outings, found by periodic jobs from the database as it is.

A reminder goes to each person going, for the nearest of their offsets (24 h and 2 h by default) that is due,
keyed by (outing, offset, start time): a cancelled outing or a withdrawn RSVP is simply no longer found, a moved
outing is reminded of again at its new time, and a run that repeats inserts nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, text

from planner.extensions import db
from planner.models import Event, Group, MeetingPoint, User
from planner.models.notification import DEFAULT_REMINDER_OFFSETS_H
from planner.services import access, notify, routes, rsvp
from planner.times import iso_utc, local_text

DESCRIPTION_CHARS = 500

_DUE = """
SELECT r.user_id, e.id AS event_id, e.group_id, r.meeting_point_id, min(o.offset_h) AS offset_h
FROM rsvps r
JOIN events e ON e.id = r.event_id
LEFT JOIN notification_settings s ON s.user_id = r.user_id
CROSS JOIN LATERAL unnest(coalesce(s.reminder_offsets_h, CAST(:defaults AS integer[]))) AS o(offset_h)
WHERE r.status = 'going' AND e.status = 'scheduled'
  AND e.starts_at > now() AND e.starts_at <= now() + make_interval(hours => o.offset_h)
  AND r.queued_at < e.starts_at - make_interval(hours => o.offset_h)
  AND e.created_at < e.starts_at - make_interval(hours => o.offset_h)
GROUP BY r.user_id, e.id, e.group_id, r.meeting_point_id
ORDER BY e.id, r.user_id
"""


def describe(event: Event, user_id: int, meeting_point_id: int | None) -> dict:
    """What a reminder says to one person: when, where they join, the route's numbers and the organiser's text.

    "meet" (their meeting point's name and time, None for the start) lets the text be written in the reader's
    language when it is read; "where" is the same in English, as rows stored before "meet" have it."""
    viewer = db.session.get(User, user_id)
    point = db.session.get(MeetingPoint, meeting_point_id) if meeting_point_id is not None else None
    route = access.visible_route(event.route, user_id) if event.route is not None else None
    numbers = routes.route_dict(route, viewer.id if viewer else None) if route is not None else None
    return {
        "event_id": event.id,
        "title": event.title,
        "starts_at": iso_utc(event.starts_at),
        "timezone": event.timezone,
        "when": local_text(event.starts_at, event.timezone),
        "where": rsvp.joining(event, meeting_point_id),
        "meet": {"name": point.name, "meet_at": iso_utc(point.meet_at)} if point is not None else None,
        "length_m": numbers["length_m"] if numbers else None,
        "ascent_m": numbers["ascent_m"] if numbers else None,
        "estimated_duration_s": numbers["estimated_duration_s"] if numbers else None,
        "description": (event.description or "")[:DESCRIPTION_CHARS],
    }


def send_due() -> int:
    """Insert the reminders that are due now; returns how many are new."""
    rows = db.session.execute(text(_DUE), {"defaults": list(DEFAULT_REMINDER_OFFSETS_H)}).all()
    statuses: list[str] = []
    for row in rows:
        event = db.session.get(Event, row.event_id)
        assert event is not None
        params = {"offset_h": row.offset_h, **describe(event, row.user_id, row.meeting_point_id)}
        key = f"reminder:{row.event_id}:{row.offset_h}:{params['starts_at']}"
        statuses += notify.insert(
            "reminder",
            "listed",
            key,
            params,
            url=f"/events/{row.event_id}",
            event_id=row.event_id,
            group_id=row.group_id,
            user_ids=[row.user_id],
        )
    return notify.commit(statuses)


_DIGEST_READERS = """
SELECT g.user_id, g.group_id FROM group_notification_settings g
JOIN memberships m ON m.user_id = g.user_id AND m.group_id = g.group_id AND m.status = 'active'
WHERE g.new_outings = 'digest'
ORDER BY g.group_id, g.user_id
"""


def _digest_entry(event: Event) -> dict:
    """An outing as a digest lists it: its start as an instant and zone (written in the reader's language when
    read) and as English text."""
    return {
        "id": event.id,
        "title": event.title,
        "starts_at": iso_utc(event.starts_at),
        "timezone": event.timezone,
        "when": local_text(event.starts_at, event.timezone),
    }


def send_digests(now: datetime) -> int:
    """Tell those who chose a weekly digest of a group about its outings announced in the 7 days before now."""
    week = now.isocalendar()
    statuses: list[str] = []
    for row in db.session.execute(text(_DIGEST_READERS)).all():
        outings = db.session.scalars(
            select(Event)
            .where(
                Event.group_id == row.group_id,
                Event.status == "scheduled",
                Event.starts_at > now,
                Event.created_at > now - timedelta(days=7),
            )
            .order_by(Event.starts_at, Event.id)
            .limit(20)
        ).all()
        if not outings:
            continue
        group = db.session.get(Group, row.group_id)
        assert group is not None
        params = {
            "group_name": group.name,
            "outings": [_digest_entry(e) for e in outings],
        }
        statuses += notify.insert(
            "outing_digest",
            "listed",
            f"outing_digest:{row.group_id}:{week.year}-W{week.week:02d}",
            params,
            url=f"/groups/{row.group_id}",
            group_id=row.group_id,
            user_ids=[row.user_id],
        )
    return notify.commit(statuses)
