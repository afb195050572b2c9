"""JSON API, version 1 (contract in shared/API.md; spec at /api/v1/openapi.json)."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Each module registers its routes on bp and describes them in its OPENAPI dict.
from planner.api import accounts, discovery, events, groups, meeting_points, posts, privacy, routes  # noqa: E402
from planner.api import openapi  # noqa: E402,F401

MODULES = (accounts, routes, discovery, groups, events, meeting_points, posts, privacy)
