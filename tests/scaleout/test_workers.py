"""Workers (issue 12, point 5): real `flask --app planner worker` processes on a database of each test's own.

A worker killed in the middle of a job: another worker runs the job again. Two workers on the same pending
e-mails: each message once. A job that keeps failing: `failed` after its attempts, its errors kept and listed.
E-mail goes to an aiosmtpd server on a free loopback port, run in this process (the workers are other processes).
Stall detection is shortened for the test: a heartbeat every HEARTBEAT_S, dead after STALLED_S.
"""

from __future__ import annotations

import asyncio
import email
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import NullPool, create_engine, make_url, text

from bench.processes import ROOT, free_port, stop_group
from planner.extensions import db
from planner.models import Group, Membership, User
from planner.services import events, mailer, queue
from tests.conftest import MIGRATIONS, _admin, database_url_for, drop_database, make_app, recreate_database

pytestmark = pytest.mark.db

HEARTBEAT_S = 0.5
STALLED_S = 3
WAIT_S = 90  # the longest any step may take before the test fails (every wait is bounded by it)
POLL_S = 0.05
OUTING = {
    "timezone": "Europe/Berlin",
    "capacity": 10,
    "activity": "hiking",
    "lat": 52.5,
    "lon": 13.4,
}
EVENT_LINK = re.compile(r"/events/(\d+)")
REFUSED = "[Errno 111] Connection refused"
DIED = f"the worker running this job stopped sending heartbeats (killed, or its machine lost) for {STALLED_S} s"
SWEEP_EVERY_S = 600  # planner.jobs.sweep_mail's cron: every 10 minutes
SWEEP_MARGIN_S = 60  # longer than the tests that a sweep would disturb


async def _until(ready: Callable[[], bool]) -> None:
    """Wait, without blocking the server's loop, until ready() or WAIT_S passes."""
    deadline = time.monotonic() + WAIT_S
    while not ready() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


def _key(envelope) -> tuple[str, int]:
    """(recipient, outing id) of a received notification e-mail: what tells two notifications apart."""
    message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            found = EVENT_LINK.search(part.get_content())
            if found:
                return envelope.rcpt_tos[0], int(found.group(1))
    raise AssertionError(f"no outing link in {message['Subject']!r}")


class Sink:
    """An aiosmtpd handler keeping what it accepted; it can hold some messages, or all of them at a gate."""

    def __init__(self, hold: tuple[int, ...] = (), gated: bool = False):
        self.arrived = 0  # messages that reached DATA, accepted or not (the server's loop is one thread)
        self.accepted: list[tuple[tuple, tuple[str, int]]] = []  # (client address, key), in order
        self.hold, self.held, self.released = hold, 0, 0  # arrival indexes to hold; how many held, released
        self.gate, self.at_gate = threading.Event(), set()
        if not gated:
            self.gate.set()

    async def handle_DATA(self, server, session, envelope) -> str:
        """Accept the message, unless it is one to hold (answered 451 once released) or the gate is shut."""
        index, self.arrived = self.arrived, self.arrived + 1
        if index in self.hold:
            order, self.held = self.held, self.held + 1
            await _until(lambda: self.released > order)
            return "451 4.3.0 held, not accepted"
        if not self.gate.is_set():
            self.at_gate.add(session.peer)
            await _until(self.gate.is_set)
        self.accepted.append((session.peer, _key(envelope)))
        return "250 OK"

    def release(self) -> None:
        """Let the oldest held message go (refused: its sender is gone by then)."""
        self.released += 1

    def open(self) -> None:
        """Let everything go."""
        self.released = len(self.hold)
        self.gate.set()

    def keys(self) -> Counter:
        """How often each (recipient, outing) was accepted."""
        return Counter(key for _, key in self.accepted)


@pytest.fixture
def smtp() -> Iterator[Callable[..., tuple[Sink, int]]]:
    """start(sink, port=None) -> (sink, port): an SMTP server on loopback; every one stopped afterwards."""
    started: list[tuple[Sink, Controller]] = []

    def start(sink: Sink, port: int | None = None) -> tuple[Sink, int]:
        port = port or free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        started.append((sink, controller))
        return sink, port

    yield start
    for sink, controller in started:
        sink.open()
        controller.stop()


