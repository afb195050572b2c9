"""Notifications at scale (issue 12, point 7): each target a ratio against a floor measured in the same run.

Run by `make bench` (needs DATABASE_URL). Recreates the scratch database planner_notify_bench on that server
(10,000 members in one group, 10 in another, MAIL members in a third), then:
1. POST /api/v1/groups/{id}/events (the app's test client, bearer token) for the 10,000-member group and the
   10-member group in turn: the request only queues a fan-out job, so p50 must not grow with the audience;
2. notify.fan_out(change) (the job's body: 10,000 notifications, a mail job queued, committed) against a bare
   INSERT … SELECT of the same 10,000 rows, committed, on an emptied table each time;
3. one real `flask worker` delivering MAIL pending e-mails to an aiosmtpd server (its own process) on
   127.0.0.1, from the commit that queues the job to the job's success, against a bare smtplib loop sending
   the same MAIL messages (composed by the app beforehand) over one connection to the same server.
"""

from __future__ import annotations

import json
import os
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import psycopg
from sqlalchemy import select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _ratios import check, interleaved, report  # noqa: E402

from bench._scratch import recreate_database, sync_url  # noqa: E402
from bench.processes import free_port, stop_group  # noqa: E402
from planner import create_app  # noqa: E402
from planner.extensions import db  # noqa: E402
from planner.models import Group, Membership, Notification, User  # noqa: E402
from planner.services import accounts, mail_compose, notify  # noqa: E402

DB_NAME = "planner_notify_bench"
BIG, SMALL, MAIL = 10_000, 10, 1_000  # group sizes (members, the organiser among them)
REQUEST_ROUNDS = 60
FAN_OUT_ROUNDS = 7
MAIL_ROUNDS = 5
START_TIMEOUT_S = 60
JOB_TIMEOUT_S = 120
POLL_S = 0.02
OUTING = {"timezone": "Europe/Berlin", "capacity": 20, "activity": "hiking", "lat": 52.5, "lon": 13.4}
TARGETS = {  # label: (op, target)
    "create-outing p50 at 10,000 members / at 10 members": ("<=", 1.5),
    "fan_out of 10,000 / bare INSERT … SELECT of 10,000": ("<=", 3.0),
    "worker mail rate / bare smtplib loop rate": (">=", 0.5),
}
BARE_INSERT = """
INSERT INTO notifications (user_id, kind, key, params, url, event_id, group_id, email_status)
SELECT m.user_id, 'new_outing', :key, CAST(:params AS jsonb), :url, :event_id, :group_id, 'pending'
FROM memberships m WHERE m.group_id = :group_id AND m.status = 'active' AND m.user_id <> :actor_id"""


