"""Search by words: outings, groups and routes whose names and descriptions match (GET /api/v1/search).

What matches is defined once, in the database: planner_words() (migration 0007) fills each row's generated
search_vector (English full-text lexemes, and the characters and character pairs of Chinese, Japanese, Korean,
Thai, ... runs), indexed with GIN; search.words_query() builds the tsquery. Visibility is the nearby queries':
scheduled outings of public groups (upcoming unless from/to say otherwise), public groups, routes of public
groups or of no group as everyone but their owner sees them (a route wholly hidden by privacy zones is never
found).

The order: nearest first with a point (the nearby queries with the words: outings through the GiST index on
(start, words), exact spheroidal distance); without one, best match first: hits with every word in the title or
name (weight A) before the rest; in each tier groups (by ts_rank_cd), then outings (soonest first), then routes
(newest first).

Without a point a word may be in a fifth of all outings or in a handful, and the work stays bounded either way.
Outings with every word in the title: the GiST index on (start time, title words) (migration 0009), nearest first
in time with the words tested in the index, stops at the page's last hit within a window of about WINDOW_ROWS
outings; when the window runs out first, the words are rare and the GIN index finds the rest. Other rows: an
ordered scan (start time, or id) reads at most SCAN_CAP rows and stops at the page's last hit, which is exact
while the words are common; when it runs out first, the words are rare and the GIN index finds them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from planner.schemas.discovery import Words
from planner.services import reads, search
from planner.services.search import GOING, HERE, LENGTH_SEEN, EventFilters

KINDS = ("group", "event", "route")
SCAN_CAP = 1000
PROBE_ROWS = 50  # the soonest scheduled outings whose start times size the window of the search by title
WINDOW_ROWS = 60_000  # about how many scheduled outings that window holds
GIN_ROWS = 50_000  # past the window, the GIN index finds words in at most this many outings (planner's estimate)
TITLE = "ts_filter({}.search_vector, '{{a}}')"  # the lexemes of the title or name (weight A)
EVENT_COLUMNS = f"""e.id, e.title, e.starts_at, e.timezone, e.group_id, e.activity, e.series_id,
    ST_Y(e.start::geometry) AS lat, ST_X(e.start::geometry) AS lon, GREATEST(e.capacity - {GOING}, 0) AS spots_left"""
# Whether the event e's group is public: looked up by key, for the rows that have the words only.
PUBLIC_EVENT = f"(SELECT {search.PUBLIC_GROUP} FROM groups g WHERE g.id = e.group_id)"
# The group of each row, looked up by its key (OFFSET 0: the planner cannot know how many rows come, and would
# otherwise hash or scan every group).
EVENT_GROUP = "CROSS JOIN LATERAL (SELECT g.visibility FROM groups g WHERE g.id = e.group_id OFFSET 0) g"
ROUTE_GROUP = "LEFT JOIN LATERAL (SELECT g.visibility FROM groups g WHERE g.id = r.group_id OFFSET 0) g ON true"
VISIBLE_ROUTE = "(r.group_id IS NULL OR g.visibility = 'public') AND (r.public_stats IS NULL OR r.has_line)"
ROUTE_COLUMNS = f"""r.id, r.name, r.activity, {LENGTH_SEEN} AS length_m,
    COALESCE(CAST(r.public_stats -> 'start' ->> 'lat' AS float8), ST_Y(r.start_point::geometry)) AS lat,
    COALESCE(CAST(r.public_stats -> 'start' ->> 'lon' AS float8), ST_X(r.start_point::geometry)) AS lon"""
ROUTE_SOURCE = """SELECT r.id, r.name, r.activity, r.group_id, r.start_point, r.public_stats, r.length_m,
    r.search_vector, r.public_line IS NOT NULL AS has_line FROM routes r"""


def find(
    words: Words,
    filters: EventFilters,
    kinds: tuple[str, ...] = KINDS,
    near: tuple[float, float, float] | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
) -> list[dict]:
    """Hits of the given kinds (each a row with its "kind"), nearest first within near = (lat, lon, radius_m), else
    best match first. The event filters apply to outings; activity also to routes and (as interest) to groups."""
    if not words.searchable:
        return []
    filters = replace(filters, words=words)
    if near is not None:
        return _nearest(filters, kinds, near, limit, offset)
    wanted, hits = offset + limit, list[dict]()
    for title in (True, False):
        for kind in kinds:
            if len(hits) < wanted:
                hits += [{**row, "kind": kind} for row in BEST[kind](filters, title, wanted - len(hits))]
    return hits[offset:wanted]


def _nearest(
    filters: EventFilters, kinds: tuple[str, ...], near: tuple[float, float, float], limit: int, offset: int
) -> list[dict]:
    """Hits within near's radius of its point, nearest first (then groups, outings, routes; then id)."""
    fetch = {"group": _groups_nearby, "event": _events_near, "route": _routes_nearby}
    hits = [{**row, "kind": kind} for kind in kinds for row in fetch[kind](filters, near, offset + limit)]
    hits.sort(key=lambda hit: (hit["distance_m"], KINDS.index(hit["kind"]), hit["id"]))
    return hits[offset : offset + limit]


