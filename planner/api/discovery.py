"""Discovery: GET /groups/nearby, /events/nearby, /routes/nearby and /events?bbox= (GeoJSON FeatureCollections)."""

from __future__ import annotations

from flask import jsonify, request

from planner.api import bp
from planner.api.openapi import op
from planner.models.group import INTERESTS
from planner.models.route import ACTIVITIES
from planner.services import search, validation
from planner.times import iso_utc

DEFAULT_RADIUS_KM = 25.0
DEFAULT_WITHIN_KM = 5.0

_POINT = [("lat", "query", "number"), ("lon", "query", "number")]
_PAGE = [("limit", "query", "integer"), ("offset", "query", "integer")]
_EVENT_FILTERS = [
    ("activity", "query", "string"),
    ("difficulty", "query", "string"),
    ("from", "query", "string"),
    ("to", "query", "string"),
    ("has_spots", "query", "boolean"),
    ("min_length_km", "query", "number"),
    ("max_length_km", "query", "number"),
]
_BBOX_DESCRIPTION = (
    f"Events in a map viewport, bbox=minlon,minlat,maxlon,maxlat (minlon > maxlon crosses the antimeridian). "
    f"Up to {search.MAX_PLAIN_FEATURES} matching events come back as plain Point features (properties id, title, "
    f"starts_at, timezone, group_id, activity, spots_left). Above that the server clusters on a grid: cells of about "
    f"{search.CELL_PX} px at `zoom` (or bbox width / {search.MAX_CELLS_ACROSS} without it, and never more than "
    f"{search.MAX_CELLS_ACROSS} cells across), each answered as a Point feature at the mean position of its events "
    f"with properties {{cluster: true, count}}; the collection then has clustered: true and the total count."
)


def _with_description(operation: dict, description: str) -> dict:
    """operation with an OpenAPI description."""
    return {**operation, "description": description}


OPENAPI = {
    "/groups/nearby": {
        "get": op(
            "Public groups near a point, nearest first",
            200,
            400,
            params=[*_POINT, ("radius_km", "query", "number"), ("interest", "query", "string"), *_PAGE],
        )
    },
    "/events/nearby": {
        "get": op(
            "Upcoming public events near a point, nearest first",
            200,
            400,
            params=[*_POINT, ("radius_km", "query", "number"), *_EVENT_FILTERS, *_PAGE],
        )
    },
    "/routes/nearby": {
        "get": _with_description(
            op(
                "Routes whose line passes near a point, nearest first",
                200,
                400,
                params=[*_POINT, ("within_km", "query", "number"), ("activity", "query", "string"), *_PAGE],
            ),
            "Matched by the whole line, not its start; each feature's geometry is the route's start point. "
            "distance_m is the spheroidal closest approach; along_m is measured on the spheroid along the line "
            "from its start to the closest point.",
        )
    },
    "/events": {
        "get": _with_description(
            op(
                "Events in a map viewport (plain or grid-clustered)",
                200,
                400,
                params=[("bbox", "query", "string"), ("zoom", "query", "integer"), *_EVENT_FILTERS],
            ),
            _BBOX_DESCRIPTION,
        )
    },
}


def _feature(lon: float, lat: float, properties: dict) -> dict:
    """A GeoJSON Point feature."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": properties,
    }


def _collection(features: list[dict], **extra) -> dict:
    """A GeoJSON FeatureCollection."""
    return {"type": "FeatureCollection", "features": features, **extra}


def _page(args) -> tuple[int, int]:
    """(limit, offset) from the query."""
    return validation.limit(args), validation.integer(args, "offset", 0, 0, 100_000)


def event_properties(row: dict) -> dict:
    """The API properties of one event row."""
    props = {
        "id": row["id"],
        "title": row["title"],
        "starts_at": iso_utc(row["starts_at"]),
        "timezone": row["timezone"],
        "group_id": row["group_id"],
        "activity": row["activity"],
        "spots_left": row["spots_left"],
    }
    if "distance_m" in row:
        props["distance_m"] = round(row["distance_m"], 1)
    return props


@bp.get("/groups/nearby")
def groups_nearby():
    """Public groups near lat/lon within radius_km, nearest first."""
    args = request.args
    lat, lon = validation.latlon(args)
    radius_m = validation.radius_m(args, "radius_km", DEFAULT_RADIUS_KM)
    interest = validation.choice(args, "interest", INTERESTS)
    limit, offset = _page(args)
    rows = search.groups_nearby(lat, lon, radius_m, interest=interest, limit=limit, offset=offset)
    return jsonify(
        _collection(
            [
                _feature(
                    r["lon"],
                    r["lat"],
                    {
                        "id": r["id"],
                        "name": r["name"],
                        "interest": r["interest"],
                        "member_count": r["member_count"],
                        "distance_m": round(r["distance_m"], 1),
                    },
                )
                for r in rows
            ]
        )
    )


@bp.get("/events/nearby")
def events_nearby():
    """Upcoming scheduled events of public groups near lat/lon within radius_km, nearest first."""
    args = request.args
    lat, lon = validation.latlon(args)
    radius_m = validation.radius_m(args, "radius_km", DEFAULT_RADIUS_KM)
    filters = search.event_filters(args)
    limit, offset = _page(args)
    rows = search.events_nearby(lat, lon, radius_m, filters, limit=limit, offset=offset)
    return jsonify(_collection([_feature(r["lon"], r["lat"], event_properties(r)) for r in rows]))


@bp.get("/routes/nearby")
def routes_nearby():
    """Routes whose line passes within within_km of lat/lon, nearest first, with along_m."""
    args = request.args
    lat, lon = validation.latlon(args)
    within_m = validation.radius_m(args, "within_km", DEFAULT_WITHIN_KM)
    activity = validation.choice(args, "activity", ACTIVITIES)
    limit, offset = _page(args)
    rows = search.routes_nearby(lat, lon, within_m, activity=activity, limit=limit, offset=offset)
    return jsonify(
        _collection(
            [
                _feature(
                    r["start_lon"],
                    r["start_lat"],
                    {
                        "id": r["id"],
                        "name": r["name"],
                        "activity": r["activity"],
                        "distance_m": round(r["distance_m"], 1),
                        "along_m": round(r["along_m"], 1),
                        "length_m": round(r["length_m"], 1),
                    },
                )
                for r in rows
            ]
        )
    )


@bp.get("/events")
def events_in_bbox():
    """Events in a map viewport; grid clusters with counts when there are many."""
    args = request.args
    box = validation.bbox(args)
    zoom = validation.zoom(args)
    result = search.events_in_bbox(box, search.event_filters(args), zoom)
    if not result["clustered"]:
        features = [_feature(r["lon"], r["lat"], event_properties(r)) for r in result["events"]]
        return jsonify(_collection(features, clustered=False, count=len(features)))
    features = [_feature(c["lon"], c["lat"], {"cluster": True, "count": c["count"]}) for c in result["clusters"]]
    return jsonify(_collection(features, clustered=True, count=sum(c["count"] for c in result["clusters"])))