def bench_app(url: str):
    """The app on the scratch database: no rate limits, no network, e-mail to a folder (never used here)."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "GEOCODER_URL": "",
            "TILES_URL": "",
            "RATELIMIT_ENABLED": False,
            "SMTP_HOST": "",
            "MAIL_DIR": tempfile.mkdtemp(prefix="planner-bench-mail-"),
        }
    )


def seed() -> dict:
    """The organiser, BIG people, and three groups the organiser owns: BIG, SMALL and MAIL members in all."""
    owner = User(email="organiser@bench.example", password_hash="x", display_name="Organiser")
    groups = {
        size: Group(name=f"Group of {size}", interest="hiking", home="SRID=4326;POINT(13.4 52.5)")
        for size in (BIG, SMALL, MAIL)
    }
    db.session.add_all([owner, *groups.values()])
    db.session.flush()
    db.session.execute(
        text(
            """INSERT INTO users (email, password_hash, display_name)
               SELECT 'member' || i || '@bench.example', 'x', 'Member ' || i FROM generate_series(1, :n) i"""
        ),
        {"n": BIG - 1},
    )
    for size, group in groups.items():
        db.session.add(Membership(group_id=group.id, user_id=owner.id, role="owner"))
        db.session.execute(
            text(
                """INSERT INTO memberships (group_id, user_id, role, status)
                   SELECT :group_id, id, 'member', 'active' FROM users WHERE id <> :owner ORDER BY id LIMIT :n"""
            ),
            {"group_id": group.id, "owner": owner.id, "n": size - 1},
        )
    db.session.commit()
    token, _ = accounts.issue_token(owner, 1)
    db.session.execute(text("ANALYZE"))
    return {"owner": owner.id, "token": token, **{size: group.id for size, group in groups.items()}}


def outing_body(n: int) -> dict:
    """A new outing n days ahead, as the API takes it."""
    starts_at = datetime.now(UTC).replace(microsecond=0, tzinfo=None) + timedelta(days=30 + n % 300)
    times = {"starts_at": starts_at.isoformat(), "ends_at": (starts_at + timedelta(hours=4)).isoformat()}
    return {**OUTING, **times, "title": f"Outing {n}"}


def measure_requests(app, seeded: dict) -> dict[str, list[float]]:
    """Seconds per POST /api/v1/groups/{id}/events for the BIG and the SMALL group, interleaved."""
    client, headers = app.test_client(), {"Authorization": f"Bearer {seeded['token']}"}
    made = iter(range(10**6))

    def create(group_id: int) -> None:
        answer = client.post(f"/api/v1/groups/{group_id}/events", json=outing_body(next(made)), headers=headers)
        assert answer.status_code == 201, answer.get_json()

    runs = {f"{size:,} members": (lambda size=size: create(seeded[size])) for size in (BIG, SMALL)}
    return interleaved(runs, [()], REQUEST_ROUNDS)


def queued_change(group_id: int) -> dict:
    """The change of an outing announced in group_id, as the request queued it for the fan-out job."""
    row = db.session.execute(
        text(
            """SELECT args->'change' FROM procrastinate_jobs WHERE task_name = 'planner.jobs.fan_out'
               AND CAST(args->'change'->>'group_id' AS integer) = :group_id ORDER BY id DESC LIMIT 1"""
        ),
        {"group_id": group_id},
    ).scalar_one()
    return dict(row)


def fresh(change: dict) -> dict:
    """change with a new stamp: its notifications are new rows, not conflicts."""
    return {**change, "stamp": uuid.uuid4().hex}


def empty_queue() -> None:
    """No notification and no waiting job: the next measurement starts from the same state."""
    db.session.execute(text("TRUNCATE notifications"))
    db.session.execute(text("DELETE FROM procrastinate_jobs WHERE status = 'todo'"))
    db.session.commit()


def bare_insert(change: dict) -> None:
    """The floor: the same rows with one INSERT … SELECT, committed."""
    params = {key: value for key, value in change.items() if key not in ("stamp", "url")}
    bound = {
        "key": f"{change['change']}:{change['stamp']}",
        "params": json.dumps(params),
        "url": change["url"],
        "event_id": change["event_id"],
        "group_id": change["group_id"],
        "actor_id": change["actor_id"],
    }
    db.session.execute(text(BARE_INSERT), bound)
    db.session.commit()


def measure_fan_out(change: dict) -> dict[str, list[float]]:
    """Seconds per notify.fan_out of BIG members and per bare INSERT … SELECT of them, alternating."""
    runs: dict[str, Callable[[dict], object]] = {"fan_out": notify.fan_out, "bare INSERT … SELECT": bare_insert}
    samples: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for turn in range(FAN_OUT_ROUNDS + 1):  # the first round warms up and is not kept
        for name in names[turn % 2 :] + names[: turn % 2]:
            empty_queue()
            started = time.perf_counter()
            runs[name](fresh(change))
            elapsed = time.perf_counter() - started
            assert db.session.execute(text("SELECT count(*) FROM notifications")).scalar_one() == BIG - 1
            if turn:
                samples[name].append(elapsed)
    empty_queue()
    return samples


def wait_until(ready: Callable[[], bool], what: str, process: subprocess.Popen, timeout_s: float) -> None:
    """Poll ready() until it is true; raise if process exits or timeout_s passes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if ready():
            return
        if process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {process.returncode}")
        time.sleep(POLL_S)
    raise RuntimeError(f"{what}: timed out after {timeout_s} s")


