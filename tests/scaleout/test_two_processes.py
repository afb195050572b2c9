"""Scale-out (issue #6, point 7): two gunicorn masters on one database and one Redis give consistent answers.

Starts a private redis-server and two gunicorn masters (2 workers x 4 threads each) on free loopback ports,
both on this module's own database with rate limiting on and its counters in that Redis.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from bench.processes import free_port, start_gunicorn, stop_group
from planner.extensions import db
from planner.models import Event, Group, Membership, User
from planner.services import accounts
from tests.conftest import MIGRATIONS, database_url_for, drop_database, make_app, recreate_database

pytestmark = pytest.mark.db

CAPACITY = 5
RACERS = 48
LOGIN_LIMIT = "4 per minute"
HANGZHOU = (30.274, 120.155)
START_TIMEOUT_S = 30


def _require_tools() -> None:
    """Fail (never skip) when a program the scale-out set-up needs is missing."""
    missing = [
        what
        for what, found in (
            ("redis-server (Debian package redis-server)", shutil.which("redis-server")),
            ("gunicorn (pip install into the venv)", importlib.util.find_spec("gunicorn")),
            (
                "redis, the Python client Flask-Limiter's redis:// storage needs (pip)",
                importlib.util.find_spec("redis"),
            ),
        )
        if not found
    ]
    if missing:
        pytest.fail("the scale-out test needs " + "; ".join(missing), pytrace=False)


def _wait_for(ready, process: subprocess.Popen, what: str, log: Path) -> None:
    """Poll ready() until it is true; fail with the log's tail if process exits or START_TIMEOUT_S passes."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{what} did not start (exit code {process.poll()}):\n{log.read_text(errors='replace')[-2000:]}")


def _seed(url: str) -> dict:
    """An outing of capacity 5 and one of capacity 20 in a public group, and tokens of RACERS + 1 people."""
    app = make_app(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        owner = User(email="owner@example.org", password_hash="x", display_name="Owner")
        people = [User(email=f"r{i}@example.org", password_hash="x", display_name=f"R{i}") for i in range(RACERS + 1)]
        group = Group(name="Scale-out hikers", interest="hiking", home=f"SRID=4326;POINT({HANGZHOU[1]} {HANGZHOU[0]})")
        db.session.add_all([owner, *people, group])
        db.session.flush()
        db.session.add(Membership(group_id=group.id, user_id=owner.id, role="owner"))
        starts_at = datetime.now(UTC) + timedelta(days=3)
        outings = [
            Event(
                group_id=group.id,
                title=f"Outing {capacity}",
                starts_at=starts_at + timedelta(hours=n),
                ends_at=starts_at + timedelta(hours=n + 4),
                timezone="Asia/Shanghai",
                capacity=capacity,
                activity="hiking",
                start=f"SRID=4326;POINT({HANGZHOU[1] + n / 100} {HANGZHOU[0]})",
            )
            for n, capacity in enumerate((CAPACITY, 20))
        ]
        db.session.add_all(outings)
        db.session.commit()
        tokens = [accounts.issue_token(person, 1)[0] for person in people]
        seeded = {"group": group.id, "race_event": outings[0].id, "other_event": outings[1].id, "tokens": tokens}
        db.engine.dispose()
    return seeded


@pytest.fixture(scope="module")
def database():
    """This module's own migrated and seeded database: (url, seeded ids and tokens); dropped afterwards."""
    _require_tools()
    url = database_url_for("scaleout")
    recreate_database(url)
    try:
        yield url, _seed(url)
    finally:
        drop_database(url)


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory):
    """A private redis-server on a free loopback port, no persistence; stopped afterwards."""
    _require_tools()
    import redis

    workdir = tmp_path_factory.mktemp("redis")
    port, log = free_port(), workdir / "redis.log"
    command = [
        "redis-server",
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(workdir),
        "--logfile",
        str(log),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
        _wait_for(lambda: client.ping(), process, "redis-server", log)
        yield port
    finally:
        stop_group(process)


def _start_app(url: str, port: int, redis_port: int, log: Path) -> subprocess.Popen:
    """A gunicorn master with 2 gthread workers on 127.0.0.1:port, rate limits in the shared Redis."""
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": "scale-out-test",
        "PLANNER_TILES_URL": "",
        "PLANNER_GEOCODER": "offline",
        "PLANNER_RATELIMIT_ENABLED": "1",
        "PLANNER_RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0",
        "PLANNER_RATE_LIMIT_LOGIN": LOGIN_LIMIT,
    }
    return start_gunicorn(env, port, log)