def _events_near(filters: EventFilters, near: tuple[float, float, float], wanted: int) -> list[dict]:
    """The `wanted` nearest matching outings (the nearby query with the words), prepared after a few runs: the
    words are tested inside the GiST index on (start, words) whatever they are, so their values change no plan."""
    sql, params = search.events_nearby_sql(filters)
    lat, lon, radius_m = near
    params.update(lat=lat, lon=lon, radius_m=radius_m, rank_k=wanted, limit=wanted, offset=0)
    return reads.rows(sql, params)


def _groups_nearby(filters: EventFilters, near: tuple[float, float, float], wanted: int) -> list[dict]:
    """The `wanted` nearest matching public groups (search.groups_nearby's query with the words)."""
    assert filters.words is not None
    match, params = search.words_match("g.search_vector", filters.words)
    interest = "AND g.interest = :interest" if filters.activity else ""
    lat, lon, radius_m = near
    params.update(lat=lat, lon=lon, radius_m=radius_m, interest=filters.activity, k=wanted)
    return reads.rows(
        f"""SELECT c.id, c.name, c.interest, ST_Y(c.home::geometry) AS lat, ST_X(c.home::geometry) AS lon,
               (SELECT count(*) FROM memberships m WHERE m.group_id = c.id AND m.status = 'active') AS member_count,
               ST_Distance(c.home, {HERE}) AS distance_m
        FROM (SELECT g.id, g.name, g.interest, g.home FROM groups g
              WHERE ST_DWithin(g.home, {HERE}, :radius_m) AND g.visibility = 'public' AND {match} {interest}) c
        ORDER BY distance_m, c.id LIMIT :k""",
        params,
        prepare=False,
    )


def _routes_nearby(filters: EventFilters, near: tuple[float, float, float], wanted: int) -> list[dict]:
    """The `wanted` nearest matching routes (search.routes_nearby's query with the words), at their start."""
    assert filters.words is not None
    match, params = search.words_match("r.search_vector", filters.words)
    optional = [
        ("AND r.activity = :activity", filters.activity),
        (f"AND {LENGTH_SEEN} >= :min_length_m", filters.min_length_m),
        (f"AND {LENGTH_SEEN} <= :max_length_m", filters.max_length_m),
    ]
    extra = " ".join([clause for clause, value in optional if value is not None] + [f"AND {match}"])
    lat, lon, within_m = near
    params.update(lat=lat, lon=lon, within_m=within_m, rank_k=wanted, limit=wanted, offset=0)
    params.update(activity=filters.activity, min_length_m=filters.min_length_m, max_length_m=filters.max_length_m)
    params.update(ratio=search.SPHERE_RATIO, slack_m=search.DISPLAY_SLACK_M)
    rows = reads.rows(search._routes_sql(extra), params, prepare=False)
    return [{**row, "lat": row["start_lat"], "lon": row["start_lon"]} for row in rows]


def _scan_sql(source: str, alias: str, columns: str, order: str) -> str:
    """SQL reading source (SELECT ..., <condition> AS hit FROM <table> alias ...) in order, at most :scan_cap
    rows: the first :k + 1 hits with the columns, and the :scan_cap-th row when the scan gets that far."""
    return f"""
        SELECT {columns}, {alias}.hit, {alias}.n FROM (
            SELECT s.*, row_number() OVER () AS n FROM (
                {source}
                -- a limit the planner cannot see keeps it on the ordered index scan, which stops early
                ORDER BY {order} LIMIT (SELECT CAST(:scan_cap AS integer))) s) {alias}
        WHERE {alias}.hit OR {alias}.n = :scan_cap
        LIMIT :k + 1"""


