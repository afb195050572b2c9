"""Meeting points: placed by coordinates or place name, snapped to the event's route, ordered along it.

Snapping (planner.geo.geometry.snap, through routes.snap): the foot on the route line nearest to the
point on the ground is found in an azimuthal equidistant projection centred on the point, so a point
inside a switchback goes to the leg it is really nearer at any latitude, and routes across the
antimeridian work. off_route_m is the geodesic distance to that foot and along_m the geodesic length
of the route from its start to it, measured like the route's length_m.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from geoalchemy2.shape import to_shape
from sqlalchemy import select

from planner.errors import N_, NotFound, ServiceError
from planner.extensions import db
from planner.geo.stats import estimate_duration_s
from planner.i18n import current_locale
from planner.models import Event, MeetingPoint, Route, Rsvp, User
from planner.schemas import parse
from planner.schemas.meeting_points import MeetingPointIn, MeetingPointPatch
from planner.services import access, geocode, groups, notify, routes
from planner.times import iso_utc, local_text, parse_instant


def _snap(route_id: int, lat: float, lon: float) -> tuple[float | None, float | None]:
    """(along_m, off_route_m) of a point against a route's full line (as its owner sees it)."""
    route = db.session.get(Route, route_id)
    return (None, None) if route is None else routes.snap(route, route.owner_id, lat, lon)


def _snap_seen(
    route: Route, viewer_id: int | None, lat: float, lon: float, pieces: list | None = None
) -> tuple[float | None, float | None]:
    """(along_m, off_route_m) of a point against the line viewer_id sees of route.

    On a route cut by its owner's privacy zones, everyone else measures along the visible pieces (the
    lengths of the pieces before the nearest one, then along that one), so no distance from the hidden
    start is given away; None when nothing of the route is visible. pieces: routes.snap_pieces, when already read.
    """
    return routes.snap(route, viewer_id, lat, lon, pieces)


def _where(fields: MeetingPointPatch) -> tuple[float, float] | None:
    """(lat, lon) from coordinates, or from a place name through the geocoder (offline gazetteer fallback)."""
    if fields.lat is not None and fields.lon is not None:
        return fields.lat, fields.lon
    if not fields.place:
        return None
    places = geocode.geocode(fields.place)
    if not places:
        raise ServiceError("place_not_found", N_("No place of that name was found; click the map instead."), "place")
    return places[0].lat, places[0].lon


def _columns(event: Event, fields: MeetingPointPatch) -> dict:
    """Meeting-point columns from validated fields (snapped when the event has a route); for an edit, those given."""
    given = fields.model_dump(exclude_unset=not isinstance(fields, MeetingPointIn))
    out: dict = {key: given[key] for key in ("name",) if key in given}
    if "notes" in given:
        out["notes"] = given["notes"] or ""
    if "meet_at" in given:
        out["meet_at"] = parse_instant(given["meet_at"], "meet_at", event.timezone) if given["meet_at"] else None
    where = _where(fields)
    if where is None and isinstance(fields, MeetingPointIn):
        raise ServiceError("invalid_field", N_("Give 'lat' and 'lon', a 'place' name, or click the map."), "lat")
    if where is not None:
        out["point"] = groups.point_wkt(*where)
        along_m, off_route_m = _snap(event.route_id, *where) if event.route_id else (None, None)
        out.update(along_m=along_m, off_route_m=off_route_m)
    return out


def add(event_id: int, user: User | None, data: dict) -> MeetingPoint:
    """A new meeting point of an event; its organisers only."""
    event = access.staff_event(event_id, user)
    point = MeetingPoint(event_id=event.id, **_columns(event, parse(MeetingPointIn, data)))
    db.session.add(point)
    db.session.commit()
    return point


def update(point_id: int, user: User | None, data: dict) -> MeetingPoint:
    """Change any field of a meeting point; organisers only."""
    point = access.staff_point(point_id, user)
    event = point.event
    old = notify.point_label(point, event)
    old_place = to_shape(point.point).wkt
    for key, value in _columns(event, parse(MeetingPointPatch, data)).items():
        setattr(point, key, value)
    db.session.flush()
    db.session.refresh(point, ["point"])
    new = notify.point_label(point, event)
    if new != old or to_shape(point.point).wkt != old_place:
        event.version += 1
        notify.meeting_point_changed(event, access.require_user(user).id, _chosen_by(point.id), old, new)
    db.session.commit()
    return point


def _chosen_by(point_id: int) -> list[int]:
    """The people going or waitlisted who meet at a meeting point."""
    return list(
        db.session.scalars(
            select(Rsvp.user_id).where(Rsvp.meeting_point_id == point_id, Rsvp.status.in_(("going", "waitlisted")))
        )
    )


def delete(point_id: int, user: User | None) -> None:
    """Remove a meeting point; RSVPs that chose it keep going without one."""
    point = access.staff_point(point_id, user)
    event = point.event
    event.version += 1
    notify.meeting_point_changed(
        event, access.require_user(user).id, _chosen_by(point.id), notify.point_label(point, event), None
    )
    db.session.delete(point)
    db.session.commit()


