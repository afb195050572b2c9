"""Rate limits on the endpoints worth abusing, kept in one table: endpoint -> config key of its limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request

from planner.extensions import limiter

LIMITED_ENDPOINTS = {
    "auth.login": "RATE_LIMIT_LOGIN",
    "api.create_token": "RATE_LIMIT_LOGIN",
    "auth.register": "RATE_LIMIT_REGISTER",
    "api.create_user": "RATE_LIMIT_REGISTER",
    "routes.upload": "RATE_LIMIT_UPLOAD",
    "api.upload_route": "RATE_LIMIT_UPLOAD",
    "routes.privacy_zones": "RATE_LIMIT_UPLOAD",  # adding a zone re-cuts all of the user's routes
    "api.add_privacy_zone": "RATE_LIMIT_UPLOAD",
    "events.post": "RATE_LIMIT_POST",
    "groups.post": "RATE_LIMIT_POST",
    "api.create_event_post": "RATE_LIMIT_POST",
    "api.create_group_post": "RATE_LIMIT_POST",
}


def _limit_of(config_key: str):
    """A callable giving the configured limit string (read per request, so tests and admins can change it)."""
    return lambda: current_app.config[config_key]


# Flask-Limiter registers a decorated limit by the view's name, process-wide: wrap each view once, so
# several apps in one process (tests, scripts) do not count every hit once per app.
_wrapped: dict[Callable[..., Any], Callable[..., Any]] = {}


@limiter.request_filter
def _reads_are_never_limited() -> bool:
    """Every limit is on a write: skip the limiter's work entirely for reads (the hot discovery paths)."""
    return request.method in ("GET", "HEAD", "OPTIONS")


def apply_rate_limits(app: Flask, endpoints: dict[str, str] = LIMITED_ENDPOINTS) -> None:
    """Wrap each listed endpoint's view in its write-only limit; a listed endpoint that does not exist is an error."""
    for endpoint, config_key in endpoints.items():
        view = app.view_functions[endpoint]
        if view not in _wrapped:
            _wrapped[view] = limiter.limit(_limit_of(config_key), methods=["POST", "PATCH", "DELETE"])(view)
        app.view_functions[endpoint] = _wrapped[view]
    # Every limit is a decorated one, which Flask-Limiter checks inside the wrapped view. Its before_request
    # pass exists for default and application-wide limits, which planner sets none of; it cost every read
    # (the hot discovery endpoints) about a tenth of its time, so it goes.
    # (When rate limiting is switched off, Flask-Limiter registers no hooks at all.)
    before = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in before:
        before.remove(limiter._check_request_limit)
