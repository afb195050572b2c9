"""Benchmark of nearest-first discovery at a million events (run by `make bench`; needs DATABASE_URL).

Loads the scratch database planner_bench once (see _nearby_data.py), then for 200 city centres prints the
median and p95 of: (a) GET /api/v1/events/nearby through the app, (b) the same SQL raw through psycopg,
(c) Mobilizon's strategy on the same rows (box on B-tree ST_X/ST_Y, ST_DWithin on geography casts, sorted by
start time since it cannot sort by distance); routes-nearby p95 on the 100 densest centres; and wrk's
throughput against the endpoint and against a minimal raw-psycopg Flask endpoint running the same SQL.
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
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from flask import Flask, jsonify, request
from psycopg.rows import dict_row
from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _nearby_data as data  # noqa: E402

from planner import config as planner_config  # noqa: E402
from planner import create_app  # noqa: E402
from planner.api.discovery import event_properties  # noqa: E402
from planner.services import search  # noqa: E402

RADIUS_KM = 50
WITHIN_KM = 10
CENTRES = 200
DENSEST = 100
ROUNDS = 3
WRK_SECONDS = 5
WRK_ROUNDS = 3  # alternating pairs (planner, raw), so a change in machine load hits both sides alike
WRK_CONNECTIONS = 8
MOBILIZON_SQL = """
    SELECT m.id, m.starts_at, ST_Y(m.geom) AS lat, ST_X(m.geom) AS lon
    FROM bench_mobilizon_events m JOIN groups g ON g.id = m.group_id
    WHERE ST_X(m.geom) BETWEEN %(min_lon)s AND %(max_lon)s AND ST_Y(m.geom) BETWEEN %(min_lat)s AND %(max_lat)s
      AND ST_DWithin(m.geom::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography, %(radius_m)s)
      AND m.status = 'scheduled' AND g.visibility = 'public' AND m.starts_at >= %(starts_from)s
    ORDER BY m.starts_at LIMIT 20"""


def percentiles_ms(samples_s: list[float]) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    ordered = sorted(samples_s)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(run, argument_sets: list, rounds: int = ROUNDS) -> list[float]:
    """Seconds per call of run(*args), one warm-up pass then `rounds` passes over argument_sets."""
    for args in argument_sets:
        run(*args)
    samples = []
    for _ in range(rounds):
        for args in argument_sets:
            started = time.perf_counter()
            run(*args)
            samples.append(time.perf_counter() - started)
    return samples


def raw_events_sql() -> str:
    """The app's nearby-events SQL (upcoming, no other filter) in psycopg's %(name)s style."""
    sql, _ = search.events_nearby_sql(search.EventFilters(starts_from=datetime.now(UTC)))
    return search.driver_sql(sql)


def raw_params(lat: float, lon: float, starts_from: datetime) -> dict:
    """The parameters the service binds for one nearby-events page of 20."""
    return {
        "lat": lat,
        "lon": lon,
        "radius_m": RADIUS_KM * 1000.0,
        "starts_from": starts_from,
        "rank_k": 20,
        "limit": 20,
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


class QuietHandler(WSGIRequestHandler):
    """werkzeug's request handler without the per-request log line."""

    def log_request(self, *args, **kwargs) -> None:
        """Skip request logging (it would cost both servers alike and flood the output)."""


def raw_app(conninfo: str, sql: str, pool_size: int = WRK_CONNECTIONS) -> Flask:
    """A minimal Flask app answering the same nearby-events JSON straight from psycopg (the throughput floor)."""
    app = Flask("raw_nearby")
    pool: queue.Queue = queue.Queue()
    for _ in range(pool_size):
        pool.put(psycopg.connect(conninfo, autocommit=True))

    @app.get("/raw/events/nearby")
    def nearby():
        """The nearby-events JSON for ?lat=&lon=."""
        lat, lon = float(request.args["lat"]), float(request.args["lon"])
        conn = pool.get()
        try:
            cursor = conn.cursor(row_factory=dict_row)
            rows = cursor.execute(sql, raw_params(lat, lon, datetime.now(UTC))).fetchall()
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

    return app


