"""Home page reads: "popular near you" (one scored SQL query), the soonest outings near a point, and a home area.

score = 0.5 * exp(-distance_km / 10) + 0.3 * going / (going + 5) + 0.2 * exp(-hours_until_start / 72)

distance_km is the spheroidal distance from the searched point to the outing's start, going the RSVPs
with status 'going', hours_until_start the hours from now to its start. Only scheduled outings that
have not started, within the radius, of public groups or of groups the viewer is an active member of.
"""

from __future__ import annotations

from datetime import datetime

from planner.models import User
from planner.services import access, reads
from planner.services.search import GOING, HERE, NEXT_OF_SERIES
from planner.times import local_text, now_utc

DISTANCE_WEIGHT, GOING_WEIGHT, SOON_WEIGHT = 0.5, 0.3, 0.2
DISTANCE_SCALE_KM, GOING_HALF, SOON_SCALE_H = 10.0, 5.0, 72.0
DEFAULT_RADIUS_KM = 50.0

_SCORED = f"""
    SELECT s.*,
           {DISTANCE_WEIGHT} * exp(-s.distance_m / {DISTANCE_SCALE_KM * 1000})
           + {GOING_WEIGHT} * s.going / (s.going + {GOING_HALF})
           + {SOON_WEIGHT} * exp(-s.hours_until / {SOON_SCALE_H}) AS score
    FROM (SELECT e.id, e.title, e.starts_at, e.timezone, e.activity, e.capacity, e.series_id, g.id AS group_id,
                 g.name AS group_name, ST_Y(e.start::geometry) AS lat, ST_X(e.start::geometry) AS lon,
                 ST_Distance(e.start, {HERE}) AS distance_m, {GOING} AS going,
                 extract(epoch FROM e.starts_at - CAST(:now AS timestamptz)) / 3600.0 AS hours_until
          FROM events e JOIN groups g ON g.id = e.group_id
          WHERE e.status = 'scheduled' AND e.starts_at > CAST(:now AS timestamptz)
            AND (g.visibility = 'public' OR g.id = ANY(:member_groups))
            AND {NEXT_OF_SERIES.replace(":series_from", ":now")}
            AND ST_DWithin(e.start, {HERE}, :radius_m)) s"""


def _member_groups(user: User | None) -> list[int]:
    """Ids of the groups user is an active member of (access.py's rule for private groups' outings)."""
    viewer = access.viewer(user)
    return [group_id for group_id in viewer.memberships if viewer.is_member(group_id)]


def near_you(
    lat: float,
    lon: float,
    user: User | None,
    *,
    radius_km: float = DEFAULT_RADIUS_KM,
    popular_limit: int = 10,
    soonest_limit: int = 20,
    now: datetime | None = None,
) -> dict[str, list[dict]]:
    """{"popular": highest score first (see the module docstring), "soonest": soonest first} in one query."""
    sql = f"""
        (SELECT 'popular' AS list, p.* FROM ({_SCORED}) p ORDER BY p.score DESC, p.id LIMIT :popular_limit)
        UNION ALL
        (SELECT 'soonest' AS list, q.* FROM ({_SCORED}) q ORDER BY q.starts_at, q.id LIMIT :soonest_limit)"""
    params = {
        "lat": lat,
        "lon": lon,
        "radius_m": radius_km * 1000.0,
        "now": now or now_utc(),
        "member_groups": _member_groups(user),
        "popular_limit": popular_limit,
        "soonest_limit": soonest_limit,
    }
    lists: dict[str, list[dict]] = {"popular": [], "soonest": []}
    for row in reads.rows(sql, params):
        kind = row.pop("list")
        row["starts_at_text"] = local_text(row["starts_at"], row["timezone"])
        row["spots_left"] = max(row["capacity"] - row["going"], 0)
        lists[kind].append(row)
    return lists


def groups_home(user: User | None) -> dict | None:
    """{name, lat, lon} of the home area of the group user joined last (active), or None."""
    if user is None or not user.is_authenticated:
        return None
    rows = reads.rows(
        """
        SELECT g.name, ST_Y(g.home::geometry) AS lat, ST_X(g.home::geometry) AS lon
        FROM memberships m JOIN groups g ON g.id = m.group_id
        WHERE m.user_id = :user_id AND m.status = 'active'
        ORDER BY m.created_at DESC, m.id DESC LIMIT 1""",
        {"user_id": user.id},
    )
    return rows[0] if rows else None
