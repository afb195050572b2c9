"""RSVPs: going until capacity, then a fair waitlist; never overbooked, even under concurrency.

Every change to who is going runs inside one transaction that first locks the event row
(SELECT … FOR UPDATE) and counts under that lock, so concurrent RSVPs are serialised per event.
The waitlist is ordered by (queued_at, id); a waitlisted person's position is their rank in it.
Raising the capacity moves the first people on the waitlist up; lowering it never drops anyone who
is already going (spots_left is then 0 until enough people cancel).
"""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import func, literal, select, tuple_

from planner.errors import N_, Conflict, NotFound, ServiceError
from planner.extensions import db
from planner.i18n import current_locale
from planner.models import Event, MeetingPoint, Rsvp, User
from planner.services import access, groups, notify
from planner.times import clock_text

ACTIVE = ("going", "waitlisted")
# An RSVP answer in words, by status and where one joins: at the start (its time), at a meeting point with or
# without a time. Whole sentences, so that each language can order place and time its own way.
STATE_TEXTS = {
    ("going", "start"): N_("You're going: meet at the start, %(time)s"),
    ("going", "place"): N_("You're going: meet at %(place)s"),
    ("going", "place_time"): N_("You're going: meet at %(place)s, %(time)s"),
    ("waitlisted", "start"): N_(
        "You're on the waitlist: number %(position)s; if a place frees up, meet at the start, %(time)s"
    ),
    ("waitlisted", "place"): N_("You're on the waitlist: number %(position)s; if a place frees up, meet at %(place)s"),
    ("waitlisted", "place_time"): N_(
        "You're on the waitlist: number %(position)s; if a place frees up, meet at %(place)s, %(time)s"
    ),
}


def lock_event(event_id: int):
    """Lock the event row for this transaction; returns (id, capacity, status, ends_at)."""
    row = db.session.execute(
        select(Event.id, Event.capacity, Event.status, Event.ends_at).where(Event.id == event_id).with_for_update()
    ).first()
    if row is None:
        raise NotFound("not_found", N_("No such event."))
    return row


def counts(event_id: int) -> dict:
    """{"going": n, "waitlisted": n} for an event."""
    rows = db.session.execute(
        select(Rsvp.status, func.count())
        .where(Rsvp.event_id == event_id, Rsvp.status.in_(ACTIVE))
        .group_by(Rsvp.status)
    ).all()
    return {"going": 0, "waitlisted": 0, **{status: n for status, n in rows}}


def going_counts(event_ids: list[int]) -> dict[int, int]:
    """{event_id: people going} for several events in one query (events nobody goes to are left out)."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(Rsvp.event_id, func.count())
        .where(Rsvp.event_id.in_(event_ids), Rsvp.status == "going")
        .group_by(Rsvp.event_id)
    ).all()
    return {event_id: n for event_id, n in rows}


def waitlist_position(rsvp: Rsvp) -> int | None:
    """1-based rank of a waitlisted RSVP by (queued_at, id); None when not waitlisted."""
    if rsvp.status != "waitlisted":
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            Rsvp.event_id == rsvp.event_id,
            Rsvp.status == "waitlisted",
            tuple_(Rsvp.queued_at, Rsvp.id) < tuple_(literal(rsvp.queued_at), literal(rsvp.id)),
        )
    )
    assert ahead is not None  # COUNT(*) always returns one row
    return ahead + 1


def _answer(rsvp: Rsvp) -> dict:
    """The API's RSVP answer."""
    answer = {"status": rsvp.status, "meeting_point_id": rsvp.meeting_point_id}
    if rsvp.status == "waitlisted":
        answer["waitlist_position"] = waitlist_position(rsvp)
    return answer


def _meeting_point_id(event_id: int, value) -> int | None:
    """A meeting point of this event, or None; 400 for anything else."""
    if value in (None, ""):
        return None
    point_id = access.clean_id(value, "meeting_point_id")
    if (
        db.session.scalar(select(MeetingPoint.id).where(MeetingPoint.id == point_id, MeetingPoint.event_id == event_id))
        is None
    ):
        raise ServiceError("invalid_meeting_point", N_("Pick one of this outing's meeting points."), "meeting_point_id")
    return point_id


def rsvp(event_id: int, user: User | None, meeting_point_id=None) -> dict:
    """Say "going": going while there is room, else waitlisted; answering again only changes the meeting point.

    Any logged-in user may answer for a public group (joining it as a member); private groups need
    an active membership. Cancelled (409) and finished (409) outings refuse answers.
    """
    access.require_user(user)
    event = access.visible_event(event_id, user)
    point_id = _meeting_point_id(event.id, meeting_point_id)
    user = access.require_may_rsvp(event, user)
    locked = lock_event(event.id)
    if locked.status == "cancelled":
        raise Conflict("event_cancelled", N_("This outing is cancelled."))
    if locked.ends_at <= db.session.scalar(select(func.now())):
        raise Conflict("event_over", N_("This outing is over."))
    groups.ensure_member(event.group, user)
    row = db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))
    if row is None or row.status not in ACTIVE:
        status = "going" if counts(event.id)["going"] < locked.capacity else "waitlisted"
        if row is None:
            row = Rsvp(event_id=event.id, user_id=user.id)
            db.session.add(row)
        row.status, row.queued_at = status, func.clock_timestamp()
    row.meeting_point_id = point_id
    db.session.flush()
    db.session.refresh(row, ["queued_at"])
    answer = _answer(row)
    db.session.commit()
    return answer


def organiser_going(event: Event) -> None:
    """The organiser who creates an outing is going by default (free to withdraw); call before its commit."""
    db.session.add(
        Rsvp(event_id=event.id, user_id=event.created_by_id, status="going", queued_at=func.clock_timestamp())
    )
    db.session.flush()


