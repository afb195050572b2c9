"""Privacy zones: a user's places (a home, a workplace) cut from what others see of their routes."""

from __future__ import annotations

from collections.abc import Mapping

from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from planner.errors import N_, Conflict, NotFound
from planner.extensions import db
from planner.geo import privacy
from planner.models import Event, PrivacyZone, Route, User
from planner.schemas import parse
from planner.schemas.privacy import ZoneIn
from planner.services import access, groups, routes

MAX_ZONES = 10


def zone_dict(zone: PrivacyZone) -> dict:
    """The API's zone object, for its owner only (the cut drawn for it is never shown, not even to them)."""
    centre = to_shape(zone.centre)
    return {"id": zone.id, "name": zone.name, "lat": centre.y, "lon": centre.x, "radius_m": zone.radius_m}


def list_zones(user: User | None) -> list[dict]:
    """The user's zones, oldest first."""
    user = access.require_user(user)
    zones = db.session.scalars(select(PrivacyZone).where(PrivacyZone.user_id == user.id).order_by(PrivacyZone.id))
    return [zone_dict(zone) for zone in zones]


def add_zone(user: User | None, data: Mapping) -> dict:
    """Create a zone from {lat, lon, radius_m, name?} and re-cut the user's routes; 400/409 and nothing written on
    bad input. The answer also lists the upcoming outings on the user's routes that start inside the cut."""
    user = access.require_user(user)
    fields = parse(ZoneIn, data)
    lat, lon, radius_m, name = fields.lat, fields.lon, round(fields.radius_m), fields.name or ""
    count = db.session.scalar(select(func.count()).where(PrivacyZone.user_id == user.id))
    assert count is not None  # COUNT(*) always returns one row
    if count >= MAX_ZONES:
        raise Conflict("too_many_zones", N_("You can have at most %(max)s privacy zones."), None, max=MAX_ZONES)
    cut = privacy.draw_cut(lat, lon, radius_m)
    zone = PrivacyZone(
        user_id=user.id,
        name=name,
        centre=groups.point_wkt(lat, lon),
        radius_m=radius_m,
        cut_centre=groups.point_wkt(cut.lat, cut.lon),
        cut_radius_m=cut.radius_m,
    )
    db.session.add(zone)
    db.session.flush()
    routes.refresh_public_views(user.id)
    db.session.commit()
    db.session.refresh(zone)
    return {**zone_dict(zone), "outings_starting_inside": _outings_starting_inside(zone)}


def _outings_starting_inside(zone: PrivacyZone) -> list[int]:
    """Upcoming outings on the zone owner's routes that start inside its cut: zones do not move a start an
    organiser gave (or that was taken from the route before the zone), so the owner is told to move them."""
    return list(
        db.session.scalars(
            select(Event.id)
            .join(Route, Route.id == Event.route_id)
            .where(
                Route.owner_id == zone.user_id,
                Event.status == "scheduled",
                Event.ends_at > func.now(),
                func.ST_DWithin(Event.start, zone.cut_centre, zone.cut_radius_m),
            )
            .order_by(Event.starts_at, Event.id)
        )
    )


def delete_zone(user: User | None, zone_id: int) -> None:
    """Remove one of the user's zones and re-cut their routes; 404 for anyone else's."""
    user = access.require_user(user)
    zone = db.session.get(PrivacyZone, zone_id)
    if zone is None or zone.user_id != user.id:
        raise NotFound("not_found", N_("No such privacy zone."))
    db.session.delete(zone)
    db.session.flush()
    routes.refresh_public_views(user.id)
    db.session.commit()