def _scan(sql: str, params: dict, wanted: int) -> tuple[list[dict], dict | None]:
    """(the first `wanted` hits of a _scan_sql query, its last row when the scan stopped at SCAN_CAP before
    finding them all, else None: then the hits are exact)."""
    rows = reads.rows(sql, {**params, "k": wanted, "scan_cap": SCAN_CAP})
    hits = [_without(row, "hit", "n") for row in rows if row["hit"]][:wanted]
    last = next((row for row in rows if row["n"] == SCAN_CAP), None)
    return hits, (last if len(hits) < wanted else None)


def _tier(alias: str, words: Words, title: bool) -> tuple[str, dict]:
    """SQL selecting the hits with every word in the title or name (title=True), or the others."""
    match, params = search.words_match(TITLE.format(alias), words)
    return (match if title else f"NOT ({match})"), params


def _best_events(filters: EventFilters, title: bool, wanted: int) -> list[dict]:
    """The first `wanted` matching outings of one tier, soonest first."""
    assert filters.words is not None
    return (_events_by_title if title else _events_by_text)(filters, wanted)


def _events_by_title(filters: EventFilters, wanted: int) -> list[dict]:
    """The first `wanted` outings with every word in the title, soonest first: the GiST index on (start time, title
    words) within a window of start times; for words too rare in titles to fill the page there, after it the GIN
    index, unless the words are in so many outings' text that it would read them all: then the GiST index again,
    to the end (a word rare in titles skips most of it)."""
    assert filters.words is not None
    hits, until = _soonest_by_title(filters, wanted)
    if len(hits) == wanted or until is None:
        return hits
    rest, more = replace(filters, starts_from=until), wanted - len(hits)
    if _outings_with(filters.words) > GIN_ROWS:
        return hits + _soonest_by_title(rest, more, bounded=False)[0]
    return hits + _in_windows(rest, True, more, (None,))


def _outings_with(words: Words) -> float:
    """The planner's estimate of the scheduled outings with words in their title or description (of each unspaced
    run its first pair only: more than have the run, never fewer)."""
    query, params = search.words_query(words, heads=True)
    sql = f"EXPLAIN (FORMAT JSON) SELECT FROM events e WHERE e.status = 'scheduled' AND e.search_vector @@ {query}"
    return reads.rows(sql, params, prepare=False)[0]["QUERY PLAN"][0]["Plan"]["Plan Rows"]


def _events_by_text(filters: EventFilters, wanted: int) -> list[dict]:
    """The first `wanted` matching outings without every word in the title, soonest first: common words are in
    the soonest SCAN_CAP outings; else the GIN index in windows of start times sized from the hits the scan saw."""
    assert filters.words is not None
    plain, params = search._event_clauses(replace(filters, words=None))
    words, words_params = search.words_match("e.search_vector", filters.words)
    query, _ = search.words_query(filters.words)
    tier, _ = _tier("e", filters.words, False)
    params.update(words_params)
    source = f"""SELECT e.id, e.title, e.starts_at, e.timezone, e.group_id, e.activity, e.capacity, e.start, e.series_id,
            CASE WHEN {plain.replace(search.PUBLIC_GROUP, "true")} AND {words} AND {tier} THEN {PUBLIC_EVENT} END AS hit
        FROM events e WHERE {_span(filters)} AND numnode({query}) > 0"""
    hits, last = _scan(_scan_sql(source, "e", EVENT_COLUMNS, "e.starts_at, e.id"), params, wanted)
    if last is None:
        return hits
    base = filters.starts_from or (hits[0] if hits else last)["starts_at"]
    end = base + (last["starts_at"] - base) * (2 * wanted / max(len(hits), 1))
    return _in_windows(replace(filters, starts_from=base), False, wanted, (end, base + (end - base) * 4, None))


def _span(filters: EventFilters) -> str:
    """SQL conditions on an outing e's status and start time (the filters' from and to)."""
    return " AND ".join(
        ["e.status = 'scheduled'"]
        + ["e.starts_at >= :starts_from"] * (filters.starts_from is not None)
        + ["e.starts_at <= :starts_to"] * (filters.starts_to is not None)
    )


def _when(timestamp: str) -> str:
    """SQL of the point that the GiST index on (start time, title words) has for the timestamptz expression
    timestamp (migration 0009): its seconds since 1970 as float8, which keeps microseconds apart until 2106."""
    seconds = f"date_part('epoch', ({timestamp} AT TIME ZONE 'UTC'))"
    return f"point({seconds}, {seconds})"


