"""GPX ingest benchmark: planner's full ingest against two floors measured in the same run.

Full ingest = routes.import_gpx: safety gate, parse, stats, simplify and store in PostGIS (one commit).
Floors: bare gpxpy.parse (its default parser) and one xml.etree iterparse pass extracting the same points.
Each measurement runs in a fresh subprocess (median of RUNS), which also gives each its own peak RSS.
Targets: ingest <= 1.0x gpxpy.parse, <= 3x iterparse, ingest peak RSS < 300 MB.

Run: DATABASE_URL=... .venv/bin/python bench/gpx_ingest.py   (make bench does this)
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
N_POINTS = 100_000
RUNS = 3
DATA_FILE = HERE.parent / "var" / "bench" / f"bench-{N_POINTS}.gpx"


def bench_url() -> str:
    """The scratch database for this benchmark, on DATABASE_URL's server."""
    from sqlalchemy import make_url

    base = make_url(os.environ["DATABASE_URL"])
    return base.set(database="planner_bench_gpx").render_as_string(hide_password=False)


def prepare() -> None:
    """Write the test file once and create and migrate the scratch database."""
    from gpx_ingest_pure import make_gpx
    from sqlalchemy import create_engine, make_url, text

    DATA_FILE.parent.mkdir(parents=True, exist_ok=True)
    if not DATA_FILE.exists():
        DATA_FILE.write_bytes(make_gpx(N_POINTS))
    url = bench_url()
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = 'planner_bench_gpx'")):
            conn.execute(text('CREATE DATABASE "planner_bench_gpx"'))
    admin.dispose()
    app = _app()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(HERE.parent / "migrations"))


def _app():
    """The planner app on the scratch database."""
    from planner import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": bench_url()})


def stage_ingest(data: bytes) -> float:
    """Seconds for one full import_gpx (the route is deleted afterwards, untimed)."""
    from planner.extensions import db
    from planner.models import Route
    from planner.services import accounts, routes

    app = _app()
    with app.app_context():
        owner = accounts.user_by_email("bench@example.org") or accounts.register("bench@example.org", "benchbench", "B")
        db.session.execute(db.select(Route.id).limit(1))  # open the pool's connection before timing
        started = time.perf_counter()
        route = routes.import_gpx(owner.id, data)
        elapsed = time.perf_counter() - started
        assert route.point_count == N_POINTS
        db.session.delete(route)
        db.session.commit()
    return elapsed


def stage_gpxpy(data: bytes) -> float:
    """Seconds for bare gpxpy.parse."""
    import gpxpy

    started = time.perf_counter()
    parsed = gpxpy.parse(data.decode("utf-8"))
    elapsed = time.perf_counter() - started
    assert parsed.get_track_points_no() == N_POINTS
    return elapsed


def stage_iterparse(data: bytes) -> float:
    """Seconds for one iterparse pass extracting lat, lon, ele and time."""
    from gpx_ingest_pure import iterparse_points

    started = time.perf_counter()
    count = iterparse_points(data)
    elapsed = time.perf_counter() - started
    assert count == N_POINTS
    return elapsed


STAGES = {"ingest": stage_ingest, "gpxpy": stage_gpxpy, "iterparse": stage_iterparse}


def run_stage(name: str) -> dict:
    """Run one stage in a subprocess; its seconds and peak RSS in MB."""
    out = subprocess.run([sys.executable, __file__, "--stage", name], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    """Measure every stage RUNS times and print medians, ratios and targets."""
    prepare()
    print(f"GPX ingest benchmark: {N_POINTS:,} points, {DATA_FILE.stat().st_size / 1e6:.1f} MB, median of {RUNS}")
    results = {name: [run_stage(name) for _ in range(RUNS)] for name in STAGES}
    seconds = {name: statistics.median(r["seconds"] for r in runs) for name, runs in results.items()}
    rss_mb = {name: max(r["peak_rss_mb"] for r in runs) for name, runs in results.items()}
    for name in STAGES:
        print(f"  {name:<10} {seconds[name]:7.3f} s   peak RSS {rss_mb[name]:6.1f} MB")
    checks = [
        ("ingest / gpxpy.parse", seconds["ingest"] / seconds["gpxpy"], 1.0),
        ("ingest / iterparse", seconds["ingest"] / seconds["iterparse"], 3.0),
    ]
    ok = True
    for label, ratio, target in checks:
        met = ratio <= target
        ok &= met
        print(f"  {label:<22} {ratio:5.2f}x  (target <= {target:.1f}x)  {'PASS' if met else 'FAIL'}")
    met = rss_mb["ingest"] < 300
    ok &= met
    print(f"  ingest peak RSS        {rss_mb['ingest']:5.0f} MB (target < 300 MB)  {'PASS' if met else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--stage":
        data = DATA_FILE.read_bytes()
        elapsed = STAGES[sys.argv[2]](data)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"seconds": elapsed, "peak_rss_mb": peak_mb}))
    else:
        sys.exit(main())
