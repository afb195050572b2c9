"""Calendar feeds: each person's private feed of the outings they go to, and each public group's feed.

A person's feed lives at a secret URL (users.calendar_key, made on first ask, replaced by rotate()).
It lists the outings they are going to or waitlisted for, each at their own meeting point; a group's
feed lists the group's outings at their first meeting point. Both hold every upcoming outing and the
ones that ended within RECENT; cancelled outings stay in with STATUS:CANCELLED so calendars drop them.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Event as IcsEvent
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from planner.errors import N_, NotFound
from planner.extensions import db
from planner.i18n import DEFAULT_LOCALE, known
from planner.models import Event, MeetingPoint, Rsvp, User
from planner.services import access, calendar
from planner.services.notify_text import joining_text
from planner.times import now_utc

RECENT = timedelta(days=30)  # outings that ended this long ago still show
MAX_ENTRIES = 500  # outings in one feed, soonest first
KEY_BYTES = 32  # secrets.token_urlsafe(32): 43 characters
KEY_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
ACTIVE = ("going", "waitlisted")


def feed_url_key(user: User | None) -> str:
    """The secret of user's feed URL, made (and committed) the first time it is asked for."""
    user = access.require_user(user)
    if user.calendar_key is None:
        user.calendar_key = secrets.token_urlsafe(KEY_BYTES)
        db.session.commit()
    return user.calendar_key


def rotate(user: User | None) -> str:
    """A new secret for user's feed URL; the old URL stops working at once."""
    user = access.require_user(user)
    user.calendar_key = secrets.token_urlsafe(KEY_BYTES)
    db.session.commit()
    return user.calendar_key


def feed_url(key: str, base_url: str) -> str:
    """The absolute URL of the feed with this secret."""
    return f"{base_url}/calendar/{key}.ics"


def event_url(event: Event, base_url: str) -> str:
    """The absolute URL of an outing's page."""
    return f"{base_url}/events/{event.id}"


def _owner(key: str) -> User:
    """The user whose feed secret is key; 404 for any other string."""
    user = db.session.scalar(select(User).where(User.calendar_key == key)) if KEY_SHAPE.fullmatch(key) else None
    if user is None:
        raise NotFound("not_found", N_("No such calendar feed; it may have been replaced by a new link."))
    return user


def _my_rsvps(user: User) -> list[Rsvp]:
    """user's going and waitlisted RSVPs to recent and upcoming outings they may still see, soonest first."""
    rows = db.session.scalars(
        select(Rsvp)
        .join(Rsvp.event)
        .options(contains_eager(Rsvp.event).joinedload(Event.group))
        .where(Rsvp.user_id == user.id, Rsvp.status.in_(ACTIVE), Event.ends_at >= now_utc() - RECENT)
        .order_by(Event.starts_at, Event.id)
        .limit(MAX_ENTRIES)
    )
    return [row for row in rows if access.can_view(row.event.group, user)]


def _waitlist_numbers(rows: list[Rsvp]) -> dict[int, int]:
    """{rsvp id: 1-based place on its outing's waitlist by (queued_at, id)} for the waitlisted rows, in one query."""
    event_ids = [row.event_id for row in rows if row.status == "waitlisted"]
    if not event_ids:
        return {}
    number = func.row_number().over(partition_by=Rsvp.event_id, order_by=(Rsvp.queued_at, Rsvp.id))
    ranked = db.session.execute(
        select(Rsvp.id, number).where(Rsvp.event_id.in_(event_ids), Rsvp.status == "waitlisted")
    ).all()
    return {rsvp_id: n for rsvp_id, n in ranked}


def _my_entry(row: Rsvp, waitlist_number: int | None, base_url: str) -> IcsEvent:
    """One outing as the person sees it: at their meeting point (else the start), with where and when they join."""
    event = row.event
    point = db.session.get(MeetingPoint, row.meeting_point_id) if row.meeting_point_id else None
    where = calendar.place(point.name, point.point) if point else calendar.place(_("Start"), event.start)
    joining = joining_text(
        point.name if point else None, point.meet_at if point else None, event.starts_at, event.timezone
    )
    if waitlist_number is None:
        text = _("You meet %(where)s", where=joining)
    else:
        text = _("You meet %(where)s (waitlisted: number %(num)s)", where=joining, num=waitlist_number)
    if event.description:
        text += f"\n\n{event.description}"
    return calendar.vevent(event, event_url(event, base_url), where, text)


def user_feed(key: str, base_url: str) -> bytes:
    """The private feed of the person whose secret is key (404 otherwise), in their saved language (else English)."""
    user = _owner(key)
    with force_locale(known(user.locale) or DEFAULT_LOCALE):
        return _user_feed(user, base_url)


def _user_feed(user: User, base_url: str) -> bytes:
    """user's private feed in the current language."""
    rows = _my_rsvps(user)
    chosen = [row.meeting_point_id for row in rows if row.meeting_point_id is not None]
    if chosen:  # into the session's identity map, where _my_entry finds them
        list(db.session.scalars(select(MeetingPoint).where(MeetingPoint.id.in_(chosen))))
    numbers = _waitlist_numbers(rows)
    items = [_my_entry(row, numbers.get(row.id), base_url) for row in rows]
    return calendar.to_ical(items, name=_("My outings"))


def _first_points(event_ids: list[int]) -> dict[int, MeetingPoint]:
    """{event id: its first meeting point} in meeting_points.ordered's order, in one query."""
    if not event_ids:
        return {}
    points = db.session.scalars(
        select(MeetingPoint)
        .where(MeetingPoint.event_id.in_(event_ids))
        .order_by(
            MeetingPoint.event_id,
            MeetingPoint.along_m.asc().nulls_last(),
            MeetingPoint.meet_at.asc().nulls_last(),
            MeetingPoint.id,
        )
    )
    first: dict[int, MeetingPoint] = {}
    for point in points:
        first.setdefault(point.event_id, point)
    return first


def group_feed(group_id: int, base_url: str) -> bytes:
    """The public feed of a public group's recent and upcoming outings (404 for private and unknown groups), in the
    current language (the requesting app's or browser's)."""
    group = access.visible_group(group_id, None)
    events = list(
        db.session.scalars(
            select(Event)
            .where(Event.group_id == group.id, Event.ends_at >= now_utc() - RECENT)
            .order_by(Event.starts_at, Event.id)
            .limit(MAX_ENTRIES)
        )
    )
    first = _first_points([event.id for event in events])
    items = [
        calendar.vevent(
            event, event_url(event, base_url), calendar.first_place(event, first.get(event.id)), event.description
        )
        for event in events
    ]
    return calendar.to_ical(items, name=_("%(group)s outings", group=group.name))
