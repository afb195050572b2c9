"""JSON API, version 1 (contract in shared/API.md; spec at /api/v1/openapi.json)."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from planner.api import accounts, openapi  # noqa: E402,F401  (routes register on bp)
