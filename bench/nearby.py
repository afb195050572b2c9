"""Nearest-first discovery at a million events, each target a ratio against a floor measured in the same run.

Run by `make bench` (needs DATABASE_URL). Loads the scratch databases once (see _nearby_data.py), then, every
measurement interleaved with its floor so machine load hits both alike:
- the app's nearby-events SQL (raw through psycopg) against a bare `ORDER BY start <-> here LIMIT 20` on events;
- Mobilizon's strategy on the same rows (box on B-tree ST_X/ST_Y, ST_DWithin on geography casts, sorted by
  start time since it cannot sort by distance) against our SQL;
- our SQL on 1,000,000 events against the same on 100,000 (an index grows by a level, a scan by 10x);
- routes-nearby (the service call) on the 100 densest centres against a bare `ORDER BY line <-> here LIMIT 20`;
- wrk throughput of GET /api/v1/events/nearby against the raw endpoint floor: a minimal Flask app answering
  the same JSON from the same SQL through psycopg, on the same werkzeug server.
"""

from __future__ import annotations

import math
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from flask import Flask, jsonify, request
from psycopg.rows import dict_row
from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _nearby_data as data  # noqa: E402
from _ratios import check, interleaved, p95, report  # noqa: E402

from planner import config as planner_config  # noqa: E402
from planner import create_app  # noqa: E402
from planner.api.discovery import event_properties  # noqa: E402
from planner.services import reads, search  # noqa: E402

RADIUS_KM = 50
WITHIN_KM = 10
PAGE = 20
CENTRES = 200
DENSEST = 100
ROUNDS = 5
WRK_SECONDS = 4
WRK_PAIRS = 6  # planner then floor, floor then planner, ...: a drift in machine load hits both sides alike
WRK_CONNECTIONS = 8
HERE = "CAST(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geography)"
KNN_EVENTS_SQL = f"SELECT id FROM events ORDER BY start <-> {HERE} LIMIT %(limit)s"
KNN_2D_SQL = (
    "SELECT id FROM events ORDER BY CAST(start AS geometry) <-> ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) "
    "LIMIT %(limit)s"
)
KNN_ROUTES_SQL = f"SELECT id FROM routes ORDER BY line <-> {HERE} LIMIT %(limit)s"
MOBILIZON_SQL = """
    SELECT m.id, m.starts_at, ST_Y(m.geom) AS lat, ST_X(m.geom) AS lon
    FROM bench_mobilizon_events m JOIN groups g ON g.id = m.group_id
    WHERE ST_X(m.geom) BETWEEN %(min_lon)s AND %(max_lon)s AND ST_Y(m.geom) BETWEEN %(min_lat)s AND %(max_lat)s
      AND ST_DWithin(m.geom::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography, %(radius_m)s)
      AND m.status = 'scheduled' AND g.visibility = 'public' AND m.starts_at >= %(starts_from)s
    ORDER BY m.starts_at LIMIT 20"""
TARGETS = {  # label: (op, target)
    "nearby p95 / bare KNN p95": ("<=", 1.5),
    "Mobilizon p95 / nearby p95": (">=", 20.0),
    "nearby p95 at 1M / at 100k events": ("<=", 1.5),
    "routes-nearby p95 / bare line KNN p95": ("<=", 2.5),
    "endpoint req/s / raw endpoint floor req/s": (">=", 0.85),
}


def raw_events_sql() -> str:
    """The app's nearby-events SQL (upcoming, no other filter) in psycopg's %(name)s style."""
    sql, _ = search.events_nearby_sql(search.EventFilters(starts_from=datetime.now(UTC)))
    return reads.driver_sql(sql)


def raw_params(lat: float, lon: float, radius_m: float, starts_from: datetime) -> dict:
    """The parameters the service binds for one nearby-events page of 20."""
    return {
        "lat": lat,
        "lon": lon,
        "radius_m": radius_m,
        "starts_from": starts_from,
        "rank_k": PAGE,
        "limit": PAGE,
        "offset": 0,
    }


def mobilizon_params(lat: float, lon: float, starts_from: datetime) -> dict:
    """Mobilizon's box around the circle plus the circle itself."""
    radius_m = RADIUS_KM * 1000.0
    dlat = radius_m / 111_320.0
    dlon = radius_m / (111_320.0 * max(0.01, math.cos(math.radians(lat))))
    return {
        "lat": lat,
        "lon": lon,
        "radius_m": radius_m,
        "starts_from": starts_from,
        "min_lat": lat - dlat,
        "max_lat": lat + dlat,
        "min_lon": lon - dlon,
        "max_lon": lon + dlon,
    }