def wrk_requests_per_s(app: Flask, path: str, points: list[tuple[float, float]]) -> float:
    """Serve app on 127.0.0.1 (werkzeug, threaded) and run wrk for WRK_SECONDS over path?lat=&lon= for points."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    paths = ", ".join(f'"{path}?lat={lat:.5f}&lon={lon:.5f}&radius_km={RADIUS_KM}"' for lat, lon in points)
    script = (
        f"local paths = {{{paths}}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n"
        f'  return wrk.format("GET", paths[i])\nend\n'
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{WRK_CONNECTIONS}",
                f"-d{WRK_SECONDS}s",
                "-s",
                lua.name,
                f"http://127.0.0.1:{server.server_port}",
            ],
            capture_output=True,
            text=True,
            timeout=WRK_SECONDS + 30,
            check=True,
        ).stdout
    finally:
        server.shutdown()
        os.unlink(lua.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} error responses:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def verdict(ok: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if ok else "FAIL"


def report_latency(name: str, samples_s: list[float]) -> tuple[float, float]:
    """Print and return (median, p95) in ms."""
    median_ms, p95_ms = percentiles_ms(samples_s)
    print(f"  {name:<44} median {median_ms:7.3f} ms   p95 {p95_ms:7.3f} ms   (n={len(samples_s)})")
    return median_ms, p95_ms


def measure_latencies(app: Flask, conninfo: str, sample, densest) -> dict[str, tuple[float, float]]:
    """(a) endpoint, (b) raw SQL, (c) Mobilizon strategy on 200 centres; routes nearby on the densest 100."""
    client = app.test_client()
    now = datetime.now(UTC)
    sql = raw_events_sql()

    def endpoint(lat, lon):
        """One nearby-events request through the app."""
        response = client.get(f"/api/v1/events/nearby?lat={lat}&lon={lon}&radius_km={RADIUS_KM}")
        assert response.status_code == 200, response.get_data(as_text=True)

    def routes(lat, lon):
        """One nearby-routes request through the app."""
        response = client.get(f"/api/v1/routes/nearby?lat={lat}&lon={lon}&within_km={WITHIN_KM}")
        assert response.status_code == 200, response.get_data(as_text=True)

    results = {}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        results["endpoint"] = report_latency("(a) GET /events/nearby through the app", timed(endpoint, sample))
        results["raw"] = report_latency(
            "(b) same SQL raw through psycopg",
            timed(lambda lat, lon: conn.execute(sql, raw_params(lat, lon, now)).fetchall(), sample),
        )
        results["mobilizon"] = report_latency(
            "(c) Mobilizon strategy (peer)",
            timed(lambda lat, lon: conn.execute(MOBILIZON_SQL, mobilizon_params(lat, lon, now)).fetchall(), sample),
        )
    results["routes"] = report_latency(f"routes nearby, {DENSEST} densest centres", timed(routes, densest))
    return results


def bench_app(bench_url: str) -> Flask:
    """The app as configured, on the scratch database, its pool as large as the server's concurrent requests."""
    options = {**planner_config.from_env()["SQLALCHEMY_ENGINE_OPTIONS"], "pool_size": WRK_CONNECTIONS}
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": bench_url,
            "GEOCODER_URL": "",
            "TILES_URL": "",
            "SQLALCHEMY_ENGINE_OPTIONS": options,
        }
    )


def measure_throughput(app: Flask, conninfo: str, sample) -> tuple[float, float]:
    """wrk req/s of the app's endpoint and of the raw-psycopg endpoint, each the mean of WRK_ROUNDS runs taken
    in alternation (planner, raw, planner, raw, ...)."""
    print(
        f"wrk, {WRK_ROUNDS} x {WRK_SECONDS} s each, alternating, {WRK_CONNECTIONS} connections, "
        "werkzeug threaded on 127.0.0.1:"
    )
    raw = raw_app(conninfo, raw_events_sql())
    app_runs, raw_runs = [], []
    for _ in range(WRK_ROUNDS):
        app_runs.append(wrk_requests_per_s(app, "/api/v1/events/nearby", sample))
        raw_runs.append(wrk_requests_per_s(raw, "/raw/events/nearby", sample))
    app_rps, raw_rps = statistics.mean(app_runs), statistics.mean(raw_runs)
    print(
        f"  planner endpoint {app_rps:8.0f} req/s   raw-psycopg endpoint {raw_rps:8.0f} req/s   (runs: planner "
        f"{' '.join(f'{r:.0f}' for r in app_runs)}; raw {' '.join(f'{r:.0f}' for r in raw_runs)})"
    )
    return app_rps, raw_rps


def print_targets(results: dict[str, tuple[float, float]], app_rps: float, raw_rps: float) -> int:
    """Print each ratio with PASS/FAIL; 0 when every target is met, else 1."""
    checks = [
        ("raw nearby-events p95 <= 1 ms", results["raw"][1], 1.0, results["raw"][1] <= 1.0),
        ("endpoint throughput >= 0.8x raw endpoint", app_rps / raw_rps, 0.8, app_rps / raw_rps >= 0.8),
        ("routes-nearby p95 <= 20 ms (densest)", results["routes"][1], 20.0, results["routes"][1] <= 20.0),
        (
            "Mobilizon p95 / planner raw p95 > 1",
            results["mobilizon"][1] / results["raw"][1],
            1.0,
            results["mobilizon"][1] > results["raw"][1],
        ),
        ("Mobilizon p95 / planner endpoint p95", results["mobilizon"][1] / results["endpoint"][1], None, None),
    ]
    print("targets:")
    for name, value, target, ok in checks:
        status = "info" if ok is None else verdict(ok)
        print(f"  {name:<44} {value:9.3f}" + (f"   target {target:g}   {status}" if target else f"   {status}"))
    return 0 if all(ok is not False for *_, ok in checks) else 1


def main() -> int:
    """Load (once), measure, print ratios and PASS/FAIL per target; exit 1 when a target is missed."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("Set DATABASE_URL to the PostGIS server (make bench does).", file=sys.stderr)
        return 2
    bench_url = data.ensure_database(url)
    conninfo = data.sync_url(url, data.DB_NAME)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if not data.is_loaded(conn):
            print(f"loading {data.EVENTS:,} events and {data.ROUTES:,} routes into {data.DB_NAME} ...", flush=True)
            print(f"  loaded in {data.load(url):.0f} s", flush=True)
        sample, densest = centres(conn)
    app = bench_app(bench_url)
    print(f"load average before measuring: {' '.join(f'{n:.2f}' for n in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"nearby events, radius {RADIUS_KM} km, page of 20, {CENTRES} city centres x {ROUNDS} rounds:")
    results = measure_latencies(app, conninfo, sample, densest)
    app_rps, raw_rps = measure_throughput(app, conninfo, sample)
    return print_targets(results, app_rps, raw_rps)


if __name__ == "__main__":
    sys.exit(main())
