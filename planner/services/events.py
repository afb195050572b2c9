"""Events (outings): create, edit, cancel, read; times are stored in UTC with the event's IANA timezone."""

from __future__ import annotations

from datetime import datetime

from geoalchemy2.elements import WKTElement
from geoalchemy2.functions import ST_X, ST_Y
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import aliased

from planner import errors, recurrence
from planner.errors import N_, Conflict, ServiceError
from planner.extensions import db
from planner.i18n import current_locale
from planner.models import Event, EventSeries, Group, Route, Rsvp, User
from planner.models.event import OWN_FIELDS
from planner.schemas import parse
from planner.schemas.events import EventIn, EventPatch
from planner.services import access, groups, meeting_points, notify, routes, rsvp
from planner.times import iso_utc, local_naive, local_text, parse_instant, timezone_at


def _attachable_route(route_id: int | None, group: Group, user: User, current: Event | None) -> Route | None:
    """The route to attach: the one already attached, one of the group's or the user's own; None clears it."""
    if route_id is None:
        return None
    route = db.session.get(Route, route_id)
    if route is not None and current is not None and route.id == current.route_id:
        return route
    if route is None or (route.group_id != group.id and route.owner_id != user.id):
        raise ServiceError("invalid_route", N_("Attach one of this group's routes or one of your own."), "route_id")
    return route


def _place(fields: EventIn | EventPatch, current: Event | None, route: Route | None) -> tuple[float, float] | None:
    """The start (lat, lon): given, else the route's start as everyone sees it (outside its owner's privacy
    zones), else unchanged (None) for an edit."""
    if fields.lat is not None and fields.lon is not None:
        return fields.lat, fields.lon
    public_route = access.visible_route(route, None)
    if public_route is not None and (current is None or "route_id" in fields.model_fields_set):
        start = routes.route_dict(public_route, None)["start"]
        return start["lat"], start["lon"]
    if current is None:
        raise ServiceError("invalid_field", N_("Give the start point 'lat' and 'lon', or a route."), "lat")
    return None


def _columns(fields: EventIn | EventPatch, group: Group, user: User, current: Event | None) -> dict:
    """Event columns from validated fields (all of them for a new event, the fields given for an edit)."""
    given = fields.model_dump(exclude_unset=current is not None)
    route = _attachable_route(fields.route_id, group, user, current) if "route_id" in given else None
    place = _place(fields, current, route)
    out: dict = {} if place is None else {"start": groups.point_wkt(*place)}
    if "route_id" in given:
        out["route_id"] = route.id if route else None
    if current is None:
        assert place is not None  # _place raises for a new event without a start
        tz_name = fields.timezone or timezone_at(*place)
    else:
        tz_name = fields.timezone or current.timezone
    if fields.timezone or current is None:
        out["timezone"] = tz_name
    for key in ("starts_at", "ends_at"):
        if key in given:
            out[key] = parse_instant(given[key], key, tz_name)
    out.update({key: given[key] for key in ("title", "capacity", "difficulty") if key in given})
    if "description" in given:
        out["description"] = given["description"] or ""
    if "activity" in given:
        out["activity"] = given["activity"] or (route.activity if route else "hiking")
    return out


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    """400 unless the event ends after it starts."""
    if not starts_at < ends_at:
        raise ServiceError("invalid_time", N_("'ends_at' must be after 'starts_at'."), "ends_at")


def validate_new(group_id: int, user: User | None, data: dict) -> dict:
    """The checked columns of a new event of a group; 401/403/404/400 as for create_event, nothing written."""
    user = access.require_user(user)
    group = access.staff_group(group_id, user)
    columns = _columns(parse(EventIn, data), group, user, None)
    _check_times(columns["starts_at"], columns["ends_at"])
    return columns


def create_event(group_id: int, user: User | None, data: dict) -> Event:
    """A new outing of a group, its organiser going; organisers and the owner only."""
    user = access.require_user(user)
    columns = validate_new(group_id, user, data)
    event = Event(group_id=group_id, created_by_id=user.id, status="scheduled", **columns)
    db.session.add(event)
    db.session.flush()
    rsvp.organiser_going(event)
    notify.outing_created(event, user.id)
    db.session.commit()
    return event


def _what_changed(event: Event, columns: dict) -> list[str]:
    """Which of an outing's time, start and route columns would change: "time", "place", "route"."""
    what = []
    if any(key in columns and columns[key] != getattr(event, key) for key in ("starts_at", "ends_at")):
        what.append("time")
    if "start" in columns and to_shape(event.start).wkt != to_shape(WKTElement(columns["start"])).wkt:
        what.append("place")
    if "route_id" in columns and columns["route_id"] != event.route_id:
        what.append("route")
    return what