def event_id_of(point_id: int) -> int:
    """The event a meeting point belongs to; 404 when there is no such point."""
    point = access.get_row(MeetingPoint, point_id)
    if point is None:
        raise NotFound("not_found", N_("No such meeting point."))
    return point.event_id


def resnap(event: Event) -> None:
    """Recompute along_m/off_route_m of an event's points after its route changed; no commit."""
    for point in db.session.scalars(select(MeetingPoint).where(MeetingPoint.event_id == event.id)):
        where = to_shape(point.point)
        snapped = _snap(event.route_id, where.y, where.x) if event.route_id else (None, None)
        point.along_m, point.off_route_m = snapped


def ordered(event_id: int) -> list[MeetingPoint]:
    """An event's meeting points along the route (then by time, then as added)."""
    return list(
        db.session.scalars(
            select(MeetingPoint)
            .where(MeetingPoint.event_id == event_id)
            .order_by(MeetingPoint.along_m.asc().nulls_last(), MeetingPoint.meet_at.asc().nulls_last(), MeetingPoint.id)
        )
    )


def point_dict(point: MeetingPoint, viewer_id: int | None, pieces: list | None = None) -> dict:
    """The API's meeting-point object, its distances along the route as viewer_id sees the route (pieces: the
    routes.snap_pieces of a cut route, when already read)."""
    where = to_shape(point.point)
    route = point.event.route
    along_m, off_route_m = point.along_m, point.off_route_m
    if route is not None and access.is_cut_for(route, viewer_id):
        along_m, off_route_m = _snap_seen(route, viewer_id, where.y, where.x, pieces)
    return {
        "id": point.id,
        "name": point.name,
        "lat": where.y,
        "lon": where.x,
        "meet_at": iso_utc(point.meet_at),
        "notes": point.notes,
        "along_m": _round(along_m),
        "off_route_m": _round(off_route_m),
    }


def _round(value: float | None) -> float | None:
    """Metres to 0.1, keeping None."""
    return None if value is None else round(value, 1)


def list_dicts(event: Event, user: User | None) -> list[dict]:
    """An event's meeting points in order, each with its number and estimated arrival, as user sees them."""
    viewer_id = user.id if user else None
    route = event.route
    pieces = routes.snap_pieces(route, viewer_id) if route is not None and access.is_cut_for(route, viewer_id) else None
    out, locale = [], current_locale()
    for number, point in enumerate(ordered(event.id), start=1):
        shown = point_dict(point, viewer_id, pieces)
        arrival = estimated_arrival(event, shown["along_m"], viewer_id)
        out.append(
            {
                **shown,
                "number": number,
                "estimated_arrival_at": iso_utc(arrival),
                "meet_at_text": local_text(point.meet_at, event.timezone, locale) if point.meet_at else None,
                "estimated_arrival_text": local_text(arrival, event.timezone, locale) if arrival else None,
            }
        )
    return out


def visible_list(event_id: int, user: User | None) -> list[dict]:
    """The meeting points of an event visible to user."""
    return list_dicts(access.visible_event(event_id, user), user)


def climb_until_m(profile: list, along_m: float) -> tuple[float, float]:
    """(ascent_m, descent_m) summed over the elevation profile from the start up to along_m."""
    ascent_m = descent_m = 0.0
    for (d0, e0), (d1, e1) in zip(profile, profile[1:]):
        if d0 >= along_m or e0 is None or e1 is None:
            continue
        share = 1.0 if d1 <= along_m else (along_m - d0) / (d1 - d0)
        rise = (e1 - e0) * share
        ascent_m, descent_m = ascent_m + max(rise, 0.0), descent_m + max(-rise, 0.0)
    return ascent_m, descent_m


def estimated_arrival(event: Event, along_m: float | None, viewer_id: int | None) -> datetime | None:
    """When the group reaches along_m, from the start time and the route's pace model (None without a route).

    The climb so far comes from the elevation profile viewer_id sees, scaled so that the whole profile
    gives that route's ascent and descent; the time is planner.geo.stats.estimate_duration_s.
    """
    route = access.visible_route(event.route, viewer_id)
    if route is None or along_m is None:
        return None
    seen = routes.route_dict(route, viewer_id)
    profile = [tuple(pair) for pair in routes.profile_seen(route, viewer_id)]
    ascent_m, descent_m = climb_until_m(profile, along_m)
    total_up, total_down = climb_until_m(profile, seen["length_m"] + 1.0)
    ascent_m *= (seen["ascent_m"] or 0.0) / total_up if total_up else 0.0
    descent_m *= (seen["descent_m"] or 0.0) / total_down if total_down else 0.0
    seconds = estimate_duration_s(along_m, ascent_m, descent_m, route.activity)
    return event.starts_at + timedelta(seconds=seconds)
