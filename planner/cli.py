"""flask commands: seed, routes import, worker, jobs."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from procrastinate import PsycopgConnector
from sqlalchemy import make_url, text

from planner import jobs
from planner.errors import ServiceError
from planner.extensions import db
from planner.extensions import queue as job_queue
from planner.services import accounts, routes, seed


def register_commands(app: Flask) -> None:
    """Attach planner's commands to app.cli."""
    app.cli.add_command(seed_command)
    app.cli.add_command(routes_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(jobs_cli)


@click.command("seed")
def seed_command() -> None:
    """Load the sample routes, demo users, groups, events, meeting points and posts (idempotent)."""
    summary = seed.run()
    click.echo("seed: " + ", ".join(f"{count} {kind}" for kind, count in summary.items()) + " created")


routes_cli = AppGroup("routes", help="Manage GPX routes.")


def gpx_files(paths: tuple[str, ...]) -> list[Path]:
    """The .gpx files named by paths (folders are searched recursively), sorted, without duplicates."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        found.extend(
            sorted(p for p in path.rglob("*") if p.suffix.lower() == ".gpx" and p.is_file())
            if path.is_dir()
            else [path]
        )
    return list(dict.fromkeys(found))


@routes_cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--owner", "owner_email", required=True, help="Email of the user who will own the routes.")
@click.option("--activity", default="hiking", show_default=True, help="Activity of every imported route.")
@click.option("--group-id", type=int, default=None, help="Attach the routes to this group (owner must organise it).")
def import_routes(paths: tuple[str, ...], owner_email: str, activity: str, group_id: int | None) -> None:
    """Import GPX files and folders; exits 1 when any file was rejected."""
    owner = accounts.user_by_email(owner_email)
    if owner is None:
        raise click.UsageError(f"No user with email {owner_email!r}.")
    files = gpx_files(paths)
    imported, rejected = [], []
    with click.progressbar(files, label="Importing", item_show_func=lambda p: p.name if p else "") as bar:
        for path in bar:
            try:
                route = routes.import_gpx(owner.id, path.read_bytes(), activity=activity, group_id=group_id)
                imported.append((path, route.id))
            except ServiceError as error:
                rejected.append((path, error.message))
    for path, route_id in imported:
        click.echo(f"imported  {path}  -> route {route_id}")
    for path, reason in rejected:
        click.echo(f"rejected  {path}: {reason}", err=True)
    click.echo(f"{len(imported)} imported, {len(rejected)} rejected")
    if rejected:
        raise SystemExit(1)


def queue_conninfo(sqlalchemy_url: str) -> str:
    """The libpq URL of the app's database, for the queue's own connections."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


@click.command("worker")
@click.option("--concurrency", default=1, show_default=True, help="Jobs run at the same time by this worker.")
def worker_command(concurrency: int) -> None:
    """Run queued jobs (notifications, e-mail, reminders) until stopped; start as many as you like."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    jobs.configure_worker(app)
    connector = PsycopgConnector(conninfo=queue_conninfo(app.config["SQLALCHEMY_DATABASE_URI"]))
    with job_queue.replace_connector(connector):
        job_queue.run_worker(
            concurrency=concurrency,
            name="planner-worker",
            update_heartbeat_interval=app.config["WORKER_HEARTBEAT_S"],
            stalled_worker_timeout=app.config["WORKER_STALLED_S"],
        )


jobs_cli = AppGroup("jobs", help="Look at the job queue.")


@jobs_cli.command("failed")
def failed_jobs() -> None:
    """List the jobs that failed for good, each with the error of its last attempt."""
    rows = db.session.execute(
        text(
            """SELECT j.id, j.task_name, j.attempts, j.args, e.error
               FROM procrastinate_jobs j
               LEFT JOIN LATERAL (SELECT error FROM job_errors WHERE job_id = j.id ORDER BY id DESC LIMIT 1) e ON true
               WHERE j.status = 'failed' ORDER BY j.id"""
        )
    ).all()
    for row in rows:
        last_line = (row.error or "no error recorded").strip().splitlines()[-1]
        click.echo(f"job {row.id}  {row.task_name}  {row.attempts} attempts  {last_line}")
    click.echo(f"{len(rows)} failed")
