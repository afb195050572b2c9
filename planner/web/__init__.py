"""Web pages: blueprints that parse the request, call a service and render a template."""

from __future__ import annotations

from flask import Flask

from planner.extensions import login_manager
from planner.services import accounts
from planner.web import (
    auth,
    events,
    explore,
    feeds,
    groups,
    mail_pages,
    main,
    notifications,
    routes,
    series,
    tiles,
)
from planner.web.filters import FILTERS


def register(app: Flask) -> None:
    """Register the page blueprints and the Flask-Login user loader."""
    app.jinja_env.filters.update(FILTERS)
    for module in (main, auth, routes, explore, groups, events, series, tiles, notifications, feeds, mail_pages):
        app.register_blueprint(module.bp)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def _load_user(user_id: str):
        return accounts.get_user(int(user_id)) if user_id.isdigit() else None
