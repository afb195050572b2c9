"""GPX ingest benchmark: planner's full ingest against floors measured in the same run (run by `make bench`).

Full ingest = routes.import_gpx: safety gate, parse, stats, simplify and store in PostGIS (one commit).
Floors: one lxml.etree.iterparse pass extracting the same points (lxml from var/bench/lxml, which `make bench`
installs there so the project's own environment, and gpxpy in it, stays without lxml), and bare gpxpy.parse.
Each measurement runs in a fresh subprocess (after one warm-up call), the stages interleaved over ROUNDS rounds;
the medians give the ratios: time against both floors, time per point at 100,000 against 10,000 points, and the
growth of peak RSS against gpxpy.parse's (which builds an object per point).

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

from _ratios import check  # noqa: E402
from gpx_ingest_pure import LXML_DIR  # noqa: E402

POINTS = 100_000
SMALL_POINTS = 10_000
ROUNDS = 5
CALLS = 2  # timed calls on the big file per stage process; ingest's each followed by SMALL_CALLS on the small one
SMALL_CALLS = 5
DATA_DIR = HERE.parent / "var" / "bench"
STAGES = {"ingest": "ingest", "lxml-iterparse": "iterparse", "gpxpy.parse": "gpxpy"}  # printed name: runner


def data_file(n_points: int) -> Path:
    """The generated GPX file of n_points points."""
    return DATA_DIR / f"bench-{n_points}.gpx"


def bench_url() -> str:
    """The scratch database for this benchmark, on DATABASE_URL's server."""
    from sqlalchemy import make_url

    base = make_url(os.environ["DATABASE_URL"])
    return base.set(database="planner_bench_gpx").render_as_string(hide_password=False)


def prepare() -> None:
    """Write the test files once and create and migrate the scratch database."""
    from gpx_ingest_pure import make_gpx
    from sqlalchemy import create_engine, make_url, text

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for n_points in (POINTS, SMALL_POINTS):
        if not data_file(n_points).exists():
            data_file(n_points).write_bytes(make_gpx(n_points))
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


def ingest_runner():
    """A function running one full import_gpx (inside an app context it keeps open), deleting the route after."""
    from planner.extensions import db
    from planner.services import accounts, routes

    _app().app_context().push()
    owner = accounts.user_by_email("bench@example.org") or accounts.register("bench@example.org", "benchbench", "B")

    def ingest(data: bytes) -> int:
        """Import data as a route of owner's, then delete it; returns its point count."""
        route = routes.import_gpx(owner.id, data)
        count = route.point_count
        db.session.delete(route)
        db.session.commit()
        return count

    return ingest


def iterparse_runner():
    """The lxml floor: one iterparse pass collecting lat, lon, ele and time of every trkpt."""
    sys.path.insert(0, str(LXML_DIR))
    from gpx_ingest_pure import iterparse_points

    return iterparse_points


def gpxpy_runner():
    """Bare gpxpy.parse (standard-library XML backend: the environment has no lxml)."""
    from gpx_ingest_pure import gpxpy_parse

    return gpxpy_parse


RUNNERS = {"ingest": ingest_runner, "iterparse": iterparse_runner, "gpxpy": gpxpy_runner}


def timed(run, data: bytes, n_points: int) -> float:
    """Seconds for run(data), checking it read n_points points."""
    started = time.perf_counter()
    count = run(data)
    elapsed = time.perf_counter() - started
    assert count == n_points, count
    return elapsed


def run_in_this_process(kind: str) -> dict:
    """Warm up, time CALLS calls on the big file (ingest: SMALL_CALLS on the small one after each): medians, RSS."""
    from gpx_ingest_pure import make_gpx

    run = RUNNERS[kind]()
    run(make_gpx(50))  # one-time costs (imports, compiled statements, pool connection) stay out of the timing
    big, small = data_file(POINTS).read_bytes(), data_file(SMALL_POINTS).read_bytes()
    before_mb = current_rss_mb()
    seconds, small_seconds = [], []
    for _ in range(CALLS):
        seconds.append(timed(run, big, POINTS))
        if kind == "ingest":
            small_seconds += [timed(run, small, SMALL_POINTS) for _ in range(SMALL_CALLS)]
    return {
        "seconds": statistics.median(seconds),
        "small_seconds": statistics.median(small_seconds) if small_seconds else None,
        "rss_growth_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before_mb,
    }


def current_rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_stage(name: str) -> dict:
    """Run one stage in a fresh subprocess; what run_in_this_process returned there."""
    command = [sys.executable, __file__, "--stage", STAGES[name]]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    """Measure the stages interleaved over ROUNDS rounds, print medians and each ratio with PASS/MISS."""
    prepare()
    size_mb = data_file(POINTS).stat().st_size / 1e6
    print(
        f"GPX ingest: {POINTS:,} points ({size_mb:.1f} MB) and {SMALL_POINTS:,}, median of {ROUNDS} interleaved rounds"
    )
    names = list(STAGES)
    results: dict[str, list[dict]] = {name: [] for name in names}
    for turn in range(ROUNDS):
        for name in names[turn % len(names) :] + names[: turn % len(names)]:
            results[name].append(run_stage(name))
    seconds = {name: statistics.median(r["seconds"] for r in runs) for name, runs in results.items()}
    growth_mb = {name: statistics.median(r["rss_growth_mb"] for r in runs) for name, runs in results.items()}
    for name in names:
        print(f"  {name:<16} {seconds[name]:7.3f} s   peak RSS growth {growth_mb[name]:6.1f} MB")
    small_s = statistics.median(r["small_seconds"] for r in results["ingest"])
    print(f"  {'ingest, 10k':<16} {small_s:7.3f} s")
    per_point = (seconds["ingest"] / POINTS) / (small_s / SMALL_POINTS)
    met = [
        check("GPX ingest / lxml iterparse floor", seconds["ingest"] / seconds["lxml-iterparse"], "<=", 2.5),
        check("GPX ingest / gpxpy.parse", seconds["ingest"] / seconds["gpxpy.parse"], "<=", 1.0),
        check(f"ingest time per point at {POINTS:,} / at {SMALL_POINTS:,} points", per_point, "within", 1.3),
        check("GPX ingest peak RSS growth / gpxpy.parse's", growth_mb["ingest"] / growth_mb["gpxpy.parse"], "<=", 1.0),
    ]
    return 0 if all(met) else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--stage":
        print(json.dumps(run_in_this_process(sys.argv[2])))
    else:
        sys.exit(main())
