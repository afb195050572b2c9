"""API: events — create, read, edit, cancel, RSVP, attendees, .ics and .gpx (see docs/api.md)."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for

from planner.api import bp
from planner.api.auth import bearer_user, token_required
from planner.api.body import json_object, query
from planner.api.openapi import ID, op
from planner.i18n import current_locale
from planner.schemas import parse
from planner.schemas.events import (
    AttendeesOut,
    CancelledOut,
    EventIn,
    EventOut,
    EventPatch,
    GroupEventsOut,
    GroupEventsQuery,
    RsvpIn,
    RsvpOut,
)
from planner.services import access, calendar, events, rsvp, series, series_edit
from planner.times import iso_utc

OPENAPI = {
    "/groups/{id}/events": {
        "post": op(
            "Create an outing (organisers, owner); starts_at/ends_at ISO 8601 with an offset (without "
            "one: local to the event's timezone); timezone defaults to the one at the start; with recurrence, a "
            "series whose first occurrence is the answer",
            201,
            400,
            401,
            403,
            404,
            body=EventIn,
            out=EventOut,
            auth=True,
            params=[ID],
        ),
        "get": op(
            "A group's upcoming outings (?past=1 for past ones)",
            200,
            404,
            query=GroupEventsQuery,
            out=GroupEventsOut,
            params=[ID],
        ),
    },
    "/events/{id}": {
        "get": op("An outing", 200, 404, out=EventOut, params=[ID]),
        "patch": op(
            "Edit an outing (organisers); raising capacity promotes from the waitlist, lowering it drops no one; "
            "an occurrence of a series with scope this, following or all",
            200,
            400,
            401,
            403,
            404,
            body=EventPatch,
            out=EventOut,
            auth=True,
            params=[ID],
        ),
    },
    "/events/{id}/cancel": {
        "post": op("Cancel an outing (organisers)", 200, 401, 403, 404, 409, out=EventOut, auth=True, params=[ID])
    },
    "/events/{id}/rsvp": {
        "post": op(
            "RSVP: going, or waitlisted with a position",
            200,
            400,
            401,
            403,
            404,
            409,
            body=RsvpIn,
            body_required=False,
            out=RsvpOut,
            auth=True,
            params=[ID],
        ),
        "delete": op(
            "Withdraw; the first on the waitlist moves up", 200, 401, 404, out=CancelledOut, auth=True, params=[ID]
        ),
    },
    "/events/{id}/attendees": {
        "get": op(
            "Who is going and waiting (group members)", 200, 401, 403, 404, out=AttendeesOut, auth=True, params=[ID]
        )
    },
    "/events/{id}.ics": {
        "get": op("iCalendar with LOCATION, GEO and URL", 200, 404, media="text/calendar", params=[ID])
    },
    "/events/{id}.gpx": {
        "get": op("The route plus the meeting points as waypoints", 200, 404, media="application/gpx+xml", params=[ID])
    },
}


@bp.post("/groups/<int:group_id>/events")
@token_required
def create_event(group_id: int):
    """Create an outing."""
    body = json_object()
    if body.get("recurrence") is not None:
        event = series.create_series(group_id, bearer_user(), body)
    else:
        event = events.create_event(group_id, bearer_user(), body)
    return jsonify(events.event_dict(event, bearer_user(), current_locale())), 201


@bp.get("/groups/<int:group_id>/events")
def group_events(group_id: int):
    """A group's outings."""
    items = events.group_events(group_id, bearer_user(), upcoming=not query(GroupEventsQuery).past)
    return jsonify(events=[{**e, "starts_at": iso_utc(e["starts_at"])} for e in items])


@bp.get("/events/<int:event_id>")
def get_event(event_id: int):
    """One outing."""
    return jsonify(events.event_dict(access.visible_event(event_id, bearer_user()), bearer_user(), current_locale()))


@bp.patch("/events/<int:event_id>")
@token_required
def patch_event(event_id: int):
    """Edit an outing."""
    event = series_edit.edit(event_id, bearer_user(), json_object())
    return jsonify(events.event_dict(event, bearer_user(), current_locale()))


@bp.post("/events/<int:event_id>/cancel")
@token_required
def cancel_event(event_id: int):
    """Cancel an outing."""
    event = events.cancel_event(event_id, bearer_user())
    return jsonify(events.event_dict(event, bearer_user(), current_locale()))


@bp.post("/events/<int:event_id>/rsvp")
@token_required
def post_rsvp(event_id: int):
    """RSVP to an outing."""
    body = parse(RsvpIn, json_object() if request.data else {})
    return jsonify(rsvp.rsvp(event_id, bearer_user(), body.meeting_point_id))


@bp.delete("/events/<int:event_id>/rsvp")
@token_required
def delete_rsvp(event_id: int):
    """Withdraw an RSVP."""
    return jsonify(rsvp.cancel(event_id, bearer_user()))


@bp.get("/events/<int:event_id>/attendees")
@token_required
def event_attendees(event_id: int):
    """Who is going."""
    return jsonify(rsvp.attendees(event_id, bearer_user()))


@bp.get("/events/<int:event_id>.ics")
def event_ics(event_id: int):
    """The outing as iCalendar."""
    url = url_for("events.show", event_id=event_id, _external=True)
    body = calendar.event_ics(event_id, bearer_user(), url)
    return Response(
        body, mimetype="text/calendar", headers={"Content-Disposition": f'attachment; filename="event-{event_id}.ics"'}
    )


@bp.get("/events/<int:event_id>.gpx")
def event_gpx(event_id: int):
    """The outing as GPX."""
    return Response(
        calendar.event_gpx(event_id, bearer_user()),
        mimetype="application/gpx+xml",
        headers={"Content-Disposition": f'attachment; filename="event-{event_id}.gpx"'},
    )
