"""Load test (issue #6, point 6; run by `make bench`; needs DATABASE_URL, gunicorn and wrk).

Recreates the scratch database planner_load on DATABASE_URL's server (600 events around 12 cities, 10 small
outings to RSVP to, 80 people with bearer tokens), starts gunicorn with 2 workers on 127.0.0.1, and runs
60 s of wrk with bench/load.lua: 70 % nearby search, 20 % event pages, 10 % RSVPs (answer, or withdraw an
earlier answer). Prints req/s, p50/p99 latency and errors, then checks the RSVP invariants in SQL and against
the API. Exit 1 on any error or broken invariant.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import recreate_database, sync_url  # noqa: E402
from bench.processes import free_port, start_gunicorn, stop_group  # noqa: E402
from planner import create_app  # noqa: E402
from planner.extensions import db  # noqa: E402
from planner.models import Event, Group, Membership, User  # noqa: E402
from planner.services import accounts  # noqa: E402

DB_NAME = "planner_load"
SECONDS = int(os.environ.get("PLANNER_LOAD_SECONDS", "60"))  # shorter only for trying the script out
WORKERS = 2
THREADS_PER_WORKER = 4
WRK_CONNECTIONS = 8
CITIES = [
    ("Hangzhou", 30.274, 120.155),
    ("Shanghai", 31.230, 121.474),
    ("Berlin", 52.520, 13.405),
    ("London", 51.507, -0.128),
    ("Paris", 48.857, 2.352),
    ("Madrid", 40.417, -3.704),
    ("New York", 40.713, -74.006),
    ("San Francisco", 37.775, -122.419),
    ("Tokyo", 35.690, 139.692),
    ("Sydney", -33.869, 151.209),
    ("Cape Town", -33.925, 18.424),
    ("Sao Paulo", -23.551, -46.633),
]
EVENTS_PER_CITY = 50
RSVP_EVENTS = 10
PEOPLE = 80


def _point(rng: random.Random, lat: float, lon: float, within_m: float = 25_000) -> str:
    """EWKT of a random point within within_m of (lat, lon)."""
    distance, bearing = within_m * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111_320
    dlon = distance * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
    return f"SRID=4326;POINT({lon + dlon:.6f} {lat + dlat:.6f})"


def _event(group, rng: random.Random, title: str, capacity: int, lat: float, lon: float):
    """An upcoming outing of group near (lat, lon)."""
    starts_at = datetime.now(UTC) + timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23))
    return Event(
        group_id=group.id,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        timezone="UTC",
        capacity=capacity,
        activity=rng.choice(("hiking", "cycling", "running")),
        start=_point(rng, lat, lon),
    )


def seed(load_url: str) -> dict:
    """Groups, events, small RSVP outings and people with tokens; returns what load.lua needs."""
    rng = random.Random(6)
    app = create_app({"SQLALCHEMY_DATABASE_URI": load_url, "GEOCODER_URL": "", "TILES_URL": ""})
    with app.app_context():
        owner = User(email="owner@load.example", password_hash="x", display_name="Owner")
        people = [User(email=f"p{i}@load.example", password_hash="x", display_name=f"P{i}") for i in range(PEOPLE)]
        groups = [
            Group(name=f"{name} outdoors", interest="hiking", home=_point(rng, lat, lon, 1))
            for name, lat, lon in CITIES
        ]
        db.session.add_all([owner, *people, *groups])
        db.session.flush()
        db.session.add_all([Membership(group_id=g.id, user_id=owner.id, role="owner") for g in groups])
        events = [
            _event(g, rng, f"{name} outing {n}", rng.randint(10, 30), lat, lon)
            for g, (name, lat, lon) in zip(groups, CITIES)
            for n in range(EVENTS_PER_CITY)
        ]
        small = [
            _event(groups[0], rng, f"Small outing {n}", rng.randint(3, 6), *CITIES[0][1:]) for n in range(RSVP_EVENTS)
        ]
        db.session.add_all([*events, *small])
        db.session.commit()
        tokens = [accounts.issue_token(person, 30)[0] for person in people]
        return {
            "points": [(lat, lon) for _, lat, lon in CITIES],
            "events": [e.id for e in events + small],
            "rsvp_events": [e.id for e in small],
            "tokens": tokens,
        }


def write_data_file(seeded: dict, directory: str) -> str:
    """The data file load.lua reads; returns its path."""
    lines = [f"point {lat} {lon}" for lat, lon in seeded["points"]]
    lines += [f"event {i}" for i in seeded["events"]] + [f"rsvp_event {i}" for i in seeded["rsvp_events"]]
    lines += [f"token {t}" for t in seeded["tokens"]]
    path = os.path.join(directory, "load.data")
    Path(path).write_text("\n".join(lines) + "\n")
    return path


def start_app(load_url: str, port: int, log_path: str) -> subprocess.Popen:
    """gunicorn (2 gthread workers) serving the app on the load database at 127.0.0.1:port."""
    env = {
        "DATABASE_URL": load_url,
        "SECRET_KEY": "load-bench",
        "PLANNER_TILES_URL": "",
        "PLANNER_GEOCODER": "offline",
        "PLANNER_RATELIMIT_STORAGE_URI": "memory://",
    }
    return start_gunicorn(env, port, log_path, WORKERS, THREADS_PER_WORKER)


def wait_until_serving(base: str, server: subprocess.Popen, timeout_s: float = 30) -> None:
    """Poll base until it answers; raise if gunicorn exits or the timeout passes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout_s:.0f} s")