@pytest.fixture(scope="module")
def template_url() -> Iterator[str]:
    """A database migrated once for this module, copied for each test (a migration takes seconds)."""
    url = database_url_for("workers_template")
    recreate_database(url)
    app = make_app(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engines[None].dispose()
    try:
        yield url
    finally:
        drop_database(url)


class Db:
    """The test's own database: its URL, the app seeding it, and queries on a fresh connection each."""

    def __init__(self, url: str):
        self.url, self.app = url, make_app(url)
        self.engine = create_engine(url, poolclass=NullPool)

    def rows(self, sql: str, **params) -> list:
        """The rows of one query."""
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), params))

    def value(self, sql: str, **params):
        """The first column of the first row of one query."""
        return self.rows(sql, **params)[0][0]


@pytest.fixture
def database(template_url) -> Iterator[Db]:
    """A copy of the migrated template, dropped afterwards."""
    url = database_url_for("workers")
    name, template = make_url(url).database, make_url(template_url).database
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    handle = Db(url)
    try:
        yield handle
    finally:
        with handle.app.app_context():
            db.engines[None].dispose()
        handle.engine.dispose()
        drop_database(url)


class Workers:
    """`flask --app planner worker` processes, each in its own process group, logging to a file."""

    def __init__(self, url: str, folder: Path):
        self.url, self.folder, self.processes = url, folder, []

    def start(self, smtp_port: int, **env: str) -> subprocess.Popen:
        """One more worker sending through 127.0.0.1:smtp_port."""
        settings = {
            "DATABASE_URL": self.url,
            "SECRET_KEY": "workers-test",
            "PLANNER_GEOCODER": "offline",
            "PLANNER_TILES_URL": "",
            "PLANNER_SMTP_HOST": "127.0.0.1",
            "PLANNER_SMTP_PORT": str(smtp_port),
            "PLANNER_SMTP_SECURITY": "none",
            "PLANNER_SMTP_TIMEOUT_S": str(WAIT_S),
            "PLANNER_MAIL_DIR": str(self.folder / "mail"),
            "PLANNER_WORKER_HEARTBEAT_S": str(HEARTBEAT_S),
            "PLANNER_WORKER_STALLED_S": str(STALLED_S),
            **env,
        }
        log = self.folder / f"worker-{len(self.processes)}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "planner", "worker"],
                cwd=ROOT,
                env={**os.environ, **settings},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """kill -9 the worker's whole process group, as a lost machine or the OOM killer would."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=WAIT_S)

    def logs(self) -> str:
        """The tail of every worker's log."""
        return "\n".join(
            f"--- {path.name}:\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.folder.glob("worker-*.log"))
        )

    def wait_for(self, ready: Callable[[], bool], what: str, alive: list[subprocess.Popen] | None = None) -> None:
        """Poll ready() until true; fail with the logs after WAIT_S or when a process in alive exits."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            if ready():
                return
            if any(process.poll() is not None for process in alive or []):
                pytest.fail(f"a worker exited while waiting for {what}:\n{self.logs()}")
            time.sleep(POLL_S)
        pytest.fail(f"timed out waiting for {what}:\n{self.logs()}")


@pytest.fixture
def workers(database, tmp_path) -> Iterator[Workers]:
    """Starts workers on the test's database; every one is stopped afterwards, even when the test fails."""
    started = Workers(database.url, tmp_path)
    try:
        yield started
    finally:
        for process in started.processes:
            stop_group(process)


def _wait_settled(database: Db, workers: Workers, alive: list[subprocess.Popen]) -> None:
    """Wait until the workers run and have done the periodic jobs they queue when they start."""
    workers.wait_for(
        lambda: database.value(
            """SELECT count(*) FILTER (WHERE status IN ('todo', 'doing') AND task_name <> 'planner.jobs.retry_stalled')
                      = 0 AND count(*) FILTER (WHERE task_name = 'planner.jobs.sweep_mail') > 0
               FROM procrastinate_jobs"""
        ),
        "the workers' start-up jobs",
        alive,
    )


def _away_from_the_sweep() -> None:
    """Sleep past the next 10-minute tick if it is near: a sweep of the pending mail would disturb the test."""
    left_s = SWEEP_EVERY_S - time.time() % SWEEP_EVERY_S
    if left_s < SWEEP_MARGIN_S:
        time.sleep(left_s + 2)


def _group_with_members(database: Db, members: int, prefix: str) -> tuple[User, int]:
    """(organiser, group id): a group whose owner organises, with `members` more active members."""
    with database.app.app_context():
        owner = User(email=f"{prefix}-owner@example.org", password_hash="x", display_name="Owner")
        people = [
            User(email=f"{prefix}-{i}@example.org", password_hash="x", display_name=f"M{i}") for i in range(members)
        ]
        group = Group(name=f"{prefix} hikers", interest="hiking", home="SRID=4326;POINT(13.4 52.5)")
        db.session.add_all([owner, *people, group])
        db.session.flush()
        db.session.add(Membership(group_id=group.id, user_id=owner.id, role="owner"))
        db.session.add_all(Membership(group_id=group.id, user_id=person.id) for person in people)
        db.session.commit()
        db.session.expunge(owner)
        return owner, group.id


