"""Deferring jobs: by task name, on the session's own connection, so a job exists exactly when its change commits."""

from __future__ import annotations

from datetime import datetime

from procrastinate import SyncPsycopgConnector
from procrastinate.manager import JobManager

from planner.extensions import db
from planner.extensions import queue as job_queue

TASK_PREFIX = "planner.jobs."
# Writes jobs on a connection it is given, whatever connector the queue runs on: a worker's is asynchronous and
# cannot use the session's (synchronous) connection, yet a job (fan_out) must defer another on it.
_ON_SESSION = JobManager(SyncPsycopgConnector())


def defer(task: str, schedule_at: datetime | None = None, **args) -> None:
    """Queue the job planner.jobs.<task>(**args) inside the current transaction (rolled back with it)."""
    connection = db.session.connection().connection.driver_connection
    options: dict = {} if schedule_at is None else {"schedule_at": schedule_at}
    job = job_queue.configure_task(TASK_PREFIX + task, **options).make_new_job(**args)
    _ON_SESSION.defer_job(job=job, connection=connection)