def edit_columns(event: Event, user: User, data: dict) -> dict:
    """The checked columns an edit of event would write (400 when invalid), nothing written."""
    columns = _columns(parse(EventPatch, data), event.group, user, event)
    _check_times(columns.get("starts_at", event.starts_at), columns.get("ends_at", event.ends_at))
    return columns


def changed_fields(event: Event, columns: dict) -> set[str]:
    """The OWN_FIELDS names of the columns that would change event (the time is one: starts, ends and zone)."""
    names = set()
    for key, value in columns.items():
        differs = bool(_what_changed(event, {key: value})) if key == "start" else getattr(event, key) != value
        if differs:
            names.add("time" if key in ("starts_at", "ends_at", "timezone") else key)
    return names & set(OWN_FIELDS)


def apply_columns(event: Event, columns: dict, actor_id: int) -> None:
    """Write columns to an outing under its row lock: a new version when people are told, meeting points resnapped
    to a new route, the waitlist moved up into new places; no commit."""
    rsvp.lock_event(event.id)
    what = _what_changed(event, columns)
    for key, value in columns.items():
        setattr(event, key, value)
    if what:
        event.version += 1
    db.session.flush()
    if "route_id" in columns:
        meeting_points.resnap(event)
    rsvp.promote_waitlisted(event.id)
    if what:
        notify.outing_changed(event, actor_id, what)


def update_event(event_id: int, user: User | None, data: dict) -> Event:
    """Change an outing (an occurrence of a series alone: the fields edited stay its own through series changes);
    raising the capacity moves people up from the waitlist, lowering it drops no one."""
    user = access.require_user(user)
    event = access.staff_event(event_id, user)
    columns = edit_columns(event, user, data)
    if event.series_id is not None:
        event.own_fields = sorted(set(event.own_fields) | changed_fields(event, columns))
    apply_columns(event, columns, user.id)
    db.session.commit()
    return event


def cancel_event(event_id: int, user: User | None) -> Event:
    """Mark an outing cancelled (RSVPs are kept; new ones are refused)."""
    event = access.staff_event(event_id, user)
    if event.status == "cancelled":
        raise Conflict("already_cancelled", N_("This outing is already cancelled."))
    event.status = "cancelled"
    event.version += 1
    notify.outing_cancelled(event, access.require_user(user).id)
    db.session.commit()
    return event


def attachable_routes(group_id: int, user_id: int) -> list[dict]:
    """{id, name} of the routes an organiser may attach: the group's and their own, newest first."""
    rows = db.session.execute(
        select(Route.id, Route.name)
        .where((Route.group_id == group_id) | (Route.owner_id == user_id))
        .order_by(Route.created_at.desc(), Route.id.desc())
        .limit(200)
    ).all()
    return [{"id": r.id, "name": r.name} for r in rows]


def form_values(event: Event) -> dict:
    """An event's fields as the edit form shows them: times local to the event's timezone, without offset."""
    start = to_shape(event.start)
    return {
        "title": event.title,
        "description": event.description,
        "timezone": event.timezone,
        "starts_at": local_naive(event.starts_at, event.timezone),
        "ends_at": local_naive(event.ends_at, event.timezone),
        "capacity": event.capacity,
        "activity": event.activity,
        "difficulty": event.difficulty or "",
        "route_id": str(event.route_id or ""),
        "lat": f"{start.y:.6f}",
        "lon": f"{start.x:.6f}",
    }


def local_texts(event: Event) -> dict:
    """{"starts", "ends"}: human local times of an event in its timezone, in the current language."""
    locale = current_locale()
    return {
        "starts": local_text(event.starts_at, event.timezone, locale),
        "ends": local_text(event.ends_at, event.timezone, locale),
    }


def repeats(series: EventSeries, locale: str = "en") -> str:
    """How a series repeats, in the reader's language: "every Saturday", "每周六"."""
    template, params = recurrence.label(series.rrule, series.first_date, locale)
    return errors.translate(template, params)  # the translator the app installed, looked up when called


def series_labels(series_ids: list, locale: str = "en") -> dict[int, str]:
    """{series id: how it repeats} for the series among series_ids (None entries skipped), in one query."""
    wanted = {series_id for series_id in series_ids if series_id is not None}
    if not wanted:
        return {}
    return {
        row.id: repeats(row, locale)
        for row in db.session.scalars(select(EventSeries).where(EventSeries.id.in_(wanted)))
    }


def with_labels(rows: list[dict], locale: str = "en") -> list[dict]:
    """rows (dicts with series_id) with "repeats": how their series repeats, or None."""
    labels = series_labels([row.get("series_id") for row in rows], locale)
    return [{**row, "repeats": labels.get(row.get("series_id"))} for row in rows]  # type: ignore[arg-type]


