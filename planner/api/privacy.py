"""The token owner's privacy zones: list, add, delete."""

from __future__ import annotations

from flask import jsonify

from planner.api import bp
from planner.api.auth import bearer_user, token_required
from planner.api.body import json_object
from planner.api.openapi import ID, op
from planner.schemas.privacy import NewZoneOut, ZoneIn, ZoneList
from planner.services import privacy

OPENAPI = {
    "/me/privacy-zones": {
        "get": op("Your privacy zones", 200, 401, out=ZoneList, auth=True),
        "post": op(
            "Add a privacy zone {lat, lon, radius_m (200-1000), name?}: others then see your routes "
            "without the parts around it. The answer's outings_starting_inside lists upcoming outings on "
            "your routes whose start is hidden by it (zones do not move starts)",
            201,
            400,
            401,
            409,
            429,
            body=ZoneIn,
            out=NewZoneOut,
            auth=True,
        ),
    },
    "/me/privacy-zones/{id}": {"delete": op("Remove one of your privacy zones", 204, 401, 404, auth=True, params=[ID])},
}


@bp.get("/me/privacy-zones")
@token_required
def list_privacy_zones():
    """The token owner's zones."""
    return jsonify(privacy.list_zones(bearer_user()))


@bp.post("/me/privacy-zones")
@token_required
def add_privacy_zone():
    """Add a zone; the owner's routes are re-cut before the answer."""
    return jsonify(privacy.add_zone(bearer_user(), json_object())), 201


@bp.delete("/me/privacy-zones/<int:zone_id>")
@token_required
def delete_privacy_zone(zone_id: int):
    """Remove a zone; the owner's routes are re-cut before the answer."""
    privacy.delete_zone(bearer_user(), zone_id)
    return "", 204