def centres(conn: psycopg.Connection) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """200 city centres, and the 100 with the most routes within WITHIN_KM."""
    rows = conn.execute(
        """
        SELECT c.lat, c.lon, (SELECT count(*) FROM routes r WHERE ST_DWithin(
                   r.line, ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)::geography, %s)) AS routes
        FROM bench_cities c ORDER BY c.rank""",
        (WITHIN_KM * 1000.0,),
    ).fetchall()
    every = [(lat, lon) for lat, lon, _ in rows]
    step = len(every) / CENTRES
    sample = [every[int(i * step)] for i in range(CENTRES)]
    densest = [(lat, lon) for lat, lon, _ in sorted(rows, key=lambda row: -row[2])[:DENSEST]]
    return sample, densest


def measure_events(large: str, small: str, sample) -> dict[str, float]:
    """p95 (s) of our SQL on both datasets, the bare KNN and Mobilizon's strategy, interleaved per centre."""
    sql, now, radius_m = raw_events_sql(), datetime.now(UTC), RADIUS_KM * 1000.0
    with psycopg.connect(large, autocommit=True) as big, psycopg.connect(small, autocommit=True) as little:
        runs = {
            "our nearby-events SQL, 1M events": lambda lat, lon: big.execute(
                sql, raw_params(lat, lon, radius_m, now)
            ).fetchall(),
            "our nearby-events SQL, 100k events": lambda lat, lon: little.execute(
                sql, raw_params(lat, lon, radius_m, now)
            ).fetchall(),
            "floor: bare KNN on events.start, 1M events": lambda lat, lon: big.execute(
                KNN_EVENTS_SQL, {"lat": lat, "lon": lon, "limit": PAGE}
            ).fetchall(),
            "context: bare KNN on the 2D index of start::geometry, 1M": lambda lat, lon: big.execute(
                KNN_2D_SQL, {"lat": lat, "lon": lon, "limit": PAGE}
            ).fetchall(),
            "Mobilizon strategy (peer), 1M events": lambda lat, lon: big.execute(
                MOBILIZON_SQL, mobilizon_params(lat, lon, now)
            ).fetchall(),
        }
        samples = interleaved(runs, sample, ROUNDS)
    for name, values in samples.items():
        report(name, values)
    return {name: p95(values) for name, values in samples.items()}


def measure_routes(app, conninfo: str, densest) -> dict[str, float]:
    """p95 (s) of routes-nearby through the service and of the bare line KNN, interleaved per centre."""
    with app.app_context(), psycopg.connect(conninfo, autocommit=True) as conn:
        runs = {
            "routes-nearby (service call)": lambda lat, lon: search.routes_nearby(lat, lon, WITHIN_KM * 1000.0),
            "floor: bare KNN on routes.line": lambda lat, lon: conn.execute(
                KNN_ROUTES_SQL, {"lat": lat, "lon": lon, "limit": PAGE}
            ).fetchall(),
        }
        samples = interleaved(runs, densest, ROUNDS)
    for name, values in samples.items():
        report(name, values)
    return {name: p95(values) for name, values in samples.items()}


class QuietHandler(WSGIRequestHandler):
    """werkzeug's request handler without the per-request log line."""

    def log_request(self, *args, **kwargs) -> None:
        """Skip request logging (it would cost both servers alike and flood the output)."""


def floor_app(conninfo: str, sql: str, pool_size: int = WRK_CONNECTIONS) -> Flask:
    """The raw endpoint floor: a minimal Flask app answering the endpoint's JSON from the same SQL via psycopg."""
    pool: queue.Queue = queue.Queue()
    for _ in range(pool_size):
        pool.put(psycopg.connect(conninfo, autocommit=True))
    floor = Flask("raw_nearby")

    @floor.get("/raw/events/nearby")
    def nearby():
        """The nearby-events FeatureCollection for ?lat=&lon=&radius_km=."""
        lat, lon, radius_km = (float(request.args[name]) for name in ("lat", "lon", "radius_km"))
        conn = pool.get()
        try:
            cursor = conn.cursor(row_factory=dict_row)
            rows = cursor.execute(sql, raw_params(lat, lon, radius_km * 1000.0, datetime.now(UTC))).fetchall()
        finally:
            pool.put(conn)
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(r["lon"], 6), round(r["lat"], 6)]},
                "properties": event_properties(r),
            }
            for r in rows
        ]
        return jsonify({"type": "FeatureCollection", "features": features})

    return floor