def start_process(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    """command in its own process group, logging to log."""
    with open(log, "wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def smtp_answers(port: int) -> bool:
    """Whether an SMTP server answers on 127.0.0.1:port."""
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=1) as smtp:
            return smtp.noop()[0] == 250
    except OSError:
        return False


def composed(change: dict, config) -> tuple[list[EmailMessage], float]:
    """The messages of change's notifications as the worker composes them, and the seconds composing took."""
    notify.fan_out(change)
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({n.user_id for n in rows})))}
    started = time.perf_counter()
    messages = [mail_compose.compose(row, users[row.user_id], config) for row in rows]
    elapsed = time.perf_counter() - started
    empty_queue()
    return messages, elapsed


def bare_smtp(port: int, messages: list[EmailMessage]) -> float:
    """The floor: seconds to send every message over one connection."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for message in messages:
            smtp.send_message(message)
    return time.perf_counter() - started


def mail_job_status(conn: psycopg.Connection) -> str | None:
    """The status of the newest deliver_mail job."""
    row = conn.execute(
        "SELECT status FROM procrastinate_jobs WHERE task_name = 'planner.jobs.deliver_mail' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def by_worker(change: dict, conn: psycopg.Connection, worker: subprocess.Popen) -> float:
    """Seconds from the commit of MAIL pending e-mails (and their job) to the worker's job success."""
    notify.fan_out(fresh(change))
    started = time.perf_counter()
    wait_until(lambda: mail_job_status(conn) in ("succeeded", "failed"), "the mail job", worker, JOB_TIMEOUT_S)
    elapsed = time.perf_counter() - started
    sent = db.session.execute(text("SELECT count(*) FROM notifications WHERE email_status = 'sent'")).scalar_one()
    db.session.commit()
    if mail_job_status(conn) != "succeeded" or sent != MAIL - 1:
        raise RuntimeError(f"the worker's job ended {mail_job_status(conn)} with {sent} of {MAIL - 1} sent")
    return elapsed


def worker_env(bench_url: str, port: int) -> dict:
    """The environment of `flask worker` on the scratch database, sending to 127.0.0.1:port."""
    return {
        "DATABASE_URL": bench_url,
        "SECRET_KEY": "bench",
        "PLANNER_GEOCODER": "offline",
        "PLANNER_TILES_URL": "",
        "PLANNER_SMTP_HOST": "127.0.0.1",
        "PLANNER_SMTP_PORT": str(port),
        "PLANNER_SMTP_SECURITY": "none",
    }


