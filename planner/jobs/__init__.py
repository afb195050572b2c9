"""Queue tasks: thin entry points, like web/ and api/, each calling one service inside the worker's Flask app.

A failed attempt's error is kept in job_errors (procrastinate keeps only the status); a task retries with
exponential backoff and ends in procrastinate's `failed` state after its last attempt.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask
from procrastinate import JobContext, RetryStrategy
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Status

from planner.extensions import db
from planner.extensions import queue as job_queue
from planner.models import JobError
from planner.services import mailer, notify, reminders, series

_bound: dict[str, Flask] = {}

# Fan-out: 5 attempts 2, 4, 8, 16 s apart. Mail: 12 attempts from 2 s to about an hour apart (SMTP outages).
FAN_OUT_RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)
MAIL_RETRY = RetryStrategy(max_attempts=12, exponential_wait=2)


def bind(app: Flask) -> None:
    """Run the tasks of this process inside app (the worker's)."""
    _bound["app"] = app


def _in_app(body: Callable) -> Callable:
    """Run body(context, ...) in the bound app's context; record the error of a failed attempt, then re-raise."""

    @functools.wraps(body)
    def run(context: JobContext, *args, **kwargs):
        with _bound["app"].app_context():
            try:
                return body(context, *args, **kwargs)
            except Exception:
                db.session.rollback()
                job = context.job
                db.session.add(
                    JobError(
                        job_id=job.id, task_name=job.task_name, attempt=job.attempts + 1, error=traceback.format_exc()
                    )
                )
                db.session.commit()
                raise

    return run


@job_queue.task(name="planner.jobs.fan_out", pass_context=True, retry=FAN_OUT_RETRY)
@_in_app
def fan_out(context: JobContext, change: dict) -> None:
    """Insert the notifications of one change."""
    notify.fan_out(change)


@job_queue.task(name="planner.jobs.deliver_mail", pass_context=True, retry=MAIL_RETRY)
@_in_app
def deliver_mail(context: JobContext) -> None:
    """Send every notification e-mail that waits (raises while the SMTP server refuses, so the job retries)."""
    mailer.deliver_pending()


@job_queue.periodic(cron="*/5 * * * *")
@job_queue.task(name="planner.jobs.send_reminders", pass_context=True, queueing_lock="send_reminders")
@_in_app
def send_reminders(context: JobContext, timestamp: int) -> None:
    """Every 5 minutes: the reminders that are due."""
    reminders.send_due()


@job_queue.periodic(cron="0 7 * * 1")
@job_queue.task(name="planner.jobs.send_digests", pass_context=True, queueing_lock="send_digests")
@_in_app
def send_digests(context: JobContext, timestamp: int) -> None:
    """Mondays 07:00 UTC: the weekly digests of new outings."""
    reminders.send_digests(datetime.fromtimestamp(timestamp, UTC))


@job_queue.periodic(cron="*/10 * * * *")
@job_queue.task(name="planner.jobs.sweep_mail", pass_context=True, queueing_lock="sweep_mail", retry=MAIL_RETRY)
@_in_app
def sweep_mail(context: JobContext, timestamp: int) -> None:
    """Every 10 minutes: send any e-mail still pending (after a delivery job used up its retries)."""
    mailer.deliver_pending()


@job_queue.periodic(cron="7 * * * *")
@job_queue.task(name="planner.jobs.fill_series", pass_context=True, queueing_lock="fill_series")
@_in_app
def fill_series(context: JobContext, timestamp: int) -> None:
    """Hourly: make the occurrences of series that come within the window (8 weeks ahead)."""
    series.fill_all(datetime.fromtimestamp(timestamp, UTC))


# A worker that sent no heartbeat for WORKER_STALLED_S (config, 30 s by default) is dead: its running jobs are
# given to the others, checked every WORKER_STALLED_S seconds (at most a minute). A job whose workers kept dying
# is retried as often as its retry strategy allows (STALLED_ATTEMPTS without one), then marked failed.
STALLED_AFTER_S = 30
STALLED_ATTEMPTS = 3
_DIED = "the worker running this job stopped sending heartbeats (killed, or its machine lost) for {seconds:g} s"
_RECORD_DIED = """INSERT INTO job_errors (job_id, task_name, attempt, error)
                  VALUES (%(job_id)s, %(task_name)s, %(attempt)s, %(error)s)"""


def configure_worker(app: Flask) -> None:
    """Bind app and apply its worker settings: mail retries and how often dead workers' jobs are looked for."""
    bind(app)
    mail_retry = RetryStrategy(
        max_attempts=app.config["MAIL_RETRY_ATTEMPTS"], exponential_wait=app.config["MAIL_RETRY_BASE_S"]
    )
    deliver_mail.retry_strategy = sweep_mail.retry_strategy = mail_retry
    every_s = min(60, max(1, round(app.config["WORKER_STALLED_S"])))
    registry = job_queue.periodic_registry
    registry.periodic_tasks.pop((retry_stalled.name, ""), None)
    cron = "* * * * *" if every_s == 60 else f"* * * * * */{every_s}"  # croniter: seconds come sixth
    registry.register_task(task=retry_stalled, cron=cron, periodic_id="", configure_kwargs={})


def _stalled_attempts(task_name: str) -> int:
    """How many times a job of task_name may be retried after its worker died."""
    task = job_queue.tasks.get(task_name)
    return getattr(task and task.retry_strategy, "max_attempts", None) or STALLED_ATTEMPTS


@job_queue.task(name="planner.jobs.retry_stalled", pass_context=True, queueing_lock="retry_stalled")
async def retry_stalled(context: JobContext, timestamp: int) -> None:
    """Run again the jobs of workers that died in the middle; fail, with the reason, those out of attempts."""
    app = _bound.get("app")
    stalled_s = app.config["WORKER_STALLED_S"] if app else STALLED_AFTER_S
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_s):
        try:
            if job.attempts < _stalled_attempts(job.task_name):
                await manager.retry_job(job)
                continue
            await manager.finish_job(job, status=Status.FAILED, delete_job=False)
            error = _DIED.format(seconds=stalled_s)
            record = {"job_id": job.id, "task_name": job.task_name, "attempt": job.attempts + 1, "error": error}
            await manager.connector.execute_query_async(_RECORD_DIED, **record)
        except ConnectorException:  # another worker's check took this job first: it is no longer 'doing'
            continue
