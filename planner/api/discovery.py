"""Discovery: GET /groups/nearby, /events/nearby, /routes/nearby, /events?bbox=, /search and /places (GeoJSON
FeatureCollections), and /timezone."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from planner.api import bp
from planner.api.auth import bearer_user
from planner.api.body import query
from planner.api.openapi import op
from planner.i18n import current_locale
from planner.schemas.discovery import (
    EventCollection,
    EventsInBBoxQuery,
    EventsNearbyQuery,
    GroupCollection,
    GroupsNearbyQuery,
    PlaceCollection,
    PlacesQuery,
    RouteCollection,
    RoutesNearbyQuery,
    SearchCollection,
    SearchQuery,
    TimezoneOut,
    TimezoneQuery,
    ViewportCollection,
)
from planner.services import events, places, search, word_search
from planner.times import iso_utc, timezone_at

_BBOX_DESCRIPTION = (
    f"Events in a map viewport, bbox=minlon,minlat,maxlon,maxlat (minlon > maxlon crosses the antimeridian). "
    f"Up to {search.MAX_PLAIN_FEATURES} matching events come back as plain Point features (properties id, title, "
    f"starts_at, timezone, group_id, activity, spots_left). Above that the server clusters on a grid: cells of about "
    f"{search.CELL_PX} px at `zoom` (or bbox width / {search.MAX_CELLS_ACROSS} without it, and never more than "
    f"{search.MAX_CELLS_ACROSS} cells across), each answered as a Point feature at the mean position of its events "
    f"with properties {{cluster: true, count}}; the collection then has clustered: true and the total count."
)
_PLACES_DESCRIPTION = (
    "The app's own named places the caller (a bearer token, or the page's signed-in session) may see (meeting points, GPX waypoints, routes at their start, groups "
    "at their home; names containing q, exact names first, then nearest to lat/lon when given) with source "
    "planner, then cities (the configured geocoder, else the offline gazetteer: names and alternate names "
    "starting with q, most populous first) with their country."
)
_ROUTES_DESCRIPTION = (
    "Matched by the whole line, not its start; each feature's geometry is the route's start point. "
    "distance_m is the spheroidal closest approach; along_m is measured on the spheroid along the line "
    "from its start to the closest point."
)

_SEARCH_DESCRIPTION = (
    "Outings, groups and routes whose name, description (or a route's GPX name) hold every word of q: English "
    "with stemming ('rides' finds 'ride'; quotes, or and -word as in web search engines), Chinese, Japanese, "
    "Korean, Thai and other scripts written without spaces also inside longer words ('西湖' finds '西湖夜跑'); "
    "punctuation is ignored. Visible to everyone: upcoming scheduled outings of public groups (or in from/to), "
    "public groups, routes of public groups or of no group as their owner's privacy zones leave them. With "
    "lat/lon: within radius_km, nearest first (distance_m; a route's to its line, its geometry its start). "
    "Without: best match first: every word in the title or name first, then the others; in each, groups "
    "(by rank), then outings (soonest first), then routes (newest first). The event filters apply to outings; "
    "activity also to routes and, as the interest, to groups; route length also to routes."
)

OPENAPI = {
    "/search": {
        "get": op(
            "Search outings, groups and routes by words",
            200,
            400,
            query=SearchQuery,
            out=SearchCollection,
            description=_SEARCH_DESCRIPTION,
        )
    },
    "/groups/nearby": {
        "get": op("Public groups near a point, nearest first", 200, 400, query=GroupsNearbyQuery, out=GroupCollection)
    },
    "/events/nearby": {
        "get": op(
            "Upcoming public events near a point, nearest first",
            200,
            400,
            query=EventsNearbyQuery,
            out=EventCollection,
        )
    },
    "/routes/nearby": {
        "get": op(
            "Routes whose line passes near a point, nearest first",
            200,
            400,
            query=RoutesNearbyQuery,
            out=RouteCollection,
            description=_ROUTES_DESCRIPTION,
        )
    },
    "/places": {
        "get": op(
            "Search places by name: the app's own places and cities",
            200,
            400,
            query=PlacesQuery,
            out=PlaceCollection,
            description=_PLACES_DESCRIPTION,
        )
    },
    "/timezone": {"get": op("The IANA time zone at a point", 200, 400, query=TimezoneQuery, out=TimezoneOut)},
    "/events": {
        "get": op(
            "Events in a map viewport (plain or grid-clustered)",
            200,
            400,
            query=EventsInBBoxQuery,
            out=ViewportCollection,
            description=_BBOX_DESCRIPTION,
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
        "series_id": row.get("series_id"),
        "repeats": row.get("repeats"),
    }
    if "distance_m" in row:
        props["distance_m"] = round(row["distance_m"], 1)
    return props


@bp.get("/groups/nearby")
def groups_nearby():
    """Public groups near lat/lon within radius_km, nearest first."""
    q = query(GroupsNearbyQuery)
    rows = search.groups_nearby(q.lat, q.lon, q.radius_km * 1000.0, interest=q.interest, limit=q.limit, offset=q.offset)
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
    q = query(EventsNearbyQuery)
    filters = search.event_filters(q)
    rows = search.events_nearby(q.lat, q.lon, q.radius_km * 1000.0, filters, limit=q.limit, offset=q.offset)
    rows = events.with_labels(rows, current_locale())
    return jsonify(_collection([_feature(r["lon"], r["lat"], event_properties(r)) for r in rows]))


@bp.get("/routes/nearby")
def routes_nearby():
    """Routes whose line passes within within_km of lat/lon, nearest first, with along_m."""
    q = query(RoutesNearbyQuery)
    rows = search.routes_nearby(q.lat, q.lon, q.within_km * 1000.0, activity=q.activity, limit=q.limit, offset=q.offset)
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
    q = query(EventsInBBoxQuery)
    result = search.events_in_bbox(q.bbox, search.event_filters(q), q.zoom)
    if not result["clustered"]:
        rows = events.with_labels(result["events"], current_locale())
        features = [_feature(r["lon"], r["lat"], event_properties(r)) for r in rows]
        return jsonify(_collection(features, clustered=False, count=len(features)))
    features = [_feature(c["lon"], c["lat"], {"cluster": True, "count": c["count"]}) for c in result["clusters"]]
    return jsonify(_collection(features, clustered=True, count=sum(c["count"] for c in result["clusters"])))


def _hit_properties(row: dict) -> dict:
    """The API properties of one word-search hit (an outing, a group or a route)."""
    if row["kind"] == "event":
        return {"kind": "event", **event_properties(row)}
    props = {"kind": row["kind"], "id": row["id"], "name": row["name"]}
    if row["kind"] == "group":
        props.update(interest=row["interest"], member_count=row["member_count"])
    else:
        props.update(activity=row["activity"], length_m=round(row["length_m"], 1))
    if "distance_m" in row:
        props["distance_m"] = round(row["distance_m"], 1)
    return props


@bp.get("/search")
def search_words():
    """Outings, groups and routes matching q: nearest first near lat/lon, else best match first."""
    q = query(SearchQuery)
    near = (q.lat, q.lon, q.radius_km * 1000.0) if q.lat is not None and q.lon is not None else None
    kinds = (q.kind,) if q.kind else word_search.KINDS
    rows = word_search.find(q.q, search.event_filters(q), kinds, near, limit=q.limit, offset=q.offset)
    rows = events.with_labels(rows, current_locale())
    return jsonify(_collection([_feature(r["lon"], r["lat"], _hit_properties(r)) for r in rows]))


@bp.get("/places")
def search_places():
    """Own places the caller may see, then cities, whose names match q."""
    q = query(PlacesQuery)
    caller = bearer_user() or (current_user if current_user.is_authenticated else None)
    found = places.search(q.q, caller, q.lat, q.lon, q.limit)
    features = []
    for place in found:
        props = {"name": place.name, "kind": place.kind, "source": place.source}
        if place.country:
            props["country"] = place.country
        features.append(_feature(place.lon, place.lat, props))
    return jsonify(_collection(features))


@bp.get("/timezone")
def timezone():
    """The IANA time zone at lat/lon."""
    q = query(TimezoneQuery)
    return jsonify({"timezone": timezone_at(q.lat, q.lon)})