def seat(event_id: int, user_ids: list[int]) -> None:
    """Answer for each of user_ids without a live answer, in order: going while there is room, then waitlisted
    (people going to every occurrence of a series); nothing for a cancelled or finished outing; no commit."""
    locked = lock_event(event_id)
    if locked.status == "cancelled" or locked.ends_at <= db.session.scalar(select(func.now())):
        return
    rows = {
        row.user_id: row
        for row in db.session.scalars(select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.user_id.in_(user_ids)))
    }
    going = counts(event_id)["going"]
    for user_id in user_ids:
        row = rows.get(user_id)
        if row is not None and row.status in ACTIVE:
            continue
        if row is None:
            row = Rsvp(event_id=event_id, user_id=user_id)
            db.session.add(row)
        row.status, row.queued_at = ("going" if going < locked.capacity else "waitlisted"), func.clock_timestamp()
        going += row.status == "going"
        db.session.flush()  # one statement per answer, so clock_timestamp() keeps their order


def withdraw(event_id: int, user_id: int) -> None:
    """Withdraw user_id's live answer to an outing, moving the waitlist up; no commit."""
    lock_event(event_id)
    row = db.session.scalar(select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.user_id == user_id))
    if row is not None and row.status in ACTIVE:
        row.status = "cancelled"
        db.session.flush()
        promote_waitlisted(event_id)


def joining(event: Event, point_id: int | None) -> str:
    """Where and when someone joins: "at Lake break, 12:00", or "at the start, 09:00" (the outing's time zone)."""
    point = db.session.get(MeetingPoint, point_id) if point_id is not None else None
    if point is None:
        return f"at the start, {clock_text(event.starts_at, event.timezone, event.starts_at)}"
    if point.meet_at is None:
        return f"at {point.name}"
    return f"at {point.name}, {clock_text(point.meet_at, event.timezone, event.starts_at)}"


def state_text(event: Event, answer: dict) -> str:
    """An RSVP answer in the current language: "You're going: meet at Lake break, 12:00", "你已报名：…"."""
    point_id = answer["meeting_point_id"]
    point = db.session.get(MeetingPoint, point_id) if point_id is not None else None
    locale = current_locale()
    if point is None:
        where, time = "start", clock_text(event.starts_at, event.timezone, event.starts_at, locale)
    elif point.meet_at is None:
        where, time = "place", None
    else:
        where, time = "place_time", clock_text(point.meet_at, event.timezone, event.starts_at, locale)
    return gettext(
        STATE_TEXTS[answer["status"], where],
        place=point.name if point else None,
        time=time,
        position=answer.get("waitlist_position"),
    )


def cancel(event_id: int, user: User | None) -> dict:
    """Withdraw an RSVP; the first on the waitlist moves up into the freed place."""
    user = access.require_user(user)
    event = access.visible_event(event_id, user)
    lock_event(event.id)
    row = db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))
    if row is None:
        raise NotFound("no_rsvp", N_("You have not answered this outing."))
    row.status = "cancelled"
    db.session.flush()
    promote_waitlisted(event.id)
    db.session.commit()
    return {"status": "cancelled"}


def promote_waitlisted(event_id: int) -> int:
    """Move the first waitlisted people up while there is room; call with the event row locked. Returns how many."""
    capacity = db.session.scalar(select(Event.capacity).where(Event.id == event_id))
    free = capacity - counts(event_id)["going"]
    if free <= 0:
        return 0
    first = db.session.scalars(
        select(Rsvp)
        .where(Rsvp.event_id == event_id, Rsvp.status == "waitlisted")
        .order_by(Rsvp.queued_at, Rsvp.id)
        .limit(free)
    ).all()
    for row in first:
        row.status = "going"
    db.session.flush()
    event = db.session.get(Event, event_id)
    assert event is not None
    notify.waitlist_promoted(event, [row.user_id for row in first])
    return len(first)


def my_rsvp(event_id: int, user: User | None) -> dict | None:
    """The caller's live RSVP ({status, waitlist_position?, meeting_point_id}) or None."""
    if user is None or not user.is_authenticated:
        return None
    row = db.session.scalar(select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.user_id == user.id))
    return _answer(row) if row is not None and row.status in ACTIVE else None


def attendees(event_id: int, viewer: User | None) -> dict:
    """Who is going and who waits (display names, in order) — for the group's active members only."""
    event = access.visible_event(event_id, viewer)
    access.require_member(event.group, viewer)
    rows = db.session.execute(
        select(User.id, User.display_name, Rsvp.status, Rsvp.meeting_point_id)
        .join(User, User.id == Rsvp.user_id)
        .where(Rsvp.event_id == event.id, Rsvp.status.in_(ACTIVE))
        .order_by(Rsvp.queued_at, Rsvp.id)
    ).all()
    people = [
        {"id": r.id, "display_name": r.display_name, "meeting_point_id": r.meeting_point_id, "status": r.status}
        for r in rows
    ]
    return {
        "going": [p for p in people if p["status"] == "going"],
        "waitlisted": [p for p in people if p["status"] == "waitlisted"],
    }


def going_per_meeting_point(event_id: int) -> dict[int, int]:
    """{meeting_point_id: number of people going who meet there}."""
    rows = db.session.execute(
        select(Rsvp.meeting_point_id, func.count())
        .where(Rsvp.event_id == event_id, Rsvp.status == "going", Rsvp.meeting_point_id.is_not(None))
        .group_by(Rsvp.meeting_point_id)
    ).all()
    return {point_id: n for point_id, n in rows}
