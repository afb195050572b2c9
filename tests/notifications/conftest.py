"""Helpers for the notification tests: run the queued jobs inside the test's transaction, as a worker would."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select, text

from planner import jobs
from planner.extensions import db
from planner.extensions import queue as job_queue
from planner.models import Notification
from tests.community.conftest import Cast, add_member, bearer, cast, make_cast, private_cast, route  # noqa: F401

MAX_ROUNDS = 20


def queued(task_name: str | None = None) -> list:
    """The jobs waiting in the queue (this test's transaction sees its own), oldest first."""
    rows = db.session.execute(
        text("SELECT id, task_name, args FROM procrastinate_jobs WHERE status = 'todo' ORDER BY id")
    ).all()
    return [row for row in rows if task_name is None or row.task_name == task_name]


def run_jobs(app) -> list[str]:
    """Run every waiting job through planner.jobs' own task functions until none waits; returns the task names."""
    jobs.bind(app)
    ran: list[str] = []
    for _ in range(MAX_ROUNDS):
        waiting = queued()
        if not waiting:
            return ran
        for row in waiting:
            db.session.execute(text("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = :id"), {"id": row.id})
            context = SimpleNamespace(job=SimpleNamespace(id=row.id, task_name=row.task_name, attempts=0))
            job_queue.tasks[row.task_name].func(context, **row.args)
            db.session.execute(
                text("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = :id"), {"id": row.id}
            )
            ran.append(row.task_name)
    raise AssertionError("jobs keep queueing more jobs")


def inbox(user) -> list[Notification]:
    """user's notifications, oldest first."""
    return list(
        db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    )


def kinds(user) -> list[str]:
    """The kinds of user's notifications, oldest first."""
    return [n.kind for n in inbox(user)]
