"""flask commands: seed, routes import."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from planner.errors import ServiceError
from planner.services import accounts, routes, seed


def register_commands(app: Flask) -> None:
    """Attach planner's commands to app.cli."""
    app.cli.add_command(seed_command)
    app.cli.add_command(routes_cli)


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