def measure_mail(bench_url: str, change: dict, config, folder: Path) -> tuple[dict[str, list[float]], float]:
    """Seconds to deliver MAIL e-mails by one `flask worker` and by a bare smtplib loop; seconds composing them."""
    port = free_port()
    smtp_command = [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"]
    sink = start_process(smtp_command, {}, folder / "smtp.log")
    messages, compose_s = composed(fresh(change), config)  # before the worker starts, or it would send them
    worker_command = [sys.executable, "-m", "flask", "--app", "planner", "worker"]
    worker = start_process(worker_command, worker_env(bench_url, port), folder / "worker.log")
    try:
        with psycopg.connect(sync_url(bench_url, DB_NAME), autocommit=True) as conn:
            wait_until(lambda: smtp_answers(port), "aiosmtpd", sink, START_TIMEOUT_S)
            wait_until(worker_idle, "the worker's start-up jobs", worker, START_TIMEOUT_S)
            runs: dict[str, Callable[[], float]] = {
                "one flask worker": lambda: by_worker(change, conn, worker),
                "bare smtplib loop": lambda: bare_smtp(port, messages),
            }
            samples: dict[str, list[float]] = {name: [] for name in runs}
            names = list(runs)
            for turn in range(MAIL_ROUNDS):
                for name in names[turn % 2 :] + names[: turn % 2]:
                    empty_queue()
                    samples[name].append(runs[name]())
            empty_queue()
        return samples, compose_s
    except Exception:
        print((folder / "worker.log").read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        stop_group(worker)
        stop_group(sink)


def worker_idle() -> bool:
    """Whether the worker has run the periodic jobs it queues at start (and nothing else waits)."""
    idle = db.session.execute(
        text(
            """SELECT count(*) FILTER (WHERE status IN ('todo', 'doing') AND task_name <> 'planner.jobs.retry_stalled')
                      = 0 AND count(*) FILTER (WHERE task_name = 'planner.jobs.sweep_mail') > 0
               FROM procrastinate_jobs"""
        )
    ).scalar_one()
    db.session.commit()  # the next poll sees the worker's later commits
    return bool(idle)


def announce(app, seeded: dict, size: int) -> dict:
    """Create one outing in the group of size through the API; the change its fan-out job was queued with."""
    answer = app.test_client().post(
        f"/api/v1/groups/{seeded[size]}/events",
        json=outing_body(0),
        headers={"Authorization": f"Bearer {seeded['token']}"},
    )
    assert answer.status_code == 201, answer.get_json()
    return queued_change(seeded[size])


def measure(app, bench_url: str, folder: Path) -> dict[str, float]:
    """Seed, run the three measurements (printing their numbers) and return the ratios by TARGETS label."""
    seeded = seed()
    print(f"load average before measuring: {' '.join(f'{n:.2f}' for n in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"announcing an outing, POST /api/v1/groups/{{id}}/events, {REQUEST_ROUNDS} rounds:")
    requests = measure_requests(app, seeded)
    for name, samples in requests.items():
        report(name, samples)
    big_change, mail_change = announce(app, seeded, BIG), announce(app, seeded, MAIL)
    empty_queue()
    print(f"fan-out of one new outing to {BIG - 1:,} members, {FAN_OUT_ROUNDS} rounds:")
    fan_out = measure_fan_out(big_change)
    for name, samples in fan_out.items():
        report(name, samples)
    print(f"e-mail of {MAIL - 1:,} notifications to a local aiosmtpd, {MAIL_ROUNDS} rounds:")
    mail, compose_s = measure_mail(bench_url, mail_change, app.config, folder)
    per_message_ms = {name: statistics.median(samples) / (MAIL - 1) * 1000 for name, samples in mail.items()}
    for name, samples in mail.items():
        report(name, samples)
        print(f"    {per_message_ms[name]:.2f} ms a message, {1000 / per_message_ms[name]:.0f} messages/s", flush=True)
    print(
        f"  context: composing one message (mail_compose.compose, in this process) {compose_s / (MAIL - 1) * 1000:.2f} ms"
    )
    median = statistics.median
    return {
        "create-outing p50 at 10,000 members / at 10 members": median(requests[f"{BIG:,} members"])
        / median(requests[f"{SMALL:,} members"]),
        "fan_out of 10,000 / bare INSERT … SELECT of 10,000": median(fan_out["fan_out"])
        / median(fan_out["bare INSERT … SELECT"]),
        "worker mail rate / bare smtplib loop rate": per_message_ms["bare smtplib loop"]
        / per_message_ms["one flask worker"],
    }


def main() -> int:
    """Build the scratch database, measure, print each ratio with PASS/MISS; exit 1 when a target is missed."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("Set DATABASE_URL to the PostGIS server (make bench does).", file=sys.stderr)
        return 2
    bench_url = recreate_database(url, DB_NAME, bench_app)
    app = bench_app(bench_url)
    try:
        with app.app_context(), tempfile.TemporaryDirectory(prefix="planner-notify-bench-") as folder:
            values = measure(app, bench_url, Path(folder))
            db.engines[None].dispose()
    finally:
        with psycopg.connect(sync_url(url, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    print("targets:")
    met = [check(label, values[label], *TARGETS[label]) for label in TARGETS]
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