def _window_sql(query: str) -> str:
    """SQL of the CTEs that place the search by title: span's origin (the filters' from, else the first scheduled
    outing) and until (about WINDOW_ROWS scheduled outings later; None unless :bounded, when no scheduled outing
    starts from then on, when that is after the filters' to, or when the tsquery query has no lexeme), both as
    points (low, high)."""
    return f"""origin AS (
            SELECT COALESCE(CAST(:starts_from AS timestamptz),
                            (SELECT min(e.starts_at) FROM events e WHERE e.status = 'scheduled')) AS t),
        probe AS (
            SELECT e.starts_at FROM events e WHERE e.status = 'scheduled' AND e.starts_at >= (SELECT t FROM origin)
            ORDER BY e.starts_at LIMIT {PROBE_ROWS}),
        reach AS (
            SELECT o.t AS origin, CASE WHEN :bounded AND p.n = {PROBE_ROWS} AND numnode({query}) > 0
                                       THEN o.t + (p.last - o.t) * {WINDOW_ROWS / PROBE_ROWS} END AS until
            FROM origin o, (SELECT count(*) AS n, max(probe.starts_at) AS last FROM probe) p),
        span AS (
            SELECT r.origin, w.until, {_when("r.origin")} AS low,
                   COALESCE({_when("w.until")}, point('Infinity', 'Infinity')) AS high
            FROM reach r LEFT JOIN LATERAL (
                SELECT r.until
                WHERE (r.until <= CAST(:starts_to AS timestamptz) OR CAST(:starts_to AS timestamptz) IS NULL)
                  AND (SELECT e.starts_at FROM events e WHERE e.status = 'scheduled' AND e.starts_at >= r.until
                       ORDER BY e.starts_at LIMIT 1) IS NOT NULL) w ON true)"""


def _soonest_by_title(
    filters: EventFilters, wanted: int, *, bounded: bool = True
) -> tuple[list[dict], datetime | None]:
    """The first `wanted` outings with every word in the title, soonest first, among those starting before the end
    of a window of about WINDOW_ROWS scheduled outings (bounded), and that end (None: no window, or it holds every
    later outing).

    The GiST index on (start time, title words) is read nearest first in time from the window's start, testing the
    words in the index and stopping at the wanted-th hit: common words cost a few pages, the window bounds the rare
    ones. Its end is extrapolated from the first PROBE_ROWS scheduled outings. The outings starting at the same
    time as the last hit are all read again, in order of id (the index orders by time alone)."""
    assert filters.words is not None
    plain, params = search._event_clauses(replace(filters, words=None))
    title, words_params = _tier("e", filters.words, True)
    query, _ = search.words_query(filters.words)
    assert query is not None
    params.update(words_params, starts_from=filters.starts_from, starts_to=filters.starts_to, k=wanted)
    params.update(bounded=bounded)
    match = f"{plain} AND {title}"
    when = _when("e.starts_at")
    page = "e.id, e.title, e.starts_at, e.timezone, e.group_id, e.activity, e.capacity, e.start, e.series_id"
    sql = f"""
        WITH {_window_sql(query)},
        knn AS MATERIALIZED (
            SELECT {page} FROM events e {EVENT_GROUP}
            WHERE e.status = 'scheduled' AND {when} <@ box((SELECT low FROM span), (SELECT high FROM span))
              AND e.starts_at >= (SELECT origin FROM span)
              AND (e.starts_at < (SELECT until FROM span) OR (SELECT until FROM span) IS NULL)
              AND numnode({query}) > 0 AND {match}
            ORDER BY {when} <-> (SELECT low FROM span) LIMIT :k),
        last AS (SELECT max(knn.starts_at) AS t, {_when("max(knn.starts_at)")} AS at FROM knn),
        hits AS (
            SELECT * FROM knn WHERE knn.starts_at < (SELECT t FROM last)
            UNION ALL
            SELECT {page} FROM events e {EVENT_GROUP}
            WHERE e.status = 'scheduled' AND {when} <@ box((SELECT at FROM last), (SELECT at FROM last))
              AND e.starts_at = (SELECT t FROM last) AND {match})
        SELECT s.until, c.* FROM span s
        LEFT JOIN LATERAL (SELECT {EVENT_COLUMNS} FROM hits e ORDER BY e.starts_at, e.id LIMIT :k) c ON true
        ORDER BY c.starts_at, c.id"""
    # The same plan whatever the words (the order decides it): prepared after a few runs.
    rows = reads.rows(sql, params)
    return [_without(row, "until") for row in rows if row["id"] is not None], rows[0]["until"]