def run_wrk(base: str, data_path: str) -> dict:
    """Run wrk with load.lua for SECONDS; returns the parsed LOAD/KIND/FIRST_FAILURE lines."""
    command = [
        "wrk",
        "-t",
        str(WRK_CONNECTIONS),
        "-c",
        str(WRK_CONNECTIONS),
        "-d",
        f"{SECONDS}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "load.lua"),
        base,
        "--",
        data_path,
        str(WRK_CONNECTIONS),
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS + 60)
    if out.returncode != 0 or "LOAD " not in out.stdout:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr.strip() or out.stdout.strip()}")
    result: dict = {"kinds": {}, "first_failure": ""}
    for line in out.stdout.splitlines():
        if line.startswith("LOAD "):
            result.update({k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)})
        elif line.startswith("KIND "):
            kind = line.split()[1]
            result["kinds"][kind] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
        elif line.startswith("FIRST_FAILURE"):
            result["first_failure"] = line[len("FIRST_FAILURE") :].strip()
    return result


def report_traffic(result: dict) -> int:
    """Print req/s, latency, the mix and the errors; returns the error count (transport errors + non-200 answers)."""
    transport = sum(result[k] for k in ("connect", "read", "write", "timeout"))
    not_ok = sum(k["failed"] for k in result["kinds"].values())
    rps = result["requests"] / (result["duration_us"] / 1e6)
    print(f"  {result['requests']:,} requests in {result['duration_us'] / 1e6:.1f} s: {rps:,.0f} req/s")
    print(
        f"  latency p50 {result['p50_us'] / 1000:.1f} ms   p99 {result['p99_us'] / 1000:.1f} ms   "
        f"max {result['max_us'] / 1000:.1f} ms"
    )
    answered = sum(k["answered"] for k in result["kinds"].values()) or 1
    for kind, counts in result["kinds"].items():
        print(
            f"  {kind:<9} {counts['answered']:7,} answers ({100 * counts['answered'] / answered:4.1f} %), "
            f"{counts['failed']} not 200"
        )
    print(
        f"  errors: {transport + not_ok} (answers other than 200: {not_ok}; connect {result['connect']}, "
        f"read {result['read']}, write {result['write']}, timeout {result['timeout']})"
    )
    if result["first_failure"]:
        print(f"  first failure: {result['first_failure']}")
    return transport + not_ok


INVARIANTS_SQL = {
    "going <= capacity": """
        SELECT e.id FROM events e JOIN rsvps r ON r.event_id = e.id AND r.status = 'going'
        GROUP BY e.id, e.capacity HAVING count(*) > e.capacity""",
    "nobody waits while a place is free": """
        SELECT e.id FROM events e JOIN rsvps r ON r.event_id = e.id AND r.status IN ('going', 'waitlisted')
        GROUP BY e.id, e.capacity
        HAVING count(*) FILTER (WHERE r.status = 'waitlisted') > 0
           AND count(*) FILTER (WHERE r.status = 'going') < e.capacity""",
    "one RSVP per person and outing": """
        SELECT event_id FROM rsvps GROUP BY event_id, user_id HAVING count(*) > 1""",
    "one membership per person and group": """
        SELECT group_id FROM memberships GROUP BY group_id, user_id HAVING count(*) > 1""",
}
# Each waitlisted RSVP's position as the service computes it: 1 + those ahead by (queued_at, id).
POSITIONS_SQL = """
    SELECT r.event_id, array_agg(1 + (SELECT count(*) FROM rsvps a
                                     WHERE a.event_id = r.event_id AND a.status = 'waitlisted'
                                       AND (a.queued_at, a.id) < (r.queued_at, r.id)) ORDER BY r.queued_at, r.id)
    FROM rsvps r WHERE r.status = 'waitlisted' GROUP BY r.event_id"""
COUNTS_SQL = """
    SELECT event_id, count(*) FILTER (WHERE status = 'going'), count(*) FILTER (WHERE status = 'waitlisted')
    FROM rsvps GROUP BY event_id"""


