"""JSON API, version 1 (contract in shared/API.md; spec at /api/v1/openapi.json)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Each module registers its routes on bp and describes them in its OPENAPI dict.
from planner.api import (  # noqa: E402
    accounts,
    discovery,
    events,
    groups,
    meeting_points,
    openapi,  # noqa: E402,F401
    posts,
    privacy,
    routes,
)

MODULES = (accounts, routes, discovery, groups, events, meeting_points, posts, privacy)
