"""API endpoints for GPX routes: upload, read, GeoJSON and GPX export."""

from __future__ import annotations

import json

from flask import Response, jsonify, request

from planner.api import bp
from planner.api.auth import bearer_user, token_required
from planner.api.openapi import ID, op
from planner.downloads import attachment
from planner.errors import N_, ServiceError
from planner.schemas.routes import RouteFeature, RouteOut, RouteUploadForm
from planner.services import access, routes

OPENAPI = {
    "/routes": {
        "post": op(
            "Upload a GPX 1.0/1.1 file as a route (group_id: share it with a group you organise)",
            201,
            400,
            401,
            403,
            413,
            429,
            body=RouteUploadForm,
            body_media="multipart/form-data",
            out=RouteOut,
            auth=True,
        )
    },
    "/routes/{id}": {"get": op("A route with its stats", 200, 404, out=RouteOut, params=[ID])},
    "/routes/{id}.geojson": {
        "get": op(
            "The route as a GeoJSON Feature (LineString, elevation as 3rd coordinate)",
            200,
            404,
            out=RouteFeature,
            media="application/geo+json",
            params=[ID],
        )
    },
    "/routes/{id}.gpx": {
        "get": op("The route as a GPX 1.1 document", 200, 404, media="application/gpx+xml", params=[ID])
    },
}


def _viewer_id() -> int | None:
    """The bearer token's user id, if any."""
    user = bearer_user()
    return user.id if user else None


@bp.post("/routes")
@token_required
def upload_route():
    """Import a GPX file sent as multipart field `file`."""
    upload = request.files.get("file")
    if upload is None:
        raise ServiceError("invalid_gpx", N_("Send the GPX file as the multipart form field '%(field)s'."), "file")
    user = bearer_user()
    assert user is not None  # token_required guarantees a user
    route = routes.import_gpx(
        user.id,
        upload.read(),
        name=request.form.get("name"),
        activity=request.form.get("activity"),
        group_id=request.form.get("group_id"),
    )
    return jsonify(routes.route_dict(route, route.owner_id)), 201


@bp.get("/routes/<int:route_id>")
def get_route(route_id: int):
    """A route object."""
    viewer_id = _viewer_id()
    return jsonify(routes.route_dict(access.get_route(route_id, viewer_id), viewer_id))


@bp.get("/routes/<int:route_id>.geojson")
def get_route_geojson(route_id: int):
    """A GeoJSON Feature of the route."""
    viewer_id = _viewer_id()
    feature = routes.route_geojson(access.get_route(route_id, viewer_id), viewer_id)
    return Response(json.dumps(feature, separators=(",", ":")), mimetype="application/geo+json")


@bp.get("/routes/<int:route_id>.gpx")
def get_route_gpx(route_id: int):
    """The route as GPX 1.1."""
    viewer_id = _viewer_id()
    route = access.get_route(route_id, viewer_id)
    return attachment(routes.route_gpx(route, viewer_id), f"route-{route.id}.gpx")
