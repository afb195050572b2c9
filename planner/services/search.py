"""Discovery queries on PostGIS: groups, events and routes near a point, and events in a map viewport.

Groups: candidates by ``ORDER BY geog <-> here`` under ``ST_DWithin`` (a GiST index scan that stops
early), a few more than the page needs because ``<->`` is spherical, then the page ordered by the
spheroidal ``ST_Distance`` reported as ``distance_m``. Events: the same order, exact, from the 2D GiST
index on ``start::geometry`` (see ``events_nearby_sql``). Routes: the same ``<->`` on a
500-vertex line rechecks every line whose box holds the point (30-80 ms in a dense city), so routes
are prefiltered by the line's GiST index and ranked on the light display_line first (see
``routes_nearby``). Only bind parameters reach the SQL; optional clauses are fixed strings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from planner.schemas.discovery import BBox, EventFilterQuery, Words
from planner.services import reads

HERE = "CAST(ST_SetSRID(ST_MakePoint(CAST(:lon AS float8), CAST(:lat AS float8)), 4326) AS geography)"
HERE_GEOM = "ST_SetSRID(ST_MakePoint(CAST(:lon AS float8), CAST(:lat AS float8)), 4326)"
# Spherical <-> and spheroidal ST_Distance differ by up to ~0.5 %, so near-ties can swap: take extra candidates.
EXTRA_CANDIDATES = 10
MAX_PLAIN_FEATURES = 400  # above this many events in a viewport, answer grid clusters
MAX_CELLS_ACROSS = 32  # at most 32 x 32 clusters per viewport
CELL_PX = 64  # a cluster cell is about 64 screen pixels (256-pixel tiles)
EARTH_RADIUS_M = 6_371_008.8
# A spheroidal distance d is at most d / 6,335 km radians on the sphere (meridian radius at the equator):
# caps of angle CAP_MARGIN * d / EARTH_RADIUS_M hold every point within d.
CAP_MARGIN = 1.01
GOING = "(SELECT count(*) FROM rsvps r WHERE r.event_id = e.id AND r.status = 'going')"
PUBLIC_GROUP = "g.visibility = 'public'"  # the event's group g may be seen by all
# An event's words as the GiST index on (start, words) has them (migration 0007): nearby and viewport queries
# test the words inside their spatial index scan, never through the GIN index of search_vector.
SPATIAL_WORDS = "ts_filter(e.search_vector, '{a,b,c,d}')"
# A series shows once, at its next occurrence from the start of the window asked for (:series_from, else now);
# the index on (series_id, starts_at) answers, and one-off outings skip the test.
NEXT_OF_SERIES = (
    "(e.series_id IS NULL OR NOT EXISTS (SELECT 1 FROM events o WHERE o.series_id = e.series_id"
    " AND o.status = 'scheduled' AND o.starts_at >= COALESCE(CAST(:series_from AS timestamptz), now())"
    " AND (o.starts_at, o.id) < (e.starts_at, e.id)))"
)


def _seen(alias: str, number: str) -> str:
    """SQL of a route number (length_m, ascent_m) as everyone but its owner sees it (privacy zones)."""
    return (
        f"CASE WHEN {alias}.public_stats IS NULL THEN {alias}.{number} "
        f"ELSE CAST({alias}.public_stats ->> '{number}' AS float8) END"
    )


@dataclass(frozen=True)
class EventFilters:
    """Optional filters on events: activity, difficulty, start window, spots left, route length."""

    activity: str | None = None
    difficulty: str | None = None
    starts_from: datetime | None = None
    starts_to: datetime | None = None
    has_spots: bool = False
    min_length_m: float | None = None
    max_length_m: float | None = None
    words: Words | None = None


def words_query(words: Words, *, heads: bool = False) -> tuple[str | None, dict]:
    """SQL of words' tsquery (None when nothing is searchable) and its parameters: English words through
    websearch_to_tsquery (stemming; quotes, or, -), unspaced-script runs as the tsquery of character pairs
    built by planner.schemas.discovery.parse_words (heads: only the first pair of each run), all bound."""
    unspaced = ":words_heads" if heads else ":words_unspaced"
    parts = ["websearch_to_tsquery('english', :words_english)"] * bool(words.english)
    parts += [f"CAST({unspaced} AS tsquery)"] * bool(words.unspaced)
    params = {"words_english": words.english, "words_unspaced": words.unspaced, "words_heads": words.heads}
    return (f"({' && '.join(parts)})" if parts else None), params


def words_match(vector: str, words: Words) -> tuple[str, dict]:
    """SQL testing the tsvector expression vector against words (false when nothing is searchable), parameters."""
    query, params = words_query(words)
    return (f"{vector} @@ {query}" if query else "false"), params


def event_filters(query: EventFilterQuery) -> EventFilters:
    """EventFilters from validated query parameters (activity, difficulty, from, to, has_spots, min/max_length_km)."""
    min_length_m, max_length_m = query.length_range_m()
    return EventFilters(
        activity=query.activity,
        difficulty=query.difficulty,
        starts_from=query.starts_from,
        starts_to=query.starts_to,
        has_spots=query.has_spots,
        min_length_m=min_length_m,
        max_length_m=max_length_m,
        words=next((w for w in (getattr(query, n, None) for n in ("q", "words")) if isinstance(w, Words)), None),
    )


def _spatial_words_match(words: Words) -> str:
    """SQL matching an event e's words inside the (start, words) GiST index scan: the first pair of each Chinese
    (...) run there, whose selectivity the planner gets right, the whole phrases row by row after it."""
    loose, _ = words_query(words, heads=True)
    if loose is None:
        return "false"
    strict, _ = words_query(words)
    return f"{SPATIAL_WORDS} @@ {loose}" + (f" AND (e.search_vector @@ {strict}) IS TRUE" * ("<->" in words.unspaced))


def _read(sql: str, params: dict, words: Words | None) -> list[dict]:
    """reads.rows; with words, planned for their values on every run (how selective they are decides the plan)."""
    return reads.rows(sql, params, prepare=False) if words else reads.rows(sql, params)


def _event_clauses(filters: EventFilters) -> tuple[str, dict]:
    """SQL conditions on events e (joined to groups g) and their parameters."""
    clauses = ["e.status = 'scheduled'", PUBLIC_GROUP, NEXT_OF_SERIES]
    params: dict = {"series_from": filters.starts_from}
    optional = (
        ("activity", filters.activity, "e.activity = :activity"),
        ("difficulty", filters.difficulty, "e.difficulty = :difficulty"),
        ("starts_from", filters.starts_from, "e.starts_at >= :starts_from"),
        ("starts_to", filters.starts_to, "e.starts_at <= :starts_to"),
        (
            "min_length_m",
            filters.min_length_m,
            f"(SELECT {_seen('rt', 'length_m')} FROM routes rt WHERE rt.id = e.route_id) >= :min_length_m",
        ),
        (
            "max_length_m",
            filters.max_length_m,
            f"(SELECT {_seen('rt', 'length_m')} FROM routes rt WHERE rt.id = e.route_id) <= :max_length_m",
        ),
    )
    for name, value, clause in optional:
        if value is not None:
            clauses.append(clause)
            params[name] = value
    if filters.has_spots:
        clauses.append(f"e.capacity > {GOING}")
    if filters.words is not None:
        clauses.append(_spatial_words_match(filters.words))
        params.update(words_query(filters.words)[1])
    return " AND ".join(clauses), params


def _candidates(limit: int, offset: int) -> int:
    """How many rows to take by <-> before ordering a page by spheroidal distance."""
    return offset + limit + max(EXTRA_CANDIDATES, limit // 2)


def groups_nearby(
    lat: float, lon: float, radius_m: float, *, interest: str | None = None, limit: int = 20, offset: int = 0
) -> list[dict]:
    """Public groups whose home is within radius_m, nearest first, with active member_count and distance_m."""
    interest_clause = "AND g.interest = :interest" if interest else ""
    sql = f"""
        SELECT c.id, c.name, c.interest, ST_Y(c.home::geometry) AS lat, ST_X(c.home::geometry) AS lon,
               (SELECT count(*) FROM memberships m WHERE m.group_id = c.id AND m.status = 'active') AS member_count,
               ST_Distance(c.home, {HERE}) AS distance_m
        FROM (SELECT g.id, g.name, g.interest, g.home FROM groups g
              WHERE ST_DWithin(g.home, {HERE}, :radius_m) AND g.visibility = 'public' {interest_clause}
              ORDER BY g.home <-> {HERE} LIMIT :candidates) c
        ORDER BY distance_m, c.id LIMIT :limit OFFSET :offset"""
    params = {
        "lat": lat,
        "lon": lon,
        "radius_m": radius_m,
        "interest": interest,
        "candidates": _candidates(limit, offset),
        "limit": limit,
        "offset": offset,
    }
    return reads.rows(sql, params)


def _cap_half_sizes(lat: str, metres: str) -> tuple[str, str]:
    """SQL of (dlon, dlat): half the size in degrees of a lat/lon box around a point at latitude lat that
    holds every point within metres (spheroidal) of it (lat and metres are SQL expressions).

    On the sphere a cap of angle a spans a in latitude and asin(sin a / cos lat) in longitude, all
    longitudes when it holds a pole.
    """
    dlat = f"degrees({CAP_MARGIN} * ({metres}) / {EARTH_RADIUS_M})"
    dlon = (
        f"CASE WHEN {dlat} >= 90 - abs({lat}) THEN 180"
        f" ELSE degrees(asin(sin(radians({dlat})) / cos(radians({lat})))) END"
    )
    return dlon, dlat


def events_nearby_sql(filters: EventFilters) -> tuple[str, dict]:
    """The nearby-events SQL for these filters and its filter parameters (also run raw by the benchmark).

    Exact: the page of the rows within :radius_m ordered by spheroidal ST_Distance (then id), in two steps
    on the GiST index of start::geometry (the geography index, built by insertion, makes ``<->`` visit
    ~200 pages in a dense city; the 2D one is built sorted and stays compact under inserts):
    1. knn: the first :rank_k (= offset + limit) matching events in lat/lon degrees (``<->`` inside the
       radius' box). Degrees distort distance, so these are not the nearest, but the farthest of them
       bounds the distance of the rank_k-th nearest (fewer than rank_k: the radius does).
    2. every matching event inside the box of that bound (a few more than rank_k; the box's part beyond
       ±180 is moved by 360 degrees), ordered exactly.
    """
    where, params = _event_clauses(filters)
    lat = "CAST(:lat AS float8)"
    lon = "CAST(:lon AS float8)"
    point = "CAST(e.start AS geometry)"
    radius_dlon, radius_dlat = _cap_half_sizes(lat, ":radius_m")
    bound_dlon, bound_dlat = _cap_half_sizes(lat, "b.m")
    sql = f"""
        WITH knn AS (
            SELECT ST_Distance(e.start, {HERE}) AS d
            FROM events e JOIN groups g ON g.id = e.group_id
            WHERE {point} && ST_Expand({HERE_GEOM}, {radius_dlon}, {radius_dlat}) AND {where}
            ORDER BY {point} <-> {HERE_GEOM} LIMIT :rank_k),
        bound AS (SELECT CASE WHEN count(*) < :rank_k THEN :radius_m ELSE LEAST(max(d), :radius_m) END AS m FROM knn),
        half AS (SELECT {bound_dlon} AS dlon, {bound_dlat} AS dlat FROM bound b),
        boxes AS (
            SELECT ST_Expand({HERE_GEOM}, dlon, dlat) AS main,
                   CASE WHEN {lon} - dlon <= -180 THEN ST_Translate(ST_Expand({HERE_GEOM}, dlon, dlat), 360, 0)
                        WHEN {lon} + dlon >= 180 THEN ST_Translate(ST_Expand({HERE_GEOM}, dlon, dlat), -360, 0)
                   END AS wrapped
            FROM half)
        SELECT c.id, c.title, c.starts_at, c.timezone, c.group_id, c.activity, c.difficulty, c.series_id,
               ST_Y(c.start::geometry) AS lat, ST_X(c.start::geometry) AS lon,
               GREATEST(c.capacity - (SELECT count(*) FROM rsvps r WHERE r.event_id = c.id AND r.status = 'going'), 0)
                 AS spots_left,
               c.distance_m
        FROM (SELECT e.id, e.title, e.starts_at, e.timezone, e.group_id, e.activity, e.difficulty, e.capacity,
                     e.start, e.series_id, ST_Distance(e.start, {HERE}) AS distance_m
              FROM events e
              -- per-row lookup (OFFSET 0): the planner cannot size the boxes and would hash every group
              CROSS JOIN LATERAL (SELECT g.visibility FROM groups g WHERE g.id = e.group_id OFFSET 0) g
              WHERE ({point} && (SELECT main FROM boxes) OR {point} && (SELECT wrapped FROM boxes))
                AND _ST_DWithin(e.start, {HERE}, :radius_m, true) AND {where}
              ORDER BY distance_m, e.id LIMIT :limit OFFSET :offset) c
        ORDER BY c.distance_m, c.id"""
    return sql, params


def events_nearby(
    lat: float, lon: float, radius_m: float, filters: EventFilters, *, limit: int = 20, offset: int = 0
) -> list[dict]:
    """Scheduled events of public groups within radius_m, nearest first, with spots_left and distance_m."""
    sql, params = events_nearby_sql(filters)
    params.update(lat=lat, lon=lon, radius_m=radius_m, rank_k=offset + limit, limit=limit, offset=offset)
    return _read(sql, params, filters.words)


def event_details(event_ids: list[int]) -> dict[int, dict]:
    """Group name and route length/ascent of the given events, by event id (for result lists)."""
    if not event_ids:
        return {}
    rows = reads.rows(
        f"""
        SELECT e.id, g.name AS group_name, {_seen("rt", "length_m")} AS length_m, {_seen("rt", "ascent_m")} AS ascent_m
        FROM events e JOIN groups g ON g.id = e.group_id LEFT JOIN routes rt ON rt.id = e.route_id
        WHERE e.id = ANY(:ids)""",
        {"ids": list(event_ids)},
    )
    return {row["id"]: row for row in rows}


# Routes are ranked on display_line first (Douglas-Peucker within 5 m of the line, a few % of its
# vertices), spherical: that distance is within DISPLAY_SLACK_M plus SPHERE_RATIO of the spheroidal
# distance to the full line, which is then computed only for the routes that can still make the page.
DISPLAY_SLACK_M = 10.0
SPHERE_RATIO = 1.006


# A route cut by its owner's privacy zones is searched, measured and described by its public view only
# (public_line, public_display_line, public_stats), for everyone: the hidden parts never match.
LENGTH_SEEN = _seen("r", "length_m")


def _routes_sql(extra_clauses: str) -> str:
    """The nearby-routes SQL (box prefilter on the lines' GiST indexes, rank on display lines, exact page)."""
    visible_group = "(r.group_id IS NULL OR g.visibility = 'public')"
    return f"""
        WITH bound AS (
            SELECT CASE WHEN count(*) < :rank_k THEN CAST(:within_m AS float8)
                        ELSE LEAST(max(s.d), :within_m) END AS m
            FROM (SELECT ST_Distance(r.start_point, {HERE}) AS d
                  FROM routes r LEFT JOIN groups g ON g.id = r.group_id
                  WHERE ST_DWithin(r.start_point, {HERE}, :within_m) AND r.public_stats IS NULL
                    AND {visible_group} {extra_clauses}
                  ORDER BY r.start_point <-> {HERE} LIMIT :rank_k) s),
        near AS (
            SELECT r.id, ST_Distance(r.display_line, {HERE}, false) AS approx_m
            FROM routes r LEFT JOIN groups g ON g.id = r.group_id
            WHERE r.line && _ST_Expand({HERE}, (SELECT m FROM bound)) AND r.public_stats IS NULL
              AND {visible_group} {extra_clauses}
            UNION ALL
            SELECT r.id, ST_Distance(r.public_display_line, {HERE}, false) AS approx_m
            FROM routes r LEFT JOIN groups g ON g.id = r.group_id
            WHERE r.public_line && _ST_Expand({HERE}, (SELECT m FROM bound)) AND {visible_group} {extra_clauses}),
        kth AS (SELECT approx_m FROM near ORDER BY approx_m OFFSET :rank_k - 1 LIMIT 1),
        exact AS MATERIALIZED (
            SELECT r.id, r.name, r.activity, r.start_point, r.public_stats,
                   {LENGTH_SEEN} AS length_m,
                   {_seen("r", "ascent_m")} AS ascent_m,
                   COALESCE(r.public_line, r.line) AS line,
                   ST_Distance(COALESCE(r.public_line, r.line), {HERE}) AS distance_m
            FROM near JOIN routes r ON r.id = near.id
            WHERE near.approx_m <= :within_m * :ratio + :slack_m
              AND near.approx_m <= COALESCE(((SELECT approx_m FROM kth) + :slack_m) * :ratio * :ratio + :slack_m,
                                            :within_m * :ratio + :slack_m))
        SELECT p.id, p.name, p.activity, p.length_m, p.ascent_m, p.distance_m,
               COALESCE(CAST(p.public_stats -> 'start' ->> 'lat' AS float8), ST_Y(p.start_point::geometry)) AS start_lat,
               COALESCE(CAST(p.public_stats -> 'start' ->> 'lon' AS float8), ST_X(p.start_point::geometry)) AS start_lon,
               (SELECT COALESCE(sum(ST_Length(CAST(d.geom AS geography))), 0) FROM ST_Dump(p.flat) d
                WHERE d.path[1] < k.n)
               + ST_Length(CAST(ST_LineSubstring(k.geom, 0, ST_LineLocatePoint(
                   ST_Scale(k.geom, cos(radians(CAST(:lat AS float8))), 1),
                   ST_Scale({HERE_GEOM}, cos(radians(CAST(:lat AS float8))), 1))) AS geography)) AS along_m
        FROM (SELECT exact.*, ST_Multi(ST_Force2D(exact.line::geometry)) AS flat FROM exact
              WHERE exact.distance_m <= :within_m
              ORDER BY exact.distance_m, exact.id LIMIT :limit OFFSET :offset) p
        CROSS JOIN LATERAL (SELECT d.path[1] AS n, d.geom FROM ST_Dump(p.flat) d
                            ORDER BY d.geom <-> {HERE_GEOM} LIMIT 1) k
        ORDER BY p.distance_m, p.id"""


def routes_nearby(
    lat: float,
    lon: float,
    within_m: float,
    *,
    activity: str | None = None,
    min_length_m: float | None = None,
    max_length_m: float | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[dict]:
    """Routes whose line passes within within_m, nearest first: distance_m to the line and along_m from its start.

    distance_m is the spheroidal ST_Distance to the full line. A route's start lies on its line, so the
    distance to the k-th nearest start (k = offset + limit, uncut routes) bounds the distance of the k-th
    nearest line: candidates come from the lines' GiST indexes by the box of that bound (or of within_m);
    they are ranked by the cheap distance to the display line, and only those that can still be among the
    first k (bound: the k-th cheap distance plus the slack) get the exact one.
    along_m: the closest point is located on the line (on a route cut by privacy zones: on its nearest
    visible piece, after the pieces before it) with longitudes scaled by cos(lat) (locally isotropic near
    the query point), and the line from the start to that point is measured on the spheroid. The length is
    exact; the error is only in where the closest point is found (metres for a point within a few km of the
    line, away from the poles and the antimeridian).
    Routes of private groups are hidden; routes without a group are public.
    """
    optional = [
        ("AND r.activity = :activity", activity),
        (f"AND {LENGTH_SEEN} >= :min_length_m", min_length_m),
        (f"AND {LENGTH_SEEN} <= :max_length_m", max_length_m),
    ]
    extra_clauses = " ".join(clause for clause, value in optional if value is not None)
    params = {
        "lat": lat,
        "lon": lon,
        "within_m": within_m,
        "activity": activity,
        "min_length_m": min_length_m,
        "max_length_m": max_length_m,
        "rank_k": offset + limit,
        "ratio": SPHERE_RATIO,
        "slack_m": DISPLAY_SLACK_M,
        "limit": limit,
        "offset": offset,
    }
    return reads.rows(_routes_sql(extra_clauses), params)


def _central_angle(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle angle in radians between two points (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * math.asin(min(1.0, math.sqrt(h)))


def covering_circle(box: BBox) -> tuple[float, float, float] | None:
    """(lat, lon, radius_m) of a circle around the box's centre that covers it, or None when it is a hemisphere or more."""
    if box.lon_span_deg >= 180:
        return None
    lat_c = (box.min_lat + box.max_lat) / 2
    lon_c = (box.min_lon + box.lon_span_deg / 2 + 180) % 360 - 180
    steps = 32
    edge = [
        (box.min_lat + box.lat_span_deg * i / steps, box.min_lon + box.lon_span_deg * j / steps)
        for i in range(steps + 1)
        for j in (0, steps)
    ]
    edge += [
        (lat, box.min_lon + box.lon_span_deg * j / steps)
        for lat in (box.min_lat, box.max_lat)
        for j in range(steps + 1)
    ]
    angle = max(_central_angle(lat_c, lon_c, lat, lon) for lat, lon in edge)
    if angle > math.radians(80):
        return None
    # 1 % covers the spheroid-vs-sphere difference and the spacing of the sampled edge points.
    return lat_c, lon_c, angle * EARTH_RADIUS_M * 1.01 + 1000.0


def _bbox_where(box: BBox, filters: EventFilters) -> tuple[str, dict]:
    """Conditions selecting events inside box (index prefilter by a covering circle, exact lat/lon test)."""
    where, params = _event_clauses(filters)
    lon_test = "OR" if box.crosses_antimeridian else "AND"
    clauses = [
        where,
        "ST_Y(e.start::geometry) BETWEEN :min_lat AND :max_lat",
        f"(ST_X(e.start::geometry) >= :min_lon {lon_test} ST_X(e.start::geometry) <= :max_lon)",
    ]
    params.update(min_lon=box.min_lon, min_lat=box.min_lat, max_lon=box.max_lon, max_lat=box.max_lat)
    circle = covering_circle(box)
    if circle is not None:
        clauses.append(f"ST_DWithin(e.start, {HERE}, :radius_m)")
        params.update(lat=circle[0], lon=circle[1], radius_m=circle[2])
    return " AND ".join(clauses), params


def cell_size_deg(box: BBox, zoom: int | None) -> float:
    """Grid cell size in degrees: about CELL_PX pixels at zoom, never more than MAX_CELLS_ACROSS cells across."""
    widest = max(box.lon_span_deg, box.lat_span_deg, 1e-9)
    floor_deg = widest / MAX_CELLS_ACROSS
    if zoom is None:
        return floor_deg
    return max(360.0 / 2**zoom * CELL_PX / 256, floor_deg)


def events_in_bbox(box: BBox, filters: EventFilters, zoom: int | None = None) -> dict:
    """Events in a viewport: {"clustered": False, "events": [...]} up to MAX_PLAIN_FEATURES, else grid clusters."""
    where, params = _bbox_where(box, filters)
    rows = _read(
        f"""
        SELECT e.id, e.title, e.starts_at, e.timezone, e.group_id, e.activity, e.series_id,
               ST_Y(e.start::geometry) AS lat, ST_X(e.start::geometry) AS lon,
               GREATEST(e.capacity - {GOING}, 0) AS spots_left
        FROM events e JOIN groups g ON g.id = e.group_id
        WHERE {where} LIMIT :cap""",
        {**params, "cap": MAX_PLAIN_FEATURES + 1},
        filters.words,
    )
    if len(rows) <= MAX_PLAIN_FEATURES:
        return {"clustered": False, "events": sorted(rows, key=lambda e: (e["starts_at"], e["id"]))}
    cells = _read(
        f"""
        SELECT count(*) AS count, avg(s.lat) AS lat, avg(s.lon) AS lon
        FROM (SELECT ST_Y(e.start::geometry) AS lat, ST_X(e.start::geometry) AS lon
              FROM events e JOIN groups g ON g.id = e.group_id WHERE {where}) s
        GROUP BY floor(s.lon / :cell_deg), floor(s.lat / :cell_deg)
        ORDER BY count DESC""",
        {**params, "cell_deg": cell_size_deg(box, zoom)},
        filters.words,
    )
    return {"clustered": True, "clusters": cells}


def groups_list(member_group_ids: list[int], limit: int = 100) -> list[dict]:
    """Public groups and the given (the viewer's) ones, newest first: place, active member_count, next outing."""
    return reads.rows(
        """
        SELECT g.id, g.name, g.interest, g.visibility, ST_Y(g.home::geometry) AS lat, ST_X(g.home::geometry) AS lon,
               (SELECT count(*) FROM memberships m WHERE m.group_id = g.id AND m.status = 'active') AS member_count,
               n.id AS next_id, n.title AS next_title, n.starts_at AS next_starts_at, n.timezone AS next_timezone
        FROM groups g
        LEFT JOIN LATERAL (SELECT e.id, e.title, e.starts_at, e.timezone FROM events e
                           WHERE e.group_id = g.id AND e.status = 'scheduled' AND e.starts_at > now()
                           ORDER BY e.starts_at, e.id LIMIT 1) n ON true
        WHERE g.visibility = 'public' OR g.id = ANY(:mine)
        ORDER BY g.created_at DESC, g.id DESC LIMIT :limit""",
        {"mine": list(member_group_ids), "limit": limit},
    )
