"""flask commands: seed (more arrive with the routes issue)."""
from __future__ import annotations

import click
from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach planner's commands to app.cli."""

    @app.cli.command("seed")
    def seed_command() -> None:
        """Load the sample routes, demo users, groups, events, meeting points and posts (idempotent)."""
        from planner.services import seed

        summary = seed.run()
        click.echo(", ".join(f"{count} {kind}" for kind, count in summary.items()) + " created")
