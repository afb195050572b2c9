"""Deferring jobs: by task name, on the session's own connection, so a job exists exactly when its change commits."""

from __future__ import annotations

from datetime import datetime

from planner.extensions import db
from planner.extensions import queue as job_queue

TASK_PREFIX = "planner.jobs."


def defer(task: str, schedule_at: datetime | None = None, **args) -> None:
    """Queue the job planner.jobs.<task>(**args) inside the current transaction (rolled back with it)."""
    connection = db.session.connection().connection.driver_connection
    options: dict = {"connection": connection}
    if schedule_at is not None:
        options["schedule_at"] = schedule_at
    job_queue.configure_task(TASK_PREFIX + task, **options).defer(**args)