def _in_windows(filters: EventFilters, title: bool, wanted: int, windows: tuple) -> list[dict]:
    """The first `wanted` matching outings of one tier (rare words), soonest first, through the GIN index: those
    starting from filters' start up to the first of windows (ends, None: all time) that holds `wanted` hits."""
    assert filters.words is not None
    plain, params = search._event_clauses(replace(filters, words=None))
    words, words_params = search.words_match("e.search_vector", filters.words)
    tier, _ = _tier("e", filters.words, title)
    params.update(words_params)
    # The words and the window inside a fence (OFFSET 0): bitmaps of the GIN and start time indexes, never an
    # ordered scan of the window hoping to meet the words early.
    sql = f"""SELECT {EVENT_COLUMNS}, e.found FROM (
            SELECT e.*, count(*) OVER () AS found
            FROM (SELECT * FROM events e WHERE {words} AND {_span(filters)}
                    AND (CAST(:until AS timestamptz) IS NULL OR e.starts_at <= :until) OFFSET 0) e {EVENT_GROUP}
            WHERE {plain} AND {tier}
            ORDER BY e.starts_at, e.id LIMIT :k) e
        ORDER BY e.starts_at, e.id"""
    return _first_window_with(sql, params, windows, wanted)


def _first_window_with(sql: str, params: dict, windows: tuple, wanted: int) -> list[dict]:
    """The rows of sql (counting its hits as found) for the first window (:until) with `wanted` hits, or the last."""
    for window in windows:
        rows = reads.rows(sql, {**params, "until": window, "k": wanted}, prepare=False)
        if window is None or (rows and rows[0]["found"] >= wanted):
            break
    return [_without(row, "found") for row in rows]


def _best_routes(filters: EventFilters, title: bool, wanted: int) -> list[dict]:
    """The first `wanted` matching routes of one tier, newest first (the GIN index when the words are rare)."""
    assert filters.words is not None
    words, params = search.words_match("r.search_vector", filters.words)
    tier, _ = _tier("r", filters.words, title)
    optional = [
        ("r.activity = :activity", filters.activity),
        (f"{LENGTH_SEEN} >= :min_length_m", filters.min_length_m),
        (f"{LENGTH_SEEN} <= :max_length_m", filters.max_length_m),
    ]
    where = " AND ".join([VISIBLE_ROUTE, words, tier] + [clause for clause, value in optional if value is not None])
    params.update(activity=filters.activity, min_length_m=filters.min_length_m, max_length_m=filters.max_length_m)
    source = f"""SELECT r.*, {where} AS hit FROM ({ROUTE_SOURCE}) r {ROUTE_GROUP}"""
    hits, last = _scan(_scan_sql(source, "r", ROUTE_COLUMNS, "r.id DESC"), params, wanted)
    if last is None:
        return hits
    index = f"""SELECT {ROUTE_COLUMNS} FROM ({ROUTE_SOURCE} WHERE {words} OFFSET 0) r {ROUTE_GROUP}
        WHERE {where} ORDER BY r.id DESC LIMIT :k"""
    return reads.rows(index, {**params, "k": wanted}, prepare=False)


def _best_groups(filters: EventFilters, title: bool, wanted: int) -> list[dict]:
    """The first `wanted` matching public groups of one tier, by ts_rank_cd (groups are few: all are ranked)."""
    assert filters.words is not None
    tier, params = _tier("g", filters.words, title)
    query, _ = search.words_query(filters.words)
    interest = "AND g.interest = :interest" if filters.activity else ""
    return reads.rows(
        f"""SELECT g.id, g.name, g.interest, ST_Y(g.home::geometry) AS lat, ST_X(g.home::geometry) AS lon,
               (SELECT count(*) FROM memberships m WHERE m.group_id = g.id AND m.status = 'active') AS member_count
        FROM groups g WHERE g.visibility = 'public' AND g.search_vector @@ {query} AND {tier} {interest}
        ORDER BY ts_rank_cd(g.search_vector, {query}) DESC, g.id LIMIT :k""",
        {**params, "interest": filters.activity, "k": wanted},
        prepare=False,
    )


BEST = {"group": _best_groups, "event": _best_events, "route": _best_routes}


def _without(row: dict, *keys: str) -> dict:
    """row without the given bookkeeping columns."""
    return {key: value for key, value in row.items() if key not in keys}
