"""API: meeting points, fair-point suggestions and the opt-in home area (see docs/api.md)."""

from __future__ import annotations

from flask import jsonify

from planner.api import bp
from planner.api.auth import bearer_user, token_required
from planner.api.body import json_object
from planner.api.openapi import ID, op
from planner.schemas.meeting_points import (
    HomeAreaIn,
    HomeAreaOut,
    MeetingPointIn,
    MeetingPointList,
    MeetingPointOut,
    MeetingPointPatch,
    SuggestionList,
)
from planner.services import meeting_points, suggestions

OPENAPI = {
    "/events/{id}/meeting-points": {
        "post": op(
            "Add a meeting point by lat/lon or by place name (organisers); snapped to the route",
            201,
            400,
            401,
            403,
            404,
            body=MeetingPointIn,
            out=MeetingPointOut,
            auth=True,
            params=[ID],
        ),
        "get": op(
            "Meeting points ordered along the route (or by meet_at)", 200, 404, out=MeetingPointList, params=[ID]
        ),
    },
    "/meeting-points/{id}": {
        "patch": op(
            "Change a meeting point (organisers)",
            200,
            400,
            401,
            403,
            404,
            body=MeetingPointPatch,
            out=MeetingPointOut,
            auth=True,
            params=[ID],
        ),
        "delete": op("Remove a meeting point (organisers)", 204, 401, 403, 404, auth=True, params=[ID]),
    },
    "/events/{id}/meeting-points/suggestions": {
        "get": op(
            "Route start, end and the fair point for the people going (organisers)",
            200,
            401,
            403,
            404,
            out=SuggestionList,
            auth=True,
            params=[ID],
        )
    },
    "/users/me/home-area": {
        "put": op(
            "Opt in to share a home area, stored coarsened to ~1 km and never shown",
            200,
            400,
            401,
            body=HomeAreaIn,
            out=HomeAreaOut,
            auth=True,
        ),
        "delete": op("Opt out and forget the home area", 204, 401, auth=True),
    },
}


@bp.post("/events/<int:event_id>/meeting-points")
@token_required
def add_meeting_point(event_id: int):
    """Add a meeting point."""
    user = bearer_user()
    assert user is not None  # token_required guarantees a user
    point = meeting_points.add(event_id, user, json_object())
    return jsonify(meeting_points.point_dict(point, user.id)), 201


@bp.get("/events/<int:event_id>/meeting-points")
def list_meeting_points(event_id: int):
    """The meeting points in order."""
    return jsonify(meeting_points.visible_list(event_id, bearer_user()))


@bp.patch("/meeting-points/<int:point_id>")
@token_required
def patch_meeting_point(point_id: int):
    """Change a meeting point."""
    user = bearer_user()
    assert user is not None  # token_required guarantees a user
    point = meeting_points.update(point_id, user, json_object())
    return jsonify(meeting_points.point_dict(point, user.id))


@bp.delete("/meeting-points/<int:point_id>")
@token_required
def delete_meeting_point(point_id: int):
    """Remove a meeting point."""
    meeting_points.delete(point_id, bearer_user())
    return "", 204


@bp.get("/events/<int:event_id>/meeting-points/suggestions")
@token_required
def meeting_point_suggestions(event_id: int):
    """Suggested meeting points."""
    return jsonify(suggestions.suggestions(event_id, bearer_user()))


@bp.put("/users/me/home-area")
@token_required
def put_home_area():
    """Share a coarse home area."""
    data = json_object()
    lat, lon = suggestions.set_home_area(bearer_user(), data.get("lat"), data.get("lon"))
    return jsonify(share_home_area=True, lat=lat, lon=lon)


@bp.delete("/users/me/home-area")
@token_required
def delete_home_area():
    """Stop sharing the home area."""
    suggestions.clear_home_area(bearer_user())
    return "", 204