def series_label(event: Event, locale: str = "en") -> str | None:
    """How the series of an occurrence repeats, or None for a one-off outing."""
    series = db.session.get(EventSeries, event.series_id) if event.series_id is not None else None
    return repeats(series, locale) if series is not None else None


def event_dict(event: Event, user: User | None, locale: str = "en") -> dict:
    """The API's event object (times in UTC with Z, plus the IANA timezone)."""
    start = to_shape(event.start)
    counts = rsvp.counts(event.id)
    return {
        "id": event.id,
        "group_id": event.group_id,
        "title": event.title,
        "description": event.description,
        "starts_at": iso_utc(event.starts_at),
        "ends_at": iso_utc(event.ends_at),
        "timezone": event.timezone,
        "capacity": event.capacity,
        "going_count": counts["going"],
        "waitlist_count": counts["waitlisted"],
        "spots_left": max(event.capacity - counts["going"], 0),
        "activity": event.activity,
        "difficulty": event.difficulty,
        "lat": start.y,
        "lon": start.x,
        "status": event.status,
        "route": _route_seen(event, user),
        "meeting_points": meeting_points.list_dicts(event, user),
        "my_rsvp": rsvp.my_rsvp(event.id, user),
        "series_id": event.series_id,
        "repeats": series_label(event, locale),
    }


def _route_seen(event: Event, user: User | None) -> dict | None:
    """The event's route object as user sees it, or None."""
    viewer_id = user.id if user else None
    route = access.visible_route(event.route, viewer_id)
    return routes.route_dict(route, viewer_id) if route else None


def group_events(group_id: int, user: User | None, *, upcoming: bool = True, limit: int = 50) -> list[dict]:
    """A visible group's outings (upcoming soonest first, or past latest first) as plain dicts."""
    group = access.visible_group(group_id, user)
    query = select(Event).where(Event.group_id == group.id)
    if upcoming:
        query = query.where(Event.ends_at > func.now()).order_by(Event.starts_at, Event.id)
    else:
        query = query.where(Event.ends_at <= func.now()).order_by(Event.starts_at.desc(), Event.id.desc())
    rows = db.session.scalars(query.limit(limit)).all()
    going = rsvp.going_counts([e.id for e in rows])
    return [_summary(e, going.get(e.id, 0)) for e in rows]


def _summary(event: Event, going: int) -> dict:
    """A short template-ready dict of one event with going people going."""
    return {
        "id": event.id,
        "title": event.title,
        "starts_at": event.starts_at,
        "status": event.status,
        "starts_at_text": local_text(event.starts_at, event.timezone, current_locale()),
        "activity": event.activity,
        "spots_left": max(event.capacity - going, 0),
        "going_count": going,
    }


def upcoming_events(limit: int = 20) -> list[dict]:
    """The next scheduled public outings, soonest first, as plain dicts for templates."""
    going = (
        select(func.count()).where(Rsvp.event_id == Event.id, Rsvp.status == "going").correlate(Event).scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Event.id,
            Event.title,
            Event.starts_at,
            Event.timezone,
            Event.capacity,
            Event.activity,
            Event.difficulty,
            Event.series_id,
            Group.id.label("group_id"),
            Group.name.label("group_name"),
            ST_Y(func.geometry(Event.start)).label("lat"),
            ST_X(func.geometry(Event.start)).label("lon"),
            *routes.public_numbers(),
            going.label("going_count"),
        )
        .join(Group, Group.id == Event.group_id)
        .outerjoin(Route, Route.id == Event.route_id)
        .where(
            Event.status == "scheduled", Event.starts_at > func.now(), Group.visibility == "public", _next_of_series()
        )
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    ).all()
    return [_event_row(row) for row in rows]


def _next_of_series():
    """SQL: a one-off outing, or the next scheduled occurrence of its series (a series shows once in lists)."""
    other = aliased(Event)
    earlier = (
        select(other.id)
        .where(
            other.series_id == Event.series_id,
            other.status == "scheduled",
            other.starts_at > func.now(),
            tuple_(other.starts_at, other.id) < tuple_(Event.starts_at, Event.id),
        )
        .exists()
    )
    return Event.series_id.is_(None) | ~earlier


def _event_row(row) -> dict:
    """A template-ready dict for one upcoming-event row."""
    return {
        "id": row.id,
        "title": row.title,
        "starts_at": row.starts_at,
        "starts_at_text": local_text(row.starts_at, row.timezone, current_locale()),
        "timezone": row.timezone,
        "activity": row.activity,
        "difficulty": row.difficulty,
        "group_id": row.group_id,
        "group_name": row.group_name,
        "lat": row.lat,
        "lon": row.lon,
        "length_m": row.length_m,
        "ascent_m": row.ascent_m,
        "spots_left": max(row.capacity - row.going_count, 0),
        "series_id": row.series_id,
    }
