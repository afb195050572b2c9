"""An event as iCalendar (RFC 5545; the VEVENT the feeds share) and as GPX (the route plus the meeting points).

The words planner adds (a "Cancelled:" prefix, "Start") are in the current language; names people gave stay as
they are.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from geoalchemy2.shape import to_shape
from icalendar import Calendar, vDuration, vGeo
from icalendar import Event as IcsEvent

from planner.geo import gpx, gpx_export
from planner.models import Event, MeetingPoint, User
from planner.services import access, meeting_points, routes
from planner.times import in_zone, now_utc

REFRESH = timedelta(hours=1)  # how often a subscribed calendar should fetch a feed again
PRODID = "-//planner//outings//EN"
Where = tuple[str, float, float]  # (LOCATION text, lat, lon)


def place(name: str, geography) -> Where:
    """LOCATION text "name (lat, lon)" and the coordinates of a geography point."""
    where = to_shape(geography)
    return f"{name} ({where.y:.5f}, {where.x:.5f})", where.y, where.x


def first_place(event: Event, first_point: MeetingPoint | None) -> Where:
    """Where to be first: the first meeting point along the route when there is one, else the start."""
    if first_point is not None:
        return place(first_point.name, first_point.point)
    return place(_("Start"), event.start)


def vevent(event: Event, url: str, where: Where, description: str) -> IcsEvent:
    """One outing as a VEVENT: UID, times in its zone, SEQUENCE (version - 1), STATUS, LOCATION, GEO and URL."""
    cancelled = event.status == "cancelled"
    item = IcsEvent()
    item.add("uid", f"event-{event.id}@planner")
    item.add("dtstamp", now_utc())
    item.add("dtstart", in_zone(event.starts_at, event.timezone))
    item.add("dtend", in_zone(event.ends_at, event.timezone))
    item.add("sequence", max(event.version - 1, 0))
    item.add("summary", _("Cancelled: %(title)s", title=event.title) if cancelled else event.title)
    item.add("description", description)
    item.add("location", where[0])
    item.add("geo", vGeo((where[1], where[2])))
    item.add("url", url)
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return item


def to_ical(items: list[IcsEvent], name: str | None = None) -> bytes:
    """A VCALENDAR of items with the VTIMEZONEs they use; a feed (name given) also carries its name and refresh hint."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if name is not None:
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
    for item in items:
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_ics(event_id: int, user: User | None, event_url: str) -> bytes:
    """The event as a one-event VCALENDAR: DTSTART/DTEND in its timezone, LOCATION, GEO and URL."""
    event = access.visible_event(event_id, user)
    points = meeting_points.ordered(event.id)
    where = first_place(event, points[0] if points else None)
    return to_ical([vevent(event, event_url, where, event.description or "")])


def _waypoints(event: Event, with_start: bool) -> list[gpx.Waypoint]:
    """The start (with_start: when no route is shown) and the meeting points as GPX waypoints."""
    out = []
    if with_start:
        start = to_shape(event.start)
        out.append(gpx.Waypoint(lat=start.y, lon=start.x, ele_m=None, name=_("Start"), description=event.title))
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