def wrk_requests_per_s(wsgi_app, path: str, points: list[tuple[float, float]]) -> float:
    """Serve wsgi_app on 127.0.0.1 (werkzeug, threaded) and run wrk for WRK_SECONDS over path?lat=&lon= for points."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    paths = ", ".join(f'"{path}?lat={lat:.5f}&lon={lon:.5f}&radius_km={RADIUS_KM}"' for lat, lon in points)
    script = (
        f"local paths = {{{paths}}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n"
        f'  return wrk.format("GET", paths[i])\nend\n'
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        command = ["wrk", "-t1", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "-s", lua.name, url]
        output = subprocess.run(command, capture_output=True, text=True, timeout=WRK_SECONDS + 30, check=True).stdout
    finally:
        server.shutdown()
        server.server_close()
        os.unlink(lua.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} error responses:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def measure_throughput(app, conninfo: str, sample) -> float:
    """The median over WRK_PAIRS pairs of (planner req/s / floor req/s), the pair's order alternating."""
    print(f"wrk, {WRK_PAIRS} pairs x {WRK_SECONDS} s, {WRK_CONNECTIONS} connections, werkzeug threaded on 127.0.0.1:")
    floor = floor_app(conninfo, raw_events_sql())
    sides = {"planner": (app, "/api/v1/events/nearby"), "floor": (floor, "/raw/events/nearby")}
    runs: dict[str, list[float]] = {"planner": [], "floor": []}
    for pair in range(WRK_PAIRS):
        for side in ("planner", "floor") if pair % 2 == 0 else ("floor", "planner"):
            runs[side].append(wrk_requests_per_s(*sides[side], sample))
    for side, label in (
        ("planner", "GET /api/v1/events/nearby"),
        ("floor", "floor: minimal Flask app, same SQL via psycopg"),
    ):
        print(
            f"  {label:<58} {statistics.median(runs[side]):8.0f} req/s (runs {' '.join(f'{r:.0f}' for r in runs[side])})"
        )
    return statistics.median(a / b for a, b in zip(runs["planner"], runs["floor"]))


def bench_app(bench_url: str):
    """The app as configured, on the scratch database, its pool as large as the server's concurrent requests."""
    options = {**planner_config.from_env()["SQLALCHEMY_ENGINE_OPTIONS"], "pool_size": WRK_CONNECTIONS}
    config = {"SQLALCHEMY_DATABASE_URI": bench_url, "GEOCODER_URL": "", "TILES_URL": ""}
    return create_app({**config, "SQLALCHEMY_ENGINE_OPTIONS": options})


def main() -> int:
    """Load (once), measure, print each ratio with PASS/MISS; exit 1 when a target is missed."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("Set DATABASE_URL to the PostGIS server (make bench does).", file=sys.stderr)
        return 2
    bench_url = data.ensure_loaded(url, data.LARGE)
    data.ensure_loaded(url, data.SMALL)
    large, small = data.sync_url(url, data.LARGE.name), data.sync_url(url, data.SMALL.name)
    with psycopg.connect(large, autocommit=True) as conn:
        sample, densest = centres(conn)
    app = bench_app(bench_url)
    print(f"load average before measuring: {' '.join(f'{n:.2f}' for n in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"nearby events, radius {RADIUS_KM} km, page of {PAGE}, {CENTRES} city centres x {ROUNDS} rounds:")
    events = measure_events(large, small, sample)
    print(f"routes nearby, within {WITHIN_KM} km, page of {PAGE}, {DENSEST} densest centres x {ROUNDS} rounds:")
    routes = measure_routes(app, large, densest)
    throughput = measure_throughput(app, large, sample)
    ours = events["our nearby-events SQL, 1M events"]
    values = {
        "nearby p95 / bare KNN p95": ours / events["floor: bare KNN on events.start, 1M events"],
        "Mobilizon p95 / nearby p95": events["Mobilizon strategy (peer), 1M events"] / ours,
        "nearby p95 at 1M / at 100k events": ours / events["our nearby-events SQL, 100k events"],
        "routes-nearby p95 / bare line KNN p95": routes["routes-nearby (service call)"]
        / routes["floor: bare KNN on routes.line"],
        "endpoint req/s / raw endpoint floor req/s": throughput,
    }
    print("targets:")
    met = [check(label, values[label], *TARGETS[label]) for label in TARGETS]
    two_d = ours / events["context: bare KNN on the 2D index of start::geometry, 1M"]
    print(f"  context, no target: nearby p95 / bare KNN p95 on the 2D index our SQL uses = {two_d:.2f}x")
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