@pytest.fixture(scope="module")
def servers(database, redis_port, tmp_path_factory):
    """Base URLs of two gunicorn masters on the same database and Redis; both stopped afterwards."""
    workdir = tmp_path_factory.mktemp("gunicorn")
    ports = [free_port(), free_port()]
    logs = [workdir / f"gunicorn-{port}.log" for port in ports]
    processes = [_start_app(database[0], port, redis_port, log) for port, log in zip(ports, logs)]
    try:
        for port, process, log in zip(ports, processes, logs):
            _wait_for(
                lambda port=port: call("GET", f"http://127.0.0.1:{port}/api/v1/openapi.json")[0] == 200,
                process,
                f"gunicorn on port {port}",
                log,
            )
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            stop_group(process)


def call(method: str, url: str, token: str | None = None, body: dict | None = None):
    """(status, headers, parsed JSON body) of one request."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read() or b"null")


class TestTwoMastersAgree:
    def test_the_same_reads_answer_identically_on_both(self, servers, database):
        _, seeded = database
        paths = [
            f"/api/v1/events/{seeded['race_event']}",
            f"/api/v1/groups/{seeded['group']}",
            f"/api/v1/events/nearby?lat={HANGZHOU[0]}&lon={HANGZHOU[1]}&radius_km=25",
        ]
        for path in paths:
            (status_a, _, body_a), (status_b, _, body_b) = (call("GET", base + path) for base in servers)
            assert (status_a, status_b) == (200, 200), (path, body_a, body_b)
            assert body_a == body_b, path
        nearby = call("GET", servers[0] + paths[2])[2]
        assert [f["properties"]["id"] for f in nearby["features"]] == [seeded["race_event"], seeded["other_event"]]

    def test_a_write_on_one_is_read_at_once_on_the_other(self, servers, database):
        _, seeded = database
        token, path = seeded["tokens"][RACERS], f"/api/v1/events/{seeded['other_event']}"
        status, _, answer = call("POST", servers[0] + path + "/rsvp", token)
        assert (status, answer["status"]) == (200, "going")
        status, _, event = call("GET", servers[1] + path, token)
        assert status == 200
        assert (event["going_count"], event["my_rsvp"]["status"]) == (1, "going")
        assert call("DELETE", servers[1] + path + "/rsvp", token)[0] == 200
        assert call("GET", servers[0] + path, token)[2]["going_count"] == 0


class TestRsvpRaceAcrossMasters:
    def test_48_rsvps_split_across_both_fill_5_places_and_a_gapless_waitlist(self, servers, database):
        url, seeded = database
        path = f"/api/v1/events/{seeded['race_event']}/rsvp"
        barrier = threading.Barrier(RACERS)

        def fire(index: int):
            """RSVP as racer index, on master A for even and B for odd indices, all released at once."""
            barrier.wait(timeout=30)
            return call("POST", servers[index % 2] + path, seeded["tokens"][index])

        with ThreadPoolExecutor(max_workers=RACERS) as pool:
            answers = list(pool.map(fire, range(RACERS)))

        assert [status for status, _, _ in answers] == [200] * RACERS, [body for _, _, body in answers]
        bodies = [body for _, _, body in answers]
        assert sum(body["status"] == "going" for body in bodies) == CAPACITY
        positions = sorted(body["waitlist_position"] for body in bodies if body["status"] == "waitlisted")
        assert positions == list(range(1, RACERS - CAPACITY + 1))
        for base in servers:
            event = call("GET", f"{base}/api/v1/events/{seeded['race_event']}")[2]
            assert (event["going_count"], event["waitlist_count"], event["spots_left"]) == (
                CAPACITY,
                RACERS - CAPACITY,
                0,
            ), base
        app = make_app(url)
        with app.app_context():
            rows = db.session.execute(
                text("SELECT status, count(*) FROM rsvps WHERE event_id = :id GROUP BY status"),
                {"id": seeded["race_event"]},
            ).all()
            db.engine.dispose()
        assert dict(rows) == {"going": CAPACITY, "waitlisted": RACERS - CAPACITY}


class TestSharedRateLimit:
    def test_failed_logins_on_both_masters_count_against_one_limit(self, servers):
        body = {"email": "nobody@example.org", "password": "wrong-password"}
        answers = [
            call("POST", f"{base}/api/v1/tokens", body=body)
            for base in (servers[0], servers[0], servers[0], servers[1])
        ]
        assert [status for status, _, _ in answers] == [401] * 4
        # Each answer sees the others' hits: the counter lives in Redis, not in a worker.
        assert [headers["X-RateLimit-Remaining"] for _, headers, _ in answers] == ["3", "2", "1", "0"]
        status, headers, error = call("POST", f"{servers[1]}/api/v1/tokens", body=body)
        assert status == 429, error
        assert error["error"]["code"] == "rate_limited"
        assert 0 < int(headers["Retry-After"]) <= 60
