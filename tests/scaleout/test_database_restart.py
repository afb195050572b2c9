"""A PostgreSQL restart costs no 500 once the server is back: pooled connections are checked before use.

Runs its own throwaway cluster in a temporary directory (never the shared one under var/pg), migrates a
database there, serves the app from a thread and restarts that cluster with `pg_ctl restart -m fast`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from bench.processes import free_port
from planner.extensions import db
from tests.conftest import MIGRATIONS, make_app, recreate_database

pytestmark = pytest.mark.db

PG_BIN = Path("/usr/lib/postgresql/15/bin")
DB_READ = "/api/v1/groups/nearby?lat=0&lon=0"
AFTER_RESTART_REQUESTS = 30
BACKGROUND_MAX_REQUESTS = 2000  # bounds the loop that runs while the cluster restarts
REQUEST_TIMEOUT_S = 10


def _as_postgres(*command: str) -> list[str]:
    """command, run as the postgres user when we are root (initdb and pg_ctl refuse root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class Cluster:
    """A PostgreSQL cluster of its own in a temporary directory, reachable only over its unix socket."""

    def __init__(self, base: Path):
        self.data, self.sock, self.log = base / "data", base / "run", base / "server.log"
        self.port = free_port()  # names the socket file; listen_addresses is empty, so no TCP port is taken

    def pg_ctl(self, *args: str) -> None:
        """Run pg_ctl on this cluster, waiting for it (bounded by -t 60 and a subprocess timeout)."""
        options = f"-p {self.port} -k {self.sock} -c listen_addresses='' -c max_connections=40"
        command = _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60")
        subprocess.run([*command, "-o", options, *args], check=True, capture_output=True, timeout=90)

    def start(self) -> None:
        """initdb, then start."""
        initdb = [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        subprocess.run(_as_postgres(*initdb, "--locale=C.UTF-8"), check=True, capture_output=True, timeout=120)
        subprocess.run(_as_postgres("mkdir", "-p", str(self.sock)), check=True, timeout=10)
        self.pg_ctl("start")

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of database on this cluster, over the socket."""
        return f"postgresql+psycopg://postgres@/{database}?host={self.sock}&port={self.port}"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A throwaway cluster, stopped and deleted afterwards."""
    if not (PG_BIN / "pg_ctl").exists():
        pytest.fail(f"PostgreSQL 15 is not installed ({PG_BIN} is missing): run scripts/setup.sh", pytrace=False)
    base = Path(tempfile.mkdtemp(prefix="planner-pg-restart-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    running = Cluster(base)
    try:
        running.start()
        yield running
    finally:
        subprocess.run(
            _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(running.data), "-m", "immediate", "-w", "stop"),
            capture_output=True,
            timeout=90,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def served(cluster) -> Iterator[str]:
    """The app (with the configuration the environment gives it) on a migrated database, served on loopback."""
    url = cluster.url("planner_restart")
    recreate_database(url)
    app = make_app(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            db.engine.dispose()


def status_of(url: str) -> int | None:
    """The HTTP status of GET url, or None when the connection itself failed."""
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT_S) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def fill_the_pool(base: str) -> None:
    """Concurrent requests, so the pool holds several connections that the restart will kill."""
    threads = [threading.Thread(target=status_of, args=(base + DB_READ,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(REQUEST_TIMEOUT_S * 2)
    assert status_of(base + DB_READ) == 200


def statuses_after(base: str) -> list[int | None]:
    """The statuses of AFTER_RESTART_REQUESTS reads, one after another."""
    return [status_of(base + DB_READ) for _ in range(AFTER_RESTART_REQUESTS)]


class TestAfterARestart:
    def test_no_request_fails_once_the_server_is_back(self, cluster, served):
        fill_the_pool(served)
        cluster.pg_ctl("-m", "fast", "restart")
        assert statuses_after(served) == [200] * AFTER_RESTART_REQUESTS

    def test_requests_during_the_restart_get_a_503_and_leave_no_500_behind(self, cluster, served):
        fill_the_pool(served)
        during: list[int | None] = []
        stop = threading.Event()

        def keep_asking() -> None:
            deadline = time.monotonic() + 120
            while not stop.is_set() and len(during) < BACKGROUND_MAX_REQUESTS and time.monotonic() < deadline:
                during.append(status_of(served + DB_READ))

        asker = threading.Thread(target=keep_asking)
        asker.start()
        try:
            cluster.pg_ctl("-m", "fast", "restart")
        finally:
            stop.set()
            asker.join(REQUEST_TIMEOUT_S * 2)
        assert during, "no request ran while the cluster restarted"
        assert set(during) <= {200, 503, None}, "while it is down: answers, a 503 or a refused connection"
        assert statuses_after(served) == [200] * AFTER_RESTART_REQUESTS