def settled_counts(conn: psycopg.Connection, tries: int = 20) -> dict[int, tuple[int, int]]:
    """{event_id: (going, waitlisted)} once two reads 0.5 s apart agree: RSVPs still in flight when wrk stops land first."""
    counts: dict[int, tuple[int, int]] = {}
    for _ in range(tries):
        latest = {row[0]: (row[1], row[2]) for row in conn.execute(COUNTS_SQL).fetchall()}
        if latest == counts:
            break
        counts = latest
        time.sleep(0.5)
    return counts


def check_invariants(conninfo: str, base: str, rsvp_events: list[int]) -> list[str]:
    """The broken RSVP invariants (empty when all hold), checked in SQL and against GET /events/<id>."""
    failures = []
    with psycopg.connect(conninfo, autocommit=True) as conn:
        counts = settled_counts(conn)
        for name, sql in INVARIANTS_SQL.items():
            if bad := conn.execute(sql).fetchall():
                failures.append(f"{name}: broken for {len(bad)} rows, e.g. {bad[0]}")
        for event_id, positions in conn.execute(POSITIONS_SQL).fetchall():
            if positions != list(range(1, len(positions) + 1)):
                failures.append(f"waitlist of event {event_id} is not 1..n: {positions[:10]}...")
        for event_id in rsvp_events:
            with urllib.request.urlopen(f"{base}/api/v1/events/{event_id}", timeout=10) as answer:
                page = json.load(answer)
            if (page["going_count"], page["waitlist_count"]) != counts.get(event_id, (0, 0)):
                failures.append(
                    f"event {event_id}: API says {page['going_count']}/{page['waitlist_count']}, SQL {counts.get(event_id)}"
                )
    waiting = sum(w for event_id, (_, w) in counts.items() if event_id in rsvp_events)
    going = sum(g for event_id, (g, _) in counts.items() if event_id in rsvp_events)
    print(f"  RSVP outings: {going} going, {waiting} waitlisted across {len(rsvp_events)} outings")
    if not waiting:
        failures.append("no waitlist formed: the RSVP traffic did not exercise the invariants")
    return failures


def measure(load_url: str, conninfo: str, seeded: dict, workdir: str) -> int:
    """Serve, load, check; returns the process exit code."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = os.path.join(workdir, "gunicorn.log")
    server = start_app(load_url, port, log_path)
    try:
        wait_until_serving(base, server)
        print(
            f"wrk: {SECONDS} s, {WRK_CONNECTIONS} connections; gunicorn {WORKERS} workers x "
            f"{THREADS_PER_WORKER} threads on {base}; {os.cpu_count()} CPUs, load average "
            f"{' '.join(f'{n:.2f}' for n in os.getloadavg())}"
        )
        errors = report_traffic(run_wrk(base, write_data_file(seeded, workdir)))
        failures = check_invariants(conninfo, base, seeded["rsvp_events"])
    finally:
        stop_group(server)
    if server.returncode not in (0, -signal.SIGTERM) or errors:
        print("gunicorn log (tail):\n" + Path(log_path).read_text(errors="replace")[-2000:])
    print(f"  zero errors: {'PASS' if errors == 0 else 'FAIL'} ({errors})")
    for failure in failures:
        print(f"  invariant broken: {failure}")
    print(f"  RSVP invariants: {'PASS' if not failures else 'FAIL'}")
    return 0 if errors == 0 and not failures else 1


def main() -> int:
    """Set up planner_load, run the load, print the numbers and PASS/FAIL; exit 1 on any failure."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("Set DATABASE_URL to the PostGIS server (make bench does).", file=sys.stderr)
        return 2
    missing = [
        name for name, found in (("wrk", shutil.which("wrk")), ("gunicorn", _has_module("gunicorn"))) if not found
    ]
    if missing:
        print(f"missing: {', '.join(missing)} (install gunicorn into the venv and Debian's wrk)", file=sys.stderr)
        return 1
    started = time.perf_counter()
    load_url = recreate_database(
        url, DB_NAME, lambda u: create_app({"SQLALCHEMY_DATABASE_URI": u, "GEOCODER_URL": "", "TILES_URL": ""})
    )
    seeded = seed(load_url)
    print(
        f"planner_load: {len(seeded['events'])} events, {len(seeded['tokens'])} people with tokens, "
        f"{len(seeded['rsvp_events'])} small outings, ready in {time.perf_counter() - started:.1f} s"
    )
    with tempfile.TemporaryDirectory(prefix="planner-load-") as workdir:
        return measure(load_url, sync_url(url, DB_NAME), seeded, workdir)


def _has_module(name: str) -> bool:
    """Whether a module can be imported in this interpreter."""
    return importlib.util.find_spec(name) is not None


if __name__ == "__main__":
    sys.exit(main())