def _announce(database: Db, owner: User, group_id: int, outings: int) -> None:
    """Create outings through the service: each queues a fan-out job that the workers run."""
    with database.app.app_context():
        owner = db.session.merge(owner)
        for n in range(outings):
            starts_at = datetime.now(UTC).replace(microsecond=0, tzinfo=None) + timedelta(days=30 + n)
            times = {"starts_at": starts_at.isoformat(), "ends_at": (starts_at + timedelta(hours=4)).isoformat()}
            events.create_event(group_id, owner, {**OUTING, **times, "title": f"Outing {n}"})


def _expected_mail(database: Db) -> Counter:
    """Each notification e-mail the database holds, as (recipient, outing id), once."""
    return Counter(
        (row.email, row.event_id)
        for row in database.rows("SELECT u.email, n.event_id FROM notifications n JOIN users u ON u.id = n.user_id")
    )


class TestWorkerKilledMidJob:
    def test_a_second_worker_reruns_the_job_and_only_the_batch_in_flight_arrives_twice(self, database, workers, smtp):
        # Members: BATCH * 3. The server holds message BATCH + 5: the first batch is sent and committed,
        # four of the second batch are accepted but not yet committed when the worker dies in the fifth.
        sink, port = smtp(Sink(hold=(mailer.BATCH + 4,)))
        first = workers.start(port)
        _wait_settled(database, workers, [first])
        owner, group_id = _group_with_members(database, mailer.BATCH * 3, "killed")
        _announce(database, owner, group_id, 1)
        workers.wait_for(lambda: sink.held == 1, "the worker to be stuck in the middle of sending", [first])
        (job_id, task), *others = database.rows(
            "SELECT id, task_name FROM procrastinate_jobs WHERE status = 'doing' AND task_name <> "
            "'planner.jobs.retry_stalled'"
        )
        assert (task, others) == ("planner.jobs.deliver_mail", [])
        assert database.value("SELECT count(*) FROM notifications WHERE email_status = 'sent'") == mailer.BATCH

        workers.kill(first)
        sink.release()
        second = workers.start(port)
        workers.wait_for(
            lambda: database.value("SELECT status FROM procrastinate_jobs WHERE id = :id", id=job_id) == "succeeded",
            "the second worker to finish the job",
            [second],
        )

        # Run twice: retried once, by retry_stalled (the dead worker never failed it); nothing left unsent.
        assert database.value("SELECT attempts FROM procrastinate_jobs WHERE id = :id", id=job_id) == 2
        assert database.rows("SELECT email_status, count(*) FROM notifications GROUP BY 1") == [
            ("sent", mailer.BATCH * 3)
        ]
        # Every message arrived; twice only those the dead worker had sent after its last commit (its batch in
        # flight, which it could not mark sent), and none of the committed first batch.
        received, expected = sink.keys(), _expected_mail(database)
        assert set(received) == set(expected) and len(expected) == mailer.BATCH * 3
        in_flight = [key for _, key in sink.accepted[mailer.BATCH : mailer.BATCH + 4]]
        assert {key for key, times in received.items() if times > 1} == set(in_flight)
        assert max(received.values()) == 2

    def test_a_job_whose_workers_keep_dying_ends_failed_with_the_reason(self, database, workers, smtp):
        # One retry allowed. The first message is held twice, and each time the worker sending it is killed.
        _away_from_the_sweep()
        sink, port = smtp(Sink(hold=(0, 1)))
        one_retry = {"PLANNER_MAIL_RETRY_ATTEMPTS": "1"}
        worker = workers.start(port, **one_retry)
        _wait_settled(database, workers, [worker])
        owner, group_id = _group_with_members(database, 3, "dying")
        _announce(database, owner, group_id, 1)
        for held in (1, 2):
            workers.wait_for(lambda held=held: sink.held == held, f"worker {held} to be stuck", [worker])
            workers.kill(worker)
            sink.release()
            worker = workers.start(port, **one_retry)
        query = "SELECT id, status, attempts FROM procrastinate_jobs WHERE task_name = 'planner.jobs.deliver_mail'"
        workers.wait_for(lambda: database.rows(query)[0][1] == "failed", "the job to be failed", [worker])

        ((job_id, _, attempts),) = database.rows(query)
        assert attempts == 2  # run twice (the first time and its one retry), then given up
        errors = database.rows("SELECT attempt, error FROM job_errors WHERE job_id = :id", id=job_id)
        assert errors == [(2, DIED)]
        assert database.rows("SELECT email_status, count(*) FROM notifications GROUP BY 1") == [("pending", 3)]
        assert sink.accepted == []


