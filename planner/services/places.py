"""Place search for the pickers and GET /api/v1/places: the app's own named places the user may see, then cities.

Own places are meeting points, GPX waypoints, route names (at the route's start) and group names (at the
group's home), under the visibility rules of planner.services.access: public groups' things for everyone,
private groups' things for their active members, and a route's owner's privacy zones cut for everyone else
(waypoints and start as others see them; a route wholly inside a zone is not found). Cities come from the
geocoder when it is configured and answers, else from the offline gazetteer (by prefix).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import text

from planner.extensions import db
from planner.models import User
from planner.services import access, geocode

KINDS = ("city", "meeting_point", "waypoint", "route", "group")
MAX_QUERY = 200


@dataclass(frozen=True)
class Found:
    """One search answer."""

    name: str
    lat: float
    lon: float
    kind: str
    source: str  # "planner", "gazetteer" or "geocoder"
    country: str | None = None


_OWN_SQL = """
WITH seen_groups AS (
    SELECT id, name, home, visibility FROM groups WHERE visibility = 'public' OR id = ANY(CAST(:member_of AS integer[]))
), seen_routes AS (
    SELECT r.id, r.name,
           (r.public_stats IS NOT NULL AND r.owner_id IS DISTINCT FROM CAST(:viewer AS integer)) AS cut,
           r.public_stats, r.waypoints, r.start_point
    FROM routes r LEFT JOIN groups g ON g.id = r.group_id
    WHERE r.owner_id = CAST(:viewer AS integer) OR g.id IS NULL OR g.visibility <> 'private' OR g.id = ANY(CAST(:member_of AS integer[]))
), shown_routes AS (
    SELECT * FROM seen_routes WHERE NOT (cut AND coalesce((public_stats->>'hidden')::boolean, false))
), own AS (
    SELECT g.name, ST_Y(g.home::geometry) AS lat, ST_X(g.home::geometry) AS lon, 'group' AS kind
    FROM seen_groups g WHERE g.name ILIKE :pattern
    UNION ALL
    SELECT mp.name, ST_Y(mp.point::geometry), ST_X(mp.point::geometry), 'meeting_point'
    FROM meeting_points mp JOIN events e ON e.id = mp.event_id JOIN seen_groups g ON g.id = e.group_id
    WHERE mp.name ILIKE :pattern
    UNION ALL
    SELECT r.name,
           CASE WHEN r.cut THEN (r.public_stats->'start'->>'lat')::float ELSE ST_Y(r.start_point::geometry) END,
           CASE WHEN r.cut THEN (r.public_stats->'start'->>'lon')::float ELSE ST_X(r.start_point::geometry) END,
           'route'
    FROM shown_routes r WHERE r.name ILIKE :pattern
    UNION ALL
    SELECT w->>'name', (w->>'lat')::float, (w->>'lon')::float, 'waypoint'
    FROM shown_routes r,
         jsonb_array_elements(CASE WHEN r.cut THEN coalesce(r.public_stats->'waypoints', '[]') ELSE r.waypoints END) w
    WHERE w->>'name' ILIKE :pattern
)
SELECT DISTINCT ON (name, kind, round(lat::numeric, 5), round(lon::numeric, 5)) name, lat, lon, kind,
       lower(name) = lower(:q) AS exact,
       CASE WHEN CAST(:lat AS float8) IS NULL THEN 0
            ELSE ST_Distance(ST_MakePoint(lon, lat)::geography, ST_MakePoint(CAST(:lon AS float8), CAST(:lat AS float8))::geography) END AS distance
FROM own
ORDER BY name, kind, round(lat::numeric, 5), round(lon::numeric, 5)
"""


def _contains(query: str) -> str:
    """An ILIKE pattern for names containing query (its wildcards escaped)."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def own_places(query: str, user: User | None, lat: float | None, lon: float | None, limit: int) -> list[Found]:
    """The app's named places user may see whose name contains query: exact names first, then nearest (or A-Z)."""
    seen = access.viewer(user)
    member_of = [group_id for group_id in seen.memberships if seen.is_member(group_id)]
    params = {
        "q": query,
        "pattern": _contains(query),
        "viewer": seen.id,
        "member_of": member_of,
        "lat": lat,
        "lon": lon,
    }
    sql = f"SELECT * FROM ({_OWN_SQL}) found ORDER BY exact DESC, distance, name LIMIT :limit"
    rows = db.session.execute(text(sql), {**params, "limit": limit}).all()
    return [Found(r.name, r.lat, r.lon, r.kind, "planner") for r in rows]


def cities(query: str, limit: int) -> list[Found]:
    """Cities for query: the configured geocoder when it answers, else the gazetteer by name prefix."""
    places = geocode.geocode(query, limit) if current_app.config.get("GEOCODER_URL") else []
    if not places or all(p.source == "gazetteer" for p in places):
        places = geocode.gazetteer_prefix(query, limit)
    return [Found(p.name, p.lat, p.lon, "city", p.source, p.country or None) for p in places]


def search(query: str, user: User | None, lat: float | None = None, lon: float | None = None, limit: int = 10):
    """Own places first, then cities, at most limit of each."""
    query = query.strip()
    return [*own_places(query, user, lat, lon, limit), *cities(query, limit)]
