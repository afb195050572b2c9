"""An event as iCalendar (RFC 5545) and as GPX (the route plus the meeting points as waypoints)."""

from __future__ import annotations

from geoalchemy2.shape import to_shape
from icalendar import Calendar, vGeo
from icalendar import Event as IcsEvent

from planner.geo import gpx, gpx_export
from planner.models import Event, User
from planner.services import access, meeting_points, routes
from planner.times import in_zone, now_utc


def _location(event: Event) -> tuple[str, float, float]:
    """(text, lat, lon) of where to be first: the first meeting point along the route, else the start."""
    points = meeting_points.ordered(event.id)
    if points:
        where = to_shape(points[0].point)
        return f"{points[0].name} ({where.y:.5f}, {where.x:.5f})", where.y, where.x
    start = to_shape(event.start)
    return f"Start ({start.y:.5f}, {start.x:.5f})", start.y, start.x


def event_ics(event_id: int, user: User | None, event_url: str) -> bytes:
    """The event as a one-event VCALENDAR: DTSTART/DTEND in its timezone, LOCATION, GEO and URL."""
    event = access.visible_event(event_id, user)
    location, lat, lon = _location(event)
    item = IcsEvent()
    item.add("uid", f"event-{event.id}@planner")
    item.add("dtstamp", now_utc())
    item.add("dtstart", in_zone(event.starts_at, event.timezone))
    item.add("dtend", in_zone(event.ends_at, event.timezone))
    item.add("summary", event.title)
    item.add("description", event.description or "")
    item.add("location", location)
    item.add("geo", vGeo((lat, lon)))
    item.add("url", event_url)
    item.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    calendar = Calendar()
    calendar.add("prodid", "-//planner//outings//EN")
    calendar.add("version", "2.0")
    calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _waypoints(event: Event, with_start: bool) -> list[gpx.Waypoint]:
    """The start (with_start: when no route is shown) and the meeting points as GPX waypoints."""
    out = []
    if with_start:
        start = to_shape(event.start)
        out.append(gpx.Waypoint(lat=start.y, lon=start.x, ele_m=None, name="Start", description=event.title))
    for number, point in enumerate(meeting_points.ordered(event.id), start=1):
        where = to_shape(point.point)
        out.append(
            gpx.Waypoint(
                lat=where.y, lon=where.x, ele_m=None, name=f"{number}. {point.name}", description=point.notes or None
            )
        )
    return out


def event_gpx(event_id: int, user: User | None) -> bytes:
    """GPX 1.1 of the event: its route's track (if any) and the meeting points as waypoints."""
    event = access.visible_event(event_id, user)
    viewer_id = user.id if user else None
    route = access.visible_route(event.route, viewer_id)
    if route is not None:
        return routes.route_gpx(route, viewer_id, _waypoints(event, with_start=False))
    return gpx_export.build_gpx(
        event.title, [], _waypoints(event, with_start=True), description=event.description or None
    )