class TestWorkersRacing:
    def test_two_workers_on_the_same_pending_mail_send_each_message_once(self, database, workers, smtp):
        sink, port = smtp(Sink(gated=True))
        racers = [workers.start(port), workers.start(port)]
        _wait_settled(database, workers, racers)
        owner, group_id = _group_with_members(database, 50, "race")
        _announce(database, owner, group_id, 4)

        # The server keeps every message at its gate until both workers are in the middle of sending at once.
        workers.wait_for(
            lambda: (
                len(sink.at_gate) == 2
                and database.value(
                    "SELECT count(DISTINCT worker_id) FROM procrastinate_jobs WHERE status = 'doing' "
                    "AND task_name IN ('planner.jobs.deliver_mail', 'planner.jobs.sweep_mail')"
                )
                == 2
            ),
            "both workers to be sending",
            racers,
        )
        sink.gate.set()
        workers.wait_for(
            lambda: (
                database.value(
                    "SELECT count(*) FROM procrastinate_jobs WHERE status <> 'succeeded' "
                    "AND task_name <> 'planner.jobs.retry_stalled'"
                )
                == 0
            ),
            "every job to succeed",
            racers,
        )

        received, expected = sink.keys(), _expected_mail(database)
        assert len(expected) == 4 * 50 and set(received) == set(expected)
        assert max(received.values()) == 1
        assert len({peer for peer, _ in sink.accepted}) >= 2
        assert database.rows("SELECT email_status, email_attempts, count(*) FROM notifications GROUP BY 1, 2") == [
            ("sent", 1, 200)
        ]


class TestJobThatKeepsFailing:
    RETRIES = 2

    def test_it_ends_failed_with_its_errors_listed_and_its_mail_still_pending(self, database, workers, smtp):
        _away_from_the_sweep()
        port = free_port()  # nothing listens here yet: every connection is refused
        worker = workers.start(port, PLANNER_MAIL_RETRY_ATTEMPTS=str(self.RETRIES), PLANNER_MAIL_RETRY_BASE_S="1")
        _wait_settled(database, workers, [worker])
        owner, group_id = _group_with_members(database, 5, "failing")
        _announce(database, owner, group_id, 1)
        job_status = "SELECT status, attempts FROM procrastinate_jobs WHERE task_name = 'planner.jobs.deliver_mail'"
        runs = self.RETRIES + 1  # procrastinate's max_attempts counts the retries after the first run
        workers.wait_for(lambda: database.rows(job_status) == [("failed", runs)], "the job to fail", [worker])
        (job_id,) = database.rows("SELECT id FROM procrastinate_jobs WHERE task_name = 'planner.jobs.deliver_mail'")[0]

        # Not retried after its last attempt: a pause of several retry waits changes nothing.
        time.sleep(3)
        assert database.rows(job_status) == [("failed", runs)]
        errors = database.rows("SELECT attempt, error FROM job_errors WHERE job_id = :id ORDER BY attempt", id=job_id)
        assert [attempt for attempt, _ in errors] == list(range(1, runs + 1))
        assert all(error.strip().endswith(f"ConnectionRefusedError: {REFUSED}") for _, error in errors)
        assert database.rows("SELECT email_status, email_attempts, count(*) FROM notifications GROUP BY 1, 2") == [
            ("pending", 0, 5)
        ]

        listed = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "planner", "jobs", "failed"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": database.url},
            capture_output=True,
            text=True,
            timeout=WAIT_S,
        )
        assert listed.returncode == 0, listed.stderr
        failed = database.value("SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'")
        assert (
            f"job {job_id}  planner.jobs.deliver_mail  {runs} attempts  ConnectionRefusedError: {REFUSED}"
        ) in listed.stdout.splitlines()
        assert listed.stdout.splitlines()[-1] == f"{failed} failed"

        # The server comes back; the sweep (every 10 minutes, queued here at once) sends each message once.
        sink, _ = smtp(Sink(), port)
        with database.app.app_context():
            queue.defer("sweep_mail", timestamp=int(datetime.now(UTC).timestamp()))
            db.session.commit()
        workers.wait_for(
            lambda: database.value("SELECT count(*) FROM notifications WHERE email_status = 'sent'") == 5,
            "the pending mail to be sent",
            [worker],
        )
        assert sink.keys() == _expected_mail(database)
        assert set(sink.keys().values()) == {1}
